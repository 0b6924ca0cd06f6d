"""Browsing a workspace: search, entity pages, graphs, targets — for the web workspace and the CLI.

Each function is a plain query over the store's documented tables (docs/architecture.md). Nothing
here decides anything a stage decides: roles, ranks, merges and traces are read as the stages
wrote them. Callers pass the Store of the reader's view (access/seam.py), never the main store.
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

    found = resolve_id(st, some_id)  # the tables exist in every migrated store, maybe empty
    if found:
        return found[0]
    if not resolved(st):
        raise EslabonError("no resolved entities in this workspace", hint="run `eslabon resolve`")
    raise LookupError(some_id)


def _spanning(mention_ids: list[str], edges: list[tuple]) -> list[tuple]:
    """The strongest-first spanning forest of the match edges: the merges that built it."""
    return merge_forest(mention_ids, edges, lambda e: e[3])[0]


# An entity page is built on a first visit, under load: each query below costs DuckDB a plan and
# a pipeline or two whatever it reads, so the page asks few of them (six) and gives each rows it
# reaches by a key (``entities``, ``node_roles``) or by one equality on one column, which DuckDB
# pushes into the scan. Small per-entity aggregates are finished in Python over those rows.
_HEAD = """
    SELECT e.kind, e.caption, e.mention_count,
           EXISTS (SELECT 1 FROM network_runs WHERE finished_at IS NOT NULL),
           (SELECT list([source_id, name, path, sha256, CAST(superseded_by IS NULL AS VARCHAR)])
            FROM sources),
           (SELECT list({'role': role, 'network': network_id, 'stage': stage,
                         'score': round(score, 4), 'coerced': coerced,
                         'reasons': CAST(reasons AS VARCHAR)})
            FROM node_roles WHERE entity_id = $id),
           (SELECT list({'network': network_id, 'rank': rank, 'score': round(score, 4),
                         'held': held, 'evidence': CAST(evidence AS VARCHAR),
                         'reasons': CAST(reasons AS VARCHAR)} ORDER BY network_id)
            FROM disruption_ranking WHERE entity_id = $id),
           (SELECT list([phone_entity, basis, CAST(first_at AS VARCHAR), CAST(last_at AS VARCHAR)]
                        ORDER BY CAST(first_at AS VARCHAR) NULLS LAST, phone_entity)
            FROM phone_users WHERE person_entity = $id)
    FROM entities e WHERE e.entity_id = $id
"""
_MENTIONS = """
    SELECT m.mention_id, m.source_id, m.row_num, r.line, m.caption, CAST(m.props AS VARCHAR)
    FROM entity_mentions em JOIN mentions m ON m.mention_id = em.mention_id
    LEFT JOIN source_rows r ON r.source_id = m.source_id AND r.row_num = m.row_num
    WHERE em.entity_id = $id
"""
# Pairs are stored per kind (ordered by it), so the kind filter skips other kinds' rows; the
# scan then matches the left mention only, the right one is checked here.
_MATCH_EDGES = """
    SELECT mention_l, mention_r, method, match_probability FROM match_edges
    WHERE kind = ? AND mention_l IN (SELECT unnest(?))
"""
# Each arm filters one column by one equality (an OR of the two would not reach the scan).
_PERSON_TIES = """
    SELECT person_b, via, n_links, first_at, CAST(first_at AS VARCHAR), last_at,
           CAST(last_at AS VARCHAR), criminal
    FROM person_edges WHERE person_a = $id
    UNION ALL
    SELECT person_a, via, n_links, first_at, CAST(first_at AS VARCHAR), last_at,
           CAST(last_at AS VARCHAR), criminal
    FROM person_edges WHERE person_b = $id
"""
_RECORDS = """
    SELECT link_id, kind, start_at, CAST(start_at AS VARCHAR), subject_entity, object_entity,
           props->>'place', source_id, row_num
    FROM net_edges WHERE subject_entity = $id
    UNION ALL
    SELECT link_id, kind, start_at, CAST(start_at AS VARCHAR), subject_entity, object_entity,
           props->>'place', source_id, row_num
    FROM net_edges WHERE object_entity = $id AND subject_entity <> $id
