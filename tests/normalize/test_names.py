"""Tests for person-name parsing: every case of domain.md §1 by example, then properties."""

from __future__ import annotations

import csv
import unicodedata
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eslabon.normalize.names import (
    PARTICLES,
    PersonName,
    canonical_given,
    is_given_name,
    is_surname,
    parse_name,
)
from eslabon.normalize.text import fold


def parts(n: PersonName) -> tuple[tuple[str, ...], str | None, str | None]:
    return n.given, n.paternal, n.maternal


# --- Mexican split fields and full names -------------------------------------------------------


def test_mexican_split_fields() -> None:
    n = parse_name(first="José Luis", father="Hernández", mother="Martínez")
    assert n.original == "José Luis Hernández Martínez"
    assert parts(n) == (("JOSE", "LUIS"), "HERNANDEZ", "MARTINEZ")
    assert n.given_str == "JOSE LUIS"
    assert n.flags == ()


def test_full_name_mx_last_two_units_are_surnames() -> None:
    n = parse_name(full="José Luis Hernández Martínez")
    assert parts(n) == (("JOSE", "LUIS"), "HERNANDEZ", "MARTINEZ")


def test_particles_belong_to_surnames_and_given_names() -> None:
    n = parse_name(full="María de los Ángeles Ramírez de la Cruz")
    assert parts(n) == (("MARIA", "DE", "LOS", "ANGELES"), "RAMIREZ", "DE LA CRUZ")


def test_compound_surname_kept_whole() -> None:
    n = parse_name(full="Juan Ponce de León García")
    assert parts(n) == (("JUAN",), "PONCE DE LEON", "GARCIA")


@pytest.mark.parametrize(
    ("full", "given", "paternal", "maternal"),
    [
        ("JOSE DE JESUS HERNANDEZ MARTINEZ", ("JOSE", "DE", "JESUS"), "HERNANDEZ", "MARTINEZ"),
        ("JOSE DE JESUS HERNANDEZ", ("JOSE", "DE", "JESUS"), "HERNANDEZ", None),
        ("MARIA DEL CARMEN LOPEZ RUIZ", ("MARIA", "DEL", "CARMEN"), "LOPEZ", "RUIZ"),
        ("JUAN DE DIOS PEREZ", ("JUAN", "DE", "DIOS"), "PEREZ", None),
        ("MARIA DEL CARMEN", ("MARIA", "DEL", "CARMEN"), None, None),
    ],
)
def test_particle_bearing_given_names(
    full: str, given: tuple[str, ...], paternal: str | None, maternal: str | None
) -> None:
    assert parts(parse_name(full=full)) == (given, paternal, maternal)


def test_compound_given_name_with_single_surname() -> None:
    n = parse_name(full="JOSE LUIS PEREZ")
    assert parts(n) == (("JOSE", "LUIS"), "PEREZ", None)
    assert "single_surname" in n.flags


def test_two_given_names_only() -> None:
    n = parse_name(full="Juan Carlos")
    assert parts(n) == (("JUAN", "CARLOS"), None, None)
    assert "no_surname" in n.flags


def test_unknown_words_follow_the_mx_rule() -> None:
    assert parts(parse_name(full="Ixchel Tzunún Cumes")) == (("IXCHEL",), "TZUNUN", "CUMES")


def test_indigenous_apostrophes_are_dropped() -> None:
    n = parse_name(first="Tomás", father="K'iche'", mother="Tzul")
    assert parts(n) == (("TOMAS",), "KICHE", "TZUL")


# --- US forms -------------------------------------------------------------------------------


def test_us_hyphenated_last_name() -> None:
    n = parse_name(first="JOSE", middle="LUIS", last="HERNANDEZ-MARTINEZ", convention="US")
    assert parts(n) == (("JOSE", "LUIS"), "HERNANDEZ", "MARTINEZ")
    assert "hyphenated_surname" in n.flags


def test_us_two_surnames_in_last_field() -> None:
    n = parse_name(first="Jose", last="Hernandez Martinez", convention="US")
    assert parts(n) == (("JOSE",), "HERNANDEZ", "MARTINEZ")
    assert "hyphenated_surname" not in n.flags


def test_us_maternal_in_middle_field() -> None:
    n = parse_name(first="JOSE", middle="MARTINEZ", last="HERNANDEZ", convention="US")
    assert parts(n) == (("JOSE",), "HERNANDEZ", "MARTINEZ")
    assert "maternal_in_middle" in n.flags


