"""Dates and times as sources write them, read under the source's declared convention.

A value is never guessed: readings that contradict the convention are flagged, not swapped.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "CONVENTIONS",
    "TWO_DIGIT_PIVOT",
    "DateResult",
    "DateTimeResult",
    "parse_date",
    "parse_datetime",
    "parse_time",
]

CONVENTIONS = ("DMY", "MDY", "ISO")
OK, EMPTY, IMPOSSIBLE, OTHER, AMBIGUOUS = (
    "ok",
    "empty",
    "impossible",
    "other_convention",
    "ambiguous",
)
MIN_YEAR, MAX_YEAR = 1900, 2100
# Two-digit years: 00..40 -> 2000..2040, 41..99 -> 1941..1999. Fixed (not relative to today)
# so that a run is reproducible; records span late-20th-century births to near-future events.
TWO_DIGIT_PIVOT = 40
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 given Excel's phantom 1900-02-29


@dataclass(frozen=True, slots=True)
class DateResult:
    """value is set for "ok" and "ambiguous"; note explains anything that is not plain "ok"."""

    value: dt.date | None
    status: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class DateTimeResult:
    """A date with its time; has_time is False when no time was recorded (value at midnight)."""

    value: dt.datetime | None
    status: str
    note: str = ""
    has_time: bool = False


_MONTHS = {
    **dict.fromkeys(("ENERO", "ENE", "JANUARY", "JAN"), 1),
    **dict.fromkeys(("FEBRERO", "FEB", "FEBRUARY"), 2),
    **dict.fromkeys(("MARZO", "MAR", "MARCH"), 3),
    **dict.fromkeys(("ABRIL", "ABR", "APRIL", "APR"), 4),
    **dict.fromkeys(("MAYO", "MAY"), 5),
    **dict.fromkeys(("JUNIO", "JUN", "JUNE"), 6),
    **dict.fromkeys(("JULIO", "JUL", "JULY"), 7),
    **dict.fromkeys(("AGOSTO", "AGO", "AUGUST", "AUG"), 8),
    **dict.fromkeys(("SEPTIEMBRE", "SETIEMBRE", "SEPT", "SEP", "SET", "SEPTEMBER"), 9),
    **dict.fromkeys(("OCTUBRE", "OCT", "OCTOBER"), 10),
    **dict.fromkeys(("NOVIEMBRE", "NOV", "NOVEMBER"), 11),
    **dict.fromkeys(("DICIEMBRE", "DIC", "DECEMBER", "DEC"), 12),
}
_FILLER_WORDS = (
    "DE DEL THE OF ST ND RD TH O RO DO TO VO LUNES MARTES MIERCOLES JUEVES VIERNES SABADO "
    "DOMINGO MONDAY TUESDAY WEDNESDAY THURSDAY FRIDAY SATURDAY SUNDAY MON TUE TUES WED THU THUR "
    "THURS FRI SAT SUN LUN MIE MIER JUE VIE SAB DOM"
)
_FILLER = frozenset(_FILLER_WORDS.split())

_ISO_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_NUMERIC_RE = re.compile(r"^(\d{1,2})\s*[-/.\s]\s*(\d{1,2})\s*[-/.\s]\s*(\d{4}|\d{2})$")
_COMPACT_RE = re.compile(r"^\d{6}$|^\d{8}$")
_SERIAL_RE = re.compile(r"^\d{1,5}(?:\.\d+)?$")
_TOKEN_RE = re.compile(r"\d+|[A-Z]+")
_TIME_TAIL_RE = re.compile(
    r"(?:[T\s]+|^)(\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp]\.?\s*[Mm]\.?)?)"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_TIME_RE = re.compile(
    r"^(\d{1,2})(?:[:.hH](\d{2}))?(?:[:.](\d{2})(?:[.,](\d{1,6})\d*)?)?\s*(?:([AaPp])\.?\s*[Mm]\.?)?"
    r"\s*(HRS?|hrs?|H|h)?\.?$"
)
_MILITARY_RE = re.compile(r"^(\d{2})(\d{2})(?:\s*(?:HRS?|hrs?|H|h)\.?)?$")


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).upper()


def _year(y: str) -> int:
    n = int(y)
    if len(y) <= 2:
        return 2000 + n if n <= TWO_DIGIT_PIVOT else 1900 + n
    return n


def _make(y: int, m: int, d: int) -> dt.date | None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _in_range(value: dt.date) -> DateResult:
    if MIN_YEAR <= value.year <= MAX_YEAR:
        return DateResult(value, OK)
    return DateResult(None, IMPOSSIBLE, f"year {value.year} is outside {MIN_YEAR}..{MAX_YEAR}")


def _excel(serial: float) -> DateResult:
    days = int(serial)
    shown = str(days) if serial == days else str(serial)
    if MIN_YEAR <= serial <= MAX_YEAR and serial == days:
        return DateResult(None, IMPOSSIBLE, f"{shown} looks like a year, not a full date")
    if days < 1:
        return DateResult(None, IMPOSSIBLE, f"{serial} is not a spreadsheet date serial")
    if days == 60:
        return DateResult(None, IMPOSSIBLE, "serial 60 is Excel's nonexistent 1900-02-29")
    base = _EXCEL_EPOCH if days > 60 else _EXCEL_EPOCH + dt.timedelta(days=1)
    if days > 80_000:
        return DateResult(None, IMPOSSIBLE, f"{serial} is too large for a date serial")
    result = _in_range(base + dt.timedelta(days=days))
    note = f"read {shown} as a spreadsheet date serial"
    return DateResult(result.value, result.status, result.note or note)


def parse_date(raw: object, convention: str = "DMY") -> DateResult:
    """Read one date cell. convention is the source's declared order: DMY, MDY or ISO.

    Accepts date/datetime objects, spreadsheet serials, ISO (any source), numeric forms with
    / - . or spaces and 2- or 4-digit years, and Spanish/English month names. Never raises.
    """
    convention = convention.upper()
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {CONVENTIONS}, got {convention!r}")
    if raw is None:
        return DateResult(None, EMPTY)
    if isinstance(raw, dt.datetime):
        return _in_range(raw.date())
    if isinstance(raw, dt.date):
        return _in_range(raw)
    if isinstance(raw, bool):
        return DateResult(None, IMPOSSIBLE, f"{raw!r} is not a date")
    if isinstance(raw, int | float):
        if isinstance(raw, float) and math.isnan(raw):
            return DateResult(None, EMPTY)
        return _excel(float(raw))
    return _parse_date_text(str(raw).strip(), convention)


@lru_cache(maxsize=131072)
def _parse_date_text(text: str, convention: str) -> DateResult:
    if not text:
        return DateResult(None, EMPTY)
    date_text, time_text, _zone = _split_time(text)
    result = _parse_date_only(date_text, convention)
    if time_text and result.value is not None:
        time = parse_time(time_text)
        if time is not None and time != dt.time(0, 0):
            extra = f"time {time_text} ignored (date field)"
            return DateResult(
                result.value, result.status, "; ".join(filter(None, (result.note, extra)))
            )
    return result


def _split_time(text: str) -> tuple[str, str, str]:
    """Separate a trailing time (and zone) from a date string."""
    m = _TIME_TAIL_RE.search(text)
    if not m or m.start() == 0:
        return text, "", ""
    return text[: m.start()].strip().rstrip(","), m.group(1), m.group(2) or ""


def _parse_date_only(text: str, convention: str) -> DateResult:
    m = _ISO_RE.match(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        value = _make(y, mo, d)
        if value is None:
            return DateResult(None, IMPOSSIBLE, f"{text!r} is not a real date (year-month-day)")
        return DateResult(value, OK)
    m = _NUMERIC_RE.match(text)
    if m:
        return _day_month(int(m.group(1)), int(m.group(2)), m.group(3), convention, text)
    if _COMPACT_RE.match(text):
        return _compact(text, convention)
    if _SERIAL_RE.match(text):
        return _excel(float(text))
    return _with_month_name(text)


def _day_month(a: int, b: int, y: str, convention: str, text: str) -> DateResult:
    """Resolve a/b/year under the declared convention, flagging the other reading."""
    year = _year(y)
    dmy, mdy = _make(year, b, a), _make(year, a, b)
    if convention == "ISO":
        if dmy is not None and dmy == mdy:
            return DateResult(dmy, OK, "day/month form in an ISO source (same either way)")
        readings = ", ".join(
            f"{r.isoformat()} as {name}" for r, name in ((dmy, "DMY"), (mdy, "MDY")) if r
        )
        if not readings:
            return DateResult(None, IMPOSSIBLE, f"{text!r} is not a date in any order")
        return DateResult(None, OTHER, f"{text!r} is not ISO; possible readings: {readings}")
    primary, other = (dmy, mdy) if convention == "DMY" else (mdy, dmy)
    other_name = "MDY" if convention == "DMY" else "DMY"
    if primary is None and other is None:
        why = f"year {year} out of range" if not MIN_YEAR <= year <= MAX_YEAR else "no such day"
        return DateResult(None, IMPOSSIBLE, f"{text!r} is not a date as DMY or MDY ({why})")
    if primary is None:
        return DateResult(
            None,
            OTHER,
            f"{text!r} is impossible as {convention}; as {other_name} it would be "
            f"{other.isoformat()}",  # type: ignore[union-attr]
        )
    if other is not None and other != primary:
        return DateResult(
            primary,
            AMBIGUOUS,
            f"read as {convention}; as {other_name} it would be {other.isoformat()}",
        )
    return DateResult(primary, OK)


def _compact(text: str, convention: str) -> DateResult:
    """YYYYMMDD, or DDMMYY(YY)/MMDDYY(YY) in the declared order."""
    if len(text) == 8:
        value = _make(int(text[:4]), int(text[4:6]), int(text[6:]))
        if value is not None:
            return DateResult(value, OK)
        return _day_month(int(text[:2]), int(text[2:4]), text[4:], convention, text)
    return _day_month(int(text[:2]), int(text[2:4]), text[4:], convention, text)


def _with_month_name(text: str) -> DateResult:
    tokens = [t for t in _TOKEN_RE.findall(_fold(text)) if t not in _FILLER]
    months = [i for i, t in enumerate(tokens) if t in _MONTHS]
    numbers = [t for t in tokens if t.isdigit()]
    if len(months) != 1 or len(numbers) != 2 or len(tokens) != 3:
        return DateResult(None, IMPOSSIBLE, f"{text!r} is not a recognisable date")
    month = _MONTHS[tokens[months[0]]]
    first, second = numbers
    # a 4-digit (or >31) number is the year; otherwise day comes first ("3 abr 22", "Apr 3 22")
    if len(first) == 4 or (len(second) <= 2 and int(first) > 31):
        year, day = first, second
    else:
        day, year = first, second
    value = _make(_year(year), month, int(day))
    if value is None:
        return DateResult(None, IMPOSSIBLE, f"{text!r} is not a real date")
    return DateResult(value, OK)


# --------------------------------------------------------------------------- times


@lru_cache(maxsize=16384)
def _parse_time_text(text: str) -> dt.time | None:
    text = text.strip()
    m = _MILITARY_RE.match(text)
    if m:
        h, mi, s, frac, ampm = m.group(1), m.group(2), None, None, None
    else:
        m = _TIME_RE.match(text)
        if not m or (m.group(2) is None and m.group(5) is None and m.group(6) is None):
            return None
        h, mi, s, frac, ampm, _hours = m.groups()
    hour, minute = int(h), int(mi or 0)
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm.upper() == "P" else 0)
    try:
        return dt.time(hour, minute, int(s or 0), int((frac or "0").ljust(6, "0")[:6]))
    except ValueError:
        return None


def parse_time(raw: object) -> dt.time | None:
    """'14:35', '2:35 PM', '2:35 p.m.', '14:35:10', '1435', a time object or a day fraction."""
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        return raw.time()
    if isinstance(raw, dt.time):
        return raw
    if isinstance(raw, float) and 0 <= raw < 1:
        seconds = round(raw * 86400)
        return dt.time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
    return _parse_time_text(str(raw))


def parse_datetime(
    date_raw: object, time_raw: object = None, convention: str = "DMY"
) -> DateTimeResult:
    """Date plus optional time (separate cell, or inside the date cell: '03/04/2022 14:35').

    The date part follows parse_date's statuses; an unreadable time makes the whole value
    "impossible" (an event's time is evidence, so it is not replaced by midnight).
    """
    time_text: object = time_raw
    zone_note = ""
    if isinstance(date_raw, dt.datetime):
        date_result = _in_range(date_raw.date())
        if time_raw is None or (isinstance(time_raw, str) and not time_raw.strip()):
            time_text = date_raw.time()
    elif isinstance(date_raw, float) and not math.isnan(date_raw) and date_raw % 1:
        date_result = parse_date(date_raw, convention)
        if time_raw is None:
            time_text = date_raw % 1
    elif isinstance(date_raw, str):
        date_text, inner_time, zone = _split_time(date_raw.strip())
        date_result = parse_date(date_text, convention)
        if inner_time and (time_raw is None or not str(time_raw).strip()):
            time_text = inner_time
        if zone:
            zone_note = f"time zone {zone} dropped (times are kept as recorded)"
    else:
        date_result = parse_date(date_raw, convention)
    notes = [n for n in (date_result.note, zone_note) if n]
    if date_result.value is None:
        return DateTimeResult(None, date_result.status, "; ".join(notes))
    has_time = time_text is not None and not (isinstance(time_text, str) and not time_text.strip())
    if isinstance(time_text, float) and math.isnan(time_text):
        has_time = False
    time = dt.time(0, 0)
    if has_time:
        parsed = parse_time(time_text)
        if parsed is None:
            return DateTimeResult(None, IMPOSSIBLE, f"{time_text!r} is not a time of day")
        time = parsed
    value = dt.datetime.combine(date_result.value, time)
    return DateTimeResult(value, date_result.status, "; ".join(notes), has_time)
