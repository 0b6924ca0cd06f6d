"""Central American source: Guatemalan police and migration records (PNC / IGM), with DPI."""

from __future__ import annotations

from collections.abc import Iterator

from eslabon.synth.context import Ctx
from eslabon.synth.layout import agency, layout, link, uses
from eslabon.synth.population import CA_TOWN_BY_NAME
from eslabon.synth.render import Style
from eslabon.synth.writer import Row, SourceSpec

Source = tuple[SourceSpec, Iterator[Row], int]


def gt_pnc_registros(ctx: Ctx) -> Source:
    spec = SourceSpec(
        name="gt_pnc_registros",
        fmt="csv",
        **agency("GT"),
        delimiter=";",
        encoding="utf-8",
        lineterminator="\r\n",
        description="PNC / IGM Guatemala: detenciones, denuncias y personas retornadas",
        **layout(
            """
            no_registro
            fecha
            hora
            dependencia
            departamento
            municipio
            nombres           persona.firstName
            primer_apellido   persona.fatherName
            segundo_apellido  persona.motherName
            tipo_documento    persona.nationalIdType
            dpi               persona.nationalId
            fecha_nacimiento  persona.birthDate
            sexo              persona.gender
            telefono          telefono.number
            motivo
            """,
            persona="Person",
            telefono="Phone",
        ),
        links={
            "registro": link(
                "Detention",
                "persona",
                start=("fecha", "hora"),
                place="municipio",
                agency="dependencia",
                incident="no_registro",
                status="motivo",
            ),
            "uso_telefono": uses("persona", "telefono"),
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
