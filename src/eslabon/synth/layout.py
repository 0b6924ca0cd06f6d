"""Declarative source layouts: a country's conventions and one table of columns and mappings.

A source's columns and its entity mappings name the same columns; writing them once, as a table
(a line per column, then the ``key.property`` each feeds), keeps the two from drifting apart.
"""

from __future__ import annotations

import re
from typing import Any

CONVENTIONS = {"MX": ("es", "DMY"), "GT": ("es", "DMY"), "US": ("en", "MDY")}
LEAD = {"IdentityDocument": "number"}  # a property a kind's mapping lists first


def agency(country: str, *, dates: str | None = None) -> dict[str, str]:
    """Language, date convention and phone region of a country's agencies."""
    language, convention = CONVENTIONS[country]
    return {
        "country": country,
        "language": language,
        "date_convention": dates or convention,
        "phone_region": country,
    }


def layout(table: str, **kinds: str) -> dict[str, Any]:
    """``columns`` and ``entities`` of a SourceSpec from a table and the kind of each key.

    Each table line is a column name, then (after two spaces or more) the ``key.property``
    fields it maps to. Entities keep the order of ``kinds``; properties the order of columns.
    """
    columns: list[str] = []
    props: dict[str, dict[str, str]] = {key: {} for key in kinds}
    for line in table.strip().splitlines():
        column, *targets = re.split(r"\s{2,}", line.strip())
        columns.append(column)
        for target in targets:
            key, prop = target.split(".", 1)
            props[key][prop] = column
    entities = {}
    for key, kind in kinds.items():
        p = props[key]
        lead = LEAD.get(kind)
        if lead in p:
            p = {lead: p[lead]} | {k: v for k, v in p.items() if k != lead}
        entities[key] = {"kind": kind, "properties": p}
    return {"columns": columns, "entities": entities}


def uses(person: str, phone: str) -> dict[str, str]:
    """A PhoneUse link: the person in this row used the phone in this row."""
    return {"kind": "PhoneUse", "subject": person, "object": phone}


def holds(person: str, document: str, role: str) -> dict[str, Any]:
    """An Ownership link that attaches an identity document to the person who showed it."""
    return link("Ownership", person, document, role=lit(role))


def lit(value: str) -> dict[str, str]:
    """A constant property value (the same for every row)."""
    return {"literal": value}


def link(
    kind: str,
    subject: str,
    obj: str | None = None,
    *,
    start: str | tuple[str, ...] | None = None,
    end: str | None = None,
    **properties: str | dict[str, str],
) -> dict[str, Any]:
    """A link mapping; ``start`` is a date column or (date, time) columns."""
    out: dict[str, Any] = {"kind": kind, "subject": subject}
    if obj:
        out["object"] = obj
    if start:
        out["start"] = {"column": start} if isinstance(start, str) else {"columns": list(start)}
    if end:
        out["end"] = {"column": end}
    if properties:
        out["properties"] = properties
    return out
