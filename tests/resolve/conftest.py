"""A small hand-made bilateral world in a real store, resolved once per session (Splink is the
slow part); tests copy the file when they change it."""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from helpers import add_link, add_mention, add_source, new_store, person

from eslabon.resolve.pipeline import run_resolve

GIVEN = ["JOSE LUIS", "MARIA GUADALUPE", "FRANCISCO", "JUAN CARLOS", "ROSA", "PEDRO", "ANA",
         "JESUS", "LUCIA", "MIGUEL ANGEL", "SOFIA", "RAUL", "ELENA", "IGNACIO", "CARMEN"]  # fmt: skip
SURNAMES = ["HERNANDEZ", "MARTINEZ", "LOPEZ", "GARCIA", "PEREZ", "XICOHTENCATL", "RAMIREZ",
            "CRUZ", "TZUNUN", "OROZCO", "VILLALOBOS", "AGUILAR", "QUISPE", "MEJIA", "SOLIS",
            "CAMACHO", "BARRIENTOS", "IBARRA", "ZAVALA", "PINEDA"]  # fmt: skip
NICK = {"FRANCISCO": "PANCHO", "JESUS": "CHUY", "IGNACIO": "NACHO"}


def build_world(path: Path, n_people: int = 220, seed: int = 3) -> dict[str, str]:
    """Write the world; returns the truth (mention id -> person)."""
    rng = random.Random(seed)
    truth: dict[str, str] = {}
    store = new_store(path.parent, path.name)
    with store.transaction():
        sources = [add_source(store, n) for n in ("inm_mx", "cbp_us", "cdr_mx")]
        rows = dict.fromkeys(sources, 0)
        for i in range(n_people):
            given = rng.choice(GIVEN)
            pat, mat = rng.sample(SURNAMES, 2)
            birth = f"{rng.randint(1960, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            phone = f"+52155{rng.randint(10**7, 10**8 - 1)}"
            for src in rng.sample(sources, rng.choice([1, 2, 2, 3])):
                rows[src] += 1
                g, p, m, b = given, pat, mat, birth
                canonical = g
                variant = rng.random()
                if src.startswith("cbp"):
                    m = None if variant < 0.5 else m  # US drops the maternal surname
                    if variant > 0.9:
                        y, mo, d = b.split("-")
                        b = f"{y}-{d}-{mo}" if int(d) <= 12 else b  # day/month swapped
                if src.startswith("cdr") and g in NICK:
                    g = NICK[g]  # nickname, canonical stays
                if variant < 0.1 and m:
                    p, m = m, p  # surnames swapped
                props = person(g, p, m, b, canonical=canonical, sex=rng.choice("MF"))
                mid = add_mention(store, src, rows[src], "person", "Person", props)
                truth[mid] = f"person-{i}"
                if rng.random() < 0.6:
                    ph = add_mention(store, src, rows[src], "phone", "Phone", {"number": phone})
                    add_link(store, "PhoneUse", mid, ph)
                    truth[ph] = phone
    store.close()
    return truth


@pytest.fixture(scope="session")
def resolved_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    base = tmp_path_factory.mktemp("world") / "ws.duckdb"
    truth = build_world(base)
    from eslabon.store.connection import open_store

    with open_store(base) as store:
        run_resolve(store, full=True, seed=7)
    return base, truth


@pytest.fixture
def world_copy(resolved_world: tuple[Path, dict[str, str]], tmp_path: Path) -> Path:
    target = tmp_path / "ws.duckdb"
    shutil.copy(resolved_world[0], target)
    return target
