"""Readers turn a source file into records: values by column, or a reason the record is unreadable.

Readers stream; they never hold a whole file. A record that cannot be read (ragged, undecodable,
binary, oversized) is yielded with a reason so the loader can quarantine it; a file that cannot be
read at all raises an EslabonError naming the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from eslabon.errors import EslabonError
from eslabon.ingest.mapping import Mapping

MAX_FIELD_CHARS = 1_000_000
SNIFF_BYTES = 8192
csv.field_size_limit(sys.maxsize)


@dataclass(slots=True)
class Record:
    row_num: int  # 1-based record number, header excluded
    line: int  # physical line (or spreadsheet row) where the record starts
    values: dict[str, str | None] | None  # None when the record is unreadable
    problem: tuple[str | None, str] | None = None  # (field, reason) when unreadable
    raw_text: str | None = None  # the record as text, kept for quarantine
    notes: tuple[tuple[str, str, str], ...] = ()  # (field, flag, detail) for loaded records


@dataclass(slots=True)
class Batch:
    """Records read in a stretch of the file: readable ones row-wise by column, the rest apart."""

    row_nums: list[int] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    rows: list[list[str | None]] = field(default_factory=list)  # aligned with Reader.columns
    raw_json: list[str] | None = None  # the record as JSON, when columns do not fix its shape
    notes: list[tuple[int, str, str, str]] = field(default_factory=list)  # row_num, field, flag..
    problems: list[Record] = field(default_factory=list)  # unreadable records, for quarantine
    chars: int = 0  # characters consumed, for progress

    def __len__(self) -> int:
        return len(self.rows) + len(self.problems)


class Reader:
    """Common interface: ``columns`` (known before rows are read) and ``batches()``.

    ``shaped`` says whether a record is fully described by ``columns`` (CSV, Excel); when it is
    not (JSON lines: keys may be missing or extra), batches carry each record's JSON as read.
    """

    columns: list[str]
    shaped = True

    def records(self) -> Iterator[Record]:  # pragma: no cover - interface
        raise NotImplementedError

    def batches(self, size: int) -> Iterator[Batch]:
        """Records grouped for bulk loading (the default goes through ``records()``)."""
        columns = self.columns
        batch = Batch(raw_json=None if self.shaped else [])
        for rec in self.records():
            if rec.values is None:
                batch.problems.append(rec)
                batch.chars += len(rec.raw_text or "") + 1
            else:
                values = rec.values
                batch.row_nums.append(rec.row_num)
                batch.lines.append(rec.line)
                batch.rows.append([values.get(c) for c in columns])
                batch.notes.extend((rec.row_num, *n) for n in rec.notes)
                batch.chars += sum(len(v) + 1 for v in values.values() if v)
                if batch.raw_json is not None:
                    batch.raw_json.append(orjson.dumps(values).decode())
            if len(batch) >= size:
                yield batch
                batch = Batch(raw_json=None if self.shaped else [])
        if len(batch):
            yield batch


_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd\udc80-\udcff]")


def bad_text(value: str) -> str | None:
    """Why a decoded value is not text: undecodable bytes or binary control characters."""
    found = _NOT_TEXT.search(value)
    if found is None:
        return None
    o = ord(found.group())
    if 0xDC80 <= o <= 0xDCFF:
        return f"byte 0x{o - 0xDC00:02X} is not valid in the declared encoding"
    if o == 0xFFFD:
        return "contains binary data (NUL bytes)"
    return f"contains control character 0x{o:02X} (binary data?)"


def _check_not_binary(path: Path, encoding: str) -> None:
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if not head.strip():
        raise EslabonError("file is empty: no header and no rows", file=str(path), line=1)
    if encoding.lower().replace("-", "").startswith("utf16"):
        return
    nul = head.count(b"\x00")
    if nul > len(head) // 10:
        raise EslabonError(
            f"file looks binary ({nul} NUL bytes in its first {len(head)} bytes), not {encoding} text",
            file=str(path),
            line=1,
            hint="check that the mapping points at the right file and format",
        )


class CsvReader(Reader):
    def __init__(self, mapping: Mapping, path: Path) -> None:
        self.path = path
        opts = mapping.csv
        self.encoding = str(opts.get("encoding", "utf-8"))
        self.delimiter = str(opts.get("delimiter", ","))
        if self.delimiter in ("\\t", "tab", "TAB"):
            self.delimiter = "\t"
        self.quotechar = str(opts.get("quotechar", '"'))
        _check_not_binary(path, self.encoding)
        self._fh = path.open(encoding=self.encoding, errors="surrogateescape", newline="")
        self._lines = (ln.replace("\x00", "\ufffd") for ln in self._fh)
        self._reader = csv.reader(self._lines, delimiter=self.delimiter, quotechar=self.quotechar)
        try:
            header = next(self._reader)
        except StopIteration:
            raise EslabonError("file is empty: no header", file=str(path), line=1) from None
        except csv.Error as err:
            raise EslabonError(
                f"header cannot be read as CSV: {err}", file=str(path), line=1
            ) from None
        if header and header[0].startswith("\ufeff"):
            header[0] = header[0][1:]
        header = [h.strip() for h in header]
        for h in header:
            problem = bad_text(h)
            if problem:
                raise EslabonError(
                    f"header is not {self.encoding} text: {problem}",
                    file=str(path),
                    line=1,
                    hint="declare the file's encoding in the mapping (csv: {encoding: ...})",
                )
        seen: set[str] = set()
        for h in header:
            if h in seen:
                raise EslabonError(
                    "column appears twice in the header", file=str(path), line=1, field=h
                )
            seen.add(h)
        if len(header) == 1 and self.delimiter not in (",",) and "," in header[0]:
            raise EslabonError(
                f"header has one column; the mapping says the delimiter is {self.delimiter!r}",
                file=str(path),
                line=1,
                hint="check csv.delimiter in the mapping",
            )
        self.columns = header
        self._line_after_header = self._reader.line_num

    def batches(self, size: int) -> Iterator[Batch]:
        """The hot loop: a well-formed record costs one join and one regex search."""
        header = self.columns
        width = len(header)
        delim = self.delimiter
        reader = self._reader
        not_text = _NOT_TEXT.search
        prev_line = self._line_after_header
        row_num = 0
        bad_encoding = 0
        batch = Batch()
        rows, nums, lines = batch.rows, batch.row_nums, batch.lines
        chars = 0
        try:
            while True:
                if len(rows) + len(batch.problems) >= size:
                    batch.chars = chars
                    yield batch
                    batch = Batch()
                    rows, nums, lines = batch.rows, batch.row_nums, batch.lines
                    chars = 0
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as err:
                    row_num += 1
                    start = prev_line + 1
                    prev_line = reader.line_num
                    batch.problems.append(
                        Record(row_num, start, None, (None, f"unreadable CSV record: {err}"))
                    )
                    continue
                start = prev_line + 1
                prev_line = reader.line_num
                text = delim.join(row)
                chars += len(text) + 1
                if (
                    len(row) == width
                    and len(text) <= MAX_FIELD_CHARS
                    and not_text(text) is None
                    and (width > 1 or row[0].strip())
                ):
                    row_num += 1
                    nums.append(row_num)
                    lines.append(start)
                    rows.append(row)
                    continue
                # the slow path: blank lines, ragged rows, and locating the field that is bad
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue  # blank line: not a record
                row_num += 1
                notes: tuple[tuple[str, str, str], ...] = ()
                if len(row) != width:
                    extra = row[width:]
                    if len(row) > width and not any(v.strip() for v in extra):
                        row = row[:width]
                        notes = (
                            ("*", "trailing_empty_fields", f"{len(extra)} empty extra fields"),
                        )
                    else:
                        batch.problems.append(
                            Record(
                                row_num,
                                start,
                                None,
                                (None, f"expected {width} fields, found {len(row)}"),
                                safe_text(text),
                            )
                        )
                        continue
                problem = None
                for col, value in zip(header, row, strict=True):
                    if len(value) > MAX_FIELD_CHARS:
                        problem = (
                            col,
                            f"value is {len(value):,} characters long; the limit is "
                            f"{MAX_FIELD_CHARS:,}",
                        )
                        text = text[:2000] + "…"
                        break
                    why = bad_text(value)
                    if why:
                        if "declared encoding" in why:
                            bad_encoding += 1
                        problem = (col, why)
                        break
                if problem:
                    if bad_encoding > 100 and bad_encoding > row_num // 2:
                        raise EslabonError(
                            f"most records are not {self.encoding} text",
                            file=str(self.path),
                            line=start,
                            field=problem[0],
                            hint="declare the file's encoding in the mapping (csv: {encoding: ...})",
                        )
                    batch.problems.append(Record(row_num, start, None, problem, safe_text(text)))
                    continue
                nums.append(row_num)
                lines.append(start)
                rows.append(row)
                batch.notes.extend((row_num, *n) for n in notes)
        finally:
            self._fh.close()
        batch.chars = chars
        if len(batch):
            yield batch


def safe_text(text: str) -> str:
    """Quarantine keeps the raw record; undecodable bytes are shown as escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _flatten(obj: dict[str, Any], prefix: str = "") -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        elif value is None:
            out[name] = None
        elif isinstance(value, list):
            out[name] = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, bool):
            out[name] = "true" if value else "false"
        else:
            out[name] = str(value)
    return out


