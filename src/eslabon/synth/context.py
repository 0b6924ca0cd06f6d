"""What every source renderer receives: the world, the noise profile and seeded random streams."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from eslabon.synth.model import Fact, World
from eslabon.synth.noise import NoiseProfile
from eslabon.synth.render import Render, Style


@dataclass
class Ctx:
    world: World
    noise: NoiseProfile
    seed: int
    mx_cdr_phones: set[str] = field(default_factory=set)  # numbers under Mexican warrants
    us_cdr_phones: set[str] = field(default_factory=set)  # numbers under US subpoenas

    def rng(self, name: str) -> random.Random:
        """An independent stream per source: adding a source does not change the others."""
        return random.Random(f"{self.seed}:{name}")

    def render(self, name: str, style: Style) -> Render:
        return Render(self.world, self.noise, self.rng(name + ":render"), style)

    def facts(self, *kinds: str) -> list[Fact]:
        """Facts of these kinds in time order (stable, so ties keep creation order)."""
        out: list[Fact] = []
        for k in kinds:
            out.extend(self.world.facts.get(k, []))
        return sorted(out, key=lambda f: f.when)


def seeds_for(
    fact: Fact | None, source: str, recorded: dict[str, str]
) -> list[tuple[str, str, str, str]]:
    """Seed rows (entity, kind, value as recorded, description) when this record is an incident."""
    if fact is None or not fact.extra or fact.extra.get("seed_source") != source:
        return []
    out = []
    for entity, kind, field_name, desc in fact.extra.get("seeds", []):
        value = recorded.get(field_name)
        if value:
            out.append((entity, kind, value, desc))
    return out


def event_ref(fact: Fact, prefix: str, own: str) -> str:
    """The event number every agency cites for one enforcement event.

    The first responder's report (a Mexican IPH, a US incident report) gets a number, and the
    stop, the arrest, the investigation file and the migrants' detention records of that event all
    cite it. A record with no such event cites its own number.
    """
    if fact.event:
        return f"{prefix}{fact.event.lstrip('E')}"
    return own
