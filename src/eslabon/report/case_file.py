"""Assemble a case file from the store: identity, role, timeline, link chart, evidence, provenance.

Everything comes from the workspace (no clock, no randomness), in a fixed order, so the same store
gives the same file. Facts are ``Statement`` objects; a fact whose source row cannot be found in the
store is not stated.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import eslabon
from eslabon.access.labels import Label, combine, labels_by_source
from eslabon.errors import EslabonError
from eslabon.report.i18n import Generated
from eslabon.report.link_chart import Chart, build_chart
from eslabon.report.statements import Provenance, Statement, Term, merge_sources
from eslabon.report.timeline import Event, build_timeline, entity_captions
from eslabon.resolve.merges import merge_forest
from eslabon.store.connection import Store

IDENTIFIERS: dict[str, tuple[str, ...]] = {
    "Person": ("curp", "rfc", "a_number", "ssn", "national_id", "passport", "birth_date", "sex",
               "nationality"),
    "Phone": ("number",),
    "Vehicle": ("plate", "vin", "make", "model", "color"),
    "Address": ("full",),
    "Account": ("number", "institution"),
    "Organization": ("rfc",),
    "IdentityDocument": ("number", "doc_type"),
}  # fmt: skip
NAME_KEYS = {"Person": "name", "Organization": "name"}


@dataclass(frozen=True)
class Step:
    """One comparison of the person model for a merge: outcome, values and weight."""

    comparison: str
    level: Generated
    left: str
    right: str
    weight: float


@dataclass(frozen=True)
class Merge:
    statement: Statement
    probability: float | None
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True)
class Counterpart:
    entity_id: str
    caption: str
    role: str | None
    n_links: int
    statement: Statement


@dataclass(frozen=True)
class SourceInfo:
    source_id: str
    path: str
    sha256: str
    loaded_at: str
    rows_loaded: int


@dataclass
class CaseFile:
    """All a renderer needs; renderers add words, never facts."""

    entity_id: str
    kind: str
    caption: str
    names: list[Statement]
    identifiers: list[Statement]
    merges: list[Merge]
    comparisons_available: bool
    analysed: bool  # the network stage has run on this store
    role: list[Statement]
    counterparts: list[Counterpart]
    ranking: list[Statement]
    timeline: list[Event]
    chart: Chart
    sources: list[SourceInfo]
    version: str
    model_id: str | None
    network_run: str | None
    as_of: str | None = None  # latest source load: the file's date, never "now"
    evidence: list[Provenance] = field(default_factory=list)
    evidence_ids: dict[tuple[str, int], str] = field(default_factory=dict)
    records: dict[tuple[str, int], str] = field(default_factory=dict)
    # The combined security label of every cited source: the banner at the top of the file.
    label: Label | None = None

    def statements(self) -> list[Statement]:
        """Every statement the file makes, in document order."""
        return [
            *self.names,
            *self.identifiers,
            *(m.statement for m in self.merges),
            *self.role,
            *self.ranking,
            *(c.statement for c in self.counterparts),
            *(e.statement for e in self.timeline),
        ]

    def refs(self, statement: Statement) -> list[str]:
        return [self.evidence_ids[p.key] for p in statement.sources]


# --------------------------------------------------------------------------- store lookups


def find_entity(store: Store, query: str) -> str:
    """The current entity for an id (current, retired or mention id) or an exact caption."""
    from eslabon.resolve.ids import resolve_id

    if not store.table_exists("entities") or not store.query_one("SELECT 1 FROM entities LIMIT 1"):
        raise EslabonError("no resolved entities in this workspace", hint="run `eslabon resolve`")
    found = resolve_id(store, query)
    if not found:
        found = [
            r[0]
            for r in store.query(
                "SELECT entity_id FROM entities WHERE upper(caption) = upper(?) ORDER BY 1",
                [query.strip()],
            )
        ]
    if not found:
        raise EslabonError(
            f"no entity, mention or caption matches {query!r}",
            hint="use an entity id from `eslabon disrupt` or `eslabon trace`",
        )
    if len(found) > 1:
        raise EslabonError(
            f"{query!r} matches {len(found)} entities: {', '.join(found[:8])}",
            hint="pass one entity id",
        )
    return found[0]


def _provenance(store: Store, keys: set[tuple[str, int]]) -> dict[tuple[str, int], Provenance]:
    """Provenance of the given (source, row) pairs that exist in the store, with their hashes."""
    if not keys:
        return {}
    store.connection.register(
        "_case_keys",
        __import__("pandas").DataFrame(sorted(keys), columns=["source_id", "row_num"]),
    )
    try:
        rows = store.query(
            "SELECT r.source_id, r.row_num, r.line, s.path, s.sha256 FROM source_rows r "
            "JOIN _case_keys k ON k.source_id = r.source_id AND k.row_num = r.row_num "
            "JOIN sources s ON s.source_id = r.source_id"
        )
    finally:
        store.connection.unregister("_case_keys")
    return {(s, n): Provenance(s, int(n), line, path, sha) for s, n, line, path, sha in rows}


def _mentions(store: Store, entity_id: str) -> list[dict[str, Any]]:
    return store.query_dicts(
        "SELECT m.mention_id, m.source_id, m.row_num, m.kind, m.caption, m.props "
        "FROM entity_mentions em JOIN mentions m ON m.mention_id = em.mention_id "
        "JOIN sources s ON s.source_id = m.source_id AND s.superseded_by IS NULL "
        "WHERE em.entity_id = ? ORDER BY m.mention_id",
        [entity_id],
    )


def _label(mention_id: str) -> str:
    """A mention as a reader finds it: source, row."""
    source, row, _key = mention_id.rsplit("/", 2)
    return f"{source} #{row}"


# --------------------------------------------------------------------------- identity


def _identity(
    kind: str, mentions: list[dict[str, Any]], prov: dict[tuple[str, int], Provenance]
) -> tuple[list[Statement], list[Statement]]:
    names: dict[tuple[str, str], list[Provenance]] = {}
    ids: dict[tuple[str, str], list[Provenance]] = {}
    for m in mentions:
        p = prov.get((m["source_id"], m["row_num"]))
        if p is None:
            continue
        props = json.loads(m["props"]) if isinstance(m["props"], str) else m["props"]
        name = props.get(NAME_KEYS.get(kind, "")) if kind in NAME_KEYS else None
        if name:
            names.setdefault(("name_variant", str(name)), []).append(p)
        for alias in props.get("aliases") or []:
            names.setdefault(("alias", str(alias)), []).append(p)
        for key in IDENTIFIERS.get(kind, ()):
            value = props.get(key)
            if value not in (None, "", []):
                ids.setdefault((key, str(value)), []).append(p)
    name_st = [
        Statement(k, {"name" if k == "name_variant" else "alias": v}, merge_sources(ps), "identity")
        for (k, v), ps in sorted(names.items())
    ]
    id_st = [
        Statement(
            "identifier",
            {"idtype": Term("idtype", k), "value": v},
            merge_sources(ps),
            "identity",
        )
        for (k, v), ps in sorted(
            ids.items(),
            key=lambda kv: (
                IDENTIFIERS[kind].index(kv[0][0]) if kv[0][0] in IDENTIFIERS.get(kind, ()) else 99,
                kv[0][1],
            ),
        )
    ]
    return name_st, id_st


def _phones_used(
    store: Store, entity_id: str, prov: dict[tuple[str, int], Provenance]
) -> list[Statement]:
    if not store.table_exists("phone_users") or not store.table_exists("net_edges"):
        return []
    rows = store.query(
        "SELECT e.caption, n.source_id, n.row_num FROM phone_users u "
        "JOIN entities e ON e.entity_id = u.phone_entity "
        "JOIN net_edges n ON list_contains(u.link_ids, n.link_id) "
        "WHERE u.person_entity = ? ORDER BY 1, 2, 3",
        [entity_id],
    )
    grouped: dict[str, list[Provenance]] = {}
    for caption, source_id, row_num in rows:
        p = prov.get((source_id, row_num))
        if p is not None:
            grouped.setdefault(caption, []).append(p)
    return [
        Statement("identifier", {"idtype": Term("idtype", "phone"), "value": c},
                  merge_sources(ps), "identity")
        for c, ps in sorted(grouped.items())
    ]  # fmt: skip


def _phone_use_keys(store: Store, entity_id: str) -> set[tuple[str, int]]:
    if not store.table_exists("phone_users") or not store.table_exists("net_edges"):
        return set()
    return {
        (s, n)
        for s, n in store.query(
            "SELECT n.source_id, n.row_num FROM phone_users u JOIN net_edges n "
            "ON list_contains(u.link_ids, n.link_id) WHERE u.person_entity = ?",
            [entity_id],
        )
    }


# --------------------------------------------------------------------------- merges


def _spanning_edges(mention_ids: list[str], edges: list[tuple]) -> tuple[list[tuple], list[str]]:
    """The merges that built the entity, and the component roots no recorded edge joins."""
    return merge_forest(mention_ids, edges, lambda e: e[4])


def _waterfalls(
    store: Store, pairs: list[tuple[str, str]]
) -> tuple[dict[tuple[str, str], tuple[Step, ...]], str | None]:
    """Comparison detail of the person model for each pair: the explanations persisted at
    resolve time (``resolve.explain.explain_pairs``; pairs without one are scored in one batch,
    or left out on a read-only store)."""
    from eslabon.resolve.explain import explain_pairs

    found = explain_pairs(store, pairs) if pairs else {}
    model_id = next((x["model_id"] for x in found.values()), None)
    if model_id is None and store.table_exists("linkage_models"):
        row = store.query_one(
            "SELECT model_id FROM linkage_models WHERE kind = 'Person' "
            "ORDER BY trained_at DESC LIMIT 1"
        )
        model_id = row[0] if row else None
    out: dict[tuple[str, str], tuple[Step, ...]] = {}
    for pair, x in found.items():
        if x["source"] == "unavailable":
            continue
        out[pair] = tuple(
            Step(
                s["comparison"],
                Generated(s["level"]),
                _shown(s["left"]),
                _shown(s["right"]),
                round(s["weight"] + s["tf_weight"], 2),
            )
            for s in x["comparisons"]
        )
    return out, model_id


def _shown(value: Any) -> str:
    """A compared value as a reader sees it: lists as comma-separated items, missing as blank."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _merges(
    store: Store, kind: str, mentions: list[dict[str, Any]], prov: dict[tuple[str, int], Provenance]
) -> tuple[list[Merge], bool]:
    ids = [m["mention_id"] for m in mentions]
    where = {m["mention_id"]: prov.get((m["source_id"], m["row_num"])) for m in mentions}
    if len(ids) == 1:
        p = where[ids[0]]
        if p is None:
            return [], True
        return [
            Merge(Statement("single_record", {"a": _label(ids[0])}, (p,), "identity"), None)
        ], True
    edges = store.query(
        "SELECT mention_l, mention_r, kind, method, match_probability FROM match_edges "
        "WHERE list_contains(?, mention_l) AND list_contains(?, mention_r)",
        [ids, ids],
    )
    chosen, roots = _spanning_edges(ids, edges)
    splink_pairs = [(a, b) for a, b, _k, method, _p in chosen if method == "splink"]
    steps, _model = _waterfalls(store, splink_pairs) if kind == "Person" else ({}, None)
    key_values = _shared_keys(store, kind, ids) if any(
        str(e[3]).startswith("key:") for e in chosen
    ) else {}  # fmt: skip
    merges: list[Merge] = []
    for a, b, _k, method, p in chosen:
        if where[a] is None or where[b] is None:
            continue
        src = merge_sources([where[a], where[b]])
        params: dict[str, Any] = {"a": _label(a), "b": _label(b)}
        if method == "splink":
            st = Statement("merge_model", params | {"p": f"{p:.4f}"}, src, "identity")
        elif str(method).startswith("key:"):
            key = str(method)[4:]
            value = key_values.get((a, b, key), "")
            st = Statement(
                "merge_key", params | {"key": Term("key", key), "value": value}, src, "identity"
            )
        elif method == "judgement":
            st = Statement("merge_review", params, src, "identity")
        elif method == "phone_alias":
            st = Statement("merge_phone_alias", params, src, "identity")
        elif method == "contact_alias":
            st = Statement("merge_contact_alias", params, src, "identity")
        else:
            st = Statement("merge_other", params | {"method": str(method)}, src, "identity")
        merges.append(
            Merge(st, None if p is None or math.isnan(p) else float(p), steps.get((a, b), ()))
        )
    # Components joined without a recorded edge (e.g. an evaluation's oracle resolution).
    for r in roots[1:]:
        if where[roots[0]] is None or where[r] is None:
            continue
        st = Statement(
            "merge_unrecorded",
            {"a": _label(roots[0]), "b": _label(r)},
            merge_sources([where[roots[0]], where[r]]),
            "identity",
        )
        merges.append(Merge(st, None))
    return merges, bool(steps) or not splink_pairs


