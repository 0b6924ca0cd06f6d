"""The synthetic world: deterministic, linear in scale, consistent with its truth, noisy enough."""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import itertools
import json
import re
from pathlib import Path

from eslabon.ingest.mapping import load_mapping
from eslabon.ingest.readers import open_reader
from eslabon.synth.world import build_world, generate, network_counts

from .conftest import read_truth


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", seed=11, scale=0.15)
    b = generate(tmp_path / "b", seed=11, scale=0.15)
    c = generate(tmp_path / "c", seed=12, scale=0.15)
    da, db, dc = _digest(a.out), _digest(b.out), _digest(c.out)
    assert da == db
    assert any(name.endswith(".xlsx") for name in da)
    assert da["truth/mentions.csv"] != dc["truth/mentions.csv"]


def test_scale_is_roughly_linear() -> None:
    small = build_world(seed=3, scale=0.2)
    large = build_world(seed=3, scale=0.6)
    for attr in ("persons", "phones", "vehicles"):
        ratio = len(getattr(large, attr)) / len(getattr(small, attr))
        assert 2.2 < ratio < 3.8, (attr, ratio)
    assert len(large.networks) > len(small.networks) == 3
    assert network_counts(1) == (3, 1, 1) and network_counts(4) == (12, 4, 4)
    facts_small = sum(len(v) for v in small.facts.values()) + len(small.calls)
    facts_large = sum(len(v) for v in large.facts.values()) + len(large.calls)
    assert 2.2 < facts_large / facts_small < 3.8


def test_sources_formats_and_mappings_validate(small_world) -> None:
    out, report = small_world
    mappings = sorted((out / "mappings").glob("*.yaml"))
    assert len(mappings) >= 8
    formats, encodings, delimiters, countries = set(), set(), set(), set()
    for path in mappings:
        m = load_mapping(path)
        reader = open_reader(m)
        m.check_columns(reader.columns, m.file)  # every mapped column exists in the file
        formats.add(m.format)
        encodings.add(str(m.csv.get("encoding", "utf-8")))
        if m.format == "csv":
            delimiters.add(m.csv.get("delimiter", ","))
        countries.add(m.country)
        assert m.date_convention in ("DMY", "MDY", "ISO")
    assert formats == {"csv", "jsonl", "xlsx"}
    assert {",", ";", "|", "\t"} <= delimiters
    assert {"utf-8", "latin-1", "cp1252", "utf-8-sig"} <= encodings
    assert {"MX", "US", "GT"} <= countries
    assert all(s.rows > 0 for s in report.sources)


def test_truth_points_at_existing_rows_and_entities(small_world) -> None:
    out, report = small_world
    rows = {s.name: s.rows for s in report.sources}
    entities = {r["entity_id"]: r["kind"] for r in read_truth(out, "entities.csv")}
    malformed = {(r["source"], int(r["row"])) for r in read_truth(out, "malformed.csv")}
    assert malformed and {s for s, _ in malformed} == set(rows)
    mentions = read_truth(out, "mentions.csv")
    assert mentions
    for m in mentions:
        row = int(m["row"])
        assert 1 <= row <= rows[m["source"]]
        assert (m["source"], row) not in malformed
        assert m["entity_id"] in entities
    prefix_kind = {
        "P": "Person",
        "PH": "Phone",
        "V": "Vehicle",
        "AD": "Address",
        "A": "Account",
        "O": "Organization",
        "D": "IdentityDocument",
    }
    for eid, kind in entities.items():
        assert prefix_kind[re.match(r"[A-Z]+", eid).group()] == kind
    networks = {r["network_id"]: r["kind"] for r in read_truth(out, "networks.csv")}
    assert set(networks.values()) == {"smuggling", "labour_trafficking", "drugs"}
    roles = read_truth(out, "roles.csv")
    for r in roles:
        assert entities[r["person_id"]] == "Person"
        assert r["network_id"] in networks
    by_net = collections.defaultdict(set)
    for r in roles:
        by_net[r["network_id"]].add(r["role"])
    for nid, kind in networks.items():
        if kind == "smuggling":
            assert {
                "recruiter",
                "guide",
                "driver",
                "stash_keeper",
                "lookout",
                "forger",
                "money_collector",
                "coordinator",
                "migrant",
            } <= by_net[nid]
        elif kind == "drugs":
            assert {"importer", "lab_operator", "courier", "distributor", "launderer"} <= by_net[
                nid
            ]
        else:
            assert {"fraudulent_recruiter", "victim"} <= by_net[nid]
    seeds = read_truth(out, "seeds.csv")
    assert {s["network_id"] for s in seeds} == set(networks)
    for s in seeds:
        assert s["entity_id"] in entities and s["value"]
        assert (s["source"], int(s["row"]), s["entity_id"]) in {
            (m["source"], int(m["row"]), m["entity_id"])
            for m in mentions
            if m["source"] == s["source"]
        }
    for span in read_truth(out, "phone_users.csv"):
        assert entities[span["phone_id"]] == "Phone" and entities[span["person_id"]] == "Person"
        assert span["start"] <= span["end"]


