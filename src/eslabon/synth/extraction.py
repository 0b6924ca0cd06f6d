"""Phones seized at arrests and their contact lists: the intercept-like record where aliases live.

A contact is saved under an alias or a nickname ("Flaco Jefe", "Chuy Cobros", "Mamá"), which
identifies a person inside one network but not across the country (domain.md §1).
"""

from __future__ import annotations

import datetime as dt
import random

from eslabon.synth.model import Person, World
from eslabon.synth.noise import nickname

ROLE_WORD = {
    "coordinator": ("JEFE", "PATRON", "JEFE NVO", "SR"),
    "driver": ("CHOFER", "RAITE", "TROCA"),
    "guide": ("GUIA", "RIO", "POLLERO"),
    "lookout": ("PUNTO", "HALCON", "MIRON"),
    "stash_keeper": ("CASA", "BODEGA"),
    "money_collector": ("COBROS", "FERIA", "DEPOSITOS"),
    "forger": ("PAPELES", "MICAS"),
    "recruiter": ("PUEBLO", "ENGANCHE"),
    "courier": ("VIAJES", "LINEA"),
    "distributor": ("CLIENTE", "LA"),
    "launderer": ("CAMBIO", "LOTE"),
    "importer": ("QUIMICOS",),
    "lab_operator": ("COCINA", "COCINERO"),
    "fraudulent_recruiter": ("CONTRATOS", "LIC"),
}


def _label(rng: random.Random, owner: Person, contact: Person, roles: dict[str, str]) -> str:
    same_net = owner.network and contact.network == owner.network and contact.id in roles
    if same_net:
        word = rng.choice(ROLE_WORD.get(roles[contact.id], ("",)))
        if contact.alias and rng.random() < 0.8:
            alias = contact.alias
            if rng.random() < 0.6 and alias.split()[0] in ("El", "La"):
                alias = alias.split(" ", 1)[1]
            return f"{alias} {word}".strip() if rng.random() < 0.5 else alias
        nick = nickname(rng, contact.given) or contact.given.split()[0]
        return f"{nick} {word}".strip()
    if contact.household == owner.household and contact.household >= 0:
        older = contact.birth_date.year + 15 < owner.birth_date.year
        if older:
            return (
                rng.choice(("Mamá", "Amá", "Jefa"))
                if contact.sex == "F"
                else rng.choice(("Papá", "Apá", "Jefe"))
            )
        return nickname(rng, contact.given) or contact.given.split()[0]
    if rng.random() < 0.5:
        nick = nickname(rng, contact.given)
        if nick:
            return nick
    return f"{contact.given.split()[0]} {contact.paternal[0]}"


def seize_phones(world: World, rng: random.Random) -> None:
    """Add an `extraction` fact for phones seized at network arrests and some ordinary ones."""
    roles = {pid: role for pid, _nid, role in world.roles if role not in ("migrant", "victim")}
    users = world.phone_index()
    by_phone: dict[str, list[tuple[dt.datetime, str]]] = {}
    for when, a, b, _s, _e in world.calls:
        by_phone.setdefault(a, []).append((when, b))
        by_phone.setdefault(b, []).append((when, a))
    for f in world.facts.get("arrest", []):
        phone = (f.extra or {}).get("phone")
        if not phone or (not f.network and rng.random() > 0.08):
            continue
        owner = world.persons[f.a]
        since = f.when - dt.timedelta(days=150)
        seen: dict[str, str] = {}
        for when, other in by_phone.get(phone, []):
            if since <= when <= f.when and other not in seen:
                holder = next(
                    (pid for pid, s in users.get(other, ()) if s.start <= when.date() <= s.end),
                    None,
                )
                if holder and holder != owner.id:
                    seen[other] = holder
        if not seen:
            continue
        contacts = []
        for other, holder in seen.items():
            contact = world.persons[holder]
            contacts.append((other, holder, _label(rng, owner, contact, roles)))
        world.fact(
            "extraction",
            f.when + dt.timedelta(days=rng.randrange(3, 30)),
            a=owner.id,
            network=f.network,
            event=f.event,
            extra={
                "device": phone,
                "contacts": contacts,
                "case": (f.extra or {}).get("charge", ""),
            },
        )
