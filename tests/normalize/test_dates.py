"""Tests for date and time parsing under declared conventions."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eslabon.normalize.dates import TWO_DIGIT_PIVOT, parse_date, parse_datetime, parse_time

D = dt.date


@pytest.mark.parametrize(
    ("raw", "conv", "status", "value"),
    [
        ("31/02/2020", "DMY", "impossible", None),
        ("45/13/2020", "DMY", "impossible", None),
        ("13/25/2020", "DMY", "impossible", None),  # no order makes 13/25 a date
        ("garbage", "DMY", "impossible", None),
        ("1/1/1899", "DMY", "impossible", None),
        ("2022", "DMY", "impossible", None),
        ("12 abr", "DMY", "impossible", None),
        ("12/25/2020", "DMY", "other_convention", None),
        ("25/12/2020", "MDY", "other_convention", None),
        ("25/12/2020", "ISO", "other_convention", None),
        ("03/04/2022", "DMY", "ambiguous", D(2022, 4, 3)),
        ("03/04/2022", "MDY", "ambiguous", D(2022, 3, 4)),
        ("25/12/2020", "DMY", "ok", D(2020, 12, 25)),
        ("12/25/2020", "MDY", "ok", D(2020, 12, 25)),
        ("04/04/2020", "MDY", "ok", D(2020, 4, 4)),
        ("04/04/2020", "ISO", "ok", D(2020, 4, 4)),
        ("2022-04-03", "MDY", "ok", D(2022, 4, 3)),
        ("2022/04/03", "DMY", "ok", D(2022, 4, 3)),
        ("20220403", "DMY", "ok", D(2022, 4, 3)),
        ("25-12-2020", "DMY", "ok", D(2020, 12, 25)),
        ("25.12.2020", "DMY", "ok", D(2020, 12, 25)),
        ("25 12 2020", "DMY", "ok", D(2020, 12, 25)),
        ("25/12/20", "DMY", "ok", D(2020, 12, 25)),
        ("25/12/85", "DMY", "ok", D(1985, 12, 25)),
        ("3 de abril de 2022", "MDY", "ok", D(2022, 4, 3)),
        ("03-ABR-2022", "DMY", "ok", D(2022, 4, 3)),
        ("03-abr-22", "MDY", "ok", D(2022, 4, 3)),
        ("Apr 3, 2022", "DMY", "ok", D(2022, 4, 3)),
        ("April 3rd, 2022", "DMY", "ok", D(2022, 4, 3)),
        ("Sunday, April 3, 2022", "DMY", "ok", D(2022, 4, 3)),
        ("domingo 3 de abril del 2022", "DMY", "ok", D(2022, 4, 3)),
        ("1º de septiembre de 1990", "DMY", "ok", D(1990, 9, 1)),
        ("2022 Dic 24", "DMY", "ok", D(2022, 12, 24)),
        ("31 abril 2022", "DMY", "impossible", None),
        ("44654", "DMY", "ok", D(2022, 4, 3)),
        (44654, "MDY", "ok", D(2022, 4, 3)),
        (44654.75, "MDY", "ok", D(2022, 4, 3)),
        (dt.datetime(2022, 4, 3, 5, 6), "DMY", "ok", D(2022, 4, 3)),
        (D(2022, 4, 3), "MDY", "ok", D(2022, 4, 3)),
        (D(1850, 1, 1), "MDY", "impossible", None),
        ("2022-04-03 00:00:00", "DMY", "ok", D(2022, 4, 3)),
        ("", "DMY", "empty", None),
        ("   ", "DMY", "empty", None),
        (None, "DMY", "empty", None),
        (float("nan"), "DMY", "empty", None),
    ],
)
def test_examples(raw, conv, status, value):
    result = parse_date(raw, conv)
    assert (result.status, result.value) == (status, value), result
    if status not in ("ok", "empty"):
        assert result.note


def test_notes_tell_the_other_reading():
    assert "2020-12-25" in parse_date("12/25/2020", "DMY").note
    assert "2022-03-04" in parse_date("03/04/2022", "DMY").note
    assert "ignored" in parse_date("2022-04-03 14:35", "DMY").note


def test_two_digit_year_pivot():
    assert parse_date(f"01/01/{TWO_DIGIT_PIVOT:02d}", "DMY").value.year == 2000 + TWO_DIGIT_PIVOT
    assert (
        parse_date(f"01/01/{TWO_DIGIT_PIVOT + 1:02d}", "DMY").value.year == 1901 + TWO_DIGIT_PIVOT
    )


def test_unknown_convention_is_a_programming_error():
    with pytest.raises(ValueError):
        parse_date("01/01/2020", "YMD")


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("14:35", dt.time(14, 35)),
        ("2:35 PM", dt.time(14, 35)),
        ("2:35 p.m.", dt.time(14, 35)),
        ("12:10 am", dt.time(0, 10)),
        ("14:35:10", dt.time(14, 35, 10)),
        ("1435", dt.time(14, 35)),
        ("14 hrs", dt.time(14, 0)),
        ("7.30", dt.time(7, 30)),
        (0.5, dt.time(12, 0)),
        ("25:99", None),
        ("13:00 PM", None),
        ("noon-ish", None),
    ],
)
def test_times(raw, value):
    assert parse_time(raw) == value


def test_datetimes():
    r = parse_datetime("03/04/2022 14:35", None, "DMY")
    assert (r.value, r.status, r.has_time) == (dt.datetime(2022, 4, 3, 14, 35), "ambiguous", True)
    r = parse_datetime("25/12/2021", "2:35 PM", "DMY")
    assert (r.value, r.status) == (dt.datetime(2021, 12, 25, 14, 35), "ok")
    r = parse_datetime("25/12/2021", None, "DMY")
    assert (r.value, r.has_time) == (dt.datetime(2021, 12, 25), False)
    r = parse_datetime("2022-04-03T14:35:10Z", None, "MDY")
    assert r.value == dt.datetime(2022, 4, 3, 14, 35, 10)
    assert "zone" in r.note
    r = parse_datetime(dt.datetime(2022, 4, 3, 9, 15), None, "DMY")
    assert (r.value, r.has_time) == (dt.datetime(2022, 4, 3, 9, 15), True)
    assert parse_datetime(44654.5, None, "DMY").value == dt.datetime(2022, 4, 3, 12, 0)
    bad_time = parse_datetime("25/12/2021", "25:99", "DMY")
    assert (bad_time.value, bad_time.status) == (None, "impossible")
    assert "25:99" in bad_time.note
    assert parse_datetime("12/25/2021", "10:00", "DMY").status == "other_convention"
    assert parse_datetime("", None, "DMY").status == "empty"


# --------------------------------------------------------------------------- properties

DATES = st.dates(D(1900, 1, 1), D(2100, 12, 31))
MONTHS_ES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
             "septiembre", "octubre", "noviembre", "diciembre"]  # fmt: skip
FORMATS = {
    "DMY": ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y", "%-d/%-m/%Y"],
    "MDY": ["%m/%d/%Y", "%m-%d-%Y", "%-m/%-d/%Y", "%m.%d.%Y"],
    "ISO": ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"],
}


@given(DATES, st.sampled_from(["DMY", "MDY", "ISO"]), st.data())
def test_formatted_date_parses_back(day, conv, data):
    text = day.strftime(data.draw(st.sampled_from(FORMATS[conv])))
    result = parse_date(text, conv)
    assert result.value == day, (text, result)
    assert result.status in ("ok", "ambiguous")


@given(st.dates(D(1941, 1, 1), D(2040, 12, 31)), st.sampled_from(["DMY", "MDY"]))
def test_two_digit_years_round_trip_inside_the_pivot_window(day, conv):
    fmt = "%d/%m/%y" if conv == "DMY" else "%m/%d/%y"
    assert parse_date(day.strftime(fmt), conv).value == day


@given(DATES, st.sampled_from(["DMY", "MDY", "ISO"]))
def test_month_name_forms_parse_in_any_source(day, conv):
    for text in (
        f"{day.day} de {MONTHS_ES[day.month - 1]} de {day.year}",
        day.strftime("%d-%b-%Y"),
        day.strftime("%B %d, %Y"),
        day.strftime("%a, %d %b %Y"),
    ):
        result = parse_date(text, conv)
        assert (result.value, result.status) == (day, "ok"), text


@given(DATES, st.sampled_from(["DMY", "MDY"]))
def test_ambiguity_is_flagged_exactly_when_both_readings_exist(day, conv):
    fmt = "%d/%m/%Y" if conv == "DMY" else "%m/%d/%Y"
    result = parse_date(day.strftime(fmt), conv)
    swapped_exists = day.day <= 12 and day.day != day.month
    assert result.status == ("ambiguous" if swapped_exists else "ok")


@given(st.text(max_size=40), st.sampled_from(["DMY", "MDY", "ISO"]))
def test_never_raises_on_arbitrary_text(text, conv):
    result = parse_date(text, conv)
    assert result.status in ("ok", "empty", "impossible", "other_convention", "ambiguous")
    assert (result.value is not None) == (result.status in ("ok", "ambiguous"))
    dt_result = parse_datetime(text, text, conv)
    assert (dt_result.value is None) == (
        dt_result.status in ("empty", "impossible", "other_convention")
    )


@given(st.floats(allow_nan=True, allow_infinity=False) | st.integers(-(10**12), 10**12))
def test_never_raises_on_numbers(number):
    assert parse_date(number, "DMY").status in ("ok", "empty", "impossible")
