"""Evaluation sections: each stage registers a function producing one top-level key of the report.

`eslabon eval TRUTH_DIR` composes whatever sections are registered, so a later stage (network,
trace, disrupt) adds its own key by registering a function, without touching the command.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from eslabon.store.connection import Store

Section = Callable[[Store, Path], dict[str, Any]]
SECTIONS: dict[str, Section] = {}


def section(name: str) -> Callable[[Section], Section]:
    """Register ``fn(store, truth_dir) -> dict`` under the report key ``name``."""

    def register(fn: Section) -> Section:
        SECTIONS[name] = fn
        return fn

    return register


def evaluate(store: Store, truth_dir: Path, only: list[str] | None = None) -> dict[str, Any]:
    """The full report: one key per registered section (or just those in ``only``)."""
    names = only if only else sorted(SECTIONS)
    return {name: SECTIONS[name](store, truth_dir) for name in names if name in SECTIONS}
