"""Resolution figures → bench/results/resolve.json.

- FEBRL4 through the ordinary ingest → resolve → eval path (bench/febrl4.py).
- Synthetic worlds: seed 7 (every decision was taken on it) and seed 1234 (never looked at
  before the final measurement): pairwise and B-cubed scores of every kind, blocking
  (candidate pairs, direct and connected recall of true pairs), wall time and peak RSS.
- Side by side on seed 7: an idiomatic Splink set-up (generic name comparisons on the
  full-name string, birth date by edit distance, no domain normalisation, standard blocking)
  against eslabon — F1, candidate pairs, wall time.
- Scale: worlds from ``eslabon synth --seed 21 --scale S`` (person mentions ≈ 28,500 × S;
  the default 3.5, 10, 35 is ≈ 100k, 290k, 1M), resolved with ``--full``; wall time and peak
  RSS per size, and how they grow (the exponent k in cost ∝ mentions^k between successive
  sizes); then 1,000 new person mentions (a copy of one source's rows re-ingested under a new
  name) resolved incrementally against the largest, beside that size's full run.
Every step runs in a subprocess measured by bench/measure.py (peak RSS of the process tree).

Run: ``.venv/bin/python bench/bench_resolve.py [--scales 3.5,10,35] [--work DIR]``; the scale
section alone (≈ 45 min on 2 cores): ``--skip febrl,seeds``.
Sub-modes used by the bench itself: ``--idiomatic STORE TRUTH``, ``--blocking STORE TRUTH``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import math
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from febrl4 import run as run_febrl4
from measure import eslabon, measure, write_result

SEEDS = {"default_seed_7": 7, "unseen_seed_1234": 1234}
PERSONS_PER_SCALE = 28_500


def _person_truth(store_path: Path, truth_dir: Path) -> dict[str, str]:
    from eslabon.evaluate.truth import truth_by_mention
    from eslabon.store.connection import open_store

    with open_store(store_path) as store:
        truth = truth_by_mention(store, truth_dir)
    return {m: e for m, (kind, e) in truth.items() if kind == "Person"}


def blocking_mode(store_path: Path, truth_dir: Path) -> dict[str, Any]:
    """Candidate pairs and recall of the person blocking rules against the truth."""
    from eslabon.resolve.blocking import blocking_report
    from eslabon.store.connection import open_store

    truth = _person_truth(store_path, truth_dir)
    with open_store(store_path) as store:
        return blocking_report(store, truth)


IDIOMATIC_INPUT = """
CREATE OR REPLACE TABLE idiomatic_input AS
SELECT m.mention_id AS unique_id,
    lower(NULLIF(trim(m.props->>'name'), '')) AS full_name,
    NULLIF(m.props->>'birth_date', '') AS dob,
    NULLIF(m.props->>'sex', '') AS sex
