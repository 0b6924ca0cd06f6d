"""The background population: families on both sides of the border and in Central America.

Families share surnames by the domain rule (a child's paternal surname is the father's paternal,
the maternal is the mother's paternal), emigrants keep ties with the family at home (calls,
remittances), and everyone gets the identifiers their country issues. Criminal networks later
draw their members and their migrants from these same people, so the tracer has to separate the
chain from ordinary family life around it.
"""

from __future__ import annotations

import datetime as dt
import random

from eslabon.normalize.identifiers import make_curp, make_dpi, make_dui, make_rfc, make_vin
from eslabon.synth import names_pool as npool
from eslabon.synth.model import (
    WORLD_END,
    WORLD_START,
    Account,
    Address,
    Organization,
    Person,
    Phone,
    PhoneSpan,
    Vehicle,
    World,
)
from eslabon.synth.places import (
    CA_DIAL,
    CA_MOBILE_FIRST,
    CA_TOWNS,
    COLONIAS,
    HN_DEPT_CODES,
    MX_CITIES,
    MX_HOME_WEIGHTS,
    STREETS_CA,
    STREETS_MX,
    STREETS_US,
    US_CITIES,
    US_HOME_WEIGHTS,
    US_STATE_NAMES,
)

CA_TOWN_BY_NAME = {t.name: t for t in CA_TOWNS}
MX_MAKES = (
    ("NISSAN", "TSURU", "3N1"),
    ("NISSAN", "NP300", "3N6"),
    ("NISSAN", "VERSA", "3N1"),
    ("CHEVROLET", "AVEO", "3G1"),
    ("VOLKSWAGEN", "JETTA", "3VW"),
    ("FORD", "LOBO", "1FT"),
    ("TOYOTA", "HILUX", "MR0"),
    ("CHEVROLET", "SILVERADO", "3GC"),
    ("DODGE", "RAM", "3C6"),
)
US_MAKES = (
    ("FORD", "F-150", "1FT"),
    ("CHEVROLET", "SILVERADO", "1GC"),
    ("TOYOTA", "CAMRY", "4T1"),
    ("HONDA", "CIVIC", "2HG"),
    ("RAM", "1500", "1C6"),
    ("DODGE", "GRAND CARAVAN", "2C4"),
    ("NISSAN", "ALTIMA", "1N4"),
    ("TOYOTA", "TACOMA", "3TM"),
    ("JEEP", "CHEROKEE", "1C4"),
    ("HYUNDAI", "ELANTRA", "KMH"),
)
VAN_MAKES = (
    ("FORD", "TRANSIT", "1FT"),
    ("CHEVROLET", "EXPRESS", "1GC"),
    ("NISSAN", "URVAN", "JN1"),
    ("FREIGHTLINER", "CASCADIA", "3AK"),
)
COLORS = ("white", "black", "silver", "gray", "red", "blue", "green", "gold", "maroon")
YEAR_CODES = {y: c for y, c in zip(range(2001, 2010), "123456789", strict=True)} | {
    y: c for y, c in zip(range(2010, 2024), "ABCDEFGHJKLMNP", strict=True)
}
MX_BANKS = ("BBVA", "BANORTE", "SANTANDER", "BANCO AZTECA", "BANCOPPEL", "HSBC", "SCOTIABANK")
US_BANKS = ("WELLS FARGO", "BANK OF AMERICA", "CHASE", "IBC BANK", "BBVA USA", "TEXAS REGIONAL")
CA_BANKS = {
    "GT": ("BANRURAL", "BANCO INDUSTRIAL"),
    "HN": ("BANPAIS", "FICOHSA"),
    "SV": ("BANCO AGRICOLA", "BANCO CUSCATLAN"),
}


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days + 1)))


