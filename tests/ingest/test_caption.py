"""What a mention is called: a person with no name goes by an alias, never by a sex code."""

from __future__ import annotations

from eslabon.ingest.normalise import _caption


def test_a_person_is_called_by_name_then_alias_then_identifier() -> None:
    base = {"given": None, "sex": "M", "name_flags": []}
    assert _caption("Person", {**base, "name": "JUAN PEREZ", "aliases": ["EL GUICHO"]}) == (
        "JUAN PEREZ"
    )
    assert _caption("Person", {**base, "name": "", "aliases": ["", "EL GUICHO"]}) == "EL GUICHO"
    assert _caption("Person", {**base, "name": " ", "curp": "AAAA000000HDFXXX00"}) == (
        "AAAA000000HDFXXX00"
    )
    assert _caption("Person", {**base, "name": ""}) is None  # "M" is no caption


def test_other_kinds_keep_their_own_order() -> None:
    assert _caption("Phone", {"number": "+526641234567", "raw": "664 123 4567"}) == "+526641234567"
    assert _caption("Vehicle", {"plate": None, "vin": "1FTFW1E50PFA00000"}) == "1FTFW1E50PFA00000"
