"""A tiny hand-made world for network tests: one smuggling chain inside a background population.

Written as sources + mappings + truth like a synthetic world, so tests go through real ingest and
the oracle resolution. Small on purpose (a few hundred rows): the whole network test set must stay
fast. The chain: recruiter → migrants → guide → driver → stash house; a coordinator calls the
crew, a collector receives money from migrants' relatives; a forger; burners are swapped once.
"""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

import yaml

BASE = datetime(2024, 3, 1, 8, 0)


class _World:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.rows: dict[str, list[list[str]]] = {}
        self.truth: list[tuple[str, int, str, str]] = []
        self.entities: dict[str, tuple[str, str]] = {}

    def add(self, source: str, row: list[str], mentions: dict[str, str]) -> None:
        rows = self.rows.setdefault(source, [])
        rows.append(row)
        for key, entity in mentions.items():
            self.truth.append((source, len(rows), key, entity))


def _day(d: float) -> str:
    return (BASE + timedelta(days=d)).strftime("%Y-%m-%d %H:%M")


MAPPINGS = {
    "cdr": (
        ["caller", "callee", "fecha"],
        {
            "entities": {
                "a": {"kind": "Phone", "properties": {"number": "caller"}},
                "b": {"kind": "Phone", "properties": {"number": "callee"}},
            },
            "links": {"call": {"kind": "Call", "subject": "a", "object": "b", "start": "fecha"}},
        },
    ),
    "subscribers": (
        ["name", "phone", "desde", "hasta"],
        {
            "entities": {
                "p": {"kind": "Person", "properties": {"name": "name"}},
                "t": {"kind": "Phone", "properties": {"number": "phone"}},
            },
            "links": {
                "use": {
                    "kind": "PhoneUse",
                    "subject": "p",
                    "object": "t",
                    "start": "desde",
                    "end": "hasta",
                }
            },
        },
    ),
    "detentions": (
        ["folio", "name", "fecha", "plate", "nationality"],
        {
            "entities": {
                "p": {
                    "kind": "Person",
                    "properties": {"name": "name", "nationality": "nationality"},
                },
                "v": {"kind": "Vehicle", "properties": {"plate": "plate"}},
            },
            "links": {
                "det": {
                    "kind": "Detention",
                    "subject": "p",
                    "object": "v",
                    "start": "fecha",
                    "properties": {"incident": "folio", "place": {"literal": "SAN ANTONIO"}},
                }
            },
        },
    ),
    "payments": (
        ["sender", "receiver", "amount", "fecha"],
        {
            "entities": {
                "s": {"kind": "Person", "properties": {"name": "sender"}},
                "r": {"kind": "Person", "properties": {"name": "receiver"}},
            },
            "links": {
                "pay": {
                    "kind": "Payment",
                    "subject": "s",
                    "object": "r",
                    "start": "fecha",
                    "properties": {"amount": "amount", "currency": {"literal": "USD"}},
                }
            },
        },
    ),
    "lodging": (
        ["guest", "address", "fecha"],
        {
            "entities": {
                "p": {"kind": "Person", "properties": {"name": "guest"}},
                "a": {"kind": "Address", "properties": {"full": "address"}},
            },
            "links": {"stay": {"kind": "Lodging", "subject": "p", "object": "a", "start": "fecha"}},
        },
    ),
    "residence": (
        ["name", "address", "landlord"],
        {
            "entities": {
                "p": {"kind": "Person", "properties": {"name": "name"}},
                "a": {"kind": "Address", "properties": {"full": "address"}},
            },
            "links": {
                "lease": {
                    "kind": "Lease",
                    "subject": "p",
                    "object": "a",
                    "properties": {"landlord": "landlord"},
                }
            },
        },
    ),
    "recruitment": (
        ["recruiter", "recruit", "fecha", "fee"],
        {
            "entities": {
                "r": {"kind": "Person", "properties": {"name": "recruiter"}},
                "m": {"kind": "Person", "properties": {"name": "recruit"}},
            },
            "links": {
                "rec": {
                    "kind": "Recruitment",
                    "subject": "r",
                    "object": "m",
                    "start": "fecha",
                    "properties": {"fee": "fee", "currency": {"literal": "USD"}},
                }
            },
        },
    ),
    "crossings": (
        ["name", "plate", "fecha", "port"],
        {
            "entities": {
                "p": {"kind": "Person", "properties": {"name": "name"}},
                "v": {"kind": "Vehicle", "properties": {"plate": "plate"}},
            },
            "links": {
                "x": {
                    "kind": "Crossing",
                    "subject": "p",
                    "object": "v",
                    "start": "fecha",
                    "properties": {"port": "port", "direction": {"literal": "northbound"}},
                }
            },
        },
    ),
}

