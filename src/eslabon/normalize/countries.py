"""Map country names, demonyms and codes (English or Spanish, any case or accents) to ISO alpha-2.

Nationality and country columns hold "Mexicana", "EE.UU.", "GTM" or "Salvadoreño"; comparisons
need one code. The table covers the Americas and the countries migrants to the US–Mexico border
most often come from; anything else returns None rather than a guess.
"""

from __future__ import annotations

from functools import lru_cache

from eslabon.normalize.text import fold

# alpha-2, alpha-3, then the country's name first, other names and demonyms. Single-word entries
# in -o other than the country's name get both genders and plurals generated (MEXICANO →
# MEXICANA, MEXICANOS, MEXICANAS).
# fmt: off
_TABLE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("MX", "MEX", ("Mexico", "Estados Unidos Mexicanos", "United Mexican States",
                   "Mexicano", "Mexican", "Mex.")),
    ("US", "USA", ("United States", "United States of America", "U.S.", "U.S.A.", "America",
                   "American", "Estados Unidos", "Estados Unidos de America", "E.U.A.", "EE.UU.",
                   "E.U.", "Estadounidense", "Norteamericano", "USA", "Amer")),
    ("GT", "GTM", ("Guatemala", "Guatemalteco", "Guatemalan", "Guat")),
    ("HN", "HND", ("Honduras", "Hondureño", "Honduran", "Hond")),
    ("SV", "SLV", ("El Salvador", "Salvador", "Salvadoreño", "Salvadoran", "Salvadorean")),
    ("NI", "NIC", ("Nicaragua", "Nicaragüense", "Nicaraguan")),
    ("CR", "CRI", ("Costa Rica", "Costarricense", "Costa Rican")),
    ("PA", "PAN", ("Panama", "Panameño", "Panamanian")),
    ("BZ", "BLZ", ("Belize", "Belice", "Beliceño", "Belizean")),
    ("CU", "CUB", ("Cuba", "Cubano", "Cuban")),
    ("DO", "DOM", ("Dominican Republic", "República Dominicana", "Rep. Dominicana", "Dominicano",
                   "Dominican")),
    ("HT", "HTI", ("Haiti", "Haití", "Haitiano", "Haitian")),
    ("JM", "JAM", ("Jamaica", "Jamaicano", "Jamaiquino", "Jamaican")),
    ("PR", "PRI", ("Puerto Rico", "Puertorriqueño", "Puerto Rican")),
    ("TT", "TTO", ("Trinidad and Tobago", "Trinidad y Tobago", "Trinitense", "Trinidadian")),
    ("VE", "VEN", ("Venezuela", "Venezolano", "Venezuelan")),
    ("CO", "COL", ("Colombia", "Colombiano", "Colombian")),
    ("EC", "ECU", ("Ecuador", "Ecuatoriano", "Ecuadorian", "Ecuadorean")),
    ("PE", "PER", ("Peru", "Perú", "Peruano", "Peruvian")),
    ("BO", "BOL", ("Bolivia", "Boliviano", "Bolivian")),
    ("CL", "CHL", ("Chile", "Chileno", "Chilean")),
    ("AR", "ARG", ("Argentina", "Argentino", "Argentine", "Argentinian")),
    ("UY", "URY", ("Uruguay", "Uruguayo", "Uruguayan")),
    ("PY", "PRY", ("Paraguay", "Paraguayo", "Paraguayan")),
    ("BR", "BRA", ("Brazil", "Brasil", "Brasileño", "Brasileiro", "Brazilian")),
    ("GY", "GUY", ("Guyana", "Guyanés", "Guyanese")),
    ("SR", "SUR", ("Suriname", "Surinam", "Surinamés", "Surinamese")),
    ("CA", "CAN", ("Canada", "Canadá", "Canadiense", "Canadian")),
    ("ES", "ESP", ("Spain", "España", "Español", "Española", "Spanish")),
    ("PT", "PRT", ("Portugal", "Portugués", "Portuguesa", "Portuguese")),
    ("FR", "FRA", ("France", "Francia", "Francés", "Francesa", "French")),
    ("DE", "DEU", ("Germany", "Alemania", "Alemán", "Alemana", "German")),
    ("IT", "ITA", ("Italy", "Italia", "Italiano", "Italian")),
    ("NL", "NLD", ("Netherlands", "Holanda", "Países Bajos", "Holandés", "Holandesa",
                   "Neerlandés", "Dutch")),
    ("GB", "GBR", ("United Kingdom", "UK", "Reino Unido", "Great Britain", "Gran Bretaña",
                   "England", "Inglaterra", "British", "Británico", "Inglés", "Inglesa")),
    ("RO", "ROU", ("Romania", "Rumania", "Rumano", "Romanian")),
    ("RU", "RUS", ("Russia", "Rusia", "Russian Federation", "Federación de Rusia", "Ruso",
                   "Russian")),
    ("UA", "UKR", ("Ukraine", "Ucrania", "Ucraniano", "Ukrainian")),
    ("GE", "GEO", ("Georgia", "Georgiano", "Georgian")),
    ("TR", "TUR", ("Turkey", "Türkiye", "Turquía", "Turco", "Turkish")),
    ("UZ", "UZB", ("Uzbekistan", "Uzbekistán", "Uzbeko", "Uzbek")),
    ("AF", "AFG", ("Afghanistan", "Afganistán", "Afgano", "Afghan")),
    ("PK", "PAK", ("Pakistan", "Pakistán", "Pakistaní", "Pakistani")),
    ("IN", "IND", ("India", "Indian", "Hindú")),
    ("BD", "BGD", ("Bangladesh", "Bangladesí", "Bangladeshi")),
    ("NP", "NPL", ("Nepal", "Nepalí", "Nepalés", "Nepali", "Nepalese")),
    ("LK", "LKA", ("Sri Lanka", "Srilanqués", "Sri Lankan")),
    ("CN", "CHN", ("China", "People's Republic of China", "República Popular China", "Chino",
                   "Chinese")),
    ("VN", "VNM", ("Vietnam", "Viet Nam", "Vietnamita", "Vietnamese")),
    ("PH", "PHL", ("Philippines", "Filipinas", "Filipino")),
    ("KR", "KOR", ("South Korea", "Republic of Korea", "Corea del Sur", "Surcoreano", "Korean")),
    ("JP", "JPN", ("Japan", "Japón", "Japonés", "Japonesa", "Japanese")),
    ("IR", "IRN", ("Iran", "Irán", "Iraní", "Iranian")),
    ("IQ", "IRQ", ("Iraq", "Irak", "Iraquí", "Iraqi")),
    ("SY", "SYR", ("Syria", "Siria", "Sirio", "Syrian")),
    ("IL", "ISR", ("Israel", "Israelí", "Israeli")),
    ("EG", "EGY", ("Egypt", "Egipto", "Egipcio", "Egyptian")),
    ("MA", "MAR", ("Morocco", "Marruecos", "Marroquí", "Moroccan")),
    ("MR", "MRT", ("Mauritania", "Mauritano", "Mauritanian")),
    ("SN", "SEN", ("Senegal", "Senegalés", "Senegalesa", "Senegalese")),
    ("GN", "GIN", ("Guinea", "Guineano", "Guinean")),
    ("GH", "GHA", ("Ghana", "Ghanés", "Ghanesa", "Ghanaian")),
    ("NG", "NGA", ("Nigeria", "Nigeriano", "Nigerian")),
    ("CM", "CMR", ("Cameroon", "Camerún", "Camerunés", "Camerunesa", "Cameroonian")),
    ("CG", "COG", ("Congo", "Republic of the Congo", "República del Congo")),
    ("CD", "COD", ("Democratic Republic of the Congo", "DR Congo", "RD Congo",
                   "República Democrática del Congo", "Congo Kinshasa")),
    ("AO", "AGO", ("Angola", "Angoleño", "Angolan")),
    ("ER", "ERI", ("Eritrea", "Eritreo", "Eritrean")),
    ("ET", "ETH", ("Ethiopia", "Etiopía", "Etíope", "Ethiopian")),
    ("SO", "SOM", ("Somalia", "Somalí", "Somali")),
    ("AU", "AUS", ("Australia", "Australiano", "Australian")),
)
# fmt: on

