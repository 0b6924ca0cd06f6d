"""browse.entity_detail against a straightforward reference on a small analysed world, and the
bound on how many queries a first visit to an entity page costs."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from eslabon import browse
from eslabon.errors import EslabonError
from eslabon.resolve.merges import merge_forest
from eslabon.store import Store, open_store
from tests.web.conftest import _build
from tests.worlds import shared


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The web tests' small analysed world (seed 7, scale 0.05), built once and shared."""
    return shared(tmp_path_factory, "web-world", _build)


@pytest.fixture(scope="module")
def st(world: Path):
    with open_store(world, read_only=True) as store:
        yield store


def reference(st: Store, entity_id: str) -> dict[str, Any]:
    """The entity page as the plain reading of docs/architecture.md gives it: one join per
    section, props parsed per mention, ties and timeline by an OR over both ends."""
    kind, caption, n = st.query_one(
        "SELECT kind, caption, mention_count FROM entities WHERE entity_id = ?", [entity_id]
    )
    mentions = st.query_dicts(
        """
        SELECT m.mention_id, s.name AS source, m.source_id, m.row_num, r.line, s.path AS file,
               s.sha256, m.caption, CAST(m.props AS VARCHAR) AS props
        FROM entity_mentions em JOIN mentions m ON m.mention_id = em.mention_id
        JOIN sources s ON s.source_id = m.source_id AND s.superseded_by IS NULL
        LEFT JOIN source_rows r ON r.source_id = m.source_id AND r.row_num = m.row_num
        WHERE em.entity_id = ? ORDER BY m.source_id, m.row_num, m.mention_id
        """,
        [entity_id],
    )
    keys = browse.IDENTIFIER_PROPS[kind]
    names: dict[tuple[str, str], set[str]] = defaultdict(set)
    idents: dict[tuple[str, str], set[str]] = defaultdict(set)
    for m in mentions:
        props = json.loads(m.pop("props"))
        ref = f"{m['source']} #{m['row_num']}"
        name = props.get("name") or props.get("full") or m["caption"]
        if name:
            names[("name", str(name))].add(ref)
        for alias in props.get("aliases") or []:
            names[("alias", str(alias))].add(ref)
        for key in keys:
            if props.get(key) not in (None, "", []):
                idents[(key, str(props[key]))].add(ref)
    ids = [m["mention_id"] for m in mentions]
    edges = st.query(
        "SELECT mention_l, mention_r, method, match_probability FROM match_edges "
        "WHERE list_contains(?, mention_l) AND list_contains(?, mention_r)",
        [ids, ids],
    )
    merges = [
        {"a": a, "b": b, "method": meth,
         "probability": None if p is None or math.isnan(p) else round(p, 4)}
        for a, b, meth, p in merge_forest(ids, edges, lambda e: e[3])[0]
    ]  # fmt: skip
    role = st.query_dicts(
        "SELECT role, network_id AS network, stage, round(score, 4) AS score, coerced, "
        "CAST(reasons AS VARCHAR) AS reasons FROM node_roles WHERE entity_id = ?",
        [entity_id],
    )
    ranking = st.query_dicts(
        "SELECT network_id AS network, rank, round(score, 4) AS score, held, "
        "CAST(evidence AS VARCHAR) AS evidence, CAST(reasons AS VARCHAR) AS reasons "
        "FROM disruption_ranking WHERE entity_id = ? ORDER BY network_id",
        [entity_id],
    )
    for r in role + ranking:
        r["reasons"] = json.loads(r["reasons"])
        if "evidence" in r:
            r["evidence"] = json.loads(r["evidence"])
    ties = """
        SELECT m.other AS entity_id, e.kind, e.caption, r.role, r.network_id AS network,
               list(DISTINCT m.via ORDER BY m.via) AS via, CAST({n} AS BIGINT) AS n_links,
               CAST(min(m.first_at) AS VARCHAR) AS first_at,
               CAST(max(m.last_at) AS VARCHAR) AS last_at, {crim} AS criminal
        FROM mine m JOIN entities e ON e.entity_id = m.other
        LEFT JOIN node_roles r ON r.entity_id = m.other
        GROUP BY ALL ORDER BY n_links DESC, m.other LIMIT 200
    """
    counterparts = st.query_dicts(
        "WITH mine AS (SELECT CASE WHEN person_a = $id THEN person_b ELSE person_a END AS "
        "other, via, n_links, first_at, last_at, criminal FROM person_edges "
        "WHERE person_a = $id OR person_b = $id) "
        + ties.format(n="sum(m.n_links)", crim="bool_or(m.criminal)"),
        {"id": entity_id},
    )
    if not counterparts:
        counterparts = st.query_dicts(
            "WITH mine AS (SELECT object_entity AS other, kind AS via, start_at AS first_at, "
            "start_at AS last_at FROM net_edges WHERE subject_entity = $id AND object_entity "
            "IS NOT NULL UNION ALL SELECT subject_entity, kind, start_at, start_at FROM net_edges "
            "WHERE object_entity = $id) " + ties.format(n="count(*)", crim="false"),
            {"id": entity_id},
        )
    timeline = st.query_dicts(
        """
        SELECT CAST(n.start_at AS VARCHAR) AS at, n.kind,
               CASE WHEN n.subject_entity = $id THEN n.object_entity ELSE n.subject_entity END
                   AS other,
               o.caption AS other_caption, n.props->>'place' AS place,
               s.name AS source, s.path AS file, n.row_num AS row, s.sha256, n.link_id
        FROM net_edges n JOIN sources s ON s.source_id = n.source_id
        LEFT JOIN entities o ON o.entity_id =
            CASE WHEN n.subject_entity = $id THEN n.object_entity ELSE n.subject_entity END
        WHERE n.subject_entity = $id OR n.object_entity = $id
        ORDER BY n.start_at NULLS LAST, n.link_id LIMIT 300
        """,
        {"id": entity_id},
    )
    phones = st.query_dicts(
        "SELECT u.phone_entity AS entity_id, e.caption, u.basis, CAST(u.first_at AS VARCHAR) "
        "AS first_at, CAST(u.last_at AS VARCHAR) AS last_at FROM phone_users u "
        "JOIN entities e ON e.entity_id = u.phone_entity WHERE u.person_entity = ? "
        "ORDER BY 4 NULLS LAST, 1",
        [entity_id],
    )
    return {
        "entity_id": entity_id,
        "kind": kind,
        "caption": caption,
        "mentions": n,
        "names": [{"type": t, "value": v, "sources": sorted(r)} for (t, v), r in sorted(names.items())],
        "identifiers": [
            {"type": t, "value": v, "sources": sorted(r)}
            for (t, v), r in sorted(idents.items(), key=lambda kv: (keys.index(kv[0][0]), kv[0][1]))
        ],
        "merges": merges,
        "evidence": mentions,
        "role": role[0] if role else None,
        "ranking": ranking,
        "counterparts": counterparts,
        "timeline": timeline,
        "phones": phones,
        "analysed": True,
    }  # fmt: skip