def _shared_keys(store: Store, kind: str, ids: list[str]) -> dict[tuple[str, str, str], str]:
    from eslabon.resolve import keys

    if kind not in keys.KEYS:
        return {}
    rows = keys.key_rows(
        store, kind, "SELECT * FROM mentions WHERE list_contains(?, mention_id)", [ids]
    )
    by_mention: dict[str, dict[str, str]] = {}
    for m, k, v in rows:
        by_mention.setdefault(m, {})[k] = v
    out = {}
    for a in ids:
        for b in ids:
            for k, v in by_mention.get(a, {}).items():
                if by_mention.get(b, {}).get(k) == v:
                    out[(a, b, k)] = v
    return out


# --------------------------------------------------------------------------- role and network


def _analysed(store: Store) -> bool:
    return store.table_exists("network_runs") and bool(
        store.query_one("SELECT 1 FROM network_runs WHERE finished_at IS NOT NULL LIMIT 1")
    )


def _role(store: Store, entity_id: str, support: tuple[Provenance, ...]) -> list[Statement]:
    row = store.query_one(
        "SELECT r.role, r.stage, r.score, r.coerced, r.reasons, r.network_id, n.kind, n.size "
        "FROM node_roles r LEFT JOIN networks n ON n.network_id = r.network_id "
        "WHERE r.entity_id = ?",
        [entity_id],
    )
    if row is None or not support:
        return []
    role, stage, score, coerced, reasons, network_id, nkind, size = row
    out = [
        Statement("role", {"role": Term("role", role), "score": f"{score:.2f}"}, support, "role")
    ]
    out += [
        Statement("role_reason", {"reason": Generated(r)}, support, "role")
        for r in json.loads(reasons or "[]")
    ]
    if coerced:
        out.append(Statement("coerced", {}, support, "role"))
    if network_id:
        out.append(
            Statement(
                "network" if stage else "no_stage",
                {"network": network_id, "nkind": Term("nkind", nkind), "size": size,
                 "stage": Term("stage", stage)},
                support,
                "role",
            )
        )  # fmt: skip
    return out


