"""Normalise the values one mapping key reads (an entity's or a link's columns), by the model.

The loader projects each key's columns, takes the distinct tuples and normalises each tuple once
here; the same functions serve tests and the bulk loader, so there is exactly one logic.

The property *type* in the model picks the normaliser; kinds that need several properties at once
(a person's name parts, a CURP checked against the same record's name and birth date) are finished
per kind. A value that can be read is kept, with a flag when it is doubtful; only an impossible date
or an unreadable record sends the row to quarantine, so nothing is silently dropped or guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from eslabon.ingest.mapping import EntitySpec, LinkSpec, Mapping, ValueSpec
from eslabon.model import load_schema
from eslabon.normalize import addresses, countries, dates, identifiers, money, names, phones
from eslabon.normalize.text import fold

MISSING = frozenset(
    {
        "",
        "NULL",
        "NONE",
        "N/A",
        "N A",
        "NA",
        "S/D",
        "SIN DATO",
        "SIN DATOS",
        "NO DISPONIBLE",
        "DESCONOCIDO",
        "UNKNOWN",
        "-",
        "--",
        "?",
        "NAN",
    }
)
DEFAULT_CURRENCY = {"MX": "MXN", "US": "USD", "GT": "GTQ", "HN": "HNL", "SV": "USD"}
NAME_PARTS = {
    "name": "full",
    "firstName": "first",
    "middleName": "middle",
    "lastName": "last",
    "fatherName": "father",
    "motherName": "mother",
    "alias": "alias",
}
ID_CHECKS = {
    "curp": "curp",
    "rfc": "rfc",
    "aNumber": "a_number",
    "ssn": "ssn",
    "passportNumber": "passport",
}
NATIONAL_ID_KINDS = {
    "DPI": "dpi",
    "CUI": "dpi",
    "DNI": "dni_hn",
    "DUI": "dui",
    "CURP": "curp",
    "PASSPORT": "passport",
    "PASAPORTE": "passport",
}
PROP_NAMES = {
    "curp": "curp",
    "rfc": "rfc",
    "aNumber": "a_number",
    "ssn": "ssn",
    "passportNumber": "passport",
}
_NON_ALNUM = re.compile(r"[^0-9A-Z]")


class Refused(Exception):
    """The record cannot be loaded; ``field`` and ``reason`` go to quarantine."""

    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


Flag = tuple[str, str, str | None]  # (field, flag, detail)


@dataclass
class EntityOutcome:
    """One entity key's reading of some values: props (None: no mention), caption, flags."""

    props: dict[str, Any] | None
    caption: str | None
    flags: list[Flag] = field(default_factory=list)


@dataclass
class LinkOutcome:
    """One link key's reading of some values (made only where its subject/object exist)."""

    start: Any
    end: Any
    props: dict[str, Any]
    flags: list[Flag] = field(default_factory=list)


def clean(value: str | None) -> str | None:
    """A cell as the normalisers see it: stripped, or None when empty or a missing-value word.

    Every column read goes through this, so values that clean alike normalise alike.
    """
    if value is None:
        return None
    value = value.strip()
    return value if value and value.upper() not in MISSING else None


def _value(spec: ValueSpec, values: dict[str, str | None]) -> str | None:
    if spec.literal is not None:
        return spec.literal
    columns = spec.columns
    if len(columns) == 1:  # the common case, called for every distinct tuple: no generator
        return clean(values.get(columns[0]))
    parts = [v for v in (clean(values.get(col)) for col in columns) if v is not None]
    return spec.join.join(parts) if parts else None


def _column(spec: ValueSpec) -> str:
    return spec.columns[0] if spec.columns else "(literal)"


@lru_cache(maxsize=200_000)
def _parse_name(parts: tuple[tuple[str, str], ...], convention: str) -> names.PersonName:
    return names.parse_name(**dict(parts), convention=convention)


def _gender(value: str, language: str | None) -> str | None:
    v = fold(value)
    if v in ("H", "HOMBRE", "MASCULINO", "MALE", "MAN", "V", "VARON"):
        return "M"
    if v in ("MUJER", "FEMENINO", "FEMALE", "WOMAN", "F"):
        return "F"
    if v == "M":  # Spanish records write H/M (hombre/mujer); English ones M/F
        return "F" if (language or "").startswith("es") else "M"
    return None


