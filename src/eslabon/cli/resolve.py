"""`eslabon resolve`, `explain`, `review`, `eval`: resolution and its evidence and accuracy."""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.prompt import Prompt
from rich.table import Table

from eslabon.cli.app import StoreOption, acting, app, console, reading, stage_spinner
from eslabon.store.connection import Store

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


@app.command()
def resolve(
    store: StoreOption = None,
    full: Annotated[
        bool, typer.Option("--full", help="Retrain and rescore everything, not only new mentions.")
    ] = False,
    threshold: Annotated[
        float | None, typer.Option(help="Match probability needed to merge (default: model's).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for training samples.")] = 7,
    json_out: JsonOption = False,
) -> None:
    """Decide which mentions are the same actor; write entities with stable ids."""
    from eslabon.resolve.pipeline import run_resolve

    # A pipeline stage run by operators: allowed by the `ingest` permission.
    with (
        acting(store, "ingest", "resolve", full=full, threshold=threshold, seed=seed) as (
            st,
            _principal,
            note,
        ),
        stage_spinner("resolving", disable=json_out) as say,
    ):
        report = run_resolve(st, full=full, seed=seed, threshold=threshold, progress=say)
        note(mode=report.mode, entity_counts=report.entities)
    if json_out:
        console.print_json(json.dumps(report.as_dict()))
        return
    table = Table(title=f"resolve ({report.mode})")
    table.add_column("kind")
    table.add_column("mentions", justify="right")
    table.add_column("entities", justify="right")
    for kind in sorted(report.entities):
        table.add_row(kind, f"{report.mentions.get(kind, 0):,}", f"{report.entities[kind]:,}")
    console.print(table)
    console.print(
        f"person model {str(report.model_id)[:12]}; {report.candidate_pairs:,} scored pairs; "
        f"{report.new_mentions:,} new person mentions; merges refused: "
        f"{report.refused or 'none'}; {report.timings.get('total_s', 0):.1f}s"
    )
    if report.fixed_m:
        console.print(
            "m fixed at the floor (EM drove it to 0 on this data): " + ", ".join(report.fixed_m)
        )
    if report.untrained:
        console.print(
            "too few records to train all of the person model; left at starting values: "
            + "; ".join(report.untrained)
            + ". Merges rest on names and identifiers with untrained weights: review them, and "
            "run `eslabon resolve --full` again once more records are in"
        )


@app.command()
def explain(
    a: Annotated[str, typer.Argument(help="Entity or mention id.")],
    b: Annotated[str, typer.Argument(help="Entity or mention id.")],
    store: StoreOption = None,
    json_out: JsonOption = False,
) -> None:
    """Show the match weight of each comparison between A and B (a waterfall)."""
    from eslabon.resolve.explain import explain as run_explain

    with reading(store, "explain", a=a, b=b) as r:
        # Reading the main store itself, a pair nobody stored may be scored by Splink (which
        # needs a writable file); a view explains what resolve stored.
        st = r.writable_data()
        data = run_explain(st, a, b)
        r.note(
            entities=[x for x in (data.get("entity_l"), data.get("entity_r")) if x],
            statements=_mention_rows(data.get("pair") or []),
        )
    if json_out:
        console.print_json(json.dumps(data, default=str))
        return
    if data["kind"] != "Person":
        console.print(f"{data['kind']}: shared keys {data.get('shared_keys') or 'none'}")
        return
    table = Table(title=f"{data['pair'][0]}  vs  {data['pair'][1]}")
    for col in ("comparison", "level", "left", "right", "weight", "tf", "running"):
        table.add_column(col, justify="right" if col in ("weight", "tf", "running") else "left")
    running = data["prior_weight"]
    table.add_row("prior", "", "", "", f"{running:+.2f}", "", f"{running:+.2f}")
    for step in data["comparisons"]:
        running += step["weight"] + step["tf_weight"]
        colour = "green" if step["weight"] > 0 else "red" if step["weight"] < 0 else "dim"
        table.add_row(
            step["comparison"],
            step["level"],
            str(step["left"]),
            str(step["right"]),
            f"[{colour}]{step['weight']:+.2f}[/]",
            f"{step['tf_weight']:+.2f}" if step["tf_weight"] else "",
            f"{running:+.2f}",
        )
    console.print(table)
    same = data["entity_l"] is not None and data["entity_l"] == data["entity_r"]
    console.print(
        f"match weight {data['match_weight']:+.2f}, probability {data['match_probability']:.4f} "
        f"(threshold {data['threshold']}); {data['pairs_scored']} pair(s) scored; "
        f"{'same entity' if same else 'different entities'} "
        f"({data['entity_l']} / {data['entity_r']})"
    )


