"""`eslabon resolve`: mentions → scored edges → guarded clusters → entities with stable ids.

One run, one transaction. Per kind:
- Person: the Splink model (trained on first run or with ``full``; stored as JSON with its hash)
  scores candidate pairs. A later run without ``full`` scores only the *new* mentions against
  everything (new × new, new × existing) and re-clusters from the stored edges, which is cheap.
- other kinds: deterministic keys (``resolve.keys``).
Review judgements act as must-link / cannot-link constraints in clustering.
``recluster_subset`` re-clusters only some whole components from the stored edges (what a
per-clearance view needs when a hidden record touched them; ``access/views.py``).
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from eslabon.resolve import keys, memory, person_model, phone_alias, splink_engine
from eslabon.resolve.batches import cluster_store
from eslabon.resolve.ids import assign_ids
from eslabon.store.connection import Store

DEFAULT_THRESHOLD = 0.97
EDGE_FLOOR = 0.01
Progress = Callable[[str], None]


@dataclass
class RunReport:
    """What a run did, for the CLI and the bench."""

    run_id: str
    mode: str
    model_id: str | None = None
    mentions: dict[str, int] = field(default_factory=dict)
    new_mentions: int = 0
    candidate_pairs: int = 0
    entities: dict[str, int] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    alias_edges: int = 0  # nicknames joined to their number's one named user, or to each other
    fixed_m: list[str] = field(default_factory=list)  # levels EM drove to 0, fixed at the floor
    untrained: list[str] = field(default_factory=list)  # what a small workspace could not train

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _insert_frame(store: Store, table: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    store.connection.register("_frame", frame)
    try:
        cols = ", ".join(frame.columns)
        store.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _frame")
    finally:
        store.connection.unregister("_frame")


def latest_model(store: Store, kind: str = "Person") -> tuple[str, dict[str, Any], float] | None:
    """(model_id, settings, threshold) of the newest stored model of ``kind``."""
    row = store.query_one(
        "SELECT model_id, settings, threshold FROM linkage_models WHERE kind = ? "
        "ORDER BY trained_at DESC LIMIT 1",
        [kind],
    )
    if row is None:
        return None
    # Models stored before blocking on a shared phone alone named the `code_phone` key; its
    # place in the input table is `phone_keys` now (the rule it stood for is the same or wider).
    settings = json.loads(row[1].replace("code_phone", "phone_keys"))
    return row[0], settings, float(row[2])


def judgements(store: Store) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(must-link, cannot-link) pairs from each pair's latest non-`unsure` judgement."""
    rows = store.query(
        """
        SELECT mention_l, mention_r, arg_max(verdict, at_time) FROM review_judgements
        GROUP BY 1, 2
        """
    )
    must = [(a, b) for a, b, v in rows if v == "same"]
    cannot = [(a, b) for a, b, v in rows if v == "different"]
    return must, cannot


def _hard_values(store: Store, sql: str | None) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = defaultdict(dict)
    if sql:
        for mention, attr, value in store.query(sql):
            out[mention].setdefault(attr, []).append(value)
    return out


# An entity's row from its mentions. The caption is the name recorded most often (on a tie the
# fullest, then the first in order), and every list is sorted: the same clusters always give the
# same rows (DuckDB aggregates in parallel, so an unordered list or a bare mode() differs from run
# to run, and so would pages, case files and per-clearance view files).
_NAME = "coalesce(nullif(trim(m.props->>'name'), ''), m.caption)"
_IDENTIFIER_KEYS = ("curp", "a_number", "passport", "national_id", "number", "vin", "plate", "rfc")
_IDENTIFIERS = ",\n".join(
    f"{{'k': '{k}', 'v': list(DISTINCT (m.props->>'{k}') ORDER BY (m.props->>'{k}')) "
    f"FILTER (WHERE (m.props->>'{k}') IS NOT NULL)}}"
    for k in _IDENTIFIER_KEYS
)
ENTITY_ROWS_SQL = f"""
    INSERT INTO entities (entity_id, kind, caption, names, identifiers, mention_count,
                          first_run, last_run)
    SELECT em.entity_id, ?,
        mode({_NAME} ORDER BY length({_NAME}) DESC, {_NAME}),
        to_json(list(DISTINCT {_NAME} ORDER BY {_NAME}) FILTER (WHERE {_NAME} IS NOT NULL)),
        to_json(map_from_entries(list_filter([{_IDENTIFIERS}], lambda e: len(e.v) > 0))),
        count(*), NULL, ?
    FROM entity_mentions em JOIN mentions m ON m.mention_id = em.mention_id
    WHERE em.kind = ?/*written*/
    GROUP BY em.entity_id
"""

