"""US sources: English columns, month/day/year dates, and US distortions of Hispanic names
(maternal surname in the middle name, hyphenated or dropped, fields swapped, no accents)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from eslabon.synth.context import Ctx, event_ref, seeds_for
from eslabon.synth.layout import agency, holds, layout, link, lit, uses
from eslabon.synth.places import PORTS, US_CITIES
from eslabon.synth.render import Style
from eslabon.synth.writer import Row, SourceSpec

Source = tuple[SourceSpec, Iterator[Row], int]
PORT_CODE = {p.name: p.code for p in PORTS}
PORT_CITY = {p.name: p.us_city for p in PORTS}
STATIONS = {
    "Rio Grande Valley": ("MCALLEN", "WESLACO", "RIO GRANDE CITY", "HARLINGEN"),
    "Laredo": ("LAREDO NORTH", "LAREDO SOUTH", "ZAPATA"),
    "El Paso": ("EL PASO", "SANTA TERESA", "YSLETA"),
    "Tucson": ("NOGALES", "TUCSON", "SONOITA"),
    "San Diego": ("CHULA VISTA", "IMPERIAL BEACH", "OTAY MESA"),
}
LPR_MISREAD = str.maketrans({"0": "O", "8": "B", "5": "S", "1": "I"})


def _state_of(city: str) -> str:
    c = US_CITIES.get(city)
    return c.state if c else "TX"


def _code(city: str) -> str:
    """Three-letter station code from a city name (EL PASO -> ELP)."""
    return "".join(c for c in city.upper() if c.isalpha())[:3]


def _county_of(city: str) -> str:
    c = US_CITIES.get(city)
    return (c.county if c else city).upper()


# --------------------------------------------------------------------------- CBP crossings
def cbp_crossings(ctx: Ctx) -> Source:
    spec = SourceSpec(
        name="cbp_crossings",
        fmt="csv",
        **agency("US"),
        delimiter=",",
        encoding="utf-8",
        description="CBP: northbound vehicle crossings at land ports of entry with plate reads",
        **layout(
            """
            CROSSING_ID
            PORT_CODE
            PORT_NAME
            LANE
            CROSS_DATE
            CROSS_TIME
            DIRECTION
            PLATE_NBR    vehicle.plate
            PLATE_ST     vehicle.plateState
            VEH_MAKE     vehicle.make
            VEH_MODEL    vehicle.model
            VEH_YEAR     vehicle.year
            VEH_COLOR    vehicle.color
            VIN          vehicle.vin
            LAST_NAME    driver.lastName
            FIRST_NAME   driver.firstName
            MIDDLE_NAME  driver.middleName
            DOB          driver.birthDate
            GENDER       driver.gender
            CITIZENSHIP  driver.nationality
            DOC_TYPE
            PPT_NBR      driver.passportNumber
            A_NBR        driver.aNumber
            SECONDARY
            """,
            driver="Person",
            vehicle="Vehicle",
        ),
        links={
            "crossing": link(
                "Crossing",
                "driver",
                "vehicle",
                start=("CROSS_DATE", "CROSS_TIME"),
                port="PORT_NAME",
                direction="DIRECTION",
                lane="LANE",
                inspection="SECONDARY",
            ),
        },
        date_column="DOB",
        text_column="LAST_NAME",
        swaps=(("FIRST_NAME", "LAST_NAME", None, None),),
    )
    world = ctx.world
    facts = ctx.facts("poe_crossing")
    r = ctx.render(spec.name, Style("US", "en", "MDY", upper=1.0, accents=0.0, fixed_width=True))
    rng = ctx.rng(spec.name)

    def rows() -> Iterator[Row]:
        for i, f in enumerate(facts, 1):
            p = world.persons[f.a]
            v = world.vehicles[f.vehicle]
            ex = f.extra or {}
            first, middle, last = r.us_split(p)
            plate = v.plate.replace("-", "")
            if rng.random() < 0.01:
                plate = plate.translate(LPR_MISREAD)
            doc = ex.get("doc", "bcc")
            values = {
                "CROSSING_ID": f"{f.when:%Y%m%d}{i:08d}",
                "PORT_CODE": PORT_CODE[f.place],
                "PORT_NAME": f.place.upper(),
                "LANE": rng.choice(("GEN", "GEN", "SENTRI", "READY")),
                "CROSS_DATE": r.date(f.when),
                "CROSS_TIME": f.when.strftime("%H:%M:%S"),
                "DIRECTION": "NB",
                "PLATE_NBR": plate,
                "PLATE_ST": v.plate_state,
                "VEH_MAKE": v.make[:4] if rng.random() < 0.3 else v.make,
                "VEH_MODEL": v.model,
                "VEH_YEAR": str(v.year),
                "VEH_COLOR": v.color.upper()[:3],
                "VIN": r.ident(v.vin, rate=0.6),
                "LAST_NAME": last,
                "FIRST_NAME": first,
                "MIDDLE_NAME": middle,
                "DOB": r.dob(p, rate=0.02),
                "GENDER": r.sex(p),
                "CITIZENSHIP": r.nationality(p),
                "DOC_TYPE": {"passport": "PPT", "bcc": "BCC"}.get(doc, "DL"),
                "PPT_NBR": r.ident(p.passport, rate=0.2) if doc == "passport" else "",
                "A_NBR": r.a_number(p, f.when.date(), rate=0.3) if p.nationality != "US" else "",
                "SECONDARY": "Y" if ex.get("secondary") else "N",
            }
            yield Row(values, {"driver": p.id, "vehicle": v.id}, fact=f)

    return spec, rows(), len(facts)


# --------------------------------------------------------------------------- CBP seizures
def cbp_seizures(ctx: Ctx) -> Source:
    spec = SourceSpec(
        name="cbp_seizures",
        fmt="csv",
        **agency("US"),
        delimiter=",",
        encoding="utf-8",
        description="CBP Office of Field Operations: drug seizures at ports of entry",
        **layout(
            """
            SEIZURE_NO
            INCIDENT_NO
            EVENT_DATE
            PORT
            DRUG_TYPE
            QTY
            UOM
            SUBJECT_NAME  subject.name
            SUBJECT_DOB   subject.birthDate
            PLATE         vehicle.plate
            PLATE_STATE   vehicle.plateState
            VIN           vehicle.vin
            PHONE_SEIZED  phone.number
            """,
            subject="Person",
            vehicle="Vehicle",
            phone="Phone",
        ),
        links={
            "seizure": link(
                "Seizure",
                "subject",
                "vehicle",
                start="EVENT_DATE",
                drug="DRUG_TYPE",
                quantity="QTY",
                unit="UOM",
                place="PORT",
                agency=lit("CBP"),
                incident="INCIDENT_NO",
            ),
            "phone_use": uses("subject", "phone"),
        },
        date_column="EVENT_DATE",
        text_column="SUBJECT_NAME",
    )
    world = ctx.world
    facts = ctx.facts("seizure")
    r = ctx.render(spec.name, Style("US", "en", "MDY"))

    def rows() -> Iterator[Row]:
        for i, f in enumerate(facts, 1):
            p = world.persons[f.a]
            v = world.vehicles[f.vehicle]
            ex = f.extra
            r.protect = bool(ex.get("protect"))
            name = r.us_comma(p)
            phone = r.phone(ex.get("phone"), rate=0.3)
            plate = v.plate.replace("-", "")
            values = {
                "SEIZURE_NO": (own := f"{PORT_CODE[f.place]}{f.when:%Y}{i:06d}"),
                "INCIDENT_NO": event_ref(f, "RPT-", own),
                "EVENT_DATE": r.date(f.when),
                "PORT": f.place.upper(),
                "DRUG_TYPE": ex["drug"],
                "QTY": f"{ex['quantity']}",
                "UOM": ex["unit"],
                "SUBJECT_NAME": name,
                "SUBJECT_DOB": r.dob(p, rate=0.02),
                "PLATE": plate,
                "PLATE_STATE": v.plate_state,
                "VIN": r.ident(v.vin, rate=0.2),
                "PHONE_SEIZED": phone,
            }
            refs = {"subject": p.id, "vehicle": v.id}
            if phone:
                refs["phone"] = ex["phone"]
            seeds = seeds_for(f, spec.name, {"name": name, "plate": plate, "phone": phone})
            yield Row(values, refs, protect=r.protect, seeds=seeds, fact=f)

    return spec, rows(), len(facts)


# --------------------------------------------------------------------------- Border Patrol
def usbp_apprehensions(ctx: Ctx) -> Source:
    spec = SourceSpec(
        name="usbp_apprehensions",
        fmt="jsonl",
        **agency("US", dates="ISO"),
        description="USBP: apprehensions between ports of entry (e3 export, one subject a line)",
        **layout(
            """
            event_id
            referral_incident_no
            apprehension_date
            apprehension_time
            sector
            station
            area
            group_size
            subject.a_number     subject.aNumber
            subject.last_name    subject.lastName
            subject.first_name   subject.firstName
            subject.middle_name  subject.middleName
            subject.dob          subject.birthDate
            subject.gender       subject.gender
            subject.citizenship  subject.nationality
            subject.role
            phone_seized         phone.number
            """,
            subject="Person",
            phone="Phone",
        ),
        links={
            "apprehension": link(
                "Detention",
                "subject",
                start=("apprehension_date", "apprehension_time"),
                place="area",
                agency=lit("USBP"),
                incident="referral_incident_no",
                status="subject.role",
            ),
            "phone_use": uses("subject", "phone"),
        },
        date_column="subject.dob",
        text_column="subject.last_name",
    )
    world = ctx.world
    facts = ctx.facts("apprehension")
    r = ctx.render(spec.name, Style("US", "en", "ISO", upper=1.0, fixed_width=True))
    rng = ctx.rng(spec.name)
    groups: dict[str, int] = {}
    for f in facts:
        g = (f.extra or {}).get("group") or f"solo{id(f)}"
        groups[g] = groups.get(g, 0) + 1

    def rows() -> Iterator[Row]:
        event_ids: dict[str, str] = {}
        for f in facts:
            p = world.persons[f.a]
            ex = f.extra or {}
            g = ex.get("group")
            if g:
                eid = event_ids.setdefault(
                    g, f"{_code(f.place)}{f.when:%y%m%d}{len(event_ids) + 1:06d}"
                )
            else:
                eid = f"{_code(f.place)}{f.when:%y%m%d}{len(event_ids) + 1:06d}"
                event_ids[f"solo{len(event_ids)}"] = eid
            first, middle, last = r.us_split(p)
            phone = r.phone(ex.get("phone"), rate=0.45)
            sector = ex.get("sector", "Rio Grande Valley")
            values = {
                "event_id": eid,
                "referral_incident_no": event_ref(f, "RPT-", eid),
                "apprehension_date": f.when.date().isoformat(),
                "apprehension_time": f.when.strftime("%H:%M"),
                "sector": sector.upper(),
                "station": rng.choice(STATIONS.get(sector, ("UNKNOWN",))),
                "area": f"{f.place.upper()} AREA",
                "group_size": str(groups.get(g, 1)) if g else "1",
                "subject.a_number": r.a_number(p, f.when.date(), rate=0.0),
                "subject.last_name": last,
                "subject.first_name": first,
                "subject.middle_name": middle,
                "subject.dob": r.dob(p, rate=0.03),
                "subject.gender": r.sex(p),
                "subject.citizenship": r.nationality(p),
                "subject.role": "GUIDE" if ex.get("guide") else "SUBJECT",
                "phone_seized": phone,
            }
            refs = {"subject": p.id}
            if phone:
                refs["phone"] = ex["phone"]
            yield Row(values, refs, fact=f)

    return spec, rows(), len(facts)


# --------------------------------------------------------------------------- state traffic stops
def state_traffic_stops(ctx: Ctx) -> Source:
    spec = SourceSpec(
        name="state_traffic_stops",
        fmt="csv",
        **agency("US"),
        delimiter=",",
        encoding="cp1252",
        lineterminator="\r\n",
        description="State police traffic stops (TX DPS, AZ DPS, CHP exports)",
        **layout(
            """
            STOP_ID
            INCIDENT_NO
            STOP_DATE
            STOP_TIME
            AGENCY
            COUNTY
            HIGHWAY
            DRIVER_NAME  driver.name
            DOB          driver.birthDate
            PHONE        phone.number
            PLATE        vehicle.plate
            PLATE_STATE  vehicle.plateState
            VEH_YEAR     vehicle.year
            VEH_MAKE     vehicle.make
            VEH_MODEL    vehicle.model
            VEH_COLOR    vehicle.color
            OCCUPANTS
            OUTCOME
            """,
            driver="Person",
            phone="Phone",
            vehicle="Vehicle",
        ),
        links={
            "stop": link(
                "Stop",
                "driver",
                "vehicle",
                start=("STOP_DATE", "STOP_TIME"),
                place="COUNTY",
                agency="AGENCY",
                incident="INCIDENT_NO",
                passengers="OCCUPANTS",
                outcome="OUTCOME",
            ),
            "phone_use": uses("driver", "phone"),
        },
        date_column="DOB",
        text_column="DRIVER_NAME",
    )
    world = ctx.world
    facts = ctx.facts("us_stop")
    r = ctx.render(spec.name, Style("US", "en", "MDY", upper=1.0))
    rng = ctx.rng(spec.name)
    agencies = {"TX": "TX DPS", "AZ": "AZ DPS", "CA": "CHP"}

    def rows() -> Iterator[Row]:
        for i, f in enumerate(facts, 1):
            p = world.persons[f.a]
            v = world.vehicles.get(f.vehicle or "")
            ex = f.extra
            r.protect = bool(ex.get("protect"))
            state = _state_of(f.place)
            name = r.us_comma(p)
            phone = r.phone(ex.get("phone"), rate=0.35)
            plate = v.plate.replace("-", "") if v else ""
            values = {
                "STOP_ID": (own := f"{state}{f.when:%y}-{i:07d}"),
                "INCIDENT_NO": event_ref(f, "RPT-", own),
                "STOP_DATE": r.date(f.when, i % 3 == 0),
                "STOP_TIME": f.when.strftime("%H%M"),
                "AGENCY": agencies.get(state, f"{state} SP"),
                "COUNTY": _county_of(f.place),
                "HIGHWAY": rng.choice(
                    ("US-281", "US-77", "IH-35", "IH-10", "US-83", "SH-100", "IH-19", "I-8")
                ),
                "DRIVER_NAME": name,
                "DOB": r.dob(p, rate=0.03),
                "PHONE": phone,
                "PLATE": plate,
                "PLATE_STATE": v.plate_state if v else "",
                "VEH_YEAR": str(v.year) if v else "",
                "VEH_MAKE": v.make if v else "",
                "VEH_MODEL": v.model if v else "",
                "VEH_COLOR": v.color.upper() if v else "",
                "OCCUPANTS": str(ex.get("occupants", 1)),
                "OUTCOME": ex.get("outcome", "WARNING"),
            }
            refs = {"driver": p.id}
            if phone:
                refs["phone"] = ex["phone"]
            if v:
                refs["vehicle"] = v.id
            seeds = seeds_for(f, spec.name, {"name": name, "plate": plate, "phone": phone})
            yield Row(values, refs, protect=r.protect, seeds=seeds, fact=f)

    return spec, rows(), len(facts)


# --------------------------------------------------------------------------- arrests
def us_arrests(ctx: Ctx) -> Source:
    spec = SourceSpec(
        name="us_arrests",
        fmt="csv",
        **agency("US"),
        delimiter="|",
        encoding="utf-8",
        description="County jail bookings and federal arrest records",
        **layout(
            """
            BOOKING_NO
            INCIDENT_NO
            ARREST_DATE
            ARREST_TIME
            AGENCY
            CHARGE
            LAST         arrestee.lastName
            FIRST        arrestee.firstName
            MIDDLE       arrestee.middleName
            AKA          arrestee.alias
            DOB          arrestee.birthDate
            SEX          arrestee.gender
            A_NUMBER     arrestee.aNumber
            SSN          arrestee.ssn
            ADDRESS      address.street
            CITY         address.city
            STATE        address.state
            ZIP          address.postalCode
            PHONE        phone.number
            """,
            arrestee="Person",
            address="Address",
            phone="Phone",
        ),
        links={
            "arrest": link(
                "Arrest",
                "arrestee",
                start=("ARREST_DATE", "ARREST_TIME"),
                place="CITY",
                agency="AGENCY",
                incident="INCIDENT_NO",
                charge="CHARGE",
            ),
            "residence": link("Residence", "arrestee", "address"),
            "phone_use": uses("arrestee", "phone"),
        },
        date_column="DOB",
        text_column="LAST",
        swaps=(("FIRST", "LAST", None, None),),
    )
    world = ctx.world
    facts = ctx.facts("arrest")
    r = ctx.render(spec.name, Style("US", "en", "MDY", upper=1.0))
    rng = ctx.rng(spec.name)

    def rows() -> Iterator[Row]:
        for i, f in enumerate(facts, 1):
            p = world.persons[f.a]
            ex = f.extra
            first, middle, last = r.us_split(p)
            home = world.addresses.get(p.home or "")
            us_home = home if home and home.country == "US" else None
            if us_home and rng.random() < 0.15:
                us_home = None
            phone = r.phone(ex.get("phone"), rate=0.25)
            values = {
                "BOOKING_NO": (own := f"{f.when:%Y}-{i:07d}"),
                "INCIDENT_NO": event_ref(f, "RPT-", own),
                "ARREST_DATE": r.date(f.when),
                "ARREST_TIME": f.when.strftime("%H:%M"),
                "AGENCY": ex.get("agency") or f"{_county_of(f.place)} CO SO",
                "CHARGE": ex.get("charge", ""),
                "LAST": last,
                "FIRST": first,
                "MIDDLE": middle,
                "AKA": r.alias(p, 0.8) if ex.get("alias") else "",
                "DOB": r.dob(p, rate=0.01),
                "SEX": r.sex(p),
                "A_NUMBER": r.a_number(p, f.when.date(), rate=0.2),
                "SSN": r.ssn(p, rate=0.4),
                "ADDRESS": r.case(f"{us_home.number} {us_home.street}") if us_home else "",
                "CITY": us_home.city.upper() if us_home else f.place.upper(),
                "STATE": us_home.state if us_home else _state_of(f.place),
                "ZIP": us_home.postal_code if us_home else "",
                "PHONE": phone,
            }
            refs = {"arrestee": p.id}
            if phone:
                refs["phone"] = ex["phone"]
            if us_home:
                refs["address"] = us_home.id
            else:
                values["CITY"], values["STATE"] = "", ""
            yield Row(values, refs, fact=f)

    return spec, rows(), len(facts)


# --------------------------------------------------------------------------- money transmitter
def mt_transfers(ctx: Ctx) -> Source:
    spec = SourceSpec(
        name="mt_transfers",
        fmt="csv",
        **agency("US"),
        delimiter=",",
        encoding="utf-8",
        currency="USD",
        description="Money-transmitter send records (subpoenaed), US agents",
        **layout(
            """
            TXN_ID
            TXN_DATE
            TXN_TIME
            AGENT_ID
            AGENT_CITY
            AGENT_STATE
            SENDER_FIRST      sender.firstName
            SENDER_LAST       sender.lastName
            SENDER_DOB        sender.birthDate
            SENDER_PHONE      sender_phone.number
            SENDER_ID_TYPE    sender_id.docType
            SENDER_ID_NO      sender_id.number
            RECEIVER_NAME     receiver.name
            RECEIVER_CITY
            RECEIVER_COUNTRY
            RECEIVER_PHONE    receiver_phone.number
            SEND_AMOUNT
            SEND_CURRENCY
            FEE
            PAYOUT_AMOUNT
            PAYOUT_CURRENCY
            """,
            sender="Person",
            sender_id="IdentityDocument",
            sender_phone="Phone",
            receiver="Person",
            receiver_phone="Phone",
        ),
        links={
            "transfer": link(
                "Payment",
                "sender",
                "receiver",
                start=("TXN_DATE", "TXN_TIME"),
                amount="SEND_AMOUNT",
                currency="SEND_CURRENCY",
                reference="TXN_ID",
                place="AGENT_CITY",
            ),
            "sender_phone_use": uses("sender", "sender_phone"),
            "sender_id_holder": holds("sender", "sender_id", "HOLDER"),
            "receiver_phone_use": uses("receiver", "receiver_phone"),
        },
        date_column="SENDER_DOB",
        text_column="SENDER_LAST",
        swaps=(
            ("SENDER_PHONE", "RECEIVER_PHONE", "sender_phone", "receiver_phone"),
            ("SENDER_FIRST", "SENDER_LAST", None, None),
        ),
    )
    world = ctx.world
    rng = ctx.rng(spec.name)
    facts = [
        f
        for f in ctx.facts("transfer")
        if world.persons[f.a].country == "US" and (rng.random() < (0.9 if f.network else 0.7))
    ]
    r = ctx.render(spec.name, Style("US", "en", "MDY", upper=0.8, accents=0.1, formal=False))
    rr = ctx.render(
        spec.name + ":receiver", Style("US", "en", "MDY", upper=0.8, accents=0.2, formal=False)
    )
    rng2 = ctx.rng(spec.name + ":ids")

    def rows() -> Iterator[Row]:
        for i, f in enumerate(facts, 1):
            s, b = world.persons[f.a], world.persons[f.b]
            ex = f.extra
            first, middle, last = r.us_split(s)
            if middle and rng.random() < 0.5:
                first = f"{first} {middle}"
            sphone_id = s.phone_at(f.when.date())
            bphone_id = b.phone_at(f.when.date())
            sphone = r.phone(sphone_id, rate=0.05)
            bphone = rr.phone(bphone_id, rate=0.25)
            id_type, id_no, doc = "", "", None
            roll = rng.random()
            if s.passport and roll < 0.35:
                id_type, id_no = "PASSPORT", s.passport
            elif s.nationality == "MX" and roll < 0.75:
                id_type = "MATRICULA CONSULAR"
                id_no = _matricula(rng2, world, s.id)
            elif roll < 0.9:
                id_type = "DRIVER LICENSE"
                id_no = _licence(rng2, world, s.id)
            if id_no:
                doc = world.document_for(
                    s.id, id_type, id_no, s.nationality if id_type != "DRIVER LICENSE" else "US"
                )
            receiver = rr.mx_full(b) if not b.anglo else rr.us_full(b)
            values = {
                "TXN_ID": f"MT{f.when:%y%m%d}{i:08d}",
                "TXN_DATE": r.date(f.when),
                "TXN_TIME": f.when.strftime("%I:%M %p"),
                "AGENT_ID": f"AG{rng.randrange(10000, 99999)}",
                "AGENT_CITY": s.city.upper(),
                "AGENT_STATE": _state_of(s.city),
                "SENDER_FIRST": first,
                "SENDER_LAST": last,
                "SENDER_DOB": r.dob(s, rate=0.05),
                "SENDER_PHONE": sphone,
                "SENDER_ID_TYPE": id_type,
                "SENDER_ID_NO": id_no,
                "RECEIVER_NAME": receiver,
                "RECEIVER_CITY": b.city.upper(),
                "RECEIVER_COUNTRY": b.country,
                "RECEIVER_PHONE": bphone,
                "SEND_AMOUNT": f"{f.amount:.2f}",
                "SEND_CURRENCY": f.currency,
                "FEE": f"{min(25.0, 4.99 + f.amount * 0.01):.2f}",
                "PAYOUT_AMOUNT": f"{ex['paid_amount']:.2f}",
                "PAYOUT_CURRENCY": ex["paid_currency"],
            }
            refs = {"sender": s.id, "receiver": b.id}
            if doc:
                refs["sender_id"] = doc
            if sphone:
                refs["sender_phone"] = sphone_id
            if bphone:
                refs["receiver_phone"] = bphone_id
            yield Row(values, refs, fact=f)

    return spec, rows(), len(facts)


def _matricula(rng, world, pid: str) -> str:
    """The consular ID card number a Mexican sender shows (one per person, stable)."""
    return world.person_doc(pid, "MATRICULA", lambda: f"{rng.randrange(10**9):09d}")


def _licence(rng, world, pid: str) -> str:
    return world.person_doc(pid, "DL", lambda: f"{rng.randrange(10**8):08d}")


# --------------------------------------------------------------------------- subpoenaed calls
def subpoena_calls(ctx: Ctx) -> Source:
    spec = SourceSpec(
        name="subpoena_calls",
        fmt="csv",
        **agency("US"),
        delimiter="\t",
        encoding="utf-8",
        description="Carrier call records returned on subpoena (one line per call of a target)",
        **layout(
            """
            TARGET_NUMBER   target.number
            SUBSCRIBER      subscriber.name
            CALLING_NUMBER  caller.number
            CALLED_NUMBER   callee.number
            CALL_DATE
            CALL_TIME
            DURATION_SEC
            DIRECTION
            """,
            target="Phone",
            subscriber="Person",
            caller="Phone",
            callee="Phone",
        ),
        links={
            "call": link(
                "Call",
                "caller",
                "callee",
                start=("CALL_DATE", "CALL_TIME"),
                duration="DURATION_SEC",
                callType="DIRECTION",
            ),
            "subscription": uses("subscriber", "target"),
        },
        date_column="CALL_DATE",
        text_column="SUBSCRIBER",
    )
    world = ctx.world
    covered = ctx.us_cdr_phones
    lines = []
    for c in world.calls:
        if c[1] in covered:
            lines.append((c, c[1], "OUT"))
        if c[2] in covered:
            lines.append((c, c[2], "IN"))
    lines.sort(key=lambda x: (x[0][0], x[1]))
    r = ctx.render(spec.name, Style("US", "en", "MDY", upper=1.0))
    users = world.phone_index()

    def rows() -> Iterator[Row]:
        for (when, a, b, secs, _ev), target, direction in lines:
            sub = _subscriber_at(users, target, when.date())
            sub_name = ""
            if sub:
                sub_name = r.us_full(world.persons[sub])
            values = {
                "TARGET_NUMBER": r.phone(target, rate=0.0),
                "SUBSCRIBER": sub_name,
                "CALLING_NUMBER": r.phone(a, rate=0.0),
                "CALLED_NUMBER": r.phone(b, rate=0.0),
                "CALL_DATE": r.date(when),
                "CALL_TIME": when.strftime("%H:%M:%S"),
                "DURATION_SEC": str(secs),
                "DIRECTION": direction,
            }
            refs = {"target": target, "caller": a, "callee": b}
            if sub_name:
                refs["subscriber"] = sub
            yield Row(values, refs)

    return spec, rows(), len(lines)


def _subscriber_at(users, phone_id: str, day: dt.date) -> str | None:
    """Post-paid lines name their subscriber; prepaid burners do not."""
    for pid, span in users.get(phone_id, ()):
        if span.start <= day <= span.end:
            return None if span.burner else pid
    return None


# --------------------------------------------------------------------------- vehicle registrations
def us_vehicle_registrations(ctx: Ctx) -> Source:
    spec = SourceSpec(
        name="us_vehicle_registrations",
        fmt="csv",
        **agency("US"),
        delimiter=",",
        encoding="utf-8",
        lineterminator="\r\n",
        description="State motor-vehicle title and registration records",
        **layout(
            """
            TITLE_NO
            VIN         vehicle.vin
            PLATE       vehicle.plate
            REG_STATE   vehicle.plateState
            YEAR        vehicle.year
            MAKE        vehicle.make
            MODEL       vehicle.model
            COLOR       vehicle.color
            OWNER_NAME  owner.name
            OWNER_DOB   owner.birthDate
            ADDRESS     address.street
            CITY        address.city
            STATE       address.state
            ZIP         address.postalCode
            REG_DATE
            """,
            vehicle="Vehicle",
            owner="Person",
            address="Address",
        ),
        links={
            "ownership": link(
                "Ownership", "owner", "vehicle", start="REG_DATE", role=lit("REGISTERED OWNER")
            ),
            "residence": link("Residence", "owner", "address"),
        },
        date_column="REG_DATE",
        text_column="OWNER_NAME",
    )
    world = ctx.world
    vehicles = [v for v in world.vehicles.values() if v.country == "US" and v.owner]
    r = ctx.render(spec.name, Style("US", "en", "MDY", upper=1.0))
    rng = ctx.rng(spec.name)

    def rows() -> Iterator[Row]:
        for v in vehicles:
            p = world.persons[v.owner]
            home = world.addresses.get(p.home or "")
            us_home = home if home and home.country == "US" else None
            reg = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(700))
            values = {
                "TITLE_NO": f"{v.plate_state}{rng.randrange(10**9):09d}",
                "VIN": v.vin,
                "PLATE": v.plate,
                "REG_STATE": v.plate_state,
                "YEAR": str(v.year),
                "MAKE": v.make,
                "MODEL": v.model,
                "COLOR": v.color.upper(),
                "OWNER_NAME": r.us_full(p),
                "OWNER_DOB": r.dob(p, rate=0.5),
                "ADDRESS": r.case(f"{us_home.number} {us_home.street}") if us_home else "",
                "CITY": us_home.city.upper() if us_home else "",
                "STATE": us_home.state if us_home else "",
                "ZIP": us_home.postal_code if us_home else "",
                "REG_DATE": r.date(reg),
            }
            refs = {"vehicle": v.id, "owner": p.id}
            if us_home:
                refs["address"] = us_home.id
            yield Row(values, refs)

    return spec, rows(), len(vehicles)


# --------------------------------------------------------------------------- leases
def lease_records(ctx: Ctx) -> Source:
    spec = SourceSpec(
        name="lease_records",
        fmt="csv",
        **agency("US"),
        delimiter=";",
        encoding="utf-8-sig",
        lineterminator="\r\n",
        currency="USD",
        description="Residential lease records from property managers (subpoenaed)",
        **layout(
            """
            LEASE_ID
            PROPERTY_ADDRESS  property.street
            CITY              property.city
            STATE             property.state
            ZIP               property.postalCode
            TENANT_NAME       tenant.name
            TENANT_DOB        tenant.birthDate
            TENANT_PHONE      phone.number
            LEASE_START
            TERM_MONTHS
            MONTHLY_RENT
            LANDLORD
            """,
            tenant="Person",
            property="Address",
            phone="Phone",
        ),
        links={
            "lease": link(
                "Lease",
                "tenant",
                "property",
                start="LEASE_START",
                amount="MONTHLY_RENT",
                landlord="LANDLORD",
            ),
            "phone_use": uses("tenant", "phone"),
        },
        date_column="TENANT_DOB",
        text_column="TENANT_NAME",
    )
    world = ctx.world
    facts = ctx.facts("lease")
    r = ctx.render(spec.name, Style("US", "en", "MDY", upper=0.5, accents=0.2, formal=False))
    rng = ctx.rng(spec.name)
    landlords = (
        "SUNBELT PROPERTY MGMT",
        "RGV RENTALS LLC",
        "PECAN GROVE APARTMENTS",
        "LONE STAR HOMES",
        "DESERT VIEW MGMT",
        "HARBOR PROPERTIES",
    )

    def rows() -> Iterator[Row]:
        for i, f in enumerate(facts, 1):
            p = world.persons[f.a]
            a = world.addresses[f.place]
            ex = f.extra or {}
            phone_id = p.phone_at(f.when.date())
            phone = r.phone(phone_id, rate=0.1)
            values = {
                "LEASE_ID": f"L{f.when:%Y}{i:06d}",
                "PROPERTY_ADDRESS": r.case(f"{a.number} {a.street}"),
                "CITY": a.city,
                "STATE": a.state,
                "ZIP": a.postal_code,
                "TENANT_NAME": r.us_full(p),
                "TENANT_DOB": r.dob(p, rate=0.15),
                "TENANT_PHONE": phone,
                "LEASE_START": r.date(f.when),
                "TERM_MONTHS": str(ex.get("months", 12)),
                "MONTHLY_RENT": f"${f.amount:,.2f}",
                "LANDLORD": ex.get("landlord") or rng.choice(landlords),
            }
            refs = {"tenant": p.id, "property": a.id}
            if phone:
                refs["phone"] = phone_id
            yield Row(values, refs, fact=f)

    return spec, rows(), len(facts)


# --------------------------------------------------------------------------- H-2A roster
def h2a_employment(ctx: Ctx) -> Source:
    spec = SourceSpec(
        name="h2a_employment",
        fmt="csv",
        **agency("US"),
        delimiter=",",
        encoding="utf-8",
        description="H-2A worker rosters with the foreign recruiter named by the employer",
        **layout(
            """
            CASE_NO
            EMPLOYER_NAME         employer.name
            EMPLOYER_FEIN         employer.registrationNumber
            WORKSITE_CITY
            WORKSITE_STATE
            WORKER_LAST           worker.lastName
            WORKER_FIRST          worker.firstName
            WORKER_DOB            worker.birthDate
            PASSPORT_NO           worker.passportNumber
            NATIONALITY           worker.nationality
            VISA_CLASS
            START_DATE
            RECRUITER_NAME        recruiter.name
            RECRUITER_REG_NO      recruiter.registrationNumber
            RECRUITER_REGISTERED  recruiter.registeredRecruiter
            FEE_REPORTED
            FEE_CURRENCY
            """,
            worker="Person",
            employer="Organization",
            recruiter="Organization",
        ),
        links={
            "employment": link(
                "Employment",
                "worker",
                "employer",
                start="START_DATE",
                visaType="VISA_CLASS",
                fee="FEE_REPORTED",
                currency="FEE_CURRENCY",
            ),
            "recruitment": link(
                "Recruitment",
                "recruiter",
                "worker",
                start="START_DATE",
                fee="FEE_REPORTED",
                currency="FEE_CURRENCY",
            ),
        },
        date_column="WORKER_DOB",
        text_column="WORKER_LAST",
        swaps=(("WORKER_FIRST", "WORKER_LAST", None, None),),
    )
    world = ctx.world
    facts = ctx.facts("employment")
    r = ctx.render(spec.name, Style("US", "en", "MDY", upper=1.0))
    rng = ctx.rng(spec.name)

    def rows() -> Iterator[Row]:
        for i, f in enumerate(facts, 1):
            p = world.persons[f.a]
            emp = world.organizations[f.b]
            ag = world.organizations[f.extra["agency"]]
            first, middle, last = r.us_split(p)
            fee = f.extra.get("fee", 0)
            reported = "0" if not fee else (str(fee) if rng.random() < 0.4 else "")
            addr = world.addresses.get(emp.address or "")
            values = {
                "CASE_NO": f"H-300-{f.when:%y}{rng.randrange(100, 999)}-{i:06d}",
                "EMPLOYER_NAME": emp.name.upper(),
                "EMPLOYER_FEIN": emp.registration or "",
                "WORKSITE_CITY": addr.city.upper() if addr else "",
                "WORKSITE_STATE": addr.state if addr else "",
                "WORKER_LAST": last,
                "WORKER_FIRST": (first + " " + middle).strip(),
                "WORKER_DOB": r.dob(p, rate=0.02),
                "PASSPORT_NO": r.ident(p.passport, rate=0.05),
                "NATIONALITY": r.nationality(p),
                "VISA_CLASS": f.extra.get("visa", "H-2A"),
                "START_DATE": r.date(f.when),
                "RECRUITER_NAME": ag.name.upper(),
                "RECRUITER_REG_NO": ag.registration or "",
                "RECRUITER_REGISTERED": "Y" if ag.registered_recruiter else "N",
                "FEE_REPORTED": reported,
                "FEE_CURRENCY": f.extra.get("currency", "USD") if reported else "",
            }
            yield Row(values, {"worker": p.id, "employer": emp.id, "recruiter": ag.id}, fact=f)

    return spec, rows(), len(facts)


# --------------------------------------------------------------------------- seized phones
def phone_extractions(ctx: Ctx) -> Source:
    spec = SourceSpec(
        name="phone_extractions",
        fmt="csv",
        **agency("US"),
        delimiter=",",
        encoding="utf-8",
        description="Forensic extractions of seized phones: the contact list, one contact a line",
        **layout(
            """
            CASE_NO
            EXTRACTION_DATE
            DEVICE_OWNER     owner.name
            DEVICE_NUMBER    device.number
            CONTACT_NAME     contact.alias
            CONTACT_NUMBER   contact_phone.number
            """,
            owner="Person",
            device="Phone",
            contact="Person",
            contact_phone="Phone",
        ),
        links={
            "device_use": link("PhoneUse", "owner", "device", start="EXTRACTION_DATE"),
            "contact_use": link("PhoneUse", "contact", "contact_phone", contactName="CONTACT_NAME"),
        },
        date_column="EXTRACTION_DATE",
        text_column="CONTACT_NAME",
    )
    world = ctx.world
    facts = ctx.facts("extraction")
    r = ctx.render(spec.name, Style("US", "en", "MDY", upper=1.0))
    rng = ctx.rng(spec.name)
    expected = sum(len(f.extra["contacts"]) for f in facts)

    def rows() -> Iterator[Row]:
        for i, f in enumerate(facts, 1):
            owner = world.persons[f.a]
            device = f.extra["device"]
            owner_name = r.us_full(owner)
            device_txt = r.phone(device, rate=0.0)
            case = f"DFX-{f.when:%y}-{i:05d}"
            for phone_id, holder, label in f.extra["contacts"]:
                contact = label if rng.random() < 0.6 else label.upper()
                values = {
                    "CASE_NO": case,
                    "EXTRACTION_DATE": r.date(f.when),
                    "DEVICE_OWNER": owner_name,
                    "DEVICE_NUMBER": device_txt,
                    "CONTACT_NAME": contact,
                    "CONTACT_NUMBER": r.phone(phone_id, rate=0.0),
                }
                refs = {
                    "owner": owner.id,
                    "device": device,
                    "contact": holder,
                    "contact_phone": phone_id,
                }
                yield Row(values, refs, fact=f)

    return spec, rows(), expected