@app.command()
def review(
    store: StoreOption = None,
    user: Annotated[str | None, typer.Option(help="Who judges (default $USER).")] = None,
    low: Annotated[float, typer.Option(help="Lowest match probability to review.")] = 0.2,
    high: Annotated[float | None, typer.Option(help="Highest (default threshold + 0.04).")] = None,
    limit: Annotated[int, typer.Option(help="Pairs to show.")] = 20,
) -> None:
    """Walk the uncertain band: same / different / unsure; verdicts bind the next resolve."""
    from eslabon.resolve.review import mention_record, record_judgement

    with acting(store, "review", "review", low=low, high=high) as (st, principal, note):
        # With accounts, the verdict is signed by the acting user; --user names the local
        # operator's judge in setup mode only.
        who = (
            (user or os.environ.get("USER") or getpass.getuser())
            if principal.setup
            else (principal.username)
        )
        pairs = _visible_pairs(st, principal, low=low, high=high, limit=limit)
        if not pairs:
            console.print("nothing to review in this band")
            return
        verdicts: list[dict[str, str]] = []
        for i, pair in enumerate(pairs, start=1):
            left = mention_record(st, pair["mention_l"])
            right = mention_record(st, pair["mention_r"])
            note(
                entities=[x for x in (pair["entity_l"], pair["entity_r"]) if x],
                statements=_mention_rows([pair["mention_l"], pair["mention_r"]]),
            )
            table = Table(title=f"{i}/{len(pairs)}  probability {pair['match_probability']:.3f}")
            table.add_column("field")
            table.add_column(f"{left['source']} row {left['row_num']}")
            table.add_column(f"{right['source']} row {right['row_num']}")
            for key in sorted(set(left["props"]) | set(right["props"])):
                lv, rv = left["props"].get(key), right["props"].get(key)
                style = "" if lv == rv else "yellow"
                table.add_row(key, str(lv or ""), str(rv or ""), style=style)
            console.print(table)
            answer = Prompt.ask(
                "same person?",
                choices=["same", "different", "unsure", "skip", "quit"],
                default="skip",
                console=console,
            )
            if answer == "quit":
                break
            if answer != "skip":
                record_judgement(st, pair["mention_l"], pair["mention_r"], answer, who)
                verdicts.append(
                    {
                        "mention_l": pair["mention_l"],
                        "mention_r": pair["mention_r"],
                        "verdict": answer,
                    }
                )
            note(verdicts=verdicts)
    console.print("judgements apply on the next `eslabon resolve`")


@app.command(name="eval")
def eval_command(
    truth_dir: Annotated[Path, typer.Argument(help="A world's truth/ folder (or the world).")],
    store: StoreOption = None,
    only: Annotated[
        list[str] | None,
        typer.Option("--only", help="Only this section (repeatable), e.g. resolution."),
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """Score the workspace against ground truth: one section per stage (a stage not run yet
    is reported as skipped)."""
    from eslabon.evaluate import evaluate

    with reading(store, "eval", truth=str(truth_dir), only=only) as (st, _principal, note):
        report = evaluate(st, truth_dir, only=only)
        note(sections=sorted(report))
    if json_out:
        console.print_json(json.dumps(report))
        return
    res = report.get("resolution", {})
    table = Table(title="resolution")
    for col in ("kind", "mentions", "entities", "true", "pw P", "pw R", "pw F1", "B3 P", "B3 R"):
        table.add_column(col, justify="left" if col == "kind" else "right")
    for kind, r in res.items():
        table.add_row(
            kind,
            f"{r['mentions']:,}",
            f"{r['entities']:,}",
            f"{r['true_entities']:,}",
            *(f"{r['pairwise'][k]:.4f}" for k in ("precision", "recall", "f1")),
            *(f"{r['bcubed'][k]:.4f}" for k in ("precision", "recall")),
        )
    console.print(table)
    for name in sorted(k for k in report if k != "resolution"):
        console.print_json(json.dumps({name: report[name]}))


def _mention_rows(mention_ids: list[str]) -> list[tuple[str, int]]:
    """(source_id, row_num) of mention ids ``<source_id>/<row_num>/<mapping_key>``."""
    out = []
    for m in mention_ids:
        parts = str(m).rsplit("/", 2)
        if len(parts) == 3 and parts[1].isdigit():
            out.append((parts[0], int(parts[1])))
    return out


def _visible_pairs(
    st: Store, principal: Any, *, low: float, high: float | None, limit: int
) -> list[dict[str, Any]]:
    """Uncertain pairs whose two records the reviewer may both see: a judge never sees a
    record of a source outside their clearance."""
    from eslabon.access.views import visible_sources
    from eslabon.resolve.review import uncertain_pairs

    if principal.setup:
        return uncertain_pairs(st, low=low, high=high, limit=limit)
    seen = set(visible_sources(st, principal))
    pairs = uncertain_pairs(st, low=low, high=high, limit=limit * 20 + 200)
    return [
        p
        for p in pairs
        if all(src in seen for src, _row in _mention_rows([p["mention_l"], p["mention_r"]]))
    ][:limit]
