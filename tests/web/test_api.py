"""The JSON twin and the pages, in process, on a real workspace built from a synthetic world."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape as html_escape

from eslabon.store import open_store
from eslabon.web.app import create_app
from tests.conftest import write_source
from tests.worlds import copy_workspace


@pytest.fixture(scope="module")
def client(api_store: Path):
    app = create_app(api_store)
    with TestClient(app) as c:
        yield c


def _query(store: Path, sql: str, params: list | None = None) -> list[tuple]:
    # Same (read-write) configuration as the app's connection, so DuckDB shares the instance.
    with open_store(store) as st:
        return st.query(sql, params)


def test_nickname_and_accent_insensitive_search(client: TestClient, api_store: Path) -> None:
    rows = _query(
        api_store,
        "SELECT entity_id FROM entities WHERE kind = 'Person' AND caption LIKE 'MARIA GUADALUPE%' "
        "OR caption LIKE 'GUADALUPE%' ORDER BY mention_count DESC LIMIT 1",
    )
    assert rows, "the synthetic world has a Guadalupe"
    target = rows[0][0]
    for q in ("lupe", "LUPITA", "Guadalupe", "gúadalúpe"):
        body = client.get("/api/search", params={"q": q, "limit": 500}).json()
        assert target in {h["entity_id"] for h in body["hits"]}, q
    assert client.get("/api/search", params={"q": "zzzqqq"}).json()["total"] == 0


def test_search_identifiers_and_facets(client: TestClient, api_store: Path) -> None:
    phone, number = _query(
        api_store,
        "SELECT entity_id, caption FROM entities WHERE kind = 'Phone' AND caption LIKE '+1%' "
        "ORDER BY mention_count DESC LIMIT 1",
    )[0]
    national = f"({number[2:5]}) {number[5:8]}-{number[8:]}"
    hits = client.get("/api/search", params={"q": national}).json()["hits"]
    assert hits and hits[0]["entity_id"] == phone
    vehicle, plate, vin = _query(
        api_store,
        "SELECT entity_id, caption, json_extract_string(identifiers, '$.vin[0]') FROM entities "
        "WHERE kind = 'Vehicle' AND json_extract_string(identifiers, '$.vin[0]') IS NOT NULL "
        "ORDER BY mention_count DESC LIMIT 1",
    )[0]
    for q in (plate, vin.lower()):
        assert client.get("/api/search", params={"q": q}).json()["hits"][0]["entity_id"] == vehicle
    everything = client.get("/api/search", params={"q": "garcia", "limit": 500}).json()
    persons = everything["facets"]["kind"].get("Person", 0)
    assert persons > 0
    only = client.get("/api/search", params={"q": "garcia", "kind": "Person", "limit": 500}).json()
    assert only["total"] == persons and {h["kind"] for h in only["hits"]} == {"Person"}
    src = next(iter(everything["facets"]["source"]))
    by_source = client.get("/api/search", params={"q": "garcia", "source": src}).json()
    assert all(src in h["sources"] for h in by_source["hits"])


def test_entity_has_identity_evidence_and_merges(client: TestClient, api_store: Path) -> None:
    entity_id, n = _query(
        api_store,
        "SELECT d.entity_id, e.mention_count FROM disruption_ranking d JOIN entities e "
        "USING (entity_id) WHERE d.rank = 1 ORDER BY d.network_id LIMIT 1",
    )[0]
    body = client.get(f"/api/entities/{entity_id}").json()
    assert body["entity_id"] == entity_id and body["mentions"] == n
    assert body["role"]["role"] and body["ranking"][0]["rank"] == 1
    assert len(body["evidence"]) == n
    shas = dict(_query(api_store, "SELECT source_id, sha256 FROM sources"))
    assert all(ev["sha256"] == shas[ev["source_id"]] for ev in body["evidence"])
    assert all(name["sources"] for name in body["names"])
    assert len(body["merges"]) == n - 1  # a spanning forest joins n records with n - 1 merges
    assert body["counterparts"] and body["timeline"]
    page = client.get(f"/entities/{entity_id}")
    assert page.status_code == 200 and body["caption"] in page.text
    assert f"/api/entities/{entity_id}/case" in page.text
    # A mention id leads to its entity.
    mention = body["evidence"][0]["mention_id"]
    assert client.get(f"/api/entities/{mention}").json()["entity_id"] == entity_id
    assert client.get("/api/entities/P-doesnotexist").status_code == 404
    assert client.get("/entities/P-doesnotexist").status_code == 404


def test_trace_targets_graph(client: TestClient, api_store: Path) -> None:
    seed, network = _query(
        api_store, "SELECT entity_id, network_id FROM disruption_ranking WHERE rank = 1 LIMIT 1"
    )[0]
    trace = client.get("/api/trace", params={"seed": seed}).json()
    assert trace["seed"]["entity_id"] == seed and len(trace["actors"]) > 1
    steps = [s for a in trace["actors"] for s in a["path"]]
    assert steps and all(ev["sha256"] and ev["row"] for s in steps for ev in s["evidence"])
    targets = client.get("/api/targets", params={"network": network}).json()
    ranked = [t["rank"] for t in targets["targets"]]
    assert ranked == sorted(ranked) and ranked[0] == 1
    roles = {t["role"] for t in targets["targets"] + targets["held_for_review"]}
    assert "victim" not in roles and "migrant" not in roles
    graph = client.get("/api/graph", params={"network": network}).json()
    ids = {n["id"] for n in graph["nodes"]}
    assert seed in ids and all(e["source"] in ids and e["target"] in ids for e in graph["edges"])
    around = client.get("/api/graph", params={"focus": seed}).json()
    assert {n["id"] for n in around["nodes"]} >= {seed}
    html = client.get("/trace", params={"seed": seed}).text
    assert trace["seed"]["caption"] in html


def test_case_file_download_in_both_languages(client: TestClient, api_store: Path) -> None:
    entity_id, caption = _query(
        api_store,
        "SELECT d.entity_id, e.caption FROM disruption_ranking d JOIN entities e USING "
        "(entity_id) WHERE d.rank = 2 LIMIT 1",
    )[0]
    en = client.get(f"/api/entities/{entity_id}/case", params={"lang": "en"})
    assert en.status_code == 200 and "attachment" in en.headers["content-disposition"]
    assert caption in en.text
    es = client.get(f"/api/entities/{entity_id}/case", params={"lang": "es"})
    assert "Expediente" in es.text
    pdf = client.get(f"/api/entities/{entity_id}/case", params={"fmt": "pdf"})
    assert pdf.content.startswith(b"%PDF")


def test_explanations_arrive_and_sources_count(client: TestClient) -> None:
    """Explanations stored at resolve time are answered at once: nothing to poll."""
    queue = client.get("/api/review", params={"limit": 3}).json()
    assert queue["pairs"], "the small world has uncertain pairs"
    assert not queue["pending_explanations"]
    assert all(p["explanation"] for p in queue["pairs"])
    p = queue["pairs"][0]
    x = client.get("/api/explain", params={"a": p["mention_l"], "b": p["mention_r"]}).json()
    assert x["status"] == "ready"
    steps = x["explanation"]["comparisons"]
    total = x["explanation"]["prior_weight"] + sum(s["weight"] + s["tf_weight"] for s in steps)
    assert total == pytest.approx(x["explanation"]["match_weight"], abs=0.01)
    sources = client.get("/api/sources").json()
    t = sources["totals"]
    assert t["rows_read"] == t["rows_loaded"] + t["rows_quarantined"]
    assert sum(r["rows"] for r in sources["quarantine_reasons"]) == t["rows_quarantined"]
    html = client.get("/sources").text
    assert str(html_escape(sources["quarantine_reasons"][0]["reason"])) in html


def test_language_cookie_switches_every_page(client: TestClient) -> None:
    client.cookies.clear()
    assert "Search" in client.get("/search").text
    r = client.get("/lang/es", params={"next": "/sources"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/sources"
    client.cookies.set("eslabon_lang", "es")
    for path in ("/search", "/sources", "/targets", "/review", "/network", "/trace"):
        text = client.get(path).text
        assert 'lang="es"' in text and "Búsqueda" in text, path
    client.cookies.clear()


def test_read_only_refuses_every_write(api_store: Path, tmp_path: Path) -> None:
    store = copy_workspace(api_store, tmp_path / "ro")
    with TestClient(create_app(store, read_only=True)) as c:
        pair = c.get("/api/review", params={"limit": 1}).json()["pairs"][0]
        body = {"decisions": [{"a": pair["mention_l"], "b": pair["mention_r"], "verdict": "same"}]}
        assert c.post("/api/review/decisions", json=body).status_code == 403
        assert c.post("/api/ingest", json={"path": str(tmp_path)}).status_code == 403
        assert c.post("/review", data={"pair": "a|b", "verdict": "same"}).status_code == 403
        assert c.post("/sources/ingest", data={"path": "x"}).status_code == 403
        assert "solo lectura" in c.get("/review", cookies={"eslabon_lang": "es"}).text
    with open_store(store) as st:
        assert st.query_one("SELECT count(*) FROM review_judgements")[0] == 0


def test_ingest_a_new_folder_with_progress(api_store: Path, tmp_path: Path) -> None:
    store = copy_workspace(api_store, tmp_path / "ing")
    folder = tmp_path / "new"
    write_source(
        folder, "tips_line", ["fecha", "nombre", "telefono"],
        [["01/02/2023", "JOSE PEREZ", "5512345678"], ["31/02/2023", "ANA LOPEZ", "5598765432"]],
        {"country": "MX", "date_convention": "DMY", "phone_region": "MX",
         "entities": {"p": {"kind": "Person", "properties": {"name": "nombre"}},
                      "t": {"kind": "Phone", "properties": {"number": "telefono"}}},
         "links": {"u": {"kind": "PhoneUse", "subject": "p", "object": "t",
                         "start": {"columns": ["fecha"]}}}},
    )  # fmt: skip
    with TestClient(create_app(store)) as c:
        bad = c.post("/api/ingest", json={"path": str(tmp_path / "missing")})
        assert bad.status_code == 400 and "no such folder" in bad.json()["detail"]
        job = c.post("/api/ingest", json={"path": str(folder)}).json()
        deadline = time.monotonic() + 60
        while job["status"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.2)
            job = c.get(f"/api/jobs/{job['job_id']}").json()
        assert job["status"] == "done", job
        sources = {s["name"]: s for s in c.get("/api/sources").json()["sources"]}
        tips = sources["tips_line"]
        assert tips["rows_read"] == 2 and tips["rows_loaded"] + tips["rows_quarantined"] == 2
        assert c.get("/api/jobs/nope").status_code == 404


def test_pairs_without_a_stored_explanation_are_scored_in_the_background(
    api_store: Path, tmp_path: Path
) -> None:
    """A workspace whose explanations were not stored (an older resolve): the waterfall is
    scored by Splink on the job thread while the page polls, and case files still build."""
    store = copy_workspace(api_store, tmp_path / "unstored")
    with open_store(store) as st:
        st.execute("DELETE FROM match_explanations")
    with TestClient(create_app(store)) as c:
        p = c.get("/api/review", params={"limit": 1}).json()["pairs"][0]
        params = {"a": p["mention_l"], "b": p["mention_r"]}
        x = c.get("/api/explain", params=params).json()
        assert x["status"] in ("pending", "ready")
        deadline = time.monotonic() + 90
        while x["status"] == "pending" and time.monotonic() < deadline:
            time.sleep(0.2)
            x = c.get("/api/explain", params=params).json()
        assert x["status"] == "ready", x
        steps = x["explanation"]["comparisons"]
        total = x["explanation"]["prior_weight"] + sum(s["weight"] + s["tf_weight"] for s in steps)
        assert total == pytest.approx(x["explanation"]["match_weight"], abs=0.01)
        entity = p["entity_l"] or p["entity_r"]
        case = c.get(f"/api/entities/{entity}/case")
        assert case.status_code == 200 and "attachment" in case.headers["content-disposition"]
