"""Central American source: Guatemalan police and migration records (PNC / IGM), with DPI."""

from __future__ import annotations

from collections.abc import Iterator

from eslabon.synth.context import Ctx
from eslabon.synth.population import CA_TOWN_BY_NAME
from eslabon.synth.render import Style
from eslabon.synth.writer import Row, SourceSpec

Source = tuple[SourceSpec, Iterator[Row], int]


def gt_pnc_registros(ctx: Ctx) -> Source:
    spec = SourceSpec(
        name="gt_pnc_registros",
        fmt="csv",
        country="GT",
        language="es",
        date_convention="DMY",
        phone_region="GT",
        delimiter=";",
        encoding="utf-8",
        lineterminator="\r\n",
        description="PNC / IGM Guatemala: detenciones, denuncias y personas retornadas",
        columns=[
            "no_registro",
            "fecha",
            "hora",
            "dependencia",
            "departamento",
            "municipio",
            "nombres",
            "primer_apellido",
            "segundo_apellido",
            "tipo_documento",
            "dpi",
            "fecha_nacimiento",
            "sexo",
            "telefono",
            "motivo",
        ],
        entities={
            "persona": {
                "kind": "Person",
                "properties": {
                    "firstName": "nombres",
                    "fatherName": "primer_apellido",
                    "motherName": "segundo_apellido",
                    "nationalIdType": "tipo_documento",
                    "nationalId": "dpi",
                    "birthDate": "fecha_nacimiento",
                    "gender": "sexo",
                },
            },
            "telefono": {"kind": "Phone", "properties": {"number": "telefono"}},
        },
        links={
            "registro": {
                "kind": "Detention",
                "subject": "persona",
                "start": {"columns": ["fecha", "hora"]},
                "properties": {
                    "place": "municipio",
                    "agency": "dependencia",
                    "incident": "no_registro",
                    "status": "motivo",
                },
            },
            "uso_telefono": {"kind": "PhoneUse", "subject": "persona", "object": "telefono"},
        },
        date_column="fecha_nacimiento",
        text_column="nombres",
        swaps=(("nombres", "primer_apellido", None, None),),
    )
    world = ctx.world
    facts = ctx.facts("gt_record")
    r = ctx.render(spec.name, Style("GT", "es", "DMY", upper=0.7, accents=0.4))

    def rows() -> Iterator[Row]:
        for i, f in enumerate(facts, 1):
            p = world.persons[f.a]
            ex = f.extra or {}
            given, pat, mat = r.mx_split(p)
            id_type, dpi = r.national_id(p, rate=0.12)
            if id_type and id_type != "DPI":
                id_type, dpi = "", ""
            phone = r.phone(ex.get("phone"), rate=0.3)
            town = CA_TOWN_BY_NAME.get(f.place or "")
            returned = ex.get("motivo") == "RETORNADO"
            values = {
                "no_registro": f"{'IGM' if returned else 'PNC'}-{f.when:%Y}-{i:06d}",
                "fecha": r.date(f.when),
                "hora": r.time(f.when),
                "dependencia": "IGM" if returned else "PNC",
                "departamento": r.case(town.department if town else "Guatemala"),
                "municipio": r.case(town.name if town else (f.place or "")),
                "nombres": given,
                "primer_apellido": pat,
                "segundo_apellido": mat,
                "tipo_documento": id_type,
                "dpi": dpi,
                "fecha_nacimiento": r.dob(p, rate=0.06),
                "sexo": "HOMBRE" if p.sex == "M" else "MUJER",
                "telefono": phone,
                "motivo": ex.get("motivo", ""),
            }
            refs = {"persona": p.id}
            if phone:
                refs["telefono"] = ex["phone"]
            yield Row(values, refs, fact=f)

    return spec, rows(), len(facts)
