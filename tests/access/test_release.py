"""Originator control: a case file or export holding another agency's ORCON statements waits for
that agency's approval — request, decision, audit — through the CLI and the Python API.

In the labelled world UIF's transfer reports are ORCON, releasable to both countries for a human
smuggling investigation: HSI sees them (its purposes include smuggling) but may not pass them on
without UIF; CBP does not see them at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eslabon import Workspace
from eslabon.access import release
from eslabon.access.identity import principal_for
from eslabon.access.labels import caveat_text, combine, labels_by_source
from eslabon.access.principal import Principal
from eslabon.access.release import ReleaseHeld
from eslabon.errors import EslabonError
from eslabon.store import open_store
from tests.access.test_cli_access import cli, log
from tests.access.test_matrix import labelled  # noqa: F401  the shared labelled world
from tests.worlds import copy_workspace

REQUESTER = "hsi-analyst"


@pytest.fixture(scope="module")
def ws(labelled: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    """A private copy with no release requests yet (other tests of the shared world ask some)."""
    path = copy_workspace(labelled, tmp_path_factory.mktemp("release"))
    with open_store(path) as st:
        st.execute("DELETE FROM release_requests")
    return path


def _uif_mention(ws: Path) -> str:
    """A person mention of UIF's ORCON source: its actor's case file must cite that row."""
    with open_store(ws, read_only=True) as st:
        return st.query_one(
            "SELECT m.mention_id FROM mentions m JOIN sources s USING (source_id) "
            "WHERE s.name = 'uif_transferencias' AND s.superseded_by IS NULL "
            "AND m.kind = 'Person' ORDER BY m.mention_id LIMIT 1"
        )[0]


def _requests(ws: Path, requester: str = REQUESTER, kind: str = "case:") -> list[dict]:
    with open_store(ws, read_only=True) as st:
        rows = release._rows(st, "requester = ?", [requester])
    return [r for r in rows if r["subject"].startswith(kind)]


def test_orcon_sources_are_those_of_other_agencies(ws: Path) -> None:
    with open_store(ws, read_only=True) as st:
        ids = [r[0] for r in st.query("SELECT source_id FROM sources WHERE superseded_by IS NULL")]
        hsi = principal_for(st, REQUESTER)
        uif = principal_for(st, "uif-investigator")
        assert release.orcon_sources(st, hsi, ids) == {"UIF": ["uif_transferencias"]}
        assert release.orcon_sources(st, uif, ids) == {}  # its own data needs no approval
        assert release.orcon_sources(st, Principal.local_operator(), ids) == {}
        assert release.orcon_sources(st, hsi, [i for i in ids if "uif" not in i]) == {}


def test_case_file_waits_for_the_originator(ws: Path, tmp_path: Path) -> None:
    mention = _uif_mention(ws)
    out = tmp_path / "cases"
    first = cli(ws, REQUESTER, "case", mention, "--out", str(out), "--purpose", "case 4471")
    assert first.exit_code == 3, first.output
    assert not out.exists() or not list(out.iterdir())  # nothing written
    [req] = _requests(ws)
    assert (req["status"], req["originator"], req["requester"], req["sources"]) == (
        "pending", "UIF", REQUESTER, ["uif_transferencias"])  # fmt: skip
    assert req["subject"].startswith("case:P-") and req["purpose"] == "case 4471"
    for text in (req["request_id"], "UIF", "pending", "releases approve", "run this command again"):
        assert text in first.stderr, first.stderr
    entries = [e for e in log(ws) if e["username"] == REQUESTER]
    assert [(e["action"], e["outcome"]) for e in entries[-2:]] == [
        ("release.request", "ok"), ("case", "held")]  # fmt: skip

    # Asking again reuses the pending request.
    again = cli(ws, REQUESTER, "case", mention, "--out", str(out), "--purpose", "case 4471")
    assert again.exit_code == 3 and req["request_id"] in again.stderr
    assert len(_requests(ws)) == 1

    # Nobody outside UIF decides it, not even an investigator with decide_release elsewhere.
    before = log(ws)[-1]["seq"]
    for user, why in (("fgr-investigator", "only that agency"), (REQUESTER, "may not decide")):
        res = cli(ws, user, "releases", "approve", req["request_id"])
        assert isinstance(res.exception, EslabonError) and why in res.exception.message
    denied = [(e["username"], e["action"], e["outcome"]) for e in log(ws, before)
              if e["action"].startswith("release.")]  # fmt: skip
    assert denied == [("fgr-investigator", "release.approve", "denied"),
                      (REQUESTER, "release.approve", "denied")]  # fmt: skip
    assert _requests(ws)[0]["status"] == "pending"

    # UIF sees it waiting, approves; the same command now writes the file, with the caveat.
    listed = cli(ws, "uif-investigator", "releases", "list", "--json")
    assert req["request_id"] in listed.stdout
    ok = cli(ws, "uif-investigator", "releases", "approve", req["request_id"])
    assert ok.exit_code == 0, ok.output
    assert _requests(ws)[0]["decided_by"] == "uif-investigator"
    done = cli(ws, REQUESTER, "case", mention, "--out", str(out), "--lang", "both")
    assert done.exit_code == 0, done.output
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 2 and files[0].endswith(".en.html")
    en = (out / files[0]).read_text(encoding="utf-8")
    es = (out / files[1]).read_text(encoding="utf-8")
    last = [e for e in log(ws) if e["username"] == REQUESTER][-1]
    assert (last["action"], last["outcome"]) == ("case", "ok")
    # The banner is the combined label of exactly the sources the file cites, in its language.
    cited = {s.rsplit("/", 1)[0] for s in last["statements"]}
    with open_store(ws, read_only=True) as st:
        label = combine(lab for sid, lab in labels_by_source(st).items() if sid in cited)
    assert "UIF" in label.originator and label.orcon
    banner = en[en.index('class="caveat"') : en.index("</div>")]
    assert f"Handling caveat: {caveat_text(label, 'en')}" in banner.replace("&#x27;", "'")
    assert f"Restricciones de manejo: {caveat_text(label, 'es')}" in es.replace("&#x27;", "'")
    assert en.index('class="caveat"') < en.index("<h1>")  # a banner at the top

    # The Python API honours the same approval (and writes a PDF with the same banner).
    ws_api = Workspace(ws, user=REQUESTER)
    [pdf] = ws_api.case(mention, fmt="pdf", out=tmp_path / "api")
    assert pdf.read_bytes().startswith(b"%PDF")


def test_refused_stays_refused(ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "hsi.ftm.json"
    held = cli(ws, "hsi-investigator", "export", "--format", "ftm", "--out", str(out))
    assert held.exit_code == 3 and not out.exists()
    [req] = _requests(ws, "hsi-investigator", "export:")
    assert req["subject"] == "export:ftm" and req["status"] == "pending"

    no_reason = cli(ws, "uif-investigator", "releases", "refuse", req["request_id"],
                    "--reason", " ")  # fmt: skip
    assert isinstance(no_reason.exception, EslabonError)
    refused = cli(ws, "uif-investigator", "releases", "refuse", req["request_id"],
                  "--reason", "ongoing UIF inquiry")  # fmt: skip
    assert refused.exit_code == 0, refused.output
    n = len(_requests(ws, "hsi-investigator", ""))

    again = cli(ws, "hsi-investigator", "export", "--format", "ftm", "--out", str(out))
    assert again.exit_code == 3 and not out.exists()
    assert "refused" in again.stderr and "ongoing UIF inquiry" in again.stderr
    assert len(_requests(ws, "hsi-investigator", "")) == n  # running it again asks nothing new
    late = cli(ws, "uif-investigator", "releases", "approve", req["request_id"])
    assert isinstance(late.exception, EslabonError) and "already refused" in late.exception.message

    with pytest.raises(ReleaseHeld) as err:
        Workspace(ws, user="hsi-investigator").export("ftm", out)
    assert req["request_id"] in err.value.message and not out.exists()
    decisions = [e for e in log(ws) if e["action"] == "release.refuse"
                 and e["detail"]["request_id"] == req["request_id"]]  # fmt: skip
    assert [(d["username"], d["outcome"], d["detail"]["reason"]) for d in decisions] == [
        ("uif-investigator", "failed", " "), ("uif-investigator", "ok", "ongoing UIF inquiry")]  # fmt: skip


def test_lists_show_own_requests_and_those_awaiting_the_agency(ws: Path) -> None:
    orcon = {"UIF": ["uif_transferencias"]}
    with open_store(ws) as st:
        p = {u: principal_for(st, u) for u in ("hsi-analyst", "usao-prosecutor", "uif-investigator",
                                                "cbp-analyst")}  # fmt: skip
        ids = release.request_release(st, p["usao-prosecutor"], "case:P-listed", orcon, "trial")
        assert release.request_release(st, p["usao-prosecutor"], "case:P-listed", orcon) == ids
        mine = release.list_requests(st, p["usao-prosecutor"])
        theirs = release.list_requests(st, p["uif-investigator"])
        assert [r["request_id"] for r in mine] == ids
        assert set(ids) <= {r["request_id"] for r in theirs}
        assert all(r["requester"] != "usao-prosecutor" for r in release.list_requests(
            st, p["hsi-analyst"]))  # fmt: skip
        assert release.list_requests(st, p["cbp-analyst"]) == []
        assert not release.approved(st, p["usao-prosecutor"], "case:P-listed", orcon)
        release.decide(st, p["uif-investigator"], ids[0], True)
        assert release.approved(st, p["usao-prosecutor"], "case:P-listed", orcon)
        # An approval is the requester's, for that subject only.
        assert not release.approved(st, p["hsi-analyst"], "case:P-listed", orcon)
        assert not release.approved(st, p["usao-prosecutor"], "case:P-other", orcon)
