"""Money amounts as written in MX, US and Central American records, to Decimal plus ISO 4217.

Separator rule (documented because it is a guess): see `parse_money`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

__all__ = ["MoneyResult", "currency_code", "parse_money"]


@dataclass(frozen=True, slots=True)
class MoneyResult:
    """status: "ok", "empty", "invalid" (no amount could be read) or "inconsistent" (the text's
    currency contradicts the currency column; the column wins). note says what was assumed."""

    amount: Decimal | None
    currency: str | None
    status: str
    note: str = ""


_CURRENCY_WORDS: tuple[tuple[str, str], ...] = (
    ("USD", r"US\s*\$|U\$S|USD|DLLS?|DLS|DOLARES|DOLAR|DOLLARS?|DOLLAR|USCY"),
    ("MXN", r"MX\s*\$|MEX\s*\$|MXN|MXP|M\.?\s*N|PESOS MEXICANOS|PESOS?"),
    ("GTQ", r"GTQ|QUETZALES|QUETZAL|Q"),
    ("HNL", r"HNL|LEMPIRAS|LEMPIRA|LPS|L"),
    ("EUR", r"EUR|EUROS?|€"),
)
_CURRENCY_RE = [
    (code, re.compile(rf"(?<![A-Z])(?:{pattern})(?![A-Z])\.?")) for code, pattern in _CURRENCY_WORDS
]
_KNOWN_CODES = frozenset(code for code, _ in _CURRENCY_WORDS) | {"CAD", "SVC", "CRC", "NIO"}
_NUMBER_RE = re.compile(r"^[+-]?\d[\d.,' ]*$|^[+-]?[.,]\d+$")
_MINUS = "-\u2212\u2012\u2013"


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).upper()
    return s.replace("\u00a0", " ").replace("\u202f", " ")


@lru_cache(maxsize=4096)
def currency_code(raw: str | None) -> str | None:
    """ISO 4217 code for a currency column value ('pesos', 'Dólares', 'USD'); None if unknown."""
    if not raw:
        return None
    s = _fold(raw).strip().replace(".", "")
    if s in _KNOWN_CODES:
        return s
    for code, pattern in _CURRENCY_RE:
        if pattern.fullmatch(s):
            return code
    return None


def parse_money(
    amount: object, currency: str | None = None, default_currency: str | None = None
) -> MoneyResult:
    """Read an amount; currency = the row's currency column, default_currency = the source's.

    Separators: with both '.' and ',' the last one is the decimal point. With one kind only: used
    more than once, or once followed by exactly three digits (and a non-zero integer part), it
    groups thousands ("1,234" and "1.234" are 1234: three-decimal money is rare and MX, US, GT and
    HN all write 1,234.50); otherwise it is the decimal point ("1234,50"). A bare '$' means pesos
    or dollars, so the currency then comes from the column or the source default.
    """
    column = currency_code(currency) if isinstance(currency, str) else None
    notes = []
    if isinstance(currency, str) and currency.strip() and column is None:
        notes.append(f"unknown currency {currency!r}")
    default = currency_code(default_currency) if default_currency else None
    if amount is None:
        return MoneyResult(None, None, "empty")
    if isinstance(amount, bool):
        return MoneyResult(None, None, "invalid", f"{amount!r} is not an amount")
    if isinstance(amount, float):
        if math.isnan(amount) or math.isinf(amount):
            return MoneyResult(None, None, "empty" if math.isnan(amount) else "invalid")
        amount = Decimal(repr(amount))
    if isinstance(amount, int | Decimal):
        if isinstance(amount, Decimal) and not amount.is_finite():
            return MoneyResult(None, None, "invalid", f"{amount} is not an amount")
        cur = column or default
        note = "" if cur else "no currency given"
        return MoneyResult(Decimal(amount), cur, "ok", "; ".join([*notes, note] if note else notes))
    result = _parse_text(str(amount).strip(), column, default)
    if notes:
        return MoneyResult(result.amount, result.currency, result.status, "; ".join(
            [*notes, result.note] if result.note else notes))  # fmt: skip
    return result


@lru_cache(maxsize=65536)
def _parse_text(text: str, column: str | None, default: str | None) -> MoneyResult:
    if not text:
        return MoneyResult(None, None, "empty")
    s = _fold(text)
    found: list[str] = []
    for code, pattern in _CURRENCY_RE:
        s, n = pattern.subn(" ", s)
        if n:
            found.append(code)
    dollar_sign = "$" in s
    s = s.replace("$", " ")
    notes: list[str] = []
    negative = False
    s = s.strip()
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    if s and s[0] in _MINUS:
        negative, s = not negative, s[1:].strip()
    elif s and s[-1] in _MINUS:  # accounting style "500-"
        negative, s = not negative, s[:-1].strip()
    s = s.lstrip("+").strip()
    if not s:
        return MoneyResult(None, None, "invalid", f"no amount in {text!r}")
    if not _NUMBER_RE.match(s):
        return MoneyResult(None, None, "invalid", f"cannot read an amount in {text!r}")
    value, guess = _number(s)
    if value is None:
        return MoneyResult(None, None, "invalid", f"cannot read separators in {text!r}")
    if guess:
        notes.append(guess)
    if negative:
        value = -value
    status = "ok"
    if len(set(found)) > 1:
        notes.append(f"several currencies in text ({', '.join(found)}); first kept")
    text_cur = found[0] if found else None
    if column and text_cur and column != text_cur:
        status = "inconsistent"
        notes.append(f"text says {text_cur} but currency column says {column}; column kept")
    cur = column or text_cur or default
    if cur is None:
        notes.append(
            "'$' is used for pesos and dollars; no currency" if dollar_sign else "no currency"
        )
    return MoneyResult(value, cur, status, "; ".join(notes))


def _number(s: str) -> tuple[Decimal | None, str]:
    """Decimal for a digits-and-separators string, plus a note when the reading was a guess."""
    s = s.replace("'", ",")
    # spaces between digit groups are thousands separators ("1 234,50")
    if " " in s:
        groups = s.split()
        if (
            not all(len(g) == 3 for g in groups[1:-1])
            or len(groups[-1].split(",")[0].split(".")[0]) != 3
        ):
            return None, ""
        s = "".join(groups)
    note = ""
    has_dot, has_comma = "." in s, "," in s
    if has_dot and has_comma:
        dec = "." if s.rfind(".") > s.rfind(",") else ","
        thousands = "," if dec == "." else "."
        whole, _, frac = s.rpartition(dec)
        if dec in whole or not _grouped(whole, thousands):
            return None, ""
        s = whole.replace(thousands, "") + "." + frac
    elif has_dot or has_comma:
        sep = "." if has_dot else ","
        parts = s.split(sep)
        if len(parts) > 2:
            if not _grouped(s, sep):
                return None, ""
            s = s.replace(sep, "")
        elif len(parts[1]) == 3 and parts[0].lstrip("+-") not in ("", "0"):
            s = parts[0] + parts[1]
            note = f"read {sep!r} in {sep.join(parts)!r} as a thousands separator"
        else:
            s = parts[0] + "." + parts[1]
    try:
        return Decimal(s), note
    except InvalidOperation:
        return None, ""


def _grouped(whole: str, sep: str) -> bool:
    """True when `sep` splits `whole` into proper thousands groups (1,234,567)."""
    groups = whole.split(sep)
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
