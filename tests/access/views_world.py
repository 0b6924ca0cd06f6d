"""A small labelled synthetic world with demo accounts and three extra vehicle records, built
once per test session (shared between test modules and xdist workers through a lock file).

The extra records make a merge that rests on a hidden record: ``bridge_a`` reads plate ABC1234
(a white Nissan), ``bridge_b`` a VIN, and only ``bridge_c`` — releasable to the USA alone — reads
both. The main store therefore has one vehicle; a Mexican reader's view must have two.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from eslabon.normalize.identifiers import make_vin
from tests.conftest import write_source
from tests.worlds import analysed_world, shared

SCALE = 0.05
PLATE = "ABC1234"
VIN = make_vin(11)
BOTH = {"originator": "HSI", "releasable_to": ["MEX", "USA"]}
US_ONLY = {"originator": "HSI", "releasable_to": ["USA"], "law_enforcement_sensitive": True}
HIDDEN_OWNER = ("ZEFERINO", "QUIXTAN", "YOLOXOCHITL")  # a name only bridge_c records


def _vehicle_mapping(label: dict, *, plate: bool, vin: bool, owner: bool = False) -> dict:
    props: dict = {"make": "marca", "color": "color"}
    if plate:
        props |= {"plate": "placa"}
    if vin:
        props |= {"vin": "niv"}
    entities: dict = {"vehiculo": {"kind": "Vehicle", "properties": props}}
    links: dict = {}
    if owner:
        entities["dueno"] = {"kind": "Person", "properties": {
            "firstName": "nombre", "fatherName": "paterno", "motherName": "materno"}}  # fmt: skip
        links["propiedad"] = {"kind": "Ownership", "subject": "dueno", "object": "vehiculo"}
    return {"country": "US", "date_convention": "ISO", "label": label, "entities": entities,
            "links": links}  # fmt: skip


def add_bridge(world: Path) -> None:
    cols = ["folio", "placa", "niv", "marca", "color", "nombre", "paterno", "materno"]
    write_source(world, "bridge_a", cols, [["A1", PLATE, "", "NISSAN", "BLANCO", "", "", ""]],
                 _vehicle_mapping(BOTH, plate=True, vin=False))  # fmt: skip
    write_source(world, "bridge_b", cols, [["B1", "", VIN, "NISSAN", "BLANCO", "", "", ""]],
                 _vehicle_mapping(BOTH, plate=False, vin=True))  # fmt: skip
    write_source(world, "bridge_c", cols,
                 [["C1", PLATE, VIN, "NISSAN", "BLANCO", *HIDDEN_OWNER]],
                 _vehicle_mapping(US_ONLY, plate=True, vin=True, owner=True))  # fmt: skip


def _build(folder: Path) -> Path:
    os.environ.setdefault("ESLABON_ARGON2_FAST", "1")
    return analysed_world(folder, "views.duckdb", scale=SCALE, accounts=True, edit=add_bridge)


def views_world(factory: pytest.TempPathFactory) -> Path:
    """The built workspace (read it through copies: views are written beside it)."""
    return shared(factory, "views-world", _build)
