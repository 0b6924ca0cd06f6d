"""Train and apply the person model with Splink on the store's own DuckDB connection.

Splink reads the input table we build in SQL and writes its intermediate tables into the same
connection; they are deleted before we return so the store holds only our tables. Training is
unsupervised and seeded: u by random sampling, m by EM over several blocking rules, the prior
from deterministic rules. The trained settings (a JSON dict) are what we store and hash.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd

from eslabon.errors import EslabonError
from eslabon.normalize.names import canonical_given
from eslabon.resolve import person_model
from eslabon.store.connection import Store

INPUT_TABLE = "_person_input"
NEW_TABLE = "_person_new"
OLD_TABLE = "_person_old"


def model_hash(settings: dict[str, Any]) -> str:
    """sha256 of the settings, canonical JSON (the linker uid is left out: it is random)."""
    clean = {k: v for k, v in settings.items() if k != "linker_uid"}
    return hashlib.sha256(json.dumps(clean, sort_keys=True).encode()).hexdigest()


def build_input(store: Store, table: str = INPUT_TABLE, where: str = "") -> int:
    """Materialise the person input table (``where`` filters on ``m.`` columns); its row count.

    Two steps: the fields of each mention, then its name keys, which need the formal names
    behind nickname tokens (``normalize.names.canonical_given``, looked up once per distinct
    token)."""
    extra = f"AND ({where})" if where else ""
    base = f"{table}_base"
    store.execute(person_model.NAME_CODE_MACRO)
    store.execute(f"CREATE OR REPLACE TEMP TABLE {base} AS {person_model.person_input_sql(extra)}")
    tokens = store.query(
        f"""SELECT DISTINCT unnest(string_split(concat_ws(' ', given, paternal, maternal), ' '))
            FROM {base}"""
    )
    variants = [
        (token, formal)
        for (token,) in tokens
        if token
        for formal in canonical_given(token)
        if formal != token
    ]
    store.execute("CREATE OR REPLACE TEMP TABLE _given_variants (nick VARCHAR, formal VARCHAR)")
    if variants:
        frame = pd.DataFrame(variants, columns=["nick", "formal"])
        store.connection.register("_variants_frame", frame)
        store.execute("INSERT INTO _given_variants SELECT * FROM _variants_frame")
        store.connection.unregister("_variants_frame")
    store.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS "
        f"{person_model.name_keys_sql(base, '_given_variants')}"
    )
    store.execute(f"DROP TABLE {base}")
    store.execute("DROP TABLE _given_variants")
    for column in person_model.BLOCKING_KEYS:
        for sql in person_model.cap_keys_sql(table, column):
            store.execute(sql)
    return int(store.query_one(f"SELECT count(*) FROM {table}")[0])


SCRATCH = "eslabon_scratch"


@contextmanager
def splink_api(store: Store) -> Iterator[Any]:
    """A Splink DuckDBAPI on the store's connection whose own tables live in an attached
    in-memory catalog: an interrupted run leaves nothing behind in the workspace file.

    Splink switches the connection's default schema; we switch it back afterwards.
    """
    from splink import DuckDBAPI

    logging.getLogger("splink").setLevel(logging.ERROR)
    catalog = store.query_one("SELECT current_database()")[0]
    store.execute(f"ATTACH IF NOT EXISTS ':memory:' AS {SCRATCH}")
    try:
        yield DuckDBAPI(store.connection, output_schema=f"{SCRATCH}.main")
    finally:
        store.execute(f'USE "{catalog}"')
        store.execute(f"DETACH DATABASE IF EXISTS {SCRATCH}")


@contextmanager
def _linker(store: Store, settings: dict[str, Any], table: str) -> Iterator[Any]:
    """A Splink linker over ``table`` in the store; Splink's own tables are dropped afterwards."""
    from splink import Linker

    with splink_api(store) as db_api:
        df = db_api.register(table)
        yield Linker(df, settings, log_level=None)


DISTINCT_TABLE = "_person_distinct"

