"""Labour-trafficking network fed by a fraudulent recruiter (domain.md §6).

An unregistered agency charges workers illegal fees for US farm jobs; part of the workers travel
with H-2A visas, part are handed to a smuggling network whose coordinator the recruiter calls.
In the US the workers live in company housing and repay a debt to the recruiter.
"""

from __future__ import annotations

import datetime as dt

from eslabon.synth.model import WORLD_END, Network, Person
from eslabon.synth.networks import NetworkKit, at, days
from eslabon.synth.places import MX_BORDER, PORT_BY_MX
from eslabon.synth.smuggling import SmugglingBuilder

AGENCY_NAMES = (
    "Servicios Agrícolas Internacionales del Bajío",
    "Reclutamiento Laboral del Norte",
    "Agencia de Empleo Temporal Horizonte",
    "Colocaciones Agrícolas Unidas",
    "Trabajo Seguro Internacional",
    "Enlace Laboral México-USA",
)
EMPLOYERS = (
    "Green Valley Produce LLC",
    "Carolina Sweet Harvest Inc",
    "Blue Ridge Orchards LLC",
    "Delmarva Seafood Processing Inc",
    "Sunbelt Growers LLC",
    "Tidewater Crab Co",
)
LABOUR_CITIES = ("Raleigh", "Charlotte", "Salisbury", "Atlanta")


