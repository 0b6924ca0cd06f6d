"""Per-clearance views: a DuckDB file holding only what one set of visible sources supports.

Derived facts inherit the restrictions of their inputs by construction (docs/access.md, "Views"):
a view copies the visible sources' rows, mentions, links, judgements and match edges, re-clusters
the stored edges between visible mentions with the stored model (no training, no scoring), and
re-runs the network stage on them. A merge that rests on a hidden record therefore does not exist
in the view at all. Entity ids are inherited from the main store (`resolve/ids.py` overlap rule).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from eslabon.access.labels import labels_by_source, visible
from eslabon.access.principal import Principal
from eslabon.errors import EslabonError
from eslabon.store.connection import LATEST_VERSION, Store, open_store, sql_string

# Bump when what a view holds changes: every existing view file then gets a new key.
VIEW_FORMAT = 1
VIEW_CATALOG = "eslabon_view"


@dataclass(frozen=True)
class Clearance:
    """What a principal may see of one main store, and the view that holds it."""

    source_ids: tuple[str, ...]  # visible current source versions, sorted
    everything: bool  # every current source is visible: read the main store itself
    key: str


def current_sources(main: Store) -> list[str]:
    return [r[0] for r in main.query(
        "SELECT source_id FROM sources WHERE superseded_by IS NULL ORDER BY source_id"
    )]  # fmt: skip


def visible_sources(main: Store, principal: Principal, today: date | None = None) -> list[str]:
    """The current (non-superseded) source versions ``principal`` may see, sorted."""
    labels = labels_by_source(main)
    return sorted(sid for sid, label in labels.items() if visible(label, principal, today))


def generation(main: Store) -> list[str]:
    """What changes whenever a stage rewrites the main store's derived tables."""
    row = main.query_one(
        """
        SELECT (SELECT CAST(max(loaded_at) AS VARCHAR) FROM sources),
               (SELECT arg_max(run_id, started_at) FROM resolution_runs),
               (SELECT CAST(max(finished_at) AS VARCHAR) FROM network_runs),
               (SELECT CAST(count(*) AS VARCHAR) FROM review_judgements),
               (SELECT CAST(max(at_time) AS VARCHAR) FROM review_judgements)
        """
    )
    return [str(v) for v in row]


