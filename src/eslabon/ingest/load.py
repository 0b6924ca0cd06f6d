"""Load sources into the store: every record is loaded or quarantined, and the counts add up.

All mappings are validated and all headers read before the first row is touched; the whole command
runs in one transaction, so a failure or a killed process leaves the store as it was.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pyarrow as pa

from eslabon.errors import EslabonError
from eslabon.ingest.mapping import Mapping, load_mapping
from eslabon.ingest.normalise import Refused, RowNormaliser
from eslabon.ingest.readers import Reader, open_reader
from eslabon.store import Store

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


class _Batch:
    """Columns of rows waiting to be written, flushed as Arrow tables (no per-row INSERTs)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.clear()

    def clear(self) -> None:
        self.rows: dict[str, list] = {k: [] for k in ("source_id", "row_num", "line", "raw")}
        self.mentions: dict[str, list] = {
            k: []
            for k in (
                "mention_id",
                "source_id",
                "row_num",
                "mapping_key",
                "kind",
                "key",
                "caption",
                "props",
            )
        }
        self.links: dict[str, list] = {
            k: []
            for k in (
                "link_id",
                "source_id",
                "row_num",
                "mapping_key",
                "kind",
                "subject_id",
                "object_id",
                "start_at",
                "end_at",
                "props",
            )
        }
        self.flags: dict[str, list] = {
            k: [] for k in ("source_id", "row_num", "field", "flag", "detail")
        }
        self.quarantine: dict[str, list] = {
            k: [] for k in ("source_id", "row_num", "line", "field", "reason", "raw")
        }

    def __len__(self) -> int:
        return len(self.rows["row_num"]) + len(self.quarantine["row_num"])

    def flush(self) -> None:
        con = self.store.connection
        for table, cols, json_cols in (
            ("source_rows", self.rows, ("raw",)),
            ("mentions", self.mentions, ("props",)),
            ("links", self.links, ("props",)),
            ("row_flags", self.flags, ()),
            ("quarantine", self.quarantine, ()),
        ):
            if not next(iter(cols.values())):
                continue
            arrow = pa.table(cols) if table != "links" else _links_table(cols)
            con.register("_eslabon_batch", arrow)
            select = ", ".join(f"CAST({c} AS JSON)" if c in json_cols else c for c in cols)
            con.execute(
                f"INSERT INTO {table} ({', '.join(cols)}) SELECT {select} FROM _eslabon_batch"
            )
            con.unregister("_eslabon_batch")
        self.clear()


def _links_table(cols: dict[str, list]) -> pa.Table:
    schema = {k: pa.string() for k in cols}
    schema["row_num"] = pa.int64()
    schema["start_at"] = pa.timestamp("us")
    schema["end_at"] = pa.timestamp("us")
    return pa.table({k: pa.array(v, type=schema[k]) for k, v in cols.items()})


def _dumps(obj) -> str:
    return orjson.dumps(obj, default=str).decode()


def load_source(
    store: Store,
    mapping: Mapping,
    reader: Reader,
    sha256: str,
    progress: ProgressFn | None = None,
) -> SourceReport:
    """Load one source file as a new version (inside the caller's transaction)."""
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
    batch = _Batch(store)
    report = SourceReport(mapping.source, source_id, str(mapping.file), "loaded")
    total_bytes = mapping.file.stat().st_size or 1
    read_bytes = 0
    for rec in reader.records():
        report.rows_read += 1
        if rec.values is None:
            field, reason = rec.problem or (None, "unreadable record")
            _quarantine(batch, source_id, rec.row_num, rec.line, field, reason, rec.raw_text)
            read_bytes += len(rec.raw_text or "") + 1
        else:
            read_bytes += sum(len(v) + 1 for v in rec.values.values() if v)
            try:
                out = normaliser.normalise(rec.values)
            except Refused as refused:
                _quarantine(
                    batch,
                    source_id,
                    rec.row_num,
                    rec.line,
                    refused.field,
                    refused.reason,
                    _dumps(rec.values),
                )
            else:
                report.rows_loaded += 1
                _add_loaded(batch, source_id, rec, out)
                report.mentions += len(out.mentions)
                report.links += len(out.links)
        if len(batch) >= BATCH_ROWS:
            batch.flush()
            if progress:
                progress(mapping.source, min(read_bytes, total_bytes), total_bytes)
    batch.flush()
    _fill_norm(store, source_id)
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
            _dumps(mapping.raw),
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


def _fill_norm(store: Store, source_id: str) -> None:
    """Each loaded row's normalised values, by mapping key, gathered from its mentions in bulk."""
    store.execute(
        """
        UPDATE source_rows SET norm = n.norm
        FROM (
            SELECT row_num, CAST(json_group_object(mapping_key, props) AS JSON) AS norm
            FROM mentions WHERE source_id = $sid GROUP BY row_num
        ) AS n
        WHERE source_rows.source_id = $sid AND source_rows.row_num = n.row_num
        """,
        {"sid": source_id},
    )


def _quarantine(batch: _Batch, source_id, row_num, line, field, reason, raw) -> None:
    q = batch.quarantine
    q["source_id"].append(source_id)
    q["row_num"].append(row_num)
    q["line"].append(line)
    q["field"].append(field)
    q["reason"].append(reason)
    q["raw"].append(raw)


def _add_loaded(batch: _Batch, source_id: str, rec, out) -> None:
    r = batch.rows
    r["source_id"].append(source_id)
    r["row_num"].append(rec.row_num)
    r["line"].append(rec.line)
    r["raw"].append(_dumps(rec.values))
    prefix = f"{source_id}/{rec.row_num}/"
    m = batch.mentions
    for key, kind, stable, caption, props in out.mentions:
        m["mention_id"].append(prefix + key)
        m["source_id"].append(source_id)
        m["row_num"].append(rec.row_num)
        m["mapping_key"].append(key)
        m["kind"].append(kind)
        m["key"].append(stable)
        m["caption"].append(caption)
        m["props"].append(_dumps(props))
    lk = batch.links
    for key, kind, subj, obj, start, end, props in out.links:
        lk["link_id"].append(prefix + key)
        lk["source_id"].append(source_id)
        lk["row_num"].append(rec.row_num)
        lk["mapping_key"].append(key)
        lk["kind"].append(kind)
        lk["subject_id"].append(prefix + subj)
        lk["object_id"].append(prefix + obj if obj else None)
        lk["start_at"].append(start)
        lk["end_at"].append(end)
        lk["props"].append(_dumps(props))
    f = batch.flags
    for field, flag, detail in (*rec.notes, *out.flags):
        f["source_id"].append(source_id)
        f["row_num"].append(rec.row_num)
        f["field"].append(field)
        f["flag"].append(flag)
        f["detail"].append(detail)


def ingest(
    store: Store,
    path: Path,
    *,
    mapping: Path | None = None,
    progress: ProgressFn | None = None,
) -> list[SourceReport]:
    """Ingest every source under ``path`` in one transaction; returns a report per source."""
    mappings = discover_mappings(path, mapping)
    prepared = []
    for m in mappings:  # everything is checked before the first row is read
        reader = open_reader(m, m.file)
        m.check_columns(reader.columns, m.file)
        prepared.append((m, reader, file_sha256(m.file)))
    reports = []
    with store.transaction():
        for m, reader, sha in prepared:
            reports.append(load_source(store, m, reader, sha, progress))
    return reports