# One row per apparent person-record: mentions sharing a CURP, else an A-Number, else the same
# name and birth date are collapsed. Sources repeat their actors (one money collector in 250
# transfer rows): sampled "random" pairs would then often be true matches, inflating u (a shared
# CURP looked 0.4% likely between strangers) and making the repeated actor's own names look
# common. u and term frequencies are estimated on people, not on rows.
DISTINCT_SQL = """
CREATE OR REPLACE TEMP TABLE {out} AS SELECT * FROM {table}
QUALIFY row_number() OVER (
    PARTITION BY coalesce('C' || curp, 'A' || a_number, concat_ws('|', 'N', given_canonical,
        paternal, maternal, CAST(birth_date AS VARCHAR)))
    ORDER BY unique_id) = 1
"""


def build_distinct(store: Store, table: str = INPUT_TABLE) -> None:
    """Materialise ``DISTINCT_TABLE`` from ``table`` (see ``DISTINCT_SQL``)."""
    store.execute(DISTINCT_SQL.format(out=DISTINCT_TABLE, table=table))


def _register_tf(linker: Any, db_api: Any, store: Store, settings: dict[str, Any]) -> None:
    """Term frequencies of the model's tf columns, counted over ``DISTINCT_TABLE``."""
    for col in _tf_columns(settings):
        name = f"_tf_{col}"
        store.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {col}, "
            f"count(*) / sum(count(*)) OVER () AS tf_{col} FROM {DISTINCT_TABLE} "
            f"WHERE {col} IS NOT NULL GROUP BY 1"
        )
        linker.table_management.register_term_frequency_lookup(db_api.register(name), col)


T = TypeVar("T")

# Splink: EM needs "at least a few hundred" comparisons. A block with fewer pairs (a small
# workspace) is not trained on: EM on a handful of pairs drives the match probability to 0 or 1.
MIN_EM_PAIRS = 200


@dataclass
class Trained:
    """A trained person model, and what its data was too small to train (a small workspace):
    a skipped estimate leaves its parameters at their starting values."""

    settings: dict[str, Any]
    untrained: list[str] = field(default_factory=list)


def train(
    store: Store, *, seed: int = 7, max_pairs_u: float = 2e6, table: str = INPUT_TABLE
) -> Trained:
    """Unsupervised training: the trained settings, and what the data could not train.

    The prior comes from deterministic rules and m from EM over ``TRAINING_BLOCKS``, both on
    every mention; u by seeded random sampling of ``DISTINCT_TABLE`` (see ``DISTINCT_SQL``),
    cleared of the matches the sample holds (``deconvolve_u``).

    EM drives the m of a level to 0 when every pair its blocks show at that level is a certain
    non-match (two different nationalities, in a small world). Splink 5 refuses such an m, so
    that level's m is fixed at ``M_FLOOR`` — the value ``floor_m`` would give it anyway — and
    training starts again; the fixed level stays marked in the model (``fix_m_probability``).

    A small workspace cannot train everything: with no pair meeting a deterministic rule the
    prior stays Splink's default, and an EM session is skipped when its block holds fewer than
    ``MIN_EM_PAIRS`` pairs, or when all of them agree (all matches or none, so EM has nothing to
    contrast). Each skip is reported in ``Trained.untrained``, never silent.
    """
    build_distinct(store, table)
    try:
        trained, untrained = fit_fixing_zeroed_m(
            person_model.settings(),
            lambda s: _train_once(store, s, seed=seed, max_pairs_u=max_pairs_u, table=table),
        )
    except ValueError as err:  # Splink refuses a probability EM drove to 0 or 1
        raise EslabonError(
            f"the person model could not be trained on this data: {err}",
            file=str(store.path),
            hint="please report it with `eslabon status --json`",
        ) from None
    trained.pop("linker_uid", None)
    return Trained(floor_m(deconvolve_u(trained)), untrained)


