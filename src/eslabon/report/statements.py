"""Facts that carry their provenance: the only things a case file may say.

A ``Statement`` cannot be built without at least one source row, and the renderers call
``require_sources`` on every statement they print, so an unsourced sentence cannot reach a file.
Sentences are catalogue keys with parameters, never free text, so each exists in English and Spanish.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eslabon.errors import EslabonError


@dataclass(frozen=True, order=True)
class Provenance:
    """One source row: the file it came from and that file's sha256 when it was ingested."""

    source_id: str
    row_num: int
    line: int | None
    path: str
    sha256: str

    @property
    def key(self) -> tuple[str, int]:
        return (self.source_id, self.row_num)


@dataclass(frozen=True)
class Term:
    """A parameter translated through the catalogue (a role, a link kind), not shown as recorded."""

    group: str
    value: str


@dataclass(frozen=True)
class Statement:
    """A sentence (catalogue key + parameters) and the source rows that support it."""

    key: str
    params: dict[str, Any]
    sources: tuple[Provenance, ...]
    section: str = ""
    refs: tuple[str, ...] = field(default=(), compare=False)  # evidence ids, set by the case file

    def __post_init__(self) -> None:
        require_sources(self)


def require_sources(statement: Statement) -> Statement:
    """Refuse a statement without a source row: the case file's one hard rule."""
    if not statement.sources:
        raise EslabonError(
            f"refusing to state {statement.key!r} without a source row",
            hint="every statement in a case file must trace to a source file, row and hash",
        )
    for p in statement.sources:
        if not (p.source_id and p.row_num and p.sha256):
            raise EslabonError(f"statement {statement.key!r} has an incomplete source {p}")
    return statement


def merge_sources(*groups: tuple[Provenance, ...] | list[Provenance]) -> tuple[Provenance, ...]:
    """Distinct provenance rows in a stable order (by source and row)."""
    seen: dict[tuple[str, int], Provenance] = {}
    for group in groups:
        for p in group:
            seen.setdefault(p.key, p)
    return tuple(sorted(seen.values(), key=lambda p: (p.source_id, p.row_num)))