class Builder:
    """Creates entities with valid, unique identifiers; used by the population and the networks."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world = world
        self.rng = rng

    # -- people ----------------------------------------------------------------------------------
    def person(
        self,
        *,
        sex: str,
        birth: dt.date,
        nationality: str,
        country: str,
        city: str,
        paternal: str | None = None,
        maternal: str | None = None,
        anglo: bool = False,
        household: int = -1,
    ) -> Person:
        rng = self.rng
        middle = None
        if anglo:
            given, middle, surname = npool.draw_anglo(rng, sex)
            paternal, maternal = paternal or surname, None
        else:
            given = npool.draw_given(rng, sex)
            paternal = paternal or npool.draw_surname(rng, nationality)
            maternal = maternal or npool.draw_surname(rng, nationality)
            while maternal == paternal and rng.random() < 0.8:
                maternal = npool.draw_surname(rng, nationality)
        if nationality == "MX":
            birth_state = (
                MX_CITIES[city].curp_state
                if city in MX_CITIES
                else rng.choice(("TS", "VZ", "OC", "GR", "MN", "ZS", "GT", "SP", "DF", "JC", "PL"))
            )
        else:
            birth_state = "NE"
        p = Person(
            id=self.world.new_id("Person"),
            given=given,
            paternal=paternal,
            maternal=maternal,
            sex=sex,
            birth_date=birth,
            nationality=nationality,
            birth_state=birth_state,
            country=country,
            city=city,
            anglo=anglo,
            middle=middle,
            household=household,
        )
        self._identifiers(p)
        self.world.persons[p.id] = p
        return p

    def _identifiers(self, p: Person) -> None:
        rng = self.rng
        adult = p.age_on(WORLD_START) >= 18
        if p.nationality == "MX":
            for attempt in range(40):
                if attempt == 0:
                    disambig = None
                elif p.birth_date.year < 2000:
                    disambig = str(attempt % 10)
                else:
                    disambig = "ABCDEFGHJKLMNPQRSTUVWXYZ"[attempt % 24]
                curp = make_curp(
                    p.given, p.paternal, p.maternal, p.birth_date, p.sex, p.birth_state, disambig
                )
                if self.world.unique(curp):
                    p.curp = curp
                    break
            if adult and rng.random() < 0.45:
                p.rfc = make_rfc(p.given, p.paternal, p.maternal, p.birth_date)
            if adult and rng.random() < 0.2:
                p.passport = self._unique(lambda: "G" + f"{rng.randrange(10**8):08d}")
        elif p.nationality in ("GT", "HN", "SV") and adult:
            if p.nationality == "GT":
                p.national_id, p.national_id_type = self._unique(lambda: make_dpi(rng)), "DPI"
            elif p.nationality == "SV":
                p.national_id, p.national_id_type = self._unique(lambda: make_dui(rng)), "DUI"
            else:
                town = CA_TOWN_BY_NAME.get(p.city)
                dept = HN_DEPT_CODES.get(town.department if town else "", "05")
                p.national_id = self._unique(
                    lambda: (
                        f"{dept}{rng.randrange(1, 13):02d}{p.birth_date.year}"
                        f"{rng.randrange(1, 10**5):05d}"
                    )
                )
                p.national_id_type = "DNI"
            if rng.random() < 0.12:
                p.passport = self._unique(lambda: "C" + f"{rng.randrange(10**7):07d}")
        if p.nationality == "US" or (p.country == "US" and rng.random() < 0.35):
            p.ssn = self._unique(self._ssn)

    def _ssn(self) -> str:
        rng = self.rng
        area = rng.randrange(1, 900)
        while area == 666:
            area = rng.randrange(1, 900)
        return f"{area:03d}{rng.randrange(1, 100):02d}{rng.randrange(1, 10**4):04d}"

    def _unique(self, make) -> str:
        for _ in range(100):
            value = make()
            if self.world.unique(value):
                return value
        raise RuntimeError("could not draw a unique identifier")

    def ensure_passport(self, p: Person) -> str:
        """Workers travelling on visas need a passport."""
        if p.passport is None:
            prefix = "G" if p.nationality == "MX" else "C"
            p.passport = self._unique(lambda: prefix + f"{self.rng.randrange(10**8):08d}")
        return p.passport

    def give_a_number(self, p: Person, since: dt.date) -> None:
        """Assign an immigration file number at the first DHS encounter (kept afterwards)."""
        if p.a_number is None:
            p.a_number = self._unique(
                lambda: "A" + f"{self.rng.randrange(200_000_000, 240_000_000)}"
            )
            p.a_number_since = since
        elif p.a_number_since and since < p.a_number_since:
            p.a_number_since = since

    # -- phones ----------------------------------------------------------------------------------
    def phone_number(self, country: str, city: str | None = None) -> str:
        rng = self.rng
        while True:
            if country == "MX":
                c = MX_CITIES.get(city or "") or rng.choice(list(MX_CITIES.values()))
                sub_len = 10 - len(c.lada)
                number = (
                    "+52"
                    + c.lada
                    + str(rng.randrange(2, 10))
                    + "".join(str(rng.randrange(10)) for _ in range(sub_len - 1))
                )
            elif country == "US":
                c = US_CITIES.get(city or "") or rng.choice(list(US_CITIES.values()))
                area = rng.choice(c.area_codes)
                exch = f"{rng.randrange(2, 10)}{rng.randrange(10)}{rng.randrange(10)}"
                if exch[1:] == "11":
                    continue
                number = f"+1{area}{exch}{rng.randrange(10**4):04d}"
            else:
                first = rng.choice(CA_MOBILE_FIRST[country])
                number = f"+{CA_DIAL[country]}{first}{rng.randrange(10**7):07d}"
            if self.world.unique(number):
                return number

    def phone(
        self,
        person: Person,
        start: dt.date,
        end: dt.date,
        *,
        burner: bool = False,
        country: str | None = None,
        city: str | None = None,
    ) -> str:
        country = country or person.country
        ph = Phone(
            self.world.new_id("Phone"), self.phone_number(country, city or person.city), country
        )
        self.world.phones[ph.id] = ph
        person.phones.append(PhoneSpan(ph.id, start, end, burner))
        return ph.id

    # -- places and things -----------------------------------------------------------------------
    def address(self, country: str, city: str) -> Address:
        rng = self.rng
        if country == "MX":
            c = MX_CITIES[city]
            a = Address(
                self.world.new_id("Address"),
                "Calle " + rng.choice(STREETS_MX) if rng.random() < 0.5 else rng.choice(STREETS_MX),
                str(rng.randrange(1, 2500)),
                rng.choice(COLONIAS),
                c.municipio,
                c.state,
                c.cp + f"{rng.randrange(1000):03d}",
                "MX",
            )
        elif country == "US":
            c = US_CITIES[city]
            a = Address(
                self.world.new_id("Address"),
                rng.choice(STREETS_US),
                str(rng.randrange(100, 9999)),
                None,
                c.name,
                c.state,
                c.zip3 + f"{rng.randrange(100):02d}",
                "US",
            )
        else:
            t = CA_TOWN_BY_NAME[city]
            a = Address(
                self.world.new_id("Address"),
                rng.choice(STREETS_CA),
                str(rng.randrange(1, 80)),
                None,
                t.name,
                t.department,
                "",
                country,
            )
        self.world.addresses[a.id] = a
        return a

    def vehicle(
        self, owner: Person | None, country: str, city: str, *, kind: str = "car", since: int = 2004
    ) -> Vehicle:
        rng = self.rng
        if kind in ("van", "truck"):
            make, model, wmi = rng.choice(VAN_MAKES)
        else:
            make, model, wmi = rng.choice(MX_MAKES if country == "MX" else US_MAKES)
        year = rng.randrange(since, 2024)
        vin = self._unique(lambda: make_vin(rng, wmi=wmi, year_code=YEAR_CODES[year]))
        if country == "MX":
            state = MX_CITIES[city].plate_state
            plate = self._unique(
                lambda: (
                    "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
                    + "-"
                    + f"{rng.randrange(1000):03d}"
                    + "-"
                    + rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ")
                )
            )
        else:
            state = US_CITIES[city].state
            letters = "ABCDEFGHJKLMNPRSTVWXYZ"
            if state == "CA":
                plate = self._unique(
                    lambda: (
                        f"{rng.randrange(5, 10)}"
                        + "".join(rng.choice(letters) for _ in range(3))
                        + f"{rng.randrange(1000):03d}"
                    )
                )
            else:
                plate = self._unique(
                    lambda: (
                        "".join(rng.choice(letters) for _ in range(3))
                        + f"{rng.randrange(10**4):04d}"
                    )
                )
        v = Vehicle(
            self.world.new_id("Vehicle"),
            vin,
            plate,
            state,
            country,
            make,
            model,
            rng.choice(COLORS),
            year,
            owner.id if owner else None,
            kind,
        )
        self.world.vehicles[v.id] = v
        if owner:
            owner.vehicles.append(v.id)
        return v

    def account(self, owner: Person, country: str) -> Account:
        rng = self.rng
        if country == "MX":
            inst = rng.choice(MX_BANKS)
            number = self._unique(lambda: "0" + "".join(str(rng.randrange(10)) for _ in range(17)))
        elif country == "US":
            inst = rng.choice(US_BANKS)
            number = self._unique(lambda: "".join(str(rng.randrange(10)) for _ in range(12)))
        else:
            inst = rng.choice(CA_BANKS[country])
            number = self._unique(lambda: "".join(str(rng.randrange(10)) for _ in range(10)))
        acc = Account(self.world.new_id("Account"), number, inst, country, owner.id)
        self.world.accounts[acc.id] = acc
        owner.accounts.append(acc.id)
        return acc

    def organization(
        self,
        name: str,
        country: str,
        sector: str,
        *,
        city: str | None = None,
        registered_recruiter: bool | None = None,
        owner: Person | None = None,
        founded: dt.date | None = None,
    ) -> Organization:
        from eslabon.normalize.identifiers import make_company_rfc

        rng = self.rng
        org = Organization(
            self.world.new_id("Organization"),
            name,
            country,
            sector,
            registered_recruiter=registered_recruiter,
            owner=owner.id if owner else None,
        )
        if country == "MX":
            org.rfc = make_company_rfc(
                name, founded or _date_between(rng, dt.date(1995, 1, 1), dt.date(2019, 12, 31))
            )
            if registered_recruiter:
                org.registration = f"RENAPCO-{rng.randrange(100, 999)}-{rng.randrange(2015, 2021)}"
        elif country == "US":
            org.registration = f"{rng.randrange(10, 99)}-{rng.randrange(10**7):07d}"  # FEIN
        if city:
            org.address = self.address(country, city).id
        self.world.organizations[org.id] = org
        return org


class Population:
    """Background households; keeps indexes networks use to pick members and migrants."""

    def __init__(self, world: World, rng: random.Random, scale: float) -> None:
        self.world = world
        self.rng = rng
        self.scale = scale
        self.b = Builder(world, rng)
        self.emigrants: list[str] = []  # people living in the US with family at home
        self.young_by_country: dict[str, list[str]] = {"MX": [], "GT": [], "HN": [], "SV": []}
        self.adults_by_city: dict[str, list[str]] = {}
        self.used: set[str] = set()  # people already given a network role / migrant trip

    # -- helpers ---------------------------------------------------------------------------------
    def _birth(self, lo: int, hi: int) -> dt.date:
        return _date_between(self.rng, dt.date(lo, 1, 1), dt.date(hi, 12, 28))

    def _give_phone(self, p: Person) -> None:
        if p.age_on(WORLD_START) < 13:
            return
        rng = self.rng
        if rng.random() < 0.1:  # changed number once
            switch = _date_between(
                rng, WORLD_START + dt.timedelta(days=60), WORLD_END - dt.timedelta(days=60)
            )
            self.b.phone(p, WORLD_START, switch)
            self.b.phone(p, switch + dt.timedelta(days=1), WORLD_END)
        else:
            self.b.phone(p, WORLD_START, WORLD_END)

    def _index(self, p: Person) -> None:
        age = p.age_on(WORLD_START)
        if age >= 18:
            self.adults_by_city.setdefault(p.city, []).append(p.id)
        if (
            17 <= age <= 38
            and p.country == p.nationality
            and p.nationality in self.young_by_country
        ):
            self.young_by_country[p.nationality].append(p.id)

    def family(self, country: str, city: str, *, anglo: bool = False) -> list[Person]:
        """A couple and their children in one home; children take both parents' first surnames."""
        rng = self.rng
        b = self.b
        hh = len(self.world.households)
        nat = country
        father_birth = self._birth(1950, 1992)
        father = b.person(
            sex="M",
            birth=father_birth,
            nationality=nat,
            country=country,
            city=city,
            anglo=anglo,
            household=hh,
        )
        mother = b.person(
            sex="F",
            birth=father_birth + dt.timedelta(days=rng.randrange(-2500, 2500)),
            nationality=nat,
            country=country,
            city=city,
            anglo=anglo,
            household=hh,
        )
        members = [father, mother]
        first_child = max(father.birth_date, mother.birth_date).year + rng.randrange(18, 30)
        for i in range(rng.choice((0, 1, 2, 2, 3, 3, 4, 5))):
            year = first_child + 2 * i + rng.randrange(0, 2)
            if year > 2012:
                break
            sex = rng.choice("MF")
            if anglo:
                child = b.person(
                    sex=sex,
                    birth=self._birth(year, year),
                    nationality=nat,
                    country=country,
                    city=city,
                    anglo=True,
                    paternal=father.paternal,
                    household=hh,
                )
            else:
                child = b.person(
                    sex=sex,
                    birth=self._birth(year, year),
                    nationality=nat,
                    country=country,
                    city=city,
                    paternal=father.paternal,
                    maternal=mother.paternal,
                    household=hh,
                )
            members.append(child)
        home = b.address(country, city)
        for m in members:
            m.home = home.id
            self._give_phone(m)
        self.world.households.append([m.id for m in members])
        return members

    def emigrate(self, p: Person, us_city: str, family_home: list[Person]) -> None:
        """Move an adult child to the US: new home and phone there, money and calls back home."""
        rng = self.rng
        moved = _date_between(rng, dt.date(2005, 1, 1), dt.date(2020, 6, 30))
        p.country, p.city = "US", us_city
        p.home = self.b.address("US", us_city).id
        p.phones.clear()
        self.b.phone(p, WORLD_START, WORLD_END)
        if rng.random() < 0.7:
            self.b.give_a_number(p, moved)
        if rng.random() < 0.35 and p.ssn is None:
            p.ssn = self.b._unique(self.b._ssn)
        parents = [m for m in family_home if m.id != p.id and m.age_on(WORLD_START) >= 30]
        receivers = parents or [m for m in family_home if m.id != p.id]
        for r in receivers[:2]:
            p.relatives_home.append(r.id)
            r.relatives_us.append(p.id)
        self.emigrants.append(p.id)

    def build(self) -> None:
        rng = self.rng
        s = self.scale
        mx_cities = list(MX_HOME_WEIGHTS)
        mx_w = list(MX_HOME_WEIGHTS.values())
        us_cities = list(US_HOME_WEIGHTS)
        us_w = list(US_HOME_WEIGHTS.values())
        ca_weights = [3 if t.country == "GT" else 2 if t.country == "HN" else 1.5 for t in CA_TOWNS]
        plans = (
            [("MX", None)] * round(560 * s)
            + [("CA", None)] * round(260 * s)
            + [("US", "hispanic")] * round(150 * s)
            + [("US", "anglo")] * round(190 * s)
        )
        for country, kind in plans:
            if country == "MX":
                city = rng.choices(mx_cities, mx_w)[0]
                fam = self.family("MX", city)
            elif country == "CA":
                town = rng.choices(CA_TOWNS, ca_weights)[0]
                fam = self.family(town.country, town.name)
            else:
                city = rng.choices(us_cities, us_w)[0]
                fam = self.family("US", city, anglo=kind == "anglo")
                if kind == "hispanic":  # US-born children of earlier immigrants: no CURP
                    for m in fam:
                        if m.age_on(WORLD_START) >= 40 and rng.random() < 0.5:
                            self.b.give_a_number(m, dt.date(1995 + rng.randrange(20), 1, 1))
            if country != "US":
                kids = [m for m in fam[2:] if m.age_on(WORLD_START) >= 20]
                if kids and rng.random() < 0.45:
                    self.emigrate(rng.choice(kids), rng.choices(us_cities, us_w)[0], fam)
            for m in fam:
                self._index(m)
            self._things(fam)

    def _things(self, fam: list[Person]) -> None:
        """Vehicles and bank accounts for some households (the registries' bulk)."""
        rng = self.rng
        adults = [m for m in fam if m.age_on(WORLD_START) >= 18]
        for m in adults:
            if m.country in ("MX", "US") and rng.random() < (0.3 if m.country == "MX" else 0.55):
                self.b.vehicle(m, m.country, m.city)
            if rng.random() < 0.25:
                self.b.account(m, m.country)

    # -- used by networks ------------------------------------------------------------------------
    def pick_adult(
        self, city: str, *, sex: str | None = None, max_age: int = 60, country: str | None = None
    ) -> Person:
        """An unused adult living in ``city`` (creating a family there when none is left).

        ``country`` tells twin cities apart (Nogales, Sonora and Nogales, Arizona).
        """
        rng = self.rng
        if country is None:
            country = (
                "MX"
                if city in MX_CITIES
                else "US"
                if city in US_CITIES
                else (CA_TOWN_BY_NAME[city].country)
            )
        pool = self.adults_by_city.get(city, [])
        for _ in range(60):
            if not pool:
                break
            pid = pool[rng.randrange(len(pool))]
            p = self.world.persons[pid]
            if pid in self.used or p.age_on(WORLD_START) > max_age or p.country != country:
                continue
            if sex and p.sex != sex:
                continue
            self.used.add(pid)
            return p
        fam = self.family(country, city)
        for m in fam:
            self._index(m)
        candidates = [m for m in fam[:2] if (sex is None or m.sex == sex)]
        p = candidates[0] if candidates else fam[0]
        self.used.add(p.id)
        return p

    def pick_young(self, nationality: str, *, city: str | None = None) -> Person:
        """An unused young adult of ``nationality`` living at home (a would-be migrant)."""
        rng = self.rng
        pool = self.young_by_country[nationality]
        for _ in range(80):
            if not pool:
                break
            pid = pool[rng.randrange(len(pool))]
            p = self.world.persons[pid]
            if pid in self.used or p.country != nationality:
                continue
            if city and p.city != city and rng.random() < 0.7:
                continue
            self.used.add(pid)
            return p
        if nationality == "MX":
            home = city if city in MX_CITIES else rng.choice(list(MX_CITIES))
        else:
            towns = [t for t in CA_TOWNS if t.country == nationality]
            home = city if city in CA_TOWN_BY_NAME else rng.choice(towns).name
        fam = self.family(nationality, home)
        for m in fam:
            self._index(m)
        young = [m for m in fam if 17 <= m.age_on(WORLD_START) <= 38]
        p = young[0] if young else fam[0]
        self.used.add(p.id)
        return p

    def us_relative(self, p: Person, us_city: str) -> Person:
        """The relative in the US who pays a migrant's passage (created if the family has none)."""
        if p.relatives_us:
            return self.world.persons[p.relatives_us[0]]
        rng = self.rng
        hh = self.world.households[p.household] if p.household >= 0 else []
        fam = [self.world.persons[x] for x in hh]
        sibling_sex = rng.choice("MF")
        rel = self.b.person(
            sex=sibling_sex,
            birth=p.birth_date + dt.timedelta(days=rng.randrange(-4000, 4000)),
            nationality=p.nationality,
            country=p.nationality,
            city=p.city,
            paternal=p.paternal,
            maternal=p.maternal,
            household=p.household,
        )
        if hh:
            hh.append(rel.id)
        rel.home = p.home
        self.emigrate(rel, us_city, fam or [p])
        if p.id not in rel.relatives_home:
            rel.relatives_home.append(p.id)
            p.relatives_us.append(rel.id)
        self.used.add(rel.id)
        return rel


def us_state_name(code: str) -> str:
    return US_STATE_NAMES.get(code, code)