def fit_fixing_zeroed_m(settings: dict[str, Any], attempt: Callable[[dict[str, Any]], T]) -> T:
    """``attempt(settings)``, again with the level fixed each time Splink refuses an m EM drove
    to 0 (``fix_level_m``); the levels fixed are read back with ``fixed_in_training``.
    Re-raises when the level cannot be named or is fixed already."""
    while True:
        try:
            return attempt(copy.deepcopy(settings))
        except ValueError as err:
            level = zeroed_level(err)
            if level is None or not fix_level_m(settings, *level):
                raise


def _train_once(
    store: Store,
    settings: dict[str, Any],
    *,
    seed: int,
    max_pairs_u: float,
    table: str,
) -> tuple[dict[str, Any], list[str]]:
    """One training pass: the trained settings, and what it could not train, and why."""
    from splink import Linker

    with splink_api(store) as db_api:
        people = Linker(db_api.register(DISTINCT_TABLE), settings, log_level=None)
        people.training.estimate_u_using_random_sampling(max_pairs=max_pairs_u, seed=seed)
        with_u = people.misc.save_model_to_json()
        linker = Linker(db_api.register(table), with_u, log_level=None)
        skipped: list[str] = []
        if any(block_pairs(store, rule, table, cap=1) for rule in person_model.DETERMINISTIC_RULES):
            linker.training.estimate_probability_two_random_records_match(
                person_model.DETERMINISTIC_RULES, recall=0.8
            )
        else:
            skipped.append("the prior (no two records meet a deterministic rule)")
        for rule in person_model.TRAINING_BLOCKS:
            pairs = block_pairs(store, rule, table, cap=MIN_EM_PAIRS)
            if pairs < MIN_EM_PAIRS:
                skipped.append(f"EM on `{rule}` (only {pairs} pairs)")
                continue
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule, estimate_without_term_frequencies=True
                )
            except ValueError as err:
                if zeroed_level(err) is not None:
                    raise  # a level EM drove to 0: fit_fixing_zeroed_m fixes it and retries
                # every pair of the block a match, or none: EM has no contrast to learn from
                skipped.append(f"EM on `{rule}` (its pairs all agree: nothing to contrast)")
        return linker.misc.save_model_to_json(), skipped


def block_pairs(store: Store, rule: str, table: str = INPUT_TABLE, *, cap: int) -> int:
    """Record pairs a blocking rule (Splink's ``l.``/``r.`` SQL) brings together in ``table``,
    counted up to ``cap`` (enough to decide, and cheap on a large workspace)."""
    sql = (
        f"SELECT count(*) FROM (SELECT 1 FROM {table} l JOIN {table} r "
        f"ON l.unique_id < r.unique_id AND ({rule}) LIMIT {int(cap)})"
    )
    return int(store.query_one(sql)[0])


def fixed_in_training(settings: dict[str, Any]) -> list[str]:
    """Levels whose m training fixed because EM drove it to 0 (``fit_fixing_zeroed_m``): fixed
    in ``settings`` but not in the untrained model."""

    def fixed(s: dict[str, Any]) -> set[tuple[str, str]]:
        return {
            (c["output_column_name"], lv.get("label_for_charts", ""))
            for c in s["comparisons"]
            for lv in c["comparison_levels"]
            if lv.get("fix_m_probability")
        }

    return [": ".join(x) for x in sorted(fixed(settings) - fixed(person_model.settings()))]


def zeroed_level(err: BaseException) -> tuple[str, str] | None:
    """(comparison, level label) whose m Splink refused, read from its maximisation step.

    Splink's error names the value, not the level; the level is a local of the frame that set
    it (``populate_m_u_from_lookup``). None for any other error, or if Splink's internals
    change: training then fails with the error as it was.
    """
    if "m_probability" not in str(err):
        return None
    tb = err.__traceback__
    found = None
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name == "populate_m_u_from_lookup":
            level = frame.f_locals.get("comparison_level")
            column = frame.f_locals.get("output_column_name")
            label = getattr(level, "label_for_charts", None)
            if isinstance(column, str) and isinstance(label, str):
                found = (column, label)
        tb = tb.tb_next
    return found


