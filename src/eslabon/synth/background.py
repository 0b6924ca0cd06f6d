"""Ordinary life around the networks: family calls, remittances, commuter crossings, traffic
stops, leases, hotel stays, independent migrants and ordinary arrests.

This is the noise the tracer must keep out: the same people, phones and vehicles that networks
use also appear in perfectly innocent records.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from eslabon.synth.model import WORLD_END, WORLD_START, Person, World
from eslabon.synth.networks import HOME_CURRENCY, USD_RATE, at, border_doc, days
from eslabon.synth.places import MX_BORDER, PORT_BY_MX, US_BORDER, US_CITIES
from eslabon.synth.population import Population

SPAN = (WORLD_END - WORLD_START).days
MX_CRIMES = (
    "ROBO",
    "ROBO DE VEHICULO",
    "LESIONES",
    "NARCOMENUDEO",
    "PORTACION DE ARMA",
    "DANO EN PROPIEDAD AJENA",
    "FRAUDE",
    "VIOLENCIA FAMILIAR",
)
US_CHARGES = (
    "DWI",
    "THEFT",
    "ASSAULT",
    "POSS MARIJUANA",
    "DRIVING W/O LICENSE",
    "ILLEGAL ENTRY",
    "BURGLARY",
    "PUBLIC INTOXICATION",
    "FAILURE TO APPEAR",
)
HOTEL_NAMES = (
    "Hotel Central",
    "Hotel Real del Norte",
    "Hotel Misión",
    "Hotel Colonial",
    "Hotel Jardín",
    "Hotel Sol y Luna",
    "Hotel Estrella",
    "Motel La Cabaña",
)
LEGIT_AGENCIES = (
    "Agromex Reclutamiento Autorizado",
    "Empleos Temporales del Campo",
    "Servicios de Colocación Norteamérica",
)
FARMS = (
    "Sunny Acres Farm LLC",
    "Piedmont Tobacco Growers Inc",
    "Coastal Berry Farms LLC",
    "Southern Sweet Onion Co",
)


def _when(rng: random.Random, lo: int = 7, hi: int = 22) -> dt.datetime:
    return at(rng, WORLD_START + days(rng.randrange(SPAN)), lo, hi)


def _money(
    world: World, rng: random.Random, when: dt.datetime, s: Person, r: Person, usd: float
) -> None:
    send_cur = HOME_CURRENCY.get(s.country, "USD")
    paid_cur = HOME_CURRENCY.get(r.country, "USD")
    world.fact(
        "transfer",
        when,
        a=s.id,
        b=r.id,
        amount=round(usd * USD_RATE[send_cur], 2),
        currency=send_cur,
        place=s.city,
        extra={
            "paid_currency": paid_cur,
            "paid_amount": round(usd * USD_RATE[paid_cur] * rng.uniform(0.97, 1), 2),
            "account": r.accounts[0] if r.accounts and rng.random() < 0.4 else None,
            "method": None,
        },
    )


class Background:
    def __init__(self, world: World, pop: Population, rng: random.Random, scale: float) -> None:
        self.world, self.pop, self.rng, self.scale = world, pop, rng, scale

    def n(self, base: float) -> int:
        return max(1, round(base * self.scale))

    def build(self) -> None:
        self.family_life()
        self.crossings()
        self.stops()
        self.migrants()
        self.crime()
        self.housing()
        self.work()

    def _call(
        self, a: Person, b: Person, when: dt.datetime, mu: float, sigma: float, least: int
    ) -> None:
        """A personal call; durations are log-normal (most short, a few long)."""
        d = when.date()
        seconds = int(self.rng.lognormvariate(mu, sigma)) + least
        self.world.call(when, a.phone_at(d), b.phone_at(d), seconds)

    def family_life(self) -> None:
        """Calls within families and across the border; monthly remittances home."""
        rng, world = self.rng, self.world
        persons = world.persons
        for hh in world.households:
            members = [persons[x] for x in hh if persons[x].phones]
            if len(members) < 2:
                continue
            for _ in range(rng.randrange(4, 14)):
                a, b = rng.sample(members, 2)
                when = _when(rng)
                self._call(a, b, when, 4.5, 0.9, 5)
        for pid in self.pop.emigrants:
            p = persons[pid]
            for rid in p.relatives_home:
                r = persons[rid]
                for _ in range(rng.randrange(8, 30)):
                    when = _when(rng, 8, 23)
                    a, b = (p, r) if rng.random() < 0.7 else (r, p)
                    self._call(a, b, when, 5.0, 0.8, 10)
            if not p.relatives_home:
                continue
            month = WORLD_START
            while month < WORLD_END:
                if rng.random() < 0.55:
                    r = persons[rng.choice(p.relatives_home)]
                    when = at(rng, month + days(rng.randrange(27)), 9, 20)
                    _money(world, rng, when, p, r, round(rng.uniform(100, 650), -1))
                month += days(30)
        # friends and co-workers in the same city
        by_city: dict[str, list[Person]] = {}
        for p in persons.values():
            if p.phones and p.age_on(WORLD_START) >= 16:
                by_city.setdefault(p.city, []).append(p)
        for people in by_city.values():
            if len(people) < 2:
                continue
            for _ in range(len(people) * 2):
                a, b = rng.sample(people, 2)
                for _ in range(rng.randrange(1, 5)):
                    when = _when(rng)
                    self._call(a, b, when, 4.0, 1.0, 3)

    def crossings(self) -> None:
        """Border residents with cars cross northbound at ports of entry."""
        rng, world = self.rng, self.world
        for p in list(world.persons.values()):
            if not p.vehicles or p.network:
                continue
            if p.city in PORT_BY_MX:
                port = PORT_BY_MX[p.city]
            elif p.city in US_BORDER:
                port = next(x for x in PORT_BY_MX.values() if x.us_city == p.city)
            else:
                continue
            if rng.random() > 0.45:
                continue
            if p.country == "MX" and not (p.passport or rng.random() < 0.7):
                continue
            doc = border_doc(p)
            for _ in range(rng.randrange(4, 40)):
                world.fact(
                    "poe_crossing",
                    _when(rng, 5, 23),
                    a=p.id,
                    vehicle=p.vehicles[0],
                    place=port.name,
                    extra={"doc": doc},
                )
        border_owners = [
            p
            for p in world.persons.values()
            if p.vehicles and not p.network and (p.city in PORT_BY_MX or p.city in US_BORDER)
        ]
        for _ in range(self.n(30)):  # ordinary seizures by people outside the networks
            if not border_owners:
                break
            p = rng.choice(border_owners)
            city = p.city if p.city in PORT_BY_MX else rng.choice(MX_BORDER)
            when = _when(rng, 6, 22)
            world.fact(
                "seizure",
                when,
                a=p.id,
                vehicle=p.vehicles[0],
                place=PORT_BY_MX[city].name,
                extra={
                    "drug": rng.choice(("MARIJUANA", "METHAMPHETAMINE", "COCAINE", "FENTANYL")),
                    "quantity": round(rng.uniform(0.3, 40), 1),
                    "unit": "KG",
                    "phone": p.phone_at(when.date()),
                },
            )

    def stops(self) -> None:
        rng, world = self.rng, self.world
        mx_drivers = [p for p in world.persons.values() if p.vehicles and p.country == "MX"]
        us_drivers = [
            p
            for p in world.persons.values()
            if p.vehicles
            and p.country == "US"
            and (US_CITIES[p.city].state == "TX" or rng.random() < 0.5)
        ]
        self._stops(
            "gn_stop",
            mx_drivers,
            1400,
            lambda: {
                "passengers": rng.choice((0, 0, 1, 1, 2, 3)),
                "result": rng.choice(("SIN NOVEDAD",) * 8 + ("INFRACCION",)),
            },
        )
        self._stops(
            "us_stop",
            us_drivers,
            1800,
            lambda: {
                "occupants": rng.choice((1, 1, 1, 2, 2, 3, 4)),
                "outcome": rng.choice(
                    ("WARNING", "WARNING", "CITATION", "CITATION", "CITATION", "ARREST")
                ),
            },
        )

    def _stops(
        self, kind: str, drivers: list[Person], base: int, details: Callable[[], dict[str, Any]]
    ) -> None:
        """Ordinary roadside stops of car owners (``details`` draws the outcome columns)."""
        rng = self.rng
        for _ in range(self.n(base)):
            if not drivers:
                break
            p = rng.choice(drivers)
            when = _when(rng, 0, 24)
            extra = {**details(), "phone": p.phone_at(when.date())}
            self.world.fact(kind, when, a=p.id, vehicle=p.vehicles[0], place=p.city, extra=extra)

    def migrants(self) -> None:
        """Independent migrants: INM detentions in the south, Border Patrol at the border."""
        rng, world, pop = self.rng, self.world, self.pop
        for _ in range(self.n(380)):
            nat = rng.choice(("GT", "GT", "HN", "HN", "SV", "MX"))
            p = pop.pick_young(nat)
            when = _when(rng, 0, 24)
            if nat != "MX":
                world.fact(
                    "inm_detention",
                    when,
                    a=p.id,
                    place=rng.choice(
                        (
                            "Tapachula",
                            "Tenosique",
                            "Villahermosa",
                            "Coatzacoalcos",
                            "Puebla",
                            "Monterrey",
                        )
                    ),
                    extra={"phone": p.phone_at(when.date())},
                )
                if rng.random() < 0.6 and nat == "GT":
                    later = when + days(rng.randrange(10, 40))
                    if later.date() < WORLD_END:
                        world.fact(
                            "gt_record",
                            later,
                            a=p.id,
                            place="Ciudad de Guatemala",
                            extra={"motivo": "RETORNADO", "phone": p.phone_at(later.date())},
                        )
            if rng.random() < 0.6 or nat == "MX":  # tried again, reached the border
                later = when + days(rng.randrange(20, 90))
                if later.date() > WORLD_END:
                    continue
                route_us = rng.choice(US_BORDER)
                pop.b.give_a_number(p, later.date())
                sector = {
                    "McAllen": "Rio Grande Valley",
                    "Brownsville": "Rio Grande Valley",
                    "Laredo": "Laredo",
                    "El Paso": "El Paso",
                    "Nogales": "Tucson",
                    "San Diego": "San Diego",
                }[route_us]
                world.fact(
                    "apprehension",
                    later,
                    a=p.id,
                    place=route_us,
                    extra={"sector": sector, "phone": p.phone_at(later.date())},
                )
                if rng.random() < 0.15:  # caught again weeks later: same A-Number
                    again = later + days(rng.randrange(15, 120))
                    if again.date() < WORLD_END:
                        world.fact(
                            "apprehension",
                            again,
                            a=p.id,
                            place=route_us,
                            extra={"sector": sector, "phone": p.phone_at(again.date())},
                        )
        gt_people = [
            p for p in world.persons.values() if p.country == "GT" and p.age_on(WORLD_START) >= 18
        ]
        for _ in range(self.n(160)):
            p = rng.choice(gt_people)
            when = _when(rng, 7, 20)
            world.fact(
                "gt_record",
                when,
                a=p.id,
                place=p.city,
                extra={
                    "motivo": rng.choice(
                        ("FALTA JUDICIAL", "RIÑA", "HURTO", "CONDUCIR EBRIO", "DENUNCIA")
                    ),
                    "phone": p.phone_at(when.date()),
                },
            )

    def crime(self) -> None:
        rng, world = self.rng, self.world
        us_people = [
            p
            for p in world.persons.values()
            if p.country == "US" and 18 <= p.age_on(WORLD_START) <= 65
        ]
        mx_people = [
            p
            for p in world.persons.values()
            if p.country == "MX" and 18 <= p.age_on(WORLD_START) <= 65
        ]
        for _ in range(self.n(520)):
            p = rng.choice(us_people)
            when = _when(rng, 0, 24)
            world.fact(
                "arrest",
                when,
                a=p.id,
                place=p.city,
                extra={
                    "charge": rng.choice(US_CHARGES),
                    "phone": p.phone_at(when.date()),
                    "alias": rng.random() < 0.05,
                },
            )
        for _ in range(self.n(300)):
            p = rng.choice(mx_people)
            victim = rng.choice(mx_people) if rng.random() < 0.6 else None
            when = _when(rng, 0, 24)
            people = [(p.id, "IMPUTADO", p.phone_at(when.date()), rng.random() < 0.15)]
            if victim and victim.id != p.id:
                people.append((victim.id, "VICTIMA", victim.phone_at(when.date()), False))
            city = p.city
            world.fact(
                "carpeta",
                when,
                place=city,
                vehicle=p.vehicles[0] if p.vehicles and rng.random() < 0.2 else None,
                extra={
                    "carpeta": f"FED/{city[:3].upper()}/{rng.randrange(1000, 9999)}/{when.year}",
                    "delito": rng.choice(MX_CRIMES),
                    "people": people,
                    "imputado": p.id,
                },
            )

    def housing(self) -> None:
        """US leases and Mexican hotel stays (travellers, workers, families)."""
        rng, world, b = self.rng, self.world, self.pop.b
        us_adults = [
            p for p in world.persons.values() if p.country == "US" and p.age_on(WORLD_START) >= 20
        ]
        for _ in range(self.n(650)):
            p = rng.choice(us_adults)
            home = world.addresses.get(p.home or "")
            if home is None or home.country != "US":
                home = b.address("US", p.city)
            world.fact(
                "lease",
                _when(rng, 9, 18),
                a=p.id,
                place=home.id,
                amount=float(rng.randrange(650, 2400, 25)),
                currency="USD",
                extra={"months": rng.choice((6, 12, 12, 24))},
            )
        hotels = []
        for city in (
            "Tapachula",
            "Ciudad Hidalgo",
            "Tenosique",
            "Reynosa",
            "Nuevo Laredo",
            "Ciudad Juárez",
            "Tijuana",
            "Monterrey",
            "Coatzacoalcos",
            "Puebla",
        ):
            for _ in range(2):
                hotels.append(b.organization(rng.choice(HOTEL_NAMES), "MX", "hotel", city=city))
        travellers = [
            p
            for p in world.persons.values()
            if p.age_on(WORLD_START) >= 18 and p.country in ("MX", "US", "GT")
        ]
        for _ in range(self.n(240)):
            p = rng.choice(travellers)
            when = _when(rng, 12, 23)
            world.fact(
                "lodging",
                when,
                a=p.id,
                place=rng.choice(hotels).id,
                extra={
                    "nights": rng.randint(1, 4),
                    "guests": rng.choice((1, 1, 2, 3)),
                    "phone": p.phone_at(when.date()),
                    "vehicle": p.vehicles[0] if p.vehicles and rng.random() < 0.3 else None,
                },
            )

    def work(self) -> None:
        """Legitimate H-2A workers through registered agencies (no fees)."""
        rng, world, pop, b = self.rng, self.world, self.pop, self.pop.b
        agencies = [
            b.organization(
                n,
                "MX",
                "recruitment",
                city=rng.choice(("Monterrey", "San Luis Potosí", "Morelia")),
                registered_recruiter=True,
            )
            for n in LEGIT_AGENCIES
        ]
        farms = [
            b.organization(
                n,
                "US",
                "agriculture",
                city=rng.choice(("Raleigh", "Charlotte", "Atlanta", "Salisbury")),
            )
            for n in FARMS
        ]
        for _ in range(self.n(220)):
            p = pop.pick_young("MX")
            b.ensure_passport(p)
            world.fact(
                "employment",
                _when(rng, 8, 17),
                a=p.id,
                b=rng.choice(farms).id,
                extra={
                    "agency": rng.choice(agencies).id,
                    "fee": 0,
                    "currency": "USD",
                    "visa": "H-2A",
                },
            )
