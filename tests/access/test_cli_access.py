"""Every CLI command behind the access seam and the audit log, on the labelled synthetic world.

The world (demo accounts, labelled sources) is built once per session by the clearance matrix's
fixture; each module here works on its own copy, since commands append to the audit log.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import eslabon.cli  # noqa: F401  registers every command on the app
from eslabon.access.identity import principal_for
from eslabon.access.views import clearance, current_sources
from eslabon.cli.app import app
from eslabon.errors import EslabonError
from eslabon.normalize.text import fold
from eslabon.store import open_store
from tests.access.test_matrix import labelled  # noqa: F401  the shared labelled world
from tests.conftest import run_cli, write_source
from tests.worlds import copy_workspace

US_USER = "cbp-analyst"  # CBP: sees neither Mexico-only sources nor HSI's own extractions
MX_ONLY = ("fgr_carpetas", "cdr_telcel")


@pytest.fixture(scope="module")
def ws(labelled: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    return copy_workspace(labelled, tmp_path_factory.mktemp("cli-access"))


def cli(ws: Path, user: str | None, *args: str) -> Any:
    """The real typer app, as ``user`` (``--as``)."""
    head = ["--as", user] if user else []
    return CliRunner().invoke(app, [*head, *args, "--store", str(ws)], env={"COLUMNS": "200"})


def log(ws: Path, after: int = -1) -> list[dict[str, Any]]:
    with open_store(ws, read_only=True) as st:
        rows = st.query_dicts(
            "SELECT seq, username, agency, action, outcome, remote, CAST(entities AS VARCHAR) "
            "AS entities, CAST(statements AS VARCHAR) AS statements, CAST(detail AS VARCHAR) "
            "AS detail FROM audit_log WHERE seq > ? ORDER BY seq",
            [after],
        )
    for r in rows:
        for k in ("entities", "statements", "detail"):
            r[k] = json.loads(r[k])
    return rows


def last_seq(ws: Path) -> int:
    with open_store(ws, read_only=True) as st:
        return int(st.query_one("SELECT coalesce(max(seq), -1) FROM audit_log")[0])


def checkpointed(ws: Path) -> bool:
    with open_store(ws, read_only=True) as st:
        size = st.query_one("SELECT count(*) FROM audit_log")[0]
        return st.query_one("SELECT max(tree_size) FROM audit_checkpoints")[0] == size


def ranked(ws: Path, n: int = 3) -> list[str]:
    """Top targets of the US user's own view (so each is an actor they may see)."""
    res = cli(ws, US_USER, "disrupt", "--top", str(n), "--json")
    assert res.exit_code == 0, res.output
    return [t["entity_id"] for t in json.loads(res.stdout)["targets"]][:n]


# --------------------------------------------------------------------------- who acts


def test_as_is_needed_once_accounts_exist(ws: Path) -> None:
    env = {"ESLABON_USER": ""}
    res = run_cli("status", "--store", str(ws), env=env)
    assert getpass.getuser() not in {"admin", US_USER}  # the OS login is no demo account
    assert res.returncode == 2, res.stdout
    assert "say who you are" in res.stderr and "--as" in res.stderr
    assert "Traceback" not in res.stderr
    unknown = run_cli("--as", "nobody-here", "status", "--store", str(ws), env=env)
    assert unknown.returncode == 2 and "unknown user 'nobody-here'" in unknown.stderr


def test_auditor_is_refused_and_the_refusal_is_logged(ws: Path) -> None:
    before = last_seq(ws)
    for args in (("trace", "NOBODY"), ("status",), ("case", "NOBODY"), ("export", "--format",
                 "csv", "--out", str(ws.parent / "never"))):  # fmt: skip
        res = cli(ws, "auditor", *args)
        assert res.exit_code != 0
        assert isinstance(res.exception, EslabonError)
        assert "may not read" in res.exception.message
    entries = log(ws, before)
    assert [(e["username"], e["action"], e["outcome"]) for e in entries] == [
        ("auditor", "trace", "denied"),
        ("auditor", "status", "denied"),
        ("auditor", "case", "denied"),
        ("auditor", "export", "denied"),
    ]
    assert all(e["detail"]["refused"] == "read" and not e["entities"] for e in entries)
    assert not (ws.parent / "never").exists()
    assert checkpointed(ws)