def fix_level_m(settings: dict[str, Any], column: str, label: str) -> bool:
    """Fix the m of one level of ``settings`` at ``M_FLOOR``; False if there is no such trained
    level (then fixing cannot help)."""
    for comparison in settings["comparisons"]:
        if comparison["output_column_name"] != column:
            continue
        for level in comparison["comparison_levels"]:
            if level.get("label_for_charts") == label and not level.get("fix_m_probability"):
                level["m_probability"] = M_FLOOR
                level["fix_m_probability"] = True
                return True
    return False


U_MAX_SHRINK = 100.0


def deconvolve_u(settings: dict[str, Any], max_shrink: float = U_MAX_SHRINK) -> dict[str, Any]:
    """Remove the true matches from u estimated by random sampling.

    Random pairs include matches at the rate λ (the prior), so what sampling measures is
    ``λ·m + (1 − λ)·u``. For a level that strangers almost never reach (a shared document
    number, the same house) that contamination *is* most of the measured u: FEBRL4's shared
    SSID looked 8e-5 likely between strangers, nearly all of it its own duplicates, which
    halved the weight of the strongest evidence. Solved for u with the trained λ and m;
    a level's u is never divided by more than ``max_shrink`` (sampling noise), and each
    comparison's u is renormalised.
    """
    lam = float(settings.get("probability_two_random_records_match") or 0.0)
    if not 0.0 < lam < 1.0:
        return settings
    for comparison in settings["comparisons"]:
        levels = [
            lv
            for lv in comparison["comparison_levels"]
            if not lv.get("is_null_level")
            and lv.get("m_probability") is not None
            and lv.get("u_probability") is not None
        ]
        if not levels:
            continue
        for lv in levels:
            u, m = float(lv["u_probability"]), float(lv["m_probability"])
            lv["u_probability"] = max((u - lam * m) / (1.0 - lam), u / max_shrink)
        total = sum(lv["u_probability"] for lv in levels)
        for lv in levels:
            lv["u_probability"] /= total
    return settings


M_FLOOR = 1e-3


def floor_m(settings: dict[str, Any], floor: float = M_FLOOR) -> dict[str, Any]:
    """Raise every trained m below ``floor`` to it, renormalising each comparison.

    EM drives m to 0 for levels its blocks never show among matches (a sex or nationality
    disagreement, a second address): the weight becomes a veto of -100 bits, so one keying
    slip or a move splits a person. Data errors are rare, not impossible; hard contradictions
    (two valid CURPs) are the clustering guard's job, not a weight's.

    A level whose m is fixed (``fix_m_probability``) keeps it; the trained levels share the rest.
    """
    for comparison in settings["comparisons"]:
        levels = [
            lv
            for lv in comparison["comparison_levels"]
            if not lv.get("is_null_level") and lv.get("m_probability") is not None
        ]
        trained = [lv for lv in levels if not lv.get("fix_m_probability")]
        if not trained:
            continue
        for lv in trained:
            lv["m_probability"] = max(float(lv["m_probability"]), floor)
        left = 1.0 - sum(float(lv["m_probability"]) for lv in levels if lv.get("fix_m_probability"))
        total = sum(lv["m_probability"] for lv in trained)
        for lv in trained:
            lv["m_probability"] *= left / total
    return settings


def _tf_columns(settings: dict[str, Any]) -> list[str]:
    cols = []
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            col = level.get("tf_adjustment_column")
            if col and col not in cols:
                cols.append(col)
    return cols


# Scored pairs' explanations (``explanation_select``) wait here, in the connection's temp catalog,
# until the run's write transaction stores those of the kept edges in ``match_explanations``.
EXPLAIN_TABLE = "_person_explanations"


def explaining(settings: dict[str, Any]) -> dict[str, Any]:
    """``settings`` with the comparison detail kept in predictions: the gamma (level) of every
    comparison, the compared values, and the match-weight parts (``mw_``, ``mw_tf_adj_``)."""
    return dict(settings) | {
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
    }