# Values two clusters must share one of to merge (the conflict guard): a valid CURP; a birth
# date, either reading of day/month (two people born on different days are two people — a
# record without a birth date bridges namesakes, and this keeps the bridge from gluing them).
PERSON_HARD_SQL = """
    SELECT unique_id, 'curp', curp FROM _person_input WHERE curp IS NOT NULL AND curp_valid
    UNION ALL
    SELECT unique_id, 'birth', CAST(unnest(birth_keys) AS VARCHAR) FROM _person_input
"""


def _write_kind(
    store: Store,
    kind: str,
    clusters: dict[str, list[str]],
    run_id: str,
    report: RunReport,
    subset: str | None = None,
) -> None:
    """Assign stable ids and replace the kind's entity_mentions, entities and history.

    With ``subset`` (a table of ``mention_id``s closed under the kind's clustering: whole
    components, see ``recluster_subset``) only those mentions' entities are replaced; every
    other entity keeps its id and row, exactly as a full rewrite would give them back.
    """
    only = f" AND mention_id IN (SELECT mention_id FROM {subset})" if subset else ""
    previous = dict(
        store.query(
            f"SELECT mention_id, entity_id FROM entity_mentions WHERE kind = ?{only}", [kind]
        )
    )
    taken = {r[0] for r in store.query("SELECT DISTINCT old_id FROM entity_history")}
    taken |= {r[0] for r in store.query("SELECT entity_id FROM entities WHERE kind <> ?", [kind])}
    old_ids = set(previous.values())
    if subset:
        # The untouched entities inherit their own ids in a full rewrite: never minted again.
        taken |= {
            r[0]
            for r in store.query("SELECT entity_id FROM entities WHERE kind = ?", [kind])
            if r[0] not in old_ids
        }
    ids, history = assign_ids(kind, clusters, previous, taken)
    rows = [(m, ids[key], kind) for key, members in clusters.items() for m in members]
    store.execute(f"DELETE FROM entity_mentions WHERE kind = ?{only}", [kind])
    _insert_frame(
        store, "entity_mentions", pd.DataFrame(rows, columns=["mention_id", "entity_id", "kind"])
    )
    # An id in use again is no longer retired.
    store.execute(
        "DELETE FROM entity_history WHERE event <> 'split' "
        "AND old_id IN (SELECT entity_id FROM entity_mentions)"
    )
    at = _now()
    if history:
        _insert_frame(
            store,
            "entity_history",
            pd.DataFrame(
                [(o, n, e, run_id, at) for o, n, e in history],
                columns=["old_id", "new_id", "event", "run_id", "at_time"],
            ),
        )
    first_run = dict(
        store.query("SELECT entity_id, first_run FROM entities WHERE kind = ?", [kind])
    )
    written = ""  # which entity rows are rewritten: the kind's, or the subset's old and new ids
    if subset:
        store.execute("CREATE OR REPLACE TEMP TABLE _written (entity_id VARCHAR)")
        _insert_frame(
            store,
            "_written",
            pd.DataFrame(sorted(old_ids | set(ids.values())), columns=["entity_id"]),
        )
        written = " AND entity_id IN (SELECT entity_id FROM _written)"
        first_run = {k: v for k, v in first_run.items() if k in old_ids}
    store.execute(f"DELETE FROM entities WHERE kind = ?{written}", [kind])
    store.execute(
        ENTITY_ROWS_SQL.replace("/*written*/", written.replace("entity_id", "em.entity_id", 1)),
        [kind, run_id, kind],
    )
    if first_run:
        frame = pd.DataFrame(list(first_run.items()), columns=["entity_id", "first_run"])
        store.connection.register("_first", frame)
        store.execute(
            "UPDATE entities SET first_run = f.first_run FROM _first f "
            "WHERE entities.entity_id = f.entity_id"
        )
        store.connection.unregister("_first")
    store.execute(
        "UPDATE entities SET first_run = ? WHERE first_run IS NULL AND kind = ?", [run_id, kind]
    )
    # Persons: aliases are name variants too.
    if kind == "Person":
        store.execute(
            f"""
            UPDATE entities SET names = to_json(list_sort(list_distinct(list_concat(
                CAST(from_json(entities.names, '["VARCHAR"]') AS VARCHAR[]), a.aliases))))
            FROM (
                SELECT em.entity_id, flatten(list(CAST(from_json((m.props->'aliases'), '["VARCHAR"]')
                       AS VARCHAR[]))) AS aliases
                FROM entity_mentions em JOIN mentions m ON m.mention_id = em.mention_id
                WHERE em.kind = 'Person' AND (m.props->'aliases') IS NOT NULL
                      {written.replace("entity_id", "em.entity_id", 1)}
                GROUP BY 1
            ) a WHERE entities.entity_id = a.entity_id
            """
        )
    if subset:
        store.execute("DROP TABLE IF EXISTS _written")
        report.entities[kind] = int(
            store.query_one("SELECT count(*) FROM entities WHERE kind = ?", [kind])[0]
        )
    else:
        report.entities[kind] = len(clusters)