FROM mentions m JOIN sources s ON s.source_id = m.source_id
WHERE m.kind = 'Person' AND s.superseded_by IS NULL
"""


def idiomatic_mode(store_path: Path, truth_dir: Path) -> dict[str, Any]:
    """The textbook Splink set-up on the same mentions, scored by the same evaluator."""
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from eslabon.evaluate.metrics import bcubed, pairwise

    logging.getLogger("splink").setLevel(logging.ERROR)
    truth = _person_truth(store_path, truth_dir)
    work = Path(tempfile.mkdtemp()) / "idiomatic.duckdb"
    shutil.copy(store_path, work)
    t0 = time.perf_counter()
    con = duckdb.connect(str(work))
    con.execute(IDIOMATIC_INPUT)
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("full_name"),
            cl.LevenshteinAtThresholds("dob", [1, 2]),
            cl.ExactMatch("sex"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("full_name"),
            block_on("dob"),
            block_on("substr(full_name, 1, 4)", "dob"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI(con)
    linker = Linker(db_api.register("idiomatic_input"), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("full_name", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=7)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("substr(full_name, 1, 4)")
    )
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.95
    ).as_pandas_dataframe()
    scored = int(con.execute(f"SELECT count(*) FROM {predictions.physical_name}").fetchall()[0][0])
    wall = time.perf_counter() - t0
    counts = linker.inference.predict(threshold_match_probability=0.0)
    candidates = int(con.execute(f"SELECT count(*) FROM {counts.physical_name}").fetchall()[0][0])
    con.close()
    predicted = dict(zip(clusters["unique_id"], clusters["cluster_id"].astype(str), strict=True))
    return {
        "setup": "cl.NameComparison on the lower-cased full-name string, Levenshtein on the "
        "birth date string, exact sex; blocking on full name, birth date, first four letters + "
        "birth date; u by sampling, m by EM; clusters at 0.95",
        "pairwise": pairwise(predicted, truth).as_dict(),
        "bcubed": bcubed(predicted, truth).as_dict(),
        "candidate_pairs": candidates,
        "pairs_above_0.01": scored,
        "train_predict_cluster_s": round(wall, 2),
    }


def _subprocess_json(mode: str, store: Path, truth: Path) -> dict[str, Any]:
    run = measure([sys.executable, __file__, mode, str(store), str(truth)])
    data = json.loads(run.pop("stdout"))
    return {**data, "wall_s": run["wall_s"], "peak_rss_mb": run["peak_rss_mb"]}


def synthetic(seed: int, work: Path, *, idiomatic: bool = False) -> dict[str, Any]:
    world = work / f"world{seed}"
    store = work / f"world{seed}.duckdb"
    shutil.rmtree(world, ignore_errors=True)
    store.unlink(missing_ok=True)
    measure(eslabon("synth", str(world), "--seed", str(seed)))
    measure(eslabon("ingest", str(world), "--store", str(store)))
    ingested = work / f"world{seed}.ingested.duckdb"
    shutil.copy(store, ingested)
    full = measure(eslabon("resolve", "--full", "--store", str(store), "--json"))
    run = json.loads(full.pop("stdout"))
    scores = json.loads(
        measure(
            eslabon(
                "eval", str(world / "truth"), "--store", str(store), "--only", "resolution",
                "--json",
            )
        )["stdout"]
    )["resolution"]  # fmt: skip
    out: dict[str, Any] = {
        "command": f"eslabon synth W --seed {seed} && eslabon ingest W --store S && "
        "eslabon resolve --full --store S && eslabon eval W/truth --store S --json",
        "person": scores.get("Person"),
        "other_kinds": {k: v for k, v in scores.items() if k != "Person"},
        "scored_pairs_above_0.01": run["candidate_pairs"],
        "refused_merges": run["refused"],
        "timings": run["timings"],
        "resolve_full": full,
        "blocking": _subprocess_json("--blocking", ingested, world / "truth"),
    }
    if idiomatic:
        out["idiomatic_splink"] = _subprocess_json("--idiomatic", ingested, world / "truth")
        out["eslabon_vs_idiomatic"] = {
            "f1": [out["person"]["pairwise"]["f1"], out["idiomatic_splink"]["pairwise"]["f1"]],
            "candidate_pairs": [
                out["blocking"]["candidate_pairs"],
                out["idiomatic_splink"]["candidate_pairs"],
            ],
            "wall_s_resolve": [full["wall_s"], out["idiomatic_splink"]["wall_s"]],
        }
    return out


def _new_source(world: Path, rows: int = 1000) -> Path:
    """A new source: the first ``rows`` person rows of the biggest person source, under a new
    name — realistic mentions, most of them of people already in the store."""
    mappings = sorted((world / "mappings").glob("*.yaml"))
    best = max(mappings, key=lambda m: (world / "sources").joinpath(m.stem).stat().st_size
               if (world / "sources" / m.stem).exists() else 0)  # fmt: skip
    text = best.read_text(encoding="utf-8")
    src_line = next(line for line in text.splitlines() if line.startswith("file:"))
    src = (best.parent / src_line.split(":", 1)[1].strip()).resolve()
    out_dir = world.parent / f"{world.name}_new"
    shutil.rmtree(out_dir, ignore_errors=True)
    (out_dir / "sources").mkdir(parents=True)
    (out_dir / "mappings").mkdir()
    target = out_dir / "sources" / f"new_{src.name}"
    with src.open(encoding="utf-8", newline="") as fh, target.open("w", encoding="utf-8") as out:
        for i, line in enumerate(fh):
            if i > rows:
                break
            out.write(line)
    name = best.stem
    text = text.replace(f"source: {name}", f"source: new_{name}", 1)
    text = text.replace(src_line, f"file: ../sources/{target.name}")
    (out_dir / "mappings" / f"new_{name}.yaml").write_text(text, encoding="utf-8")
    return out_dir


def growth(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Between successive sizes: the factor in person mentions, wall time and peak RSS, and the
    exponent k of cost ∝ mentions^k (1 = linear; below 1 = sub-linear)."""
    out = []
    for a, b in itertools.pairwise(points):
        n = b["person_mentions"] / a["person_mentions"]
        row: dict[str, Any] = {"from": a["person_mentions"], "to": b["person_mentions"]}
        for key, name in (("resolve_full_wall_s", "time"), ("resolve_full_peak_rss_mb", "memory")):
            f = b[key] / a[key]
            row[f"{name}_factor"] = round(f, 2)
            row[f"{name}_exponent"] = round(math.log(f) / math.log(n), 2)
        out.append(row)
    return out