def explanation_select(settings: dict[str, Any], table: str, columns: set[str]) -> str:
    """SQL turning Splink's scored pairs in ``table`` into ``match_explanations`` rows.

    Pairs are ordered (mention_l < mention_r, as in ``match_edges``), values swapped with them.
    Per comparison, in settings order: its gamma, its term-frequency weight (log2; 0 for
    comparisons without one) and the compared values (the column named like the comparison, if
    the model reads one). Level weights are not stored: ``linkage_models`` holds m and u."""
    names = [c["output_column_name"] for c in settings["comparisons"]]
    gammas = ", ".join(f"gamma_{c}" for c in names)
    tf = ", ".join(
        f"coalesce(mw_tf_adj_{c}, 0)" if f"mw_tf_adj_{c}" in columns else "0" for c in names
    )

    def values(side: str) -> str:
        return (
            "json_array("
            + ", ".join(f"{c}_{side}" if f"{c}_{side}" in columns else "NULL" for c in names)
            + ")"
        )

    swap = "unique_id_l > unique_id_r"
    return f"""
        SELECT least(unique_id_l, unique_id_r) AS mention_l,
               greatest(unique_id_l, unique_id_r) AS mention_r,
               CAST([{gammas}] AS TINYINT[]) AS gammas,
               CAST([{tf}] AS DOUBLE[]) AS tf_weights,
               CASE WHEN {swap} THEN {values("r")} ELSE {values("l")} END AS values_l,
               CASE WHEN {swap} THEN {values("l")} ELSE {values("r")} END AS values_r,
               match_weight, match_probability
        FROM {table}
        """


SCORED_TABLE = "_person_scored"


def _keep(store: Store, settings: dict[str, Any], scored: Any, *, append: bool) -> int:
    """Copy a Splink prediction's explanations into ``EXPLAIN_TABLE`` and its edges (ordered
    pairs, as in ``match_edges``) into ``SCORED_TABLE`` before its scratch catalog goes away;
    the number of pairs. Both stay in DuckDB, which spills them to disk at scale."""
    name = scored.physical_name
    cur = store.execute(f"SELECT * FROM {name} LIMIT 0")
    columns = {d[0] for d in cur.description}
    cur.fetchall()
    select = explanation_select(settings, name, columns)
    edges = f"""
        SELECT least(unique_id_l, unique_id_r) AS mention_l,
               greatest(unique_id_l, unique_id_r) AS mention_r,
               CAST(match_weight AS DOUBLE) AS match_weight,
               CAST(match_probability AS DOUBLE) AS match_probability
        FROM {name}
        """
    if append:
        store.execute(f"INSERT INTO {EXPLAIN_TABLE} {select}")
        store.execute(f"INSERT INTO {SCORED_TABLE} {edges}")
    else:
        store.execute(f"CREATE OR REPLACE TEMP TABLE {EXPLAIN_TABLE} AS {select}")
        store.execute(f"CREATE OR REPLACE TEMP TABLE {SCORED_TABLE} AS {edges}")
    return int(store.query_one(f"SELECT count(*) FROM {name}")[0])


# Mentions per Splink predict chunk. Splink gathers every candidate pair of a chunk in one
# hash aggregate (deduplicating pairs found by several blocking rules); over a million
# mentions in one chunk that outgrew DuckDB's memory limit instead of spilling. Chunks split
# the left side of the pairs by hash, so each pair is still found, and scored, exactly once.
CHUNK_MENTIONS = 200_000