def _resolve_keys(
    store: Store, kind: str, run_id: str, report: RunReport, subset: str | None = None
) -> None:
    """Key edges and clusters of the kind's ``_current_mentions`` (with ``subset``, they hold
    only the subset's mentions, and only its edges and entities are replaced)."""
    nodes_sql = f"SELECT mention_id FROM _current_mentions WHERE kind = '{kind}'"
    report.mentions[kind] = int(store.query_one(f"SELECT count(*) FROM ({nodes_sql})")[0])
    store.execute(f"CREATE OR REPLACE TEMP TABLE _key_edges AS {keys.key_edges_sql(kind)}")
    only = f" AND mention_l IN (SELECT mention_id FROM {subset})" if subset else ""
    store.execute(f"DELETE FROM match_edges WHERE kind = ?{only}", [kind])
    # One edge per pair, under its strongest key (a VIN before a plate), run after run.
    store.execute(
        f"""
        INSERT INTO match_edges (mention_l, mention_r, kind, method, match_weight,
                                 match_probability, run_id)
        SELECT DISTINCT ON (mention_l, mention_r)
            mention_l, mention_r, ?, 'key:' || key_name, NULL, 1.0, ?
        FROM _key_edges
        ORDER BY mention_l, mention_r, {keys.key_rank_sql(kind, "key_name")}
        """,
        [kind, run_id],
    )
    must, cannot = judgements(store)
    hard_sql = keys.hard_values_sql(kind)

    def attributes(batch: str) -> dict[str, Any]:
        if hard_sql is None:
            return {}
        return {
            "hard_values": _hard_values(
                store,
                f"SELECT * FROM ({hard_sql}) h WHERE h.mention_id IN "
                f"(SELECT mention_id FROM {batch})",
            )
        }

    clusters, refused = cluster_store(
        store,
        nodes_sql=nodes_sql,
        edges_sql="SELECT mention_l, mention_r, CAST(1.0 AS DOUBLE) AS p FROM _key_edges",
        threshold=1.0,
        must_link=must,
        cannot_link=cannot,
        fetch=attributes,
        min_support=0.0,
    )
    store.execute("DROP TABLE IF EXISTS _key_edges")
    for reason, n in refused.items():
        report.refused[f"{kind}:{reason}"] = n
    _write_kind(store, kind, clusters, run_id, report, subset)


def _store_person_edges(store: Store, run_id: str) -> None:
    """Move the pairs just scored (``splink_engine.SCORED_TABLE``) into ``match_edges``,
    replacing older edges of the same pairs; all in DuckDB (it spills at scale)."""
    table = splink_engine.SCORED_TABLE
    store.execute(
        "DELETE FROM match_edges WHERE (mention_l, mention_r) IN "
        f"(SELECT (mention_l, mention_r) FROM {table})"
    )
    store.execute(
        f"""
        INSERT INTO match_edges (mention_l, mention_r, kind, method, match_weight,
                                 match_probability, run_id)
        SELECT DISTINCT ON (mention_l, mention_r)
            mention_l, mention_r, 'Person', 'splink', match_weight, match_probability, ?
        FROM {table} ORDER BY mention_l, mention_r, match_probability DESC
        """,
        [run_id],
    )