def _date_kept(res: Any, column: str, flags: list[Flag], impossible: str) -> bool:
    """The day/month convention's verdict on a parsed date: an impossible one refuses the row; one
    that reads only in the other convention is flagged and not kept; an ambiguous one is flagged
    and kept."""
    if res.status == "impossible":
        raise Refused(column, f"{impossible} ({res.note})")
    if res.status == "other_convention":
        flags.append((column, "date_other_convention", res.note))
        return False
    if res.status == "ambiguous":
        flags.append((column, "date_ambiguous", res.note))
    return True


class RowNormaliser:
    """Normalises records of one source; holds the source's conventions."""

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        self.schema = load_schema()
        self.convention = mapping.date_convention
        self.region = mapping.phone_region or mapping.country or "MX"
        self.name_convention = "US" if mapping.country == "US" else "MX"
        self.currency = mapping.currency or DEFAULT_CURRENCY.get(mapping.country or "")

    # -- values ----------------------------------------------------------------------------------
    def _date(self, raw: str, column: str, flags: list[Flag], label: str):
        res = dates.parse_date(raw, self.convention)
        if not _date_kept(res, column, flags, f"{label} '{raw}' is not a possible date"):
            return None
        return res.value.isoformat() if res.value else None

    def _datetime(self, spec: ValueSpec, values, flags: list[Flag], label: str):
        cols = [clean(values.get(c)) for c in spec.columns] if spec.columns else [spec.literal]
        date_raw = clean(cols[0]) if cols else None
        if date_raw is None:
            return None
        time_raw = cols[1] if len(cols) > 1 else None
        res = dates.parse_datetime(date_raw, time_raw, self.convention)
        column = _column(spec)
        shown = f"{date_raw} {time_raw}" if time_raw else date_raw
        if not _date_kept(res, column, flags, f"{label} '{shown}' is not a possible date/time"):
            return None
        return res.value

    def _typed(self, typ: str, raw: str, column: str, flags: list[Flag], label: str) -> Any:
        """Normalise a scalar by its model type; doubtful values are flagged, never dropped."""
        if typ == "date":
            return self._date(raw, column, flags, label)
        if typ == "country":
            code = countries.to_alpha2(raw)
            if code is None:
                flags.append((column, "country_unknown", raw))
                return raw
            return code
        if typ == "integer":
            digits = raw.replace(",", "").strip()
            try:
                return int(Decimal(digits))
            except Exception:
                flags.append((column, "not_a_number", raw))
                return raw
        if typ == "number":
            try:
                return float(raw.replace(",", ""))
            except ValueError:
                flags.append((column, "not_a_number", raw))
                return raw
        if typ == "plate":
            return _NON_ALNUM.sub("", fold(raw)) or None
        if typ == "vin":
            res = identifiers.check_vin(raw)
            if res.status != "valid":
                flags.append((column, f"vin_{res.status}", "; ".join(res.reasons)))
            return res.value
        if typ == "postal_code":
            return re.sub(r"\D", "", raw)[:5] or raw
        return raw.strip()

    # -- kinds -----------------------------------------------------------------------------------
    def _person(self, spec: EntitySpec, values, flags: list[Flag]) -> dict[str, Any] | None:
        got: dict[str, tuple[str, str]] = {}
        for prop, vspec in spec.properties.items():
            v = _value(vspec, values)
            if v is not None:
                got[prop] = (v, _column(vspec))
        if not got:
            return None
        props: dict[str, Any] = {}
        parts = tuple((NAME_PARTS[p], got[p][0]) for p in NAME_PARTS if p in got)
        if parts:
            pn = _parse_name(parts, self.name_convention)
            props.update(
                name=pn.original,
                given=" ".join(pn.given) or None,
                given_canonical=" ".join(pn.given_canonical) or None,
                paternal=pn.paternal,
                maternal=pn.maternal,
                aliases=list(pn.aliases),
                name_flags=list(pn.flags),
            )
        if "birthDate" in got:
            raw, col = got["birthDate"]
            props["birth_date"] = self._date(raw, col, flags, "birth date")
        if "gender" in got:
            raw, col = got["gender"]
            props["sex"] = _gender(raw, self.mapping.language)
            if props["sex"] is None:
                flags.append((col, "gender_unknown", raw))
        if "nationality" in got:
            raw, col = got["nationality"]
            props["nationality"] = self._typed("country", raw, col, flags, "nationality")
        for prop, kind in ID_CHECKS.items():
            if prop not in got:
                continue
            raw, col = got[prop]
            ctx: dict[str, Any] = {}
            if kind == "curp":
                ctx = dict(
                    given=props.get("given"),
                    paternal=props.get("paternal"),
                    maternal=props.get("maternal"),
                    birth_date=props.get("birth_date"),
                    sex=props.get("sex"),
                )
            res = identifiers.check_identifier(kind, raw, **ctx)
            name = PROP_NAMES[prop]
            props[name] = res.value
            props[f"{name}_status"] = res.status
            if res.status not in ("valid", "empty"):
                flags.append((col, f"{name}_{res.status}", "; ".join(res.reasons)))
        if "nationalId" in got:
            raw, col = got["nationalId"]
            id_type = fold(got.get("nationalIdType", ("", ""))[0]) or None
            kind = NATIONAL_ID_KINDS.get(id_type or "")
            if kind:
                res = identifiers.check_identifier(kind, raw)
                props["national_id"] = res.value
                props["national_id_status"] = res.status
                if res.status not in ("valid", "empty"):
                    flags.append((col, f"national_id_{res.status}", "; ".join(res.reasons)))
            else:
                props["national_id"] = _NON_ALNUM.sub("", fold(raw))
            props["national_id_type"] = id_type
        if "occupation" in got:
            props["occupation"] = got["occupation"][0]
        return props

    def _phone(self, spec: EntitySpec, values, flags: list[Flag]) -> dict[str, Any] | None:
        got = {p: _value(v, values) for p, v in spec.properties.items()}
        if not any(got.values()):
            return None
        props: dict[str, Any] = {k: v for k, v in got.items() if v and k != "number"}
        raw = got.get("number")
        if raw:
            res = phones.normalize_phone(raw, self.region)
            props.update(number=res.e164, number_status=res.status, raw=raw)
            if res.e164 is None:
                flags.append((_column(spec.properties["number"]), "phone_unreadable", res.note))
        return props

    def _address(self, spec: EntitySpec, values, flags: list[Flag]) -> dict[str, Any] | None:
        got = {p: _value(v, values) for p, v in spec.properties.items()}
        if not any(got.values()):
            return None
        res = addresses.normalize_address(
            got.get("full"),
            street=got.get("street"),
            number=got.get("number"),
            colonia=got.get("colonia"),
            city=got.get("city"),
            state=got.get("state"),
            postal_code=got.get("postalCode"),
            country=got.get("country") or self.mapping.country,
        )
        full = got.get("full") or ", ".join(
            v for k, v in got.items() if v and k not in ("country",)
        )
        return {
            "full": full,
            "normalized": res.normalized,
            "street": res.street,
            "number": res.number,
            "colonia": res.colonia,
            "city": res.city,
            "state": res.state,
            "postal_code": res.postal_code,
            "country": res.country,
            "key": res.key,
        }

    def _generic(self, spec: EntitySpec, values, flags: list[Flag]) -> dict[str, Any] | None:
        kind = self.schema.entities[spec.kind]
        props: dict[str, Any] = {}
        for prop, vspec in spec.properties.items():
            raw = _value(vspec, values)
            if raw is None:
                continue
            props[_snake(prop)] = self._typed(
                kind.properties[prop], raw, _column(vspec), flags, f"{spec.kind} {prop}"
            )
        if not props:
            return None
        if spec.kind == "Account" and "number" in props:
            props["number"] = _NON_ALNUM.sub("", fold(str(props["number"])))
            if "institution" in props:
                props["institution"] = fold(str(props["institution"]))
        elif spec.kind == "Organization" and "name" in props:
            props["normalized"] = fold(str(props["name"]))
            if "rfc" in props:
                res = identifiers.check_identifier("rfc", str(props["rfc"]))
                props["rfc"], props["rfc_status"] = res.value, res.status
        elif spec.kind == "IdentityDocument" and "number" in props:
            doc = fold(str(props.get("doc_type", "")))
            props["doc_type"] = doc or None
            check = NATIONAL_ID_KINDS.get(doc)
            if check:
                res = identifiers.check_identifier(check, str(props["number"]))
                props["number"], props["status"] = res.value, res.status
            else:
                props["number"] = _NON_ALNUM.sub("", fold(str(props["number"])))
        elif spec.kind == "Vehicle":
            for k in ("make", "model", "color", "plate_state"):
                if isinstance(props.get(k), str):
                    props[k] = fold(props[k])
        return props

    # -- a mapping key ---------------------------------------------------------------------------
    def entity(self, key: str, values: dict[str, str | None]) -> EntityOutcome:
        """Entity ``key`` read from ``values`` (its columns); raises Refused for quarantine."""
        spec = self.mapping.entities[key]
        flags: list[Flag] = []
        if not any(
            _value(v, values) is not None for v in spec.properties.values() if v.literal is None
        ):
            # literals are the same in every row: only values read from the row make a mention
            return EntityOutcome(None, None, flags)
        if spec.kind == "Person":
            props = self._person(spec, values, flags)
        elif spec.kind == "Phone":
            props = self._phone(spec, values, flags)
        elif spec.kind == "Address":
            props = self._address(spec, values, flags)
        else:
            props = self._generic(spec, values, flags)
        caption = _caption(spec.kind, props) if props is not None else None
        return EntityOutcome(props, caption, flags)

    def link(self, key: str, values: dict[str, str | None]) -> LinkOutcome:
        """Link ``key`` read from ``values`` (its columns); raises Refused for quarantine."""
        link = self.mapping.links[key]
        flags: list[Flag] = []
        start = self._datetime(link.start, values, flags, f"{key} start") if link.start else None
        end = self._datetime(link.end, values, flags, f"{key} end") if link.end else None
        props = self._link_props(link.kind, link.properties, values, flags)
        return LinkOutcome(start, end, props, flags)

    def _link_props(self, kind_name: str, specs: dict[str, ValueSpec], values, flags) -> dict:
        kind = self.schema.links[kind_name]
        props: dict[str, Any] = {}
        raw_currency = _value(specs["currency"], values) if "currency" in specs else None
        for prop, vspec in specs.items():
            raw = _value(vspec, values)
            if raw is None or prop == "currency":
                continue
            typ = kind.properties[prop]
            col = _column(vspec)
            if typ == "amount":
                res = money.parse_money(raw, raw_currency, self.currency)
                if res.amount is None:
                    flags.append((col, "amount_unreadable", res.note))
                    props[prop] = raw
                else:
                    props[prop] = str(res.amount)
                    if prop == "amount" or "currency" not in props:
                        props["currency"] = res.currency
                continue
            props[_snake(prop)] = self._typed(typ, raw, col, flags, f"{kind_name} {prop}")
        if raw_currency and "currency" not in props:
            props["currency"] = fold(raw_currency)
        if "duration" in props:
            props["duration_s"] = props.pop("duration")
        return props


