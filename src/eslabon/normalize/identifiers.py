"""Check and generate personal identifiers (CURP, RFC, VIN, A-Number, SSN, DPI, DNI, DUI, passport).

Checks never raise on bad data: they return an IdResult with a status and readable reasons.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

try:  # the shared folding lives in text.py; fall back while it is being written
    from eslabon.normalize.text import fold as _shared_fold
except ImportError:  # pragma: no cover - depends on the state of the tree
    _shared_fold = None

__all__ = [
    "IDENTIFIER_KINDS",
    "IdResult",
    "check_a_number",
    "check_curp",
    "check_dni_hn",
    "check_dpi",
    "check_dui",
    "check_identifier",
    "check_passport",
    "check_rfc",
    "check_ssn",
    "check_vin",
    "curp_check_digit",
    "make_company_rfc",
    "make_curp",
    "make_dpi",
    "make_dui",
    "make_rfc",
    "make_vin",
    "rfc_check_digit",
    "vin_check_digit",
]

VALID, INVALID, INCONSISTENT, EMPTY = "valid", "invalid", "inconsistent", "empty"


@dataclass(frozen=True, slots=True)
class IdResult:
    """Outcome of an identifier check.

    `value` is the normalised form (kept even when invalid, so nothing is lost); `reasons` explains
    every problem found, in words an analyst can read.
    """

    value: str | None
    status: str
    reasons: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status == VALID


_EMPTY = IdResult(None, EMPTY, ())
_SEPARATORS = re.compile(r"[\s\-._/]+")
_NON_ALNUM = re.compile(r"[^0-9A-Z]+")
_COMBINING = re.compile(r"[\u0300-\u036f]")


def _local_fold(s: str) -> str:
    """Diacritics off, upper case, punctuation to spaces (stand-in for text.fold)."""
    s = _COMBINING.sub("", unicodedata.normalize("NFKD", s)).upper()
    return " ".join(_NON_ALNUM.sub(" ", s).split())


def _fold(s: str) -> str:
    return _shared_fold(s) if _shared_fold is not None else _local_fold(s)


def _as_text(value: object) -> str | None:
    """Reader values arrive as str, int, float NaN or None; blanks count as empty."""
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            value = int(value)
    text = str(value).strip()
    return text or None


def _compact(text: str) -> str:
    """Upper case without spaces, dashes, dots or slashes: how identifiers are compared."""
    return _SEPARATORS.sub("", text.upper())


# --------------------------------------------------------------------------- CURP/RFC name letters


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_VOWELS = frozenset("AEIOU")
_PARTICLES = _wordset("DA DAS DE DEL DER DI DIE DD EL LA LAS LE LES LOS MAC MC VAN VON Y")
_GIVEN_SKIP = frozenset({"JOSE", "J", "MARIA", "MA", "M", "MX", "JX"})

# RENAPO Anexo 2 "palabras inconvenientes": the second letter becomes X in a CURP.
INCONVENIENT_WORDS = _wordset(
    """BACA BAKA BUEI BUEY CACA CACO CAGA CAGO CAKA CAKO COGE COGI COJA COJE COJI COJO COLA CULO
    FALO FETO GETA GUEI GUEY JETA JOTO KACA KACO KAGA KAGO KAKA KAKO KOGE KOGI KOJA KOJE KOJI KOJO
    KOLA KULO LILO LOCA LOCO LOKA LOKO MAME MAMO MEAR MEAS MEON MIAR MION MOCO MOKO MULA MULO NACA
    NACO PEDA PEDO PENE PIPI PITO POPO PUTA PUTO QULO RATA ROBA ROBE ROBO RUIN SENO TETA VACA VAGA
    VAGO VAKA VUEI VUEY WUEI WUEY"""
)


@lru_cache(maxsize=65536)
def _name_word(name: str | None, given: bool = False) -> str:
    """The one word of a name part that CURP/RFC letters come from ('' when absent).

    Particles (de, del, la, ...) are skipped; for given names a leading José/María is skipped
    when a second given name follows. Ñ becomes X before folding, as RENAPO does.
    """
    if not name:
        return ""
    words = _fold(name.replace("Ñ", "X").replace("ñ", "x")).split()
    kept = [w for w in words if w not in _PARTICLES] or words
    if given and len(kept) > 1 and kept[0] in _GIVEN_SKIP:
        kept = kept[1:]
    return kept[0] if kept else ""


def _first_letter(word: str) -> str:
    return word[0] if word and "A" <= word[0] <= "Z" else "X"


def _inner_vowel(word: str) -> str:
    return next((c for c in word[1:] if c in _VOWELS), "X")


def _inner_consonant(word: str) -> str:
    return next((c for c in word[1:] if "A" <= c <= "Z" and c not in _VOWELS), "X")


def _curp_letters(given: str, paternal: str, maternal: str) -> str:
    """The four name letters, before the inconvenient-word substitution."""
    p, m, g = _name_word(paternal), _name_word(maternal), _name_word(given, True)
    if not p and m:  # only one surname recorded: it takes the first place
        p, m = m, ""
    return _first_letter(p) + _inner_vowel(p) + _first_letter(m) + _first_letter(g)


def _curp_consonants(given: str, paternal: str, maternal: str) -> str:
    p, m, g = _name_word(paternal), _name_word(maternal), _name_word(given, True)
    if not p and m:
        p, m = m, ""
    return _inner_consonant(p) + _inner_consonant(m) + _inner_consonant(g)


def _to_date(value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


_SEX_MALE = frozenset({"M", "H", "MALE", "MASCULINO", "HOMBRE", "MAN", "VARON"})
_SEX_FEMALE = frozenset({"F", "MUJER", "FEMALE", "FEMENINO", "WOMAN"})


def _sex_code(sex: object) -> str | None:
    """Map a recorded sex to 'M'/'F' (the props convention); 'M' means male, as in props."""
    if sex is None:
        return None
    s = _fold(str(sex))
    if s in _SEX_MALE:
        return "M"
    if s in _SEX_FEMALE:
        return "F"
    return None


# --------------------------------------------------------------------------- CURP

_CURP_DICT = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ"
_CURP_VALUES = {c: i for i, c in enumerate(_CURP_DICT)}
CURP_STATES = _wordset(
    "AS BC BS CC CL CM CS CH DF DG GT GR HG JC MC MN MS NT NL OC PL QT QR SP SL SR TC TS TL VZ"
    " YN ZS NE"
)
_CURP_RE = re.compile(r"^[A-Z]{4}\d{6}[HMX][A-Z]{2}[A-Z]{3}[0-9A-Z]\d$")


def curp_check_digit(first17: str) -> str:
    """RENAPO check digit: dictionary values weighted 18..2, digit = (10 - sum % 10) % 10."""
    total = sum(_CURP_VALUES[c] * (18 - i) for i, c in enumerate(first17))
    return str((10 - total % 10) % 10)


def _curp_structure(v: str) -> list[str]:
    """Reasons the CURP text itself is broken (empty list when it is well formed)."""
    if len(v) != 18:
        return [f"CURP must have 18 characters, found {len(v)}"]
    if not _CURP_RE.match(v):
        return ["CURP does not follow the pattern: 4 letters, YYMMDD, H/M, state, 5 more chars"]
    reasons: list[str] = []
    if v[1] not in "AEIOUX":
        reasons.append(f"second CURP letter {v[1]!r} must be a vowel or X")
    if v[11:13] not in CURP_STATES:
        reasons.append(f"unknown birth state code {v[11:13]!r}")
    if any(c in _VOWELS for c in v[13:16]):
        reasons.append(f"positions 14-16 {v[13:16]!r} must be consonants")
    year = (1900 if v[16].isdigit() else 2000) + int(v[4:6])
    try:
        dt.date(year, int(v[6:8]), int(v[8:10]))
    except ValueError:
        reasons.append(f"birth date {v[4:10]!r} is not a real date (year {year})")
    expected = curp_check_digit(v[:17])
    if v[17] != expected:
        reasons.append(f"check digit is {v[17]}, expected {expected}")
    return reasons


def check_curp(
    value: object,
    *,
    given: str | None = None,
    paternal: str | None = None,
    maternal: str | None = None,
    birth_date: dt.date | str | None = None,
    sex: str | None = None,
) -> IdResult:
    """Check a CURP's structure and check digit, then its agreement with the same record.

    A broken CURP is "invalid" (a typo or a forgery); a well-formed one that contradicts the
    record's names, birth date or sex is "inconsistent". Context left as None is not compared;
    pass maternal="" to assert that there is no maternal surname (expects X).
    """
    text = _as_text(value)
    if text is None:
        return _EMPTY
    return _check_curp(
        _compact(text),
        given,
        paternal,
        maternal,
        _to_date(birth_date),
        _sex_code(sex),
    )


@lru_cache(maxsize=65536)
def _check_curp(
    v: str,
    given: str | None,
    paternal: str | None,
    maternal: str | None,
    birth: dt.date | None,
    sex: str | None,
) -> IdResult:
    broken = _curp_structure(v)
    if broken:
        return IdResult(v, INVALID, tuple(broken))
    reasons: list[str] = []
    reasons += _name_disagreements(v, given, paternal, maternal, rfc=False)
    if birth is not None and (
        v[4:10] != birth.strftime("%y%m%d") or (birth.year >= 2000) != v[16].isalpha()
    ):
        reasons.append(
            f"CURP birth date {v[4:10]} (century from {v[16]!r}) disagrees with "
            f"recorded {birth.isoformat()}"
        )
    if sex is not None and v[10] in "HM" and {"H": "M", "M": "F"}[v[10]] != sex:
        reasons.append(f"CURP sex {v[10]!r} disagrees with recorded sex {sex!r}")
    return IdResult(v, INCONSISTENT if reasons else VALID, tuple(reasons))


def _name_disagreements(
    v: str,
    given: str | None,
    paternal: str | None,
    maternal: str | None,
    *,
    rfc: bool,
) -> list[str]:
    """Compare each name-derived position with the record; unknown parts are not compared."""
    if given is None and paternal is None and maternal is None:
        return []
    p, m, g = _name_word(paternal), _name_word(maternal), _name_word(given, True)
    if not p and m and paternal is not None:
        p, m = m, ""
    reasons: list[str] = []
    if p:
        exp = _first_letter(p) + _inner_vowel(p)
        # CURP: an inconvenient word gets its second letter replaced by X
        replaced = not rfc and v[:2] == exp[0] + "X" and exp + v[2:4] in INCONVENIENT_WORDS
        if v[:2] != exp and not replaced:
            reasons.append(f"letters {v[:2]!r} do not match paternal surname {p} (expected {exp})")
    if maternal is not None:
        exp = _first_letter(m) if m else "X"
        if v[2] != exp:
            reasons.append(
                f"third letter {v[2]!r} does not match maternal surname (expected {exp})"
            )
    if given:
        exp = _first_letter(g)
        # RFC: an inconvenient word gets its last letter replaced by X
        replaced = rfc and v[3] == "X" and v[:3] + exp in INCONVENIENT_WORDS
        if v[3] != exp and not replaced:
            reasons.append(f"fourth letter {v[3]!r} does not match given name {g} (expected {exp})")
    if not rfc:
        got = v[13:16]
        for i, (word, known, label) in enumerate(
            ((p, bool(p), "paternal"), (m, maternal is not None, "maternal"), (g, bool(g), "given"))
        ):
            if known:
                exp = _inner_consonant(word) if word else "X"
                # records that lost the Ñ (PENA for PEÑA) still match the CURP's X
                if got[i] != exp and not (got[i] == "X" and exp == "N"):
                    reasons.append(
                        f"inner consonant {got[i]!r} does not match {label} name (expected {exp!r})"
                    )
    return reasons


def make_curp(
    given: str,
    paternal: str,
    maternal: str | None,
    birth_date: dt.date,
    sex: str,
    state: str = "DF",
    disambig: str | None = None,
    *,
    avoid_inconvenient: bool = True,
) -> str:
    """Build a valid CURP for synthetic people (RENAPO rules, including the check digit).

    `sex` is M/F (or H); `disambig` defaults to '0' before 2000 and 'A' from 2000. Raises
    ValueError on inputs a real CURP could not carry, because a generator must not emit junk.
    """
    code = _sex_code(sex)
    if code is None:
        raise ValueError(f"sex must be M/F/H, got {sex!r}")
    state = state.upper()
    if state not in CURP_STATES:
        raise ValueError(f"unknown CURP state code {state!r}")
    born_2000 = birth_date.year >= 2000
    if disambig is None:
        disambig = "A" if born_2000 else "0"
    disambig = disambig.upper()
    if len(disambig) != 1 or disambig.isdigit() == born_2000 or disambig not in _CURP_VALUES:
        raise ValueError("disambig must be a digit before 2000 and a letter from 2000")
    if not 1900 <= birth_date.year <= 2099:
        raise ValueError("CURP birth year must be within 1900..2099")
    letters = _curp_letters(given, paternal, maternal or "")
    if avoid_inconvenient and letters in INCONVENIENT_WORDS:
        letters = letters[0] + "X" + letters[2:]
    body = (
        letters
        + birth_date.strftime("%y%m%d")
        + ("H" if code == "M" else "M")
        + state
        + _curp_consonants(given, paternal, maternal or "")
        + disambig
    )
    return body + curp_check_digit(body)


# --------------------------------------------------------------------------- RFC

_RFC_ALPHABET = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ"
_RFC_VALUES = {c: i for i, c in enumerate(_RFC_ALPHABET)}
_RFC_PERSON_RE = re.compile(r"^[A-ZÑ&]{4}\d{6}(?:[A-Z0-9]{2}[0-9A])?$")
_RFC_COMPANY_RE = re.compile(r"^[A-ZÑ&]{3}\d{6}[A-Z0-9]{2}[0-9A]$")
_HOMOCLAVE_CHARS = "123456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
# SAT RFC rule: an inconvenient first four letters get their last letter replaced by X
_RFC_INCONVENIENT = INCONVENIENT_WORDS
_COMPANY_STOP = _wordset(
    "S A SA DE C V CV SC RL SRL SAB SAPI EL LA LOS LAS Y DEL CIA COMPANIA SOCIEDAD COOPERATIVA "
    "AC A C EN THE OF AND CO"
)


def rfc_check_digit(first: str) -> str:
    """SAT check digit over the first 11 (company, left-padded) or 12 chars, weights 13..2."""
    padded = first.rjust(12)
    total = sum(_RFC_VALUES.get(c, 0) * (13 - i) for i, c in enumerate(padded))
    return _RFC_ALPHABET[(11 - total % 11) % 11]


def _valid_yymmdd(s: str) -> bool:
    y, m, d = int(s[:2]), int(s[2:4]), int(s[4:6])
    for century in (1900, 2000):
        try:
            dt.date(century + y, m, d)
            return True
        except ValueError:
            continue
    return False


def check_rfc(
    value: object,
    *,
    given: str | None = None,
    paternal: str | None = None,
    maternal: str | None = None,
    birth_date: dt.date | str | None = None,
) -> IdResult:
    """Check an RFC: persons 13 chars (10 accepted: no homoclave), companies 12.

    Verified: structure, YYMMDD is a real date, the SAT check digit (last char), and for persons
    the agreement of the four letters and the date with the record. The first two homoclave chars
    depend on the full name and on SAT's homonym handling, so they are not verified. The check
    digit fails on a small share of RFCs SAT actually issued; such values are still "invalid".
    """
    text = _as_text(value)
    if text is None:
        return _EMPTY
    return _check_rfc(_compact(text), given, paternal, maternal, _to_date(birth_date))


@lru_cache(maxsize=65536)
def _check_rfc(
    v: str, given: str | None, paternal: str | None, maternal: str | None, birth: dt.date | None
) -> IdResult:
    if _RFC_PERSON_RE.match(v):
        date_part, person = v[4:10], True
    elif _RFC_COMPANY_RE.match(v):
        date_part, person = v[3:9], False
    else:
        return IdResult(
            v,
            INVALID,
            (
                "RFC must be 4 letters + YYMMDD + 3 chars (person) or 3 letters + YYMMDD"
                f" + 3 chars (company); got {len(v)} chars",
            ),
        )
    reasons: list[str] = []
    if not _valid_yymmdd(date_part):
        reasons.append(f"date {date_part!r} is not a real date")
    if len(v) > 10:
        expected = rfc_check_digit(v[:-1])
        if v[-1] != expected:
            reasons.append(f"check digit is {v[-1]}, expected {expected}")
    if reasons:
        return IdResult(v, INVALID, tuple(reasons))
    notes: list[str] = []
    if person:
        letters = v.replace("Ñ", "X")
        notes += _name_disagreements(letters, given, paternal, maternal, rfc=True)
        if birth is not None and date_part != birth.strftime("%y%m%d"):
            notes.append(f"RFC date {date_part} disagrees with birth date {birth.isoformat()}")
    if notes:
        return IdResult(v, INCONSISTENT, tuple(notes))
    return IdResult(v, VALID, ("no homoclave (10-char RFC)",) if len(v) == 10 else ())


def _homoclave(full_name: str) -> str:
    """Two homoclave chars from the full name (SAT algorithm as published, IFAI 0610100135506)."""
    digits = ["0"]
    for c in full_name:
        if c == " ":
            digits.append("00")
        elif c == "&" or c == "Ñ":
            digits.append("10")
        elif "A" <= c <= "I":
            digits.append(str(ord(c) - 54))
        elif "J" <= c <= "R":
            digits.append(str(ord(c) - 53))
        elif "S" <= c <= "Z":
            digits.append(str(ord(c) - 51))
        elif c.isdigit():
            digits.append("0" + c)
    s = "".join(digits)
    total = sum(int(s[i : i + 2]) * int(s[i + 1]) for i in range(len(s) - 1))
    q, r = divmod(total % 1000, 34)
    return _HOMOCLAVE_CHARS[q] + _HOMOCLAVE_CHARS[r]


def make_rfc(given: str, paternal: str, maternal: str | None, birth_date: dt.date) -> str:
    """Build a 13-char person RFC: name letters, YYMMDD, homoclave and check digit."""
    letters = _curp_letters(given, paternal, maternal or "")
    if letters in _RFC_INCONVENIENT:
        letters = letters[:3] + "X"
    full = " ".join(_fold(x) for x in (paternal, maternal or "", given) if x)
    body = letters + birth_date.strftime("%y%m%d") + _homoclave(full)
    return body + rfc_check_digit(body)


def make_company_rfc(name: str, founded: dt.date) -> str:
    """Build a 12-char company RFC (3 letters from the significant words of the name)."""
    words = [w for w in _fold(name).split() if w not in _COMPANY_STOP] or _fold(name).split()
    if not words:
        raise ValueError("company name has no letters")
    if len(words) >= 3:
        letters = words[0][0] + words[1][0] + words[2][0]
    elif len(words) == 2:
        letters = words[0][0] + words[1][:2]
    else:
        letters = words[0][:3]
    letters = (letters + "XXX")[:3]
    body = letters + founded.strftime("%y%m%d") + _homoclave(" ".join(words))
    return body + rfc_check_digit(body)


# --------------------------------------------------------------------------- VIN

_VIN_TRANSLIT = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
_VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
_VIN_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"


def vin_check_digit(vin: str) -> str:
    """Position-9 check digit (49 CFR 565): weighted transliteration sum mod 11, 10 -> X."""
    total = sum(_VIN_TRANSLIT[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=False))
    r = total % 11
    return "X" if r == 10 else str(r)


@lru_cache(maxsize=65536)
def _check_vin(v: str) -> IdResult:
    if len(v) != 17:
        return IdResult(v, INVALID, (f"VIN must have 17 characters, found {len(v)}",))
    bad = sorted({c for c in v if c not in _VIN_TRANSLIT})
    if bad:
        return IdResult(v, INVALID, (f"VIN contains characters never used: {''.join(bad)}",))
    reasons = []
    if v[9] not in _VIN_YEAR_CODES:
        reasons.append(f"model-year code {v[9]!r} (position 10) is never used")
    expected = vin_check_digit(v)
    if v[8] != expected:
        reasons.append(f"check digit (position 9) is {v[8]}, expected {expected}")
    return IdResult(v, INVALID if reasons else VALID, tuple(reasons))


def check_vin(value: object) -> IdResult:
    """Check a 17-char VIN (no I/O/Q) and its position-9 check digit, mandatory in North America."""
    text = _as_text(value)
    return _EMPTY if text is None else _check_vin(_compact(text))


def _rng(rng_or_seed: random.Random | int | None) -> random.Random:
    return rng_or_seed if isinstance(rng_or_seed, random.Random) else random.Random(rng_or_seed)


_WMIS = ("1FT", "1GC", "3N1", "3VW", "1HG", "2T1", "5YJ", "JTD", "3G1", "1N4", "KMH", "WVW")


def make_vin(
    rng_or_seed: random.Random | int | None = None,
    *,
    wmi: str | None = None,
    year_code: str | None = None,
) -> str:
    """Random but valid VIN for synthetic vehicles (deterministic for a seed)."""
    rng = _rng(rng_or_seed)
    wmi = (wmi or rng.choice(_WMIS)).upper()
    year_code = (year_code or rng.choice(_VIN_YEAR_CODES)).upper()
    vds = "".join(rng.choice(_VIN_CHARS) for _ in range(5))
    plant = rng.choice(_VIN_CHARS[10:])
    serial = "".join(rng.choice("0123456789") for _ in range(6))
    vin = wmi + vds + "0" + year_code + plant + serial
    if len(vin) != 17 or not _VIN_RE.match(vin):
        raise ValueError(f"cannot build a VIN from wmi={wmi!r}, year_code={year_code!r}")
    return vin[:8] + vin_check_digit(vin) + vin[9:]


# --------------------------------------------------------------------------- US numbers

_A_NUMBER_RE = re.compile(r"^A?(\d{7,9})$")


@lru_cache(maxsize=65536)
def _check_a_number(v: str) -> IdResult:
    m = _A_NUMBER_RE.match(v)
    if not m:
        return IdResult(v, INVALID, ("A-Number must be 'A' followed by 7 to 9 digits",))
    digits = m.group(1)
    if int(digits) == 0:
        return IdResult(v, INVALID, ("A-Number cannot be all zeros",))
    notes = () if len(digits) == 9 else (f"{len(digits)}-digit A-Number zero-padded to 9",)
    return IdResult("A" + digits.zfill(9), VALID, notes)


def check_a_number(value: object) -> IdResult:
    """Check a US A-Number and normalise it to 'A' + 9 digits.

    USCIS forms ask for 9 digits, left-padded with zeros; older numbers have 7 or 8 digits, so
    those are accepted and padded (the padded form is the same file). 'A-123-456-789',
    'A 12345678' and a missing 'A' are accepted.
    """
    text = _as_text(value)
    return _EMPTY if text is None else _check_a_number(_compact(text))


_SSN_RE = re.compile(r"^(\d{3})(\d{2})(\d{4})$")


@lru_cache(maxsize=65536)
def _check_ssn(v: str) -> IdResult:
    m = _SSN_RE.match(v)
    if not m:
        return IdResult(v, INVALID, ("SSN must have 9 digits (AAA-GG-SSSS)",))
    area, group, serial = m.groups()
    reasons = []
    if area in ("000", "666") or area[0] == "9":
        reasons.append(f"area number {area} is never issued")
    if group == "00":
        reasons.append("group number 00 is never issued")
    if serial == "0000":
        reasons.append("serial number 0000 is never issued")
    return IdResult(v, INVALID if reasons else VALID, tuple(reasons))


def check_ssn(value: object) -> IdResult:
    """Check a US SSN; normalised to 9 digits without dashes (the form used for matching)."""
    text = _as_text(value)
    return _EMPTY if text is None else _check_ssn(_compact(text))


# --------------------------------------------------------------------------- Central America

# municipalities per department (RENAP numbering, generous where new municipalities were created)
_GT_MUNICIPALITIES = (
    *(17, 8, 16, 16, 14, 14, 19, 8, 24, 21, 9),
    *(30, 33, 21, 8, 17, 14, 5, 11, 11, 7, 17),
)


def _dpi_check(first8: str) -> int:
    """CUI verifier: sum of digit * (position + 1) for positions 1..8, modulo 11."""
    return sum(int(c) * (i + 2) for i, c in enumerate(first8)) % 11


@lru_cache(maxsize=65536)
def _check_dpi(v: str) -> IdResult:
    if not (len(v) == 13 and v.isdigit()):
        return IdResult(v, INVALID, ("DPI/CUI must have 13 digits",))
    reasons = []
    dept, muni = int(v[9:11]), int(v[11:13])
    if not 1 <= dept <= 22:
        reasons.append(f"department code {v[9:11]} is outside 01-22")
    elif not 1 <= muni <= _GT_MUNICIPALITIES[dept - 1]:
        reasons.append(f"municipality code {v[11:13]} does not exist in department {v[9:11]}")
    check = _dpi_check(v[:8])
    if check != int(v[8]):
        expected = str(check) if check < 10 else "none: remainder 10 is never issued"
        reasons.append(f"check digit is {v[8]}, expected {expected}")
    return IdResult(v, INVALID if reasons else VALID, tuple(reasons))


def check_dpi(value: object) -> IdResult:
    """Check a Guatemalan DPI/CUI: 8-digit number, mod-11 check digit, department, municipality."""
    text = _as_text(value)
    return _EMPTY if text is None else _check_dpi(_compact(text))


def make_dpi(rng_or_seed: random.Random | int | None = None) -> str:
    """Random valid CUI (numbers whose mod-11 remainder is 10 are never issued, so skipped)."""
    rng = _rng(rng_or_seed)
    while True:
        number = f"{rng.randrange(10_000_000, 100_000_000)}"
        check = _dpi_check(number)
        if check < 10:
            break
    dept = rng.randrange(1, 23)
    muni = rng.randrange(1, _GT_MUNICIPALITIES[dept - 1] + 1)
    return f"{number}{check}{dept:02d}{muni:02d}"


@lru_cache(maxsize=65536)
def _check_dni_hn(v: str) -> IdResult:
    if not (len(v) == 13 and v.isdigit()):
        return IdResult(v, INVALID, ("Honduran DNI must have 13 digits",))
    reasons = []
    if not 1 <= int(v[:2]) <= 18:
        reasons.append(f"department code {v[:2]} is outside 01-18")
    if v[2:4] == "00":
        reasons.append("municipality code 00 does not exist")
    if not 1900 <= int(v[4:8]) <= 2100:
        reasons.append(f"registration year {v[4:8]} is implausible")
    if v[8:] == "00000":
        reasons.append("serial 00000 is never issued")
    return IdResult(v, INVALID if reasons else VALID, tuple(reasons))


def check_dni_hn(value: object) -> IdResult:
    """Check a Honduran DNI: municipality (dept 01-18 + municipality), year, 5-digit serial.

    There is no check digit, so only structure and plausible ranges are verified.
    """
    text = _as_text(value)
    return _EMPTY if text is None else _check_dni_hn(_compact(text))


def _dui_check(first8: str) -> int:
    return (10 - sum(int(c) * (9 - i) for i, c in enumerate(first8)) % 10) % 10


@lru_cache(maxsize=65536)
def _check_dui(v: str) -> IdResult:
    if not (len(v) == 9 and v.isdigit()):
        return IdResult(v, INVALID, ("DUI must have 9 digits (8 + check digit)",))
    expected = _dui_check(v[:8])
    if int(v[8]) != expected:
        return IdResult(v, INVALID, (f"check digit is {v[8]}, expected {expected}",))
    return IdResult(v, VALID, ())


def check_dui(value: object) -> IdResult:
    """Check a Salvadoran DUI (weights 9..2, check = (10 - sum % 10) % 10); value without dash."""
    text = _as_text(value)
    return _EMPTY if text is None else _check_dui(_compact(text))


def make_dui(rng_or_seed: random.Random | int | None = None) -> str:
    """Random valid DUI as 9 digits."""
    number = f"{_rng(rng_or_seed).randrange(0, 100_000_000):08d}"
    return number + str(_dui_check(number))


_PASSPORT_RE = re.compile(r"^[A-Z0-9]{6,9}$")


@lru_cache(maxsize=65536)
def _check_passport(v: str) -> IdResult:
    if _PASSPORT_RE.match(v):
        return IdResult(v, VALID, ())
    return IdResult(v, INVALID, ("passport number must be 6 to 9 letters or digits",))


def check_passport(value: object) -> IdResult:
    """Structure-only check: passport formats differ by country and carry no public check digit."""
    text = _as_text(value)
    return _EMPTY if text is None else _check_passport(_compact(text))


# --------------------------------------------------------------------------- dispatcher

_CHECKERS: dict[str, Callable[..., IdResult]] = {
    "curp": check_curp,
    "rfc": check_rfc,
    "vin": check_vin,
    "a_number": check_a_number,
    "ssn": check_ssn,
    "dpi": check_dpi,
    "dni_hn": check_dni_hn,
    "dui": check_dui,
    "passport": check_passport,
}
_ALIASES = {
    "cui": "dpi",
    "dni": "dni_hn",
    "anumber": "a_number",
    "a-number": "a_number",
    "alien_number": "a_number",
    "niv": "vin",
    "pasaporte": "passport",
}
IDENTIFIER_KINDS = frozenset(_CHECKERS)
_ACCEPTS = {
    k: frozenset(p for p in inspect.signature(f).parameters if p != "value")
    for k, f in _CHECKERS.items()
}


def check_identifier(kind: str, value: object, **context: Any) -> IdResult:
    """Dispatch by kind name (case-insensitive; CUI, DNI, NIV... accepted as aliases).

    Context a checker does not use (e.g. names for a VIN) is ignored, so callers can pass the
    whole record. An unknown kind is a programming or mapping error and raises ValueError.
    """
    key = kind.strip().lower().replace(" ", "_")
    key = _ALIASES.get(key, key)
    checker = _CHECKERS.get(key)
    if checker is None:
        raise ValueError(f"unknown identifier kind {kind!r}; known: {sorted(IDENTIFIER_KINDS)}")
    used = {k: v for k, v in context.items() if k in _ACCEPTS[key]}
    return checker(value, **used)