def _store_explanations(store: Store, model_id: str, run_id: str) -> None:
    """Persist the comparison detail of the pairs just scored (``splink_engine.EXPLAIN_TABLE``),
    replacing any older explanation of the same pairs; one row per pair."""
    table = splink_engine.EXPLAIN_TABLE
    store.execute(
        "DELETE FROM match_explanations WHERE (mention_l, mention_r) IN "
        f"(SELECT (mention_l, mention_r) FROM {table})"
    )
    store.execute(
        f"""
        INSERT INTO match_explanations
            (mention_l, mention_r, model_id, gammas, tf_weights, values_l, values_r, run_id)
        SELECT DISTINCT ON (mention_l, mention_r)
            mention_l, mention_r, ?, gammas, tf_weights, values_l, values_r, ?
        FROM {table} ORDER BY mention_l, mention_r
        """,
        [model_id, run_id],
    )


@dataclass
class PersonPlan:
    """Scores computed outside the write transaction (Splink cannot run inside one)."""

    mode: str
    model_id: str | None = None
    settings: dict[str, Any] | None = None
    threshold: float = DEFAULT_THRESHOLD
    new_model: bool = False
    scored: int | None = None  # pairs left in ``splink_engine.SCORED_TABLE``; None: no scoring
    replace_all: bool = False
    mentions: int = 0
    new_mentions: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    untrained: list[str] = field(default_factory=list)


def _score_persons(
    store: Store, *, full: bool, seed: int, threshold: float | None, progress: Progress
) -> PersonPlan:
    """Train (if needed) and score candidate pairs: everything on a full run, only pairs
    touching new mentions on an incremental one."""
    t0 = time.perf_counter()
    progress("persons: building the input table")
    n = splink_engine.build_input(store)
    plan = PersonPlan(mode="full", mentions=n)
    if n == 0:
        return plan
    stored = latest_model(store)
    already = int(
        store.query_one(
            "SELECT count(*) FROM entity_mentions em "
            "JOIN _person_input p ON p.unique_id = em.mention_id",
        )[0]
    )
    plan.timings["person_input_s"] = time.perf_counter() - t0
    if not full and stored is not None and already > 0:
        plan.mode = "incremental"
        plan.model_id, plan.settings, plan.threshold = stored
        store.execute(
            "CREATE OR REPLACE TEMP TABLE _person_new AS SELECT * FROM _person_input "
            "WHERE unique_id NOT IN (SELECT mention_id FROM entity_mentions)"
        )
        store.execute(
            "CREATE OR REPLACE TEMP TABLE _person_old AS SELECT * FROM _person_input "
            "WHERE unique_id IN (SELECT mention_id FROM entity_mentions)"
        )
        plan.new_mentions = int(store.query_one("SELECT count(*) FROM _person_new")[0])
        t1 = time.perf_counter()
        if plan.new_mentions:
            progress(f"persons: scoring {plan.new_mentions} new mentions against the rest")
            plan.scored = splink_engine.predict_new(store, plan.settings, floor=EDGE_FLOOR)
        store.execute("DROP TABLE IF EXISTS _person_new")
        store.execute("DROP TABLE IF EXISTS _person_old")
        plan.timings["person_predict_s"] = time.perf_counter() - t1
    else:
        plan.new_mentions = n - already
        plan.replace_all = True
        if stored is None or full:
            progress("persons: training the linkage model (u by sampling, m by EM)")
            t1 = time.perf_counter()
            trained = splink_engine.train(store, seed=seed)
            plan.settings, plan.untrained = trained.settings, trained.untrained
            plan.model_id = splink_engine.model_hash(plan.settings)
            plan.new_model = True
            plan.threshold = DEFAULT_THRESHOLD
            plan.timings["person_train_s"] = time.perf_counter() - t1
        else:
            plan.model_id, plan.settings, plan.threshold = stored
        progress("persons: scoring candidate pairs")
        t1 = time.perf_counter()
        plan.scored = splink_engine.predict(store, plan.settings, floor=EDGE_FLOOR)
        plan.timings["person_predict_s"] = time.perf_counter() - t1
    if threshold is not None:
        plan.threshold = threshold
    return plan