@lru_cache(maxsize=1024)
def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


# Identifiers a person's caption may fall back on, most telling first.
PERSON_IDS = ("curp", "passport", "a_number", "national_id")


def _caption(kind: str, props: dict[str, Any]) -> str | None:
    """What to call the mention: its name or number, else the first text it has.

    A person with no name goes by the first alias ("EL GUICHO"), then an identifier; never by
    another field (a sex code is no caption).
    """
    if kind == "Person":
        aliases = [a for a in props.get("aliases") or () if isinstance(a, str) and a.strip()]
        for value in (props.get("name"), *aliases[:1], *(props.get(k) for k in PERSON_IDS)):
            if isinstance(value, str) and value.strip():
                return value
        return None
    order = {
        "Phone": ("number", "raw"),
        "Vehicle": ("plate", "vin"),
        "Address": ("full", "normalized"),
        "Account": ("number",),
        "Organization": ("name",),
        "IdentityDocument": ("number",),
    }.get(kind, ())
    for key in order:
        if props.get(key):
            return str(props[key])
    for value in props.values():
        if isinstance(value, str) and value:
            return value
    return None


def entity_columns(spec: EntitySpec) -> list[str]:
    """The columns an entity key's properties read, in mapping order (keys are separate)."""
    return list(dict.fromkeys(c for v in spec.properties.values() for c in v.columns))


def link_columns(spec: LinkSpec) -> list[str]:
    """The columns a link key reads: start, end, then its properties."""
    specs = [spec.start, spec.end, *spec.properties.values()]
    return list(dict.fromkeys(c for v in specs if v is not None for c in v.columns))