def _ranking(store: Store, entity_id: str, support: tuple[Provenance, ...]) -> list[Statement]:
    rows = store.query(
        "SELECT network_id, rank, score, reasons, held FROM disruption_ranking "
        "WHERE entity_id = ? ORDER BY network_id",
        [entity_id],
    )
    out: list[Statement] = []
    if not support:
        return out
    for network_id, rank, score, reasons, held in rows:
        if held or rank is None:
            out.append(Statement("held", {"network": network_id}, support, "targets"))
        else:
            out.append(
                Statement(
                    "rank",
                    {"rank": rank, "network": network_id, "score": f"{score:.3f}"},
                    support,
                    "targets",
                )
            )
        out += [
            Statement("rank_reason", {"reason": Generated(r)}, support, "targets")
            for r in json.loads(reasons or "[]")
        ]
    return out


def _counterparts(
    store: Store, entity_id: str, prov_of: dict[str, Provenance]
) -> list[Counterpart]:
    rows = store.query(
        """
        SELECT CASE WHEN person_a = ? THEN person_b ELSE person_a END AS other, via,
               sum(n_links), min(first_at), max(last_at), flatten(list(link_ids))
        FROM person_edges WHERE person_a = ? OR person_b = ?
        GROUP BY 1, 2 ORDER BY 1, 2
        """,
        [entity_id, entity_id, entity_id],
    )
    captions = entity_captions(store, {r[0] for r in rows})
    roles = dict(
        store.query(
            "SELECT entity_id, role FROM node_roles WHERE list_contains(?, entity_id)",
            [sorted({r[0] for r in rows})],
        )
    )
    out = []
    for other, via, n, first, last, link_ids in rows:
        src = merge_sources([prov_of[i] for i in sorted(set(link_ids)) if i in prov_of])
        if not src:
            continue
        st = Statement(
            "counterpart",
            {
                "name": captions.get(other, other),
                "role": Term("role", roles.get(other) or "unknown"),
                "via": Term("via", via),
                "n": int(n),
                "first": str(first)[:10] if first is not None else "—",
                "last": str(last)[:10] if last is not None else "—",
            },
            src,
            "role",
        )
        out.append(Counterpart(other, captions.get(other, other), roles.get(other), int(n), st))
    return out


