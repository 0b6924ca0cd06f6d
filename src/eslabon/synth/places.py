"""Places of the synthetic world: towns, phone area codes, postal codes, ports of entry, routes.

Real place names and dialling codes are used so that addresses and phone numbers look like the
records investigators hold; the people, streets and numbers attached to them are invented.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MxCity:
    name: str
    municipio: str
    state: str  # full state name as written on Mexican records
    curp_state: str  # two-letter CURP birth-state code
    lada: str  # area code (2 or 3 digits); lada + subscriber = 10 digits
    cp: str  # first two digits of the postal code
    plate_state: str  # as printed on plates / REPUVE


@dataclass(frozen=True)
class UsCity:
    name: str
    state: str  # two-letter USPS code
    area_codes: tuple[str, ...]
    zip3: str
    county: str


@dataclass(frozen=True)
class CaTown:
    country: str  # GT HN SV
    name: str
    department: str


MX_CITIES: dict[str, MxCity] = {
    c.name: c
    for c in (
        MxCity("Reynosa", "Reynosa", "Tamaulipas", "TS", "899", "88", "TAMPS"),
        MxCity("Nuevo Laredo", "Nuevo Laredo", "Tamaulipas", "TS", "867", "88", "TAMPS"),
        MxCity("Matamoros", "Matamoros", "Tamaulipas", "TS", "868", "87", "TAMPS"),
        MxCity("Ciudad Juárez", "Juárez", "Chihuahua", "CH", "656", "32", "CHIH"),
        MxCity("Nogales", "Nogales", "Sonora", "SR", "631", "84", "SON"),
        MxCity("Tijuana", "Tijuana", "Baja California", "BC", "664", "22", "BC"),
        MxCity("Tapachula", "Tapachula", "Chiapas", "CS", "962", "30", "CHIS"),
        MxCity("Ciudad Hidalgo", "Suchiate", "Chiapas", "CS", "962", "30", "CHIS"),
        MxCity("Tenosique", "Tenosique", "Tabasco", "TC", "934", "86", "TAB"),
        MxCity("Villahermosa", "Centro", "Tabasco", "TC", "993", "86", "TAB"),
        MxCity("Coatzacoalcos", "Coatzacoalcos", "Veracruz", "VZ", "921", "96", "VER"),
        MxCity("Veracruz", "Veracruz", "Veracruz", "VZ", "229", "91", "VER"),
        MxCity("Puebla", "Puebla", "Puebla", "PL", "222", "72", "PUE"),
        MxCity("Ciudad de México", "Iztapalapa", "Ciudad de México", "DF", "55", "09", "CDMX"),
        MxCity("Monterrey", "Monterrey", "Nuevo León", "NL", "81", "64", "NL"),
        MxCity("San Luis Potosí", "San Luis Potosí", "San Luis Potosí", "SP", "444", "78", "SLP"),
        MxCity("Guadalajara", "Guadalajara", "Jalisco", "JC", "33", "44", "JAL"),
        MxCity("Culiacán", "Culiacán", "Sinaloa", "SL", "667", "80", "SIN"),
        MxCity("Oaxaca", "Oaxaca de Juárez", "Oaxaca", "OC", "951", "68", "OAX"),
        MxCity("Juchitán", "Juchitán de Zaragoza", "Oaxaca", "OC", "971", "70", "OAX"),
        MxCity("Chilpancingo", "Chilpancingo de los Bravo", "Guerrero", "GR", "747", "39", "GRO"),
        MxCity("Tlapa", "Tlapa de Comonfort", "Guerrero", "GR", "757", "41", "GRO"),
        MxCity("Morelia", "Morelia", "Michoacán", "MN", "443", "58", "MICH"),
        MxCity("Zacatecas", "Zacatecas", "Zacatecas", "ZS", "492", "98", "ZAC"),
        MxCity("Irapuato", "Irapuato", "Guanajuato", "GT", "462", "36", "GTO"),
        MxCity("Durango", "Durango", "Durango", "DG", "618", "34", "DGO"),
    )
}
MX_BORDER = ("Reynosa", "Nuevo Laredo", "Matamoros", "Ciudad Juárez", "Nogales", "Tijuana")
MX_ORIGIN = (
    "Oaxaca",
    "Juchitán",
    "Chilpancingo",
    "Tlapa",
    "Morelia",
    "Zacatecas",
    "Irapuato",
    "Puebla",
    "Veracruz",
    "Durango",
)
# Where the background Mexican population lives (weights ~ city size in the world).
MX_HOME_WEIGHTS: dict[str, float] = {
    "Reynosa": 6,
    "Nuevo Laredo": 4,
    "Matamoros": 3,
    "Ciudad Juárez": 7,
    "Nogales": 2,
    "Tijuana": 7,
    "Tapachula": 4,
    "Ciudad Hidalgo": 1,
    "Tenosique": 1,
    "Villahermosa": 3,
    "Coatzacoalcos": 2,
    "Veracruz": 3,
    "Puebla": 5,
    "Ciudad de México": 10,
    "Monterrey": 7,
    "San Luis Potosí": 3,
    "Guadalajara": 6,
    "Culiacán": 3,
    "Oaxaca": 3,
    "Juchitán": 1,
    "Chilpancingo": 2,
    "Tlapa": 1,
    "Morelia": 3,
    "Zacatecas": 2,
    "Irapuato": 2,
    "Durango": 2,
}

US_CITIES: dict[str, UsCity] = {
    c.name: c
    for c in (
        UsCity("McAllen", "TX", ("956",), "785", "Hidalgo"),
        UsCity("Brownsville", "TX", ("956",), "785", "Cameron"),
        UsCity("Laredo", "TX", ("956",), "780", "Webb"),
        UsCity("El Paso", "TX", ("915",), "799", "El Paso"),
        UsCity("San Antonio", "TX", ("210", "726"), "782", "Bexar"),
        UsCity("Houston", "TX", ("713", "832", "281"), "770", "Harris"),
        UsCity("Dallas", "TX", ("214", "469", "972"), "752", "Dallas"),
        UsCity("Nogales", "AZ", ("520",), "856", "Santa Cruz"),
        UsCity("Tucson", "AZ", ("520",), "857", "Pima"),
        UsCity("Phoenix", "AZ", ("602", "480", "623"), "850", "Maricopa"),
        UsCity("San Diego", "CA", ("619", "858"), "921", "San Diego"),
        UsCity("Los Angeles", "CA", ("213", "323", "818"), "900", "Los Angeles"),
        UsCity("Atlanta", "GA", ("404", "678"), "303", "Fulton"),
        UsCity("Charlotte", "NC", ("704", "980"), "282", "Mecklenburg"),
        UsCity("Raleigh", "NC", ("919", "984"), "276", "Wake"),
        UsCity("Salisbury", "MD", ("410", "443"), "218", "Wicomico"),
        UsCity("Chicago", "IL", ("312", "773"), "606", "Cook"),
    )
}
US_BORDER = ("McAllen", "Brownsville", "Laredo", "El Paso", "Nogales", "San Diego")
US_HOME_WEIGHTS: dict[str, float] = {
    "McAllen": 6,
    "Brownsville": 3,
    "Laredo": 4,
    "El Paso": 6,
    "San Antonio": 5,
    "Houston": 10,
    "Dallas": 7,
    "Nogales": 1,
    "Tucson": 3,
    "Phoenix": 6,
    "San Diego": 6,
    "Los Angeles": 10,
    "Atlanta": 4,
    "Charlotte": 3,
    "Raleigh": 2,
    "Salisbury": 1,
    "Chicago": 5,
}
US_STATE_NAMES = {
    "TX": "Texas",
    "AZ": "Arizona",
    "CA": "California",
    "GA": "Georgia",
    "NC": "North Carolina",
    "MD": "Maryland",
    "IL": "Illinois",
}

CA_TOWNS: tuple[CaTown, ...] = (
    CaTown("GT", "Huehuetenango", "Huehuetenango"),
    CaTown("GT", "San Marcos", "San Marcos"),
    CaTown("GT", "Quetzaltenango", "Quetzaltenango"),
    CaTown("GT", "Totonicapán", "Totonicapán"),
    CaTown("GT", "Cobán", "Alta Verapaz"),
    CaTown("GT", "Ciudad de Guatemala", "Guatemala"),
    CaTown("GT", "Tecún Umán", "San Marcos"),
    CaTown("HN", "San Pedro Sula", "Cortés"),
    CaTown("HN", "Tegucigalpa", "Francisco Morazán"),
    CaTown("HN", "Choloma", "Cortés"),
    CaTown("HN", "La Ceiba", "Atlántida"),
    CaTown("SV", "San Salvador", "San Salvador"),
    CaTown("SV", "San Miguel", "San Miguel"),
    CaTown("SV", "Usulután", "Usulután"),
)
CA_DIAL = {"GT": "502", "HN": "504", "SV": "503"}
CA_MOBILE_FIRST = {"GT": "345", "HN": "389", "SV": "67"}
HN_DEPT_CODES = {"Cortés": "05", "Francisco Morazán": "08", "Atlántida": "01"}


@dataclass(frozen=True)
class Port:
    name: str  # CBP port name
    code: str  # CBP port code
    us_city: str
    mx_city: str


PORTS: tuple[Port, ...] = (
    Port("Hidalgo/Pharr", "2305", "McAllen", "Reynosa"),
    Port("Laredo", "2304", "Laredo", "Nuevo Laredo"),
    Port("Brownsville", "2301", "Brownsville", "Matamoros"),
    Port("El Paso", "2402", "El Paso", "Ciudad Juárez"),
    Port("Nogales", "2604", "Nogales", "Nogales"),
    Port("San Ysidro", "2504", "San Diego", "Tijuana"),
)
PORT_BY_MX = {p.mx_city: p for p in PORTS}


@dataclass(frozen=True)
class Route:
    """A smuggling corridor: origin → southern border → transit → northern border → US city."""

    origin_country: str
    south_crossing: str  # MX city where migrants enter from Guatemala
    transit: str  # MX stash / transfer city
    border_mx: str
    border_us: str
    destination_us: str
    usbp_sector: str


ROUTES: tuple[Route, ...] = (
    Route(
        "GT",
        "Ciudad Hidalgo",
        "Coatzacoalcos",
        "Reynosa",
        "McAllen",
        "Houston",
        "Rio Grande Valley",
    ),
    Route("HN", "Tenosique", "Puebla", "Nuevo Laredo", "Laredo", "Dallas", "Laredo"),
    Route("SV", "Tapachula", "Ciudad de México", "Ciudad Juárez", "El Paso", "Phoenix", "El Paso"),
    Route("MX", "Oaxaca", "Culiacán", "Nogales", "Nogales", "Los Angeles", "Tucson"),
    Route(
        "GT", "Tapachula", "Veracruz", "Matamoros", "Brownsville", "Atlanta", "Rio Grande Valley"
    ),
    Route("HN", "Tenosique", "San Luis Potosí", "Tijuana", "San Diego", "Chicago", "San Diego"),
)

STREETS_MX = (
    "Hidalgo",
    "Morelos",
    "Juárez",
    "Allende",
    "Zaragoza",
    "Guerrero",
    "Madero",
    "Independencia",
    "5 de Mayo",
    "16 de Septiembre",
    "Reforma",
    "Insurgentes",
    "Aldama",
    "Matamoros",
    "Obregón",
    "Niños Héroes",
    "Benito Juárez",
    "Revolución",
    "Constitución",
    "Libertad",
    "Las Palmas",
    "Los Pinos",
    "Jacarandas",
    "Ocampo",
    "Galeana",
    "Bravo",
    "Abasolo",
    "Victoria",
    "Colón",
)
COLONIAS = (
    "Centro",
    "Las Fuentes",
    "Del Valle",
    "Los Pinos",
    "Aztlán",
    "Hidalgo",
    "Loma Linda",
    "Las Granjas",
    "Jardines",
    "Longoria",
    "Benito Juárez",
    "Lázaro Cárdenas",
    "Guadalupe",
    "San José",
    "Santa Fe",
    "Ampliación Rodríguez",
    "Villa Florida",
    "Emiliano Zapata",
    "Revolución Verde",
    "Campestre",
    "Industrial",
    "Solidaridad",
    "El Mirador",
    "La Joya",
)
STREETS_US = (
    "Main St",
    "Oak St",
    "Pecan Blvd",
    "Nolana Ave",
    "Jackson Rd",
    "Ware Rd",
    "Bicentennial Blvd",
    "Elm St",
    "Maple Ave",
    "Cedar Ln",
    "Mesquite Dr",
    "Sunset Blvd",
    "Park Ave",
    "Washington St",
    "Lincoln Ave",
    "Cherry Ln",
    "Mission Rd",
    "Alamo Dr",
    "Palm Dr",
    "Ridge Rd",
    "Hillcrest Dr",
    "Lakeview Dr",
    "Pine St",
    "Willow Way",
    "Rio Grande Ave",
    "Border Ave",
    "Zapata Hwy",
)
STREETS_CA = (
    "3a Calle",
    "5a Avenida",
    "Calle Real",
    "Barrio El Centro",
    "Colonia Las Flores",
    "Aldea San José",
    "Cantón Chiquito",
    "Zona 1",
    "Zona 3",
    "Barrio La Merced",
)
