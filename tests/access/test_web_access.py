"""The web workspace's access seam: log-on, lockout, idle sessions, roles, the audit entry of
every request, and originator control on case files — on a copy of the labelled world."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from eslabon.access import audit
from eslabon.web.app import create_app
from tests.access.test_matrix import labelled  # noqa: F401  (the shared world fixture)
from tests.worlds import copy_workspace


@pytest.fixture
def store(labelled: Path, tmp_path: Path) -> Path:  # noqa: F811
    return copy_workspace(labelled, tmp_path)


@pytest.fixture
def client(store: Path) -> Iterator[TestClient]:
    with TestClient(create_app(store, idle_release=30)) as c:
        yield c


def login(client: TestClient, user: str, password: str | None = None) -> dict[str, str]:
    r = client.post("/api/login", json={"username": user, "password": password or f"demo-{user}"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def entries(client: TestClient, **match: str) -> list[dict]:
    """Audit entries, read through the server's own connection (it holds the file)."""
    with client.app.state.ws.reader() as st:
        rows = st.query_dicts("SELECT * FROM audit_log ORDER BY seq")
    return [r for r in rows if all(r[k] == v for k, v in match.items())]


def test_without_a_session_pages_ask_to_sign_in_and_the_api_says_401(client: TestClient) -> None:
    r = client.get("/api/search?q=juan")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    page = client.get("/entities/P-000000000000", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")
    form = client.get("/login")
    assert form.status_code == 200 and 'id="login-form"' in form.text
    bad = client.get("/api/search", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401


def test_sign_in_by_form_sets_a_session_cookie_and_shows_who(client: TestClient) -> None:
    r = client.post(
        "/login",
        data={"username": "cbp-analyst", "password": "demo-cbp-analyst", "next": "/sources"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/sources"
    assert "httponly" in r.headers["set-cookie"].lower()
    page = client.get("/sources")
    assert page.status_code == 200 and "cbp-analyst" in page.text and "CBP" in page.text
    out = client.post("/logout", follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/api/sources").status_code == 401


def test_wrong_passwords_lock_the_account_and_every_attempt_is_audited(
    client: TestClient, store: Path
) -> None:
    for _ in range(5):
        r = client.post("/api/login", json={"username": "inm-analyst", "password": "nope"})
        assert r.status_code == 401
    r = client.post("/api/login", json={"username": "inm-analyst", "password": "demo-inm-analyst"})
    assert r.status_code == 401 and "locked" in r.json()["detail"].lower()
    unknown = client.post("/api/login", json={"username": "nobody", "password": "x"})
    first = client.post("/api/login", json={"username": "cbp-analyst", "password": "x"})
    assert unknown.json() == first.json()  # the same answer: no account discovery
    logins = entries(client, action="login", username="inm-analyst")
    assert [e["outcome"] for e in logins] == ["failed"] * 4 + ["locked"] * 2
    with client.app.state.ws.reader() as st:
        raw = " ".join(str(r) for r in st.query("SELECT * FROM audit_log"))
    assert "demo-inm-analyst" not in raw and "nope" not in raw


def test_a_session_ends_after_thirty_idle_minutes(client: TestClient, store: Path) -> None:
    headers = login(client, "hsi-analyst")
    assert client.get("/api/sources", headers=headers).status_code == 200
    app = client.app
    ws = app.state.ws  # the server's main store: age the session as 31 idle minutes would
    with ws.writer(invalidate=False) as st:
        st.execute("UPDATE sessions SET last_seen = last_seen - ?", [timedelta(minutes=31)])
    app.state.sessions.forget_all()  # the server re-reads sessions every 30 s; don't wait
    assert client.get("/api/sources", headers=headers).status_code == 401


def test_each_request_leaves_an_audit_entry_naming_what_it_showed(
    client: TestClient, store: Path
) -> None:
    headers = login(client, "fgr-investigator")
    hits = client.get("/api/search?q=juan&limit=5", headers=headers).json()["hits"]
    assert hits
    eid = hits[0]["entity_id"]
    entity = client.get(f"/api/entities/{eid}", headers=headers)
    assert entity.status_code == 200
    client.get(f"/api/entities/{eid}", headers=headers)  # a cached answer is audited too
    client.app.state.audit.close()  # flush (each request already waited for its commit)
    searches = entries(client, action="search", username="fgr-investigator")
    assert searches and eid in searches[-1]["entities"]
    views = entries(client, action="entity", username="fgr-investigator")
    assert len(views) == 2
    evidence = entity.json()["evidence"]
    assert all(f"{e['source_id']}/{e['row_num']}" in views[-1]["statements"] for e in evidence)
    with client.app.state.ws.reader() as st:
        report = audit.verify(st)
    assert report.ok, report.problems


def test_roles_decide_what_a_user_may_do(client: TestClient, store: Path) -> None:
    auditor = login(client, "auditor")
    assert client.get("/api/search?q=juan", headers=auditor).status_code == 403
    prosecutor = login(client, "usao-prosecutor")
    body = {"decisions": [{"a": "x", "b": "y", "verdict": "same"}]}
    assert client.post("/api/review/decisions", json=body, headers=prosecutor).status_code == 403
    client.app.state.audit.close()
    denied = entries(client, username="auditor", outcome="denied")
    assert any(e["action"] == "search" for e in denied)


def test_originator_controlled_case_file_waits_for_the_originator(
    client: TestClient, store: Path
) -> None:
    with client.app.state.ws.reader() as st:
        row = st.query_one(
            "SELECT em.entity_id FROM entity_mentions em JOIN mentions m USING (mention_id) "
            "WHERE m.source_id LIKE 'uif_transferencias@%' AND m.kind = 'Person' "
            "ORDER BY 1 LIMIT 1"
        )
    assert row, "the labelled world has UIF reports"
    eid = row[0]
    hsi = login(client, "hsi-analyst")
    held = client.get(f"/api/entities/{eid}/case", headers=hsi)
    assert held.status_code == 403 and "REL-" in held.json()["detail"], held.text
    mine = [r for r in client.get("/api/releases", headers=hsi).json()
            if r["subject"] == f"case:{eid}"]  # fmt: skip
    assert len(mine) == 1 and mine[0]["request_id"] in held.json()["detail"]
    request_id = mine[0]["request_id"]
    assert mine[0]["status"] == "pending" and mine[0]["originator"] == "UIF"
    fgr = login(client, "fgr-investigator")  # another agency may not decide for UIF
    no = client.post(f"/api/releases/{request_id}/decision", json={"approve": True}, headers=fgr)
    assert no.status_code in (400, 403)
    uif = login(client, "uif-investigator")
    assert request_id in {r["request_id"] for r in client.get("/api/releases", headers=uif).json()}
    ok = client.post(f"/api/releases/{request_id}/decision", json={"approve": True}, headers=uif)
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    got = client.get(f"/api/entities/{eid}/case", headers=hsi)
    assert got.status_code == 200 and "ORCON" in got.text, got.text[:500]


def test_demo_accounts_are_served_on_loopback_only(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Demo accounts have a known password and no second factor."""
    import uvicorn
    from typer.testing import CliRunner

    from eslabon.cli import app as cli_app
    from eslabon.errors import EslabonError

    def served(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("served beyond loopback with demo accounts")

    monkeypatch.setattr(uvicorn, "run", served)  # a regression fails here instead of serving
    res = CliRunner().invoke(cli_app, ["serve", "--store", str(store), "--host", "0.0.0.0"])
    assert isinstance(res.exception, EslabonError)
    assert "demo accounts" in res.exception.message and "127.0.0.1" in res.exception.message


def test_only_auditors_read_the_log_in_the_workspace(client: TestClient) -> None:
    analyst = login(client, "hsi-analyst")
    client.get("/api/search?q=juan", headers=analyst)
    assert client.get("/api/audit", headers=analyst).status_code == 403
    auditor = login(client, "auditor")
    review = client.get("/api/audit?days=30&verify=true", headers=auditor)
    assert review.status_code == 200, review.text
    body = review.json()
    assert body["verify"]["ok"] and body["entries"] > 0
    hsi = next(u for u in body["users"] if u["username"] == "hsi-analyst")
    assert hsi["actions"].get("search") and hsi["denied"]  # the refused /api/audit
    page = client.get("/audit?verify=true", headers=auditor)
    assert page.status_code == 200 and 'id="audit-verdict"' in page.text
    form = client.post(
        "/login",
        data={"username": "auditor", "password": "demo-auditor"},
        follow_redirects=False,
    )
    assert form.headers["location"] == "/audit"  # auditors land on the log, not on data
    client.app.state.audit.close()
    reads = entries(client, username="auditor", action="audit.read")
    assert len(reads) == 2 and all(e["outcome"] == "ok" for e in reads)


def test_a_trace_is_audited_with_its_seed_and_every_row_it_cites(client: TestClient) -> None:
    headers = login(client, "fgr-investigator")
    targets = client.get("/api/targets", headers=headers).json()["targets"]
    seed = targets[0]["entity_id"]
    result = client.get("/api/trace", params={"seed": seed}, headers=headers).json()
    page = client.get("/trace", params={"seed": seed}, headers=headers)
    assert page.status_code == 200
    client.app.state.audit.close()
    logged = [
        {k: json.loads(e[k]) for k in ("detail", "entities", "statements")}
        for e in entries(client, username="fgr-investigator")
    ]
    logged = [e for e in logged if e["detail"].get("seed") == seed]
    assert len(logged) == 2  # the API answer and the page (a cached build is logged again)
    shown = result["actors"] + result["associates"]
    rows = {f"{ev['source_id']}/{ev['row']}" for a in shown for s in a["path"]
            for ev in s["evidence"] if ev.get("source_id")}  # fmt: skip
    for e in logged:
        assert e["entities"][0] == seed
        assert set(e["entities"]) == {seed, *(a["entity_id"] for a in shown)}
        assert set(e["statements"]) == rows and rows
