"""The clearance matrix: every API route, page and CLI read command, as every demo account, on
the labelled synthetic world — nothing from a source beyond the account's clearance may appear
anywhere in an answer (names, identifiers, ids, source names, counts of hidden things).

What counts as a leak is computed from the data, not hand-picked: for each account, the
*forbidden tokens* are the source names, mention captions, identifiers and entity ids that occur
only in the sources it may not see (checked against the raw and normalised text of every source
it may see, so a token that is also visible legitimately is never forbidden).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote_plus, unquote, urlsplit

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from eslabon.access.identity import principal_for
from eslabon.access.seam import build_views_for_accounts
from eslabon.access.views import clearance, current_sources
from eslabon.cli import app as cli_app
from eslabon.normalize.text import fold
from eslabon.store import open_store
from eslabon.synth.labels import USERS
from eslabon.web.app import create_app
from tests.worlds import analysed_world, copy_workspace, shared

SCALE = 0.05
IDENTIFIER_PROPS = ("curp", "a_number", "passport", "number", "plate", "vin", "national_id",
                    "ssn", "rfc", "account_number", "iban", "clabe")  # fmt: skip
# Where one value ends in an answer: JSON and HTML syntax, and the pages' list separators.
SEPARATORS = r'["<>\n,:;{}\[\]|·—]'
# CLI commands that read the workspace: each is run as every account.
READ_COMMANDS = ("status", "quarantine", "show", "trace", "disrupt", "case", "export", "explain",
                 "labels")  # fmt: skip


def _build(folder: Path) -> Path:
    store = folder / "labelled.duckdb"
    if store.exists():
        return store
    analysed_world(folder, "labelled.duckdb", scale=SCALE, accounts=True)
    build_views_for_accounts(store)
    return store


@pytest.fixture(scope="module")
def labelled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared(tmp_path_factory, "labelled-world", _build)


class Forbidden:
    """What an account must never see, and a check of any text against it."""

    def __init__(self, main: Any, username: str) -> None:
        principal = principal_for(main, username)
        self.principal = principal
        every = set(current_sources(main))
        seen = set(clearance(main, principal).source_ids) if principal.can("read") else set()
        self.hidden = sorted(every - seen)
        self.visible = sorted(seen)
        tokens: set[str] = set()
        self.source_names: set[str] = set()
        if self.hidden:
            visible_names = {r[0] for r in main.query(
                "SELECT name FROM sources WHERE list_contains(?, source_id)", [self.visible])}  # fmt: skip
            for (name,) in main.query(
                "SELECT name FROM sources WHERE list_contains(?, source_id)", [self.hidden]
            ):
                if name not in visible_names:
                    tokens.add(name)
                    self.source_names.add(name)
            text = self._visible_text(main)
            for caption, props in main.query(
                "SELECT caption, CAST(props AS VARCHAR) FROM mentions "
                "WHERE list_contains(?, source_id)",
                [self.hidden],
            ):
                candidates = [caption] if caption else []
                values = json.loads(props)
                for key in IDENTIFIER_PROPS:
                    v = values.get(key)
                    candidates += v if isinstance(v, list) else [v]
                for c in candidates:
                    if isinstance(c, str) and len(c) >= 8 and fold(c) not in text:
                        tokens.add(c)
            for (eid,) in main.query(
                "SELECT em.entity_id FROM entity_mentions em JOIN mentions m USING (mention_id) "
                "GROUP BY 1 HAVING bool_and(list_contains(?, m.source_id))",
                [self.hidden],
            ):
                tokens.add(eid)
        self.tokens = sorted(tokens)
        self._folded = sorted({fold(t) for t in tokens if len(fold(t)) >= 8} | {
            t.lower() for t in tokens})  # fmt: skip

    def _visible_text(self, main: Any) -> str:
        parts = [
            fold(r[0])
            for r in main.query(
                "SELECT CAST(raw AS VARCHAR) || ' ' || coalesce(CAST(norm AS VARCHAR), '') "
                "FROM source_rows WHERE list_contains(?, source_id)",
                [self.visible],
            )
        ]
        parts += [
            fold(r[0])
            for r in main.query(
                "SELECT coalesce(caption, '') || ' ' || CAST(props AS VARCHAR) FROM mentions "
                "WHERE list_contains(?, source_id)",
                [self.visible],
            )
        ]
        parts += [  # refused rows of a visible source are shown with their raw text
            fold(r[0])
            for r in main.query(
                "SELECT coalesce(raw, '') FROM quarantine WHERE list_contains(?, source_id)",
                [self.visible],
            )
        ]
        return "\n".join(parts)

    def leaks(
        self, text: str, asked: list[str] | None = None, allow: set[str] | None = None
    ) -> list[str]:
        """Forbidden tokens in ``text`` (but those the request itself asked for, and the
        ``allow``ed ones)."""
        low = text.lower()
        # Folded piece by piece: JSON keys, HTML tags and list separators (the pages' " · "
        # too) are boundaries, so two neighbouring values ("CHITAY", "CONSUELO"; the names
        # "FUENTES, JUANA" · "FUENTES, JUANA HERNANDEZ") never read as one hidden caption.
        folded = "\n".join(fold(p) for p in re.split(SEPARATORS, text))
        mine = [fold(a) for a in asked or []] + [a.lower() for a in asked or []]
        return [
            t
            for t in self._folded
            if (t in low or t in folded)
            and not any(t in m for m in mine)
            and t not in (allow or set())
        ][:5]


@pytest.fixture(scope="module")
def forbidden(labelled: Path) -> dict[str, Forbidden]:
    with open_store(labelled, read_only=True) as main:
        return {u: Forbidden(main, u) for u, *_ in USERS}


def test_the_world_makes_the_rules_visible(forbidden: dict[str, Forbidden]) -> None:
    """Some accounts are cleared for everything, others see less, each a different slice."""
    hidden = {u: tuple(f.hidden) for u, f in forbidden.items()}
    assert forbidden["cdm-analyst"].hidden and forbidden["fgr-investigator"].hidden
    assert forbidden["cbp-analyst"].hidden  # US-only? no: MX-only, HSI-only and UIF purpose
    assert len({h for u, h in hidden.items() if u != "auditor"}) >= 4
    assert all(f.tokens for u, f in forbidden.items() if f.hidden and u != "auditor")


def test_neighbouring_values_never_read_as_one() -> None:
    """The search page lists an entity's names as "FUENTES, JUANA · FUENTES, JUANA HERNANDEZ":
    folded whole, that reads "... JUANA FUENTES ..." — a hidden caption nobody was shown."""
    page = '<td class="small">FUENTES, JUANA · FUENTES, JUANA HERNANDEZ</td>'
    assert "JUANA FUENTES" not in {fold(p) for p in re.split(SEPARATORS, page)}
    assert fold(" JUANA · FUENTES") == "JUANA FUENTES"  # what a split without "·" left


def _login(client: TestClient, username: str) -> dict[str, str]:
    r = client.post("/api/login", json={"username": username, "password": f"demo-{username}"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _requests(main: Any, f: Forbidden) -> Iterator[tuple[str, str, dict[str, Any] | None]]:
    """(method, url, json body) for every route: the account's own entities and hidden ones."""
    ranked = [r[0] for r in main.query(
        "SELECT entity_id FROM disruption_ranking WHERE rank IS NOT NULL "
        "GROUP BY 1 ORDER BY min(rank) LIMIT 6")]  # fmt: skip
    persons = [r[0] for r in main.query(
        "SELECT entity_id FROM entities WHERE kind = 'Person' ORDER BY mention_count DESC "
        "LIMIT 6")]  # fmt: skip
    hidden_ids = [t for t in f.tokens if re.fullmatch(r"[A-Z]-[0-9a-f]{12}", t)][:6]
    hidden_words = [t for t in f.tokens if not re.fullmatch(r"[A-Z]-[0-9a-f]{12}", t)][:12]
    networks = [r[0] for r in main.query("SELECT network_id FROM networks ORDER BY 1")]
    hidden_mentions = [r[0] for r in main.query(
        "SELECT mention_id FROM mentions WHERE kind = 'Person' AND list_contains(?, source_id) "
        "ORDER BY 1 LIMIT 2", [f.hidden])] if f.hidden else []  # fmt: skip
    seen_pair = main.query_one(
        "SELECT e.mention_l, e.mention_r FROM match_edges e "
        "JOIN mentions l ON l.mention_id = e.mention_l "
        "JOIN mentions r ON r.mention_id = e.mention_r "
        "WHERE e.kind = 'Person' AND list_contains(?, l.source_id) "
        "AND list_contains(?, r.source_id) ORDER BY 1 LIMIT 1",
        [f.visible, f.visible],
    )
    for q in ["", "lupe", "juan", *hidden_words]:
        yield "GET", f"/api/search?q={quote_plus(q)}", None
        yield "GET", f"/search?q={quote_plus(q)}", None
    for e in [*ranked, *persons, *hidden_ids]:
        yield "GET", f"/api/entities/{e}", None
        yield "GET", f"/entities/{e}", None
        yield "GET", f"/api/entities/{e}/case?lang=en&fmt=html", None
        yield "GET", f"/api/trace?seed={e}", None
        yield "GET", f"/trace?seed={e}", None
        yield "GET", f"/api/graph?focus={e}", None
        yield "GET", f"/network?focus={e}", None
    for w in hidden_words[:4]:
        yield "GET", f"/api/trace?seed={quote_plus(w)}", None
    yield "GET", "/api/networks", None
    yield "GET", "/api/graph", None
    for n in networks:
        yield "GET", f"/api/graph?network={n}", None
        yield "GET", f"/network?network={n}", None
        yield "GET", f"/api/targets?network={n}", None
        yield "GET", f"/targets?network={n}", None
    yield "GET", "/api/targets", None
    yield "GET", "/targets", None
    yield "GET", "/api/review", None
    yield "GET", "/review", None
    yield "GET", "/api/sources", None
    yield "GET", "/sources", None
    yield "GET", "/api/sources/quarantine?limit=5000", None
    for h in f.hidden[:3]:
        yield "GET", f"/api/sources/quarantine?source={h}", None
        yield "GET", f"/sources?source={h}", None
    pairs = [tuple(seen_pair)] if seen_pair else []
    if len(hidden_mentions) == 2:
        pairs.append(tuple(hidden_mentions))
    for a, b in pairs:
        yield "GET", f"/api/explain?a={a}&b={b}", None
        yield "GET", f"/explain?a={a}&b={b}", None
        yield "POST", "/api/review/decisions", {
            "decisions": [{"a": a, "b": b, "verdict": "unsure"}]}  # fmt: skip
    yield "GET", "/api/jobs/nope", None
    yield "GET", "/api/audit", None
    yield "GET", "/audit", None
    yield "GET", "/api/releases", None
    yield "GET", "/releases", None