def _counterpart_links(store: Store, entity_id: str) -> dict[str, tuple[str, int]]:
    """link_id → (source, row) for every link behind the actor's person ties."""
    rows = store.query(
        """
        WITH ids AS (SELECT DISTINCT unnest(link_ids) AS link_id FROM person_edges
                     WHERE person_a = ? OR person_b = ?)
        SELECT n.link_id, n.source_id, n.row_num FROM net_edges n JOIN ids USING (link_id)
        """,
        [entity_id, entity_id],
    )
    return {link: (s, r) for link, s, r in rows}


# --------------------------------------------------------------------------- the case file


def build_case(store: Store, query: str) -> CaseFile:
    """Gather everything the case file of ``query`` (an entity, mention id or caption) states."""
    entity_id = find_entity(store, query)
    kind, caption = store.query_one(
        "SELECT kind, caption FROM entities WHERE entity_id = ?", [entity_id]
    )
    mentions = _mentions(store, entity_id)
    analysed = _analysed(store)
    links_behind = _counterpart_links(store, entity_id) if analysed else {}
    keys = {(m["source_id"], m["row_num"]) for m in mentions} | set(links_behind.values())
    keys |= _phone_use_keys(store, entity_id)
    # Timeline rows are looked up after the query so that all provenance comes in two batches.
    from eslabon.report.timeline import actor_ends

    ends = actor_ends(store, entity_id, kind)
    keys |= {
        (s, r)
        for s, r in store.query(
            "WITH mine AS (SELECT mention_id FROM entity_mentions "
            "WHERE list_contains(?, entity_id)) "
            "SELECT source_id, row_num FROM links WHERE subject_id IN (SELECT * FROM mine) "
            "UNION SELECT source_id, row_num FROM links WHERE object_id IN (SELECT * FROM mine)",
            [list(ends)],
        )
    }
    prov = _provenance(store, keys)
    names, identifiers = _identity(kind, mentions, prov)
    if kind == "Person":
        identifiers += _phones_used(store, entity_id, prov)
    merges, comparisons = _merges(store, kind, mentions, prov)
    timeline = build_timeline(store, entity_id, kind, prov)
    support = merge_sources([e.statement.sources[0] for e in timeline])
    role: list[Statement] = []
    ranking: list[Statement] = []
    counterparts: list[Counterpart] = []
    if analysed:
        role = _role(store, entity_id, support)
        ranking = _ranking(store, entity_id, support)
        prov_of = {link: prov[k] for link, k in links_behind.items() if k in prov}
        counterparts = _counterparts(store, entity_id, prov_of)
    chart = build_chart(entity_id, caption or entity_id, counterparts, timeline)
    model = store.query_one(
        "SELECT model_id FROM linkage_models ORDER BY trained_at DESC, model_id LIMIT 1"
    )
    run = (
        store.query_one(
            "SELECT run_id, finished_at FROM network_runs WHERE finished_at IS NOT NULL "
            "ORDER BY finished_at DESC LIMIT 1"
        )
        if analysed
        else None
    )
    case = CaseFile(
        entity_id=entity_id,
        kind=kind,
        caption=caption or entity_id,
        names=names,
        identifiers=identifiers,
        merges=merges,
        comparisons_available=comparisons,
        analysed=analysed,
        role=role,
        counterparts=counterparts,
        ranking=ranking,
        timeline=timeline,
        chart=chart,
        sources=[],
        version=eslabon.__version__,
        model_id=model[0] if model else None,
        network_run=f"{run[0]} ({str(run[1])[:19]})" if run else None,
    )
    latest = store.query_one("SELECT max(loaded_at) FROM sources WHERE superseded_by IS NULL")
    case.as_of = str(latest[0])[:19] if latest and latest[0] is not None else None
    _number_evidence(store, case)
    if store.table_exists("source_labels"):
        apply_labels(case, labels_by_source(store))
    return case