def test_a_role_without_the_permission_is_refused(ws: Path, tmp_path: Path) -> None:
    """An administrator reads but writes no case files (no `case` permission)."""
    before = last_seq(ws)
    res = cli(ws, "admin", "case", ranked(ws, 1)[0], "--out", str(tmp_path))
    assert isinstance(res.exception, EslabonError) and "may not case" in res.exception.message
    assert not list(tmp_path.iterdir())
    entry = [e for e in log(ws, before) if e["username"] == "admin"]
    assert [(e["action"], e["outcome"]) for e in entry] == [("case", "denied")]


# --------------------------------------------------------------------------- one entry each


def test_every_command_leaves_one_entry_naming_what_it_showed(ws: Path, tmp_path: Path) -> None:
    seed, *_ = ranked(ws)

    def one(*args: str, ok: tuple[int, ...] = (0,)) -> tuple[Any, dict[str, Any]]:
        before = last_seq(ws)
        res = cli(ws, US_USER, *args)
        assert res.exit_code in ok, res.output
        entries = log(ws, before)
        assert len(entries) == 1, [e["action"] for e in entries]
        assert entries[0]["username"] == US_USER and entries[0]["agency"] == "CBP"
        assert entries[0]["remote"].startswith("cli:")
        assert checkpointed(ws)
        return res, entries[0]

    res, e = one("status", "--json")
    assert (e["action"], e["outcome"]) == ("status", "ok")

    res, e = one("trace", seed, "--json")
    result = json.loads(res.stdout)
    assert e["action"] == "trace" and e["detail"]["seed"] == seed
    shown = result["actors"] + result["associates"]  # associates are shown apart, logged too
    assert e["entities"] == list(dict.fromkeys([seed, *(a["entity_id"] for a in shown)]))
    rows = {f"{ev['source_id']}/{ev['row']}" for a in shown for s in a["path"]
            for ev in s["evidence"]}  # fmt: skip
    assert set(e["statements"]) == rows and rows

    res, e = one("disrupt", "--top", "4", "--json")
    report = json.loads(res.stdout)
    assert e["action"] == "disrupt"
    assert e["entities"] == [t["entity_id"] for t in report["targets"]] + [
        h["entity_id"] for h in report["held_for_review"]
    ]

    res, e = one("case", seed, "--out", str(tmp_path / "cases"))
    assert e["action"] == "case" and e["entities"] == [seed]
    html = (tmp_path / "cases" / f"case-{seed}.en.html").read_text(encoding="utf-8")
    # One statement per evidence row of the file (E1…En), each from a source it names.
    assert e["statements"] and html.count('<tr id="E') == len(e["statements"])
    assert all(s.rsplit("/", 1)[0] in html for s in e["statements"])
    assert e["detail"]["files"] == [str(tmp_path / "cases" / f"case-{seed}.en.html")]

    res, e = one("export", "--format", "csv", "--out", str(tmp_path / "csv"))
    assert e["action"] == "export" and e["outcome"] == "ok"
    assert e["detail"]["entities_total"] > 1000  # the list is capped, the total is not
    assert len(e["entities"]) == 1000
    nodes = (tmp_path / "csv" / "nodes.csv").read_text(encoding="utf-8")
    assert e["detail"]["entities_total"] == nodes.count("\n") - 1
    assert all(x in nodes for x in e["entities"][:50])

    res, e = one("trace", "NO SUCH PERSON AT ALL", ok=(1,))
    assert (e["action"], e["outcome"]) == ("trace", "failed") and e["detail"]["error"]


# --------------------------------------------------------------------------- clearance


