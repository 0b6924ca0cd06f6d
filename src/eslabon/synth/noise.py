"""How records distort the truth: one NoiseProfile with every rate, and the functions that apply it.

All rates live in NoiseProfile so that the difficulty of the world is documented in one place and
can be tuned: resolution must be hard (names collide, fields are swapped, maternal surnames vanish)
but possible (most records still carry a birth date, an identifier or a phone).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import unicodedata
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources

from eslabon.ingest.normalise import MISSING


@dataclass(frozen=True)
class NoiseProfile:
    """Per-value probabilities (per field of a rendered record unless said otherwise)."""

    typo: float = 0.02  # keyboard-adjacent substitution, transposition, dropped or doubled letter
    hypocorism_informal: float = 0.12  # nickname for the given name in informal sources
    hypocorism_formal: float = 0.015  # ... and in official ones
    compound_given_cut: float = 0.12  # "María Guadalupe" recorded as "Guadalupe" (or "María")
    maternal_missing_mx: float = 0.04  # Mexican/CA record without the maternal surname
    keep_accents_mx: float = 0.15  # MX official records are mostly upper case without accents
    enye_lost_mx: float = 0.2  # Ñ written as N in a Mexican record
    # US forms for Hispanic names (they sum to < 1; the rest keeps both surnames in `last`)
    us_hyphenated: float = 0.2  # HERNANDEZ-GARCIA
    us_maternal_in_middle: float = 0.15  # first=JOSE middle=GARCIA last=HERNANDEZ
    us_maternal_dropped: float = 0.3  # last=HERNANDEZ
    us_swapped: float = 0.02  # given and surname fields swapped
    us_truncated: float = 0.03  # fixed-width field cut at 12 characters
    us_second_given_in_middle: float = 0.5  # MARIA / GUADALUPE across first and middle
    us_day_month_swap: float = 0.01  # a US-recorded date written day-first
    indigenous_variant: float = 0.5  # Tzul recorded as Tsul
    missing: float = 0.05  # an optional field left empty (or S/D, N/A)
    missing_birth_date: float = 0.08
    missing_id: float = 0.15  # an identifier the source usually records is absent
    id_typo: float = 0.01  # one character of an identifier wrong
    phone_missing: float = 0.1
    phone_foreign_bare: float = 0.02  # foreign number written without country code
    alias_in_name: float = 0.04  # 'JOSE PEREZ "EL FLACO"' in the name field
    swapped_fields: float = 0.005  # two fields of a record exchanged (e.g. phone / birth date)
    duplicate_row: float = 0.004  # an exact duplicate row
    malformed_min: int = 2  # deliberately malformed rows per source (at least)
    malformed_per_100k: int = 8  # ... plus this many per 100,000 rows

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


DEFAULT_NOISE = NoiseProfile()
# Values that mean "no value" in sources; ingest treats these as empty (normalise.MISSING).
MISSING_MARKERS_ES = ("", "", "", "S/D", "SIN DATO", "N/A")
MISSING_MARKERS_EN = ("", "", "", "N/A", "UNKNOWN")

_KEYBOARD = {
    "A": "QSZ",
    "B": "VNG",
    "C": "XVD",
    "D": "SFE",
    "E": "WRD",
    "F": "DGR",
    "G": "FHT",
    "H": "GJY",
    "I": "UOK",
    "J": "HKU",
    "K": "JLI",
    "L": "KO",
    "M": "N",
    "N": "BM",
    "O": "IPL",
    "P": "O",
    "Q": "WA",
    "R": "ETF",
    "S": "ADW",
    "T": "RYG",
    "U": "YIJ",
    "V": "CB",
    "W": "QES",
    "X": "ZC",
    "Y": "TUH",
    "Z": "XS",
}


def is_missing(value: object) -> bool:
    """True when ingest would see no value: truth uses ingest's own missing-value words."""
    if value is None:
        return True
    return str(value).strip().upper() in MISSING


@lru_cache(maxsize=100_000)
def strip_accents(s: str, keep_enye: bool = False) -> str:
    if keep_enye:
        s = s.replace("ñ", "\x00").replace("Ñ", "\x01")
    out = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    if keep_enye:
        out = out.replace("\x00", "ñ").replace("\x01", "Ñ")
    return out


def typo(rng: random.Random, s: str) -> str:
    """One realistic keying error in a word of at least 4 letters."""
    letters = [i for i, c in enumerate(s) if c.isalpha()]
    if len(letters) < 4:
        return s
    i = rng.choice(letters[1:])
    kind = rng.random()
    if kind < 0.4:
        c = s[i]
        near = _KEYBOARD.get(c.upper())
        if not near:
            return s
        r = rng.choice(near)
        return s[:i] + (r if c.isupper() else r.lower()) + s[i + 1 :]
    if kind < 0.7 and i + 1 < len(s) and s[i + 1].isalpha():
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    if kind < 0.9:
        return s[:i] + s[i + 1 :]
    return s[:i] + s[i] + s[i:]


@lru_cache(maxsize=1)
def hypocorisms() -> dict[str, tuple[str, ...]]:
    """formal (folded) -> nicknames, from normalize/data/hypocorisms.csv (shared with ingest)."""
    out: dict[str, list[str]] = {}
    try:
        text = (resources.files("eslabon.normalize") / "data" / "hypocorisms.csv").read_text(
            encoding="utf-8"
        )
    except (FileNotFoundError, ModuleNotFoundError):
        text = "nickname,formal\nPepe,José\nPancho,Francisco\nChuy,Jesús\nLupe,Guadalupe\n"
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    for row in csv.DictReader(lines):
        nick, formal = (row.get("nickname") or "").strip(), (row.get("formal") or "").strip()
        if not nick or not formal or len(nick) <= 2 or nick.endswith("."):
            continue
        if nick.lower() in ("fco", "gpe", "ma"):
            continue
        out.setdefault(strip_accents(formal).upper(), []).append(nick)
    return {k: tuple(v) for k, v in out.items()}