def test_route_events_are_time_ordered(small_world) -> None:
    out, _ = small_world
    chains: dict[str, list[dict[str, str]]] = collections.defaultdict(list)
    for ev in read_truth(out, "events.csv"):
        if ev["chain"]:
            chains[ev["chain"]].append(ev)
    checked = 0
    for events in chains.values():
        crossings = [e["date"] for e in events if e["kind"] == "border_crossing"]
        if not crossings:
            continue
        cross = min(crossings)
        recruit = [e["date"] for e in events if e["kind"] == "recruitment"]
        deposits = [e["date"] for e in events if e["kind"] == "deposit"]
        payments = [e["date"] for e in events if e["kind"] == "payment"]
        releases = [e["date"] for e in events if e["kind"] == "release"]
        assert all(r < cross for r in recruit + deposits)
        assert all(p > cross for p in payments + releases)
        departures = [e["date"] for e in events if e["kind"] == "departure"]
        assert all(r < d for r in recruit for d in departures)
        checked += 1
    assert checked >= 5


def test_phone_spans_cover_calls_and_burners_share_contacts(true_world) -> None:
    world = true_world
    users = world.phone_index()
    for when, a, b, _secs, _ev in world.calls[::7]:
        for ph in (a, b):
            assert any(s.start <= when.date() <= s.end for _, s in users[ph])
    contacts: dict[str, set[str]] = collections.defaultdict(set)
    for _when, a, b, _s, _ev in world.calls:
        contacts[a].add(b)
        contacts[b].add(a)
    owner = {pid: p for pid, p in world.persons.items()}
    shared = 0
    for pid, _nid, role in world.roles:
        burners = [s.phone_id for s in owner[pid].phones if s.burner]
        if role in ("coordinator", "money_collector") and len(burners) >= 2:
            for first, second in itertools.pairwise(burners):
                partners_1 = {users[x][0][0] for x in contacts[first] if x in users}
                partners_2 = {users[x][0][0] for x in contacts[second] if x in users}
                shared += bool(partners_1 & partners_2)
    assert shared >= 3


def test_noise_is_present(small_world) -> None:
    out, _ = small_world
    text = {
        p.name: p.read_bytes().decode("utf-8", "replace")
        for p in (out / "sources").iterdir()
        if p.suffix in (".csv", ".jsonl")
    }
    us = text["cbp_crossings.csv"] + text["us_arrests.csv"] + text["usbp_apprehensions.jsonl"]
    assert re.search(r"[A-Z]+-[A-Z]{3,}", us)  # hyphenated surnames
    nicknames = (
        "PANCHO",
        "PACO",
        "CHUY",
        "LUPE",
        "PEPE",
        "BETO",
        "LALO",
        "NACHO",
        "MEMO",
        "TOÑO",
        "TONO",
        "KIKE",
        "CHAVA",
        "CHAYO",
    )
    everything = "\n".join(text.values()).upper()
    assert sum(everything.count(f",{n},") + everything.count(f" {n} ") for n in nicknames) >= 5
    assert "+52 1 " in everything and "011 52 " in everything and "001 " in everything
    assert re.search(r"\(\d{3}\) \d{3}-\d{4}", everything)
    assert '"EL ' in everything or "EL " in everything  # aliases
    # exact duplicate rows exist
    lines = text["mt_transfers.csv"].splitlines()
    assert len(lines) != len(set(lines))
    meta = json.loads((out / "world.json").read_text(encoding="utf-8"))
    assert meta["noise"]["us_hyphenated"] > 0


def test_identifiers_are_valid(true_world) -> None:
    from eslabon.normalize.identifiers import check_curp, check_dpi, check_dui, check_vin

    world = true_world
    n = 0
    for p in world.persons.values():
        if p.curp:
            res = check_curp(
                p.curp,
                given=p.given,
                paternal=p.paternal,
                maternal=p.maternal,
                birth_date=p.birth_date,
                sex=p.sex,
            )
            assert res.status == "valid", (p.full_name, p.curp, res.reasons)
            n += 1
        if p.national_id_type == "DPI":
            assert check_dpi(p.national_id).ok
        if p.national_id_type == "DUI":
            assert check_dui(p.national_id).ok
        if p.a_number:
            assert re.fullmatch(r"A\d{9}", p.a_number)
        assert p.birth_date < dt.date(2013, 1, 1)
    assert n > 100
    assert all(check_vin(v.vin).ok for v in world.vehicles.values())
    forged = [d for d in world.documents.values() if d.forged]
    assert forged


def test_children_carry_parents_surnames(true_world) -> None:
    world = true_world
    checked = 0
    for hh in world.households:
        father, mother, *kids = (world.persons[x] for x in hh)
        if father.anglo:
            continue
        for k in kids:
            if (
                k.household == father.household
                and k.paternal == father.paternal
                and k.maternal == mother.paternal
            ):
                checked += 1
    assert checked > 50


def test_missing_markers_agree_with_ingest() -> None:
    """Every missing-value word the synth writes is one ingest cleans away, and truth's
    'mention present' rule (is_missing) is ingest's own rule (clean)."""
    from eslabon.ingest.normalise import clean
    from eslabon.synth.noise import MISSING_MARKERS_EN, MISSING_MARKERS_ES, is_missing

    for marker in {*MISSING_MARKERS_ES, *MISSING_MARKERS_EN, " n/a ", "Sin Dato", "JUAN", "0"}:
        assert is_missing(marker) == (clean(marker) is None), marker
    for marker in {*MISSING_MARKERS_ES, *MISSING_MARKERS_EN}:
        assert is_missing(marker), marker
