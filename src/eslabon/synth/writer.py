"""Write one source file (CSV, JSON lines or xlsx), its mapping and its truth, row by row.

The truth of a row is computed from the row as finally written (after noise) and from the
mapping itself, with the same rule ingest applies: a mapping key makes a mention when at least
one of its mapped properties is non-empty. Malformed and duplicate rows are produced here, so the
row numbers in truth are the record numbers a reader sees (1-based, header excluded).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from eslabon.synth.labels import LABELS
from eslabon.synth.model import Fact
from eslabon.synth.noise import NoiseProfile, impossible_date, is_missing

SENTINEL = "\x1e"  # stands for garbage bytes until the text is encoded
GARBAGE = {
    "utf-8": b"\xff\xfe\xc3(",
    "utf-8-sig": b"\xc3(\xff",
    "cp1252": b"\x81\x8d\x9d",
    "latin-1": b"\x1a\x00\x1b",
}
CHUNK_ROWS = 5000
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


@dataclass
class SourceSpec:
    """Everything that describes a source: file layout, conventions and its mapping."""

    name: str
    fmt: str  # csv | jsonl | xlsx
    country: str
    language: str
    date_convention: str
    phone_region: str
    columns: list[str]
    entities: dict[str, dict[str, Any]]
    links: dict[str, dict[str, Any]]
    date_column: str  # a mapped date column: an impossible value there is quarantined
    text_column: str  # a free-text column where garbage bytes can land
    description: str = ""
    delimiter: str = ","
    encoding: str = "utf-8"
    lineterminator: str = "\n"
    currency: str | None = None
    # columns a clerk may exchange: (column a, column b, mapping key a, mapping key b); the keys
    # are given when the two columns belong to different entities, so truth follows the values
    swaps: tuple[tuple[str, str, str | None, str | None], ...] = ()

    @property
    def filename(self) -> str:
        return f"{self.name}.{ {'csv': 'csv', 'jsonl': 'jsonl', 'xlsx': 'xlsx'}[self.fmt] }"

    def mapping_dict(self) -> dict[str, Any]:
        m: dict[str, Any] = {
            "source": self.name,
            "description": self.description,
            "file": f"../sources/{self.filename}",
            "format": self.fmt,
        }
        if self.fmt == "csv":
            delim = "\t" if self.delimiter == "\t" else self.delimiter
            m["csv"] = {"delimiter": delim, "encoding": self.encoding, "quotechar": '"'}
        elif self.fmt == "jsonl" and self.encoding != "utf-8":
            m["csv"] = {"encoding": self.encoding}
        m.update(
            country=self.country,
            language=self.language,
            date_convention=self.date_convention,
            phone_region=self.phone_region,
        )
        if self.currency:
            m["currency"] = self.currency
        if self.name in LABELS:
            m["label"] = LABELS[self.name]
        m["entities"] = self.entities
        m["links"] = self.links
        return m

    def presence(self) -> list[tuple[str, tuple[str, ...], bool]]:
        """(mapping key, columns of its properties, has a literal property) per entity."""
        out = []
        for key, ent in self.entities.items():
            cols: list[str] = []
            literal = False
            for value in ent["properties"].values():
                if isinstance(value, str):
                    cols.append(value)
                elif "literal" in value:
                    literal = True
                elif "column" in value:
                    cols.append(value["column"])
                else:
                    cols.extend(value["columns"])
            out.append((key, tuple(cols), literal))
        return out


@dataclass
class Row:
    values: dict[str, Any]
    refs: dict[str, str]  # mapping key -> true entity id
    protect: bool = False  # a seed record: never corrupted
    seeds: list[tuple[str, str, str, str]] = field(default_factory=list)  # entity,kind,value,desc
    fact: Fact | None = None


class TruthSink:
    """Collects truth across sources (streams mentions; keeps the small tables in memory)."""

    def __init__(self, truth_dir: Path) -> None:
        truth_dir.mkdir(parents=True, exist_ok=True)
        self._fh = (truth_dir / "mentions.csv").open("w", encoding="utf-8", newline="")
        self.mentions = csv.writer(self._fh, lineterminator="\n")
        self.mentions.writerow(["source", "row", "mapping_key", "entity_id"])
        self.malformed: list[tuple[str, int, str]] = []
        self.seeds: list[tuple[str, str, str, str, str]] = []  # filled by world with network id
        self.seed_rows: list[tuple[str, int, Fact, list[tuple[str, str, str, str]]]] = []
        self.mentioned: set[str] = set()
        self.mention_count = 0

    def close(self) -> None:
        self._fh.close()


@dataclass
class SourceStats:
    name: str
    fmt: str
    country: str
    encoding: str
    delimiter: str
    rows: int = 0
    malformed: int = 0
    duplicates: int = 0
    swapped: int = 0
    mentions: int = 0


def _sanitize(value: str, delimiter: str) -> str:
    return value.replace(delimiter, " ").replace('"', "").replace("\n", " ").replace("\r", " ")


class SourceWriter:
    """Streams rows of one source to disk with malformed and duplicate rows mixed in."""

    def __init__(
        self,
        spec: SourceSpec,
        out: Path,
        truth: TruthSink,
        rng: random.Random,
        noise: NoiseProfile,
        expected_rows: int,
    ) -> None:
        self.spec, self.out, self.truth, self.rng, self.noise = spec, out, truth, rng, noise
        self.stats = SourceStats(spec.name, spec.fmt, spec.country, spec.encoding, spec.delimiter)
        self.presence = spec.presence()
        k = noise.malformed_min + expected_rows * noise.malformed_per_100k // 100_000
        k = min(k, max(0, expected_rows // 5))
        self.bad_at = set(rng.sample(range(max(1, expected_rows)), k)) if expected_rows else set()
        kinds = {
            "csv": ["impossible_date", "garbage_bytes", "wrong_column_count"],
            "jsonl": ["impossible_date", "garbage_bytes", "broken_json"],
            "xlsx": ["impossible_date"],
        }[spec.fmt]
        self.bad_kinds = kinds
        self._bad_i = 0
        self._in_index = 0

    # -- truth -----------------------------------------------------------------------------------
    def _emit_truth(self, row_num: int, row: Row) -> None:
        values = row.values
        for key, cols, literal in self.presence:
            if literal or any(not is_missing(values.get(c)) for c in cols):
                entity = row.refs.get(key)
                if entity is None:
                    raise AssertionError(
                        f"{self.spec.name} row {row_num}: values for {key} without a true entity"
                    )
                self.truth.mentions.writerow([self.spec.name, row_num, key, entity])
                self.truth.mentioned.add(entity)
                self.truth.mention_count += 1
                self.stats.mentions += 1
        if row.seeds:
            self.truth.seed_rows.append((self.spec.name, row_num, row.fact, row.seeds))

    # -- malformed -------------------------------------------------------------------------------
    def _corrupt(self, row: Row) -> tuple[str, Row, str]:
        kind = self.bad_kinds[self._bad_i % len(self.bad_kinds)]
        self._bad_i += 1
        values = dict(row.values)
        if kind == "impossible_date":
            values[self.spec.date_column] = impossible_date(
                self.rng, self.spec.date_convention, self.rng.randrange(1960, 2023)
            )
            reason = f"impossible date in {self.spec.date_column}"
        elif kind == "garbage_bytes":
            text = str(values.get(self.spec.text_column) or "XX")
            cut = len(text) // 2
            values[self.spec.text_column] = text[:cut] + SENTINEL * 2 + text[cut:]
            reason = f"garbage bytes in {self.spec.text_column}"
        elif kind == "wrong_column_count":
            reason = "wrong number of fields (unquoted delimiter)"
        else:
            reason = "broken JSON (truncated line)"
        return kind, Row(values, {}, fact=row.fact), reason

    def _swap(self, row: Row) -> Row:
        col_a, col_b, key_a, key_b = self.rng.choice(self.spec.swaps)
        values = dict(row.values)
        values[col_a], values[col_b] = values.get(col_b), values.get(col_a)
        refs = dict(row.refs)
        if key_a and key_b:
            ref_a, ref_b = refs.pop(key_a, None), refs.pop(key_b, None)
            if ref_b is not None:
                refs[key_a] = ref_b
            if ref_a is not None:
                refs[key_b] = ref_a
        self.stats.swapped += 1
        return Row(values, refs, row.protect, row.seeds, row.fact)

    # -- formats ---------------------------------------------------------------------------------
    def write(self, rows: Iterable[Row]) -> SourceStats:
        path = self.out / self.spec.filename
        if self.spec.fmt == "csv":
            self._write_text(path, rows, self._csv_line)
        elif self.spec.fmt == "jsonl":
            self._write_text(path, rows, self._json_line)
        else:
            self._write_xlsx(path, rows)
        return self.stats

    def _sequence(self, rows: Iterable[Row]):
        """Yield (row_num, row, malformed kind or None) with duplicates and corruption mixed in."""
        pending: list[tuple[int, Row]] = []
        row_num = 0
        owed = 0  # corruptions due but deferred because the row was a protected seed record
        for row in rows:
            idx = self._in_index
            self._in_index += 1
            if idx in self.bad_at:
                owed += 1
            bad = owed > 0 and not row.protect
            if bad:
                owed -= 1
                kind, corrupted, reason = self._corrupt(row)
                row_num += 1
                self.truth.malformed.append((self.spec.name, row_num, reason))
                self.stats.malformed += 1
                yield row_num, corrupted, kind
            else:
                row_num += 1
                if (
                    self.spec.swaps
                    and not row.protect
                    and (self.rng.random() < self.noise.swapped_fields)
                ):
                    row = self._swap(row)
                yield row_num, row, None
                if self.rng.random() < self.noise.duplicate_row:
                    pending.append((self._in_index + self.rng.choice((0, 0, 0, 1, 3, 10)), row))
            while pending and pending[0][0] <= self._in_index:
                _, dup = pending.pop(0)
                row_num += 1
                self.stats.duplicates += 1
                yield row_num, dup, None
        for _, dup in pending:
            row_num += 1
            self.stats.duplicates += 1
            yield row_num, dup, None

    def _csv_line(self, buf: io.StringIO, writer, row: Row, kind: str | None) -> None:
        values = [
            "" if row.values.get(c) is None else str(row.values[c]) for c in self.spec.columns
        ]
        if kind == "wrong_column_count":
            d = self.spec.delimiter
            vals = [_sanitize(v, d) for v in values]
            i = self.spec.columns.index(self.spec.text_column)
            vals[i] = (vals[i] or "X") + d + "VER NOTA"
            buf.write(d.join(vals) + self.spec.lineterminator)
        else:
            writer.writerow(values)

    def _json_line(self, buf: io.StringIO, writer, row: Row, kind: str | None) -> None:
        obj: dict[str, Any] = {}
        for col in self.spec.columns:
            value = row.values.get(col)
            if isinstance(value, str) and value == "":
                value = None
            parts = col.split(".")
            node = obj
            for p in parts[:-1]:
                node = node.setdefault(p, {})
            node[parts[-1]] = value
        line = json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))
        if kind == "garbage_bytes":
            text = str(row.values.get(self.spec.text_column) or "")
            clean = text.replace(SENTINEL, "")
            enc = json.dumps(clean, ensure_ascii=False)
            if enc in line:
                line = line.replace(enc, enc[:3] + SENTINEL * 2 + enc[3:], 1)
            else:
                line = line[:10] + SENTINEL * 2 + line[10:]
        elif kind == "broken_json":
            line = line[: len(line) * 2 // 3]
        buf.write(line + "\n")

    def _write_text(self, path: Path, rows: Iterable[Row], line_fn) -> None:
        spec = self.spec
        enc = "utf-8" if spec.encoding == "utf-8-sig" else spec.encoding
        garbage = GARBAGE.get(spec.encoding, b"\x1a\x1b")
        with path.open("wb") as fh:
            if spec.encoding == "utf-8-sig":
                fh.write(b"\xef\xbb\xbf")
            buf = io.StringIO()
            writer = csv.writer(
                buf, delimiter=spec.delimiter, quotechar='"', lineterminator=spec.lineterminator
            )
            if spec.fmt == "csv":
                writer.writerow(spec.columns)
            for n, (row_num, row, kind) in enumerate(self._sequence(rows), 1):
                line_fn(buf, writer, row, kind)
                if kind is None:
                    self._emit_truth(row_num, row)
                self.stats.rows = row_num
                if n % CHUNK_ROWS == 0:
                    fh.write(
                        buf.getvalue()
                        .encode(enc, errors="replace")
                        .replace(SENTINEL.encode(), garbage)
                    )
                    buf.seek(0)
                    buf.truncate()
            fh.write(
                buf.getvalue().encode(enc, errors="replace").replace(SENTINEL.encode(), garbage)
            )

    def _write_xlsx(self, path: Path, rows: Iterable[Row]) -> None:
        import openpyxl

        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("Registro")
        ws.append(self.spec.columns)
        for row_num, row, kind in self._sequence(rows):
            ws.append(
                [row.values.get(c) if row.values.get(c) != "" else None for c in self.spec.columns]
            )
            if kind is None:
                self._emit_truth(row_num, row)
            self.stats.rows = row_num
        fixed = dt.datetime(2024, 1, 1)
        wb.properties.created = fixed
        wb.properties.modified = fixed
        raw = io.BytesIO()
        wb.save(raw)
        _deterministic_zip(raw.getvalue(), path)


_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _deterministic_zip(data: bytes, path: Path) -> None:
    """Rewrite an xlsx with fixed timestamps so the same seed gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _STAMP.sub(rb"\g<1>2024-01-01T00:00:00Z\g<2>", body)
            zi = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, body)


def write_mapping(spec: SourceSpec, mappings_dir: Path) -> Path:
    mappings_dir.mkdir(parents=True, exist_ok=True)
    path = mappings_dir / f"{spec.name}.yaml"
    text = yaml.safe_dump(spec.mapping_dict(), sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8")
    return path