class JsonLinesReader(Reader):
    """JSON lines: one object per line; nested objects become dotted column names."""

    SCAN = 2000
    shaped = False

    def __init__(self, mapping: Mapping, path: Path) -> None:
        self.path = path
        self.encoding = str(mapping.csv.get("encoding", "utf-8"))
        _check_not_binary(path, self.encoding)
        cols: dict[str, None] = {}
        with path.open(encoding=self.encoding, errors="replace") as fh:
            for i, line in enumerate(fh):
                if i >= self.SCAN:
                    break
                try:
                    obj = json.loads(line)
                except ValueError:
                    continue
                if isinstance(obj, dict):
                    cols.update(dict.fromkeys(_flatten(obj)))
        if not cols:
            raise EslabonError(
                "no JSON object found in the first lines; is this JSON lines?",
                file=str(path),
                line=1,
            )
        self.columns = list(cols)

    def records(self) -> Iterator[Record]:
        return json_line_records(self.path, self.encoding, _object_values)


def _object_values(obj: Any) -> dict[str, str | None] | tuple[str | None, str]:
    if not isinstance(obj, dict):
        return (None, "a JSON line must hold an object")
    return _flatten(obj)


def json_line_records(
    path: Path,
    encoding: str,
    values: Callable[[Any], dict[str, str | None] | tuple[str | None, str]],
) -> Iterator[Record]:
    """One record per non-blank line of a JSON lines file: ``values`` turns the parsed line into
    values by column, or says (field, reason) why it cannot. Lines too long, not text or not JSON
    come with their reason."""
    row_num = 0
    with path.open(encoding=encoding, errors="surrogateescape") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            row_num += 1
            if len(line) > MAX_FIELD_CHARS:
                reason, raw = _too_long(line)
                yield Record(row_num, line_no, None, (None, reason), raw)
                continue
            why = bad_text(line.rstrip("\r\n"))
            if why:
                yield Record(row_num, line_no, None, (None, why), safe_text(line))
                continue
            try:
                obj = json.loads(line)
            except ValueError as err:
                yield Record(row_num, line_no, None, (None, f"not valid JSON: {err}"), line)
                continue
            got = values(obj)
            if isinstance(got, tuple):
                yield Record(row_num, line_no, None, got, line)
            else:
                yield Record(row_num, line_no, got)


