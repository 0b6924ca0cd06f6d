"""Read queries the pages need that the core modules do not offer (yet).

Each function is a plain query over the store's documented tables (docs/architecture.md); the
lead may move them next to their stage (search → resolve, graph → network, explain_pairs →
resolve.explain). Nothing here decides anything a stage decides: roles, ranks, merges and
traces are read as the stages wrote them.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from eslabon.errors import EslabonError
from eslabon.normalize.names import canonical_given
from eslabon.normalize.text import fold
from eslabon.resolve.merges import merge_forest
from eslabon.store.connection import Store

# Properties of a mention that identify it, per kind (shown on the entity page, searched).
IDENTIFIER_PROPS: dict[str, tuple[str, ...]] = {
    "Person": ("curp", "rfc", "a_number", "ssn", "national_id", "passport", "birth_date", "sex",
               "nationality"),
    "Phone": ("number",),
    "Vehicle": ("plate", "vin", "make", "model", "color", "year"),
    "Address": ("full", "postal_code"),
    "Account": ("number", "institution"),
    "Organization": ("rfc", "registration"),
    "IdentityDocument": ("number", "doc_type"),
}  # fmt: skip
SEARCHABLE_IDS = ("curp", "rfc", "a_number", "ssn", "national_id", "passport", "number", "plate",
                  "vin", "registration")  # fmt: skip
NAME_PROPS = ("name", "full", "caption")


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def analysed(st: Store) -> bool:
    """The network stage has finished at least once on this workspace."""
    return st.table_exists("network_runs") and bool(
        st.query_one("SELECT 1 FROM network_runs WHERE finished_at IS NOT NULL LIMIT 1")
    )


def resolved(st: Store) -> bool:
    return st.table_exists("entities") and bool(st.query_one("SELECT 1 FROM entities LIMIT 1"))


# --------------------------------------------------------------------------- search


def _compact(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", fold(text))


def _variants(token: str) -> set[str]:
    """A folded token and the formal given names it may stand for (Lupe → Guadalupe)."""
    return {token, *canonical_given(token)}


@dataclass
class SearchIndex:
    """Every entity's searchable words and identifiers, built once per workspace generation."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    words: dict[str, set[int]] = field(default_factory=dict)  # folded token → row indexes
    keys: list[str] = field(default_factory=list)  # per row: compact identifiers joined by |

    def search(
        self, q: str, facets: dict[str, str | None], limit: int = 50
    ) -> tuple[list[dict[str, Any]], dict[str, dict[str, int]], int]:
        """(hits best first, facet counts over all matches, number of matches)."""
        tokens = fold(q).split()
        compact = _compact(q)
        scores: dict[int, float] = {}
        if tokens:
            matched: set[int] | None = None
            token_score: dict[int, float] = defaultdict(float)
            for tok in tokens:
                found: set[int] = set()
                for v in _variants(tok):
                    exact = self.words.get(v, set())
                    found |= exact
                    for i in exact:
                        token_score[i] += 2.0
                if len(tok) >= 3:
                    for word, rows in self.words.items():
                        if word != tok and word.startswith(tok):
                            found |= rows
                            for i in rows:
                                token_score[i] += 0.5
                matched = found if matched is None else matched & found
            for i in matched or set():
                scores[i] = token_score[i]
        if len(compact) >= 4:
            for i, keys in enumerate(self.keys):
                if compact in keys:
                    scores[i] = max(
                        scores.get(i, 0.0), 3.0 + (2.0 if f"|{compact}|" in keys else 0)
                    )
        hits = [i for i in scores]
        counts: dict[str, Counter[str]] = {k: Counter() for k in FACETS}
        kept = []
        for i in hits:
            row = self.rows[i]
            for k in FACETS:
                for value in _facet_values(row, k):
                    counts[k][value] += 1
            if all(not want or want in _facet_values(row, k) for k, want in facets.items()):
                kept.append(i)
        kept.sort(
            key=lambda i: (-scores[i], -(self.rows[i]["mentions"] or 0), self.rows[i]["entity_id"])
        )
        out = [{**self.rows[i], "score": round(scores[i], 2)} for i in kept[:limit]]
        facet_counts = {
            k: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))) for k, c in counts.items()
        }
        return out, facet_counts, len(kept)