def test_us_middle_given_name_stays_given() -> None:
    n = parse_name(first="JOSE", middle="LUIS", last="HERNANDEZ", convention="US")
    assert parts(n) == (("JOSE", "LUIS"), "HERNANDEZ", None)
    assert "maternal_in_middle" not in n.flags
    assert "single_surname" in n.flags


def test_us_middle_initial_stays_given() -> None:
    n = parse_name(first="JOSE", middle="L.", last="HERNANDEZ", convention="US")
    assert parts(n) == (("JOSE", "L"), "HERNANDEZ", None)


def test_us_full_name_rule() -> None:
    # A known surname before the last word is read as the paternal surname ...
    us = parse_name(full="JUAN HERNANDEZ MARTINEZ", convention="US")
    assert parts(us) == (("JUAN",), "HERNANDEZ", "MARTINEZ")
    # ... anything else is a middle name under US, a surname under MX.
    us = parse_name(full="JUAN XOLOTL SMITH", convention="US")
    assert parts(us) == (("JUAN", "XOLOTL"), "SMITH", None)
    mx = parse_name(full="JUAN XOLOTL SMITH", convention="MX")
    assert parts(mx) == (("JUAN",), "XOLOTL", "SMITH")


@pytest.mark.parametrize(
    ("full", "given", "paternal", "maternal", "flag"),
    [
        ("HERNANDEZ MARTINEZ, JOSE LUIS", ("JOSE", "LUIS"), "HERNANDEZ", "MARTINEZ", "comma_form"),
        ("HERNANDEZ, JOSE LUIS", ("JOSE", "LUIS"), "HERNANDEZ", None, "comma_form"),
        ("PEREZ, JUAN CARLOS LOPEZ", ("JUAN", "CARLOS"), "PEREZ", "LOPEZ", "maternal_in_middle"),
        ("HERNANDEZ-MARTINEZ, JOSE", ("JOSE",), "HERNANDEZ", "MARTINEZ", "hyphenated_surname"),
        ("Pérez López, Juan, Jr.", ("JUAN",), "PEREZ", "LOPEZ", "suffix_removed"),
    ],
)
def test_comma_forms(
    full: str, given: tuple[str, ...], paternal: str, maternal: str | None, flag: str
) -> None:
    n = parse_name(full=full, convention="US")
    assert parts(n) == (given, paternal, maternal)
    assert flag in n.flags


@pytest.mark.parametrize("convention", ["MX", "US"])
def test_surname_first_without_comma(convention: str) -> None:
    n = parse_name(full="HERNANDEZ MARTINEZ JOSE LUIS", convention=convention)
    assert parts(n) == (("JOSE", "LUIS"), "HERNANDEZ", "MARTINEZ")
    assert "surname_first" in n.flags
    n = parse_name(full="LOPEZ RUIZ MARIA DE LOURDES", convention=convention)
    assert parts(n) == (("MARIA", "DE", "LOURDES"), "LOPEZ", "RUIZ")
    n = parse_name(full="PEREZ JUAN CARLOS", convention=convention)
    assert parts(n) == (("JUAN", "CARLOS"), "PEREZ", None)
    # Given names first stay given names first.
    assert "surname_first" not in parse_name(full="JUAN CARLOS PEREZ").flags


def test_suffix_removed_without_comma() -> None:
    n = parse_name(full="Juan Pérez López Jr.")
    assert parts(n) == (("JUAN",), "PEREZ", "LOPEZ")
    assert "suffix_removed" in n.flags


def test_hyphenated_surname_in_full_name() -> None:
    n = parse_name(full="JUAN HERNANDEZ-MARTINEZ")
    assert parts(n) == (("JUAN",), "HERNANDEZ", "MARTINEZ")
    assert "hyphenated_surname" in n.flags
    alone = parse_name(full="HERNANDEZ-MARTINEZ")
    assert parts(alone) == ((), "HERNANDEZ", "MARTINEZ")


def test_hyphenated_given_name_stays_given() -> None:
    n = parse_name(full="José-Luis Hernández Martínez")
    assert parts(n) == (("JOSE", "LUIS"), "HERNANDEZ", "MARTINEZ")
    assert "hyphenated_surname" not in n.flags


def test_upper_case_without_accents_matches_accented() -> None:
    a = parse_name(first="José", father="Peña", mother="Núñez")
    b = parse_name(first="JOSE", father="PENA", mother="NUNEZ")
    assert parts(a) == parts(b) == (("JOSE",), "PENA", "NUNEZ")