def apply_labels(case: CaseFile, labels: dict[str, Label | None]) -> CaseFile:
    """Give ``case`` the combined label of the sources it cites (none when none is labelled):
    a file is as restricted as the most restricted statement in it."""
    cited = [labels.get(s) for s in sorted({p.source_id for p in case.evidence})]
    known = [lab for lab in cited if lab is not None]
    case.label = combine(known) if known else None
    return case


def _number_evidence(store: Store, case: CaseFile) -> None:
    """Number every cited row (E1, E2, … by source and row), fetch records and source details."""
    cited = merge_sources(*(s.sources for s in case.statements()))
    case.evidence = list(cited)
    case.evidence_ids = {p.key: f"E{i}" for i, p in enumerate(cited, start=1)}
    if not cited:
        return
    import pandas as pd

    frame = pd.DataFrame([p.key for p in cited], columns=["source_id", "row_num"])
    store.connection.register("_case_cited", frame)
    try:
        rows = store.query(
            "SELECT r.source_id, r.row_num, r.raw FROM source_rows r JOIN _case_cited c "
            "ON c.source_id = r.source_id AND c.row_num = r.row_num"
        )
    finally:
        store.connection.unregister("_case_cited")
    for source_id, row_num, raw in rows:
        values = json.loads(raw) if isinstance(raw, str) else raw
        text = "; ".join(f"{k}: {v}" for k, v in values.items() if v not in (None, ""))
        case.records[(source_id, int(row_num))] = text[:400]
    used = sorted({p.source_id for p in cited})
    case.sources = [
        SourceInfo(s, path, sha, str(loaded)[:19], int(n))
        for s, path, sha, loaded, n in store.query(
            "SELECT source_id, path, sha256, loaded_at, rows_loaded FROM sources "
            "WHERE list_contains(?, source_id) ORDER BY source_id",
            [used],
        )
    ]