def predict_chunks(mentions: int) -> int:
    """How many left-side chunks Splink's predict uses for ``mentions`` records."""
    return max(1, -(-mentions // CHUNK_MENTIONS))


def predict(
    store: Store, settings: dict[str, Any], *, floor: float = 0.01, table: str = INPUT_TABLE
) -> int:
    """Score the candidate pairs of ``table``: those with probability ≥ ``floor`` are left in
    ``SCORED_TABLE``, their explanations in ``EXPLAIN_TABLE``; returns how many."""
    from splink import Linker

    build_distinct(store, table)
    with splink_api(store) as db_api:
        linker = Linker(db_api.register(table), explaining(settings), log_level=None)
        _register_tf(linker, db_api, store, settings)
        chunks = predict_chunks(int(store.query_one(f"SELECT count(*) FROM {table}")[0]))
        store.execute("SET preserve_insertion_order = false")  # order of pairs is not used
        try:
            out = linker.inference.predict(
                threshold_match_probability=floor,
                warning_mode="never",
                num_chunks_left=chunks,
                num_chunks_right=1,
            )
            return _keep(store, settings, out, append=False)
        finally:
            store.execute("RESET preserve_insertion_order")


def predict_new(
    store: Store,
    settings: dict[str, Any],
    *,
    floor: float = 0.01,
    table: str = INPUT_TABLE,
    new_table: str = NEW_TABLE,
    old_table: str = OLD_TABLE,
) -> int:
    """Score the pairs touching new records only: new × new and new × existing (into
    ``SCORED_TABLE``, explanations in ``EXPLAIN_TABLE``); returns how many.

    Term frequencies come from the whole input table, so weights match a full run.
    """
    from splink import Linker

    build_distinct(store, table)
    with splink_api(store) as db_api:
        everything = db_api.register(table)
        new = db_api.register(new_table)
        old = db_api.register(old_table)
        linker = Linker(everything, explaining(settings), log_level=None)
        _register_tf(linker, db_api, store, settings)
        within = linker.inference.predict_within(
            new, threshold_match_probability=floor, warning_mode="never"
        )
        scored = _keep(store, settings, within, append=False)
        if int(store.query_one(f"SELECT count(*) FROM {old_table}")[0]):
            between = linker.inference.predict_between(
                new, old, threshold_match_probability=floor, warning_mode="never"
            )
            scored += _keep(store, settings, between, append=True)
    return scored


def score_pairs(
    store: Store,
    settings: dict[str, Any],
    left_ids: list[str],
    right_ids: list[str],
    table: str = INPUT_TABLE,
) -> pd.DataFrame:
    """Full comparison detail (gamma, Bayes factors, tf) for every left × right pair of mention
    ids. Term frequencies come from the whole input table."""
    from splink import Linker

    build_distinct(store, table)
    with splink_api(store) as db_api:
        everything = db_api.register(table)
        linker = Linker(everything, dict(settings), log_level=None)
        _register_tf(linker, db_api, store, settings)
        frame = linker.inference.score_pairs(
            _side(store, db_api, table, left_ids), _side(store, db_api, table, right_ids)
        ).as_pandas_dataframe()
    return frame


def _side(store: Store, db_api: Any, table: str, ids: list[str]) -> Any:
    rel = store.connection.execute(
        f"SELECT * FROM {table} WHERE list_contains(?, unique_id)", [ids]
    ).df()
    return db_api.register(rel)


def score_explanations(
    store: Store,
    settings: dict[str, Any],
    left_ids: list[str],
    right_ids: list[str],
    table: str = INPUT_TABLE,
) -> list[dict[str, Any]]:
    """Every left × right pair scored now, as ``match_explanations`` rows (plus match weight
    and probability): the fallback for pairs whose explanation was never stored."""
    from splink import Linker

    build_distinct(store, table)
    with splink_api(store) as db_api:
        linker = Linker(db_api.register(table), dict(settings), log_level=None)
        _register_tf(linker, db_api, store, settings)
        sides = []
        for name, ids in (("_explain_left", left_ids), ("_explain_right", right_ids)):
            # A table, not a pandas frame: dates keep their type (and their text).
            store.execute(
                f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {table} "
                "WHERE list_contains(?, unique_id)",
                [ids],
            )
            sides.append(db_api.register(name))
        out = linker.inference.score_pairs(*sides)
        cur = store.execute(f"SELECT * FROM {out.physical_name} LIMIT 0")
        columns = {d[0] for d in cur.description}
        cur.fetchall()
        rows = store.query_dicts(
            explanation_select(settings, out.physical_name, columns)
            + " WHERE unique_id_l <> unique_id_r"
        )
    store.execute("DROP TABLE IF EXISTS _explain_left")
    store.execute("DROP TABLE IF EXISTS _explain_right")
    return rows