"""
_INDEX_LIST_MAX = 2000  # DuckDB's index_scan_max_count is 2048; longer lists are hash-joined
COUNTERPARTS_MAX = 200
TIMELINE_MAX = 300


def entity_detail(st: Store, entity_id: str) -> dict[str, Any]:
    """Identity with sources, role and network, counterparts, timeline, evidence and merges."""
    head = st.query_one(_HEAD, {"id": entity_id})
    if head is None:
        raise LookupError(entity_id)
    kind, caption, n_mentions, is_analysed, source_rows, role, ranking, phone_rows = head
    sources = {s[0]: s[1:] for s in source_rows or []}  # id → name, path, sha256, current
    mentions = _evidence(st, entity_id, sources)
    names: dict[tuple[str, str], list[str]] = defaultdict(list)
    idents: dict[tuple[str, str], list[str]] = defaultdict(list)
    keys = IDENTIFIER_PROPS.get(kind, ())
    for m in mentions:
        props = _json(m.pop("props")) or {}
        ref = f"{m['source']} #{m['row_num']}"
        name = props.get("name") or props.get("full") or m["caption"]
        if name:
            names[("name", str(name))].append(ref)
        for alias in props.get("aliases") or []:
            names[("alias", str(alias))].append(ref)
        for key in keys:
            value = props.get(key)
            if value not in (None, "", []):
                idents[(key, str(value))].append(ref)
    identity_names = [
        {"type": t, "value": v, "sources": sorted(set(refs))}
        for (t, v), refs in sorted(names.items())
    ]
    identity_ids = [
        {"type": t, "value": v, "sources": sorted(set(refs))}
        for (t, v), refs in sorted(idents.items(), key=lambda kv: (keys.index(kv[0][0]), kv[0][1]))
    ]
    ids = [m["mention_id"] for m in mentions]
    merges = [
        {
            "a": a,
            "b": b,
            "method": method,
            "probability": None if p is None or math.isnan(p) else round(float(p), 4),
        }
        for a, b, method, p in _spanning(ids, _match_edges(st, kind, ids))
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
        "analysed": bool(is_analysed),
    }
    if out["analysed"]:
        for r in role or []:
            r["reasons"] = _json(r["reasons"]) or []
        for r in ranking or []:
            r["evidence"] = _json(r["evidence"]) or {}
            r["reasons"] = _json(r["reasons"]) or []
        out["role"] = role[0] if role else None
        out["ranking"] = ranking or []
        out |= _network_side(st, entity_id, sources, phone_rows or [])
    return out


def _evidence(st: Store, entity_id: str, sources: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The entity's mentions in current sources, with the source row and file behind each."""
    rows = [r for r in st.query(_MENTIONS, {"id": entity_id}) if sources[r[1]][3] == "true"]
    rows.sort(key=lambda r: (r[1], r[2], r[0]))
    return [
        {
            "mention_id": mention_id,
            "source": sources[source_id][0],
            "source_id": source_id,
            "row_num": row_num,
            "line": line,
            "file": sources[source_id][1],
            "sha256": sources[source_id][2],
            "caption": mention_caption,
            "props": props,
        }
        for mention_id, source_id, row_num, line, mention_caption, props in rows
    ]


def _match_edges(st: Store, kind: str, ids: list[str]) -> list[tuple]:
    """The scored pairs among the mentions ``ids`` (of one ``kind``)."""
    if len(ids) < 2:
        return []
    wanted = set(ids)
    return [r for r in st.query(_MATCH_EDGES, [kind, ids]) if r[1] in wanted]


def _labels(st: Store, ids: set[str]) -> dict[str, tuple]:
    """kind, caption, role and network of entities, found by key (an index scan)."""
    if not ids:
        return {}
    wanted = sorted(ids)
    if len(wanted) > _INDEX_LIST_MAX:
        where, params = "e.entity_id IN (SELECT unnest(?))", [wanted]
    else:
        where, params = f"e.entity_id IN ({', '.join('?' * len(wanted))})", wanted
    rows = st.query(
        "SELECT e.entity_id, e.kind, e.caption, r.role, r.network_id FROM entities e "
        f"LEFT JOIN node_roles r ON r.entity_id = e.entity_id WHERE {where}",
        params,
    )
    return {r[0]: r[1:] for r in rows}


