"""Fentanyl networks: precursor importer, lab, couriers through ports of entry, distributors,
launderer. Same segmented shape as smuggling; the seizures are the events that get recorded.
"""

from __future__ import annotations

import datetime as dt

from eslabon.synth.model import WORLD_END, Network, Person
from eslabon.synth.networks import NetworkKit, at, border_doc, days
from eslabon.synth.places import PORTS

FRONT_COMPANIES = (
    "Química Industrial del Pacífico",
    "Insumos Químicos Culiacán",
    "Distribuidora de Solventes del Noroeste",
    "Farmoquímica Sinaloense",
    "Reactivos y Derivados Mazatlán",
)
CAR_LOTS = (
    "Border Auto Sales LLC",
    "Los Primos Used Cars LLC",
    "Premier Motors of Phoenix LLC",
    "Valley Auto Exchange LLC",
)


class DrugsBuilder(NetworkKit):
    def build(self, start: dt.date, n_shipments: int) -> Network:
        rng, world, net = self.rng, self.world, self.net
        b = self.pop.b
        port = rng.choice(
            [p for p in PORTS if p.mx_city in ("Tijuana", "Nogales", "Ciudad Juárez")]
        )
        self.port = port
        hub = rng.choice(("Culiacán", "Guadalajara"))
        m = self.member
        co = m("coordinator", hub, segment="core", sex="M", alias_p=0.95)
        importer = m("importer", hub, segment="supply", sex="M", alias_p=0.3)
        labs = [m("lab_operator", "Culiacán", segment="supply", sex="M") for _ in range(2)]
        couriers = [
            m("courier", port.mx_city, segment="transport", alias_p=0.3, max_age=45)
            for _ in range(rng.randint(2, 3))
        ]
        couriers += [
            m("courier", port.us_city, segment="transport", alias_p=0.2, max_age=45, country="US")
            for _ in range(2)
        ]
        dist_cities = rng.sample(["Los Angeles", "Phoenix", "Chicago", "Dallas", "Atlanta"], 3)
        distributors = [
            m("distributor", c, segment="distribution", alias_p=0.7) for c in dist_cities
        ]
        launderer = m("launderer", rng.choice(dist_cities), segment="money", alias_p=0.4)
        end = min(WORLD_END - days(15), start + days(rng.randrange(400, 600)))
        for p, mean in (
            [(co, 50), (importer, 150)]
            + [(x, 90) for x in labs]
            + [(x, 100) for x in couriers]
            + [(x, 80) for x in distributors]
            + [(launderer, 160)]
        ):
            self.burners(p, start - days(30), end + days(20), mean_days=mean)
        company = b.organization(
            rng.choice(FRONT_COMPANIES), "MX", "chemicals", city=hub, owner=importer
        )
        lot = b.organization(
            rng.choice(CAR_LOTS), "US", "used cars", city=launderer.city, owner=launderer
        )
        net.organizations += [company.id, lot.id]
        for p in (co, importer, launderer):
            if not p.accounts:
                b.account(p, p.country)
        for c in couriers:
            if not c.vehicles:
                v = b.vehicle(c, c.country, c.city, since=2012)
                net.vehicles.append(v.id)
            else:
                net.vehicles.append(c.vehicles[0])
        lab_site = b.address("MX", "Culiacán")
        net.stash_houses.append(lab_site.id)
        # relatives of the coordinator receive the laundered money
        fronts = (
            [self.world.persons[x] for x in self.world.households[co.household] if x != co.id][:2]
            if co.household >= 0
            else []
        )
        receivers = [co, importer, *fronts]
        span = (end - start).days
        incident_at = rng.randrange(max(1, n_shipments // 3), max(2, 2 * n_shipments // 3 + 1))
        for s in range(n_shipments):
            chain = f"{net.id}-S{s + 1:02d}"
            day = start + days(int(span * (s + rng.uniform(0.1, 0.8)) / n_shipments))
            # precursors and production
            imp = self.step(
                "import",
                at(rng, day - days(rng.randrange(20, 40)), 8, 18),
                f"precursor shipment via {company.name}",
                {"importer": importer.id},
                chain=chain,
            )
            self.calls(imp.when, [(importer, co)], imp.id)
            lab = rng.choice(labs)
            prod = self.step(
                "production",
                at(rng, day - days(rng.randrange(5, 15)), 8, 22),
                f"lab {lab.id} presses pills",
                {"lab_operator": lab.id},
                chain=chain,
            )
            self.calls(prod.when, [(lab, co), (lab, importer)], prod.id)
            courier = rng.choice(couriers)
            cross = at(rng, day, 6, 20)
            incident = s == incident_at
            if incident:
                courier = couriers[0]
            vehicle = courier.vehicles[0]
            ev = self.step(
                "incident" if incident else "poe_crossing",
                cross,
                f"courier {courier.id} crosses at {port.name}"
                + (" and is arrested with fentanyl" if incident else ""),
                {"courier": courier.id},
                chain=chain,
                data={"vehicle": vehicle},
            )
            self.calls(cross, [(co, courier)], ev.id, before_h=12)
            if incident:
                self._seizure(ev, courier, vehicle, cross)
                continue
            self.record(
                "poe_crossing",
                cross,
                ev,
                a=courier.id,
                vehicle=vehicle,
                place=port.name,
                extra={"doc": border_doc(courier)},
            )
            dist = rng.choice(distributors)
            dl = cross + dt.timedelta(hours=rng.randrange(4, 30))
            dev = self.step(
                "delivery",
                dl,
                f"load delivered to {dist.id}",
                {"courier": courier.id, "distributor": dist.id},
                chain=chain,
            )
            self.calls(dl, [(courier, dist), (dist, co)], dev.id)
            # money: distributor → launderer (cash), launderer → Mexico in small transfers
            pay_day = dl.date() + days(rng.randrange(5, 15))
            if pay_day > WORLD_END:
                continue
            lev = self.step(
                "laundering",
                at(rng, pay_day, 10, 18),
                f"{dist.id} hands cash to launderer {launderer.id}",
                {"distributor": dist.id, "launderer": launderer.id},
                chain=chain,
            )
            self.calls(lev.when, [(dist, launderer)], lev.id)
            self.transfers(
                launderer,
                receivers,
                rng.uniform(6000, 15000),
                pay_day,
                10,
                "payment",
                chain,
                max_each=2900,
                description=f"laundered proceeds of {chain}",
            )
        # couriers also cross for ordinary reasons (noise around the loads)
        for c in couriers:
            for _ in range(rng.randint(6, 20)):
                when = at(rng, start + days(rng.randrange(span)), 6, 22)
                if c.id == couriers[0].id and net.incident:
                    inc = next(e for e in reversed(world.events) if e.id == net.incident)
                    if when >= inc.when:
                        continue
                world.fact(
                    "poe_crossing",
                    when,
                    a=c.id,
                    vehicle=c.vehicles[0],
                    place=port.name,
                    extra={"doc": border_doc(c)},
                )
        return net

    def _seizure(self, ev, courier: Person, vehicle: str, when: dt.datetime) -> None:
        rng, net = self.rng, self.net
        net.incident = ev.id
        qty = round(rng.uniform(1.5, 9.0), 2)
        phone = self.bphone(courier, when)
        self.record(
            "poe_crossing",
            when,
            ev,
            a=courier.id,
            vehicle=vehicle,
            place=self.port.name,
            extra={
                "doc": "passport" if courier.passport else "bcc",
                "secondary": True,
                "result": "SEIZURE",
            },
        )
        seizure = self.record(
            "seizure",
            when + dt.timedelta(minutes=rng.randrange(30, 120)),
            ev,
            a=courier.id,
            vehicle=vehicle,
            place=self.port.name,
            extra={
                "drug": "FENTANYL",
                "quantity": qty,
                "unit": "KG",
                "protect": True,
                "recorded": {},
                "phone": phone,
            },
        )
        self.record(
            "arrest",
            when + dt.timedelta(hours=2),
            ev,
            a=courier.id,
            place=self.port.us_city,
            extra={
                "charge": "POSS W/INTENT TO DISTRIBUTE FENTANYL",
                "agency": "HSI",
                "phone": phone,
                "alias": True,
            },
        )
        self.retire(courier, when.date())
        seeds = [
            (courier.id, "Person", "name", "courier arrested at the port of entry with fentanyl"),
            (vehicle, "Vehicle", "plate", "plate of the courier's car"),
        ]
        self.mark_seeds(seizure, "cbp_seizures", seeds, phone, "phone seized from the courier")
