"""Human-smuggling networks: a segmented chain from origin towns to a US stash house.

Segments (origin, transit, border, US side, money) are small groups; the coordinator brokers
between them and rarely touches migrants. People move forward along the route, money flows
backward (US relatives → collectors, in small structured transfers), calls cluster before each
pick-up and crossing. One trip per network ends in an incident that seeds the tracer.
"""

from __future__ import annotations

import datetime as dt

from eslabon.synth.model import WORLD_END, Event, Network, Person
from eslabon.synth.networks import NetworkKit, at, days
from eslabon.synth.places import CA_TOWNS, MX_ORIGIN, PORT_BY_MX, Route

HOTELS = (
    "Hotel Posada del Sol",
    "Hotel Fronterizo",
    "Hotel San Carlos",
    "Hotel Plaza Real",
    "Hotel Las Américas",
    "Hotel Del Río",
    "Hotel Casa Blanca",
    "Hotel El Viajero",
)


class SmugglingBuilder(NetworkKit):
    """Builds one smuggling network and all its trips."""

    route: Route

    def build(self, route: Route, start: dt.date, n_trips: int, incident_kind: str) -> Network:
        rng = self.rng
        net = self.net
        net.route = route
        self.route = route
        self.fees: dict[str, int] = {}
        end = min(WORLD_END - days(20), start + days(rng.randrange(420, 640)))
        self.start, self.end = start, end
        if route.origin_country == "MX":
            origin_towns = [route.south_crossing, rng.choice(MX_ORIGIN)]
        else:
            towns = [t.name for t in CA_TOWNS if t.country == route.origin_country]
            origin_towns = rng.sample(towns, min(2, len(towns)))
        self.origin_towns = origin_towns
        m = self.member
        self.coordinator = m("coordinator", route.border_mx, segment="core", sex="M", alias_p=0.95)
        self.recruiters = [m("recruiter", t, segment="origin") for t in origin_towns]
        self.south_guides = [
            m(
                "guide",
                route.south_crossing if route.origin_country != "MX" else origin_towns[0],
                segment="origin",
                sex="M",
            )
        ]
        self.mx_drivers = [
            m("driver", route.transit, segment="transit", sex="M", alias_p=0.5, max_age=45)
            for _ in range(rng.randint(2, 3))
        ]
        self.forger = m("forger", route.transit, segment="transit", alias_p=0.9)
        self.mx_stash = m("stash_keeper", route.border_mx, segment="border")
        self.border_guides = [
            m("guide", route.border_mx, segment="border", sex="M", max_age=40) for _ in range(2)
        ]
        self.lookouts = [
            m("lookout", route.border_mx, segment="border", max_age=35, alias_p=0.8)
            for _ in range(rng.randint(2, 3))
        ]
        self.us_drivers = [
            m("driver", route.border_us, segment="us", alias_p=0.4, max_age=45, country="US")
            for _ in range(2)
        ]
        self.us_stash = m("stash_keeper", route.border_us, segment="us", country="US")
        self.collectors = [
            m("money_collector", route.border_mx, segment="money"),
            m("money_collector", route.destination_us, segment="money", country="US"),
        ]
        if rng.random() < 0.6:
            self.collectors.append(
                m("money_collector", route.border_us, segment="money", country="US")
            )
        # burners: brokers change most often; everyone on the route uses prepaid lines
        for role, mean in (
            ("coordinator", 60),
            ("guide", 80),
            ("lookout", 70),
            ("driver", 110),
            ("stash_keeper", 120),
            ("money_collector", 90),
            ("forger", 150),
        ):
            for pid in net.members.get(role, []):
                p = self.world.persons[pid]
                self.burners(p, start - days(30), end + days(15), mean_days=mean)
        # vehicles and houses
        b = self.pop.b
        self.mx_vans = [
            b.vehicle(d, "MX", route.transit, kind="van", since=2008) for d in self.mx_drivers[:2]
        ]
        self.us_cars = [b.vehicle(d, "US", route.border_us, since=2010) for d in self.us_drivers]
        for v in self.mx_vans + self.us_cars:
            net.vehicles.append(v.id)
        self.mx_house = b.address("MX", route.border_mx)
        self.us_house = b.address("US", route.border_us)
        net.stash_houses += [self.mx_house.id, self.us_house.id]
        self.world.fact(
            "lease",
            at(rng, start - days(rng.randrange(10, 40)), 10, 18),
            a=self.us_stash.id,
            place=self.us_house.id,
            amount=float(rng.randrange(900, 1800, 50)),
            currency="USD",
            network=net.id,
            extra={"months": 12},
        )
        for c in [*self.collectors, self.coordinator]:
            if not c.accounts:
                b.account(c, c.country)
        if not self.coordinator.vehicles:
            b.vehicle(self.coordinator, "MX", route.border_mx, since=2018)
        hotel_city = route.south_crossing
        self.hotel = b.organization(rng.choice(HOTELS), "MX", "hotel", city=hotel_city)
        net.organizations.append(self.hotel.id)
        # trips
        span = (end - start).days
        incident_trip = rng.randrange(max(1, n_trips // 3), max(2, 2 * n_trips // 3 + 1))
        for t in range(n_trips):
            t0 = start + days(int(span * (t + rng.uniform(0.1, 0.8)) / n_trips))
            self.trip(t, t0, incident_kind if t == incident_trip else None)
        self.side_records()
        return net

    # -- one trip --------------------------------------------------------------------------------
    def trip(self, t: int, t0: dt.date, incident: str | None) -> None:
        rng, world, net, route = self.rng, self.world, self.net, self.route
        chain = f"{net.id}-T{t + 1:02d}"
        co = self.coordinator
        n = rng.randint(4, 11) if incident else rng.randint(3, 9)
        migrants: list[Person] = []
        for _ in range(n):
            town = rng.choice(self.origin_towns)
            mig = self.pop.pick_young(route.origin_country, city=town)
            migrants.append(mig)
            world.role(mig.id, net.id, "migrant")
        recruiter = rng.choice(self.recruiters)
        self._recruit(migrants, recruiter, t0, chain)
        guide = rng.choice(self.south_guides)
        # departure and lodging near the southern border
        dep_when = at(rng, t0, 4, 8)
        group = [x.id for x in migrants]
        ev = self.step(
            "departure",
            dep_when,
            f"group leaves with guide {guide.id}",
            {"guide": guide.id, "migrants": group},
            chain=chain,
        )
        self.calls(dep_when, [(guide, recruiter), (guide, co)], ev.id)
        lodge_day = t0 + days(rng.randrange(0, 2))
        self._lodge(guide, migrants, lodge_day, chain)
        # INM catches some on the way
        travelling = []
        for mig in migrants:
            if rng.random() < 0.08 and incident != "gn_stop":
                when = at(rng, lodge_day + days(rng.randrange(1, 3)), 6, 22)
                ev = self.step(
                    "detention", when, f"INM detains {mig.id}", {"migrant": mig.id}, chain=chain
                )
                self._inm(mig, when, route.south_crossing, ev)
                self.deport(mig, when.date(), chain)
            else:
                travelling.append(mig)
        migrants = travelling
        if not migrants:
            return
        # pick-up by a Mexican driver, transport north
        driver = rng.choice(self.mx_drivers)
        van = self.mx_vans[self.mx_drivers.index(driver) % len(self.mx_vans)]
        pick = at(rng, lodge_day + days(rng.randrange(1, 3)), 0, 5)
        ev = self.step(
            "pickup",
            pick,
            f"driver {driver.id} picks up group",
            {"driver": driver.id, "guide": guide.id},
            chain=chain,
            data={"vehicle": van.id},
        )
        self.calls(pick, [(co, driver), (driver, guide), (co, guide)], ev.id)
        if incident == "gn_stop":
            self.gn_incident(pick, driver, van, migrants, chain)
            return
        if rng.random() < 0.3:
            when = pick + dt.timedelta(hours=rng.randrange(3, 14))
            ev = self.step(
                "stop", when, "checkpoint stop, waved through", {"driver": driver.id}, chain=chain
            )
            self.record(
                "gn_stop",
                when,
                ev,
                a=driver.id,
                vehicle=van.id,
                place=route.transit,
                extra={
                    "passengers": len(migrants),
                    "result": "SIN NOVEDAD",
                    "phone": self.bphone(driver, when),
                },
            )
        # stash house on the Mexican side of the border
        arrive = pick + days(rng.randrange(1, 3))
        ev = self.step(
            "stash_stay",
            arrive,
            f"group held at stash house {self.mx_house.id}",
            {"stash_keeper": self.mx_stash.id, "driver": driver.id},
            chain=chain,
            data={"address": self.mx_house.id},
        )
        self.calls(arrive, [(driver, self.mx_stash), (co, self.mx_stash)], ev.id)
        if rng.random() < 0.35:
            doc_when = arrive + dt.timedelta(hours=rng.randrange(10, 40))
            forger = self.forger
            ev = self.step(
                "documents",
                doc_when,
                f"forger {forger.id} delivers documents",
                {"forger": forger.id},
                chain=chain,
            )
            self.calls(doc_when, [(co, forger), (forger, self.mx_stash)], ev.id)
        # the river crossing
        cross = at(rng, arrive.date() + days(rng.randrange(3, 11)), 1, 5)
        bguide = rng.choice(self.border_guides)
        crossed = self._cross(cross, bguide, migrants, incident, chain)
        if not crossed:
            return
        self._us_side(cross, bguide, crossed, incident, chain)

    def _recruit(self, migrants: list[Person], recruiter: Person, t0: dt.date, chain: str) -> None:
        """Each migrant is recruited (fee agreed); some relatives advance a quarter of it."""
        rng, route = self.rng, self.route
        for mig in migrants:
            day = t0 - days(rng.randrange(6, 45))
            when = at(rng, day, 9, 20)
            fee = (
                rng.randrange(6000, 12000, 500)
                if route.origin_country != "MX"
                else rng.randrange(3500, 8000, 500)
            )
            ev = self.step(
                "recruitment",
                when,
                f"{recruiter.id} recruits {mig.id}, fee {fee} USD",
                {"recruiter": recruiter.id, "migrant": mig.id},
                chain=chain,
                data={"fee_usd": fee},
            )
            self.personal_call(
                when - dt.timedelta(hours=rng.randrange(2, 48)), recruiter, mig, ev.id
            )
            self.fees[mig.id] = fee
            rel = self.pop.us_relative(mig, route.destination_us)
            if rng.random() < 0.45:
                dep_day = day + days(rng.randrange(1, 5))
                dep = self.paid_step(
                    "deposit",
                    at(rng, dep_day, 9, 19),
                    rel,
                    recruiter,
                    fee * 0.25,
                    f"advance for {mig.id} to recruiter",
                    chain=chain,
                )
                self.personal_call(dep.when - dt.timedelta(hours=3), rel, recruiter, dep.id)

    def _lodge(self, guide: Person, migrants: list[Person], day: dt.date, chain: str) -> None:
        """The group sleeps at the network's hotel; the guide and some migrants sign the book."""
        rng = self.rng
        ev = self.step(
            "lodging",
            at(rng, day, 18, 23),
            f"group lodged at {self.hotel.name}",
            {"guide": guide.id},
            chain=chain,
        )
        if rng.random() < 0.7:
            self.record(
                "lodging",
                ev.when,
                ev,
                a=guide.id,
                place=self.hotel.id,
                extra={
                    "nights": rng.randint(1, 3),
                    "guests": len(migrants),
                    "phone": self.bphone(guide, ev.when),
                },
            )
        for mig in migrants:
            if rng.random() < 0.25:
                doc = self.forged_document(mig, ev.when.date())
                self.record(
                    "lodging",
                    ev.when + dt.timedelta(minutes=rng.randrange(5, 90)),
                    ev,
                    a=mig.id,
                    place=self.hotel.id,
                    extra={
                        "nights": rng.randint(1, 2),
                        "guests": 1,
                        "doc": doc,
                        "phone": mig.phone_at(ev.when.date()),
                    },
                )

    def _cross(
        self,
        cross: dt.datetime,
        bguide: Person,
        migrants: list[Person],
        incident: str | None,
        chain: str,
    ) -> list[Person]:
        """The river crossing; Border Patrol catches some (now and then the guide too)."""
        rng, route, co = self.rng, self.route, self.coordinator
        ev = self.step(
            "border_crossing",
            cross,
            f"guide {bguide.id} crosses group into {route.border_us}",
            {"guide": bguide.id, "migrants": [x.id for x in migrants]},
            chain=chain,
        )
        cross_ev = ev.id
        pairs = [(co, bguide), (bguide, self.mx_stash)] + [(lk, bguide) for lk in self.lookouts]
        pairs += [(lk, co) for lk in self.lookouts[:1]]
        self.calls(cross, pairs, ev.id, before_h=5, n=(1, 4))
        crossed = []
        guide_caught = False
        for mig in migrants:
            if rng.random() < 0.15 and incident != "us_stop":
                when = cross + dt.timedelta(minutes=rng.randrange(20, 240))
                aev = self.step(
                    "apprehension",
                    when,
                    f"Border Patrol apprehends {mig.id}",
                    {"migrant": mig.id},
                    chain=chain,
                )
                self._apprehension(mig, when, aev, cross_ev)
                if not guide_caught and rng.random() < 0.25:
                    guide_caught = True
                    gev = self.step(
                        "apprehension",
                        when,
                        f"guide {bguide.id} apprehended with group",
                        {"guide": bguide.id},
                        chain=chain,
                    )
                    self._apprehension(bguide, when, gev, cross_ev, guide=True)
                self.deport(mig, when.date(), chain)
            else:
                crossed.append(mig)
        return crossed

    def _us_side(
        self,
        cross: dt.datetime,
        bguide: Person,
        crossed: list[Person],
        incident: str | None,
        chain: str,
    ) -> None:
        """US side: pick-up, stash house, payment, release."""
        rng, route, co = self.rng, self.route, self.coordinator
        udriver = rng.choice(self.us_drivers)
        car = self.us_cars[self.us_drivers.index(udriver)]
        upick = cross + dt.timedelta(hours=rng.randrange(1, 6))
        ev = self.step(
            "us_pickup",
            upick,
            f"driver {udriver.id} picks up group",
            {"driver": udriver.id},
            chain=chain,
            data={"vehicle": car.id},
        )
        self.calls(
            upick, [(bguide, udriver), (co, udriver), (udriver, self.us_stash)], ev.id, before_h=3
        )
        if incident == "us_stop":
            self.us_incident(
                upick + dt.timedelta(minutes=rng.randrange(20, 120)), udriver, car, crossed, chain
            )
            return
        if rng.random() < 0.12:
            when = upick + dt.timedelta(minutes=rng.randrange(15, 90))
            ev = self.step(
                "stop", when, "traffic stop, warning", {"driver": udriver.id}, chain=chain
            )
            self.record(
                "us_stop",
                when,
                ev,
                a=udriver.id,
                vehicle=car.id,
                place=route.border_us,
                extra={
                    "occupants": len(crossed) + 1,
                    "outcome": "WARNING",
                    "phone": self.bphone(udriver, when),
                },
            )
        stay = upick + dt.timedelta(hours=rng.randrange(1, 4))
        ev = self.step(
            "stash_stay",
            stay,
            f"group held at US stash house {self.us_house.id}",
            {"stash_keeper": self.us_stash.id},
            chain=chain,
            data={"address": self.us_house.id},
        )
        self.calls(stay, [(self.us_stash, co)], ev.id)
        self.collect(crossed, stay.date() + days(1), chain)
        release = stay.date() + days(rng.randrange(7, 16))
        for mig in crossed:
            rev = self.step(
                "release",
                at(rng, release),
                f"{mig.id} released to {route.destination_us}",
                {"migrant": mig.id},
                chain=chain,
            )
            self.settle(mig, release, rev.id)

    def _inm(
        self, mig: Person, when: dt.datetime, place: str, ev: Event, day: dt.date | None = None
    ) -> None:
        """INM presents a migrant at a station (with the phone he carried on ``day``)."""
        extra = {"phone": mig.phone_at(day or when.date())}
        self.record("inm_detention", when, ev, a=mig.id, place=place, extra=extra)

    def _apprehension(
        self,
        p: Person,
        when: dt.datetime,
        ev: Event,
        group: str,
        *,
        guide: bool = False,
        day: dt.date | None = None,
    ) -> None:
        """Border Patrol apprehends ``p`` with the group of event ``group`` (A-Number given)."""
        day = day or when.date()
        self.pop.b.give_a_number(p, day)
        extra: dict[str, object] = {"sector": self.route.usbp_sector, "group": group}
        if guide:
            extra["guide"] = True
        extra["phone"] = self.bphone(p, when) if guide else p.phone_at(day)
        self.record("apprehension", when, ev, a=p.id, place=self.route.border_us, extra=extra)

    # -- pieces ----------------------------------------------------------------------------------
    def collect(self, crossed: list[Person], day: dt.date, chain: str) -> None:
        """Relatives in the US pay the collectors in small transfers after the crossing."""
        rng = self.rng
        for mig in crossed:
            rel = self.pop.us_relative(mig, self.route.destination_us)
            fee = self.fees.get(mig.id, 7000)
            receivers = rng.sample(self.collectors, min(len(self.collectors), rng.randint(2, 3)))
            call_when = at(rng, day, 8, 12)
            ev = self.step(
                "call",
                call_when,
                f"collector demands payment from {rel.id}",
                {"relative": rel.id, "collector": receivers[0].id},
                chain=chain,
            )
            self.world.call(
                call_when,
                self.bphone(receivers[0], call_when),
                rel.phone_at(day),
                rng.randrange(40, 400),
                ev.id,
            )
            self.transfers(
                rel,
                receivers,
                fee * 0.75,
                day,
                6,
                "payment",
                chain,
                description=f"payment for {mig.id}",
            )
        # collectors pass money up to the coordinator
        for c in self.collectors:
            when = at(rng, day + days(rng.randrange(8, 14)), 9, 18)
            ev = self.step(
                "payment",
                when,
                f"collector {c.id} remits to coordinator",
                {"sender": c.id, "receiver": self.coordinator.id},
                chain=chain,
            )
            self.calls(when, [(c, self.coordinator)], ev.id)
            self.money(
                when,
                c,
                self.coordinator,
                rng.uniform(1500, 6000),
                ev.id,
                method="DEPOSITO A CUENTA",
            )

    def forged_document(self, mig: Person, day: dt.date) -> str:
        from eslabon.normalize.identifiers import make_curp
        from eslabon.synth.model import Document

        rng = self.rng
        fake = make_curp(
            mig.given,
            mig.paternal,
            mig.maternal or "",
            mig.birth_date,
            mig.sex,
            rng.choice(("CS", "OC", "GR", "VZ")),
        )
        if rng.random() < 0.5:  # a sloppy forgery: wrong check digit
            fake = fake[:17] + str((int(fake[17]) + rng.randrange(1, 9)) % 10)
        doc = Document(
            self.world.new_id("IdentityDocument"), fake, "CURP", "MX", mig.id, forged=True
        )
        self.world.documents[doc.id] = doc
        return doc.id

    def deport(self, mig: Person, day: dt.date, chain: str) -> None:
        rng = self.rng
        if mig.nationality != "GT" or rng.random() < 0.3:
            return
        when = at(rng, day + days(rng.randrange(8, 40)), 7, 18)
        if when.date() > WORLD_END:
            return
        ev = self.step(
            "return", when, f"{mig.id} returned to Guatemala", {"migrant": mig.id}, chain=chain
        )
        extra = {"motivo": "RETORNADO", "phone": mig.phone_at(day)}
        self.record("gt_record", when, ev, a=mig.id, place="Ciudad de Guatemala", extra=extra)

    def settle(self, mig: Person, day: dt.date, event: str) -> None:
        """A released migrant starts a life in the US: new phone, family calls, remittances."""
        rng = self.rng
        city = self.route.destination_us
        mig.country, mig.city = "US", city
        mig.drop_phones_after(day)
        self.pop.b.phone(mig, day + days(1), WORLD_END, country="US", city=city)
        if rng.random() < 0.3:
            mig.home = self.pop.b.address("US", city).id

    def gn_incident(self, when: dt.datetime, driver: Person, van, migrants, chain) -> None:
        """A Guardia Nacional checkpoint finds the group: driver to FGR, migrants to INM."""
        rng, net, transit = self.rng, self.net, self.route.transit
        stop_when = when + dt.timedelta(hours=rng.randrange(2, 9))
        ev = self.step(
            "incident",
            stop_when,
            f"Guardia Nacional stops van {van.plate} with {len(migrants)} "
            "migrants; driver detained",
            {"driver": driver.id, "migrants": [m.id for m in migrants]},
            chain=chain,
            data={"vehicle": van.id},
        )
        net.incident = ev.id
        phone = self.bphone(driver, stop_when)
        stop = self.record(
            "gn_stop",
            stop_when,
            ev,
            a=driver.id,
            vehicle=van.id,
            place=transit,
            extra={
                "passengers": len(migrants),
                "result": "PUESTO A DISPOSICION",
                "phone": phone,
                "protect": True,
                "recorded": {},
            },
        )
        carpeta = self.carpeta_no(transit[:3].upper(), stop_when)
        people = [(driver.id, "IMPUTADO", phone, True)]
        people += [(m.id, "VICTIMA", m.phone_at(stop_when.date()), False) for m in migrants[:4]]
        self._carpeta(
            stop_when + dt.timedelta(hours=6),
            ev,
            transit,
            carpeta,
            "TRAFICO DE PERSONAS",
            people,
            vehicle=van.id,
        )
        for m in migrants:
            self._inm(m, stop_when + dt.timedelta(hours=3), transit, ev, stop_when.date())
            self.deport(m, stop_when.date(), chain)
        self.replace_driver(driver, stop_when.date(), "mx")
        self._incident_seeds(
            stop,
            driver,
            van,
            phone,
            "gn_puntos_revision",
            "driver stopped by Guardia Nacional with migrants",
        )

    def us_incident(self, when: dt.datetime, driver: Person, car, migrants, chain) -> None:
        """State police stop the load car: driver arrested, migrants to Border Patrol."""
        net, route = self.net, self.route
        ev = self.step(
            "incident",
            when,
            f"state police stop {car.plate} with {len(migrants)} migrants; driver arrested",
            {"driver": driver.id, "migrants": [m.id for m in migrants]},
            chain=chain,
            data={"vehicle": car.id},
        )
        net.incident = ev.id
        phone = self.bphone(driver, when)
        stop = self.record(
            "us_stop",
            when,
            ev,
            a=driver.id,
            vehicle=car.id,
            place=route.border_us,
            extra={
                "occupants": len(migrants) + 1,
                "outcome": "ARREST",
                "phone": phone,
                "protect": True,
                "recorded": {},
            },
        )
        self.record(
            "arrest",
            when + dt.timedelta(minutes=40),
            ev,
            a=driver.id,
            place=route.border_us,
            extra={
                "charge": "SMUGGLING OF PERSONS",
                "agency": "DPS",
                "phone": phone,
                "alias": True,
            },
        )
        for m in migrants:
            self._apprehension(m, when + dt.timedelta(hours=1), ev, ev.id, day=when.date())
            self.deport(m, when.date(), chain)
        self.replace_driver(driver, when.date(), "us")
        self._incident_seeds(
            stop,
            driver,
            car,
            phone,
            "state_traffic_stops",
            "driver arrested in a traffic stop with migrants",
        )

    def _incident_seeds(
        self, stop, driver: Person, vehicle, phone: str | None, source: str, what: str
    ) -> None:
        seeds = [
            (driver.id, "Person", "name", what),
            (vehicle.id, "Vehicle", "plate", f"plate of the vehicle ({what})"),
        ]
        self.mark_seeds(stop, source, seeds, phone, "phone seized from the driver")

    def _carpeta(
        self,
        when: dt.datetime,
        ev: Event,
        place: str,
        carpeta: str,
        delito: str,
        people: list[tuple[str, str, str | None, bool]],
        *,
        vehicle: str | None = None,
    ) -> None:
        """An FGR investigation file; its first person is the accused."""
        extra = {"carpeta": carpeta, "delito": delito, "people": people, "imputado": people[0][0]}
        self.record("carpeta", when, ev, place=place, vehicle=vehicle, extra=extra)

    def replace_driver(self, old: Person, day: dt.date, side: str) -> None:
        """The arrested driver stops working; a new one is recruited (drivers are replaceable)."""
        self.retire(old, day)
        drivers = self.mx_drivers if side == "mx" else self.us_drivers
        vehicles = self.mx_vans if side == "mx" else self.us_cars
        i = drivers.index(old)
        city = self.route.transit if side == "mx" else self.route.border_us
        new = self.member(
            "driver",
            city,
            segment="transit" if side == "mx" else "us",
            sex="M",
            alias_p=0.4,
            max_age=40,
            country="MX" if side == "mx" else "US",
        )
        self.burners(new, day, self.end + days(15), mean_days=110)
        drivers[i] = new
        if side == "us":
            car = self.pop.b.vehicle(new, "US", city, since=2010)
            self.net.vehicles.append(car.id)
            vehicles[i] = car
        else:
            vehicles[i % len(vehicles)] = self.pop.b.vehicle(
                new, "MX", city, kind="van", since=2008
            )
            self.net.vehicles.append(vehicles[i % len(vehicles)].id)

    def side_records(self) -> None:
        """Records that touch members away from trips: a complaint, an arrest, hotel stays."""
        rng, world, net = self.rng, self.world, self.net
        border_code = self.route.border_mx[:3].upper()
        # a family's complaint names a recruiter by alias
        rec = rng.choice(self.recruiters)
        when = at(rng, self.start + days(rng.randrange(60, 300)), 9, 17)
        if when.date() < WORLD_END:
            ev = self.step(
                "complaint", when, f"complaint names recruiter {rec.id}", {"recruiter": rec.id}
            )
            if self.route.origin_country == "GT":
                self.record(
                    "gt_record",
                    when,
                    ev,
                    a=rec.id,
                    place=rec.city,
                    extra={
                        "motivo": "DENUNCIA TRAFICO ILICITO",
                        "phone": rec.phone_at(when.date()),
                    },
                )
            else:
                carpeta = self.carpeta_no(border_code, when)
                people = [(rec.id, "PROBABLE RESPONSABLE", None, True)]
                self._carpeta(
                    when, ev, self.route.border_mx, carpeta, "TRAFICO DE PERSONAS", people
                )
        # a lookout picked up for something small
        lk = rng.choice(self.lookouts)
        when = at(rng, self.start + days(rng.randrange(30, 400)), 0, 23)
        if when.date() < WORLD_END:
            ev = self.step(
                "arrest", when, f"lookout {lk.id} detained (narcomenudeo)", {"lookout": lk.id}
            )
            carpeta = self.carpeta_no(border_code, when)
            people = [(lk.id, "IMPUTADO", self.bphone(lk, when), True)]
            self._carpeta(when, ev, self.route.border_mx, carpeta, "NARCOMENUDEO", people)
        # the coordinator crosses at a port of entry now and then (a border resident)
        co = self.coordinator
        port_city = self.route.border_mx
        port = PORT_BY_MX.get(port_city)
        if port and co.vehicles:
            for _ in range(rng.randint(2, 6)):
                when = at(
                    rng, self.start + days(rng.randrange((self.end - self.start).days)), 6, 22
                )
                world.fact(
                    "poe_crossing",
                    when,
                    a=co.id,
                    vehicle=co.vehicles[0],
                    place=port.name,
                    network=net.id,
                    extra={"doc": "passport" if co.passport else "bcc"},
                )
        # US stash keeper and drivers carry on a normal life
        for d in self.us_drivers:
            if rng.random() < 0.5:
                when = at(rng, self.start + days(rng.randrange(20, 300)), 7, 23)
                world.fact(
                    "us_stop",
                    when,
                    a=d.id,
                    vehicle=d.vehicles[0] if d.vehicles else None,
                    place=self.route.border_us,
                    extra={"occupants": 1, "outcome": "CITATION", "phone": d.phone_at(when.date())},
                )
