"""Evaluation sections: each stage registers a function producing one top-level key of the report.

`eslabon eval TRUTH_DIR` composes whatever sections are registered, so a later stage (network,
trace, disrupt) adds its own key by registering a function, without touching the command.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from eslabon.errors import EslabonError
from eslabon.evaluate.truth import truth_file
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
    """The full report: one key per registered section (or just those in ``only``).

    Composing everything, a section whose stage has not run yet (it raises an EslabonError,
    e.g. "no network built") is reported as ``{"skipped": reason}`` so that scoring resolution
    does not require running every later stage first. Sections named in ``only`` must run:
    their errors propagate, and an unknown name is an error.
    """
    truth_file(truth_dir, "mentions.csv")  # no truth at all is an error, not a skipped section
    if only:
        unknown = [name for name in only if name not in SECTIONS]
        if unknown:
            raise EslabonError(
                f"no evaluation section {', '.join(unknown)}",
                hint=f"known sections: {', '.join(sorted(SECTIONS))}",
            )
        return {name: SECTIONS[name](store, truth_dir) for name in only}
    report: dict[str, Any] = {}
    for name in sorted(SECTIONS):
        try:
            report[name] = SECTIONS[name](store, truth_dir)
        except EslabonError as err:
            report[name] = {"skipped": err.describe()}
    return report