FACETS = ("kind", "role", "network", "country", "source")


def _facet_values(row: dict[str, Any], facet: str) -> list[str]:
    value = row.get(facet if facet not in ("country", "source") else f"{facet}s")
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [str(value)]


def build_search_index(st: Store) -> SearchIndex:
    """Index names, aliases and identifiers of every entity (with nickname forms folded in)."""
    index = SearchIndex()
    if not resolved(st):
        return index
    roles = analysed(st)
    role_sql = (
        "LEFT JOIN node_roles r ON r.entity_id = e.entity_id LEFT JOIN (SELECT entity_id, "
        "min(rank) AS rank FROM disruption_ranking GROUP BY 1) d ON d.entity_id = e.entity_id"
        if roles
        else ""
    )
    role_cols = "r.role, r.network_id, d.rank" if roles else "NULL, NULL, NULL"
    ents = st.query(
        f"SELECT e.entity_id, e.kind, e.caption, e.names, e.identifiers, e.mention_count, "
        f"{role_cols} FROM entities e {role_sql} ORDER BY e.entity_id"
    )
    per_entity = st.query(
        """
        SELECT em.entity_id, list(DISTINCT s.name ORDER BY s.name),
               list(DISTINCT s.country ORDER BY s.country) FILTER (WHERE s.country IS NOT NULL)
        FROM entity_mentions em JOIN mentions m ON m.mention_id = em.mention_id
        JOIN sources s ON s.source_id = m.source_id AND s.superseded_by IS NULL
        GROUP BY 1
        """
    )
    where = {e: (srcs or [], ctry or []) for e, srcs, ctry in per_entity}
    cols = ", ".join(f"list(DISTINCT m.props->>'{k}')" for k in SEARCHABLE_IDS)
    id_rows = st.query(
        f"""
        SELECT em.entity_id, {cols}, flatten(list(
            CASE WHEN json_type(m.props->'aliases') = 'ARRAY'
                 THEN CAST(m.props->'aliases' AS VARCHAR[]) ELSE [] END))
        FROM entity_mentions em JOIN mentions m ON m.mention_id = em.mention_id
        GROUP BY 1
        """
    )
    ids_of = {r[0]: r[1:] for r in id_rows}
    for entity_id, kind, caption, names, identifiers, n, role, network, rank in ents:
        names = _json(names) or []
        extra = ids_of.get(entity_id, ())
        aliases = [a for a in (extra[-1] if extra else []) or [] if a]
        words: set[str] = set()
        for text in [caption or "", *names, *aliases]:
            for tok in fold(text).split():
                words |= _variants(tok) if kind == "Person" else {tok}
        keys = set()
        for values in (_json(identifiers) or {}).values():
            keys |= {_compact(str(v)) for v in values or []}
        for values in extra[:-1]:
            keys |= {_compact(str(v)) for v in values or [] if v}
        if kind in ("Phone", "Vehicle", "Account", "IdentityDocument"):
            keys.add(_compact(caption or ""))
        # A phone is also found by its national number (without the country code).
        keys |= {k[-10:] for k in keys if kind == "Phone" and len(k) > 10}
        srcs, ctry = where.get(entity_id, ([], []))
        i = len(index.rows)
        index.rows.append(
            {
                "entity_id": entity_id,
                "kind": kind,
                "caption": caption,
                "names": names[:6],
                "aliases": sorted(set(aliases))[:6],
                "mentions": int(n or 0),
                "role": role,
                "network": network,
                "rank": rank,
                "sources": srcs,
                "countrys": ctry,
            }
        )
        index.keys.append("|" + "|".join(sorted(k for k in keys if k)) + "|")
        for w in words:
            index.words.setdefault(w, set()).add(i)
    return index


def public_hit(row: dict[str, Any]) -> dict[str, Any]:
    """A search hit as the API documents it."""
    out = {k: v for k, v in row.items() if k != "countrys"}
    out["countries"] = row.get("countrys") or []
    return out


