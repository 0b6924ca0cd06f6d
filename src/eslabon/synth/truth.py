"""Write the ground truth of a world: who every mention is, roles, networks, seeds, phone spans,
events and the rows that were deliberately malformed (docs/architecture.md "Synthetic world")."""

from __future__ import annotations

import csv
from pathlib import Path

from eslabon.synth.model import World
from eslabon.synth.writer import TruthSink


def caption(world: World, entity_id: str) -> tuple[str, str]:
    """(kind, caption) of an entity: the true name or number."""
    if entity_id in world.persons:
        return "Person", world.persons[entity_id].full_name
    if entity_id in world.phones:
        return "Phone", world.phones[entity_id].e164
    if entity_id in world.vehicles:
        v = world.vehicles[entity_id]
        return "Vehicle", f"{v.plate} ({v.plate_state})"
    if entity_id in world.addresses:
        return "Address", world.addresses[entity_id].full
    if entity_id in world.accounts:
        a = world.accounts[entity_id]
        return "Account", f"{a.institution} {a.number}"
    if entity_id in world.organizations:
        return "Organization", world.organizations[entity_id].name
    if entity_id in world.documents:
        d = world.documents[entity_id]
        return "IdentityDocument", f"{d.doc_type} {d.number}"
    raise KeyError(entity_id)


def _writer(path: Path, header: list[str]):
    fh = path.open("w", encoding="utf-8", newline="")
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(header)
    return fh, w


def write_truth(world: World, sink: TruthSink, truth_dir: Path) -> dict[str, int]:
    """Everything but mentions.csv (already streamed by the writers); returns counts."""
    counts: dict[str, int] = {"mentions": sink.mention_count}
    # malformed rows
    fh, w = _writer(truth_dir / "malformed.csv", ["source", "row", "reason"])
    w.writerows(sink.malformed)
    fh.close()
    counts["malformed"] = len(sink.malformed)
    # seeds, taken from the rows where each incident was recorded
    seeds = []
    for source, row, fact, items in sink.seed_rows:
        for entity, kind, value, desc in items:
            seeds.append(
                (
                    fact.network if fact else "",
                    entity,
                    kind,
                    value,
                    f"{desc} ({source} row {row})",
                    source,
                    row,
                )
            )
    fh, w = _writer(
        truth_dir / "seeds.csv",
        ["network_id", "entity_id", "kind", "value", "description", "source", "row"],
    )
    w.writerows(seeds)
    fh.close()
    counts["seeds"] = len(seeds)
    # roles and networks
    fh, w = _writer(truth_dir / "roles.csv", ["person_id", "network_id", "role"])
    seen_roles = set()
    for pid, nid, role in world.roles:
        if (pid, nid, role) not in seen_roles:
            seen_roles.add((pid, nid, role))
            w.writerow([pid, nid, role])
    fh.close()
    counts["roles"] = len(seen_roles)
    fh, w = _writer(truth_dir / "networks.csv", ["network_id", "kind", "incident_event"])
    for net in world.networks.values():
        w.writerow([net.id, net.kind, net.incident or ""])
    fh.close()
    counts["networks"] = len(world.networks)
    # phone spans of every phone that appears anywhere
    needed = set(sink.mentioned)
    needed.update(pid for pid, _, _ in world.roles)
    needed.update(s[1] for s in seeds)
    spans = [
        (ph, pid, start, end)
        for ph, pid, start, end in world.phone_users()
        if ph in needed or pid in needed
    ]
    fh, w = _writer(truth_dir / "phone_users.csv", ["phone_id", "person_id", "start", "end"])
    for ph, pid, start, end in sorted(spans):
        w.writerow([ph, pid, start.isoformat(), end.isoformat()])
        needed.add(ph)
        needed.add(pid)
    fh.close()
    counts["phone_users"] = len(spans)
    # entities
    order = {"P": 0, "PH": 1, "V": 2, "AD": 3, "A": 4, "O": 5, "D": 6}

    def sort_key(e: str) -> tuple[int, str]:
        prefix = e.rstrip("0123456789")
        return order.get(prefix, 9), e

    fh, w = _writer(truth_dir / "entities.csv", ["entity_id", "kind", "caption"])
    for e in sorted(needed, key=sort_key):
        kind, cap = caption(world, e)
        w.writerow([e, kind, cap])
    fh.close()
    counts["entities"] = len(needed)
    # events
    fh, w = _writer(
        truth_dir / "events.csv",
        ["event_id", "network_id", "kind", "date", "description", "chain", "persons"],
    )
    for ev in world.events:
        persons: list[str] = []
        for value in ev.persons.values():
            persons.extend(value if isinstance(value, list) else [value])
        w.writerow(
            [
                ev.id,
                ev.network or "",
                ev.kind,
                ev.when.isoformat(timespec="minutes"),
                ev.description,
                ev.chain or "",
                ";".join(persons),
            ]
        )
    fh.close()
    counts["events"] = len(world.events)
    return counts