# --------------------------------------------------------------------------- writing files

FORMATS = ("html", "pdf")


def render(case: CaseFile, lang: str, fmt: str) -> bytes:
    """The case file's bytes in one language and format."""
    if fmt not in FORMATS:
        raise EslabonError(f"format '{fmt}' is not one of {', '.join(FORMATS)}", field="format")
    if fmt == "pdf":
        from eslabon.report.render_pdf import render_pdf

        return render_pdf(case, lang)
    from eslabon.report.render_html import render_html

    return render_html(case, lang).encode("utf-8")


def _write(path: Path, data: bytes) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as err:
        raise EslabonError(f"cannot write the case file: {err.strerror}", file=str(path)) from None
    return path


def write_case(
    store: Store,
    query: str,
    *,
    langs: tuple[str, ...] = ("en",),
    fmt: str = "html",
    out: Path | None = None,
) -> list[Path]:
    """Write the case file of one actor; ``out`` is a file (one language) or a folder."""  # fmt: skip
    return write_built_case(build_case(store, query), langs=langs, fmt=fmt, out=out)


def write_built_case(
    case: CaseFile, *, langs: tuple[str, ...] = ("en",), fmt: str = "html", out: Path | None = None
) -> list[Path]:
    """Write an assembled case file (rendering needs no store: a gate may sit in between)."""
    paths = []
    for lang in langs:
        name = f"case-{_safe(case.entity_id)}.{lang}.{fmt}"
        if out is None:
            target = Path(name)
        elif out.suffix.lower() == f".{fmt}" and len(langs) == 1:
            target = out
        else:
            target = out / name
        paths.append(_write(target, render(case, lang, fmt)))
    return paths


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text)