# --------------------------------------------------------------------------- entity


def current_entity(st: Store, some_id: str) -> str:
    """The current id for a current or retired entity id or a mention id (404 otherwise)."""
    from eslabon.resolve.ids import resolve_id

    if not resolved(st):
        raise EslabonError("no resolved entities in this workspace", hint="run `eslabon resolve`")
    found = resolve_id(st, some_id)
    if not found:
        raise LookupError(some_id)
    return found[0]


def _spanning(mention_ids: list[str], edges: list[tuple]) -> list[tuple]:
    """The strongest-first spanning forest of the match edges: the merges that built it."""
    return merge_forest(mention_ids, edges, lambda e: e[3])[0]


def entity_detail(st: Store, entity_id: str) -> dict[str, Any]:
    """Identity with sources, role and network, counterparts, timeline, evidence and merges."""
    row = st.query_one(
        "SELECT entity_id, kind, caption, mention_count FROM entities WHERE entity_id = ?",
        [entity_id],
    )
    if row is None:
        raise LookupError(entity_id)
    _, kind, caption, n_mentions = row
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
    names: dict[tuple[str, str], list[str]] = defaultdict(list)
    idents: dict[tuple[str, str], list[str]] = defaultdict(list)
    for m in mentions:
        props = _json(m.pop("props")) or {}
        ref = f"{m['source']} #{m['row_num']}"
        name = props.get("name") or props.get("full") or m["caption"]
        if name:
            names[("name", str(name))].append(ref)
        for alias in props.get("aliases") or []:
            names[("alias", str(alias))].append(ref)
        for key in IDENTIFIER_PROPS.get(kind, ()):
            value = props.get(key)
            if value not in (None, "", []):
                idents[(key, str(value))].append(ref)
    identity_names = [
        {"type": t, "value": v, "sources": sorted(set(refs))}
        for (t, v), refs in sorted(names.items())
    ]
    identity_ids = [
        {"type": t, "value": v, "sources": sorted(set(refs))}
        for (t, v), refs in sorted(
            idents.items(), key=lambda kv: (IDENTIFIER_PROPS[kind].index(kv[0][0]), kv[0][1])
        )
    ]
    ids = [m["mention_id"] for m in mentions]
    edges = st.query(
        "SELECT mention_l, mention_r, method, match_probability FROM match_edges "
        "WHERE list_contains(?, mention_l) AND list_contains(?, mention_r)",
        [ids, ids],
    )
    merges = [
        {
            "a": a,
            "b": b,
            "method": method,
            "probability": None if p is None or math.isnan(p) else round(float(p), 4),
        }
        for a, b, method, p in _spanning(ids, edges)
    ]
    out: dict[str, Any] = {
        "entity_id": entity_id,
        "kind": kind,
        "caption": caption,
        "mentions": int(n_mentions or 0),
        "names": identity_names,
        "identifiers": identity_ids,
        "merges": merges,
        "evidence": mentions,
        "role": None,
        "ranking": [],
        "counterparts": [],
        "timeline": [],
        "phones": [],
        "analysed": analysed(st),
    }
    if out["analysed"]:
        out |= _network_side(st, entity_id, kind)
    return out


