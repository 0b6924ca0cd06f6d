"""The data model, read from schema.yaml: which kinds of entity and link exist, and their properties."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class EntityKind:
    name: str
    properties: dict[str, str]  # property -> type
    caption: tuple[str, ...]


@dataclass(frozen=True)
class LinkKind:
    name: str
    subject: tuple[str, ...]  # allowed entity kinds of the subject
    object: tuple[str, ...]  # allowed entity kinds of the object
    properties: dict[str, str]


@dataclass(frozen=True)
class Schema:
    types: frozenset[str]
    entities: dict[str, EntityKind]
    links: dict[str, LinkKind]

    def entity(self, name: str) -> EntityKind | None:
        return self.entities.get(name)

    def link(self, name: str) -> LinkKind | None:
        return self.links.get(name)


@lru_cache(maxsize=1)
def load_schema() -> Schema:
    """Parse the packaged schema.yaml once; every stage shares the same instance."""
    text = resources.files("eslabon.model").joinpath("schema.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    types = frozenset(raw["types"])
    entities = {
        name: EntityKind(name, dict(spec["properties"]), tuple(spec.get("caption", ())))
        for name, spec in raw["entities"].items()
    }
    links = {
        name: LinkKind(
            name,
            tuple(spec.get("subject", ())),
            tuple(spec.get("object", ())),
            dict(spec.get("properties", {})),
        )
        for name, spec in raw["links"].items()
    }
    for kind in [*entities.values(), *links.values()]:
        unknown = set(kind.properties.values()) - types
        if unknown:
            raise ValueError(f"schema.yaml: {kind.name} uses unknown types {sorted(unknown)}")
    return Schema(types, entities, links)