class LabourBuilder(NetworkKit):
    def build(self, start: dt.date, smugglers: SmugglingBuilder | None, n_victims: int) -> Network:
        rng, world, net = self.rng, self.world, self.net
        b = self.pop.b
        home = rng.choice(("Irapuato", "Zacatecas", "Morelia", "San Luis Potosí"))
        self.recruiter = f = self.member(
            "fraudulent_recruiter", home, segment="core", sex="M", alias_p=0.5
        )
        origin = rng.sample(["Oaxaca", "Tlapa", "Chilpancingo", "Juchitán", "Puebla"], 2)
        helpers = [self.member("recruiter", c, segment="origin", alias_p=0.6) for c in origin]
        border = smugglers.route.border_mx if smugglers else rng.choice(MX_BORDER)
        driver = self.member("driver", border, segment="transport", sex="M", alias_p=0.4)
        work_city = rng.choice(LABOUR_CITIES)
        housing = self.member("stash_keeper", work_city, segment="us")
        collector = self.member("money_collector", work_city, segment="money")
        end = min(WORLD_END - days(30), start + days(rng.randrange(360, 540)))
        for p, mean in ((f, 120), (driver, 120), (housing, 200), (collector, 150)):
            self.burners(p, start - days(20), end + days(60), mean_days=mean)
        agency = b.organization(
            rng.choice(AGENCY_NAMES),
            "MX",
            "recruitment",
            city=home,
            registered_recruiter=False,
            owner=f,
        )
        employer = b.organization(rng.choice(EMPLOYERS), "US", "agriculture", city=work_city)
        net.organizations += [agency.id, employer.id]
        if not f.accounts:
            b.account(f, "MX")
        van = b.vehicle(driver, "MX", border, kind="van", since=2010)
        net.vehicles.append(van.id)
        camp = b.address("US", work_city)
        net.stash_houses.append(camp.id)
        world.fact(
            "lease",
            at(rng, start - days(15), 10, 17),
            a=housing.id,
            place=camp.id,
            amount=float(rng.randrange(1400, 2600, 100)),
            currency="USD",
            network=net.id,
            extra={"months": 12, "landlord": employer.name},
        )
        if smugglers:  # the recruiter brokers with a smuggling coordinator
            co = smugglers.coordinator
            for _ in range(rng.randint(6, 14)):
                when = at(rng, start + days(rng.randrange((end - start).days)), 8, 22)
                ev = self.step(
                    "call",
                    when,
                    f"fraudulent recruiter {f.id} calls smuggling coordinator",
                    {"recruiter": f.id, "coordinator": co.id},
                )
                world.call(
                    when,
                    self.bphone(f, when),
                    smugglers.bphone(co, when),
                    rng.randrange(30, 500),
                    ev.id,
                )
        victims: list[Person] = []
        span = (end - start).days
        for i in range(n_victims):
            town = rng.choice(origin)
            v = self.pop.pick_young("MX", city=town)
            victims.append(v)
            world.role(v.id, net.id, "victim")
            day = start + days(rng.randrange(0, max(1, span // 2)))
            helper = helpers[origin.index(town)] if v.city == town else rng.choice(helpers)
            fee = rng.randrange(18000, 45000, 1000)
            chain = f"{net.id}-V{i + 1:02d}"
            ev = self.step(
                "recruitment",
                at(rng, day, 9, 19),
                f"{v.id} recruited for US farm work, fee {fee} MXN",
                {"recruiter": helper.id, "victim": v.id, "agency": agency.id},
                chain=chain,
                data={"fee_mxn": fee},
            )
            self.personal_call(ev.when - dt.timedelta(hours=5), helper, v, ev.id)
            self.calls(ev.when + dt.timedelta(hours=6), [(helper, f)], ev.id, n=(1, 2))
            payer = self._family_payer(v)
            pay_day = day + days(rng.randrange(2, 12))
            self.paid_step(
                "deposit",
                at(rng, pay_day, 9, 18),
                payer,
                f,
                fee / 19.5,
                f"recruitment fee for {v.id} deposited to {f.id}",
                chain=chain,
                method="DEPOSITO A CUENTA",
            )
            travel = pay_day + days(rng.randrange(10, 40))
            smuggled = smugglers is not None and rng.random() < 0.35
            if smuggled:
                arrival = self._smuggled(v, travel, smugglers, chain)
                world.role(v.id, smugglers.net.id, "migrant")
            else:
                self.pop.b.ensure_passport(v)
                arrival = self._h2a_trip(v, travel, driver, van, border, chain)
            if arrival.date() > WORLD_END - days(5):
                continue
            world.fact(
                "employment",
                arrival + dt.timedelta(days=2),
                a=v.id,
                b=employer.id,
                network=net.id,
                extra={
                    "agency": agency.id,
                    "fee": fee,
                    "currency": "MXN",
                    "visa": "NONE" if smuggled else "H-2A",
                },
            )
            v.country, v.city = "US", work_city
            v.home = camp.id
            v.drop_phones_after(arrival.date())
            b.phone(v, arrival.date() + days(1), WORLD_END, country="US", city=work_city)
            # debt repayments to the recruiter and the collector
            for k in range(rng.randint(2, 6)):
                when = at(rng, arrival.date() + days(20 + 28 * k + rng.randrange(5)), 17, 21)
                if when.date() > WORLD_END:
                    break
                to = f if rng.random() < 0.6 else collector
                dev = self.paid_step(
                    "payment",
                    when,
                    v,
                    to,
                    rng.uniform(150, 450),
                    f"{v.id} repays recruitment debt",
                    chain=chain,
                )
                if rng.random() < 0.5:
                    self.calls(when, [(collector, v)], dev.id, n=(1, 1))
        self._incident(f, agency, victims, end)
        return net

    def _family_payer(self, v: Person) -> Person:
        hh = self.world.households[v.household] if v.household >= 0 else []
        adults = [
            self.world.persons[x]
            for x in hh
            if x != v.id
            and self.world.persons[x].country == "MX"
            and self.world.persons[x].age_on(WORLD_END) >= 30
        ]
        return adults[0] if adults else v

    def _h2a_trip(
        self, v: Person, day: dt.date, driver: Person, van, border: str, chain: str
    ) -> dt.datetime:
        rng = self.rng
        when = at(rng, day, 5, 12)
        ev = self.step(
            "border_crossing",
            when,
            f"{v.id} crosses with an H-2A visa, driven by {driver.id}",
            {"driver": driver.id, "victim": v.id},
            chain=chain,
        )
        self.calls(when, [(driver, self.recruiter)], ev.id, n=(1, 2))
        port = PORT_BY_MX.get(border)
        if port and rng.random() < 0.5:
            self.record(
                "poe_crossing",
                when,
                ev,
                a=driver.id,
                vehicle=van.id,
                place=port.name,
                extra={"doc": "passport"},
            )
        return when + dt.timedelta(hours=rng.randrange(20, 60))

    def _smuggled(self, v: Person, day: dt.date, s: SmugglingBuilder, chain: str) -> dt.datetime:
        """Hand-off to the smuggling network: its guide, its US driver, its US stash house."""
        rng, world = self.rng, self.world
        cross = at(rng, day, 1, 5)
        guide = rng.choice(s.border_guides)
        ev = self.step(
            "border_crossing",
            cross,
            f"{v.id} crossed by smuggling guide {guide.id}",
            {"guide": guide.id, "victim": v.id, "recruiter": self.recruiter.id},
            chain=chain,
        )
        world.call(
            cross - dt.timedelta(hours=rng.randrange(3, 20)),
            self.bphone(self.recruiter, cross),
            s.bphone(s.coordinator, cross),
            rng.randrange(30, 300),
            ev.id,
        )
        s.calls(cross, [(s.coordinator, guide)], ev.id)
        udriver = rng.choice(s.us_drivers)
        stay = cross + dt.timedelta(hours=rng.randrange(3, 8))
        sev = self.step(
            "stash_stay",
            stay,
            f"{v.id} held at US stash house {s.us_house.id}",
            {"stash_keeper": s.us_stash.id, "driver": udriver.id},
            chain=chain,
            network=s.net.id,
        )
        s.calls(stay, [(udriver, s.us_stash)], sev.id)
        pay = at(rng, stay.date() + days(rng.randrange(1, 4)), 9, 18)
        self.paid_step(
            "payment",
            pay,
            self.recruiter,
            s.collectors[0],
            rng.uniform(2500, 4000),
            f"recruiter {self.recruiter.id} pays smugglers for {v.id}",
            chain=chain,
        )
        return stay + dt.timedelta(days=rng.randrange(2, 6))

    def _incident(self, f: Person, agency, victims: list[Person], end: dt.date) -> None:
        """A worker who escaped files a complaint naming the recruiter and the agency."""
        rng, net = self.rng, self.net
        when = at(rng, min(end, WORLD_END - days(10)) - days(rng.randrange(0, 40)), 9, 17)
        ev = self.step(
            "incident",
            when,
            f"complaint for labour trafficking against {f.id} ({agency.name})",
            {"recruiter": f.id, "victims": [v.id for v in victims[:3]]},
        )
        net.incident = ev.id
        phone = self.bphone(f, when)
        people = [(f.id, "IMPUTADO", phone, True)]
        people += [(v.id, "VICTIMA", v.phone_at(when.date()), False) for v in victims[:3]]
        fact = self.record(
            "carpeta",
            when,
            ev,
            place=f.city,
            extra={
                "carpeta": self.carpeta_no("GTO", when),
                "delito": "TRATA DE PERSONAS (TRABAJOS FORZADOS)",
                "people": people,
                "imputado": f.id,
                "agency": agency.id,
                "protect": True,
                "recorded": {},
            },
        )
        seeds = [(f.id, "Person", "name", "fraudulent recruiter named in a complaint")]
        self.mark_seeds(
            fact, "fgr_carpetas", seeds, phone, "recruiter's phone given by the complainant"
        )
