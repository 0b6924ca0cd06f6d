"""Shared helpers for the XML graph formats: attribute typing and value cleaning."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import quoteattr

if TYPE_CHECKING:
    import pandas as pd

NODE_ATTRS: list[tuple[str, str]] = [
    ("kind", "string"), ("caption", "string"), ("mentions", "long"), ("role", "string"),
    ("network", "string"), ("stage", "string"), ("rank", "int"), ("score", "double"),
]  # fmt: skip
EDGE_ATTRS: list[tuple[str, str]] = [
    ("link_id", "string"), ("kind", "string"), ("start_at", "string"), ("end_at", "string"),
    ("source_id", "string"), ("row_num", "long"), ("sha256", "string"),
]  # fmt: skip


def present(value: Any) -> bool:
    """False for missing values (None, NaN, pandas NA)."""
    if value is None:
        return False
    try:
        return not (isinstance(value, float) and math.isnan(value)) and str(value) != "<NA>"
    except TypeError:
        return True


def rows(frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """A frame's rows as {column: value}."""
    for row in frame.itertuples(index=False):
        yield row._asdict()


def attributes(
    values: dict[str, Any], attrs: list[tuple[str, str]], element: Callable[[str, str, Any], str]
) -> str:
    """The elements of a row's declared attributes, in declared order; missing ones are left out."""
    return "".join(element(n, k, values[n]) for n, k in attrs if present(values[n]))


def text(value: Any, kind: str) -> str:
    """A value as XML text; numbers without a trailing '.0' when integral."""
    if kind in ("int", "long", "integer"):
        return str(int(value))
    if kind in ("double", "float"):
        return repr(float(value))
    return escape_text(str(value))


def _allowed(value: str) -> str:
    """Characters XML 1.0 forbids (control characters) are dropped."""
    return "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 32)


def escape_text(value: str) -> str:
    return _allowed(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr(value: str) -> str:
    """A quoted, escaped XML attribute value."""
    return quoteattr(_allowed(value), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})