_PREFIXES = ("REPUBLICA DE ", "REPUBLIC OF ", "REP DE ", "THE ", "EL PAIS DE ")


def _variants(name: str, country: str) -> set[str]:
    """Folded spellings of one table entry, with Spanish gender and plural forms of demonyms."""
    f = fold(name)
    out = {f, f.replace(" ", "")}
    if " " in f or not f.isalpha() or f == country:
        return out
    if f.endswith("O") and len(f) > 4:
        stem = f[:-1]
        out |= {stem + "O", stem + "A", stem + "OS", stem + "AS"}
    elif not name.isascii() and f.endswith(("ES", "AN", "ON")):
        # Spanish demonyms in -és/-án/-ón have a feminine in -a (Japonés → JAPONESA).
        out.add(f + "A")
    return out


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    """Folded name, demonym or code → alpha-2; built once, checked for clashes."""
    table: dict[str, str] = {}
    for a2, a3, names in _TABLE:
        keys = {a2, a3}
        for n in names:
            keys |= _variants(n, fold(names[0]))
        for k in keys:
            if table.setdefault(k, a2) != a2:
                raise ValueError(f"country key {k!r} maps to both {table[k]} and {a2}")
    return table


def to_alpha2(raw: str | None) -> str | None:
    """ISO 3166-1 alpha-2 code for a country name, demonym or code; None when unknown or empty."""
    f = fold(raw)
    if not f:
        return None
    table = _lookup()
    hit = table.get(f) or table.get(f.replace(" ", ""))
    if hit:
        return hit
    for prefix in _PREFIXES:
        if f.startswith(prefix):
            return to_alpha2(f[len(prefix) :])
    return None
