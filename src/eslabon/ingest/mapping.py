"""Source mappings: parse the declarative YAML and check it against the model before any row is read.

Every error names the mapping file and the line of the offending entry, so a user can fix the
mapping without reading code.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import phonenumbers
import yaml

from eslabon.access.labels import Label, parse_label
from eslabon.errors import EslabonError
from eslabon.model import Schema, load_schema

FORMATS = ("csv", "jsonl", "xlsx", "ftm")
DATE_CONVENTIONS = ("DMY", "MDY", "ISO")
LINK_TIME_FIELDS = ("start", "end")
TOP_LEVEL_KEYS = {
    "source",
    "file",
    "format",
    "csv",
    "xlsx",
    "country",
    "language",
    "date_convention",
    "phone_region",
    "currency",
    "description",
    "entities",
    "links",
    "label",
}
CSV_OPTIONS = {"delimiter", "encoding", "quotechar", "header"}


class _Lined(dict):
    """A YAML mapping that remembers the line of each key (1-based) for error messages."""

    lines: dict[str, int]
    line: int


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings carry line numbers."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Lined:
    loader.flatten_mapping(node)
    result = _Lined()
    result.lines = {}
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[str(key)] = key_node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _line(node: Any, key: str | None = None) -> int | None:
    if isinstance(node, _Lined):
        if key is not None and key in node.lines:
            return node.lines[key]
        return node.line
    return None


@dataclass(frozen=True)
class ValueSpec:
    """Where a property's value comes from: columns joined, or a literal."""

    columns: tuple[str, ...] = ()
    literal: str | None = None
    join: str = " "
    line: int | None = None


@dataclass(frozen=True)
class EntitySpec:
    key: str
    kind: str
    keys: tuple[str, ...]
    properties: dict[str, ValueSpec]
    line: int | None


@dataclass(frozen=True)
class LinkSpec:
    key: str
    kind: str
    subject: str
    object: str | None
    start: ValueSpec | None
    end: ValueSpec | None
    properties: dict[str, ValueSpec]
    line: int | None


@dataclass(frozen=True)
class Mapping:
    """A validated source mapping."""

    path: Path
    sha256: str
    source: str
    file: Path
    format: str
    country: str | None
    language: str | None
    date_convention: str
    phone_region: str | None
    currency: str | None
    csv: dict[str, Any]
    xlsx: dict[str, Any]
    entities: dict[str, EntitySpec]
    links: dict[str, LinkSpec]
    raw: dict[str, Any] = field(repr=False)
    label: Label | None = None  # security label (docs/access.md); None: unlabelled

    def column_uses(self) -> list[tuple[str, int | None, str]]:
        """Every column the mapping reads: (column, mapping line, what uses it)."""
        uses: list[tuple[str, int | None, str]] = []
        for ent in self.entities.values():
            for col in ent.keys:
                uses.append((col, ent.line, f"entities.{ent.key}.keys"))
            for prop, spec in ent.properties.items():
                for col in spec.columns:
                    uses.append((col, spec.line, f"entities.{ent.key}.properties.{prop}"))
        for link in self.links.values():
            for name, spec in [("start", link.start), ("end", link.end)]:
                if spec is not None:
                    for col in spec.columns:
                        uses.append((col, spec.line, f"links.{link.key}.{name}"))
            for prop, spec in link.properties.items():
                for col in spec.columns:
                    uses.append((col, spec.line, f"links.{link.key}.properties.{prop}"))
        return uses

    def check_columns(self, available: list[str] | set[str], data_file: Path | str) -> None:
        """Refuse a mapping that names a column the file does not have (before reading rows)."""
        have = set(available)
        for column, line, where in self.column_uses():
            if column not in have:
                shown = ", ".join(sorted(have)[:30])
                raise EslabonError(
                    f"{where} names column '{column}', which {Path(data_file).name} does not have",
                    file=str(self.path),
                    line=line,
                    field=column,
                    hint=f"the file's columns are: {shown}",
                )


def _err(path: Path, message: str, line: int | None, fld: str | None = None, hint=None):
    return EslabonError(message, file=str(path), line=line, field=fld, hint=hint)


