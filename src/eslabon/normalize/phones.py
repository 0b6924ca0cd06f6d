"""Phone numbers to E.164 with `phonenumbers`, undoing the ways the border region writes them.

Handles dialling prefixes (00, 011), the legacy Mexican 044/045/01 and +52 1 forms, extensions
and junk text around the number.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberFormat, ValidationResult

__all__ = ["PhoneResult", "normalize_phone", "parse_e164"]


@dataclass(frozen=True, slots=True)
class PhoneResult:
    """E.164 form (None when no reading is even possible), status and a note for people.

    status: "valid" (a real numbering-plan number), "possible" (right length for the country but
    outside assigned ranges, e.g. synthetic numbers), "invalid" or "empty".
    """

    e164: str | None
    status: str
    note: str = ""
    extension: str | None = None


_EXT_RE = re.compile(
    r"(?:\b(?:ext|extension|extensi[oó]n|anexo)\.?|x|#)\s*:?\s*(\d{1,6})\s*$", re.IGNORECASE
)
_SPLIT_RE = re.compile(r"\s*(?:[/,;|]|\s(?:y|o|or|and)\s)\s*", re.IGNORECASE)
_NON_DIGIT = re.compile(r"\D+")
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[A-Za-z]{2,}")
_NANP = frozenset({"US", "CA"})


def _as_text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float):
        if math.isnan(raw):
            return ""
        if raw.is_integer():
            return str(int(raw))
    return str(raw).strip()


def normalize_phone(raw: object, region: str | None) -> PhoneResult:
    """Normalise one recorded phone number; `region` is the source's default (alpha-2).

    Never raises. An e164 is given whenever phonenumbers calls the number possible; the status
    says whether it is also valid.
    """
    text = _as_text(raw)
    reg = region.upper() if isinstance(region, str) and region.strip() else None
    return _normalize(text, reg)


# A number written with digits and layout only (spaces, dots, dashes, brackets, a leading +):
# nothing to split, no extension, no words, so its reading depends on its digits alone.
_PLAIN = re.compile(r"\+?[\d\s().\-]*\d[\d\s().\-]*")


@lru_cache(maxsize=262144)
def _normalize(text: str, region: str | None) -> PhoneResult:
    if not text:
        return PhoneResult(None, "empty", "")
    if _PLAIN.fullmatch(text):  # fast path: "55 1234 5678" and "5512345678" share one reading
        return _read_digits(_NON_DIGIT.sub("", text), text.startswith("+"), region, (), None)
    return _full(text, region)


def _full(text: str, region: str | None) -> PhoneResult:
    """Any text: split off other numbers and extensions, note words, then read the digits."""
    notes: list[str] = []
    parts = [p for p in _SPLIT_RE.split(text) if len(_NON_DIGIT.sub("", p)) >= 7]
    if len(parts) > 1:
        notes.append(f"several numbers in one field; first kept, others: {', '.join(parts[1:])}")
        text = parts[0]
    extension = None
    m = _EXT_RE.search(text)
    if m:
        extension = m.group(1)
        text = text[: m.start()]
    digits = _NON_DIGIT.sub("", text)
    if not digits:
        return PhoneResult(None, "invalid", f"no digits in {text!r}", extension)
    first_digit = _DIGIT.search(text)
    plus = first_digit is not None and "+" in text[: first_digit.start()]
    if _WORD.search(text):
        notes.append("text around the number ignored")
    return _read_digits(digits, plus, region, tuple(notes), extension)


@lru_cache(maxsize=262144)
def _read_digits(
    digits: str, plus: bool, region: str | None, noted: tuple[str, ...], extension: str | None
) -> PhoneResult:
    """The reading of the digits (with or without a written +), after the notes so far."""
    if len(digits) > 17:
        return PhoneResult(None, "invalid", f"too many digits ({len(digits)})", extension)
    notes = list(noted)

    # the first valid reading wins; failing that, the first possible one
    fallback: tuple[phonenumbers.PhoneNumber, list[str]] | None = None
    for candidate, how in _readings(digits, plus, region):
        number = _parse(candidate, region)
        if number is None:
            continue
        number, fix = _fix_mexico(number)
        reason = phonenumbers.is_possible_number_with_reason(number)
        if reason != ValidationResult.IS_POSSIBLE:
            continue
        used = [n for n in (how, fix) if n]
        if phonenumbers.is_valid_number(number):
            e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
            return PhoneResult(e164, "valid", "; ".join(notes + used), extension)
        if fallback is None:
            fallback = (number, used)
    if fallback is not None:
        number, used = fallback
        e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        used.append("right length but outside assigned number ranges")
        return PhoneResult(e164, "possible", "; ".join(notes + used), extension)
    where = f" for region {region}" if region else " (no default region)"
    notes.insert(0, f"{digits} is not a possible phone number{where}")
    return PhoneResult(None, "invalid", "; ".join(notes), extension)


def _readings(digits: str, plus: bool, region: str | None) -> list[tuple[str, str]]:
    """Candidate strings in order of trust, each with the note to add if it is the one used."""
    if plus:
        return [("+" + digits, "")]
    readings = [(digits, "")]
    # international prefixes from the other side of the border (a US-dialled number in a Mexican
    # source and the reverse), then a country code written without "+"
    if digits.startswith("011") and region not in _NANP:
        readings.append(("+" + digits[3:], "read 011 as the US international prefix"))
    if digits.startswith("00") and region in _NANP:
        readings.append(("+" + digits[2:], "read 00 as an international prefix"))
    if len(digits) > 10 and not digits.startswith("0"):
        readings.append(("+" + digits, "read as an international number written without +"))
    return readings


def parse_e164(number: str | None) -> phonenumbers.PhoneNumber | None:
    """A number already stored in E.164 (with or without its ``+``), parsed; None if it is not."""
    if not number:
        return None
    return _parse(number if number.startswith("+") else "+" + number, None)


def _parse(candidate: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return None


def _fix_mexico(number: phonenumbers.PhoneNumber) -> tuple[phonenumbers.PhoneNumber, str]:
    """Drop the prefixes Mexico retired in 2019-2020: +52 1 (mobile), 044/045 and 01."""
    if number.country_code != 52:
        return number, ""
    national = str(number.national_number)
    if number.italian_leading_zero:  # phonenumbers keeps a leading 0 out of national_number
        national = "0" * (number.number_of_leading_zeros or 1) + national
    fixed = None
    if len(national) == 11 and national.startswith("1"):
        fixed, what = national[1:], "legacy mobile prefix 1 removed"
    elif len(national) == 13 and national[:3] in ("044", "045"):
        fixed, what = national[3:], f"legacy prefix {national[:3]} removed"
    elif len(national) == 12 and national.startswith("01"):
        fixed, what = national[2:], "legacy long-distance prefix 01 removed"
    if fixed is None:
        return number, ""
    return phonenumbers.PhoneNumber(country_code=52, national_number=int(fixed)), what
