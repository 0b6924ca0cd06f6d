"""Burner-phone proposals on small stores whose answers can be worked out on paper."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from eslabon.network.burners import (
    BurnerConfig,
    attribute_burners,
    calling_area,
    propose_burners,
    store_burners,
)
from eslabon.store import open_store
from eslabon.store.connection import Store

DAY0 = datetime(2022, 1, 1, 10, 0)


class Phones:
    """Writes phones, their users and calls straight into the network tables of a real store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.n = 0

    def phone(self, entity: str, number: str, user: str | None = None) -> str:
        mention = f"src@1/{self.n}/phone"
        self.n += 1
        self.store.execute(
            "INSERT INTO mentions VALUES (?, 'src@1', ?, 'phone', 'Phone', NULL, ?, ?)",
            [mention, self.n, number, json.dumps({"number": number})],
        )
        self.store.execute("INSERT INTO entity_mentions VALUES (?, ?, 'Phone')", [mention, entity])
        if user:
            self.store.execute(
                "INSERT INTO phone_users VALUES (?, ?, NULL, NULL, [], 'record')", [entity, user]
            )
        return entity

    def call(self, a: str, b: str, day: float) -> None:
        self.n += 1
        self.store.execute(
            "INSERT INTO net_edges VALUES (?, 'Call', ?, 'Phone', ?, 'Phone', ?, NULL, '{}', "
            "'src@1', ?)",
            [f"src@1/{self.n}/call", a, b, DAY0 + timedelta(days=day), self.n],
        )

    def calls(self, phone: str, contacts: list[str], days: range) -> None:
        """``phone`` calls every contact on each of ``days``."""
        for day in days:
            for c in contacts:
                self.call(phone, c, day)


@pytest.fixture
def store(tmp_path: Path):
    with open_store(tmp_path / "b.duckdb") as st:
        yield st


def _crew(ph: Phones, second_number: str = "+529515550002") -> list[str]:
    """X drops B1 on day 40 and calls the same four people from B2 from day 50."""
    contacts = [ph.phone(f"C{i}", f"+52951555010{i}") for i in range(4)]
    ph.phone("B1", "+529515550001")
    ph.phone("B2", second_number)
    ph.calls("B1", contacts, range(0, 41, 10))
    ph.calls("B2", contacts, range(50, 101, 10))
    return contacts


def _pairs(store: Store) -> set[tuple[str, str]]:
    return {(x.phone_a, x.phone_b) for x in propose_burners(store)}


def _pairs_with(store: Store, config: BurnerConfig) -> set[tuple[str, str]]:
    return {(x.phone_a, x.phone_b) for x in propose_burners(store, config)}


def test_a_swap_to_the_same_contacts_is_proposed_with_reasons(store: Store) -> None:
    _crew(Phones(store))
    links = propose_burners(store)
    assert [(x.phone_a, x.phone_b) for x in links] == [("B1", "B2")]
    link = links[0]
    assert 0 < link.score <= 1 and link.shared_contacts == 4 and link.gap_days == 10
    assert any("shared contacts" in r for r in link.reasons)
    assert any("same calling area +52 951" in r for r in link.reasons)
    assert link.user_entity is None


def test_another_calling_area_is_not_the_same_user(store: Store) -> None:
    _crew(Phones(store), second_number="+528115550002")  # Monterrey, not Oaxaca
    assert _pairs(store) == set()


def test_a_phone_that_called_the_other_users_phone_is_another_person(store: Store) -> None:
    ph = Phones(store)
    contacts = _crew(ph)
    ph.phone("Y0", "+529515550009")
    ph.calls("Y0", contacts, range(0, 31, 10))
    ph.call("B1", "Y0", 35)  # B1's user called Y0 …
    store.execute("INSERT INTO phone_users VALUES ('Y0', 'PY', NULL, NULL, [], 'record')")
    store.execute("INSERT INTO phone_users VALUES ('B2', 'PY', NULL, NULL, [], 'record')")
    links = propose_burners(store)  # … and B2 is recorded as Y's: B1 is not B2's user
    assert ("B1", "B2") not in {(x.phone_a, x.phone_b) for x in links}


def test_two_equally_good_successors_are_left_for_a_human(store: Store) -> None:
    """Two crew members who both took over the same contacts: no guess between them."""
    ph = Phones(store)
    contacts = _crew(ph)
    ph.phone("B3", "+529515550003")
    ph.calls("B3", contacts, range(50, 101, 10))
    assert _pairs(store) == set()
    loose = BurnerConfig(margin=1.0)  # without the margin one of the two would be taken
    assert len(propose_burners(store, loose)) == 1


def test_a_next_day_hand_over_looks_like_two_people_at_one_event(store: Store) -> None:
    """The same calls as the proposed swap, but the new phone starts the day after the last call."""
    ph = Phones(store)
    contacts = [ph.phone(f"C{i}", f"+52951555010{i}") for i in range(4)]
    ph.phone("B1", "+529515550001")
    ph.phone("B2", "+529515550002")
    ph.calls("B1", contacts, range(0, 41, 10))
    ph.calls("B2", contacts, range(41, 92, 10))
    assert _pairs(store) == set()
    assert _pairs_with(store, BurnerConfig(handover_days=0.5)) == {("B1", "B2")}


def test_phones_recorded_as_one_persons_are_chained(store: Store) -> None:
    ph = Phones(store)
    ph.phone("M", "+50245780698")
    ph.phone("H1", "+12025550101", user="P1")
    ph.phone("H2", "+12025550102", user="P1")
    ph.phone("H3", "+12025550103", user="P1")  # used alongside the others: not a successor
    ph.calls("H1", ["M"], range(0, 21, 10))
    ph.calls("H2", ["M"], range(300, 321, 10))
    ph.calls("H3", ["M"], range(5, 316, 100))
    links = propose_burners(store)
    assert [(x.phone_a, x.phone_b, x.user_entity) for x in links] == [("H1", "H2", "P1")]
    assert "recorded as used by P1" in links[0].reasons[0]


def test_store_and_attribute_a_chain_with_one_recorded_user(store: Store) -> None:
    ph = Phones(store)
    _crew(ph)
    store.execute("INSERT INTO phone_users VALUES ('B1', 'PX', NULL, NULL, [], 'record')")
    links = propose_burners(store)
    assert [(x.phone_a, x.phone_b, x.user_entity) for x in links] == [("B1", "B2", "PX")]
    store_burners(store, links)
    store_burners(store, links)  # idempotent
    rows = store.query_dicts("SELECT * FROM burner_links")
    assert len(rows) == 1 and json.loads(rows[0]["reasons"])
    assert attribute_burners(store, links) == 1
    assert store.query(
        "SELECT person_entity, basis FROM phone_users WHERE phone_entity = 'B2'"
    ) == [("PX", "burner")]


def test_no_calls_no_proposals(store: Store) -> None:
    assert propose_burners(store) == []


@pytest.mark.parametrize(
    ("number", "area"),
    [
        ("+529513467000", "+52 951"),
        ("+528173803737", "+52 81"),
        ("+19565550123", "+1 956"),
        ("+50245780698", "+502"),
        ("not a number", None),
        (None, None),
    ],
)
def test_calling_area(number: str | None, area: str | None) -> None:
    assert calling_area(number) == area