def _value_spec(path: Path, raw: Any, line: int | None, where: str) -> ValueSpec:
    if isinstance(raw, str):
        return ValueSpec(columns=(raw,), line=line)
    if isinstance(raw, (int, float, bool)):
        return ValueSpec(literal=str(raw), line=line)
    if isinstance(raw, dict):
        unknown = set(raw) - {"column", "columns", "literal", "join"}
        if unknown:
            raise _err(path, f"{where}: unknown option(s) {sorted(unknown)}", _line(raw))
        if "literal" in raw:
            return ValueSpec(literal=str(raw["literal"]), line=_line(raw) or line)
        if "column" in raw:
            return ValueSpec(columns=(str(raw["column"]),), line=_line(raw) or line)
        cols = raw.get("columns")
        if isinstance(cols, list) and cols and all(isinstance(c, str) for c in cols):
            return ValueSpec(
                columns=tuple(cols), join=str(raw.get("join", " ")), line=_line(raw) or line
            )
        raise _err(
            path,
            f"{where}: expected `column`, `columns: [..]` or `literal`",
            _line(raw) or line,
        )
    raise _err(path, f"{where}: expected a column name or a mapping, got {raw!r}", line)


def _props(
    path: Path, raw: Any, allowed: dict[str, str], kind: str, where: str
) -> dict[str, ValueSpec]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _err(path, f"{where}.properties must be a mapping", _line(raw))
    out = {}
    for prop, value in raw.items():
        line = _line(raw, prop)
        if prop not in allowed:
            raise _err(
                path,
                f"{where}: {kind} has no property '{prop}'",
                line,
                prop,
                hint=f"{kind} properties: {', '.join(sorted(allowed))}",
            )
        out[prop] = _value_spec(path, value, line, f"{where}.properties.{prop}")
    return out