@dataclass
class _Tie:
    """What joins the entity to one other entity, summed over the records or person ties."""

    via: set[str] = field(default_factory=set)
    n_links: int = 0
    first: Any = None  # (timestamp, its text) of the earliest dated link
    last: Any = None
    criminal: bool = False

    def add(self, via: str, n: int, first: Any, last: Any, criminal: bool) -> None:
        self.via.add(via)
        self.n_links += n
        if first[0] is not None and (self.first is None or first[0] < self.first[0]):
            self.first = first
        if last[0] is not None and (self.last is None or last[0] > self.last[0]):
            self.last = last
        self.criminal = self.criminal or bool(criminal)


def _counterparts(ties: dict[str, _Tie], labels: dict[str, tuple]) -> list[dict[str, Any]]:
    """Ties to known entities, most links first."""
    known = sorted((o for o in ties if o in labels), key=lambda o: (-ties[o].n_links, o))
    out = []
    for other in known[:COUNTERPARTS_MAX]:
        tie = ties[other]
        other_kind, other_caption, role, network = labels[other]
        out.append(
            {
                "entity_id": other,
                "kind": other_kind,
                "caption": other_caption,
                "role": role,
                "network": network,
                "via": sorted(tie.via),
                "n_links": tie.n_links,
                "first_at": tie.first[1] if tie.first else None,
                "last_at": tie.last[1] if tie.last else None,
                "criminal": tie.criminal,
            }
        )
    return out


def _network_side(
    st: Store, entity_id: str, sources: dict[str, list[str]], phone_rows: list[list[Any]]
) -> dict[str, Any]:
    """Counterparts (person ties of an actor, else what its records join it to), the timeline
    of its records and the phones it used."""
    key = {"id": entity_id}
    person_ties: dict[str, _Tie] = defaultdict(_Tie)
    for other, via, n, first, first_s, last, last_s, criminal in st.query(_PERSON_TIES, key):
        person_ties[other].add(via, n, (first, first_s), (last, last_s), criminal)
    records = [r for r in st.query(_RECORDS, key) if r[7] in sources]
    record_ties: dict[str, _Tie] = defaultdict(_Tie)
    for _, link_kind, at, at_s, subject, obj, *_ in records:
        # Both ends, as two records, when the entity is both (as the person ties count it).
        if subject == entity_id and obj is not None:
            record_ties[obj].add(link_kind, 1, (at, at_s), (at, at_s), False)
        if obj == entity_id:
            record_ties[subject].add(link_kind, 1, (at, at_s), (at, at_s), False)
    records.sort(key=lambda r: (r[2] is None, r[2] or 0, r[0]))
    events = records[:TIMELINE_MAX]

    def other_of(r: tuple) -> str | None:
        return r[5] if r[4] == entity_id else r[4]

    wanted = set(person_ties) | set(record_ties) | {p[0] for p in phone_rows}
    wanted |= {o for o in map(other_of, events) if o is not None}
    labels = _labels(st, wanted)
    counterparts = _counterparts(person_ties, labels)
    if not counterparts:  # not an actor: what its records join it to
        counterparts = _counterparts(record_ties, labels)
    timeline = []
    for r in events:
        link_id, link_kind, _, at_s, _, _, place, source_id, row_num = r
        other = other_of(r)
        name, path, sha256, _ = sources[source_id]
        label = labels.get(other) if other is not None else None
        timeline.append(
            {
                "at": at_s,
                "kind": link_kind,
                "other": other,
                "other_caption": label[1] if label else None,
                "place": place,
                "source": name,
                "file": path,
                "row": row_num,
                "sha256": sha256,
                "link_id": link_id,
            }
        )
    phones = [
        {"entity_id": p, "caption": labels[p][1], "basis": basis, "first_at": f, "last_at": la}
        for p, basis, f, la in phone_rows
        if p in labels
    ]
    return {"counterparts": counterparts, "timeline": timeline, "phones": phones}


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