def view_key(main: Store, source_ids: Iterable[str]) -> str:
    """Hash of the visible source versions (with their content hash and label) and of the main
    store's generation: a view is rebuilt when any of them changes."""
    ids = sorted(source_ids)
    rows = main.query(
        """
        SELECT s.source_id, s.sha256, CAST(l.label AS VARCHAR) FROM sources s
        LEFT JOIN source_labels l ON l.source = s.name
        WHERE list_contains(?, s.source_id) ORDER BY s.source_id
        """,
        [ids],
    )
    payload = {
        "format": VIEW_FORMAT,
        "schema": LATEST_VERSION,
        "sources": [list(r) for r in rows],
        "generation": generation(main),
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def views_dir(main_path: Path | str) -> Path:
    main_path = Path(main_path)
    return main_path.with_name(main_path.name + ".views")


def view_path(main_path: Path | str, key: str) -> Path:
    """``<main_path>.views/<key>.duckdb``."""
    return views_dir(main_path) / f"{key}.duckdb"


def clearance(main: Store, principal: Principal, today: date | None = None) -> Clearance:
    ids = visible_sources(main, principal, today)
    everything = principal.can("read") and set(ids) == set(current_sources(main))
    return Clearance(tuple(ids), everything, view_key(main, ids))


# --------------------------------------------------------------------------- building

# Tables copied row for row, restricted to the visible sources.
_BY_SOURCE = ("sources", "source_rows", "mentions", "row_flags", "quarantine")


def _copy_sql(v: str, *, keep_entities: bool = False) -> list[str]:
    """The copy statements, main → attached view ``v`` (temp tables _vs, _vm hold the visible
    source ids and mention ids).

    ``keep_entities`` (a fast build: temp table _reached holds the main entities it re-clusters)
    copies every other entity row whole — all its mentions are visible, so are its names and
    identifiers. A re-clustered entity's names never reach the file, not even as rows deleted
    later (their bytes could stay in the file's blocks).
    """
    if keep_entities:
        kept = "entity_id NOT IN (SELECT entity_id FROM _reached)"
        entity_values = ", ".join(
            [f"CASE WHEN {kept} THEN {c} END" for c in ("caption", "names", "identifiers")]
            + [f"CASE WHEN {kept} THEN mention_count ELSE 0 END"]
        )
    else:
        entity_values = "NULL, NULL, NULL, 0"
    both = "mention_l IN (SELECT id FROM _vm) AND mention_r IN (SELECT id FROM _vm)"
    stmts = [
        f"INSERT INTO {v}.{t} SELECT * FROM {t} WHERE source_id IN (SELECT id FROM _vs)"
        for t in _BY_SOURCE
    ]
    stmts += [
        # a link needs every mention it joins (they are of its own row, but say so)
        f"""INSERT INTO {v}.links SELECT * FROM links
            WHERE source_id IN (SELECT id FROM _vs) AND subject_id IN (SELECT id FROM _vm)
              AND (object_id IS NULL OR object_id IN (SELECT id FROM _vm))""",
        f"""INSERT INTO {v}.source_labels SELECT * FROM source_labels
            WHERE source IN (SELECT name FROM sources WHERE source_id IN (SELECT id FROM _vs))""",
        # the model is aggregate statistics over all data, reused by every view (docs/access.md)
        f"INSERT INTO {v}.linkage_models SELECT * FROM linkage_models",
        f"INSERT INTO {v}.match_edges SELECT * FROM match_edges WHERE {both}",
        f"INSERT INTO {v}.match_explanations SELECT * FROM match_explanations WHERE {both}",
        f"INSERT INTO {v}.review_judgements SELECT * FROM review_judgements WHERE {both}",
        f"""INSERT INTO {v}.entity_mentions SELECT * FROM entity_mentions
            WHERE mention_id IN (SELECT id FROM _vm)""",
        # the ids and first runs (and the rows a fast build keeps): names and identifiers of
        # re-clustered entities are recomputed from visible mentions
        f"""INSERT INTO {v}.entities (entity_id, kind, caption, names, identifiers, mention_count,
                                     first_run, last_run)
            SELECT entity_id, kind, {entity_values}, first_run, last_run FROM entities
            WHERE entity_id IN (SELECT entity_id FROM entity_mentions
                                WHERE mention_id IN (SELECT id FROM _vm))""",
        # Every other id the main store uses or retired may not be minted in the view for a
        # different cluster (two clearances naming two actors with one id). These placeholder rows
        # feed resolve's `taken` set and are deleted with the rest of the history afterwards.
        f"""INSERT INTO {v}.entity_history (old_id, new_id, event, run_id, at_time)
            SELECT DISTINCT id, NULL, 'dropped', 'view', now()::TIMESTAMP FROM (
                SELECT entity_id AS id FROM entities UNION SELECT old_id FROM entity_history)
            WHERE id NOT IN (SELECT entity_id FROM {v}.entities)""",
    ]
    return stmts


@dataclass
class BuildReport:
    target: Path
    sources: int
    mentions: int
    entities: int
    seconds: float
    resolved: bool
    analysed: bool
    reclustered: int | None = None  # mentions re-clustered by a fast build; None: a full one


# Ties between two main entities that may fall differently once a record is hidden: a strong
# Person edge (at the clustering threshold or above), a key edge, a judgement.
_CROSS_SQL = """
    SELECT DISTINCT a.entity_id, b.entity_id FROM match_edges e
    JOIN entity_mentions a ON a.mention_id = e.mention_l
    JOIN entity_mentions b ON b.mention_id = e.mention_r
    WHERE a.entity_id <> b.entity_id AND (e.kind <> 'Person' OR e.match_probability >= ?)
    UNION
    SELECT DISTINCT a.entity_id, b.entity_id FROM review_judgements j
    JOIN entity_mentions a ON a.mention_id = j.mention_l
    JOIN entity_mentions b ON b.mention_id = j.mention_r
    WHERE a.entity_id <> b.entity_id
"""

# Entities whose clustering may differ in the view: those holding a mention the view lacks
# (hidden, or of a superseded source), and those of a judgement made since the last resolve.
_SEEDS_SQL = """
    SELECT DISTINCT entity_id FROM entity_mentions WHERE mention_id NOT IN (SELECT id FROM _vm)
    UNION
    SELECT em.entity_id FROM review_judgements j
    JOIN entity_mentions em ON em.mention_id = j.mention_l OR em.mention_id = j.mention_r
    WHERE j.at_time >= (SELECT max(started_at) FROM resolution_runs)
"""


def _reclustered(main: Store, threshold: float) -> list[str] | None:
    """The visible mentions a view must re-cluster (temp table ``_vm`` holds the visible ones;
    temp table ``_reached`` is left holding the main entities they belong to), or None when only
    a full re-run gives the right answer (a visible mention the main store has not resolved
    yet: it must be scored).

    Clustering is local to a connected component (over strong Person edges, key groups and
    judgements), and the guards and key anchors look at the whole component. So every component
    that holds no hidden mention clusters in the view exactly as in the main store, and its
    entities are copied; the components that do are re-clustered whole, on their visible
    mentions. Main entities are connected inside, so components are found entity by entity.
    """
    unresolved = main.query_one(
        "SELECT count(*) FROM _vm WHERE id NOT IN (SELECT mention_id FROM entity_mentions)"
    )[0]
    if unresolved:
        return None
    ties: dict[str, list[str]] = {}
    for a, b in main.query(_CROSS_SQL, [threshold]):
        ties.setdefault(a, []).append(b)
        ties.setdefault(b, []).append(a)
    reached = {r[0] for r in main.query(_SEEDS_SQL)}
    frontier = list(reached)
    while frontier:
        for other in ties.get(frontier.pop(), ()):
            if other not in reached:
                reached.add(other)
                frontier.append(other)
    main.execute("CREATE OR REPLACE TEMP TABLE _reached (entity_id VARCHAR)")
    if reached:
        main.connection.register("_reached_frame", pd.DataFrame({"entity_id": sorted(reached)}))
        main.execute("INSERT INTO _reached SELECT entity_id FROM _reached_frame")
        main.connection.unregister("_reached_frame")
    rows = main.query(
        "SELECT mention_id FROM entity_mentions WHERE entity_id IN (SELECT entity_id FROM _reached) "
        "AND mention_id IN (SELECT id FROM _vm) ORDER BY 1"
    )
    return [r[0] for r in rows]


def build_view(
    main: Store, target: Path | str, source_ids: Iterable[str], *, full: bool = False
) -> BuildReport:
    """Write the view of ``source_ids`` to ``target`` (atomically: a temp file, then a rename).

    ``main`` must be open writable: a read-only DuckDB connection can only ATTACH read-only, and a
    second connection in this process cannot open the main file while ``main`` holds it — so the
    copy runs on ``main``'s own connection, attaching the new view file.

    By default only the components a hidden record touches are re-clustered (``_reclustered``);
    ``full`` re-clusters every visible mention, as the fast build must equal.
    """
    from eslabon.resolve.pipeline import DEFAULT_THRESHOLD, last_threshold, latest_model

    if main.read_only:
        raise EslabonError(
            "building a view needs the main workspace open for writing",
            file=str(main.path),
            hint="open the main store without read-only access (access.seam.open_for does)",
        )
    t0 = time.perf_counter()
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.stem}.{os.getpid()}.building.duckdb")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    ids = sorted(source_ids)
    resolved = bool(main.query_one("SELECT count(*) FROM resolution_runs")[0])
    analysed = bool(
        main.query_one("SELECT count(*) FROM network_runs WHERE finished_at IS NOT NULL")[0]
    )
    # The threshold the main store's entities were clustered at, for both kinds of build.
    model = latest_model(main)
    threshold = last_threshold(main)
    if threshold is None:
        threshold = DEFAULT_THRESHOLD if model is None else model[2]
    try:
        open_store(tmp).close()  # the schema, by the migrations
        con = main.connection
        con.execute("CREATE OR REPLACE TEMP TABLE _vs AS SELECT unnest(?::VARCHAR[]) AS id", [ids])
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _vm AS SELECT mention_id AS id FROM mentions "
            "WHERE source_id IN (SELECT id FROM _vs)"
        )
        try:
            reclustered = None if full or not resolved else _reclustered(main, threshold)
            con.execute(f"ATTACH {sql_string(str(tmp))} AS {VIEW_CATALOG}")
            try:
                with main.transaction():
                    for sql in _copy_sql(VIEW_CATALOG, keep_entities=reclustered is not None):
                        con.execute(sql)
            finally:
                con.execute(f"DETACH {VIEW_CATALOG}")
        finally:
            for table in ("_vs", "_vm", "_reached"):
                con.execute(f"DROP TABLE IF EXISTS {table}")
        with open_store(tmp) as view:
            _derive(
                view,
                resolved=resolved,
                analysed=analysed,
                threshold=threshold,
                reclustered=reclustered,
            )
            counts = view.query_one(
                "SELECT (SELECT count(*) FROM sources), (SELECT count(*) FROM mentions), "
                "(SELECT count(*) FROM entities)"
            )
            view.execute("CHECKPOINT")
        os.replace(tmp, target)
    except BaseException:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
        raise
    seconds = time.perf_counter() - t0
    n = None if reclustered is None else len(reclustered)
    return BuildReport(target, *counts, seconds, resolved, analysed, n)


