"""Shared machinery for criminal networks: members drawn from the population, aliases, burner
phones, and call bursts around the moments that matter (pick-ups, crossings, payments).

Networks are segmented chains of small groups joined by a few brokers (domain.md §6); the
builders for each kind live in smuggling.py, labour.py and drugs.py.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from eslabon.synth import names_pool as npool
from eslabon.synth.model import Event, Fact, Network, Person, World
from eslabon.synth.population import Population

USD_RATE = {"USD": 1.0, "MXN": 19.5, "GTQ": 7.8, "HNL": 24.6}
HOME_CURRENCY = {"MX": "MXN", "US": "USD", "GT": "GTQ", "HN": "HNL", "SV": "USD"}


def at(rng: random.Random, day: dt.date, lo: int = 7, hi: int = 22) -> dt.datetime:
    """A moment on ``day`` between ``lo`` and ``hi`` o'clock (minutes random)."""
    return dt.datetime(day.year, day.month, day.day, rng.randrange(lo, hi), rng.randrange(60))


def days(n: float) -> dt.timedelta:
    return dt.timedelta(days=n)


def border_doc(p: Person) -> str:
    """The document a person shows at a port of entry: a passport if he has one (or is a US
    citizen), else a border crossing card."""
    return "passport" if p.passport or p.country == "US" else "bcc"