def _world(s: float, work: Path) -> tuple[Path, Path, dict[str, Any]]:
    """The ingested world of scale ``s`` in ``work``, made (synth, ingest) unless an earlier run
    with the same ``--work`` left it (``scale{s}/`` and ``scale{s}.ingested.duckdb``); a fresh
    copy of its store to resolve."""
    world = work / f"scale{s}"
    ingested = work / f"scale{s}.ingested.duckdb"
    made: dict[str, Any] = {"reused_world": ingested.is_file() and world.is_dir()}
    if not made["reused_world"]:
        shutil.rmtree(world, ignore_errors=True)
        ingested.unlink(missing_ok=True)
        gen = measure(eslabon("synth", str(world), "--seed", "21", "--scale", str(s)))
        ing = measure(eslabon("ingest", str(world), "--store", str(ingested)))
        made |= {"synth_wall_s": gen["wall_s"], "ingest_wall_s": ing["wall_s"]}
    store = work / f"scale{s}.duckdb"
    for suffix in ("", ".audit-checkpoints.jsonl", ".audit-key", ".tmp"):
        target = Path(f"{store}{suffix}")
        shutil.rmtree(target) if target.is_dir() else target.unlink(missing_ok=True)
        if Path(f"{ingested}{suffix}").is_file():
            shutil.copy(f"{ingested}{suffix}", target)
    return world, store, made


def _incremental(world: Path, store: Path, full: dict[str, Any]) -> dict[str, Any]:
    """1,000 new person rows ingested into the resolved ``store``, resolved incrementally."""
    new = _new_source(world)
    measure(eslabon("ingest", str(new), "--store", str(store)))
    inc = measure(eslabon("resolve", "--store", str(store), "--json"))
    report = json.loads(inc.pop("stdout"))
    return {
        "command": "eslabon ingest NEW --store S && eslabon resolve --store S --json",
        "against_person_mentions": full["person_mentions"],
        "new_person_mentions": report["new_mentions"],
        "wall_s": inc["wall_s"],
        "peak_rss_mb": inc["peak_rss_mb"],
        "timings": report["timings"],
        "full_run_wall_s": full["resolve_full_wall_s"],
        "full_run_peak_rss_mb": full["resolve_full_peak_rss_mb"],
    }


def scale(scales: list[float], work: Path) -> dict[str, Any]:
    """Full resolution at each size (in the order given); incremental 1,000 rows against the
    largest, right after its full run."""
    from eslabon.resolve.memory import memory_cap

    points = []
    result: dict[str, Any] = {
        "command": "eslabon synth W --seed 21 --scale S && eslabon ingest W --store S && "
        "eslabon resolve --full --store S --json (each measured by bench/measure.py)",
        "duckdb_memory_limit": memory_cap(),
    }
    for s in scales:
        world, store, made = _world(s, work)
        full = measure(eslabon("resolve", "--full", "--store", str(store), "--json"))
        report = json.loads(full.pop("stdout"))
        points.append(
            {
                "scale": s,
                "person_mentions": report["mentions"].get("Person"),
                "all_mentions": sum(report["mentions"].values()),
                "resolve_full_wall_s": full["wall_s"],
                "resolve_full_peak_rss_mb": full["peak_rss_mb"],
                "scored_pairs_above_0.01": report["candidate_pairs"],
                "timings": report["timings"],
                **made,
            }
        )
        if s == max(scales):
            result["incremental"] = _incremental(world, store, points[-1])
        points.sort(key=lambda p: p["person_mentions"])
        result |= {"points": points, "growth": growth(points)}
        write_result("resolve_scale_partial", result)
    return result


SECTIONS = {"febrl": ["febrl4"], "seeds": list(SEEDS), "scale": ["scale"]}


def _kept(skip: set[str]) -> dict[str, Any]:
    """Sections of the previous bench/results/resolve.json that this run skipped (so a partial
    run updates its own figures without erasing the others); marked as carried over."""
    path = Path(__file__).parent / "results" / "resolve.json"
    if not skip or not path.is_file():
        return {}
    old = json.loads(path.read_text(encoding="utf-8"))
    when = old.get("machine", {}).get("when")
    return {
        key: {"carried_over_from": when, **old[key]}
        for part in skip
        for key in SECTIONS.get(part, [])
        if isinstance(old.get(key), dict)
    }


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] in ("--idiomatic", "--blocking"):
        fn = idiomatic_mode if sys.argv[1] == "--idiomatic" else blocking_mode
        print(json.dumps(fn(Path(sys.argv[2]), Path(sys.argv[3])), default=str))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--scales", default="3.5,10,35", help="synth --scale values for scale (≈ 100k-1M)"
    )
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--skip", default="", help="comma list: febrl,seeds,scale")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    work = args.work or Path(tempfile.mkdtemp(prefix="eslabon-bench-resolve-"))
    results: dict[str, Any] = {}
    if "febrl" not in skip:
        results["febrl4"] = run_febrl4(work / "febrl4")
        results["febrl4"]["command"] = ".venv/bin/python bench/febrl4.py"
    if "seeds" not in skip:
        for name, seed in SEEDS.items():
            results[name] = synthetic(seed, work, idiomatic=seed == 7)
    if "scale" not in skip:
        results["scale"] = scale([float(x) for x in args.scales.split(",")], work)
    write_result("resolve", {**_kept(skip), **results})
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
