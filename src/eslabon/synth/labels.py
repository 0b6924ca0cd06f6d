"""Security labels of the synthetic sources and the demo accounts (docs/access.md).

The labels are chosen so that every release rule shows in the demo: most sources are shared
between the two countries, FGR's carpetas and the Telcel warrant returns stay in Mexico, the grand
jury subpoena returns and the arrest records stay in the US, UIF's transfer reports are
originator-controlled and bound to a stated purpose, HSI keeps its phone extractions to itself,
and a migrant-rights NGO sees only what is not law-enforcement sensitive.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

SMUGGLING = "human smuggling investigation"
DRUGS = "drug trafficking investigation"
LABOUR = "labour trafficking investigation"
LAUNDERING = "money laundering investigation"
BOTH = ["MEX", "USA"]


def _label(originator: str, rel: list[str], *, les: bool = True, **extra: Any) -> dict[str, Any]:
    return {"originator": originator, "releasable_to": rel, "law_enforcement_sensitive": les,
            **extra}  # fmt: skip


LABELS: dict[str, dict[str, Any]] = {
    # Mexico
    "inm_detenciones": _label("INM", BOTH, les=False),
    "fgr_carpetas": _label("FGR", ["MEX"]),
    "gn_puntos_revision": _label("FGR", BOTH),
    "cdr_telcel": _label("FGR", ["MEX"]),
    "uif_transferencias": _label(
        "UIF",
        BOTH,
        originator_control=True,
        legal_basis={"kind": "MLAT", "reference": "MLAT-MX-US-2026-0412", "purpose": SMUGGLING},
        expires="2030-06-30",
    ),
    "repuve": _label("FGR", BOTH, les=False),
    "hoteles_registro": _label("FGR", BOTH, les=False),
    # United States
    "cbp_crossings": _label("CBP", BOTH),
    "cbp_seizures": _label("CBP", BOTH),
    "usbp_apprehensions": _label("CBP", BOTH),
    "state_traffic_stops": _label("HSI", BOTH),
    "us_arrests": _label("HSI", ["USA"]),
    "mt_transfers": _label("HSI", BOTH),
    "subpoena_calls": _label("USAO", ["USA"]),
    "us_vehicle_registrations": _label("HSI", BOTH, les=False),
    "lease_records": _label("HSI", BOTH, les=False),
    "h2a_employment": _label("HSI", BOTH, les=False),
    "phone_extractions": _label("HSI", []),
    # Central America, received through HSI's attaché office
    "gt_pnc_registros": _label("HSI", BOTH),
}

AGENCIES: list[dict[str, Any]] = [
    {"code": "CBP", "name": "U.S. Customs and Border Protection", "country": "USA",
     "law_enforcement": True, "purposes": [DRUGS, "border security"]},
    {"code": "HSI", "name": "Homeland Security Investigations", "country": "USA",
     "law_enforcement": True, "purposes": [SMUGGLING, DRUGS, LABOUR]},
    {"code": "USAO", "name": "U.S. Attorney's Office, Southern District of Texas",
     "country": "USA", "law_enforcement": True, "purposes": [SMUGGLING, DRUGS, LABOUR]},
    {"code": "FGR", "name": "Fiscalía General de la República", "country": "MEX",
     "law_enforcement": True, "purposes": [SMUGGLING, DRUGS, LABOUR]},
    {"code": "UIF", "name": "Unidad de Inteligencia Financiera", "country": "MEX",
     "law_enforcement": True, "purposes": [LAUNDERING]},
    {"code": "INM", "name": "Instituto Nacional de Migración", "country": "MEX",
     "law_enforcement": True, "purposes": ["migration control"]},
    {"code": "CDM", "name": "Centro de Derechos del Migrante (NGO)", "country": "MEX",
     "law_enforcement": False, "purposes": ["migrant protection"]},
]  # fmt: skip

# (username, role, agency, full name): one per useful role and agency combination.
USERS: list[tuple[str, str, str, str]] = [
    ("admin", "administrator", "USAO", "Workspace Administrator"),
    ("cbp-analyst", "analyst", "CBP", "Dana Whitfield"),
    ("hsi-investigator", "investigator", "HSI", "Marcus Ortega"),
    ("hsi-analyst", "analyst", "HSI", "Priya Raman"),
    ("usao-prosecutor", "prosecutor", "USAO", "Elena Brooks"),
    ("fgr-investigator", "investigator", "FGR", "Jorge Salinas Ruiz"),
    ("fgr-prosecutor", "prosecutor", "FGR", "Patricia Medina Ochoa"),
    ("uif-investigator", "investigator", "UIF", "Rocío Anaya Treviño"),
    ("inm-analyst", "analyst", "INM", "Luis Ángel Carrillo Vega"),
    ("cdm-analyst", "analyst", "CDM", "Sofía Ibarra Luna"),
    ("auditor", "auditor", "USAO", "Grace Holloway"),
]


def accounts() -> dict[str, Any]:
    """The demo agencies and accounts, in `eslabon users load`'s shape."""
    users = [
        {"username": u, "full_name": name, "role": role, "agency": agency,
         "password": f"demo-{u}", "demo": True}
        for u, role, agency, name in USERS
    ]  # fmt: skip
    return {"agencies": AGENCIES, "users": users}


HEADER = """\
# Demo agencies and accounts of this synthetic world (docs/access.md).
# Demo accounts have no second factor and their password is demo-<username>:
# never load this file into a workspace that holds real data.
"""


def write_accounts(out: Path) -> Path:
    path = Path(out) / "accounts.yaml"
    text = yaml.safe_dump(accounts(), sort_keys=False, allow_unicode=True, width=100)
    path.write_text(HEADER + text, encoding="utf-8")
    return path
