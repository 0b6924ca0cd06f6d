"""Tests for phone normalisation: the border's many ways of writing one line."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from eslabon.normalize.phones import PhoneResult, normalize_phone

US = "+19565550123"
MX = "+525512345678"


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("(956) 555-0123", "US", US),
        ("9565550123", "US", US),
        ("956.555.0123", "US", US),
        ("1 956 555 0123", "US", US),
        ("+1 956 555 0123", "MX", US),
        ("001 956 555 0123", "MX", US),  # dialled from Mexico
        ("00 1 956 555 0123", "GT", US),
        ("011 52 55 1234 5678", "US", MX),  # dialled from the US
        ("011 52 55 1234 5678", "MX", MX),  # US-dialled number copied into a Mexican source
        ("00 52 55 1234 5678", "US", MX),
        ("55 1234 5678", "MX", MX),
        ("+52 55 1234 5678", "US", MX),
        ("+52 1 55 1234 5678", "US", MX),  # legacy mobile form
        ("+521 5512345678", None, MX),
        ("1 55 1234 5678", "MX", MX),
        ("044 55 1234 5678", "MX", MX),
        ("045 55 1234 5678", "MX", MX),
        ("01 55 1234 5678", "MX", MX),
        ("52 55 1234 5678", "US", MX),  # country code without +
        ("+502 2234 5678", "US", "+50222345678"),
        ("2234-5678", "GT", "+50222345678"),
        ("7123 4567", "SV", "+50371234567"),
        ("+503 7123 4567", "MX", "+50371234567"),
        ("9912-3456", "HN", "+50499123456"),
        ("011 504 9912 3456", "US", "+50499123456"),
        (9565550123, "US", US),
        (9565550123.0, "US", US),
        ("cel: +1 (956) 555-0123", "MX", US),
    ],
)
def test_known_forms(raw, region, e164):
    result = normalize_phone(raw, region)
    assert result.e164 == e164, result
    assert result.status in ("valid", "possible")


def test_valid_reading_preferred_over_merely_possible_one():
    # in a Mexican source "1 956 555 0123" could be the legacy +52 1 mobile form, but 956 is
    # no Mexican area code while +1 956 555 0123 is a valid US line
    assert normalize_phone("1 956 555 0123", "MX").e164 == US


def test_legacy_prefixes_are_noted():
    assert "044" in normalize_phone("044 55 1234 5678", "MX").note
    assert "prefix 1" in normalize_phone("+52 1 55 1234 5678", "MX").note
    assert normalize_phone("+52 55 1234 5678", "MX").note == ""


def test_extensions_are_kept_separately():
    for raw in (
        "(956) 555-0123 ext. 45",
        "956-555-0123x45",
        "956 555 0123 Ext: 45",
        "9565550123 #45",
    ):
        result = normalize_phone(raw, "US")
        assert (result.e164, result.extension) == (US, "45"), raw


def test_junk_and_several_numbers():
    result = normalize_phone("tel: 956.555.0123 cel", "US")
    assert result.e164 == US
    assert "text" in result.note
    both = normalize_phone("956 555 0123 / 956 555 0124", "US")
    assert both.e164 == US
    assert "956 555 0124" in both.note  # the second number is reported, not lost


@pytest.mark.parametrize(
    ("raw", "region", "status"),
    [
        ("", "US", "empty"),
        (None, "MX", "empty"),
        (float("nan"), "MX", "empty"),
        ("   ", "MX", "empty"),
        ("sin telefono", "MX", "invalid"),
        ("555-0123", "US", "invalid"),  # local number without area code: no E.164 possible
        ("12345", "MX", "invalid"),
        ("9565550123", None, "invalid"),  # no region, no country code
        ("1" * 25, "US", "invalid"),
    ],
)
def test_unusable_values(raw, region, status):
    result = normalize_phone(raw, region)
    assert result.status == status
    assert result.e164 is None
    if status == "invalid":
        assert result.note


def test_synthetic_numbers_still_get_e164():
    # outside assigned ranges but the right length: kept, flagged "possible"
    result = normalize_phone("+1 555 555 5555", "US")
    assert (result.e164, result.status) == ("+15555555555", "possible")
    assert normalize_phone("9565550123", "MX").status == "possible"


def test_result_is_frozen():
    result = normalize_phone("9565550123", "US")
    assert isinstance(result, PhoneResult)
    with pytest.raises(AttributeError):
        result.e164 = "x"  # type: ignore[misc]


# --------------------------------------------------------------------------- properties

# (country code, home region, national-number prefixes that start real ranges, national length)
PLANS = [
    (1, "US", ["956", "210", "713", "915", "520", "619", "512"], 10),
    (52, "MX", ["55", "81", "33", "868", "899", "656", "664"], 10),
    (502, "GT", ["22", "23", "4", "5"], 8),
    (503, "SV", ["22", "6", "7"], 8),
    (504, "HN", ["22", "3", "9"], 8),
]


@st.composite
def line(draw):
    cc, region, prefixes, length = draw(st.sampled_from(PLANS))
    prefix = draw(st.sampled_from(prefixes))
    rest = draw(
        st.text(alphabet="0123456789", min_size=length - len(prefix), max_size=length - len(prefix))
    )
    national = prefix + rest
    number = phonenumbers.parse(f"+{cc}{national}")
    assume(phonenumbers.is_possible_number_with_reason(number) == 0)  # IS_POSSIBLE
    return cc, region, national


def _spaced(digits: str, sep: str) -> str:
    return sep.join(digits[i : i + 3] for i in range(0, len(digits), 3))


def variants(cc: int, region: str, national: str) -> list[tuple[str, str | None]]:
    """Ways the same line is written, with the region of the source that wrote it."""
    out = [
        (f"+{cc}{national}", None),
        (f"+{cc} {_spaced(national, ' ')}", "US"),
        (f"+{cc}-{_spaced(national, '-')}", "MX"),
        (national, region),
        (_spaced(national, "."), region),
        (f"00{cc} {national}", "MX" if cc != 52 else "GT"),
        (f"011 {cc} {national}", "US" if cc != 1 else "MX"),
        # (a bare "1 + 10 digits" in a Mexican source is ambiguous with the legacy mobile form)
        *([(f"{cc} {national}", "US")] if cc != 1 else []),
        (f"tel {national} (cel)", region),
    ]
    if cc == 1:
        out += [(f"({national[:3]}) {national[3:6]}-{national[6:]}", "US"), ("1" + national, "US")]
    if cc == 52:
        out += [
            (f"+52 1 {national}", "US"),
            (f"044 {national}", "MX"),
            (f"045 {national}", "MX"),
            (f"01 {national}", "MX"),
            (f"1{national}", "MX"),
        ]
    return out


@settings(max_examples=300)
@given(line())
def test_every_variant_gives_the_same_e164(parts):
    cc, region, national = parts
    expected = f"+{cc}{national}"
    for raw, source_region in variants(cc, region, national):
        result = normalize_phone(raw, source_region)
        assert result.e164 == expected, (raw, source_region, result)


@given(st.text(max_size=40), st.sampled_from(["US", "MX", "GT", "SV", "HN", None, "ZZ", ""]))
def test_never_raises_on_arbitrary_text(raw, region):
    result = normalize_phone(raw, region)
    assert result.status in ("valid", "possible", "invalid", "empty")
    assert (result.e164 is not None) == (result.status in ("valid", "possible"))


_LAYOUT = st.sampled_from([" ", "-", ".", "(", ")", "  ", ""])


@st.composite
def plain_numbers(draw):
    """Digits with layout characters and maybe a leading +: the forms the fast path takes."""
    groups = draw(st.lists(st.text("0123456789", min_size=1, max_size=5), min_size=1, max_size=6))
    text = "".join(g + draw(_LAYOUT) for g in groups)
    if draw(st.booleans()):
        text = draw(st.sampled_from(["+", "+ ", "+("])) + text
    return text.strip()


@given(plain_numbers(), st.sampled_from(["MX", "US", "GT", "HN", "SV", None]))
@settings(max_examples=400, deadline=None)
def test_plain_fast_path_agrees_with_full_reading(raw, region):
    from eslabon.normalize.phones import _PLAIN, _full, _normalize

    assume(raw and _PLAIN.fullmatch(raw))
    assert _normalize(raw, region) == _full(raw, region)


@pytest.mark.parametrize(
    "raw",
    [
        "+52 1 55 1234 5678",
        "(956) 555-0123",
        "011 52 55 1234 5678",
        "55.1234.5678",
        "+1 956 555 0199",
    ],
)
def test_plain_fast_path_known_forms(raw):
    from eslabon.normalize.phones import _PLAIN, _full, _normalize

    assert _PLAIN.fullmatch(raw)
    for region in ("MX", "US"):
        assert _normalize(raw, region) == _full(raw, region)
