"""Mexican sources: Spanish columns, day/month/year dates, upper case without accents, CURP.

Each function returns (spec, rows, expected row count); rows are rendered lazily so that even a
million-row world streams to disk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from eslabon.synth.context import Ctx, event_ref, seeds_for
from eslabon.synth.layout import agency, holds, layout, link, lit, uses
from eslabon.synth.places import MX_CITIES
from eslabon.synth.render import Style
from eslabon.synth.writer import Row, SourceSpec

Source = tuple[SourceSpec, Iterator[Row], int]
STATIONS = {
    "Tapachula": "EM SIGLO XXI TAPACHULA",
    "Tenosique": "EM TENOSIQUE",
    "Villahermosa": "EM VILLAHERMOSA",
    "Coatzacoalcos": "EM ACAYUCAN",
    "Puebla": "EM PUEBLA",
    "Monterrey": "EM MONTERREY",
    "Ciudad Hidalgo": "EM TAPACHULA",
    "Ciudad de México": "EM LAS AGUJAS",
    "Veracruz": "EM VERACRUZ",
}
HIGHWAYS = (
    "MEX-200",
    "MEX-145D",
    "MEX-185",
    "MEX-150D",
    "MEX-57",
    "MEX-85",
    "MEX-40D",
    "MEX-15D",
    "MEX-190",
    "MEX-45",
)


def _mx_place(city: str | None) -> tuple[str, str]:
    c = MX_CITIES.get(city or "")
    return (c.municipio, c.state) if c else (city or "", "")


# --------------------------------------------------------------------------- INM
def inm_detenciones(ctx: Ctx) -> Source:
    spec = SourceSpec(
        name="inm_detenciones",
        fmt="csv",
        **agency("MX"),
        delimiter=";",
        encoding="latin-1",
        lineterminator="\r\n",
        description="INM: personas extranjeras presentadas en estaciones migratorias",
        **layout(
            """
            folio
            numero_iph
            fecha_evento
            hora
            estacion_migratoria
            municipio
            estado
            nombre               detenido.firstName
            apellido_paterno     detenido.fatherName
            apellido_materno     detenido.motherName
            sexo                 detenido.gender
            fecha_nacimiento     detenido.birthDate
            nacionalidad         detenido.nationality
            tipo_documento       detenido.nationalIdType
            numero_documento     detenido.nationalId
            telefono             telefono.number
            situacion
            """,
            detenido="Person",
            telefono="Phone",
        ),
        links={
            "presentacion": link(
                "Detention",
                "detenido",
                start=("fecha_evento", "hora"),
                place="municipio",
                agency=lit("INM"),
                incident="numero_iph",
                status="situacion",
            ),
            "uso_telefono": uses("detenido", "telefono"),
        },
        date_column="fecha_nacimiento",
        text_column="nombre",
        swaps=(("nombre", "apellido_paterno", None, None),),
    )
    world = ctx.world
    facts = [f for f in ctx.facts("inm_detention") if world.persons[f.a].nationality != "MX"]
    r = ctx.render(spec.name, Style("MX", "es", "DMY", upper=1.0, accents=0.05))
    rng = ctx.rng(spec.name)

    def rows() -> Iterator[Row]:
        for i, f in enumerate(facts, 1):
            p = world.persons[f.a]
            r.protect = bool(f.extra and f.extra.get("protect"))
            given, pat, mat = r.mx_split(p)
            doc_type, doc = r.national_id(p, rate=0.35)
            if not doc and p.passport and rng.random() < 0.5:
                doc_type, doc = "PASAPORTE", p.passport
            municipio, estado = _mx_place(f.place)
            phone = r.phone((f.extra or {}).get("phone"), rate=0.4)
            values = {
                "folio": (folio := f"INM/{estado[:4].upper()}/{f.when.year}/{i:06d}"),
                "numero_iph": event_ref(f, "IPH-", folio),
                "fecha_evento": r.date(f.when),
                "hora": r.time(f.when),
                "estacion_migratoria": STATIONS.get(f.place or "", "EM " + municipio.upper()),
                "municipio": r.case(municipio),
                "estado": r.case(estado),
                "nombre": given,
                "apellido_paterno": pat,
                "apellido_materno": mat,
                "sexo": r.sex(p),
                "fecha_nacimiento": r.dob(p, rate=0.04),
                "nacionalidad": r.nationality(p),
                "tipo_documento": doc_type,
                "numero_documento": doc,
                "telefono": phone,
                "situacion": rng.choice(
                    (
                        "PRESENTADO",
                        "PRESENTADO",
                        "RETORNO ASISTIDO",
                        "DEPORTADO",
                        "CANALIZADO COMAR",
                    )
                ),
            }
            refs = {"detenido": p.id}
            if phone:
                refs["telefono"] = f.extra["phone"]
            yield Row(values, refs, protect=r.protect, fact=f)

    return spec, rows(), len(facts)


# --------------------------------------------------------------------------- FGR
def fgr_carpetas(ctx: Ctx) -> Source:
    spec = SourceSpec(
        name="fgr_carpetas",
        fmt="jsonl",
        **agency("MX"),
        description="FGR: carpetas de investigación (una línea por imputado y víctima)",
        **layout(
            """
            carpeta
            numero_iph
            fecha_inicio
            delito
            fiscalia
            lugar.municipio
            lugar.estado
            imputado.nombre_completo   imputado.name
            imputado.alias             imputado.alias
            imputado.curp              imputado.curp
            imputado.fecha_nacimiento  imputado.birthDate
            imputado.sexo              imputado.gender
            imputado.telefono          tel_imputado.number
            imputado.domicilio         domicilio.full
            imputado.calidad
            victima.nombre             victima.firstName
            victima.apellido_paterno   victima.fatherName
            victima.apellido_materno   victima.motherName
            victima.nacionalidad       victima.nationality
            victima.fecha_nacimiento   victima.birthDate
            victima.telefono           tel_victima.number
            vehiculo.placas            vehiculo.plate
            vehiculo.marca             vehiculo.make
            vehiculo.color             vehiculo.color
            vehiculo.niv               vehiculo.vin
            """,
            imputado="Person",
            tel_imputado="Phone",
            domicilio="Address",
            victima="Person",
            tel_victima="Phone",
            vehiculo="Vehicle",
        ),
        links={
            "imputacion": link(
                "Arrest",
                "imputado",
                start="fecha_inicio",
                place="lugar.municipio",
                agency="fiscalia",
                incident="numero_iph",
                charge="delito",
                status="imputado.calidad",
            ),
            "uso_tel_imputado": uses("imputado", "tel_imputado"),
            "residencia": link("Residence", "imputado", "domicilio"),
            "senalamiento": link(
                "Associate", "victima", "imputado", relationship=lit("VICTIMA SENALA A")
            ),
            "uso_tel_victima": uses("victima", "tel_victima"),
            "aseguramiento": link(
                "Seizure",
                "imputado",
                "vehiculo",
                start="fecha_inicio",
                place="lugar.municipio",
                agency="fiscalia",
                incident="numero_iph",
            ),
        },
        date_column="fecha_inicio",
        text_column="imputado.nombre_completo",
    )
    world = ctx.world
    facts = ctx.facts("carpeta")
    r = ctx.render(spec.name, Style("MX", "es", "DMY", upper=0.95, accents=0.1))
    rng = ctx.rng(spec.name)
    expected = sum(max(1, len(f.extra["people"]) - 1) for f in facts)

    def rows() -> Iterator[Row]:
        for f in facts:
            ex = f.extra
            people = ex["people"]
            imp_id, calidad, imp_phone, show_alias = people[0]
            imp = world.persons[imp_id]
            r.protect = bool(ex.get("protect"))
            municipio, estado = _mx_place(f.place)
            known = r.protect or calidad != "PROBABLE RESPONSABLE" or rng.random() < 0.3
            name = r.mx_full(imp) if known else ""
            alias = r.alias(imp, 0.9 if show_alias else 0.2)
            if not name and not alias:
                alias = r.case(imp.alias or "EL " + imp.given.split()[0], True, False)
            curp = r.ident(imp.curp, rate=0.6) if known else ""
            dob = r.dob(imp, rate=0.5) if known else ""
            addr = imp.home if known and rng.random() < 0.5 else None
            phone_txt = r.phone(imp_phone, rate=0.3)
            veh = world.vehicles.get(f.vehicle or "")
            base = {
                "carpeta": ex["carpeta"],
                "numero_iph": event_ref(f, "IPH-", ex["carpeta"]),
                "fecha_inicio": r.date(f.when),
                "delito": ex["delito"],
                "fiscalia": "FGR" if ex["delito"] != "NARCOMENUDEO" else "FGE",
                "lugar.municipio": r.case(municipio),
                "lugar.estado": r.case(estado),
                "imputado.nombre_completo": name,
                "imputado.alias": alias,
                "imputado.curp": curp,
                "imputado.fecha_nacimiento": dob,
                "imputado.sexo": "MASCULINO" if imp.sex == "M" else "FEMENINO",
                "imputado.telefono": phone_txt,
                "imputado.domicilio": r.address_line(addr),
                "imputado.calidad": calidad,
                "vehiculo.placas": veh.plate if veh else "",
                "vehiculo.marca": veh.make if veh else "",
                "vehiculo.color": r.color(veh.color) if veh else "",
                "vehiculo.niv": r.ident(veh.vin, rate=0.4) if veh else "",
            }
            refs = {"imputado": imp.id}
            if phone_txt:
                refs["tel_imputado"] = imp_phone
            if addr:
                refs["domicilio"] = addr
            if veh:
                refs["vehiculo"] = veh.id
            victims = people[1:] or [None]
            seeded = False
            for v in victims:
                values = dict(base)
                vrefs = dict(refs)
                if v is not None:
                    vp = world.persons[v[0]]
                    r.protect = False
                    given, pat, mat = r.mx_split(vp)
                    vphone = r.phone(v[2], rate=0.3)
                    values.update(
                        {
                            "victima.nombre": given,
                            "victima.apellido_paterno": pat,
                            "victima.apellido_materno": mat,
                            "victima.nacionalidad": r.nationality(vp),
                            "victima.fecha_nacimiento": r.dob(vp, rate=0.2),
                            "victima.telefono": vphone,
                        }
                    )
                    vrefs["victima"] = vp.id
                    if vphone:
                        vrefs["tel_victima"] = v[2]
                seeds = (
                    [] if seeded else seeds_for(f, spec.name, {"name": name, "phone": phone_txt})
                )
                seeded = seeded or bool(seeds)
                yield Row(values, vrefs, protect=bool(ex.get("protect")), seeds=seeds, fact=f)

    return spec, rows(), expected


# --------------------------------------------------------------------------- Guardia Nacional
def gn_puntos_revision(ctx: Ctx) -> Source:
    spec = SourceSpec(
        name="gn_puntos_revision",
        fmt="csv",
        **agency("MX"),
        delimiter="|",
        encoding="utf-8",
        description="Guardia Nacional: revisiones en puntos de inspección carretera",
        **layout(
            """
            folio
            numero_iph
            fecha
            hora
            carretera
            km
            municipio
            estado
            placa               vehiculo.plate
            entidad_placa       vehiculo.plateState
            marca               vehiculo.make
            submarca            vehiculo.model
            modelo              vehiculo.year
            color               vehiculo.color
            niv                 vehiculo.vin
            nombre_conductor    conductor.name
            curp_conductor      conductor.curp
            telefono_conductor  telefono.number
            num_pasajeros
            resultado
            """,
            conductor="Person",
            vehiculo="Vehicle",
            telefono="Phone",
        ),
        links={
            "revision": link(
                "Stop",
                "conductor",
                "vehiculo",
                start=("fecha", "hora"),
                place="municipio",
                agency=lit("GN"),
                incident="numero_iph",
                passengers="num_pasajeros",
                outcome="resultado",
            ),
            "uso_telefono": uses("conductor", "telefono"),
        },
        date_column="fecha",
        text_column="nombre_conductor",
    )
    world = ctx.world
    facts = ctx.facts("gn_stop")
    r = ctx.render(spec.name, Style("MX", "es", "DMY", upper=1.0, accents=0.05))
    rng = ctx.rng(spec.name)

    def rows() -> Iterator[Row]:
        for i, f in enumerate(facts, 1):
            p = world.persons[f.a]
            v = world.vehicles[f.vehicle] if f.vehicle else None
            r.protect = bool(f.extra.get("protect"))
            municipio, estado = _mx_place(f.place)
            name = r.mx_full(p)
            phone = r.phone(f.extra.get("phone"), rate=0.5)
            plate = v.plate if v else ""
            if plate and r.chance(0.3):
                plate = plate.replace("-", "")
            values = {
                "folio": (folio := f"GN-{f.when.year}-{i:07d}"),
                "numero_iph": event_ref(f, "IPH-", folio),
                "fecha": r.date(f.when, rng.random() < 0.3),
                "hora": r.time(f.when),
                "carretera": rng.choice(HIGHWAYS),
                "km": str(rng.randrange(1, 400)),
                "municipio": r.case(municipio),
                "estado": r.case(estado),
                "placa": plate,
                "entidad_placa": v.plate_state if v else "",
                "marca": v.make if v else "",
                "submarca": v.model if v else "",
                "modelo": str(v.year) if v else "",
                "color": r.color(v.color) if v else "",
                "niv": r.ident(v.vin, rate=0.5) if v else "",
                "nombre_conductor": name,
                "curp_conductor": r.ident(p.curp, rate=0.35),
                "telefono_conductor": phone,
                "num_pasajeros": str(f.extra.get("passengers", 0)),
                "resultado": f.extra.get("result", "SIN NOVEDAD"),
            }
            refs = {"conductor": p.id}
            if v:
                refs["vehiculo"] = v.id
            if phone:
                refs["telefono"] = f.extra["phone"]
            seeds = seeds_for(f, spec.name, {"name": name, "plate": plate, "phone": phone})
            yield Row(values, refs, protect=r.protect, seeds=seeds, fact=f)

    return spec, rows(), len(facts)


# --------------------------------------------------------------------------- call detail records
def cdr_telcel(ctx: Ctx) -> Source:
    spec = SourceSpec(
        name="cdr_telcel",
        fmt="csv",
        **agency("MX"),
        delimiter=",",
        encoding="utf-8",
        description="Registros de llamadas entregados por el operador por orden judicial",
        **layout(
            """
            id_registro
            numero_a      origen.number
            numero_b      destino.number
            fecha
            hora
            duracion_seg
            tipo
            celda
            """,
            origen="Phone",
            destino="Phone",
        ),
        links={
            "llamada": link(
                "Call",
                "origen",
                "destino",
                start=("fecha", "hora"),
                duration="duracion_seg",
                callType="tipo",
            ),
        },
        date_column="fecha",
        text_column="celda",
        swaps=(("numero_a", "numero_b", "origen", "destino"),),
    )
    world = ctx.world
    covered = ctx.mx_cdr_phones
    calls = sorted(
        (c for c in world.calls if c[1] in covered or c[2] in covered), key=lambda c: c[0]
    )
    r = ctx.render(spec.name, Style("MX", "es", "DMY"))
    rng = ctx.rng(spec.name)
    phones = world.phones

    def rows() -> Iterator[Row]:
        for i, (when, a, b, secs, _ev) in enumerate(calls, 1):
            sms = rng.random() < 0.12
            na = r.phone(a, rate=0.0)
            nb = r.phone(b, rate=0.0)
            values = {
                "id_registro": f"{i:09d}",
                "numero_a": na,
                "numero_b": nb,
                "fecha": r.date(when),
                "hora": when.strftime("%H:%M:%S"),
                "duracion_seg": "0" if sms else str(secs),
                "tipo": "SMS" if sms else "VOZ",
                "celda": f"{phones[a].e164[3:6]}-{rng.randrange(1, 400):04d}",
            }
            yield Row(values, {"origen": a, "destino": b})

    return spec, rows(), len(calls)


# --------------------------------------------------------------------------- UIF
def uif_transferencias(ctx: Ctx) -> Source:
    spec = SourceSpec(
        name="uif_transferencias",
        fmt="csv",
        **agency("MX"),
        delimiter="\t",
        encoding="cp1252",
        lineterminator="\r\n",
        currency="MXN",
        description="UIF: reportes de operaciones de transferencias y remesas",
        **layout(
            """
            folio_reporte
            fecha_operacion
            tipo_operacion
            monto_origen
            moneda_origen
            monto_pagado
            moneda_pago
            remitente_nombre         remitente.name
            remitente_pais
            remitente_telefono       tel_remitente.number
            beneficiario_nombre      beneficiario.firstName
            beneficiario_ap_paterno  beneficiario.fatherName
            beneficiario_ap_materno  beneficiario.motherName
            beneficiario_curp        beneficiario.curp
            beneficiario_fecha_nac   beneficiario.birthDate
            beneficiario_telefono    tel_beneficiario.number
            cuenta_beneficiario      cuenta.number
            institucion              cuenta.institution
            sucursal
            municipio
            estado
            """,
            remitente="Person",
            tel_remitente="Phone",
            beneficiario="Person",
            tel_beneficiario="Phone",
            cuenta="Account",
        ),
        links={
            "transferencia": link(
                "Payment",
                "remitente",
                "beneficiario",
                start="fecha_operacion",
                amount="monto_origen",
                currency="moneda_origen",
                method="tipo_operacion",
                reference="folio_reporte",
                place="municipio",
            ),
            "uso_tel_remitente": uses("remitente", "tel_remitente"),
            "uso_tel_beneficiario": uses("beneficiario", "tel_beneficiario"),
            "titular": link("Ownership", "beneficiario", "cuenta", role=lit("TITULAR")),
        },
        date_column="beneficiario_fecha_nac",
        text_column="remitente_nombre",
        swaps=(
            ("beneficiario_telefono", "remitente_telefono", "tel_beneficiario", "tel_remitente"),
            ("beneficiario_nombre", "beneficiario_ap_paterno", None, None),
        ),
    )
    world = ctx.world
    rng = ctx.rng(spec.name)
    facts = []
    for f in ctx.facts("transfer"):
        receiver = world.persons[f.b]
        if receiver.country != "MX":
            continue
        if f.network or rng.random() < 0.35:
            facts.append(f)
    r = ctx.render(spec.name, Style("MX", "es", "DMY", upper=1.0, accents=0.02))
    rs = ctx.render(
        spec.name + ":sender", Style("MX", "es", "DMY", upper=1.0, accents=0.0, formal=False)
    )

    def rows() -> Iterator[Row]:
        for i, f in enumerate(facts, 1):
            s, b = world.persons[f.a], world.persons[f.b]
            ex = f.extra
            domestic = s.country == "MX"
            given, pat, mat = r.mx_split(b)
            sname = rs.mx_full(s) if s.nationality != "US" or not s.anglo else rs.us_full(s)
            sphone = rs.phone(s.phone_at(f.when.date()), rate=0.4)
            bphone = r.phone(b.phone_at(f.when.date()), rate=0.3)
            acc = world.accounts.get(ex.get("account") or "")
            municipio, estado = _mx_place(b.city)
            values = {
                "folio_reporte": f"UIF{f.when.year}{i:08d}",
                "fecha_operacion": r.date(f.when),
                "tipo_operacion": ex.get("method")
                or ("DEPOSITO" if domestic else "REMESA INTERNACIONAL"),
                "monto_origen": f"{f.amount:,.2f}" if rng.random() < 0.5 else f"{f.amount:.2f}",
                "moneda_origen": f.currency,
                "monto_pagado": f"{ex['paid_amount']:.2f}",
                "moneda_pago": ex["paid_currency"],
                "remitente_nombre": sname,
                "remitente_pais": "MEXICO" if domestic else "ESTADOS UNIDOS",
                "remitente_telefono": sphone,
                "beneficiario_nombre": given,
                "beneficiario_ap_paterno": pat,
                "beneficiario_ap_materno": mat,
                "beneficiario_curp": r.ident(b.curp, rate=0.45),
                "beneficiario_fecha_nac": r.dob(b, rate=0.25),
                "beneficiario_telefono": bphone,
                "cuenta_beneficiario": acc.number if acc else "",
                "institucion": acc.institution if acc else "",
                "sucursal": f"SUC {rng.randrange(1, 999):03d}"
                + (
                    ""
                    if acc
                    else " " + rng.choice(("ELEKTRA", "COPPEL", "TELECOMM", "OXXO", "BANCO AZTECA"))
                ),
                "municipio": r.case(municipio),
                "estado": r.case(estado),
            }
            refs = {"remitente": s.id, "beneficiario": b.id}
            if sphone:
                refs["tel_remitente"] = s.phone_at(f.when.date())
            if bphone:
                refs["tel_beneficiario"] = b.phone_at(f.when.date())
            if acc:
                refs["cuenta"] = acc.id
            yield Row(values, refs, fact=f)

    return spec, rows(), len(facts)


# --------------------------------------------------------------------------- REPUVE
def repuve(ctx: Ctx) -> Source:
    spec = SourceSpec(
        name="repuve",
        fmt="csv",
        **agency("MX"),
        delimiter=",",
        encoding="utf-8-sig",
        lineterminator="\r\n",
        description="REPUVE: registro público vehicular (consulta por NIV y placa)",
        **layout(
            """
            niv                vehiculo.vin
            placa              vehiculo.plate
            entidad            vehiculo.plateState
            marca              vehiculo.make
            linea              vehiculo.model
            modelo             vehiculo.year
            color              vehiculo.color
            fecha_inscripcion
            propietario        propietario.name
            rfc_propietario    propietario.rfc
            domicilio          domicilio.street
            municipio          domicilio.city
            estado             domicilio.state
            cp                 domicilio.postalCode
            """,
            vehiculo="Vehicle",
            propietario="Person",
            domicilio="Address",
        ),
        links={
            "propiedad": link(
                "Ownership",
                "propietario",
                "vehiculo",
                start="fecha_inscripcion",
                role=lit("PROPIETARIO"),
            ),
            "residencia": link("Residence", "propietario", "domicilio"),
        },
        date_column="fecha_inscripcion",
        text_column="propietario",
    )
    world = ctx.world
    vehicles = [v for v in world.vehicles.values() if v.country == "MX" and v.owner]
    r = ctx.render(spec.name, Style("MX", "es", "DMY", upper=1.0, accents=0.0))
    rng = ctx.rng(spec.name)

    def rows() -> Iterator[Row]:
        for v in vehicles:
            p = world.persons[v.owner]
            first = dt.date(max(v.year - 1, 2000), 1, 1)
            reg = first + dt.timedelta(
                days=rng.randrange(max(1, (dt.date(2023, 6, 1) - first).days))
            )
            home = world.addresses.get(p.home or "")
            mx_home = home if home and home.country == "MX" else None
            values = {
                "niv": r.ident(v.vin, rate=0.0),
                "placa": v.plate,
                "entidad": v.plate_state,
                "marca": v.make,
                "linea": v.model,
                "modelo": str(v.year),
                "color": r.color(v.color),
                "fecha_inscripcion": r.date(reg),
                "propietario": r.mx_full(p),
                "rfc_propietario": r.ident(p.rfc, rate=0.3),
                "domicilio": r.case(f"{mx_home.street} {mx_home.number} COL {mx_home.colonia}")
                if mx_home
                else "",
                "municipio": r.case(mx_home.city) if mx_home else "",
                "estado": r.case(mx_home.state) if mx_home else "",
                "cp": mx_home.postal_code if mx_home else "",
            }
            refs = {"vehiculo": v.id, "propietario": p.id}
            if mx_home:
                refs["domicilio"] = mx_home.id
            yield Row(values, refs)

    return spec, rows(), len(vehicles)


# --------------------------------------------------------------------------- hotels (xlsx)
def hoteles_registro(ctx: Ctx) -> Source:
    spec = SourceSpec(
        name="hoteles_registro",
        fmt="xlsx",
        **agency("MX"),
        currency="MXN",
        description="Libros de registro de huéspedes de hoteles (requeridos por la fiscalía)",
        **layout(
            """
            Hotel                hotel.name
            Dirección            direccion_hotel.full
            Fecha entrada
            Fecha salida
            Habitación
            Huésped              huesped.name
            Tipo identificación  documento.docType
            Identificación       documento.number
            Teléfono             telefono.number
            Placas               vehiculo.plate
            Huéspedes
            Importe
            """,
            huesped="Person",
            hotel="Organization",
            direccion_hotel="Address",
            documento="IdentityDocument",
            telefono="Phone",
            vehiculo="Vehicle",
        ),
        links={
            "hospedaje": link(
                "Lodging",
                "huesped",
                "hotel",
                start="Fecha entrada",
                end="Fecha salida",
                room="Habitación",
                guests="Huéspedes",
                amount="Importe",
            ),
            "ubicacion": link("Residence", "hotel", "direccion_hotel"),
            "uso_telefono": uses("huesped", "telefono"),
            "identificacion": holds("huesped", "documento", "TITULAR"),
        },
        date_column="Fecha entrada",
        text_column="Huésped",
    )
    world = ctx.world
    facts = ctx.facts("lodging")
    r = ctx.render(spec.name, Style("MX", "es", "DMY", upper=0.4, accents=0.5, formal=False))
    rng = ctx.rng(spec.name)

    def rows() -> Iterator[Row]:
        for f in facts:
            p = world.persons[f.a]
            hotel = world.organizations[f.place]
            ex = f.extra
            nights = ex.get("nights", 1)
            name = r.mx_full(p) if not p.anglo else r.us_full(p)
            doc_type, doc_no, doc_id = "", "", None
            if ex.get("doc"):
                d = world.documents[ex["doc"]]
                doc_type, doc_no, doc_id = "CURP", d.number, d.id
            elif p.curp and rng.random() < 0.5:
                doc_type, doc_no = "CURP", p.curp
                doc_id = world.document_for(p.id, "CURP", p.curp, "MX")
            elif p.passport and rng.random() < 0.7:
                doc_type, doc_no = "PASAPORTE", p.passport
                doc_id = world.document_for(p.id, "PASAPORTE", p.passport, p.nationality)
            phone = r.phone(ex.get("phone"), rate=0.3)
            veh = world.vehicles.get(ex.get("vehicle") or "")
            values = {
                "Hotel": r.case(hotel.name),
                "Dirección": r.address_line(hotel.address),
                "Fecha entrada": r.date(f.when),
                "Fecha salida": r.date(f.when + dt.timedelta(days=nights)),
                "Habitación": str(rng.randrange(1, 40)),
                "Huésped": name,
                "Tipo identificación": doc_type,
                "Identificación": doc_no,
                "Teléfono": phone,
                "Placas": veh.plate if veh else "",
                "Huéspedes": ex.get("guests", 1),
                "Importe": float(nights * rng.randrange(350, 900, 50)),
            }
            refs = {"huesped": p.id, "hotel": hotel.id}
            if hotel.address:
                refs["direccion_hotel"] = hotel.address
            if doc_id:
                refs["documento"] = doc_id
            if phone:
                refs["telefono"] = ex["phone"]
            if veh:
                refs["vehiculo"] = veh.id
            yield Row(values, refs, fact=f)

    return spec, rows(), len(facts)
