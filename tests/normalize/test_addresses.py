"""Tests for address normalisation: the same place written the common ways shares one key."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eslabon.normalize.addresses import normalize_address, normalize_state

SAME_US = [
    "1234 W Main St Apt 5, Laredo, TX 78040-1234",
    "1234 West Main Street, Laredo, Texas 78040",
    "1234 W. MAIN ST., LAREDO TX 78040",
    "1234 W Main St #5, Laredo TX 78040, USA",
]
SAME_MX = [
    "Calle Hidalgo No. 123 Int. 4, Col. Centro, Nuevo Laredo, Tamps., C.P. 88000",
    "HIDALGO #123, COLONIA CENTRO, NUEVO LAREDO, TAMAULIPAS, CP 88000",
    "C. Hidalgo 123 Col. Centro, Municipio de Nuevo Laredo, TAMPS 88000, México",
]
SAME_CDMX = [
    "Av. Guerrero 1234, Col. Juárez, Alcaldía Cuauhtémoc, CDMX, C.P. 06600",
    "Avenida Guerrero No 1234, Colonia Juarez, Cuauhtemoc, Ciudad de México 06600",
]


@pytest.mark.parametrize("group", [SAME_US, SAME_MX, SAME_CDMX])
def test_same_place_same_key(group):
    keys = {normalize_address(text).key for text in group}
    assert len(keys) == 1, keys
    assert keys.pop()


def test_different_places_differ():
    keys = {normalize_address(t).key for t in (SAME_US[0], SAME_MX[0], SAME_CDMX[0])}
    assert len(keys) == 3
    other_number = normalize_address("1236 W Main St, Laredo, TX 78040").key
    assert other_number != normalize_address(SAME_US[0]).key


def test_us_parts():
    r = normalize_address(SAME_US[0])
    assert (r.number, r.street, r.interior, r.city, r.state) == (
        "1234",
        "W MAIN ST",
        "5",
        "LAREDO",
        "TX",
    )
    assert (r.postal_code, r.postal_extension, r.country) == ("78040", "1234", "US")


def test_mexican_parts():
    r = normalize_address(SAME_MX[0])
    assert (r.street, r.number, r.interior) == ("CALLE HIDALGO", "123", "4")
    assert (r.colonia, r.city, r.state, r.postal_code, r.country) == (
        "CENTRO",
        "NUEVO LAREDO",
        "TAMAULIPAS",
        "88000",
        "MX",
    )
    assert (
        r.normalized == "CALLE HIDALGO 123 INT 4, COL CENTRO, NUEVO LAREDO, TAMAULIPAS, 88000, MX"
    )


def test_sin_numero_and_street_names_with_numbers():
    r = normalize_address("Calle 5 de Mayo S/N, Col. Centro, Matamoros, Tamps.")
    assert (r.street, r.number, r.city) == ("CALLE 5 DE MAYO", None, "MATAMOROS")
    r = normalize_address("Calle 5 de Mayo 230, Matamoros, Tamps.")
    assert (r.street, r.number) == ("CALLE 5 DE MAYO", "230")


def test_parts_given_separately_match_the_full_form():
    parts = normalize_address(
        street="Calle Hidalgo 123",
        colonia="Col. Centro",
        city="Nuevo Laredo",
        state="Tamps.",
        postal_code="88000",
    )
    assert parts.key == normalize_address(SAME_MX[1]).key
    assert parts.number == "123"
    us = normalize_address(street="W Main Street", number="1234", city="Laredo", state="Texas",
                           postal_code="78040-1234")  # fmt: skip
    assert us.key == normalize_address(SAME_US[0]).key
    assert us.postal_extension == "1234"


def test_given_parts_win_over_parsed_ones():
    r = normalize_address(SAME_MX[0], city="Reynosa")
    assert r.city == "REYNOSA"


@pytest.mark.parametrize(
    ("raw", "state", "country"),
    [
        ("Tamaulipas", "TAMAULIPAS", "MX"),
        ("TAMPS", "TAMAULIPAS", "MX"),
        ("Tamps.", "TAMAULIPAS", "MX"),
        ("N.L.", "NUEVO LEON", "MX"),
        ("Nuevo León", "NUEVO LEON", "MX"),
        ("CDMX", "CIUDAD DE MEXICO", "MX"),
        ("D.F.", "CIUDAD DE MEXICO", "MX"),
        ("Edo. Mex.", "ESTADO DE MEXICO", "MX"),
        ("Texas", "TX", "US"),
        ("tx", "TX", "US"),
        ("New Mexico", "NM", "US"),
        ("Atlantis", "ATLANTIS", None),
        ("", None, None),
    ],
)
def test_states(raw, state, country):
    assert normalize_state(raw) == (state, country)


def test_empty_address():
    r = normalize_address()
    assert (r.normalized, r.key) == ("", "")


@given(st.text(max_size=80))
def test_never_raises(text):
    r = normalize_address(text)
    assert isinstance(r.key, str)
    assert r.key == r.key.upper()


@given(
    st.integers(1, 99999),
    st.sampled_from(["Hidalgo", "Juárez", "Morelos", "Guerrero", "Reforma"]),
    st.sampled_from(["Calle", "C.", "Av.", "Avenida", ""]),
    st.from_regex(r"[0-9]{5}", fullmatch=True),
)
def test_mexican_writing_variants_share_a_key(num, name, kind, cp):
    variants = [
        f"{kind} {name} No. {num}, Col. Centro, Reynosa, Tamps., C.P. {cp}",
        f"{kind} {name} #{num}, Colonia Centro, Reynosa, Tamaulipas, CP {cp}",
        f"{kind} {name} {num} Col. Centro, Reynosa, TAMPS {cp}, México",
    ]
    keys = {normalize_address(v.strip()).key for v in variants}
    assert len(keys) == 1, (variants, keys)
