"""Render true values the way one agency writes them: names, dates, phones and identifiers.

A `Style` holds an agency's habits (language, date convention, upper case, accents, formality);
`Render` applies them plus the NoiseProfile to a person or a value. Sources call these helpers so
every distortion of domain.md §1-4 is produced in one place.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from eslabon.synth.model import Person, World
from eslabon.synth.names_pool import INDIGENOUS_VARIANTS
from eslabon.synth.noise import (
    MISSING_MARKERS_EN,
    MISSING_MARKERS_ES,
    NoiseProfile,
    cut_compound,
    format_date,
    format_phone,
    nickname,
    strip_accents,
    swapped_date,
    typo,
)

ES_NATIONALITY = {
    "MX": ("MEXICANA", "MEXICO"),
    "GT": ("GUATEMALA", "GUATEMALTECA"),
    "HN": ("HONDURAS", "HONDURENA"),
    "SV": ("EL SALVADOR", "SALVADORENA"),
    "US": ("ESTADOS UNIDOS", "ESTADOUNIDENSE"),
}
EN_NATIONALITY = {
    "MX": ("MEXICO", "MEX"),
    "GT": ("GUATEMALA", "GTM"),
    "HN": ("HONDURAS", "HND"),
    "SV": ("EL SALVADOR", "SLV"),
    "US": ("UNITED STATES", "USA"),
}
ES_COLORS = {
    "white": "BLANCO",
    "black": "NEGRO",
    "silver": "PLATA",
    "gray": "GRIS",
    "red": "ROJO",
    "blue": "AZUL",
    "green": "VERDE",
    "gold": "DORADO",
    "maroon": "GUINDA",
}


@dataclass(frozen=True)
class Style:
    country: str  # MX US GT
    language: str  # es / en
    convention: str  # DMY MDY ISO
    upper: float = 1.0  # share of records in upper case
    accents: float = 0.0  # share of records that keep accents
    formal: bool = True  # official record (fewer nicknames)
    fixed_width: bool = False  # truncates long names


class Render:
    def __init__(self, world: World, noise: NoiseProfile, rng: random.Random, style: Style):
        self.world, self.noise, self.rng, self.style = world, noise, rng, style
        self.protect = False  # set while rendering a seed record: no missing values

    # -- small helpers ---------------------------------------------------------------------------
    def chance(self, p: float) -> bool:
        return not self.protect and self.rng.random() < p

    def missing(self) -> str:
        markers = MISSING_MARKERS_ES if self.style.language == "es" else MISSING_MARKERS_EN
        return self.rng.choice(markers)

    def case(self, s: str, upper: bool | None = None, accents: bool | None = None) -> str:
        if accents is None:
            accents = self.rng.random() < self.style.accents
        if not accents:
            keep_enye = self.style.country != "US" and self.rng.random() > self.noise.enye_lost_mx
            s = strip_accents(s, keep_enye=keep_enye)
        if upper is None:
            upper = self.rng.random() < self.style.upper
        return s.upper() if upper else s

    def word_noise(self, s: str) -> str:
        if s and self.chance(self.noise.typo):
            return typo(self.rng, s)
        return s

    def surname(self, s: str | None) -> str | None:
        if s and s in INDIGENOUS_VARIANTS and self.rng.random() < self.noise.indigenous_variant:
            return self.rng.choice(INDIGENOUS_VARIANTS[s])
        return s

    def given(self, p: Person) -> str:
        rng, n = self.rng, self.noise
        g = p.given
        rate = n.hypocorism_formal if self.style.formal else n.hypocorism_informal
        if not p.anglo and self.chance(rate):
            nick = nickname(rng, g)
            if nick:
                return nick
        if not p.anglo and self.chance(n.compound_given_cut):
            return cut_compound(rng, g)
        return g

    # -- names -----------------------------------------------------------------------------------
    def mx_split(self, p: Person) -> tuple[str, str, str]:
        """(given names, paternal, maternal) as a Mexican/Central American form records them."""
        upper = self.rng.random() < self.style.upper
        accents = self.rng.random() < self.style.accents
        given = self.word_noise(self.case(self.given(p), upper, accents))
        pat = self.word_noise(self.case(self.surname(p.paternal) or "", upper, accents))
        mat_true = p.maternal if not self.chance(self.noise.maternal_missing_mx) else None
        mat = self.word_noise(self.case(self.surname(mat_true) or "", upper, accents))
        if p.anglo and p.middle:
            given = self.case(f"{self.given(p)} {p.middle}", upper, accents)
        return given, pat, mat

    def mx_full(self, p: Person) -> str:
        given, pat, mat = self.mx_split(p)
        name = " ".join(x for x in (given, pat, mat) if x)
        if p.alias and self.chance(self.noise.alias_in_name):
            name += f' "{self.case(p.alias, True, False)}"'
        return name

    def us_split(self, p: Person) -> tuple[str, str, str]:
        """(first, middle, last) as a US form distorts a Hispanic name (domain.md §1)."""
        rng, n, st = self.rng, self.noise, self.style
        upper = rng.random() < st.upper
        accents = rng.random() < st.accents
        given = self.given(p)
        if p.anglo:
            first, middle, last = given, p.middle or "", p.paternal
            if middle and rng.random() < 0.3:
                middle = middle[0]
        else:
            parts = given.split()
            first, middle = given, ""
            if len(parts) > 1 and rng.random() < n.us_second_given_in_middle:
                first, middle = parts[0], " ".join(parts[1:])
            pat, mat = self.surname(p.paternal) or "", self.surname(p.maternal) or ""
            r = rng.random()
            if not mat:
                last = pat
            elif r < n.us_hyphenated:
                last = f"{pat}-{mat}"
            elif r < n.us_hyphenated + n.us_maternal_in_middle and not middle:
                last, middle = pat, mat
            elif r < n.us_hyphenated + n.us_maternal_in_middle + n.us_maternal_dropped:
                last = pat
            else:
                last = f"{pat} {mat}"
        first = self.word_noise(self.case(first, upper, accents))
        middle = self.case(middle, upper, accents) if middle else ""
        last = self.word_noise(self.case(last, upper, accents))
        if st.fixed_width and len(last) > 12 and self.chance(n.us_truncated * 6):
            last = last[:12]
        if self.chance(n.us_swapped):
            first, last = last, first
        return first, middle, last

    def us_comma(self, p: Person) -> str:
        first, middle, last = self.us_split(p)
        return f"{last}, {first}" + (f" {middle}" if middle else "")

    def us_full(self, p: Person) -> str:
        first, middle, last = self.us_split(p)
        return " ".join(x for x in (first, middle, last) if x)

    def alias(self, p: Person, p_show: float = 0.8) -> str:
        if p.alias and self.rng.random() < p_show:
            a = self.case(p.alias, True, self.rng.random() < 0.3)
            if self.rng.random() < 0.3 and a.startswith(("EL ", "LA ")):
                a = a[3:]
            return a
        return ""

    # -- values ----------------------------------------------------------------------------------
    def date(self, d: dt.date | dt.datetime | None, style: int = 0) -> str:
        if d is None:
            return ""
        if isinstance(d, dt.datetime):
            d = d.date()
        return format_date(d, self.style.convention, style)

    def time(self, t: dt.datetime) -> str:
        return t.strftime("%H:%M")

    def dob(self, p: Person, *, rate: float | None = None) -> str:
        n = self.noise
        if self.chance(n.missing_birth_date if rate is None else rate):
            return self.missing()
        if self.style.convention == "MDY" and self.chance(n.us_day_month_swap):
            return swapped_date(p.birth_date, "MDY")
        return self.date(p.birth_date)

    def sex(self, p: Person) -> str:
        if self.chance(self.noise.missing / 2):
            return ""
        if self.style.language == "es":
            return {"M": "H", "F": "M"}[p.sex]
        return p.sex

    def nationality(self, p: Person) -> str:
        table = ES_NATIONALITY if self.style.language == "es" else EN_NATIONALITY
        if self.chance(self.noise.missing):
            return self.missing()
        return self.rng.choice(table[p.nationality])

    def phone(self, phone_id: str | None, *, rate: float | None = None) -> str:
        if not phone_id or self.chance(self.noise.phone_missing if rate is None else rate):
            return ""
        return format_phone(self.rng, self.world.phones[phone_id].e164, self.style.country)

    def ident(self, value: str | None, *, rate: float | None = None) -> str:
        """An identifier as recorded: sometimes absent, rarely mistyped."""
        if not value or self.chance(self.noise.missing_id if rate is None else rate):
            return ""
        if self.chance(self.noise.id_typo):
            i = self.rng.randrange(len(value))
            repl = self.rng.choice(
                "0123456789" if value[i].isdigit() else "ABCDEFGHJKLMNPRSTUVWXYZ"
            )
            value = value[:i] + repl + value[i + 1 :]
        return value

    def a_number(self, p: Person, when: dt.date, *, rate: float | None = None) -> str:
        if not p.a_number or (p.a_number_since and when < p.a_number_since):
            return ""
        v = self.ident(p.a_number, rate=rate)
        if not v:
            return ""
        d = v[1:]
        return self.rng.choice(
            (v, v, f"A{d[:3]}-{d[3:6]}-{d[6:]}", f"A {d[:3]} {d[3:6]} {d[6:]}", d, f"A-{d}")
        )

    def national_id(self, p: Person, *, rate: float | None = None) -> tuple[str, str]:
        v = self.ident(p.national_id, rate=rate)
        if not v:
            return "", ""
        t = p.national_id_type or ""
        if t == "DPI" and self.rng.random() < 0.4:
            v = f"{v[:4]} {v[4:9]} {v[9:]}"
        elif t == "DUI" and self.rng.random() < 0.6:
            v = f"{v[:8]}-{v[8]}"
        elif t == "DNI" and self.rng.random() < 0.6:
            v = f"{v[:4]}-{v[4:8]}-{v[8:]}"
        return t, v

    def ssn(self, p: Person, *, rate: float | None = None) -> str:
        v = self.ident(p.ssn, rate=rate)
        if v and self.rng.random() < 0.6:
            v = f"{v[:3]}-{v[3:5]}-{v[5:]}"
        return v

    def color(self, key: str) -> str:
        return ES_COLORS[key] if self.style.language == "es" else key.upper()

    def address_line(self, address_id: str | None) -> str:
        if not address_id:
            return ""
        a = self.world.addresses[address_id]
        return self.case(a.full)
