"""Mexican and US postal addresses split into parts and reduced to a key for exact matching.

Aim: the same place written the common ways gives the same key, not a full address parser.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["AddressResult", "normalize_address", "normalize_state"]


@dataclass(frozen=True, slots=True)
class AddressResult:
    """Folded upper-case parts; key = number + street core + postal code (or city).

    The key leaves out the interior/apartment number: records often omit it, and the same
    building is already a strong link. state is the full folded name for Mexico, the two-letter
    code for the US.
    """

    normalized: str
    street: str | None = None
    number: str | None = None
    colonia: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    key: str = ""
    interior: str | None = None
    postal_extension: str | None = None


def _wordmap(pairs: dict[str, str]) -> dict[str, str]:
    """Expand {"canonical": "VARIANT|VARIANT"} to variant -> canonical."""
    return {v: k for k, vs in pairs.items() for v in (k, *vs.split("|")) if v}


MX_STATES = _wordmap(
    {
        "AGUASCALIENTES": "AGS|AGS",
        "BAJA CALIFORNIA": "BC|B C",
        "BAJA CALIFORNIA SUR": "BCS|B C S",
        "CAMPECHE": "CAMP",
        "CHIAPAS": "CHIS",
        "CHIHUAHUA": "CHIH",
        "CIUDAD DE MEXICO": "CDMX|CD MX|DF|D F|DISTRITO FEDERAL|MEXICO DF|MEXICO D F",
        "COAHUILA": "COAH|COAHUILA DE ZARAGOZA",
        "COLIMA": "COL",
        "DURANGO": "DGO",
        "GUANAJUATO": "GTO",
        "GUERRERO": "GRO",
        "HIDALGO": "HGO",
        "JALISCO": "JAL",
        "ESTADO DE MEXICO": "EDOMEX|EDO MEX|EDO DE MEX|EDO DE MEXICO|MEX",
        "MICHOACAN": "MICH|MICHOACAN DE OCAMPO",
        "MORELOS": "MOR",
        "NAYARIT": "NAY",
        "NUEVO LEON": "NL|N L",
        "OAXACA": "OAX",
        "PUEBLA": "PUE",
        "QUERETARO": "QRO|QUERETARO DE ARTEAGA",
        "QUINTANA ROO": "QROO|Q ROO",
        "SAN LUIS POTOSI": "SLP|S L P",
        "SINALOA": "SIN",
        "SONORA": "SON",
        "TABASCO": "TAB",
        "TAMAULIPAS": "TAMPS|TAMS",
        "TLAXCALA": "TLAX",
        "VERACRUZ": "VER|VERACRUZ DE IGNACIO DE LA LLAVE",
        "YUCATAN": "YUC",
        "ZACATECAS": "ZAC",
    }
)
_US_STATE_NAMES = {
    "AL": "ALABAMA", "AK": "ALASKA", "AZ": "ARIZONA", "AR": "ARKANSAS", "CA": "CALIFORNIA",
    "CO": "COLORADO", "CT": "CONNECTICUT", "DE": "DELAWARE", "DC": "DISTRICT OF COLUMBIA",
    "FL": "FLORIDA", "GA": "GEORGIA", "HI": "HAWAII", "ID": "IDAHO", "IL": "ILLINOIS",
    "IN": "INDIANA", "IA": "IOWA", "KS": "KANSAS", "KY": "KENTUCKY", "LA": "LOUISIANA",
    "ME": "MAINE", "MD": "MARYLAND", "MA": "MASSACHUSETTS", "MI": "MICHIGAN", "MN": "MINNESOTA",
    "MS": "MISSISSIPPI", "MO": "MISSOURI", "MT": "MONTANA", "NE": "NEBRASKA", "NV": "NEVADA",
    "NH": "NEW HAMPSHIRE", "NJ": "NEW JERSEY", "NM": "NEW MEXICO", "NY": "NEW YORK",
    "NC": "NORTH CAROLINA", "ND": "NORTH DAKOTA", "OH": "OHIO", "OK": "OKLAHOMA", "OR": "OREGON",
    "PA": "PENNSYLVANIA", "RI": "RHODE ISLAND", "SC": "SOUTH CAROLINA", "SD": "SOUTH DAKOTA",
    "TN": "TENNESSEE", "TX": "TEXAS", "UT": "UTAH", "VT": "VERMONT", "VA": "VIRGINIA",
    "WA": "WASHINGTON", "WV": "WEST VIRGINIA", "WI": "WISCONSIN", "WY": "WYOMING",
    "PR": "PUERTO RICO",
}  # fmt: skip
US_STATES = {**{v: k for k, v in _US_STATE_NAMES.items()}, **{k: k for k in _US_STATE_NAMES}}
US_STATES.update({"TEX": "TX", "CALIF": "CA", "ARIZ": "AZ", "N MEX": "NM", "N M": "NM"})

_COUNTRIES = {
    "MEXICO": "MX", "MX": "MX", "MEX": "MX", "ESTADOS UNIDOS MEXICANOS": "MX",
    "USA": "US", "US": "US", "U S A": "US", "U S": "US", "EUA": "US", "E U A": "US",
    "UNITED STATES": "US", "UNITED STATES OF AMERICA": "US", "ESTADOS UNIDOS": "US",
    "GUATEMALA": "GT", "EL SALVADOR": "SV", "HONDURAS": "HN",
}  # fmt: skip

# street types: variant -> canonical (Spanish in full, US as USPS abbreviations)
_STREET_TYPES = _wordmap(
    {
        "CALLE": "C|CLL",
        "AVENIDA": "AV|AVE|AVDA",
        "BOULEVARD": "BLVD|BLV|BULEVAR|BOULEVAR",
        "CALZADA": "CALZ",
        "CARRETERA": "CARR|CTRA",
        "PRIVADA": "PRIV|PRIVADA",
        "PROLONGACION": "PROL",
        "ANDADOR": "AND",
        "CERRADA": "CDA|CERR",
        "CAMINO": "CAM",
    }
)
_US_TYPES = _wordmap(
    {
        "ST": "STREET|STR",
        "AVE": "AVENUE|AV",
        "RD": "ROAD",
        "DR": "DRIVE",
        "BLVD": "BOULEVARD",
        "LN": "LANE",
        "CT": "COURT",
        "HWY": "HIGHWAY",
        "PKWY": "PARKWAY",
        "PL": "PLACE",
        "CIR": "CIRCLE",
        "TRL": "TRAIL",
        "WAY": "",
        "TER": "TERRACE",
        "LOOP": "",
        "EXPY": "EXPRESSWAY",
        "FWY": "FREEWAY",
    }
)
_DIRECTIONS = {
    "NORTH": "N", "SOUTH": "S", "EAST": "E", "WEST": "W", "NORTE": "N", "SUR": "S",
    "ORIENTE": "OTE", "PONIENTE": "PTE", "NORTHEAST": "NE", "NORTHWEST": "NW",
    "SOUTHEAST": "SE", "SOUTHWEST": "SW", "OTE": "OTE", "PTE": "PTE",
}  # fmt: skip

_PUNCT = re.compile(r"[^0-9A-Z#,\s-]+")
_SPACES = re.compile(r"\s+")
_ZIP_RE = re.compile(r"(?:\bC\s*P\b\.?\s*)?\b(\d{5})(?:\s*-\s*(\d{4}))?\b(?!.*\b\d{5}\b)")
_CP_RE = re.compile(r"\bC\s*P\b\s*(\d{4,5})\b")
_COLONIA_RE = re.compile(r"\b(?:COL|COLONIA|FRACC|FRACCIONAMIENTO|BARRIO|BO)\b\s*(.+)$")
_CITY_RE = re.compile(
    r"^(?:MUNICIPIO DE|MUNICIPIO|MPIO DE|MPIO|ALCALDIA|DELEGACION|DEL|CIUDAD DE|CD)\s+(.+)$"
)
_INTERIOR_RE = re.compile(
    r"\b(?:INT|INTERIOR|DEPTO|DEPARTAMENTO|DPTO|APT|APARTMENT|STE|SUITE|UNIT|LOCAL)\b\s*#?\s*"
    r"([0-9A-Z-]+)\s*$"
)
_HASH_UNIT_RE = re.compile(r"^(.*\D)\s#\s*([0-9A-Z-]+)$")
_MARKED_NUMBER_RE = re.compile(
    r"^(.*?)\s*(?:\b(?:NO|NUM|NUMERO)(?: EXT)?\b\s*#?\s*|#\s*)(\d+[A-Z]?|S\s?N)\b\s*(.*)$"
)
_SN_END_RE = re.compile(r"\sS\s?N$")
_END_NUMBER_RE = re.compile(r"^(.*\D)\s+(\d+[A-Z]?|S\s?N)()$")
_US_LEAD_NUMBER_RE = re.compile(r"^(\d+[A-Z]?(?:-\d+)?)\s+(.+)$")


def _fold(s: str | None) -> str:
    if not s:
        return ""
    s = unicodedata.normalize("NFKD", str(s))
    s = "".join(c for c in s if not unicodedata.combining(c)).upper()
    s = s.replace(".", " ").replace("º", " ").replace("°", " ")
    return _SPACES.sub(" ", _PUNCT.sub(" ", s)).strip(" ,-")


def normalize_state(raw: str | None) -> tuple[str | None, str | None]:
    """(standard state, country) for a Mexican or US state name or abbreviation."""
    s = _fold(raw).replace(",", " ").strip()
    s = _SPACES.sub(" ", s)
    if not s:
        return None, None
    if s in MX_STATES:
        return MX_STATES[s], "MX"
    if s in US_STATES:
        return US_STATES[s], "US"
    compact = s.replace(" ", "")
    for table, country in ((MX_STATES, "MX"), (US_STATES, "US")):
        if compact in table:
            return table[compact], country
    return s, None


def _street(raw: str) -> str:
    """Street with canonical type words and directions (Spanish types in full, US as USPS)."""
    words = raw.split()
    out = []
    for i, w in enumerate(words):
        if i == 0 and w in _STREET_TYPES and len(words) > 1:
            out.append(_STREET_TYPES[w])
        elif i == len(words) - 1 and w in _US_TYPES and i > 0:
            out.append(_US_TYPES[w])
        elif w in _DIRECTIONS:
            out.append(_DIRECTIONS[w])
        else:
            out.append(w)
    return " ".join(out)


_CORE_DROP = frozenset(
    set(_STREET_TYPES.values()) | set(_US_TYPES.values()) | {"DE", "DEL", "LA", "LAS", "LOS"}
)


def _street_core(street: str) -> str:
    """Street without its type words: 'W MAIN' for 'W MAIN ST', 'HIDALGO' for 'CALLE HIDALGO'."""
    words = [w for w in street.split() if w not in _CORE_DROP]
    return " ".join(words) or street


def _split_number(segment: str) -> tuple[str, str | None, str | None]:
    """(street, number, interior) from one street segment, Mexican or US style."""
    interior = None
    m = _INTERIOR_RE.search(segment)
    if m:
        interior, segment = m.group(1), segment[: m.start()].strip(" ,#")
    m = _HASH_UNIT_RE.match(segment)
    if m and _US_LEAD_NUMBER_RE.match(segment):
        segment, interior = m.group(1).strip(), interior or m.group(2)
    m = _MARKED_NUMBER_RE.match(segment)  # "NO 123", "NUM 123", "#123", "S N"
    if not m and (segment.split(" ", 1)[0] in _STREET_TYPES or _SN_END_RE.search(segment)):
        m = _END_NUMBER_RE.match(segment)  # "CALLE 5 DE MAYO 123"
    if not m:
        lead = _US_LEAD_NUMBER_RE.match(segment)  # "1234 W MAIN ST"
        if lead:
            return lead.group(2).strip(), lead.group(1), interior
        m = _END_NUMBER_RE.match(segment)
    if m and m.group(1).strip():
        number = m.group(2).replace(" ", "")
        rest = (m.group(3) or "").strip() if m.lastindex and m.lastindex >= 3 else ""
        if rest and interior is None:
            interior = rest
        return m.group(1).strip(), None if number == "SN" else number, interior
    return segment, None, interior


def normalize_address(
    full: str | None = None,
    *,
    street: str | None = None,
    number: str | None = None,
    colonia: str | None = None,
    city: str | None = None,
    state: str | None = None,
    postal_code: str | None = None,
    country: str | None = None,
) -> AddressResult:
    """Normalise an address given whole (`full`) and/or in parts; given parts win over parsed."""
    return _normalize(
        *(
            None if v is None else str(v)
            for v in (full, street, number, colonia, city, state, postal_code, country)
        )
    )


@lru_cache(maxsize=131072)
def _normalize(
    full: str | None,
    street: str | None,
    number: str | None,
    colonia: str | None,
    city: str | None,
    state: str | None,
    postal_code: str | None,
    country: str | None,
) -> AddressResult:
    parsed = _parse_full(_fold(full)) if full else {}
    parts: dict[str, str | None] = {
        "street": _fold(street) or parsed.get("street"),
        "number": _fold(number) or parsed.get("number"),
        "colonia": _strip_prefix(_fold(colonia), _COLONIA_RE) or parsed.get("colonia"),
        "city": _strip_prefix(_fold(city), _CITY_RE) or parsed.get("city"),
        "interior": parsed.get("interior"),
    }
    st, st_country = normalize_state(state) if state else (parsed.get("state"), None)
    st_country = st_country or parsed.get("state_country")
    zip5, zip4 = _postal(postal_code) if postal_code else (parsed.get("zip"), parsed.get("zip4"))
    ctry = _country(country) or parsed.get("country") or st_country
    if parts["street"] and not parts["number"]:
        s, n, i = _split_number(parts["street"])
        parts.update(street=s, number=n, interior=parts["interior"] or i)
    street_std = _street(parts["street"]) if parts["street"] else None
    num = parts["number"].replace(" ", "") if parts["number"] else None
    if num in ("SN", "S/N"):
        num = None
    pieces = [
        " ".join(
            p
            for p in (street_std, num, f"INT {parts['interior']}" if parts["interior"] else "")
            if p
        ),
        f"COL {parts['colonia']}" if parts["colonia"] else "",
        parts["city"] or "",
        st or "",
        zip5 or "",
        ctry or "",
    ]
    normalized = ", ".join(p for p in pieces if p)
    place = zip5 or parts["city"] or ""
    core = _street_core(street_std) if street_std else ""
    key = " ".join(p for p in (num or "", core, place) if p) if (core or num) else ""
    return AddressResult(
        normalized=normalized,
        street=street_std,
        number=num,
        colonia=parts["colonia"] or None,
        city=parts["city"] or None,
        state=st or None,
        postal_code=zip5,
        country=ctry,
        key=key,
        interior=parts["interior"] or None,
        postal_extension=zip4,
    )


def _strip_prefix(value: str, pattern: re.Pattern[str]) -> str:
    m = pattern.search(value) if value else None
    return m.group(1).strip() if m else value


def _postal(raw: str) -> tuple[str | None, str | None]:
    digits = re.sub(r"[^\d-]", "", raw)
    m = re.match(r"^(\d{4,5})(?:-?(\d{4}))?$", digits)
    if not m:
        return None, None
    return m.group(1).zfill(5), m.group(2)


def _country(raw: str | None) -> str | None:
    s = _fold(raw).replace(",", "").strip()
    return _COUNTRIES.get(s) or (s if len(s) == 2 else None) if s else None


def _parse_full(text: str) -> dict[str, str | None]:
    """Split a folded one-line address into parts (best effort, comma segments first)."""
    out: dict[str, str | None] = {}
    m = _CP_RE.search(text)
    if m:
        out["zip"] = m.group(1).zfill(5)
        text = (text[: m.start()] + text[m.end() :]).strip(" ,")
    else:
        m = _ZIP_RE.search(text)
        if m:
            out["zip"], out["zip4"] = m.group(1), m.group(2)
            text = (text[: m.start()] + text[m.end() :]).strip(" ,")
    segments = [s.strip() for s in text.split(",") if s.strip()]
    # country, then state, from the end ("MEX" alone is read as the state)
    if segments:
        last = segments[-1]
        if last in _COUNTRIES and last not in MX_STATES and last not in US_STATES:
            out["country"] = _COUNTRIES[segments.pop()]
    if segments:
        last = segments[-1]
        st, st_country = normalize_state(last)
        if st_country:
            out["state"], out["state_country"] = st, st_country
            segments.pop()
        else:
            # "LAREDO TX" in one segment: the state is the last word(s)
            words = last.split()
            for n in (2, 1):
                if len(words) > n:
                    st, st_country = normalize_state(" ".join(words[-n:]))
                    if st_country:
                        out["state"], out["state_country"] = st, st_country
                        segments[-1] = " ".join(words[:-n])
                        break
    if not segments:
        return out
    street_seg = segments.pop(0)
    m = _COLONIA_RE.search(street_seg)
    if m and m.start() > 0:  # "CALLE HIDALGO 123 COL CENTRO" in one segment
        segments.insert(0, street_seg[m.start() :])
        street_seg = street_seg[: m.start()].strip()
    s, n, i = _split_number(street_seg)
    out.update(street=s, number=n, interior=i)
    rest = []
    for seg in segments:
        col = _COLONIA_RE.search(seg)
        if col and col.start() == 0 and "colonia" not in out:
            out["colonia"] = col.group(1).strip()
            continue
        inner = _INTERIOR_RE.match(seg) if not out.get("interior") else None
        if inner:
            out["interior"] = inner.group(1)
            continue
        rest.append(seg)
    if rest:
        out["city"] = _strip_prefix(rest[-1], _CITY_RE)
        if len(rest) > 1 and "colonia" not in out:
            out["colonia"] = rest[0]
    return out