def test_truncated_fixed_width_is_flagged() -> None:
    # MARTIN is a name in its own right, MARTINE is only the start of MARTINEZ.
    assert "truncated_suspected" not in parse_name(full="JOSE LUIS HERNANDEZ MARTIN").flags
    cut = parse_name(first="JOSE LUIS", father="HERNANDEZ", mother="MARTINE")
    assert "truncated_suspected" in cut.flags
    assert parse_name(full="MARIA GUADALUPE RODRIGU").flags.count("truncated_suspected") == 1
    assert "truncated_suspected" not in parse_name(full="MARIA GUADALUPE RODRIGUEZ").flags


# --- swapped fields ----------------------------------------------------------------------------


def test_swapped_fields_flagged_not_swapped() -> None:
    n = parse_name(first="HERNANDEZ", last="JOSE", convention="US")
    assert "swapped_fields_suspected" in n.flags
    assert parts(n) == (("HERNANDEZ",), "JOSE", None)


def test_swapped_fields_with_nickname_in_surname_field() -> None:
    n = parse_name(first="Ramírez", father="Pancho")
    assert "swapped_fields_suspected" in n.flags


def test_ordinary_fields_not_flagged_as_swapped() -> None:
    assert "swapped_fields_suspected" not in parse_name(first="JOSE", last="HERNANDEZ").flags
    # SALVADOR is both a given name and a surname: no evidence of a swap.
    assert "swapped_fields_suspected" not in parse_name(first="SALVADOR", last="JOSE").flags


# --- aliases -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("full", "aliases"),
    [
        ('Juan Pérez alias "El Flaco"', ("EL FLACO",)),
        ("Juan Pérez alias El Flaco", ("EL FLACO",)),
        ("JUAN PEREZ A.K.A. FLACO", ("FLACO",)),
        ("JUAN PEREZ AKA FLACO", ("FLACO",)),
        ("Juan Pérez a/k/a Flaco", ("FLACO",)),
        ('Juan "Chuy" Pérez', ("CHUY",)),
        ("Juan 'Chuy' Pérez", ("CHUY",)),
        ("Juan “Chuy” Pérez", ("CHUY",)),
        ("Juan Pérez (a) El Güero", ("EL GUERO",)),
        ("Juan Pérez (El Güero)", ("EL GUERO",)),
        ("Juan Pérez alias El Flaco, La Güera", ("EL FLACO", "LA GUERA")),
        ("Juan Pérez (El Güero) alias Chato", ("EL GUERO", "CHATO")),
    ],
)
def test_aliases_extracted_from_full_name(full: str, aliases: tuple[str, ...]) -> None:
    n = parse_name(full=full)
    assert n.aliases == aliases
    assert parts(n) == (("JUAN",), "PEREZ", None)
    assert "alias_extracted" in n.flags
    assert n.original == full


def test_alias_in_first_name_field() -> None:
    n = parse_name(first='Jesús "Chuy"', father="López", mother="Ruiz")
    assert parts(n) == (("JESUS",), "LOPEZ", "RUIZ")
    assert n.aliases == ("CHUY",)


def test_alias_field_is_split_and_cleaned() -> None:
    n = parse_name(first="Pedro", father="Soto", alias='"El Flaco"; Güero / alias Chato')
    assert n.aliases == ("EL FLACO", "GUERO", "CHATO")
    assert parse_name(alias="(a) El Güero").aliases == ("EL GUERO",)
    assert "alias_extracted" not in n.flags


def test_apostrophe_in_name_is_not_an_alias() -> None:
    n = parse_name(full="Tomás O'Brien K'iche'")
    assert n.aliases == ()
    assert parts(n) == (("TOMAS",), "OBRIEN", "KICHE")


def test_aliases_deduplicated() -> None:
    n = parse_name(full='Juan "El Flaco" Pérez', alias="el flaco")
    assert n.aliases == ("EL FLACO",)