def network_targets(store: Store, network: str, top: int) -> list[dict[str, Any]]:
    """The ranked targets of a network, best first (held actors are not targets)."""
    if not _analysed(store):
        raise EslabonError("no network analysis in this workspace", hint="run `eslabon network`")
    if not store.query_one("SELECT 1 FROM networks WHERE network_id = ?", [network]):
        known = [r[0] for r in store.query("SELECT network_id FROM networks ORDER BY 1")]
        raise EslabonError(
            f"no network {network!r}", field="network", hint=f"known: {', '.join(known) or 'none'}"
        )
    return store.query_dicts(
        "SELECT rank, entity_id, name, role, score FROM disruption_ranking "
        "WHERE network_id = ? AND rank IS NOT NULL AND NOT held ORDER BY rank LIMIT ?",
        [network, top],
    )


def build_network_cases(
    store: Store, network: str, top: int = 5, progress: Any = None
) -> list[tuple[dict[str, Any], CaseFile]]:
    """The case files of a network's top targets, assembled (not yet written)."""
    built = []
    for t in network_targets(store, network, top):
        built.append((t, build_case(store, t["entity_id"])))
        if progress is not None:
            progress()
    return built


def write_network_cases(
    store: Store,
    network: str,
    out: Path,
    *,
    langs: tuple[str, ...] = ("en", "es"),
    fmt: str = "html",
    top: int = 5,
    progress: Any = None,
) -> list[Path]:
    """Case files of a network's top targets, and an index page per language."""  # fmt: skip
    built = build_network_cases(store, network, top, progress)
    return write_built_network(network, built, out, langs=langs, fmt=fmt)


def write_built_network(
    network: str,
    built: list[tuple[dict[str, Any], CaseFile]],
    out: Path,
    *,
    langs: tuple[str, ...] = ("en", "es"),
    fmt: str = "html",
) -> list[Path]:
    """Write assembled network case files and an index page per language (listing those)."""
    from eslabon.report.render_html import render_index

    folder = out / _safe(network)
    entries = []
    written: list[Path] = []
    for t, case in built:
        files = []
        for lang in langs:
            name = f"{t['rank']:02d}-{_safe(case.entity_id)}.{lang}.{fmt}"
            written.append(_write(folder / name, render(case, lang, fmt)))
            files.append((lang, name))
        entries.append(
            {"rank": str(t["rank"]), "name": t["name"] or case.caption, "role": t["role"],
             "score": f"{t['score']:.3f}", "files": files}
        )  # fmt: skip
    for lang in langs:
        index = folder / ("index.html" if lang == langs[0] else f"index.{lang}.html")
        written.append(_write(index, render_index(network, entries, lang).encode("utf-8")))
    return written