class NetworkKit:
    """What every network builder needs: the world, the population and one random stream."""

    def __init__(self, world: World, pop: Population, rng: random.Random, net: Network) -> None:
        self.world = world
        self.pop = pop
        self.rng = rng
        self.net = net
        self.careless: set[str] = set()  # members who sometimes use their personal line

    def member(
        self,
        role: str,
        city: str,
        *,
        segment: str,
        sex: str | None = None,
        alias_p: float = 0.75,
        max_age: int = 58,
        country: str | None = None,
    ) -> Person:
        rng = self.rng
        if sex is None:
            sex = (
                "F"
                if rng.random()
                < (0.35 if role in ("money_collector", "stash_keeper", "recruiter") else 0.08)
                else "M"
            )
        p = self.pop.pick_adult(city, sex=sex, max_age=max_age, country=country)
        if rng.random() < alias_p:
            p.alias = npool.draw_alias(rng, p.sex)
        self.world.role(p.id, self.net.id, role)
        self.net.members.setdefault(role, []).append(p.id)
        self.net.segments.setdefault(segment, []).append(p.id)
        if rng.random() < 0.2:
            self.careless.add(p.id)
        return p

    def burners(
        self,
        p: Person,
        start: dt.date,
        end: dt.date,
        *,
        mean_days: int,
        country: str | None = None,
        city: str | None = None,
    ) -> None:
        """Consecutive prepaid phones covering [start, end]; each lives ~mean_days."""
        rng = self.rng
        cur = start
        while cur <= end:
            length = rng.randrange(max(10, mean_days // 2), mean_days * 3 // 2 + 1)
            stop = min(end, cur + days(length))
            self.pop.b.phone(
                p,
                cur,
                stop,
                burner=True,
                country=country or p.country,
                city=city or (p.city if (country or p.country) == p.country else None),
            )
            cur = stop + days(1)

    def retire(self, p: Person, day: dt.date) -> None:
        """An arrested member drops his burners: their spans end on the arrest day."""
        for span in p.phones:
            if span.burner and span.end > day:
                span.end = max(span.start, day)

    def bphone(self, p: Person, when: dt.datetime) -> str | None:
        """The phone used for the network's business at ``when``."""
        personal = p.phone_at(when.date())
        if p.id in self.careless and self.rng.random() < 0.15:
            return personal
        return p.phone_at(when.date(), business=True) or personal

    def calls(
        self,
        moment: dt.datetime,
        pairs: Sequence[tuple[Person, Person]],
        event: str,
        *,
        before_h: float = 8,
        n: tuple[int, int] = (1, 3),
    ) -> None:
        """Calls clustering in the hours before ``moment`` between business phones."""
        rng = self.rng
        for a, b in pairs:
            for _ in range(rng.randint(*n)):
                when = moment - dt.timedelta(minutes=rng.randrange(2, int(before_h * 60)))
                caller, callee = (a, b) if rng.random() < 0.6 else (b, a)
                self.world.call(
                    when,
                    self.bphone(caller, when),
                    self.bphone(callee, when),
                    int(rng.lognormvariate(4.2, 0.9)) + 3,
                    event,
                )

    def personal_call(self, moment: dt.datetime, a: Person, b: Person, event: str | None) -> None:
        ca, cb = a.phone_at(moment.date()), b.phone_at(moment.date())
        self.world.call(moment, ca, cb, int(self.rng.lognormvariate(4.6, 0.8)) + 5, event)

    def transfers(
        self,
        sender: Person,
        receivers: Sequence[Person],
        total_usd: float,
        start: dt.date,
        span_days: int,
        event_kind: str,
        chain: str | None,
        *,
        max_each: float = 1900.0,
        description: str,
    ) -> list[str]:
        """Structured payment: ``total_usd`` split into small transfers to several receivers."""
        rng = self.rng
        ids = []
        remaining = total_usd
        k = 0
        while remaining > 50:
            amount = min(remaining, round(rng.uniform(0.45, 1.0) * max_each, -1))
            if remaining - amount < 150:
                amount = remaining
            receiver = (
                receivers[k % len(receivers)] if rng.random() < 0.8 else rng.choice(receivers)
            )
            k += 1
            day = start + days(rng.randrange(span_days + 1))
            when = at(rng, day, 9, 20)
            desc = f"{description}: {amount:.0f} USD"
            ev = self.paid_step(event_kind, when, sender, receiver, amount, desc, chain=chain)
            ids.append(ev.id)
            remaining -= amount
        return ids

    def money(
        self,
        when: dt.datetime,
        sender: Person,
        receiver: Person,
        usd: float,
        event: str | None,
        *,
        method: str | None = None,
    ) -> None:
        rng = self.rng
        paid_cur = HOME_CURRENCY.get(receiver.country, "USD")
        acc = None
        if receiver.accounts and rng.random() < 0.5:
            acc = receiver.accounts[0]
        send_cur = HOME_CURRENCY.get(sender.country, "USD")
        self.world.fact(
            "transfer",
            when,
            a=sender.id,
            b=receiver.id,
            amount=round(usd * USD_RATE[send_cur], 2),
            currency=send_cur,
            place=sender.city,
            network=self.net.id,
            event=event,
            extra={
                "paid_currency": paid_cur,
                "paid_amount": round(usd * USD_RATE[paid_cur] * rng.uniform(0.97, 1.0), 2),
                "account": acc,
                "method": method,
            },
        )

    def seed(self, entity_id: str, kind: str, value: str, description: str) -> None:
        self.net.seeds.append((entity_id, kind, value, description))

    # -- steps of a trip, shipment or recruitment ------------------------------------------------
    def step(
        self,
        kind: str,
        when: dt.datetime,
        description: str,
        persons: dict[str, Any],
        *,
        chain: str | None = None,
        data: dict[str, Any] | None = None,
        network: str | None = None,
    ) -> Event:
        """One true event of this network's story (event ids follow call order)."""
        return self.world.add_event(
            kind,
            when,
            network or self.net.id,
            description,
            chain=chain,
            persons=persons,
            data=data or {},
        )

    def record(self, kind: str, when: dt.datetime, ev: Event, **kw: Any) -> Fact:
        """A fact some source will render, tied to this network and the event it records."""
        return self.world.fact(kind, when, network=self.net.id, event=ev.id, **kw)

    def paid_step(
        self,
        kind: str,
        when: dt.datetime,
        sender: Person,
        receiver: Person,
        usd: float,
        description: str,
        *,
        chain: str | None = None,
        method: str | None = None,
        network: str | None = None,
    ) -> Event:
        """A payment event and the transfer that records it."""
        ev = self.step(
            kind,
            when,
            description,
            {"sender": sender.id, "receiver": receiver.id},
            chain=chain,
            network=network,
        )
        self.money(when, sender, receiver, usd, ev.id, method=method)
        return ev

    def mark_seeds(
        self,
        fact: Fact,
        source: str,
        seeds: list[tuple[str, str, str, str]],
        phone: str | None,
        phone_description: str,
    ) -> None:
        """Make ``fact`` the incident an analyst starts from (seeds recorded by ``source``)."""
        assert fact.extra is not None
        fact.extra["seed_source"] = source
        fact.extra["seeds"] = seeds
        if phone:
            fact.extra["seeds"].append((phone, "Phone", "phone", phone_description))

    def carpeta_no(self, code: str, when: dt.datetime) -> str:
        """A federal investigation file number (FED/<place code>/<n>/<year>)."""
        return f"FED/{code}/{self.rng.randrange(1000, 9999)}/{when.year}"