def _write_persons(
    store: Store,
    plan: PersonPlan,
    run_id: str,
    report: RunReport,
    *,
    seed: int,
    progress: Progress,
) -> None:
    """Store the model and edges, cluster every current person mention, write entities."""
    report.mode = plan.mode
    report.mentions["Person"] = plan.mentions
    report.new_mentions = plan.new_mentions
    report.model_id = plan.model_id
    report.candidate_pairs = plan.scored or 0
    report.timings.update(plan.timings)
    if plan.mentions == 0:
        _write_kind(store, "Person", {}, run_id, report)
        return
    if plan.new_model:
        report.fixed_m = splink_engine.fixed_in_training(plan.settings)
        notes = "unsupervised: u by random sampling, m by EM"
        if report.fixed_m:
            notes += "; m fixed at the floor where EM drove it to 0: " + ", ".join(report.fixed_m)
        report.untrained = plan.untrained
        if report.untrained:
            notes += "; left at starting values, too few records: " + ", ".join(report.untrained)
        store.execute("DELETE FROM linkage_models WHERE model_id = ?", [plan.model_id])
        store.execute(
            "INSERT INTO linkage_models VALUES (?, 'Person', ?, ?, ?, ?, ?, ?)",
            [
                plan.model_id,
                json.dumps(plan.settings),
                plan.threshold,
                _now(),
                plan.mentions,
                seed,
                notes,
            ],
        )
    if plan.replace_all:
        store.execute("DELETE FROM match_edges WHERE kind = 'Person' AND method = 'splink'")
        store.execute("DELETE FROM match_explanations")
    if plan.scored is not None:
        _store_person_edges(store, run_id)
        assert plan.model_id is not None
        _store_explanations(store, plan.model_id, run_id)

    progress("persons: clustering")
    t1 = time.perf_counter()
    # Edges whose mentions left (superseded sources) no longer count.
    store.execute(
        "DELETE FROM match_edges WHERE kind = 'Person' AND (mention_l NOT IN "
        "(SELECT unique_id FROM _person_input) OR mention_r NOT IN "
        "(SELECT unique_id FROM _person_input))"
    )
    report.alias_edges = phone_alias.store_alias_edges(store, plan.threshold, run_id)
    # Explanations follow their edges (the table stays proportional to match_edges).
    store.execute(
        "DELETE FROM match_explanations x WHERE NOT EXISTS (SELECT 1 FROM match_edges e "
        "WHERE e.mention_l = x.mention_l AND e.mention_r = x.mention_r AND e.method = 'splink')"
    )
    _cluster_persons(store, plan.threshold, run_id, report)
    report.timings["person_cluster_s"] = time.perf_counter() - t1


def _cluster_persons(
    store: Store, threshold: float, run_id: str, report: RunReport, subset: str | None = None
) -> None:
    """Cluster the mentions of ``_person_input`` over the stored edges and write entities."""
    only = " AND mention_l IN (SELECT unique_id FROM _person_input)" if subset else ""
    must, cannot = judgements(store)

    def attributes(batch: str) -> dict[str, Any]:
        """The guards' view of the batch's mentions: hard values, document numbers, names."""
        within = f"IN (SELECT mention_id FROM {batch})"
        shared = person_model.SHARED_IDS_SQL.format(table="_person_input")
        return {
            "hard_values": _hard_values(
                store, f"SELECT * FROM ({PERSON_HARD_SQL}) h WHERE h.unique_id {within}"
            ),
            "shared_ids": dict(
                store.query(f"SELECT * FROM ({shared}) s WHERE s.unique_id {within}")
            ),
            "names": {
                m: (g, every)
                for m, g, every in store.query(
                    "SELECT unique_id, given_keys, name_keys FROM _person_input "
                    f"WHERE len(given_keys) > 0 AND unique_id {within}"
                )
            },
        }

    clusters, refused = cluster_store(
        store,
        nodes_sql="SELECT unique_id FROM _person_input",
        edges_sql="SELECT mention_l, mention_r, match_probability AS p FROM match_edges "
        f"WHERE kind = 'Person'{only}",
        threshold=threshold,
        must_link=must,
        cannot_link=cannot,
        fetch=attributes,
        soft_attrs=("birth",),
    )
    for reason, count in refused.items():
        report.refused[f"Person:{reason}"] = count
    _write_kind(store, "Person", clusters, run_id, report, subset)


