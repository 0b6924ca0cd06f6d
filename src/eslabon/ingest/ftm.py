"""Read a FollowTheMoney entity stream (JSON lines) as a source for `eslabon ingest`.

Each FtM entity is one record. Columns are ``id``, ``schema`` and ``<Schema>.<property>`` (first
value), so a mapping picks the schema it wants by column name and rows of other schemata leave
those columns empty (no mention is made from an empty row). Links name their parties by id; the
reader joins them in: ``Call.caller.name`` is the name of the entity in the call's ``caller``.
``ftm_mapping.yaml`` beside this module maps the stream ``eslabon export --format ftm`` writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from eslabon.errors import EslabonError
from eslabon.ingest.readers import Reader, Record, json_line_records

SCHEMATA = ("Person", "Organization", "Vehicle", "Address", "BankAccount", "Call", "Payment",
            "Event", "UnknownLink", "Ownership", "Employment", "Associate")  # fmt: skip
# Properties of a referenced party that a row carries along.
PARTY_PROPS = ("name", "firstName", "fatherName", "motherName", "birthDate", "idNumber",
               "taxNumber", "passportNumber", "gender", "nationality", "alias", "phone",
               "registrationNumber", "accountNumber", "bankName", "full", "model")  # fmt: skip


@cache
def ftm_columns() -> tuple[str, ...]:
    """Every column an FtM row can have, from the FtM model (known before reading)."""
    from followthemoney import model

    cols = ["id", "schema"]
    for name in SCHEMATA:
        schema = model.get(name)
        for prop_name in sorted(schema.properties):
            prop = schema.properties[prop_name]
            if prop.stub or prop.hidden:
                continue
            if prop.type.name == "entity":
                cols.append(f"{name}.{prop_name}")
                cols.extend(f"{name}.{prop_name}.{p}" for p in PARTY_PROPS)
            else:
                cols.append(f"{name}.{prop_name}")
    return tuple(cols)


def default_mapping() -> Path:
    """The shipped mapping for streams written by `eslabon export --format ftm`."""
    return Path(__file__).with_name("ftm_mapping.yaml")


def _first(values: Any) -> str | None:
    if isinstance(values, list):
        return str(values[0]) if values else None
    return None if values is None else str(values)


class FtmReader(Reader):
    """FtM entity stream reader; two passes: index the parties, then yield one row per entity."""

    def __init__(self, mapping: Any, path: Path) -> None:
        self.path = path
        self.columns = list(ftm_columns())
        self._parties: dict[str, dict[str, Any]] = {}
        seen = False
        with path.open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                try:
                    obj = json.loads(line)
                except ValueError:
                    continue
                if isinstance(obj, dict) and "schema" in obj:
                    seen = True
                    if obj.get("id"):
                        self._parties[str(obj["id"])] = obj.get("properties") or {}
        if not seen:
            raise EslabonError(
                "no FollowTheMoney entity found (a JSON object with `schema` per line)",
                file=str(path),
                line=1,
            )

    def _row(self, obj: dict[str, Any]) -> dict[str, str | None]:
        schema = str(obj.get("schema"))
        props = obj.get("properties") or {}
        row: dict[str, str | None] = {"id": _first(obj.get("id")), "schema": schema}
        if schema not in SCHEMATA:
            return row
        for prop, values in props.items():
            row[f"{schema}.{prop}"] = _first(values)
            party = self._parties.get(_first(values) or "")
            if party is not None and f"{schema}.{prop}.name" in self._columns_set:
                for p in PARTY_PROPS:
                    row[f"{schema}.{prop}.{p}"] = _first(party.get(p))
        return {c: v for c, v in row.items() if c in self._columns_set}

    @property
    def _columns_set(self) -> frozenset[str]:
        return _column_set()

    def records(self) -> Iterator[Record]:
        return json_line_records(self.path, "utf-8", self._values)

    def _values(self, obj: Any) -> dict[str, str | None] | tuple[str | None, str]:
        if not isinstance(obj, dict) or "schema" not in obj:
            return ("schema", "not an FtM entity (no schema)")
        values = dict.fromkeys(self.columns)
        values.update(self._row(obj))
        return values


@cache
def _column_set() -> frozenset[str]:
    return frozenset(ftm_columns())