GIVEN = ["JUAN", "PEDRO", "LUIS", "MARIA", "ANA", "JOSE", "ROSA", "CARLOS", "ELENA", "MIGUEL"]
SUR = ["GARCIA", "LOPEZ", "PEREZ", "RAMOS", "TORRES", "CRUZ", "REYES", "MORALES", "ORTIZ", "VEGA"]


def make_world(folder: Path, seed: int = 1, n_background: int = 30) -> Path:
    """Write sources, mappings and truth under ``folder``; return it."""
    rng = random.Random(seed)
    w = _World(folder)
    people: dict[str, str] = {}
    used: set[str] = set()

    def person(pid: str) -> str:
        while True:
            name = f"{rng.choice(GIVEN)} {rng.choice(SUR)} {rng.choice(SUR)} {pid[-3:]}"
            if name not in used:
                used.add(name)
                people[pid] = name
                w.entities[pid] = ("Person", name)
                return name

    phone_no = iter(range(5550100, 5559999, 7))

    def phone(pid: str) -> str:
        number = f"+1210{next(phone_no)}"
        w.entities[pid] = ("Phone", number)
        return number

    roles: list[tuple[str, str, str]] = []
    net = "N1"
    crew = {
        "P001": "coordinator",
        "P002": "recruiter",
        "P003": "guide",
        "P004": "driver",
        "P005": "driver",
        "P006": "stash_keeper",
        "P007": "money_collector",
        "P008": "forger",
        "P009": "lookout",
    }
    for pid, role in crew.items():
        person(pid)
        roles.append((pid, net, role))
    migrants = [f"P1{i:02d}" for i in range(8)]
    relatives = [f"P2{i:02d}" for i in range(8)]
    for pid in migrants:
        person(pid)
        roles.append((pid, net, "migrant"))
    for pid in relatives:
        person(pid)
    background = [f"P3{i:02d}" for i in range(n_background)]
    for pid in background:
        person(pid)

    phones: dict[str, list[tuple[str, float, float]]] = {}
    phone_users: list[tuple[str, str, str, str]] = []

    def give_phone(pid: str, start: float, end: float) -> str:
        ph = f"T{len(phone_users) + 1:03d}"
        number = phone(ph)
        phones.setdefault(pid, []).append((ph, start, end))
        phone_users.append((ph, pid, _day(start), _day(end)))
        w.add(
            "subscribers",
            [people[pid], number, _day(start)[:10], _day(end)[:10]],
            {"p": pid, "t": ph},
        )
        return ph

    for pid in crew:
        if pid in ("P001", "P004"):  # coordinator and a driver swap burners half-way
            give_phone(pid, 0, 30)
            give_phone(pid, 31, 90)
        else:
            give_phone(pid, 0, 90)
    for pid in relatives + background:
        give_phone(pid, 0, 90)

    def phone_at(pid: str, day: float) -> str:
        for ph, s, e in phones[pid]:
            if s <= day <= e + 0.99:
                return ph
        return phones[pid][-1][0]

    def call(a: str, b: str, day: float) -> None:
        pa, pb = phone_at(a, day), phone_at(b, day)
        w.add(
            "cdr",
            [w.entities[pa][1], w.entities[pb][1], _day(day)],
            {"a": pa, "b": pb},
        )

    # The route, one group of four migrants per trip.
    trips = [(migrants[:4], 10.0, "TX1234A", "INC-1"), (migrants[4:], 40.0, "TX9876B", "INC-2")]
    w.entities["V1"] = ("Vehicle", "TX1234A")
    w.entities["V2"] = ("Vehicle", "TX9876B")
    w.entities["A1"] = ("Address", "123 ELM ST LAREDO TX")
    for t, (group, day, plate, incident) in enumerate(trips):
        vid = f"V{t + 1}"
        driver = "P004" if t == 0 else "P005"
        for m in group:
            w.add(
                "recruitment",
                [people["P002"], people[m], _day(day - 8)[:10], "3000"],
                {"r": "P002", "m": m},
            )
        call("P001", "P002", day - 7)
        call("P002", "P003", day - 5)
        call("P001", "P003", day - 2)
        call("P003", "P009", day - 1)
        call("P001", "P008", day - 6)
        for m in group:
            w.add("crossings", [people[m], plate, _day(day), "LAREDO"], {"p": m, "v": vid})
        w.add("crossings", [people[driver], plate, _day(day), "LAREDO"], {"p": driver, "v": vid})
        call("P001", driver, day - 0.5)
        call(driver, "P006", day + 0.2)
        for m in group:
            w.add(
                "lodging",
                [people[m], "123 Elm St Laredo TX", _day(day + 0.5)[:10]],
                {"p": m, "a": "A1"},
            )
        call("P006", "P001", day + 1)
        for rel in relatives[t * 4 : t * 4 + 4]:
            for k in range(3):  # structured: three small transfers after arrival
                w.add(
                    "payments",
                    [people[rel], people["P007"], str(900 + 10 * k), _day(day + 1 + k * 0.3)[:10]],
                    {"s": rel, "r": "P007"},
                )
            call(rel, "P007", day + 1)
        call("P007", "P001", day + 3)
        # the collector passes the money up to the coordinator
        w.add(
            "payments",
            [people["P007"], people["P001"], "9000", _day(day + 4)[:10]],
            {"s": "P007", "r": "P001"},
        )
        if t == 0:  # the seed incident: the truck is stopped
            for p in [driver, *group[:2]]:
                w.add(
                    "detentions",
                    [incident, people[p], _day(day + 0.1), plate, "GT" if p != driver else "US"],
                    {"p": p, "v": vid},
                )
    w.add(
        "residence",
        [people["P006"], "123 Elm St Laredo TX", "ACME RENTALS"],
        {"p": "P006", "a": "A1"},
    )

    # Background: family calls (including the driver's mother), ordinary remittances, a landlord.
    fam = background[:]
    for i in range(0, len(fam) - 1, 2):
        for d in range(6):
            call(fam[i], fam[i + 1], 3 + d * 12 + rng.random())
    call(background[0], "P004", 5)
    call(background[0], "P004", 25)
    call(background[0], "P004", 55)
    for i in range(5):
        w.add(
            "payments",
            [people[background[2 + i]], people[background[12 + i]], "200", _day(20 + i)[:10]],
            {"s": background[2 + i], "r": background[12 + i]},
        )
    w.entities["A2"] = ("Address", "9 OAK AVE LAREDO TX")
    for pid in (background[20], background[21], "P005"):
        w.add(
            "residence", [people[pid], "9 Oak Ave Laredo TX", "ACME RENTALS"], {"p": pid, "a": "A2"}
        )

    _write(w, roles, phone_users, net)
    return folder


