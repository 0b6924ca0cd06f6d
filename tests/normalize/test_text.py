"""Tests for text folding: examples from real-looking records and properties over any text."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eslabon.normalize.text import fold, tokens

FOLDED = re.compile(r"(?:[A-Z0-9]+(?: [A-Z0-9]+)*)?")
LATIN = st.text(
    alphabet=st.sampled_from(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZáéíóúüñÁÉÍÓÚÜÑàèçÇ0123456789 .,-'\"()/"
    ),
    max_size=40,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Peña", "PENA"),
        ("NÚÑEZ", "NUNEZ"),
        ("Agüero", "AGUERO"),
        ("  josé   luis  ", "JOSE LUIS"),
        ("María de los Ángeles", "MARIA DE LOS ANGELES"),
        ("K'iche'", "KICHE"),
        ("Q’eqchi’", "QEQCHI"),
        ("O'Brien", "OBRIEN"),
        ("Hernández-Martínez", "HERNANDEZ MARTINEZ"),
        ("PÉREZ, JUAN", "PEREZ JUAN"),
        ("Ma. Guadalupe", "MA GUADALUPE"),
        ("Straße", "STRASSE"),
        ("Søren", "SOREN"),
        ("ﬁdel", "FIDEL"),
        ("Calle 5 #23-B", "CALLE 5 23 B"),
        ("\t\n", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_examples(raw: str | None, expected: str) -> None:
    assert fold(raw) == expected


def test_tokens_splits_folded_words() -> None:
    assert tokens("José-Luis  Peña") == ("JOSE", "LUIS", "PENA")
    assert tokens(None) == ()


@given(st.text())
def test_fold_is_idempotent(s: str) -> None:
    assert fold(fold(s)) == fold(s)


@given(st.text())
def test_fold_output_is_ascii_upper_alnum_with_single_spaces(s: str) -> None:
    assert FOLDED.fullmatch(fold(s))


@given(LATIN)
def test_fold_ignores_case(s: str) -> None:
    assert fold(s.upper()) == fold(s.lower()) == fold(s)


@given(LATIN)
def test_fold_ignores_accents(s: str) -> None:
    bare = "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
    assert fold(bare) == fold(s)


@given(st.text())
def test_tokens_agree_with_fold(s: str) -> None:
    assert " ".join(tokens(s)) == fold(s)
