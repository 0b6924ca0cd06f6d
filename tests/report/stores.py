"""Stores for the case-file, exchange and API tests: the network tests' tiny world, really ingested
(so every row has a source file and hash), resolved from its truth and analysed; and a store
with real Splink merges (a few hundred people) for the identity section."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
import yaml

from eslabon.evaluate.oracle import resolve_from_truth
from eslabon.ingest.load import ingest
from eslabon.network.analyse import run_network
from eslabon.store import open_store
from tests.network.world import make_world


def build_store(folder: Path, *, analyse: bool = True) -> tuple[Path, Path]:
    """(store, world): the tiny world ingested, resolved by the oracle, optionally analysed."""
    world = make_world(folder / "w")
    path = folder / "ws.duckdb"
    with open_store(path) as st:
        ingest(st, world)
        resolve_from_truth(st, world / "truth")
        if analyse:
            run_network(st)
    return path, world


@pytest.fixture(scope="session")
def analysed_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return build_store(tmp_path_factory.mktemp("analysed"))


@pytest.fixture(scope="session")
def plain_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return build_store(tmp_path_factory.mktemp("plain"), analyse=False)


GIVEN = ["JOSE LUIS", "MARIA GUADALUPE", "FRANCISCO", "JUAN CARLOS", "ROSA", "PEDRO", "ANA",
         "JESUS", "LUCIA", "MIGUEL ANGEL", "SOFIA", "RAUL", "ELENA", "IGNACIO", "CARMEN"]  # fmt: skip
SURNAMES = ["HERNANDEZ", "MARTINEZ", "LOPEZ", "GARCIA", "PEREZ", "RAMIREZ", "CRUZ", "OROZCO",
            "VILLALOBOS", "AGUILAR", "MEJIA", "SOLIS", "CAMACHO", "IBARRA", "ZAVALA", "PINEDA"]  # fmt: skip


def _write(
    folder: Path, name: str, header: list[str], rows: list[list[str]], mapping: dict
) -> None:
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    (folder / "mappings").mkdir(parents=True, exist_ok=True)
    with (folder / "sources" / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    m = {"source": name, "file": f"../sources/{name}.csv", "format": "csv", **mapping}
    (folder / "mappings" / f"{name}.yaml").write_text(yaml.safe_dump(m, sort_keys=False))


def people_world(folder: Path, n: int = 300, seed: int = 5) -> Path:
    """Synthetic people recorded by a Mexican and a US source (US drops the maternal surname),
    enough for the person model to train."""
    rng = random.Random(seed)
    mx, us = [], []
    for i in range(n):
        g, p, m = rng.choice(GIVEN), *rng.sample(SURNAMES, 2)
        birth = f"{rng.randint(1960, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        phone = f"+52155{10_000_000 + i:08d}"
        mx.append([f"F{i}", g, p, m, birth, phone])
        if rng.random() < 0.7:
            us.append([g, p if rng.random() < 0.5 else f"{p}-{m}", birth, phone])
    ents = {"kind": "Person", "properties": {}}
    _write(folder, "mx", ["folio", "nombre", "paterno", "materno", "nacimiento", "tel"], mx,
           {"country": "MX", "date_convention": "ISO", "phone_region": "MX",
            "entities": {"p": {**ents, "properties": {"firstName": "nombre", "fatherName": "paterno",
                                                      "motherName": "materno", "birthDate": "nacimiento"}},
                         "t": {"kind": "Phone", "properties": {"number": "tel"}}},
            "links": {"use": {"kind": "PhoneUse", "subject": "p", "object": "t"}}})  # fmt: skip
    _write(folder, "us", ["first", "last", "dob", "phone"], us,
           {"country": "US", "date_convention": "ISO", "phone_region": "US",
            "entities": {"p": {**ents, "properties": {"firstName": "first", "lastName": "last",
                                                      "birthDate": "dob"}},
                         "t": {"kind": "Phone", "properties": {"number": "phone"}}},
            "links": {"use": {"kind": "PhoneUse", "subject": "p", "object": "t"}}})  # fmt: skip
    return folder


@pytest.fixture(scope="session")
def resolved_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """People ingested and resolved by the real person model (Splink)."""
    from eslabon.resolve.pipeline import run_resolve

    folder = tmp_path_factory.mktemp("people")
    world = people_world(folder / "w")
    path = folder / "ws.duckdb"
    with open_store(path) as st:
        ingest(st, world)
        run_resolve(st, full=True, seed=7)
    return path