def _record_run(
    store: Store,
    report: RunReport,
    started: datetime,
    *,
    mentions: int,
    new_mentions: int,
    pairs: int,
    edges: int,
    entities: int,
    threshold: float | None,
    reclustered: int | None = None,
) -> None:
    """One row of ``resolution_runs``: what the run saw, wrote and refused, and its threshold."""
    stats: dict[str, Any] = {
        "refused": report.refused,
        "timings": report.timings,
        "threshold": threshold,
    }
    if reclustered is not None:
        stats["reclustered"] = reclustered
    store.execute(
        "INSERT INTO resolution_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [report.run_id, report.mode, started, _now(), report.model_id, mentions, new_mentions,
         pairs, edges, entities, json.dumps(stats)],
    )  # fmt: skip


def _resolve_other_kinds(
    store: Store,
    kinds: list[str],
    run_id: str,
    report: RunReport,
    progress: Progress,
    subset: str | None = None,
) -> None:
    """Every kind but Person: deterministic keys where the kind has them, else one entity per
    mention (only the mentions of ``subset``, when given)."""
    for kind in kinds:
        if kind == "Person":
            continue
        progress(f"{kind}: deterministic keys")
        if kind in keys.KEYS:
            _resolve_keys(store, kind, run_id, report, subset)
        else:
            nodes = [
                r[0]
                for r in store.query(
                    "SELECT mention_id FROM _current_mentions WHERE kind = ?", [kind]
                )
            ]
            report.mentions[kind] = len(nodes)
            _write_kind(store, kind, {n: [n] for n in nodes}, run_id, report, subset)


def run_resolve(
    store: Store,
    *,
    full: bool = False,
    seed: int = 7,
    threshold: float | None = None,
    progress: Progress | None = None,
) -> RunReport:
    """Resolve every entity kind; one transaction; returns what happened."""
    with memory.bounded(store):
        return _run_resolve(
            store, full=full, seed=seed, threshold=threshold, progress=progress or (lambda _m: None)
        )


def _run_resolve(
    store: Store, *, full: bool, seed: int, threshold: float | None, progress: Progress
) -> RunReport:
    started = _now()
    run_id = f"run-{started:%Y%m%dT%H%M%S%f}"
    report = RunReport(run_id=run_id, mode="full" if full else "incremental")
    t0 = time.perf_counter()
    store.execute(
        "CREATE OR REPLACE TEMP TABLE _current_mentions AS SELECT m.* FROM mentions m "
        "JOIN sources s ON s.source_id = m.source_id WHERE s.superseded_by IS NULL"
    )
    plan = _score_persons(store, full=full, seed=seed, threshold=threshold, progress=progress)
    with store.transaction():
        kinds = [r[0] for r in store.query("SELECT DISTINCT kind FROM _current_mentions")]
        kinds += [
            r[0]
            for r in store.query("SELECT DISTINCT kind FROM entity_mentions")
            if r[0] not in kinds
        ]
        _resolve_other_kinds(store, sorted(kinds), run_id, report, progress)
        _write_persons(store, plan, run_id, report, seed=seed, progress=progress)
        report.timings["total_s"] = time.perf_counter() - t0
        _record_run(
            store,
            report,
            started,
            mentions=sum(report.mentions.values()),
            new_mentions=report.new_mentions,
            pairs=report.candidate_pairs,
            edges=int(store.query_one("SELECT count(*) FROM match_edges")[0]),
            entities=sum(report.entities.values()),
            threshold=plan.threshold,
        )
    store.execute("DROP TABLE IF EXISTS _current_mentions")
    store.execute("DROP TABLE IF EXISTS _person_input")
    store.execute(f"DROP TABLE IF EXISTS {splink_engine.EXPLAIN_TABLE}")
    store.execute(f"DROP TABLE IF EXISTS {splink_engine.SCORED_TABLE}")
    return report