def _write(w: _World, roles: list, phone_users: list, net: str) -> None:
    (w.folder / "sources").mkdir(parents=True, exist_ok=True)
    (w.folder / "mappings").mkdir(parents=True, exist_ok=True)
    truth = w.folder / "truth"
    truth.mkdir(parents=True, exist_ok=True)
    for name, (header, mapping) in MAPPINGS.items():
        with (w.folder / "sources" / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            cw = csv.writer(fh)
            cw.writerow(header)
            cw.writerows(w.rows.get(name, []))
        full = {
            "source": name,
            "file": f"../sources/{name}.csv",
            "format": "csv",
            "country": "US",
            "language": "en",
            "date_convention": "ISO",
            "phone_region": "US",
            **mapping,
        }
        (w.folder / "mappings" / f"{name}.yaml").write_text(yaml.safe_dump(full, sort_keys=False))

    def table(name: str, header: list[str], rows: list) -> None:
        with (truth / name).open("w", newline="", encoding="utf-8") as fh:
            cw = csv.writer(fh)
            cw.writerow(header)
            cw.writerows(rows)

    table("mentions.csv", ["source", "row", "mapping_key", "entity_id"], w.truth)
    table(
        "entities.csv",
        ["entity_id", "kind", "caption"],
        [(e, k, c) for e, (k, c) in sorted(w.entities.items())],
    )
    table("roles.csv", ["person_id", "network_id", "role"], roles)
    table("networks.csv", ["network_id", "kind"], [(net, "smuggling")])
    table(
        "seeds.csv",
        ["network_id", "entity_id", "kind", "value", "description"],
        [(net, "V1", "Vehicle", "TX1234A", "truck stopped at San Antonio with migrants")],
    )
    table("phone_users.csv", ["phone_id", "person_id", "start", "end"], phone_users)