def _derive(
    view: Store,
    *,
    resolved: bool,
    analysed: bool,
    threshold: float,
    reclustered: list[str] | None,
) -> None:
    """Re-run the derived stages on the view's data, as far as the main store has run them:
    resolution of every visible mention, or only of ``reclustered`` (the rest was copied)."""
    from eslabon.network.analyse import run_network
    from eslabon.resolve.pipeline import recluster_subset, run_resolve

    if resolved:
        # run_resolve trains only when no model is stored. With the main store's model copied and
        # every visible person mention already resolved there, it takes the incremental path:
        # no new mention to score, so it re-clusters the stored edges — no Splink at all.
        # (A mention ingested after the main store's last resolve would be scored with the
        # stored model, as the main store's next resolve will score it.)
        if (
            not view.query_one("SELECT count(*) FROM linkage_models")[0]
            and view.query_one("SELECT count(*) FROM mentions WHERE kind = 'Person'")[0]
        ):
            raise EslabonError(
                "the main store has person mentions but no linkage model",
                file=str(view.path),
                hint="run `eslabon resolve` on the main store",
            )
        if reclustered is None:
            run_resolve(view, threshold=threshold)
        else:
            recluster_subset(view, reclustered, threshold=threshold)
    # A clearance that sees nothing resolved (no visible source, or none with entities) gets an
    # empty view: its pages say so, rather than the network stage refusing to run.
    if analysed and view.query_one("SELECT count(*) FROM entities")[0]:
        run_network(view)
    # A 'split' row would reveal that hidden evidence joined two records; the placeholder rows
    # that kept main ids from being minted again go too.
    view.execute("DELETE FROM entity_history")


