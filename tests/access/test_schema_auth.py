"""schemathesis with authentication over the web workspace (issue #7): on the labelled world with
accounts, every default check plus ``ignored_auth`` and ``object_level_authorization`` passes,
with three peers of different clearance signing in through ``POST /api/login`` as a client does
(a Web Fuzzing Commons auth document); no secured operation answers without a session.

tests/web/test_schema.py runs the same JSON twin in setup mode (no accounts, so no auth checks).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema

from eslabon.access.identity import principal_for
from eslabon.access.views import clearance
from eslabon.store import open_store
from eslabon.web.app import create_app
from tests.access.test_matrix import labelled  # noqa: F401  (the shared world fixture)
from tests.worlds import copy_workspace

OWNER = "fgr-investigator"  # MEX law enforcement: sees Mexican sources the others may not
PEERS = (OWNER, "cbp-analyst", "cdm-analyst")  # USA law enforcement; an NGO
SECURED_BY = {"HTTPBearer", "APIKeyCookie"}


def _password(username: str) -> str:
    return f"demo-{username}"  # demo accounts (world/accounts.yaml): no second factor


def wfc_document(usernames: tuple[str, ...]) -> dict[str, Any]:
    """A WFC auth document: each user signs in at POST /api/login with JSON credentials; the
    token is read from the body and sent as ``Authorization: Bearer``."""
    return {
        "schemaVersion": "0.2.0",
        "auth": [
            {
                "name": u,
                "loginEndpointAuth": {
                    "endpoint": "/api/login",
                    "verb": "POST",
                    "contentType": "application/json",
                    "payloadUserPwd": {
                        "username": u,
                        "password": _password(u),
                        "usernameField": "username",
                        "passwordField": "password",
                    },
                    "token": {
                        "extractFrom": "body",
                        "extractSelector": "/token",
                        "sendIn": "header",
                        "sendName": "Authorization",
                        "sendTemplate": "Bearer {token}",
                    },
                },
            }
            for u in usernames
        ],
    }


def _owner_words(store: Path) -> tuple[list[str], list[str]]:
    """Person names the owner can find: some only in sources the NGO peer may not see, some
    in sources both see (so searches answer with hits, and hits name entities to read)."""
    with open_store(store, read_only=True) as main:
        seen = {u: set(clearance(main, principal_for(main, u)).source_ids) for u in PEERS}
        mine = sorted(seen[OWNER])
        hidden = [s for s in mine if s not in seen["cdm-analyst"]]
        shared = [s for s in mine if s in seen["cdm-analyst"]]

        def names(sources: list[str], n: int) -> list[str]:
            return [r[0] for r in main.query(
                "SELECT caption FROM mentions WHERE kind = 'Person' AND caption IS NOT NULL "
                "AND list_contains(?, source_id) GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ?",
                [sources, n])]  # fmt: skip

        return names(hidden, 6), names(shared, 3)


@pytest.fixture(scope="module")
def workspace(labelled: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    return copy_workspace(labelled, tmp_path_factory.mktemp("schema-auth"))


@dataclass
class Run:
    """What one schemathesis run did."""

    cases: int = 0
    checks: Counter[str] = field(default_factory=Counter)
    # (check, operation) pairs that were evaluated on a response
    checked_ops: set[tuple[str, str]] = field(default_factory=set)
    statuses: Counter[tuple[str, str | None, int]] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _run(schema: Any) -> Run:
    run = Run()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            rec = event.recorder
            run.cases += len(rec.cases)
            for case_id, inter in rec.interactions.items():
                node = rec.cases.get(case_id)
                if node is not None and inter.response is not None:
                    case = node.value
                    key = (case.operation.label, case.auth_identity, inter.response.status_code)
                    run.statuses[key] += 1
            for case_id, checks in rec.checks.items():
                node = rec.cases.get(case_id)
                label = node.value.operation.label if node is not None else rec.label
                for check in checks:
                    run.checks[check.name] += 1
                    run.checked_ops.add((check.name, label))
                    if check.failure_info is not None:
                        f = check.failure_info.failure
                        run.failures.append(f"[{event.phase.value}] {label} {check.name}: "
                                            f"{f.title}\n{f.message}\n"
                                            f"{check.failure_info.code_sample}")  # fmt: skip
        elif isinstance(event, events.NonFatalError):
            run.errors.append(f"{event.label}: {event.info.format()}")
        elif isinstance(event, events.FatalError):
            run.errors.append(f"fatal: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            run.seconds = event.running_time
            run.failures += [f"after run: {f.title}\n{f.message}" for f in event.failures]
    return run


@pytest.fixture(scope="module")
def run(workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Run:
    hidden, shared = _owner_words(workspace)
    auth = tmp_path_factory.mktemp("wfc") / "auth.json"
    auth.write_text(json.dumps(wfc_document(PEERS), indent=1), encoding="utf-8")
    config = SchemathesisConfig.from_dict({
        "seed": 7,
        "generation": {"max-examples": 3, "deterministic": True, "database": "none"},
        "suppress-health-check": ["all"],
        "checks": {
            # A schema-valid seed or path may name nothing (or many people): that is a 400
            # with a message for people, not a defect (as in tests/web/test_schema.py).
            "positive_data_acceptance": {"enabled": False},
        },
        # Searches use names the owner can find, so their hits name entities to read.
        "dictionaries": {"names": {"values": hidden + shared}},
        "parameters": {"query.q": {"dictionary": "names", "probability": 1.0}},
        "auth": {"wfc": {"path": str(auth), "peers": list(PEERS)}},
    })  # fmt: skip
    schema = schemathesis.openapi.from_asgi(
        "/openapi.json", create_app(workspace, idle_release=30), config=config
    )
    return _run(schema)


def _secured(schema: Any) -> list[Any]:
    ops = [op.ok() for op in schema.get_all_operations()]
    return [
        op for op in ops
        if any(set(req) & SECURED_BY for req in op.definition.raw.get("security", []))
    ]  # fmt: skip


def test_schemathesis_as_peers_finds_nothing(run: Run, workspace: Path) -> None:
    assert not run.errors, "\n\n".join(run.errors)
    assert not run.failures, "\n\n".join(run.failures[:10])
    assert run.cases >= 300
    # The checks that must run did run, ignored_auth on every secured operation.
    for name in ("not_a_server_error", "status_code_conformance", "response_schema_conformance",
                 "ignored_auth", "object_level_authorization"):  # fmt: skip
        assert run.checks[name] > 0, name
    assert "positive_data_acceptance" not in run.checks
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(workspace))
    secured = {op.label for op in _secured(schema)}
    assert len(secured) >= 15
    missing = secured - {label for name, label in run.checked_ops if name == "ignored_auth"}
    assert not missing, f"ignored_auth never checked {sorted(missing)}"
    # The peers signed in through /api/login and read data as themselves: the owner on the
    # entity pages (object_level_authorization replays those reads as the other peers).
    served = {(label, who) for (label, who, status), n in run.statuses.items() if status == 200}
    assert ("GET /api/entities/{entity_id}", OWNER) in served
    assert ("GET /api/search", OWNER) in served
    assert not [k for k in run.statuses if k[2] >= 500]


def test_no_secured_operation_answers_without_a_session(workspace: Path) -> None:
    app = create_app(workspace, idle_release=30)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    ops = _secured(schema)
    assert len(ops) >= 15
    with TestClient(app) as client:
        good = client.post("/api/login", json={"username": OWNER, "password": _password(OWNER)})
        assert good.status_code == 200, good.text
        ended = good.json()["token"]
        client.post("/api/logout", headers={"Authorization": f"Bearer {ended}"})
        client.cookies.clear()
        for op in ops:
            path = op.path
            for p in op.path_parameters:
                path = path.replace("{" + p.name + "}", "x")
            body = {} if op.method.upper() in ("POST", "PUT", "PATCH") else None
            for headers, cookies in (
                ({}, {}),
                ({"Authorization": "Bearer not-a-session"}, {}),
                ({"Authorization": f"Bearer {ended}"}, {}),  # a session that was ended
                ({}, {"eslabon_session": "not-a-session"}),
            ):
                client.cookies.clear()
                for k, v in cookies.items():
                    client.cookies.set(k, v)
                r = client.request(op.method.upper(), path, json=body, headers=headers)
                assert r.status_code == 401, (op.label, headers, cookies, r.status_code, r.text)
                assert r.headers.get("www-authenticate") == "Bearer", op.label


def test_a_peer_cannot_read_what_only_the_owner_finds(workspace: Path) -> None:
    """object_level_authorization's question asked directly: an entity the owner's search
    lists and a peer's same search does not is not the peer's to read (404), or — when the
    peer's own sources know it under other names — not the owner's version of it."""
    hidden, shared = _owner_words(workspace)
    app = create_app(workspace, idle_release=30)
    refused = 0
    with TestClient(app) as client:
        tokens = {}
        for u in PEERS:
            r = client.post("/api/login", json={"username": u, "password": _password(u)})
            assert r.status_code == 200, r.text
            tokens[u] = {"Authorization": f"Bearer {r.json()['token']}"}
        for q in hidden + shared:
            owned = client.get("/api/search", params={"q": q}, headers=tokens[OWNER]).json()
            for peer in PEERS[1:]:
                listed = client.get("/api/search", params={"q": q}, headers=tokens[peer]).json()
                theirs = {h["entity_id"] for h in listed["hits"]}
                for hit in owned["hits"]:
                    eid = hit["entity_id"]
                    if eid in theirs:
                        continue
                    mine = client.get(f"/api/entities/{eid}", headers=tokens[OWNER])
                    got = client.get(f"/api/entities/{eid}", headers=tokens[peer])
                    assert mine.status_code == 200, (eid, mine.text)
                    assert got.status_code in (200, 404), (peer, eid, got.text)
                    if got.status_code == 404:
                        refused += 1
                    else:
                        assert got.json() != mine.json(), f"{peer} read {OWNER}'s {eid}"
    assert refused >= 1  # the world holds entities only the owner's clearance reaches