def _too_long(line: str) -> tuple[str, str]:
    reason = f"record is {len(line):,} characters long; the limit is {MAX_FIELD_CHARS:,}"
    return reason, safe_text(line[:2000]) + "…"


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class XlsxReader(Reader):
    """Excel workbooks: the first row of the sheet (mapping `xlsx: {sheet: ...}`) is the header."""

    def __init__(self, mapping: Mapping, path: Path) -> None:
        import zipfile

        import openpyxl

        self.path = path
        _check_not_binary(path, "xlsx")
        try:
            self._wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, OSError, KeyError, ValueError) as err:
            raise EslabonError(f"not a readable Excel workbook: {err}", file=str(path)) from None
        sheet = mapping.xlsx.get("sheet")
        if sheet is not None and sheet not in self._wb.sheetnames:
            raise EslabonError(
                f"workbook has no sheet '{sheet}'",
                file=str(path),
                hint=f"sheets: {', '.join(self._wb.sheetnames)}",
            )
        self._ws = self._wb[sheet] if sheet else self._wb.worksheets[0]
        rows = self._ws.iter_rows(values_only=True)
        try:
            header = next(rows)
        except StopIteration:
            raise EslabonError("sheet is empty: no header", file=str(path), line=1) from None
        self.columns = [str(h).strip() if h is not None else "" for h in header]
        self._rows = rows

    def records(self) -> Iterator[Record]:
        width = len(self.columns)
        row_num = 0
        try:
            for excel_row, row in enumerate(self._rows, start=2):
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                    continue
                row_num += 1
                values = [_cell(v) for v in row]
                if len(values) > width and any(v for v in values[width:]):
                    yield Record(
                        row_num,
                        excel_row,
                        None,
                        (None, f"expected {width} cells, found {len(values)}"),
                        json.dumps(values, ensure_ascii=False),
                    )
                    continue
                values = (values + [None] * width)[:width]
                yield Record(row_num, excel_row, dict(zip(self.columns, values, strict=True)))
        finally:
            self._wb.close()


READERS: dict[str, type[Reader]] = {"csv": CsvReader, "jsonl": JsonLinesReader, "xlsx": XlsxReader}


def _reader_class(fmt: str) -> type[Reader]:
    """The reader of a format; FtM streams live in their own module, which builds on this one."""
    if fmt == "ftm":
        from eslabon.ingest.ftm import FtmReader

        return FtmReader
    return READERS[fmt]


def open_reader(mapping: Mapping, path: Path | None = None) -> Reader:
    """The reader for the mapping's format, with the header already read."""
    path = path or mapping.file
    if not path.exists():
        raise EslabonError(
            "data file not found", file=str(path), hint=f"named by mapping {mapping.path}"
        )
    if path.is_dir():
        raise EslabonError("expected a file, found a folder", file=str(path))
    return _reader_class(mapping.format)(mapping, path)