def _network_side(st: Store, entity_id: str, kind: str) -> dict[str, Any]:
    role = st.query_dicts(
        "SELECT role, network_id AS network, stage, round(score, 4) AS score, coerced, "
        "CAST(reasons AS VARCHAR) AS reasons FROM node_roles WHERE entity_id = ?",
        [entity_id],
    )
    for r in role:
        r["reasons"] = _json(r["reasons"]) or []
    ranking = st.query_dicts(
        "SELECT network_id AS network, rank, round(score, 4) AS score, held, "
        "CAST(evidence AS VARCHAR) AS evidence, CAST(reasons AS VARCHAR) AS reasons "
        "FROM disruption_ranking WHERE entity_id = ? ORDER BY network_id",
        [entity_id],
    )
    for r in ranking:
        r["evidence"] = _json(r["evidence"]) or {}
        r["reasons"] = _json(r["reasons"]) or []
    counterparts = st.query_dicts(
        """
        WITH mine AS (
            SELECT person_b AS other, via, via_entity, n_links, first_at, last_at, criminal
            FROM person_edges WHERE person_a = $id
            UNION ALL
            SELECT person_a, via, via_entity, n_links, first_at, last_at, criminal
            FROM person_edges WHERE person_b = $id)
        SELECT m.other AS entity_id, e.kind, e.caption, r.role, r.network_id AS network,
               list(DISTINCT m.via ORDER BY m.via) AS via, CAST(sum(m.n_links) AS BIGINT) AS n_links,
               CAST(min(m.first_at) AS VARCHAR) AS first_at,
               CAST(max(m.last_at) AS VARCHAR) AS last_at, bool_or(m.criminal) AS criminal
        FROM mine m JOIN entities e ON e.entity_id = m.other
        LEFT JOIN node_roles r ON r.entity_id = m.other
        GROUP BY ALL ORDER BY n_links DESC, m.other LIMIT 200
        """,
        {"id": entity_id},
    )
    if not counterparts:  # not an actor: what its records join it to
        counterparts = st.query_dicts(
            """
            WITH mine AS (
                SELECT object_entity AS other, kind, start_at FROM net_edges
                WHERE subject_entity = $id AND object_entity IS NOT NULL
                UNION ALL
                SELECT subject_entity, kind, start_at FROM net_edges WHERE object_entity = $id)
            SELECT m.other AS entity_id, e.kind, e.caption, r.role, r.network_id AS network,
                   list(DISTINCT m.kind ORDER BY m.kind) AS via, count(*) AS n_links,
                   CAST(min(m.start_at) AS VARCHAR) AS first_at,
                   CAST(max(m.start_at) AS VARCHAR) AS last_at, false AS criminal
            FROM mine m JOIN entities e ON e.entity_id = m.other
            LEFT JOIN node_roles r ON r.entity_id = m.other
            GROUP BY ALL ORDER BY n_links DESC, m.other LIMIT 200
            """,
            {"id": entity_id},
        )
    phones = st.query_dicts(
        "SELECT u.phone_entity AS entity_id, e.caption, u.basis, CAST(u.first_at AS VARCHAR) "
        "AS first_at, CAST(u.last_at AS VARCHAR) AS last_at FROM phone_users u "
        "JOIN entities e ON e.entity_id = u.phone_entity WHERE u.person_entity = ? ORDER BY 4",
        [entity_id],
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
    return {
        "role": role[0] if role else None,
        "ranking": ranking,
        "counterparts": counterparts,
        "timeline": timeline,
        "phones": phones,
    }


# --------------------------------------------------------------------------- explanations


def explain_pairs(st: Store, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """The comparison waterfalls of person mention pairs for display (``Explanation``'s shape):
    ``resolve.explain.explain_pairs`` (persisted at resolve time; others scored in one batch),
    weights rounded and values as text. Pairs it cannot explain are left out."""
    from eslabon.resolve.explain import explain_pairs as resolve_explain_pairs

    out: dict[tuple[str, str], dict[str, Any]] = {}
    for pair, x in resolve_explain_pairs(st, pairs).items():
        if x["source"] == "unavailable":
            continue
        out[pair] = {
            "a": x["a"],
            "b": x["b"],
            "model_id": x["model_id"],
            "threshold": x["threshold"],
            "prior_weight": round(x["prior_weight"], 4),
            "comparisons": [
                {
                    "comparison": s["comparison"],
                    "level": s["level"],
                    "left": _text(s["left"]),
                    "right": _text(s["right"]),
                    "weight": round(s["weight"], 4),
                    "tf_weight": round(s["tf_weight"], 4),
                }
                for s in x["comparisons"]
            ],
            "match_weight": round(x["match_weight"], 4),
            "match_probability": round(x["match_probability"], 6),
        }
    return out


def _text(value: Any) -> str | None:
    """A comparison value as display text (lists joined; NaT and NaN are missing)."""
    if value is None:
        return None
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or None
    text = str(value)
    return None if text in ("NaT", "nan", "None") else text


# --------------------------------------------------------------------------- network


def graph(st: Store, network: str | None, focus: str | None = None) -> dict[str, Any]:
    """Actors and person ties of one network (or around one actor) for the network view."""
    if not analysed(st):
        raise EslabonError("the network stage has not run here", hint="run `eslabon network`")
    if focus:
        members = [
            r[0]
            for r in st.query(
                "SELECT $f UNION SELECT person_b FROM person_edges WHERE person_a = $f "
                "UNION SELECT person_a FROM person_edges WHERE person_b = $f",
                {"f": focus},
            )
        ]
    elif network:
        members = [
            r[0]
            for r in st.query("SELECT entity_id FROM node_roles WHERE network_id = ?", [network])
        ]
    else:
        members = []
    nodes = st.query_dicts(
        """
        SELECT e.entity_id AS id, e.caption AS label, e.kind, r.role, r.network_id AS network,
               r.stage, coalesce(r.coerced, false) AS coerced, d.rank
        FROM entities e LEFT JOIN node_roles r ON r.entity_id = e.entity_id
        LEFT JOIN (SELECT entity_id, min(rank) AS rank FROM disruption_ranking GROUP BY 1) d
            ON d.entity_id = e.entity_id
        WHERE list_contains($m, e.entity_id) ORDER BY e.entity_id
        """,
        {"m": members},
    )
    edges = st.query_dicts(
        """
        SELECT person_a AS source, person_b AS target, list(DISTINCT via ORDER BY via) AS via,
               CAST(sum(n_links) AS BIGINT) AS n_links, bool_or(criminal) AS criminal,
               list_sort(list_distinct(flatten(list(CAST(coalesce(times, []) AS VARCHAR[])))))
                   AS times
        FROM person_edges
        WHERE list_contains($m, person_a) AND list_contains($m, person_b)
        GROUP BY 1, 2 ORDER BY 1, 2
        """,
        {"m": members},
    )
    for e in edges:
        e["id"] = f"{e['source']}~{e['target']}"
        e["times"] = [t[:10] for t in e["times"] or []]
    return {"network": network, "focus": focus, "nodes": nodes, "edges": edges}


def network_list(st: Store) -> list[dict[str, Any]]:
    if not analysed(st):
        return []
    return st.query_dicts(
        "SELECT network_id, kind, size, anchor_events FROM networks ORDER BY network_id"
    )


def targets(st: Store, network: str | None) -> dict[str, Any]:
    """The stored disruption ranking (victims are never in it; held = possibly coerced)."""
    if not analysed(st):
        raise EslabonError("the network stage has not run here", hint="run `eslabon network`")
    rows = st.query_dicts(
        """
        SELECT d.network_id AS network, d.rank, d.entity_id, d.name, d.role, round(d.score, 4)
               AS score, CAST(d.evidence AS VARCHAR) AS evidence,
               CAST(d.reasons AS VARCHAR) AS reasons, d.held
        FROM disruption_ranking d
        WHERE $n IS NULL OR d.network_id = $n
        ORDER BY d.held, d.network_id, d.rank NULLS LAST, d.entity_id
        """,
        {"n": network},
    )
    for r in rows:
        r["evidence"] = _json(r["evidence"]) or {}
        r["reasons"] = _json(r["reasons"]) or []
    return {
        "network": network,
        "targets": [r for r in rows if not r["held"]],
        "held_for_review": [r for r in rows if r["held"]],
        "networks": network_list(st),
    }


# --------------------------------------------------------------------------- sources


def quarantine_reasons(st: Store) -> list[dict[str, Any]]:
    """How many rows each source refused, per reason."""
    return st.query_dicts(
        "SELECT s.name AS source, q.reason, count(*) AS rows FROM quarantine q "
        "JOIN sources s USING (source_id) WHERE s.superseded_by IS NULL "
        "GROUP BY ALL ORDER BY s.name, rows DESC, q.reason"
    )
