"""Tests for money parsing: separators, currencies and signs as records write them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eslabon.normalize.money import currency_code, parse_money


@pytest.mark.parametrize(
    ("raw", "currency", "default", "amount", "code"),
    [
        ("$1,234.50", None, "USD", "1234.50", "USD"),
        ("1.234,50", None, "MXN", "1234.50", "MXN"),
        ("1 234,50", None, "MXN", "1234.50", "MXN"),
        ("MXN 500", None, None, "500", "MXN"),
        ("500 pesos", None, None, "500", "MXN"),
        ("$1,500.00 M.N.", None, None, "1500.00", "MXN"),
        ("US$ 200", None, None, "200", "USD"),
        ("USD 200", None, "MXN", "200", "USD"),
        ("300 dólares", None, None, "300", "USD"),
        ("12.5 dlls", None, None, "12.5", "USD"),
        ("Q 350", None, None, "350", "GTQ"),
        ("Q. 350.00", None, None, "350.00", "GTQ"),
        ("L 500", None, None, "500", "HNL"),
        ("Lps. 1,500.00", None, None, "1500.00", "HNL"),
        ("500", "USD", None, "500", "USD"),
        ("500", "Dólares", "MXN", "500", "USD"),
        ("500", None, "MXN", "500", "MXN"),
        ("-1,234.50", None, "USD", "-1234.50", "USD"),
        ("(1,234.50)", None, "USD", "-1234.50", "USD"),
        ("500-", None, "USD", "-500", "USD"),
        ("−75", None, "USD", "-75", "USD"),
        ("1,234,567.89", None, "USD", "1234567.89", "USD"),
        ("1.234.567", None, "MXN", "1234567", "MXN"),
        ("1234,5", None, "MXN", "1234.5", "MXN"),
        ("0.125", None, "MXN", "0.125", "MXN"),
        ("$.50", None, "USD", "0.50", "USD"),
        (1234.5, "pesos", None, "1234.5", "MXN"),
        (200, None, "USD", "200", "USD"),
        (Decimal("9.99"), None, "GTQ", "9.99", "GTQ"),
    ],
)
def test_examples(raw, currency, default, amount, code):
    result = parse_money(raw, currency, default)
    assert (result.amount, result.currency, result.status) == (Decimal(amount), code, "ok"), result


def test_thousands_guess_is_noted():
    result = parse_money("1,234", None, "MXN")
    assert result.amount == Decimal("1234")
    assert "thousands" in result.note
    assert parse_money("1.234", None, "MXN").amount == Decimal("1234")


def test_bare_dollar_sign_needs_a_currency():
    result = parse_money("$500")
    assert (result.amount, result.currency, result.status) == (Decimal("500"), None, "ok")
    assert "pesos and dollars" in result.note
    assert parse_money("$500", default_currency="MXN").currency == "MXN"


def test_conflicting_currency_is_flagged_column_kept():
    result = parse_money("500 USD", "MXN")
    assert (result.currency, result.status) == ("MXN", "inconsistent")
    assert "USD" in result.note


def test_unknown_currency_column_is_noted():
    result = parse_money("500", "bitcoins", "MXN")
    assert result.currency == "MXN"
    assert "bitcoins" in result.note


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("", "empty"),
        (None, "empty"),
        (float("nan"), "empty"),
        ("abc", "invalid"),
        ("1,2,3", "invalid"),
        ("12,34.5", "invalid"),
        ("$", "invalid"),
        (True, "invalid"),
        (float("inf"), "invalid"),
    ],
)
def test_unreadable(raw, status):
    result = parse_money(raw, None, "USD")
    assert (result.amount, result.status) == (None, status)


@pytest.mark.parametrize(
    ("raw", "code"),
    [("pesos", "MXN"), ("M.N.", "MXN"), ("Dólares", "USD"), ("usd", "USD"), ("quetzales", "GTQ"),
     ("Lempiras", "HNL"), ("CAD", "CAD"), ("xyz", None), ("", None), (None, None)],
)  # fmt: skip
def test_currency_code(raw, code):
    assert currency_code(raw) == code


# --------------------------------------------------------------------------- properties

AMOUNTS = st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"),
                      places=2, allow_nan=False, allow_infinity=False)  # fmt: skip
WHOLE = st.integers(-(10**9), 10**9).map(Decimal)


def _us(d: Decimal) -> str:
    return f"{d:,.2f}"


def _eu(d: Decimal) -> str:
    return f"{d:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


@given(AMOUNTS, st.sampled_from(["USD", "MXN", "GTQ", "HNL"]))
def test_formatted_decimals_round_trip(value, code):
    prefix = {"USD": "US$", "MXN": "$", "GTQ": "Q", "HNL": "L"}[code]
    for text in (
        _us(value),
        _eu(value),
        f"{prefix} {_us(value)}",
        f"{_us(value)} {code}",
        f"{_us(abs(value))}-" if value < 0 else _us(value),
        f"({_us(abs(value))})" if value < 0 else _us(value),
        str(value),
    ):
        result = parse_money(text, None, code)
        assert (result.amount, result.currency) == (value, code), (text, result)


@given(WHOLE)
def test_whole_amounts_round_trip(value):
    assert parse_money(f"{value:,}", None, "USD").amount == value
    assert parse_money(str(value), None, "USD").amount == value
    assert parse_money(int(value), None, "USD").amount == value


@given(st.text(max_size=30), st.text(max_size=8) | st.none())
def test_never_raises(text, currency):
    result = parse_money(text, currency, "MXN")
    assert result.status in ("ok", "empty", "invalid", "inconsistent")
    assert (result.amount is None) == (result.status in ("empty", "invalid"))