def nickname(rng: random.Random, given: str) -> str | None:
    """A hypocorism for ``given`` (whole compound first, then its first or second part)."""
    table = hypocorisms()
    key = strip_accents(given).upper()
    if key in table:
        return rng.choice(table[key])
    parts = given.split()
    for part in (parts[-1], parts[0]) if rng.random() < 0.5 else (parts[0], parts[-1]):
        k = strip_accents(part).upper()
        if (k in table and k not in ("MARIA", "JOSE")) or (k in table and len(parts) == 1):
            return rng.choice(table[k])
    return None


_GIVEN_PARTICLES = ("de", "del", "de la", "de los")


def cut_compound(rng: random.Random, given: str) -> str:
    """Daily use drops the first part of María …/José … (domain.md §1)."""
    parts = given.split()
    if len(parts) < 2:
        return given
    if parts[0] in ("María", "José", "Juan", "Ma.") and rng.random() < 0.8:
        rest = parts[1:]
        while rest and rest[0].lower() in ("de", "del", "la", "los"):
            rest = rest[1:]
        return " ".join(rest) or given
    return parts[0]


# --------------------------------------------------------------------------- phones


def national(e164: str) -> tuple[str, str]:
    """(country code, national number) for the dialling codes of the world."""
    for cc in ("52", "502", "503", "504", "1"):
        if e164.startswith("+" + cc):
            return cc, e164[1 + len(cc) :]
    return "", e164.lstrip("+")


def _group_mx(n: str) -> str:
    if n[:2] in ("55", "33", "81"):
        return f"{n[:2]} {n[2:6]} {n[6:]}"
    return f"{n[:3]} {n[3:6]} {n[6:]}"


def format_phone(rng: random.Random, e164: str, source_country: str) -> str:
    """One of the ways this number is written by an agency of ``source_country`` (domain §3)."""
    cc, n = national(e164)
    r = rng.random()
    if cc == "52":
        if source_country == "MX":
            forms = (
                n,
                _group_mx(n),
                n,
                f"+52 {_group_mx(n)}",
                f"+52 1 {_group_mx(n)}",
                f"52{n}",
                f"044 {_group_mx(n)}",
                f"({n[:3]}) {n[3:6]}-{n[6:]}",
                e164,
            )
            w = (30, 20, 10, 10, 8, 6, 3, 8, 5)
        else:
            forms = (
                f"011 52 {_group_mx(n)}",
                f"+52 {_group_mx(n)}",
                f"52-{n[:3]}-{n[3:6]}-{n[6:]}",
                e164,
                f"+52 1 {n}",
                f"01152{n}",
            )
            w = (30, 25, 10, 15, 8, 12)
        if r < 0.02 and source_country != "MX":
            return n  # bare, will be read as a local number: a real-world error
    elif cc == "1":
        if source_country == "US":
            forms = (
                f"({n[:3]}) {n[3:6]}-{n[6:]}",
                f"{n[:3]}-{n[3:6]}-{n[6:]}",
                n,
                f"1-{n[:3]}-{n[3:6]}-{n[6:]}",
                f"+1 {n[:3]} {n[3:6]} {n[6:]}",
                e164,
                f"{n[:3]}.{n[3:6]}.{n[6:]}",
            )
            w = (30, 25, 15, 8, 8, 8, 6)
        else:
            forms = (
                f"001 {n[:3]} {n[3:6]} {n[6:]}",
                f"+1 {n[:3]} {n[3:6]} {n[6:]}",
                f"001{n}",
                e164,
                f"1 ({n[:3]}) {n[3:6]}-{n[6:]}",
            )
            w = (30, 25, 15, 15, 15)
        if r < 0.02 and source_country != "US":
            return n
    else:
        local = f"{n[:4]}-{n[4:]}"
        if source_country == cc_country(cc):
            forms = (local, n, f"+{cc} {n[:4]} {n[4:]}", f"{n[:4]} {n[4:]}")
            w = (35, 25, 20, 20)
        elif source_country == "US":
            forms = (f"011 {cc} {n[:4]} {n[4:]}", f"+{cc} {local}", e164, f"{cc}-{local}")
            w = (35, 30, 20, 15)
        else:
            forms = (f"00{cc} {n}", f"+{cc} {n[:4]} {n[4:]}", e164, f"({cc}) {local}")
            w = (30, 35, 20, 15)
    return rng.choices(forms, w)[0]


def cc_country(cc: str) -> str:
    return {"52": "MX", "1": "US", "502": "GT", "503": "SV", "504": "HN"}.get(cc, "")


# --------------------------------------------------------------------------- dates


def format_date(d: dt.date, convention: str, style: int = 0) -> str:
    if convention == "DMY":
        return d.strftime("%d/%m/%Y") if style == 0 else d.strftime("%d-%m-%Y")
    if convention == "MDY":
        return d.strftime("%m/%d/%Y") if style == 0 else f"{d.month}/{d.day}/{d.year}"
    return d.isoformat()


def swapped_date(d: dt.date, convention: str) -> str:
    """The same date written with day and month exchanged (a US clerk typing day-first)."""
    other = "DMY" if convention == "MDY" else "MDY"
    return format_date(d, other)


def impossible_date(rng: random.Random, convention: str, year: int) -> str:
    """A date no convention can read (31/02, 30/02): must be quarantined."""
    day = rng.choice((30, 31))
    if convention == "MDY":
        return f"02/{day}/{year}"
    if convention == "ISO":
        return f"{year}-02-{day}"
    return f"{day}/02/{year}"
