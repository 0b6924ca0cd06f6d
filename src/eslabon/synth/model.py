"""The true state of the synthetic world: entities, who uses which phone when, roles and events.

Sources are *renderings* of this truth with noise; the truth files are written from it. Keeping
one in-memory model is what makes the truth perfectly consistent with every source row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

WORLD_START = dt.date(2021, 1, 1)
WORLD_END = dt.date(2023, 12, 31)
ID_PREFIX = {
    "Person": ("P", 6),
    "Phone": ("PH", 5),
    "Vehicle": ("V", 5),
    "Account": ("A", 4),
    "Address": ("AD", 5),
    "Organization": ("O", 4),
    "IdentityDocument": ("D", 5),
}


@dataclass
class PhoneSpan:
    phone_id: str
    start: dt.date
    end: dt.date
    burner: bool = False


@dataclass
class Person:
    id: str
    given: str  # "María Guadalupe" (true spelling, with accents)
    paternal: str
    maternal: str | None  # None for Anglo people
    sex: str  # M / F
    birth_date: dt.date
    nationality: str  # MX US GT HN SV
    birth_state: str  # CURP birth-state code (NE: born abroad)
    country: str  # country of residence
    city: str
    anglo: bool = False
    middle: str | None = None  # Anglo middle name
    curp: str | None = None
    rfc: str | None = None
    a_number: str | None = None
    a_number_since: dt.date | None = None
    ssn: str | None = None
    national_id: str | None = None
    national_id_type: str | None = None  # DPI DNI DUI
    passport: str | None = None
    alias: str | None = None
    home: str | None = None  # Address id
    household: int = -1
    phones: list[PhoneSpan] = field(default_factory=list)
    vehicles: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    relatives_us: list[str] = field(default_factory=list)  # who sends them money
    relatives_home: list[str] = field(default_factory=list)  # whom they send money to
    network: str | None = None

    @property
    def full_name(self) -> str:
        parts = [self.given, self.middle, self.paternal, self.maternal]
        return " ".join(p for p in parts if p)

    def phone_at(self, when: dt.date, *, business: bool = False) -> str | None:
        """The phone this person uses on ``when``; burners for business when they have one."""
        best = None
        for span in self.phones:
            if span.start <= when <= span.end:
                if business and span.burner:
                    return span.phone_id
                if best is None or (not business and not span.burner):
                    best = span.phone_id
        return best

    def drop_phones_after(self, day: dt.date) -> None:
        """Stop using every line after ``day`` (moving country, arrest); unborn spans vanish."""
        self.phones = [s for s in self.phones if s.start <= day]
        for span in self.phones:
            if span.end > day:
                span.end = day

    def age_on(self, when: dt.date) -> int:
        years = when.year - self.birth_date.year
        return years - ((when.month, when.day) < (self.birth_date.month, self.birth_date.day))


@dataclass
class Phone:
    id: str
    e164: str  # +5289912345678 style
    country: str  # MX US GT HN SV


@dataclass
class Vehicle:
    id: str
    vin: str
    plate: str
    plate_state: str  # TX, TAMPS, ...
    country: str
    make: str
    model: str
    color: str
    year: int
    owner: str | None = None
    kind: str = "car"


@dataclass
class Address:
    id: str
    street: str
    number: str
    colonia: str | None
    city: str
    state: str
    postal_code: str
    country: str

    @property
    def full(self) -> str:
        if self.country == "US":
            return f"{self.number} {self.street}, {self.city}, {self.state} {self.postal_code}"
        if self.country == "MX":
            return (
                f"{self.street} {self.number}, Col. {self.colonia}, {self.city}, "
                f"{self.state}, C.P. {self.postal_code}"
            )
        return f"{self.street} {self.number}, {self.city}, {self.state}"


@dataclass
class Account:
    id: str
    number: str
    institution: str
    country: str
    owner: str


@dataclass
class Organization:
    id: str
    name: str
    country: str
    sector: str
    rfc: str | None = None
    registration: str | None = None
    registered_recruiter: bool | None = None
    address: str | None = None
    owner: str | None = None


@dataclass
class Document:
    id: str
    number: str
    doc_type: str
    country: str
    holder: str
    forged: bool = False


@dataclass
class Event:
    """A true happening; sources record some of them, some several times."""

    id: str
    kind: str
    when: dt.datetime
    network: str | None
    description: str
    chain: str | None = None  # a trip / shipment / recruitment drive within a network
    persons: dict[str, Any] = field(default_factory=dict)  # role in event -> person id(s)
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Network:
    id: str
    kind: str  # smuggling | labour_trafficking | drugs
    route: Any = None
    members: dict[str, list[str]] = field(default_factory=dict)  # role -> person ids
    segments: dict[str, list[str]] = field(default_factory=dict)  # segment -> person ids
    vehicles: list[str] = field(default_factory=list)
    stash_houses: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    seeds: list[tuple[str, str, str, str]] = field(default_factory=list)  # entity,kind,value,desc
    incident: str | None = None  # event id of the incident


@dataclass(slots=True)
class Fact:
    """One recordable happening as sources see it (a stop, a transfer, a stay...).

    ``a``/``b`` are the main and other party (person ids, or phone ids for calls); what each
    source renders from ``extra`` is documented with the renderer.
    """

    kind: str
    when: dt.datetime
    a: str | None = None
    b: str | None = None
    vehicle: str | None = None
    place: str | None = None
    amount: float | None = None
    currency: str | None = None
    network: str | None = None
    event: str | None = None
    extra: dict[str, Any] | None = None


class World:
    """All entities and events, with readable ids allocated in creation order."""

    def __init__(self) -> None:
        self.persons: dict[str, Person] = {}
        self.phones: dict[str, Phone] = {}
        self.vehicles: dict[str, Vehicle] = {}
        self.addresses: dict[str, Address] = {}
        self.accounts: dict[str, Account] = {}
        self.organizations: dict[str, Organization] = {}
        self.documents: dict[str, Document] = {}
        self.networks: dict[str, Network] = {}
        self.events: list[Event] = []
        self.roles: list[tuple[str, str, str]] = []
        self.households: list[list[str]] = []
        self.facts: dict[str, list[Fact]] = {}
        # calls are the bulk: (when, caller phone id, callee phone id, seconds, event id or None)
        self.calls: list[tuple[dt.datetime, str, str, int, str | None]] = []
        self._counters: dict[str, int] = {}
        self._numbers: set[str] = set()
        self._docs: dict[str, str] = {}
        self._person_docs: dict[str, str] = {}

    def new_id(self, kind: str) -> str:
        prefix, width = ID_PREFIX.get(kind, (kind, 6))
        n = self._counters.get(kind, 0) + 1
        self._counters[kind] = n
        return f"{prefix}{n:0{width}d}"

    def unique(self, value: str) -> bool:
        """Claim an identifier value (phone number, plate, CURP...); False if already taken."""
        if value in self._numbers:
            return False
        self._numbers.add(value)
        return True

    def add_event(
        self, kind: str, when: dt.datetime, network: str | None, description: str, **kw: Any
    ) -> Event:
        ev = Event(f"E{len(self.events) + 1:07d}", kind, when, network, description, **kw)
        self.events.append(ev)
        return ev

    def fact(self, kind: str, when: dt.datetime, **kw: Any) -> Fact:
        f = Fact(kind, when, **kw)
        self.facts.setdefault(kind, []).append(f)
        return f

    def call(
        self,
        when: dt.datetime,
        caller: str | None,
        callee: str | None,
        seconds: int,
        event: str | None = None,
    ) -> None:
        if caller and callee and caller != callee:
            self.calls.append((when, caller, callee, seconds, event))

    def document_for(self, holder: str, doc_type: str, number: str, country: str) -> str:
        """The IdentityDocument entity for (type, number), created on first sight."""
        key = f"{doc_type}|{number}"
        doc_id = self._docs.get(key)
        if doc_id is None:
            doc_id = self.new_id("IdentityDocument")
            self.documents[doc_id] = Document(doc_id, number, doc_type, country, holder)
            self._docs[key] = doc_id
        return doc_id

    def person_doc(self, holder: str, doc_type: str, make) -> str:
        """A per-person document number (consular ID, licence), drawn once and unique."""
        key = f"{holder}|{doc_type}"
        if key not in self._person_docs:
            for _ in range(100):
                number = make()
                if self.unique(doc_type + number):
                    break
            self._person_docs[key] = number
        return self._person_docs[key]

    def phone_index(self) -> dict[str, list[tuple[str, PhoneSpan]]]:
        """phone id -> [(person id, span)] for everyone who ever used it."""
        out: dict[str, list[tuple[str, PhoneSpan]]] = {}
        for p in self.persons.values():
            for span in p.phones:
                out.setdefault(span.phone_id, []).append((p.id, span))
        return out

    def role(self, person_id: str, network_id: str, role: str) -> None:
        self.roles.append((person_id, network_id, role))
        self.persons[person_id].network = network_id

    def phone_users(self) -> list[tuple[str, str, dt.date, dt.date]]:
        out = []
        for p in self.persons.values():
            for span in p.phones:
                out.append((span.phone_id, p.id, span.start, span.end))
        return out