def sample(st: Store) -> list[str]:
    """A handful of entities of every kind, and the ones whose pages are hardest: the most
    mentioned, ranked targets, phone users, entities with no person ties, busy records."""
    picks = [
        r[0]
        for r in st.query(
            """
            (SELECT entity_id FROM entities ORDER BY mention_count DESC, entity_id LIMIT 5)
            UNION (SELECT entity_id FROM (SELECT entity_id, row_number() OVER
                   (PARTITION BY kind ORDER BY hash(entity_id)) AS i FROM entities) WHERE i <= 6)
            UNION (SELECT entity_id FROM disruption_ranking)
            UNION (SELECT person_entity FROM phone_users ORDER BY hash(person_entity) LIMIT 6)
            UNION (SELECT subject_entity FROM net_edges GROUP BY 1 ORDER BY count(*) DESC LIMIT 3)
            UNION (SELECT object_entity FROM net_edges WHERE object_entity IS NOT NULL
                   GROUP BY 1 ORDER BY count(*) DESC LIMIT 3)
            """
        )
    ]
    return sorted(picks)


def test_entity_detail_matches_the_reference(st: Store) -> None:
    assert browse.analysed(st)
    entities = sample(st)
    kinds = {r[0] for r in st.query("SELECT DISTINCT kind FROM entities")}
    assert len(entities) > 40 and kinds >= {"Person", "Phone", "Vehicle", "Address"}
    seen = defaultdict(int)
    for entity_id in entities:
        got = browse.entity_detail(st, entity_id)
        want = reference(st, entity_id)
        for section in want:
            assert got[section] == want[section], (entity_id, section)
        assert list(got) == list(want)  # the page and the API read these keys
        for section in ("merges", "counterparts", "timeline", "phones", "identifiers"):
            seen[section] += bool(want[section])
    # The sample exercises every section, so the comparison is not vacuous.
    assert all(
        seen[s] >= 3 for s in ("merges", "counterparts", "timeline", "phones", "identifiers")
    )


def test_first_visit_costs_a_bounded_number_of_queries(st: Store, monkeypatch) -> None:
    """However many mentions, ties or records an entity has, its page costs six queries: the
    figure that keeps a first visit fast when twenty analysts open pages at once."""
    busiest = st.query_one("SELECT entity_id FROM entities ORDER BY mention_count DESC LIMIT 1")[0]
    statements: list[str] = []
    execute = Store.execute

    def counting(self: Store, sql: str, params: Any = None) -> Any:
        statements.append(sql)
        return execute(self, sql, params)

    monkeypatch.setattr(Store, "execute", counting)
    data = browse.entity_detail(st, busiest)
    assert data["mentions"] > 10 and data["merges"] and data["timeline"]
    assert len(statements) <= 6, statements


def test_unknown_ids_and_unresolved_workspaces(st: Store, store: Store) -> None:
    with pytest.raises(LookupError):
        browse.entity_detail(st, "P-doesnotexist")
    with pytest.raises(LookupError):
        browse.current_entity(st, "P-doesnotexist")
    mention, entity = st.query_one("SELECT mention_id, entity_id FROM entity_mentions LIMIT 1")
    assert browse.current_entity(st, mention) == entity
    assert browse.current_entity(st, entity) == entity
    with pytest.raises(EslabonError, match="no resolved entities"):
        browse.current_entity(store, "P-anything")  # a fresh workspace: nothing resolved yet