def last_threshold(store: Store) -> float | None:
    """The person threshold the latest run clustered at (None: no run, or a run from before
    runs recorded it — it then was the stored model's)."""
    row = store.query_one(
        "SELECT CAST(stats->>'threshold' AS DOUBLE) FROM resolution_runs "
        "ORDER BY started_at DESC LIMIT 1"
    )
    return None if row is None or row[0] is None else float(row[0])


def recluster_subset(
    store: Store,
    mentions: Iterable[str],
    *,
    threshold: float | None = None,
    progress: Progress | None = None,
) -> RunReport:
    """Re-cluster only ``mentions`` from the stored edges and model; keep every other entity.

    What ``run_resolve`` does when no mention is new (no training, no scoring), restricted to a
    part of the store: a per-clearance view re-clusters just the components a hidden record
    touched (docs/access.md, "Views"). The result equals a full re-cluster only when
    ``mentions`` is a union of whole components — over Person edges at ``threshold`` or above,
    key groups of the other kinds, and judgements — and every other entity is what clustering
    its component gives: the guards and key anchors look at whole components. Every mention
    must already belong to an entity (it was resolved before). One transaction.
    """
    progress = progress or (lambda _msg: None)
    started = _now()
    run_id = f"run-{started:%Y%m%dT%H%M%S%f}"
    report = RunReport(run_id=run_id, mode="incremental")
    t0 = time.perf_counter()
    stored = latest_model(store)
    report.model_id = None if stored is None else stored[0]
    if threshold is None:
        threshold = DEFAULT_THRESHOLD if stored is None else stored[2]
    subset = "_recluster"
    store.execute(f"CREATE OR REPLACE TEMP TABLE {subset} (mention_id VARCHAR)")
    _insert_frame(store, subset, pd.DataFrame(sorted(set(mentions)), columns=["mention_id"]))
    store.execute(
        "CREATE OR REPLACE TEMP TABLE _current_mentions AS SELECT m.* FROM mentions m "
        "JOIN sources s ON s.source_id = m.source_id WHERE s.superseded_by IS NULL "
        f"AND m.mention_id IN (SELECT mention_id FROM {subset})"
    )
    kinds = sorted(r[0] for r in store.query("SELECT DISTINCT kind FROM _current_mentions"))
    if "Person" in kinds:
        progress("persons: building the input table")
        splink_engine.build_input(store, where=f"m.mention_id IN (SELECT mention_id FROM {subset})")
        report.timings["person_input_s"] = time.perf_counter() - t0
    with store.transaction():
        _resolve_other_kinds(store, kinds, run_id, report, progress, subset)
        if "Person" in kinds:
            progress("persons: clustering")
            t1 = time.perf_counter()
            report.mentions["Person"] = int(
                store.query_one("SELECT count(*) FROM _person_input")[0]
            )
            _cluster_persons(store, threshold, run_id, report, subset)
            report.timings["person_cluster_s"] = time.perf_counter() - t1
        # As a full rewrite leaves them: every entity and key edge written by this run.
        store.execute("UPDATE entities SET last_run = ?", [run_id])
        store.execute("UPDATE match_edges SET run_id = ? WHERE method LIKE 'key:%'", [run_id])
        report.timings["total_s"] = time.perf_counter() - t0
        totals = store.query_one(
            "SELECT (SELECT count(*) FROM mentions m JOIN sources s USING (source_id) "
            "        WHERE s.superseded_by IS NULL), "
            "(SELECT count(*) FROM match_edges), (SELECT count(*) FROM entities)"
        )
        _record_run(
            store,
            report,
            started,
            mentions=int(totals[0]),
            new_mentions=0,
            pairs=0,
            edges=int(totals[1]),
            entities=int(totals[2]),
            threshold=threshold,
            reclustered=sum(report.mentions.values()),
        )
    for table in ("_current_mentions", "_person_input", subset):
        store.execute(f"DROP TABLE IF EXISTS {table}")
    return report