AUDIT_ROUTES = ("/api/audit", "/audit")
ECHO_KEYS = ("query", "seed", "filters", "a", "b", "focus")


def _without_echo(response: Any, url: str) -> tuple[str, list[str]]:
    """The answer without the request's own words echoed back (a search box keeps what was
    typed; that is not a leak), and the words asked for. JSON twins drop only their echo
    fields, so a hit, node or actor carrying the same token is still caught there; pages (and
    error messages, which name what was asked for) ignore the asked words, whatever their
    encoding."""
    parts = urlsplit(url)
    asked = [v.strip() for _k, v in parse_qsl(parts.query) if v.strip()]
    asked += [unquote(p) for p in parts.path.split("/") if len(p) >= 8]
    text = response.text
    if response.headers.get("content-type", "").startswith("application/json"):
        try:
            data = response.json()
        except ValueError:
            data = None
        if isinstance(data, dict):
            for key in ECHO_KEYS:
                data.pop(key, None)
            text = json.dumps(data, ensure_ascii=False)
        if response.status_code < 400:
            return text, []
    return text, asked


def _covered(app: Any) -> set[str]:
    return {r.path for r in app.routes if isinstance(r, APIRoute)}


@pytest.mark.parametrize("username", [u for u, *_ in USERS])
def test_no_answer_reaches_beyond_clearance(
    labelled: Path, forbidden: dict[str, Forbidden], username: str, tmp_path: Path
) -> None:
    f = forbidden[username]
    store = copy_workspace(labelled, tmp_path)
    with open_store(store, read_only=True) as main:
        requests = list(_requests(main, f))
    app = create_app(store, idle_release=30)
    asked: set[str] = set()
    with TestClient(app) as client:
        headers = _login(client, username)
        for method, url, body in requests:
            r = client.request(method, url, json=body, headers=headers, follow_redirects=False)
            route = next((x.path for x in app.routes if isinstance(x, APIRoute)
                          and x.matches({"type": "http", "path": url.split("?")[0],
                                         "method": method})[0].value == 2), None)  # fmt: skip
            if route:
                asked.add(route)
            assert r.status_code < 500, (url, r.text[:300])
            if url.split("?")[0] in AUDIT_ROUTES:
                # The log is the auditors' material, not investigative data: what users typed
                # and which ids they opened is what an auditor reviews. Others may not read it.
                expected = 200 if f.principal.can("audit") else 403
                assert r.status_code == expected, (username, url, r.status_code)
                continue
            if not f.principal.can("read"):
                assert r.status_code in (401, 403, 404), (username, url, r.status_code)
                continue
            text, words = _without_echo(r, url)
            if body is not None and r.status_code >= 400:  # a message naming what was sent
                words += [d[k] for d in body.get("decisions", []) for k in ("a", "b")]
            leaks = f.leaks(text, words)
            assert not leaks, f"{username} saw {leaks} in {method} {url}"
    # Every route that serves data was asked (a new route must join the matrix).
    public = {"/lang/{lang}", "/", "/healthz", "/login", "/api/login", "/logout", "/api/logout",
              "/api/ingest", "/sources/ingest", "/review"}  # fmt: skip
    missing = _covered(app) - asked - public
    assert not missing, f"routes not in the matrix: {sorted(missing)}"


