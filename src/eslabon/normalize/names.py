"""Parse person names from Mexican, Central American and US records into comparable parts.

Two surnames, particles, compound given names, nicknames and US form distortions (see
/work/shared/domain.md §1) all end up as the same `PersonName` shape for resolution.

Rules, in the order they apply:

* **Aliases** are cut out of every name field before anything else: quoted parts (``"El Flaco"``,
  ``'Chuy'``, “…”, «…»), parenthesised parts, and whatever follows a marker (``alias``, ``a.k.a.``,
  ``aka``, ``a/k/a``, ``apodo``, ``(a)``) to the end of the field. They go to `aliases` (folded,
  article kept: ``EL FLACO``) and the flag ``alias_extracted`` is set. The `alias` argument is
  split on ``, ; / |`` and cleaned of the same markers and quotes.
* **Units**: a field is folded and split into surname units, where particles (DE, DEL, LA, LOS,
  SAN, …) belong to the next word (``DE LA CRUZ``); known compound surnames (``PONCE DE LEON``)
  stay whole. A hyphen is a unit boundary that is remembered (``HERNANDEZ-MARTINEZ``).
* **Split fields win**: when any of first/middle/last/father/mother holds text, `full` is not
  parsed. father/mother are the paternal/maternal surnames; `last` is used only when father is
  empty: one unit is the paternal surname (``single_surname``), two units are paternal + maternal
  (``hyphenated_surname`` when written with a hyphen).
* **Middle name** (US forms put the maternal surname there): the middle field becomes the
  maternal surname only when it is one unit that is a known surname and not a known given name,
  and no maternal surname came from the other fields; ``maternal_in_middle`` then says so, so
  that resolution can also try the other reading. Otherwise it is a given name.
* **Full name**, MX convention: given name(s) then two surnames, so with three or more units the
  last two are paternal + maternal. Exceptions: given-name particles right after the first name
  stay in the given names (``JOSE DE JESUS``, ``MARIA DEL CARMEN``), and a surname slot holding a
  known given name that is not a known surname is moved to the given names (``JOSE LUIS PEREZ``
  → given JOSE LUIS, paternal PEREZ). US convention: the last unit is the surname; the one before
  it is read as the paternal surname only when it is a known surname and not a given name, or
  when the two are hyphenated. ``LAST, FIRST MIDDLE`` (a comma) is read surname-first in both,
  and so is a name without a comma that starts with a known surname (not a given name) and ends
  with a known given name (``HERNANDEZ MARTINEZ JOSE LUIS``, flag ``surname_first``).
* **Swapped fields** are flagged, never swapped: ``swapped_fields_suspected`` when the first-name
  field holds a known surname that is not a given name and the surname field holds a given name
  (or nickname) that is not a surname.
* **Truncation** is flagged (``truncated_suspected``) when a name's last word is unknown but is
  the beginning of a known name (fixed-width fields cut names short).
* **Nicknames**: `given_canonical` replaces each given token that has exactly one formal name
  (PANCHO → FRANCISCO, MARU → MARIA EUGENIA); an ambiguous nickname (BETO) stays as written and
  `canonical_given` lists every candidate for comparisons that want them.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from eslabon.normalize.text import fold

HYPHENATED_SURNAME = "hyphenated_surname"
SINGLE_SURNAME = "single_surname"
NO_SURNAME = "no_surname"
NO_GIVEN = "no_given"
EXTRA_SURNAMES = "extra_surnames"
SWAPPED_FIELDS = "swapped_fields_suspected"
ALIAS_EXTRACTED = "alias_extracted"
MATERNAL_IN_MIDDLE = "maternal_in_middle"
COMMA_FORM = "comma_form"
SURNAME_FIRST = "surname_first"
SUFFIX_REMOVED = "suffix_removed"
TRUNCATED = "truncated_suspected"
EMPTY = "empty"

PARTICLES = frozenset(
    {"DE", "DEL", "LA", "LAS", "LOS", "SAN", "SANTA", "DA", "DAS", "DO", "DOS", "VAN", "VON", "MC"}
)
SUFFIXES = frozenset({"JR", "SR", "II", "III", "IV"})
# Particle units that continue a compound given name when they follow the first given name.
GIVEN_PARTICLE_UNITS = frozenset(
    {
        "DE JESUS",
        "DE DIOS",
        "DE LOS ANGELES",
        "DE LA LUZ",
        "DE LOURDES",
        "DE GUADALUPE",
        "DEL CARMEN",
        "DEL ROSARIO",
        "DEL SOCORRO",
        "DEL PILAR",
        "DEL REFUGIO",
        "DEL CONSUELO",
        "DEL MAR",
        "DE FATIMA",
        "DE LA CONCEPCION",
        "DE LA ASUNCION",
        "DE LOS DOLORES",
        "DE LAS MERCEDES",
        "DE LA SOLEDAD",
        "DE LA PAZ",
    }
)

_DATA = "eslabon.normalize"

_HYPHEN_CHARS = re.compile(r"[-‐‑‒–—]")
_HYPHEN_SPLIT = re.compile(r"\s*[-‐‑‒–—]+\s*")
_MARKER = r"(?:alias|apodo|aka|a\s?\.\s?k\s?\.\s?a\.?|a/k/a)"
# Cheap test that a field may hold an alias at all; most fields do not.
_ALIAS_HINT = re.compile(
    rf"[\"“”«»„(]|(?:^|\s)['‘’]|(?<![^\W\d_]){_MARKER}(?![^\W\d_])", re.IGNORECASE
)
_QUOTED = re.compile(
    r"\"([^\"]*)\"|“([^“”]*)”|„([^“”]*)“|«([^«»]*)»|(?:(?<=\s)|^)['‘’]([^'‘’]+)['‘’](?=[\s,;)]|$)"
)
_PAREN_A = re.compile(r"\(\s*(?:a|alias|aka|a\.k\.a)\s*\.?\s*\)", re.IGNORECASE)
_PAREN = re.compile(r"\(([^()]*)\)?")
_MARKER_WORD = re.compile(rf"(?<![^\W\d_]){_MARKER}(?![^\W\d_])\s*[:.\-]?", re.IGNORECASE)
_ALIAS_SPLIT = re.compile(r"[,;/|]")


@dataclass(frozen=True, slots=True)
class PersonName:
    """One person's name in comparable parts; folded parts are upper case ASCII."""

    original: str
    given: tuple[str, ...]
    paternal: str | None
    maternal: str | None
    aliases: tuple[str, ...]
    given_canonical: tuple[str, ...]
    flags: tuple[str, ...]

    @property
    def given_str(self) -> str:
        """Given names space-joined, as stored in `mentions.props.given`."""
        return " ".join(self.given)

    @property
    def canonical_str(self) -> str:
        """Canonical given names space-joined, as stored in `mentions.props.given_canonical`."""
        return " ".join(self.given_canonical)

    @property
    def surnames_str(self) -> str:
        """Paternal and maternal surnames space-joined (either may be missing)."""
        return " ".join(s for s in (self.paternal, self.maternal) if s)

    def as_props(self) -> dict[str, Any]:
        """The Person name keys of `mentions.props` (docs/architecture.md)."""
        return {
            "name": self.original,
            "given": self.given_str,
            "given_canonical": self.canonical_str,
            "paternal": self.paternal,
            "maternal": self.maternal,
            "aliases": list(self.aliases),
            "name_flags": list(self.flags),
        }