def _mx_only_tokens(ws: Path) -> tuple[list[str], list[str]]:
    """Entity ids and person names recorded only in Mexico-only sources (never in a source the
    US user may see, in any spelling), and the hidden source names."""
    with open_store(ws, read_only=True) as main:
        principal = principal_for(main, US_USER)
        seen = set(clearance(main, principal).source_ids)
        hidden = sorted(set(current_sources(main)) - seen)
        mx = [s for s in hidden if s.split("@")[0] in MX_ONLY]
        assert len(mx) == len(MX_ONLY), hidden
        visible_text = "\n".join(
            fold(r[0])
            for r in main.query(
                "SELECT CAST(raw AS VARCHAR) FROM source_rows WHERE list_contains(?, source_id) "
                "UNION ALL SELECT coalesce(caption, '') || ' ' || CAST(props AS VARCHAR) "
                "FROM mentions WHERE list_contains(?, source_id)",
                [sorted(seen), sorted(seen)],
            )
        )
        names = sorted(
            {
                c
                for (c,) in main.query(
                    "SELECT caption FROM mentions WHERE kind = 'Person' "
                    "AND list_contains(?, source_id) AND caption IS NOT NULL",
                    [mx],
                )
                if len(c) >= 10 and fold(c) not in visible_text
            }
        )
        ids = [
            r[0]
            for r in main.query(
                "SELECT em.entity_id FROM entity_mentions em JOIN mentions m USING (mention_id) "
                "GROUP BY 1 HAVING bool_and(list_contains(?, m.source_id))",
                [mx],
            )
        ]
    assert len(names) >= 5 and len(ids) >= 5
    return [*names, *ids, *MX_ONLY], ids


def _leaks(text: str, tokens: list[str]) -> list[str]:
    low, folded = text.lower(), fold(text)
    return [t for t in tokens if t.lower() in low or fold(t) in folded][:5]


def test_us_user_reads_nothing_from_mexico_only_sources(ws: Path, tmp_path: Path) -> None:
    tokens, hidden_ids = _mx_only_tokens(ws)
    seeds = ranked(ws, 3)
    outputs: dict[str, str] = {}
    for seed in seeds:
        res = cli(ws, US_USER, "trace", seed, "--json")
        assert res.exit_code == 0, res.output
        outputs[f"trace {seed}"] = res.stdout
        res = cli(ws, US_USER, "case", seed, "--lang", "both", "--out", str(tmp_path / "cases"))
        assert res.exit_code == 0, res.output
    res = cli(ws, US_USER, "disrupt", "--top", "25", "--json")
    outputs["disrupt"] = res.stdout
    # A hidden actor cannot be a seed: the view does not hold them at all.
    res = cli(ws, US_USER, "trace", hidden_ids[0], "--json")
    assert res.exit_code != 0 and isinstance(res.exception, EslabonError)
    for fmt, out in (("ftm", tmp_path / "x.ftm.json"), ("graphml", tmp_path / "x.graphml")):
        res = cli(ws, US_USER, "export", "--format", fmt, "--out", str(out))
        assert res.exit_code == 0, res.output
    for p in tmp_path.rglob("*"):
        if p.is_file():
            outputs[p.name] = p.read_text(encoding="utf-8", errors="ignore")
    assert len([n for n in outputs if n.startswith("case-")]) == 2 * len(seeds)
    for name, text in outputs.items():
        assert text and not _leaks(text, tokens), f"{US_USER} saw {_leaks(text, tokens)} in {name}"
    # The check can fail: a Mexican investigator tracing such an actor does see the tokens.
    seen_by_fgr = []
    for eid in hidden_ids[:10]:
        res = cli(ws, "fgr-investigator", "trace", eid, "--json")
        if res.exit_code == 0:
            seen_by_fgr += _leaks(res.stdout, tokens)
    assert seen_by_fgr


# --------------------------------------------------------------------------- setup mode


def test_setup_mode_is_audited_as_the_local_operator(tmp_path: Path) -> None:
    header = ["folio", "nombre", "telefono"]
    rows = [["1", "JUAN PEREZ LOPEZ", "5512345678"], ["2", "ANA RUIZ SOTO", "5587654321"]]
    write_source(tmp_path / "w", "detenciones", header, rows, {
        "country": "MX", "language": "es", "date_convention": "DMY", "phone_region": "MX",
        "entities": {"detenido": {"kind": "Person", "properties": {"name": "nombre"}},
                     "tel": {"kind": "Phone", "properties": {"number": "telefono"}}},
    })  # fmt: skip
    ws = tmp_path / "ws.duckdb"
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(tmp_path / "w"), "--store", str(ws)]).exit_code == 0
    res = runner.invoke(app, ["status", "--json", "--store", str(ws)])
    assert res.exit_code == 0 and json.loads(res.stdout)["totals"]["rows_loaded"] == 2
    entries = log(ws)
    who = f"local:{getpass.getuser()}"
    assert [(e["username"], e["action"], e["outcome"]) for e in entries] == [
        (who, "ingest", "ok"),
        (who, "status", "ok"),
    ]
    assert entries[0]["detail"]["sources"][0]["loaded"] == 2
    assert checkpointed(ws)
