"""Generate a whole synthetic world: population, networks, everyday life, sources and truth.

Same seed and scale → byte-identical files: every random draw comes from `random.Random`
streams seeded from (seed, purpose), nothing iterates over a set, and the xlsx is re-zipped with
fixed timestamps.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from eslabon.errors import EslabonError
from eslabon.synth.background import Background
from eslabon.synth.context import Ctx
from eslabon.synth.drugs import DrugsBuilder
from eslabon.synth.extraction import seize_phones
from eslabon.synth.labels import write_accounts
from eslabon.synth.labour import LabourBuilder
from eslabon.synth.model import WORLD_START, Network, World
from eslabon.synth.networks import days
from eslabon.synth.noise import DEFAULT_NOISE, NoiseProfile
from eslabon.synth.places import ROUTES
from eslabon.synth.population import Population
from eslabon.synth.smuggling import SmugglingBuilder
from eslabon.synth.sources import SOURCES
from eslabon.synth.truth import write_truth
from eslabon.synth.writer import SourceStats, SourceWriter, TruthSink, write_mapping

ProgressFn = Callable[[str, float], None]  # (step description, fraction done 0..1)
MARKER = "world.json"
OWNED_DIRS = ("sources", "mappings", "truth")


@dataclass
class WorldReport:
    out: Path
    seed: int
    scale: float
    seconds: float
    sources: list[SourceStats] = field(default_factory=list)
    truth: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(s.rows for s in self.sources)


def _network_id(i: int, total: int) -> str:
    return f"N{i:0{max(2, len(str(total)))}d}"


def network_counts(scale: float) -> tuple[int, int, int]:
    """(smuggling, labour, drugs) networks: 3, 1, 1 per unit of scale, at least one of each."""
    return max(1, round(3 * scale)), max(1, round(scale)), max(1, round(scale))


def build_world(seed: int = 7, scale: float = 1.0, progress: ProgressFn | None = None) -> World:
    """The true world in memory (no files): population, networks and background life."""
    if scale <= 0:
        raise EslabonError(f"--scale must be positive, got {scale}")
    step = progress or (lambda _msg, _f: None)
    world = World()
    step("population", 0.0)
    pop = Population(world, random.Random(f"{seed}:population"), scale)
    pop.build()
    n_smug, n_lab, n_drug = network_counts(scale)
    total = n_smug + n_lab + n_drug
    rng = random.Random(f"{seed}:networks")
    smugglers: list[SmugglingBuilder] = []
    k = 0
    for i in range(n_smug):
        k += 1
        net = Network(_network_id(k, total), "smuggling")
        world.networks[net.id] = net
        b = SmugglingBuilder(world, pop, random.Random(f"{seed}:{net.id}"), net)
        start = WORLD_START + days(rng.randrange(30, 420))
        incident = ("us_stop", "gn_stop")[i % 2]
        b.build(ROUTES[i % len(ROUTES)], start, rng.randint(8, 12), incident)
        smugglers.append(b)
        step(f"smuggling network {net.id}", 0.1 + 0.3 * (i + 1) / total)
    for i in range(n_lab):
        k += 1
        net = Network(_network_id(k, total), "labour_trafficking")
        world.networks[net.id] = net
        b = LabourBuilder(world, pop, random.Random(f"{seed}:{net.id}"), net)
        b.build(
            WORLD_START + days(rng.randrange(90, 400)),
            smugglers[i % len(smugglers)],
            rng.randint(14, 22),
        )
        step(f"labour network {net.id}", 0.1 + 0.3 * (n_smug + i + 1) / total)
    for _ in range(n_drug):
        k += 1
        net = Network(_network_id(k, total), "drugs")
        world.networks[net.id] = net
        b = DrugsBuilder(world, pop, random.Random(f"{seed}:{net.id}"), net)
        b.build(WORLD_START + days(rng.randrange(30, 400)), rng.randint(10, 16))
        step(f"drug network {net.id}", 0.4)
    step("everyday life", 0.45)
    Background(world, pop, random.Random(f"{seed}:background"), scale).build()
    _drop_orphan_calls(world)
    seize_phones(world, random.Random(f"{seed}:extraction"))
    return world


def _drop_orphan_calls(world: World) -> None:
    """Keep only calls made on a phone that someone held that day (truth must agree)."""
    users = world.phone_index()

    def held(phone: str, day: dt.date) -> bool:
        return any(s.start <= day <= s.end for _, s in users.get(phone, ()))

    world.calls = [c for c in world.calls if held(c[1], c[0].date()) and held(c[2], c[0].date())]


def coverage(world: World, seed: int) -> tuple[set[str], set[str]]:
    """Which numbers the Mexican warrants and the US subpoenas cover (suspects + other cases)."""
    rng = random.Random(f"{seed}:coverage")
    suspects: set[str] = set()
    for pid, _nid, role in world.roles:
        if role in ("migrant", "victim"):
            continue
        suspects.update(s.phone_id for s in world.persons[pid].phones)
    mx, us = set(), set()
    for ph in world.phones.values():  # dict order: creation order, deterministic
        if ph.id in suspects:
            (mx if ph.country != "US" else us).add(ph.id)
        elif ph.country == "MX" and rng.random() < 0.06:
            mx.add(ph.id)
        elif ph.country == "US" and rng.random() < 0.04:
            us.add(ph.id)
    return mx, us


def _prepare(out: Path, force: bool) -> None:
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists() and not force:
        raise EslabonError(
            "folder exists and is not a synthetic world",
            file=str(out),
            hint="choose an empty folder, or pass --force to overwrite sources/, mappings/, truth/",
        )
    for name in OWNED_DIRS:
        if (out / name).exists():
            shutil.rmtree(out / name)
        (out / name).mkdir(parents=True)


def generate(
    out: Path,
    *,
    seed: int = 7,
    scale: float = 1.0,
    noise: NoiseProfile = DEFAULT_NOISE,
    force: bool = False,
    progress: ProgressFn | None = None,
) -> WorldReport:
    """Write OUT/sources, OUT/mappings and OUT/truth for (seed, scale)."""
    t0 = time.perf_counter()
    out = Path(out)
    _prepare(out, force)
    step = progress or (lambda _msg, _f: None)
    world = build_world(seed, scale, progress=step)
    mx, us = coverage(world, seed)
    ctx = Ctx(world, noise, seed, mx, us)
    sink = TruthSink(out / "truth")
    report = WorldReport(out, seed, scale, 0.0)
    try:
        for i, fn in enumerate(SOURCES):
            spec, rows, expected = fn(ctx)
            step(f"source {spec.name}", 0.5 + 0.45 * i / len(SOURCES))
            write_mapping(spec, out / "mappings")
            writer = SourceWriter(
                spec, out / "sources", sink, ctx.rng(spec.name + ":writer"), noise, expected
            )
            report.sources.append(writer.write(rows))
    finally:
        sink.close()
    step("truth", 0.96)
    report.truth = write_truth(world, sink, out / "truth")
    write_accounts(out)
    report.seconds = time.perf_counter() - t0
    meta = {
        "generator": "eslabon synth",
        "seed": seed,
        "scale": scale,
        "period": [WORLD_START.isoformat(), "2023-12-31"],
        "noise": noise.as_dict(),
        "sources": [
            {
                "name": s.name,
                "format": s.fmt,
                "country": s.country,
                "encoding": s.encoding,
                "delimiter": s.delimiter,
                "rows": s.rows,
                "malformed": s.malformed,
                "duplicates": s.duplicates,
                "swapped": s.swapped,
                "mentions": s.mentions,
            }
            for s in report.sources
        ],
        "truth": report.truth,
    }
    (out / MARKER).write_text(
        json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    step("done", 1.0)
    return report