def _data_lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of a packaged data file."""
    text = resources.files(_DATA).joinpath("data", name).read_text(encoding="utf-8")
    return [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


@lru_cache(maxsize=1)
def _hypocorisms() -> dict[str, tuple[str, ...]]:
    """Folded nickname → folded formal names, in file order."""
    out: dict[str, list[str]] = {}
    rows = csv.DictReader(_data_lines("hypocorisms.csv"))
    for row in rows:
        nick, formal = fold(row["nickname"]), fold(row["formal"])
        if nick and formal and formal not in out.setdefault(nick, []):
            out[nick].append(formal)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    return frozenset(fold(ln) for ln in _data_lines("given_names.txt"))


@lru_cache(maxsize=1)
def _surnames() -> frozenset[str]:
    return frozenset(fold(ln) for ln in _data_lines("surnames.txt"))


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    words: set[str] = set()
    for entry in _given_names() | _surnames() | _hypocorisms().keys():
        words.update(entry.split())
    return frozenset(words)


@lru_cache(maxsize=1)
def _prefixes() -> frozenset[str]:
    """Strict prefixes (3+ letters) of known words, to spot names cut short by fixed widths."""
    known = _known_words()
    out = {w[:i] for w in known for i in range(3, len(w))}
    return frozenset(out - known)


def canonical_given(token: str) -> tuple[str, ...]:
    """Formal given name(s) a given-name token may stand for; the token itself if none.

    ``canonical_given("Pancho") == ("FRANCISCO",)``; ``canonical_given("beto")`` lists ALBERTO,
    ROBERTO, HUMBERTO, … because the nickname is ambiguous; a formal or unknown name is returned
    as itself: ``canonical_given("Luis") == ("LUIS",)``.
    """
    t = fold(token)
    return _hypocorisms().get(t, (t,)) if t else ()


def is_given_name(name: str) -> bool:
    """Whether `name` is a known given name or nickname (``"Lupita"``, ``"de Jesús"``)."""
    return _is_given(fold(name))


def is_surname(name: str) -> bool:
    """Whether `name` is a known surname unit: ``Peña``, ``de la Cruz``, ``Ponce de León``."""
    return fold(name) in _surnames()


def _is_given(unit: str) -> bool:
    return unit in _given_names() or unit in _hypocorisms() or unit in GIVEN_PARTICLE_UNITS


def _given_only(unit: str) -> bool:
    return _is_given(unit) and unit not in _surnames()


def _surname_only(unit: str) -> bool:
    return unit in _surnames() and not _is_given(unit)


Unit = tuple[str, bool]  # (folded unit, written with a hyphen before it)


@lru_cache(maxsize=1 << 16)
def _units(raw: str) -> tuple[Unit, ...]:
    """Fold a name field into units: particles joined to their word, hyphen boundaries kept."""
    toks: list[str] = []
    hyph: list[bool] = []
    if _HYPHEN_CHARS.search(raw):
        for k, piece in enumerate(_HYPHEN_SPLIT.split(raw)):
            for j, t in enumerate(fold(piece).split()):
                hyph.append(k > 0 and j == 0 and bool(toks))
                toks.append(t)
    else:
        toks = fold(raw).split()
        hyph = [False] * len(toks)
    units: list[Unit] = []
    pending: list[str] = []
    pending_h = False
    for t, h in zip(toks, hyph, strict=True):
        if t in PARTICLES:
            if not pending:
                pending_h = h
            pending.append(t)
        elif pending:
            pending.append(t)
            units.append((" ".join(pending), pending_h))
            pending = []
        else:
            units.append((t, h))
    if pending:  # a dangling particle ("PEREZ DE"): keep it with the word before
        if units:
            units[-1] = (units[-1][0] + " " + " ".join(pending), units[-1][1])
        else:
            units.append((" ".join(pending), pending_h))
    if len(units) > 1 and len(units) != len(toks):
        surnames = _surnames()
        i = 0
        while i < len(units) - 1:
            joined = units[i][0] + " " + units[i + 1][0]
            if not units[i + 1][1] and joined in surnames:
                units[i : i + 2] = [(joined, units[i][1])]
            else:
                i += 1
    return tuple(units)


def _clean(s: str | None) -> str:
    return " ".join(s.split()) if s else ""


def _split_alias_text(text: str) -> list[str]:
    out = []
    for part in _ALIAS_SPLIT.split(_MARKER_WORD.sub(",", _PAREN_A.sub(",", text))):
        f = fold(part)
        if f:
            out.append(f)
    return out


def _extract_aliases(s: str) -> tuple[str, list[str]]:
    """Cut aliases out of a name field; return the rest and the folded aliases."""
    if not _ALIAS_HINT.search(s):
        return s, []
    found: list[str] = []

    def take(m: re.Match[str]) -> str:
        found.extend(_split_alias_text(next((g for g in m.groups() if g is not None), "")))
        return " "

    s = _QUOTED.sub(take, s)
    m = _PAREN_A.search(s)
    if m:
        found.extend(_split_alias_text(s[m.end() :]))
        s = s[: m.start()]
    s = _PAREN.sub(take, s)
    m = _MARKER_WORD.search(s)
    if m:
        found.extend(_split_alias_text(s[m.end() :]))
        s = s[: m.start()]
    return s, found


def _surnames_from(units: list[Unit], flags: list[str]) -> tuple[str | None, str | None]:
    """Paternal and maternal surnames from the units of one surname field."""
    if not units:
        return None, None
    if len(units) == 1:
        return units[0][0], None
    if len(units) == 2:
        if units[1][1]:
            flags.append(HYPHENATED_SURNAME)
        return units[0][0], units[1][0]
    cut = next((i for i in range(1, len(units)) if units[i][1]), None)
    if cut is not None:
        flags.append(HYPHENATED_SURNAME)
    else:
        cut = 1
        flags.append(EXTRA_SURNAMES)
    return " ".join(u for u, _ in units[:cut]), " ".join(u for u, _ in units[cut:])


def _strip_suffix(units: list[Unit], flags: list[str]) -> list[Unit]:
    while len(units) > 1 and units[-1][0] in SUFFIXES:
        units = units[:-1]
        if SUFFIX_REMOVED not in flags:
            flags.append(SUFFIX_REMOVED)
    return units


def _split_full(
    units: list[Unit], convention: str, flags: list[str]
) -> tuple[list[str], str | None, str | None]:
    """Given units, paternal and maternal from a full name written given-names-first."""
    n = len(units)
    if n == 0:
        return [], None, None
    if n == 1:
        u = units[0][0]
        return ([], u, None) if _surname_only(u) else ([u], None, None)
    if n == 2 and units[1][1]:  # "HERNANDEZ-MARTINEZ" alone: a surname pair, no given name
        flags.append(HYPHENATED_SURNAME)
        return [], units[0][0], units[1][0]
    if _surname_only(units[0][0]) and _given_only(units[-1][0]):
        # Registries often list PATERNO MATERNO NOMBRE(S) without a comma.
        flags.append(SURNAME_FIRST)
        if n > 2 and not _given_only(units[1][0]):
            if units[1][1]:
                flags.append(HYPHENATED_SURNAME)
            return [u for u, _ in units[2:]], units[0][0], units[1][0]
        return [u for u, _ in units[1:]], units[0][0], None
    g = 1
    # Given-name particles (JOSE DE JESUS) and hyphenated given names (JEAN-PIERRE) stay given.
    while g < n and (units[g][0] in GIVEN_PARTICLE_UNITS or (units[g][1] and g < n - 1)):
        g += 1
    given = [u for u, _ in units[:g]]
    rest = units[g:]
    if not rest:
        return given, None, None
    if len(rest) == 1:
        u = rest[0][0]
        if _given_only(u) and not rest[0][1]:
            return [*given, u], None, None
        return given, u, None
    (p, _), (m, m_h) = rest[-2], rest[-1]
    given += [u for u, _ in rest[:-2]]
    if m_h:
        flags.append(HYPHENATED_SURNAME)
        return given, p, m
    # Three words or more written given-names-first end with a surname, even one that is also a
    # given name (WILLIAM JAMES THOMAS, JUAN CARLOS MARTIN): a record's name field rarely holds
    # given names alone, and reading them all as given names would leave the person no surname.
    if convention == "US":
        if _surname_only(p):
            return given, p, m
        return [*given, p], m, None
    if _given_only(p):
        return [*given, p], m, None
    return given, p, m


def _given_tokens(units: list[str]) -> tuple[str, ...]:
    return tuple(" ".join(units).split())


def _canonical(given: tuple[str, ...]) -> tuple[str, ...]:
    hyp = _hypocorisms()
    out: list[str] = []
    for t in given:
        cands = hyp.get(t)
        if cands is not None and len(cands) == 1:
            out.extend(cands[0].split())
        else:
            out.append(t)
    return tuple(out)


def _looks_truncated(word: str | None) -> bool:
    if not word:
        return False
    last = word.rsplit(" ", 1)[-1]
    return last in _prefixes()


def parse_name(
    *,
    full: str | None = None,
    first: str | None = None,
    middle: str | None = None,
    last: str | None = None,
    father: str | None = None,
    mother: str | None = None,
    alias: str | None = None,
    convention: str = "MX",
) -> PersonName:
    """Parse whichever name fields a record has into a `PersonName`; never raises on text.

    `convention` ("MX" or "US") only changes how a single full-name field is split; the module
    docstring lists every rule.
    """
    flags: list[str] = []
    aliases: list[str] = []
    if alias:  # folding turns quotes and brackets into spaces; markers are cut here
        aliases.extend(_split_alias_text(alias))

    parts = [_clean(x) for x in (first, middle, father, mother, last)]
    if any(parts):
        original = " ".join(p for p in parts if p)
        cut: list[str] = []
        for p in parts:
            rest, found = _extract_aliases(p) if p else (p, [])
            cut.append(rest)
            if found:
                aliases.extend(found)
                if ALIAS_EXTRACTED not in flags:
                    flags.append(ALIAS_EXTRACTED)
        f_first, f_middle, f_father, f_mother, f_last = cut
        given_units = [u for u, _ in _units(f_first)] if f_first else []
        paternal: str | None = None
        maternal: str | None = None
        if f_father:
            fu = list(_units(f_father))
            if f_mother:
                paternal = " ".join(u for u, _ in fu) or None
                maternal = " ".join(u for u, _ in _units(f_mother)) or None
            else:
                paternal, maternal = _surnames_from(fu, flags)
        elif f_mother:
            maternal = " ".join(u for u, _ in _units(f_mother)) or None
        if paternal is None and f_last:
            lp, lm = _surnames_from(_strip_suffix(list(_units(f_last)), flags), flags)
            paternal = lp
            maternal = maternal or lm
        if f_middle:
            mu = _units(f_middle)
            if len(mu) == 1 and paternal and not maternal and _surname_only(mu[0][0]):
                maternal = mu[0][0]
                flags.append(MATERNAL_IN_MIDDLE)
            else:
                given_units.extend(u for u, _ in mu)
        if (
            len(given_units) == 1
            and paternal
            and " " not in paternal
            and _surname_only(given_units[0])
            and _given_only(paternal)
        ):
            flags.append(SWAPPED_FIELDS)
        ends = [_units(f)[-1][0] for f in cut if f and _units(f)]
    else:
        original = _clean(full)
        rest, found = _extract_aliases(original) if original else ("", [])
        if found:
            aliases.extend(found)
            flags.append(ALIAS_EXTRACTED)
        pieces = [p for p in rest.split(",") if _units(p)] if "," in rest else [rest]
        if len(pieces) > 1:
            kept = [p for p in pieces if not all(u in SUFFIXES for u, _ in _units(p))]
            if kept and len(kept) < len(pieces):
                pieces = kept
                flags.append(SUFFIX_REMOVED)
        if len(pieces) >= 2:
            flags.append(COMMA_FORM)
            paternal, maternal = _surnames_from(list(_units(pieces[0])), flags)
            gu = _strip_suffix(list(_units(" ".join(pieces[1:]))), flags)
            if (
                len(gu) >= 2
                and paternal
                and not maternal
                and not gu[-1][1]
                and _surname_only(gu[-1][0])
            ):
                maternal = gu[-1][0]
                gu = gu[:-1]
                flags.append(MATERNAL_IN_MIDDLE)
            given_units = [u for u, _ in gu]
        else:
            units = _strip_suffix(list(_units(pieces[0])), flags) if pieces else []
            given_units, paternal, maternal = _split_full(units, convention, flags)
        ends = [_units(p)[-1][0] for p in pieces if _units(p)]

    given = _given_tokens(given_units)
    if paternal and not maternal:
        flags.append(SINGLE_SURNAME)
    if given and not paternal and not maternal:
        flags.append(NO_SURNAME)
    if not given and (paternal or maternal):
        flags.append(NO_GIVEN)
    if not given and not paternal and not maternal and not aliases:
        flags.append(EMPTY)
    if any(_looks_truncated(w) for w in ends):
        flags.append(TRUNCATED)
    return PersonName(
        original=original,
        given=given,
        paternal=paternal or None,
        maternal=maternal or None,
        aliases=tuple(dict.fromkeys(aliases)),
        given_canonical=_canonical(given),
        flags=tuple(dict.fromkeys(flags)),
    )
