"""Load sources into the store: every record is loaded or quarantined, and the counts add up.

All mappings are validated and all headers read before the first row is touched; the whole command
runs in one transaction, so a failure or a killed process leaves the store as it was.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pyarrow as pa

from eslabon.access.labels import Label, label_at_ingest, parse_label
from eslabon.access.principal import Principal
from eslabon.errors import EslabonError
from eslabon.ingest.ftm import default_mapping as default_ftm_mapping
from eslabon.ingest.mapping import Mapping, load_mapping
from eslabon.ingest.normalise import (
    RowNormaliser,
    clean,
    entity_columns,
    link_columns,
)
from eslabon.ingest.parallel import START_BYTES, Pool, json_text
from eslabon.ingest.readers import Batch, Reader, open_reader
from eslabon.store import Store
from eslabon.store.connection import sql_string

BATCH_ROWS = 20_000
ProgressFn = Callable[[str, int, int], None]  # (source, bytes_done, bytes_total)


@dataclass
class SourceReport:
    source: str
    source_id: str
    path: str
    status: str  # loaded | unchanged
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    mentions: int = 0
    links: int = 0


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def looks_like_ftm(path: Path) -> bool:
    """A FollowTheMoney entity stream: JSON lines whose first object has `id`, `schema`, `properties`."""
    try:
        with path.open(encoding="utf-8") as fh:
            first = next((line for line in fh if line.strip()), "")
        obj = orjson.loads(first)
    except (OSError, UnicodeDecodeError, orjson.JSONDecodeError):
        return False
    return isinstance(obj, dict) and {"id", "schema", "properties"} <= obj.keys()


def ftm_stream_mapping(path: Path) -> Mapping:
    """The shipped FtM mapping for ``path``, named after the file so two streams stay two sources."""
    mapping = load_mapping(default_ftm_mapping(), data_file=path)
    stem = path.name.split(".")[0] or "stream"
    return dataclasses.replace(mapping, source=f"ftm_{stem}")


def discover_mappings(path: Path, mapping: Path | None = None) -> list[Mapping]:
    """The mappings to ingest: PATH/mappings/*.yaml for a folder, or one file with --mapping."""
    if mapping is not None:
        if path.is_dir():
            raise EslabonError(
                "--mapping goes with a data file, not a folder",
                file=str(path),
                hint="for a folder, put the mappings in PATH/mappings/",
            )
        return [load_mapping(mapping, data_file=path)]
    if not path.exists():
        raise EslabonError("no such file or folder", file=str(path))
    if path.is_file():
        if path.suffix.lower() in (".yaml", ".yml"):
            return [load_mapping(path)]
        if looks_like_ftm(path):
            return [ftm_stream_mapping(path)]
        raise EslabonError(
            "a data file needs its mapping", file=str(path), hint="pass --mapping MAPPING.yaml"
        )
    folder = path / "mappings" if (path / "mappings").is_dir() else path
    files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    if not files:
        raise EslabonError(
            "no mappings found",
            file=str(folder),
            hint="put one YAML mapping per source in mappings/",
        )
    mappings = [load_mapping(f) for f in files]
    seen: dict[str, Path] = {}
    for m in mappings:
        if m.source in seen:
            raise EslabonError(
                f"source '{m.source}' is declared twice (also in {seen[m.source].name})",
                file=str(m.path),
                line=1,
                field="source",
            )
        seen[m.source] = m.path
    return mappings


# Characters Python's str.strip() removes: SQL trims exactly these when it builds stable keys.
_PY_WHITESPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())


class _Staging:
    """The source's readable records in a TEMP table ``raw<tag>`` (row_num, line, c0..cN as
    VARCHAR). The tag keeps the tables of a source being read apart from those of the source
    being written."""

    def __init__(self, store: Store, source_id: str, reader: Reader, tag: str = "") -> None:
        self.con = store.connection
        self.tag = tag
        self.raw = f"temp.raw{tag}"
        self.notes = f"temp.raw_notes{tag}"
        self.source_id = source_id
        self.columns = reader.columns
        self.shaped = reader.shaped
        # a name read twice (spreadsheet headers) keeps its first place and its last value,
        # as a dict built from the record would
        self.col = {name: f"c{i}" for i, name in enumerate(self.columns)}
        cols = ", ".join(f"c{i} VARCHAR" for i in range(len(self.columns)))
        extra = "" if self.shaped else ", raw_json VARCHAR"
        self.con.execute(f"DROP TABLE IF EXISTS {self.raw}")
        self.con.execute(
            f"CREATE TEMP TABLE raw{tag} (row_num BIGINT, line BIGINT{', ' + cols if cols else ''}"
            f"{extra})"
        )
        self.con.execute(f"DROP TABLE IF EXISTS {self.notes}")
        self.con.execute(
            f"CREATE TEMP TABLE raw_notes{tag} (row_num BIGINT, field VARCHAR, flag VARCHAR, "
            "detail VARCHAR)"
        )

    def add(self, batch: Batch) -> None:
        con = self.con
        if batch.rows:
            width = len(self.columns)
            by_column = list(zip(*batch.rows, strict=True)) if width else []
            arrays = {
                "row_num": pa.array(batch.row_nums, pa.int64()),
                "line": pa.array(batch.lines, pa.int64()),
            }
            for i in range(width):
                arrays[f"c{i}"] = pa.array(by_column[i], pa.string())
            if not self.shaped:
                arrays["raw_json"] = pa.array(batch.raw_json, pa.string())
            _insert(con, self.raw, pa.table(arrays))
        if batch.notes:
            notes = list(zip(*batch.notes, strict=True))
            _insert(
                con,
                self.notes,
                pa.table(
                    {
                        "row_num": pa.array(notes[0], pa.int64()),
                        "field": pa.array(notes[1], pa.string()),
                        "flag": pa.array(notes[2], pa.string()),
                        "detail": pa.array(notes[3], pa.string()),
                    }
                ),
            )
        if batch.problems:
            recs = batch.problems
            q = {
                "source_id": [self.source_id] * len(recs),
                "row_num": [r.row_num for r in recs],
                "line": [r.line for r in recs],
                "field": [(r.problem or (None, ""))[0] for r in recs],
                "reason": [(r.problem or (None, "unreadable record"))[1] for r in recs],
                "raw": [r.raw_text for r in recs],
            }
            _insert(con, "quarantine", pa.table(q), list(q))

    def raw_json(self, alias: str, *, as_json: bool = False) -> str:
        """SQL for a record's raw JSON: {column: value as read}, in the file's column order.

        ``as_json`` gives a JSON value (built once, no text round trip), else its text.
        """
        if not self.shaped:
            return f"CAST({alias}.raw_json AS JSON)" if as_json else f"{alias}.raw_json"
        if not self.columns:
            return "CAST('{}' AS JSON)" if as_json else "'{}'"
        pairs = ", ".join(
            f"{sql_string(name)}, {alias}.{self.col[name]}" for name in dict.fromkeys(self.columns)
        )
        return f"json_object({pairs})" if as_json else f"CAST(json_object({pairs}) AS VARCHAR)"


def _insert(con, table: str, arrow: pa.Table, columns: list[str] | None = None) -> None:
    con.register("_eslabon_batch", arrow)
    try:
        cols = f" ({', '.join(columns)})" if columns else ""
        con.execute(f"INSERT INTO {table}{cols} SELECT * FROM _eslabon_batch")
    finally:
        con.unregister("_eslabon_batch")


def _distinct(con, cols: list[str], raw: str) -> tuple[list[pa.ChunkedArray], list[tuple]]:
    """The distinct value tuples of ``cols`` in ``raw`` (one empty tuple when there are none),
    as Arrow columns (to register again as they are) and as Python tuples (to normalise)."""
    if not cols:
        return [], [()]
    table = con.sql(f"SELECT DISTINCT {', '.join(cols)} FROM {raw}").to_arrow_table()
    columns = [c.cast(pa.string()) for c in table.columns]
    return columns, list(zip(*(c.to_pylist() for c in columns), strict=True))


class _Projections:
    """Normalise each mapping key's distinct column tuples once; register them as TEMP tables.

    ``proj<tag>_<slot>`` holds (pid, p0..pn: the raw values, ok, caption/start/end, props,
    rfield, rreason); ``proj_flags<tag>`` holds (slot, pid, field, flag, detail). Slots are entity keys in
    mapping order, then links: the order in which the first refusal of a row is chosen.
    """

    def __init__(self, staging: _Staging, normaliser: RowNormaliser) -> None:
        self.staging = staging
        self.normaliser = normaliser
        mapping = normaliser.mapping
        self.slots: list[tuple[str, str, list[str]]] = [
            ("entity", key, entity_columns(spec)) for key, spec in mapping.entities.items()
        ] + [("link", key, link_columns(spec)) for key, spec in mapping.links.items()]
        self.flags: dict[str, list] = {k: [] for k in ("slot", "pid", "field", "flag", "detail")}
        self._raws: list[list[pa.ChunkedArray]] = []  # per slot: distinct raw tuples (pid order)
        self._pids: list[list[int]] = []  # per slot: raw tuple -> index of its cleaned tuple
        self._results: Callable[[], list[list[tuple]]] = list

    def start(self, pool: Pool | None = None) -> int:
        """Read each slot's distinct raw tuples, clean and deduplicate them, and start normalising
        the distinct cleaned tuples of every slot together (in ``pool``'s workers when there are
        many); returns how many distinct tuples are being normalised."""
        con = self.staging.con
        jobs: list[tuple[str, str, list[str], list[tuple]]] = []
        for what, key, cols in self.slots:
            raw, tuples = _distinct(con, [self.staging.col[c] for c in cols], self.staging.raw)
            index: dict[tuple, int] = {}
            slot_pids = [index.setdefault(tuple(map(clean, tup)), len(index)) for tup in tuples]
            self._raws.append(raw)
            self._pids.append(slot_pids)
            jobs.append((what, key, cols, list(index)))
        self._results = (pool or _INLINE).normalise(self.normaliser, jobs)
        return sum(len(job[3]) for job in jobs)

    def finish(self) -> None:
        """Create the projection tables from the outcomes (waiting for them if need be)."""
        con = self.staging.con
        tag = self.staging.tag
        for slot, got in enumerate(self._results()):
            what = self.slots[slot][0]
            data = self._columns(slot, what, got, self._pids[slot])
            for i, values in enumerate(self._raws[slot]):
                data[f"p{i}"] = values
            con.execute(f"DROP TABLE IF EXISTS temp.proj{tag}_{slot}")
            con.register("_eslabon_proj", pa.table(data))
            # props become JSON once per distinct tuple, not once per row that uses them
            con.execute(
                f"CREATE TEMP TABLE proj{tag}_{slot} AS "
                "SELECT * REPLACE (CAST(props AS JSON) AS props) FROM _eslabon_proj"
            )
            con.unregister("_eslabon_proj")
        self._raws, self._pids = [], []
        flags = pa.table(
            {
                "slot": pa.array(self.flags["slot"], pa.int32()),
                "pid": pa.array(self.flags["pid"], pa.int64()),
                **{k: pa.array(self.flags[k], pa.string()) for k in ("field", "flag", "detail")},
            }
        )
        con.execute(f"DROP TABLE IF EXISTS temp.proj_flags{tag}")
        con.register("_eslabon_proj", flags)
        con.execute(f"CREATE TEMP TABLE proj_flags{tag} AS SELECT * FROM _eslabon_proj")
        con.unregister("_eslabon_proj")

    def _columns(self, slot: int, what: str, got: list[tuple], pids: list[int]) -> dict:
        """Arrow columns of a slot's projection, one row per raw tuple (pid), from the outcomes
        of its distinct cleaned tuples; the flags of each raw tuple are recorded."""
        flagged = [i for i, g in enumerate(got) if g[-1]]
        if flagged:
            flagged_set = set(flagged)
            for pid, i in enumerate(pids):
                if i in flagged_set:
                    self._flag(slot, pid, got[i][-1])
        columns = list(zip(*got, strict=True)) if got else [()] * 6
        # outcomes are per distinct cleaned tuple: spread them over the raw tuples
        spread = [[col[i] for i in pids] for col in columns[:5]]
        first, second, props, rfield, rreason = spread
        data = {"pid": pa.array(range(len(pids)), pa.int64())}
        if what == "entity":
            data["ok"] = pa.array(first, pa.bool_())
            data["caption"] = pa.array(second, pa.string())
        else:
            data["start_at"] = pa.array(first, pa.timestamp("us"))
            data["end_at"] = pa.array(second, pa.timestamp("us"))
        data["props"] = pa.array(props, pa.string())
        data["rfield"] = pa.array(rfield, pa.string())
        data["rreason"] = pa.array(rreason, pa.string())
        return data

    def _flag(self, slot: int, pid: int, flags) -> None:
        f = self.flags
        for field, flag, detail in flags:
            f["slot"].append(slot)
            f["pid"].append(pid)
            f["field"].append(field)
            f["flag"].append(flag)
            f["detail"].append(detail)


_INLINE = Pool(0)


def _join_on(staging: _Staging, cols: list[str], alias: str) -> str:
    if not cols:
        return "TRUE"
    return " AND ".join(
        f"r.{staging.col[c]} IS NOT DISTINCT FROM {alias}.p{i}" for i, c in enumerate(cols)
    )


def _stable_key(staging: _Staging, keys: tuple[str, ...]) -> str:
    """SQL for an entity's stable key: key columns stripped, joined by '|', if any is non-empty."""
    if not keys:
        return "NULL"
    vals = [f"coalesce(r.{staging.col[c]}, '')" for c in keys]
    ws = sql_string(_PY_WHITESPACE)
    joined = " || '|' || ".join(f"trim({v}, {ws})" for v in vals)
    any_set = " OR ".join(f"{v} <> ''" for v in vals)
    return f"CASE WHEN {any_set} THEN {joined} END"


def _write(store: Store, staging: _Staging, proj: _Projections, source_id: str) -> None:
    """Per-row outcome by joins on the projections, then every store table in bulk."""
    con = store.connection
    mapping = proj.normaliser.mapping
    tag = staging.tag
    slot_of = {(what, key): i for i, (what, key, _) in enumerate(proj.slots)}
    selects = ["r.row_num", "r.line"]
    joins = []
    refusal = []  # (condition, slot) in the order the first refusal is chosen
    for slot, (what, key, cols) in enumerate(proj.slots):
        joins.append(f"JOIN temp.proj{tag}_{slot} j{slot} ON {_join_on(staging, cols, f'j{slot}')}")
        selects.append(f"j{slot}.pid AS pid{slot}")
        if what == "entity":
            selects.append(f"j{slot}.ok AS ok{slot}")
            selects.append(f"{_stable_key(staging, mapping.entities[key].keys)} AS key{slot}")
            refusal.append((f"j{slot}.rreason IS NOT NULL", slot))
        else:
            link = mapping.links[key]
            present = f"j{slot_of[('entity', link.subject)]}.ok"
            if link.object is not None:
                present += f" AND j{slot_of[('entity', link.object)]}.ok"
            selects.append(f"({present}) AS ok{slot}")
            refusal.append((f"j{slot}.rreason IS NOT NULL AND {present}", slot))
    if refusal:
        for col in ("rfield", "rreason"):
            whens = " ".join(f"WHEN {cond} THEN j{slot}.{col}" for cond, slot in refusal)
            selects.append(f"CASE {whens} END AS {col}")
        whens = " ".join(f"WHEN {cond} THEN TRUE" for cond, _ in refusal)
        selects.append(f"coalesce(CASE {whens} END, FALSE) AS refused")
    else:
        selects += ["NULL AS rfield", "NULL AS rreason", "FALSE AS refused"]
    con.execute("DROP TABLE IF EXISTS temp.outcome")
    con.execute(
        f"CREATE TEMP TABLE outcome AS SELECT {', '.join(selects)} FROM {staging.raw} r "
        f"{' '.join(joins)}"
    )
    params = {"sid": source_id}
    con.execute(
        f"""
        INSERT INTO quarantine (source_id, row_num, line, field, reason, raw)
        SELECT $sid, o.row_num, o.line, o.rfield, o.rreason, {staging.raw_json("r")}
        FROM temp.outcome o JOIN {staging.raw} r USING (row_num) WHERE o.refused
        """,
        params,
    )
    # mentions, in mapping order within a row
    parts = []
    for slot, (what, key, _) in enumerate(proj.slots):
        if what != "entity":
            continue
        kind = mapping.entities[key].kind
        parts.append(
            f"SELECT o.row_num, {slot} AS slot, {sql_string(key)} AS mapping_key, "
            f"{sql_string(kind)} AS kind, o.key{slot} AS key, j.caption, j.props "
            f"FROM temp.outcome o JOIN temp.proj{tag}_{slot} j ON o.pid{slot} = j.pid "
            f"WHERE NOT o.refused AND o.ok{slot}"
        )
    con.execute("DROP TABLE IF EXISTS temp.out_mentions")
    con.execute(f"CREATE TEMP TABLE out_mentions AS {' UNION ALL '.join(parts)}")
    con.execute(
        """
        INSERT INTO mentions (mention_id, source_id, row_num, mapping_key, kind, key, caption,
                              props)
        SELECT $sid || '/' || row_num || '/' || mapping_key, $sid, row_num, mapping_key, kind,
               key, caption, props
        FROM temp.out_mentions ORDER BY row_num, slot
        """,
        params,
    )
    parts = []
    for slot, (what, key, _) in enumerate(proj.slots):
        if what != "link":
            continue
        link = mapping.links[key]
        obj = (
            f"$sid || '/' || o.row_num || '/' || {sql_string(link.object)}"
            if link.object
            else "NULL"
        )
        parts.append(
            f"SELECT $sid || '/' || o.row_num || '/' || {sql_string(key)}, $sid, o.row_num, "
            f"{sql_string(key)}, {sql_string(link.kind)}, "
            f"$sid || '/' || o.row_num || '/' || {sql_string(link.subject)}, {obj}, "
            f"j.start_at, j.end_at, j.props, {slot} AS slot "
            f"FROM temp.outcome o JOIN temp.proj{tag}_{slot} j ON o.pid{slot} = j.pid "
            f"WHERE NOT o.refused AND o.ok{slot}"
        )
    if parts:
        con.execute(
            f"""
            INSERT INTO links (link_id, source_id, row_num, mapping_key, kind, subject_id,
                               object_id, start_at, end_at, props)
            SELECT * EXCLUDE (slot) FROM ({" UNION ALL ".join(parts)}) ORDER BY row_num, slot
            """,
            params,
        )
    # flags: the reader's notes, every entity's, and those of the links the row makes
    parts = [f"SELECT n.row_num, n.field, n.flag, n.detail FROM {staging.notes} n"]
    for slot, (what, _, _) in enumerate(proj.slots):
        cond = "" if what == "entity" else f" AND o.ok{slot}"
        parts.append(
            f"SELECT o.row_num, f.field, f.flag, f.detail FROM temp.outcome o "
            f"JOIN temp.proj_flags{tag} f ON f.slot = {slot} AND f.pid = o.pid{slot} "
            f"WHERE NOT o.refused{cond}"
        )
    con.execute(
        f"""
        INSERT INTO row_flags (source_id, row_num, field, flag, detail)
        SELECT $sid, x.row_num, x.field, x.flag, x.detail
        FROM ({" UNION ALL ".join(parts)}) x
        JOIN temp.outcome o ON o.row_num = x.row_num AND NOT o.refused
        """,
        params,
    )
    con.execute(
        f"""
        INSERT INTO source_rows (source_id, row_num, line, raw, norm)
        SELECT $sid, o.row_num, o.line, {staging.raw_json("r", as_json=True)}, n.norm
        FROM temp.outcome o JOIN {staging.raw} r USING (row_num)
        LEFT JOIN ({_NORM_SQL}) n USING (row_num)
        WHERE NOT o.refused
        ORDER BY o.row_num
        """,
        params,
    )


# json_group_object(mapping_key, props) per row, spelled out to keep mapping order
_NORM_SQL = """
    SELECT row_num,
           CAST('{' || string_agg(to_json(mapping_key) || ':' || CAST(props AS VARCHAR),
                                  ',' ORDER BY slot) || '}' AS JSON) AS norm
    FROM temp.out_mentions GROUP BY row_num
"""


def _drop_temp(store: Store, tag: str, slots: int) -> None:
    tables = ("outcome", "out_mentions", f"raw{tag}", f"raw_notes{tag}", f"proj_flags{tag}")
    for name in (*tables, *(f"proj{tag}_{i}" for i in range(slots))):
        store.connection.execute(f"DROP TABLE IF EXISTS temp.{name}")


@dataclass
class _Pending:
    """A source read and staged whose distinct tuples are being normalised: what finishing needs."""

    mapping: Mapping
    sha256: str
    version: int
    prev: tuple | None
    report: SourceReport
    staging: _Staging
    proj: _Projections
    progress: ProgressFn | None


def load_source(
    store: Store,
    mapping: Mapping,
    reader: Reader,
    sha256: str,
    progress: ProgressFn | None = None,
    pool: Pool | None = None,
) -> SourceReport:
    """Load one source file as a new version (inside the caller's transaction).

    Records are read in Python (structural checks) into a TEMP table; each mapping key's distinct
    column tuples are normalised once and joined back, so every row gets the same outcome it
    would get on its own.
    """
    started = _start_source(store, mapping, reader, sha256, progress, pool)
    return started if isinstance(started, SourceReport) else _finish_source(store, started)


def _start_source(
    store: Store,
    mapping: Mapping,
    reader: Reader,
    sha256: str,
    progress: ProgressFn | None,
    pool: Pool | None,
    tag: str = "",
) -> SourceReport | _Pending:
    """Read and stage a source and start normalising it; an unchanged source's report at once.

    Nothing is written to the store's tables here but the reader's unreadable records (to
    quarantine, under the new version's id), so another source may be finished meanwhile.
    """
    prev = store.query_one(
        "SELECT source_id, version, sha256, mapping_sha256 FROM sources "
        "WHERE name = ? ORDER BY version DESC LIMIT 1",
        [mapping.source],
    )
    if prev and prev[2] == sha256 and prev[3] == mapping.sha256:
        row = store.query_one(
            "SELECT rows_read, rows_loaded, rows_quarantined FROM sources WHERE source_id = ?",
            [prev[0]],
        )
        return SourceReport(mapping.source, prev[0], str(mapping.file), "unchanged", *row)
    version = (prev[1] + 1) if prev else 1
    source_id = f"{mapping.source}@{version}"
    normaliser = RowNormaliser(mapping)
    report = SourceReport(mapping.source, source_id, str(mapping.file), "loaded")
    total_bytes = mapping.file.stat().st_size or 1
    read_chars = 0
    staging = _Staging(store, source_id, reader, tag)
    proj = _Projections(staging, normaliser)
    for batch in reader.batches(BATCH_ROWS):
        report.rows_read += len(batch)
        staging.add(batch)
        read_chars += batch.chars
        if progress:
            progress(mapping.source, min(read_chars, total_bytes), total_bytes)
    proj.start(pool)
    return _Pending(mapping, sha256, version, prev, report, staging, proj, progress)


def _finish_source(store: Store, pending: _Pending) -> SourceReport:
    """Write a started source's rows, mentions, links, flags and refusals, and its version."""
    mapping, sha256, version, prev = pending.mapping, pending.sha256, pending.version, pending.prev
    report, staging, proj, progress = (
        pending.report,
        pending.staging,
        pending.proj,
        pending.progress,
    )
    source_id = report.source_id
    total_bytes = mapping.file.stat().st_size or 1
    proj.finish()
    _write(store, staging, proj, source_id)
    # on failure the command's transaction rolls back, temp tables included
    _drop_temp(store, staging.tag, len(proj.slots))
    report.rows_loaded, report.mentions, report.links = store.query_one(
        "SELECT (SELECT count(*) FROM source_rows WHERE source_id = $sid), "
        "(SELECT count(*) FROM mentions WHERE source_id = $sid), "
        "(SELECT count(*) FROM links WHERE source_id = $sid)",
        {"sid": source_id},
    )
    report.rows_quarantined = report.rows_read - report.rows_loaded
    if progress:
        progress(mapping.source, total_bytes, total_bytes)
    now = datetime.now(UTC).replace(tzinfo=None)
    store.execute(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, CAST(? AS JSON), ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
        [
            source_id,
            mapping.source,
            version,
            str(mapping.file),
            sha256,
            str(mapping.path),
            mapping.sha256,
            json_text(mapping.raw),
            mapping.format,
            mapping.country,
            mapping.language,
            mapping.date_convention,
            mapping.phone_region,
            report.rows_read,
            report.rows_loaded,
            report.rows_quarantined,
            now,
        ],
    )
    if prev:
        store.execute(
            "UPDATE sources SET superseded_by = ? WHERE name = ? AND superseded_by IS NULL "
            "AND source_id <> ?",
            [source_id, mapping.source, source_id],
        )
    return report


def _declared_label(store: Store, source: str) -> Label | None:
    """The label the latest loaded version's mapping declared (None: none or not loaded)."""
    row = store.query_one(
        "SELECT CAST(mapping->'label' AS VARCHAR) FROM sources WHERE name = ? "
        "ORDER BY version DESC LIMIT 1",
        [source],
    )
    if not row or row[0] in (None, "null"):
        return None
    return parse_label(orjson.loads(row[0]), f"sources[{source}].mapping", None)


def _record_label(store: Store, m: Mapping, previous: Label | None, principal: Principal) -> None:
    """Store the source's label (docs/access.md: from the mapping, or originator-only when
    accounts exist and the mapping declares none); a change is audited as `label.set`."""
    changed = label_at_ingest(store, m.source, m.label, previous, principal)
    if changed is None:
        return
    from eslabon.access import audit

    label, why = changed
    audit.record(
        store,
        principal,
        "label.set",
        detail={"source": m.source, "label": label.as_dict(), "origin": why},
    )


def ingest(
    store: Store,
    path: Path,
    *,
    mapping: Path | None = None,
    progress: ProgressFn | None = None,
    principal: Principal | None = None,
) -> list[SourceReport]:
    """Ingest every source under ``path`` in one transaction; returns a report per source.

    ``principal`` is the acting user (default: the setup-mode local operator); it signs the
    labels the sources get.
    """
    principal = principal or Principal.local_operator()
    mappings = discover_mappings(path, mapping)
    prepared = []
    for m in mappings:  # everything is checked before the first row is read
        reader = open_reader(m, m.file)
        m.check_columns(reader.columns, m.file)
        prepared.append((m, reader, file_sha256(m.file)))
    reports: list[SourceReport] = []
    with _no_gc(), Pool() as pool, store.transaction():
        if sum(m.file.stat().st_size for m, _, _ in prepared) >= START_BYTES:
            pool.start()
        # one source is read while the one before it is normalised in the workers, then written
        waiting: tuple[_Pending, Label | None] | None = None
        for n, (m, reader, sha) in enumerate(prepared):
            previous = _declared_label(store, m.source)
            started = _start_source(store, m, reader, sha, progress, pool, tag=f"_{n % 2}")
            if waiting is not None:
                _finish_labelled(store, *waiting, principal, reports)
                waiting = None
            if isinstance(started, SourceReport):
                reports.append(started)
                _record_label(store, m, previous, principal)
            else:
                waiting = (started, previous)
        if waiting is not None:
            _finish_labelled(store, *waiting, principal, reports)
    return reports


def _finish_labelled(
    store: Store,
    pending: _Pending,
    previous: Label | None,
    principal: Principal,
    reports: list[SourceReport],
) -> None:
    reports.append(_finish_source(store, pending))
    _record_label(store, pending.mapping, previous, principal)


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cycle collector: ingest holds millions of small tuples and makes no cycles worth
    collecting, and every full collection would walk all of them again."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