# --- hypocorisms -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nick", "formal"),
    [
        ("Pancho", "FRANCISCO"),
        ("Paco", "FRANCISCO"),
        ("Kiko", "FRANCISCO"),
        ("Pepe", "JOSE"),
        ("Chepe", "JOSE"),
        ("Chuy", "JESUS"),
        ("Chucho", "JESUS"),
        ("Lupe", "GUADALUPE"),
        ("Lupita", "GUADALUPE"),
        ("Nacho", "IGNACIO"),
        ("Lalo", "EDUARDO"),
        ("Kike", "ENRIQUE"),
        ("Chayo", "ROSARIO"),
        ("Chava", "SALVADOR"),
        ("Chago", "SANTIAGO"),
        ("Goyo", "GREGORIO"),
        ("Lola", "DOLORES"),
        ("Concha", "CONCEPCION"),
        ("Conchita", "CONCEPCION"),
        ("Meche", "MERCEDES"),
        ("Chabela", "ISABEL"),
        ("Rafa", "RAFAEL"),
        ("Manolo", "MANUEL"),
        ("Chalo", "GONZALO"),
        ("Cuco", "REFUGIO"),
        ("Cuca", "REFUGIO"),
        ("Toño", "ANTONIO"),
        ("TONO", "ANTONIO"),
        ("Memo", "GUILLERMO"),
        ("Maru", "MARIA EUGENIA"),
        ("Joe", "JOSE"),
        ("Ma", "MARIA"),
    ],
)
def test_canonical_given_single(nick: str, formal: str) -> None:
    assert canonical_given(nick) == (formal,)


def test_canonical_given_ambiguous_and_unknown() -> None:
    beto = canonical_given("beto")
    assert {"ALBERTO", "ROBERTO", "HUMBERTO", "NORBERTO"} <= set(beto)
    assert canonical_given("Luis") == ("LUIS",)
    assert canonical_given("") == ()


def test_given_canonical_resolves_unambiguous_nicknames_only() -> None:
    n = parse_name(first="Pancho Beto", father="López")
    assert n.given == ("PANCHO", "BETO")
    assert n.given_canonical == ("FRANCISCO", "BETO")
    assert n.canonical_str == "FRANCISCO BETO"
    assert parse_name(first="Maru", father="Soto").given_canonical == ("MARIA", "EUGENIA")
    assert parse_name(full="Ma. Guadalupe López").given_canonical == ("MARIA", "GUADALUPE")


def test_name_lists() -> None:
    assert is_given_name("Lupita") and is_given_name("JOSÉ") and is_given_name("de Jesús")
    assert not is_given_name("Hernández")
    assert is_surname("Peña") and is_surname("de la Cruz") and is_surname("Ponce de León")
    assert not is_surname("Lupita")


def test_hypocorism_file_is_well_formed() -> None:
    text = resources.files("eslabon.normalize").joinpath("data", "hypocorisms.csv").read_text()
    rows = list(csv.DictReader(ln for ln in text.splitlines() if not ln.startswith("#")))
    assert len(rows) > 100
    assert all(fold(r["nickname"]) and fold(r["formal"]) for r in rows)


# --- misc --------------------------------------------------------------------------------------


def test_empty_input() -> None:
    n = parse_name()
    assert parts(n) == ((), None, None)
    assert n.flags == ("empty",)
    assert parse_name(full="  ", first="").flags == ("empty",)


def test_split_fields_win_over_full() -> None:
    n = parse_name(full="Something Else", first="Ana", father="Ruiz")
    assert parts(n) == (("ANA",), "RUIZ", None)
    assert n.original == "Ana Ruiz"


def test_as_props_matches_store_contract() -> None:
    props = parse_name(full='Francisco "Pancho" Ruiz Soto').as_props()
    assert props == {
        "name": 'Francisco "Pancho" Ruiz Soto',
        "given": "FRANCISCO",
        "given_canonical": "FRANCISCO",
        "paternal": "RUIZ",
        "maternal": "SOTO",
        "aliases": ["PANCHO"],
        "name_flags": ["alias_extracted"],
    }


def test_person_name_is_frozen() -> None:
    n = parse_name(full="Ana Ruiz")
    with pytest.raises(AttributeError):
        n.paternal = "X"  # type: ignore[misc]


# --- properties --------------------------------------------------------------------------------

GIVEN = ["José", "Luis", "María", "Ángel", "Jesús", "Guadalupe", "Ana", "Sofía", "Raúl", "Inés"]
SURNAMES = [
    "Hernández",
    "Martínez",
    "Pérez",
    "Núñez",
    "Peña",
    "Ramírez",
    "Gómez",
    "Ibarra",
    "Saldaña",
    "Muñoz",
    "Cortés",
    "Zúñiga",
    "Ordóñez",
    "Treviño",
    "Tzul",
    "Xoc",
]
NOT_NAMES = {"ALIAS", "AKA", "APODO", "III", *PARTICLES}
# Words that are neither particles, markers nor known given names (a known given name in a
# surname slot is read as a given name, which is the point of knowing it).
WORD = st.from_regex(r"[A-Za-zÁÉÍÓÚÑáéíóúñü]{3,10}", fullmatch=True).filter(
    lambda w: fold(w) not in NOT_NAMES and not is_given_name(w)
)
SURNAME = st.sampled_from(SURNAMES) | WORD
FIELD = st.none() | st.text(max_size=30)


def strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


@settings(max_examples=300)
@given(FIELD, FIELD, FIELD, FIELD, FIELD, FIELD, FIELD, st.sampled_from(["MX", "US"]))
def test_parse_name_never_raises_and_parts_are_folded(
    full, first, middle, last, father, mother, alias, convention
) -> None:
    n = parse_name(
        full=full,
        first=first,
        middle=middle,
        last=last,
        father=father,
        mother=mother,
        alias=alias,
        convention=convention,
    )
    for tok in (*n.given, *n.given_canonical):
        assert tok and fold(tok) == tok and " " not in tok
    for part in (n.paternal, n.maternal, *n.aliases):
        assert part is None or (part and fold(part) == part)
    assert len(set(n.flags)) == len(n.flags)


@given(st.lists(st.sampled_from(GIVEN), min_size=1, max_size=2), SURNAME, SURNAME)
def test_hyphen_and_space_forms_agree(given_names, p, m) -> None:
    g = " ".join(given_names)
    hy = parse_name(full=f"{g} {p}-{m}")
    sp = parse_name(full=f"{g} {p} {m}")
    assert parts(hy) == parts(sp)
    assert parts(parse_name(first=g, last=f"{p}-{m}", convention="US")) == parts(
        parse_name(first=g, last=f"{p} {m}", convention="US")
    )


@given(
    st.lists(st.sampled_from(GIVEN), min_size=1, max_size=2),
    SURNAME,
    SURNAME,
    st.sampled_from(["MX", "US"]),
)
def test_accents_do_not_matter(given_names, p, m, convention) -> None:
    g = " ".join(given_names)
    a = parse_name(full=f"{g} {p} {m}", convention=convention)
    b = parse_name(full=strip_accents(f"{g} {p} {m}"), convention=convention)
    assert parts(a) == parts(b)
    assert a.given_canonical == b.given_canonical


@given(
    st.lists(st.sampled_from(GIVEN), min_size=1, max_size=2),
    SURNAME,
    SURNAME,
    st.sampled_from(["MX", "US"]),
)
def test_case_does_not_matter(given_names, p, m, convention) -> None:
    full = f"{' '.join(given_names)} {p} {m}"
    up = parse_name(full=full.upper(), convention=convention)
    low = parse_name(full=full.lower(), convention=convention)
    assert (parts(up), up.flags) == (parts(low), low.flags)
    split_up = parse_name(first=full.upper().split()[0], father=p.upper(), mother=m.upper())
    split_low = parse_name(first=full.lower().split()[0], father=p.lower(), mother=m.lower())
    assert parts(split_up) == parts(split_low)


ALIAS_TEXT = st.lists(WORD, min_size=1, max_size=3).map(" ".join)
ALIAS_FORMS = st.sampled_from(
    [
        '{name} alias "{a}"',
        "{name} alias {a}",
        "{name} A.K.A. {a}",
        "{name} aka {a}",
        "{name} (a) {a}",
        "{name} ({a})",
        '{g} "{a}" {s}',
        "{g} '{a}' {s}",
        "{g} “{a}” {s}",
    ]
)


@given(st.sampled_from(GIVEN), SURNAME, SURNAME, ALIAS_TEXT, ALIAS_FORMS)
def test_alias_extraction_removes_alias_from_name(g, p, m, a, form) -> None:
    s = f"{p} {m}"
    n = parse_name(full=form.format(name=f"{g} {s}", g=g, s=s, a=a))
    assert n.aliases == (fold(a),)
    assert parts(n) == parts(parse_name(full=f"{g} {s}"))
    assert "alias_extracted" in n.flags


@pytest.mark.parametrize("convention", ["US", "MX"])
def test_three_given_names_end_with_a_surname(convention: str) -> None:
    # ROBERT is known only as a given name, but a name field of three words holds a surname
    n = parse_name(full="JOHN MICHAEL ROBERT", convention=convention)
    assert parts(n) == (("JOHN", "MICHAEL"), "ROBERT", None)
    assert "no_surname" not in n.flags


@pytest.mark.parametrize("convention", ["US", "MX"])
def test_english_surnames_that_are_given_names_too(convention: str) -> None:
    assert parts(parse_name(full="MARY THOMAS", convention=convention)) == (
        ("MARY",),
        "THOMAS",
        None,
    )
    us = parse_name(full="WILLIAM JAMES THOMAS", convention="US")
    assert parts(us) == (("WILLIAM", "JAMES"), "THOMAS", None)