@pytest.mark.parametrize("username", [u for u, *_ in USERS])
def test_cli_reads_stay_within_clearance(
    labelled: Path, forbidden: dict[str, Forbidden], username: str, tmp_path: Path
) -> None:
    f = forbidden[username]
    runner = CliRunner()
    with open_store(labelled, read_only=True) as main:
        ranked = [r[0] for r in main.query(
            "SELECT entity_id FROM disruption_ranking WHERE rank IS NOT NULL "
            "GROUP BY 1 ORDER BY min(rank) LIMIT 2")]  # fmt: skip
        pair = main.query_one(
            "SELECT mention_l, mention_r FROM match_edges WHERE kind = 'Person' ORDER BY 1 LIMIT 1"
        )
    hidden_words = [t for t in f.tokens if not re.fullmatch(r"[A-Z]-[0-9a-f]{12}", t)][:3]
    (tmp_path / "ws").mkdir()
    store = ["--store", str(copy_workspace(labelled, tmp_path / "ws"))]
    tmp_path = tmp_path / "out"  # what the commands write, read back below
    tmp_path.mkdir()
    runs: list[list[str]] = [
        ["status", *store, "--json"],
        ["labels", "list", *store, "--json"],
        ["quarantine", *store, "--limit", "500"],
        ["disrupt", *store, "--top", "20"],
        ["export", "--format", "ftm", "--out", str(tmp_path / "out.ftm.json"), *store],
    ]
    for e in ranked:
        runs += [["show", e, *store], ["trace", e, *store],
                 ["case", e, "--lang", "both", "--out", str(tmp_path / "cases"), *store]]  # fmt: skip
    for w in hidden_words:
        runs += [["show", w, *store], ["trace", w, *store]]
    if pair:
        runs.append(["explain", pair[0], pair[1], *store])
    assert {r[0] for r in runs} == set(READ_COMMANDS)
    for args in runs:
        res = runner.invoke(cli_app, ["--as", username, *args])
        out = res.output
        if not f.principal.can("read"):
            assert res.exit_code != 0, (username, args)
            continue
        assert "Traceback" not in out, out[-2000:]
        allow: set[str] = set()
        if args[0] == "labels" and f.principal.can("labels"):
            # Administrators label every source: the names of sources (not their contents)
            # are theirs to see; a hidden name, caption or id still may not appear.
            allow = {n.lower() for n in f.source_names} | {fold(n) for n in f.source_names}
        leaks = f.leaks(out, allow=allow)
        assert not leaks, f"{username} saw {leaks} in `eslabon {' '.join(args)}`"
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    for p in written:
        text = p.read_text(encoding="utf-8", errors="ignore")
        leaks = f.leaks(text)
        assert not leaks, f"{username} got {leaks} in the file {p.name}"