def ensure_view(
    main: Store, main_path: Path | str, principal: Principal, today: date | None = None
) -> Path:
    """The file ``principal`` reads: the main store when every current source is visible,
    else their view (built when missing; ``main`` must then be writable)."""
    principal.require("read")
    c = clearance(main, principal, today)
    if c.everything:
        return Path(main_path)
    target = view_path(main_path, c.key)
    if not target.exists():
        build_view(main, target, c.source_ids)
    return target


def prune_views(main_path: Path | str, keep: Iterable[str]) -> list[Path]:
    """Delete view files of ``main_path`` whose key is not in ``keep`` (no clearance uses them)."""
    keep = set(keep)
    removed = []
    folder = views_dir(main_path)
    if not folder.is_dir():
        return removed
    for f in sorted(folder.glob("*.duckdb")):
        if f.stem not in keep and not f.name.startswith("."):  # dot files: builds in progress
            with contextlib.suppress(FileNotFoundError):
                f.unlink()
                Path(str(f) + ".wal").unlink(missing_ok=True)
            removed.append(f)
    return removed


def list_views(main_path: Path | str) -> list[tuple[str, Path, int]]:
    """(key, path, size in bytes) of every view file of ``main_path``."""
    folder = views_dir(main_path)
    if not folder.is_dir():
        return []
    return [(f.stem, f, f.stat().st_size) for f in sorted(folder.glob("*.duckdb"))
            if not f.name.startswith(".")]  # fmt: skip