def parse_mapping(
    path: Path, text: str, *, schema: Schema | None = None, data_file: Path | None = None
) -> Mapping:
    """Parse and validate mapping YAML ``text`` read from ``path``."""
    schema = schema or load_schema()
    try:
        raw = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(err, "problem", None) or str(err)
        raise _err(path, f"not valid YAML: {problem}", line) from None
    if not isinstance(raw, dict):
        raise _err(path, "a mapping must be a YAML mapping with `source`, `file`, `entities`", 1)

    unknown = set(raw) - TOP_LEVEL_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise _err(
            path,
            f"unknown mapping key '{key}'",
            _line(raw, key),
            key,
            hint=f"known keys: {', '.join(sorted(TOP_LEVEL_KEYS))}",
        )
    for required in ("source", "entities"):
        if required not in raw:
            raise _err(path, f"missing `{required}`", 1, required)
    if "file" not in raw and data_file is None:
        raise _err(path, "missing `file` (or pass the data file on the command line)", 1, "file")

    source = str(raw["source"])
    fmt = str(raw.get("format") or _guess_format(data_file or Path(str(raw["file"]))))
    if fmt not in FORMATS:
        raise _err(path, f"format '{fmt}' is not one of {', '.join(FORMATS)}", _line(raw, "format"))
    conv = str(raw.get("date_convention", "ISO")).upper()
    if conv not in DATE_CONVENTIONS:
        raise _err(
            path,
            f"date_convention '{conv}' is not one of {', '.join(DATE_CONVENTIONS)}",
            _line(raw, "date_convention"),
            "date_convention",
        )
    region = raw.get("phone_region")
    if region is not None:
        region = str(region).upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise _err(
                path,
                f"phone_region '{region}' is not a known region code (e.g. MX, US, GT)",
                _line(raw, "phone_region"),
                "phone_region",
            )
    csv_opts = raw.get("csv") or {}
    if not isinstance(csv_opts, dict) or set(csv_opts) - CSV_OPTIONS:
        raise _err(
            path,
            f"csv options must be among {', '.join(sorted(CSV_OPTIONS))}",
            _line(raw, "csv"),
            "csv",
        )
    if "encoding" in csv_opts:
        import codecs

        try:
            codecs.lookup(str(csv_opts["encoding"]))
        except LookupError:
            raise _err(
                path,
                f"unknown encoding '{csv_opts['encoding']}'",
                _line(csv_opts, "encoding"),
                "encoding",
            ) from None

    entities_raw = raw["entities"]
    if not isinstance(entities_raw, dict) or not entities_raw:
        raise _err(path, "`entities` must map keys to entity specs", _line(raw, "entities"))
    entities: dict[str, EntitySpec] = {}
    for key, spec in entities_raw.items():
        where = f"entities.{key}"
        line = _line(entities_raw, key)
        if not isinstance(spec, dict) or "kind" not in spec:
            raise _err(path, f"{where} needs a `kind`", line)
        unknown = set(spec) - {"kind", "keys", "properties"}
        if unknown:
            raise _err(path, f"{where}: unknown option(s) {sorted(unknown)}", line)
        kind = schema.entity(str(spec["kind"]))
        if kind is None:
            raise _err(
                path,
                f"{where}: unknown entity kind '{spec['kind']}'",
                _line(spec, "kind"),
                "kind",
                hint=f"known kinds: {', '.join(schema.entities)}",
            )
        keys = spec.get("keys") or []
        if isinstance(keys, str):
            keys = [keys]
        props = _props(path, spec.get("properties"), kind.properties, kind.name, where)
        if not props:
            raise _err(path, f"{where} maps no properties", line)
        entities[str(key)] = EntitySpec(str(key), kind.name, tuple(map(str, keys)), props, line)

    links: dict[str, LinkSpec] = {}
    links_raw = raw.get("links") or {}
    if not isinstance(links_raw, dict):
        raise _err(path, "`links` must map keys to link specs", _line(raw, "links"))
    for key, spec in links_raw.items():
        where = f"links.{key}"
        line = _line(links_raw, key)
        if not isinstance(spec, dict) or "kind" not in spec or "subject" not in spec:
            raise _err(path, f"{where} needs a `kind` and a `subject`", line)
        unknown = set(spec) - {"kind", "subject", "object", "start", "end", "properties"}
        if unknown:
            raise _err(path, f"{where}: unknown option(s) {sorted(unknown)}", line)
        kind = schema.link(str(spec["kind"]))
        if kind is None:
            raise _err(
                path,
                f"{where}: unknown link kind '{spec['kind']}'",
                _line(spec, "kind"),
                "kind",
                hint=f"known kinds: {', '.join(schema.links)}",
            )
        ends: dict[str, str | None] = {}
        for end_name, allowed in (("subject", kind.subject), ("object", kind.object)):
            ref = spec.get(end_name)
            if ref is None:
                ends[end_name] = None
                continue
            ref = str(ref)
            if ref not in entities:
                raise _err(
                    path,
                    f"{where}.{end_name} '{ref}' is not an entity key of this mapping",
                    _line(spec, end_name),
                    end_name,
                    hint=f"entity keys: {', '.join(entities)}",
                )
            if allowed and entities[ref].kind not in allowed:
                raise _err(
                    path,
                    f"{where}.{end_name}: a {kind.name} {end_name} must be "
                    f"{' or '.join(allowed)}, not {entities[ref].kind}",
                    _line(spec, end_name),
                    end_name,
                )
            ends[end_name] = ref
        times = {
            t: _value_spec(path, spec[t], _line(spec, t), f"{where}.{t}") if t in spec else None
            for t in LINK_TIME_FIELDS
        }
        props = _props(path, spec.get("properties"), kind.properties, kind.name, where)
        links[str(key)] = LinkSpec(
            str(key),
            kind.name,
            ends["subject"] or "",
            ends["object"],
            times["start"],
            times["end"],
            props,
            line,
        )

    label = parse_label(raw["label"], path, _line(raw, "label")) if "label" in raw else None
    file = data_file if data_file is not None else (path.parent / str(raw["file"])).resolve()
    return Mapping(
        path=path,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        source=source,
        file=Path(file),
        format=fmt,
        country=str(raw["country"]).upper() if raw.get("country") else None,
        language=str(raw["language"]) if raw.get("language") else None,
        date_convention=conv,
        phone_region=region,
        currency=str(raw["currency"]).upper() if raw.get("currency") else None,
        csv=dict(csv_opts),
        xlsx=dict(raw.get("xlsx") or {}),
        entities=entities,
        links=links,
        raw=_plain(raw),
        label=label,
    )


def _plain(obj: Any) -> Any:
    """Strip line bookkeeping so the mapping can be stored as JSON."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    if isinstance(obj, (str, int, float, bool)) or obj is None:
        return obj
    return str(obj)


def _guess_format(file: Path) -> str:
    suffix = file.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    return "csv"


def load_mapping(path: Path | str, *, data_file: Path | str | None = None) -> Mapping:
    """Read and validate the mapping at ``path`` (``data_file`` overrides its `file`)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EslabonError("mapping file not found", file=str(path)) from None
    except UnicodeDecodeError as err:
        raise EslabonError(f"mapping is not UTF-8 text ({err.reason})", file=str(path)) from None
    return parse_mapping(path, text, data_file=Path(data_file) if data_file else None)
