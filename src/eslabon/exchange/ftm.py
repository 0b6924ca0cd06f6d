"""FollowTheMoney entity stream (JSON lines): entities and links, valid for the `followthemoney`
library, so Aleph and OpenSanctions tooling can read eslabon's results.

Phones are not FtM things: their numbers go on the persons who use them and on the calls
(``callerNumber``/``receiverNumber``). Every link keeps its provenance in ``recordId``
(``source_id/row``), ``publisher`` (source name) and ``summary`` (file, row, sha256).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from eslabon.errors import EslabonError
from eslabon.exchange.graph import GraphData
from eslabon.store.connection import Store

SCHEMA = {
    "Person": "Person",
    "Organization": "Organization",
    "Vehicle": "Vehicle",
    "Address": "Address",
    "Account": "BankAccount",
}
PERSON_PROPS = {
    "name": "name", "given": "firstName", "paternal": "fatherName", "maternal": "motherName",
    "birth_date": "birthDate", "curp": "idNumber", "national_id": "idNumber", "a_number": "idNumber",
    "ssn": "idNumber", "rfc": "taxNumber", "passport": "passportNumber",
}  # fmt: skip
THING_PROPS = {
    "Organization": {"name": "name", "rfc": "taxNumber", "registration": "registrationNumber"},
    "Vehicle": {"plate": "registrationNumber", "model": "model", "make": "name", "vin": "idNumber"},
    "Address": {"full": "full", "street": "street", "city": "city", "postal_code": "postalCode",
                "state": "state"},
    "Account": {"number": "accountNumber", "institution": "bankName", "account_type": "accountType"},
}  # fmt: skip
ADDRESS_LINKS = {"Residence", "Lease", "Lodging"}
GENDER = {"M": "male", "F": "female"}
_ID_OK = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]*$")


def ftm_id(entity_id: str) -> str:
    """A valid FtM id for an eslabon id: readable when possible, else a stable hash."""
    if _ID_OK.match(entity_id) and len(entity_id) < 100:
        return f"esl-{entity_id}"
    return "esl-" + hashlib.sha1(entity_id.encode()).hexdigest()


def _date(value: Any) -> str | None:
    if value is None or str(value) in ("", "NaT", "None", "nan"):
        return None
    return str(value).replace(" ", "T")[:19]


def _mention_props(store: Store) -> dict[str, list[tuple[dict[str, Any], str]]]:
    rows = store.query(
        "SELECT em.entity_id, m.props, s.name FROM entity_mentions em "
        "JOIN mentions m ON m.mention_id = em.mention_id "
        "JOIN sources s ON s.source_id = m.source_id AND s.superseded_by IS NULL "
        "ORDER BY em.entity_id, m.mention_id"
    )
    out: dict[str, list[tuple[dict[str, Any], str]]] = defaultdict(list)
    for entity_id, props, source in rows:
        out[entity_id].append((json.loads(props) if isinstance(props, str) else props, source))
    return out


def _phone_users(store: Store) -> dict[str, list[str]]:
    if not store.table_exists("phone_users"):
        return {}
    users: dict[str, list[str]] = defaultdict(list)
    for phone, person in store.query(
        "SELECT phone_entity, person_entity FROM phone_users ORDER BY 1, 2"
    ):
        users[phone].append(person)
    return users


def ftm_entities(store: Store, data: GraphData) -> list[dict[str, Any]]:
    """The FtM entities (as dicts) for the graph's nodes and links."""
    from followthemoney import model

    props_of = _mention_props(store)
    users = _phone_users(store)
    kinds = dict(zip(data.nodes["entity_id"], data.nodes["kind"], strict=True))
    captions = dict(zip(data.nodes["entity_id"], data.nodes["caption"], strict=True))
    exported: dict[str, Any] = {}
    for row in data.nodes.itertuples(index=False):
        schema = SCHEMA.get(row.kind)
        if schema is None:
            continue
        proxy = model.make_entity(schema)
        proxy.id = ftm_id(row.entity_id)
        mapping = PERSON_PROPS if row.kind == "Person" else THING_PROPS[row.kind]
        for props, source in props_of.get(row.entity_id, []):
            proxy.add("publisher", source)
            for key, prop in mapping.items():
                if props.get(key):
                    proxy.add(prop, str(props[key]), quiet=True)
            if row.kind == "Person":
                for alias in props.get("aliases") or []:
                    proxy.add("alias", alias, quiet=True)
                proxy.add("gender", GENDER.get(str(props.get("sex"))), quiet=True)
                proxy.add("nationality", props.get("nationality"), quiet=True)
        if row.caption and row.kind in ("Person", "Organization", "Vehicle", "Address", "Account"):
            proxy.add("name", str(row.caption), quiet=True)
        facts = [
            f"{k}: {getattr(row, k)}"
            for k in ("role", "network", "stage", "rank")
            if getattr(row, k) is not None and str(getattr(row, k)) not in ("nan", "<NA>", "None")
        ]
        if facts:
            proxy.add("summary", "; ".join(facts))
            proxy.add("keywords", [str(row.role or ""), str(row.network or "")], quiet=True)
        exported[row.entity_id] = proxy
    # Phones: their numbers go to their users.
    for phone, people in users.items():
        for person in people:
            if person in exported and captions.get(phone):
                exported[person].add("phone", captions[phone], quiet=True)
    links = []
    for row in data.edges.itertuples(index=False):
        proxy = _link(model, row, kinds, captions, users, exported)
        if proxy is not None:
            links.append(proxy)
    for row in data.events.itertuples(index=False):
        if row.source in exported and kinds.get(row.source) in ("Person", "Organization"):
            proxy = model.make_entity("Event")
            proxy.id = ftm_id("link:" + row.link_id)
            proxy.add("name", row.kind)
            proxy.add("involved", exported[row.source].id)
            _provenance(proxy, row)
            links.append(proxy)
    out = [exported[k].to_dict() for k in sorted(exported)]
    out += sorted((p.to_dict() for p in links), key=lambda d: d["id"])
    return out


def _provenance(proxy: Any, row: Any) -> None:
    proxy.add("recordId", f"{row.source_id}/{row.row_num}")
    proxy.add("publisher", str(row.source_id).split("@")[0])
    proxy.add(
        "summary", f"{row.kind}; source {row.source_id} row {row.row_num}; sha256 {row.sha256}"
    )
    props = json.loads(row.props) if row.props else {}
    date = _date(row.start_at)
    if date:
        proxy.add("startDate", date)
    if _date(row.end_at):
        proxy.add("endDate", _date(row.end_at))
    if props.get("place") or props.get("port"):
        proxy.add("description", str(props.get("place") or props.get("port")))


def _link(model: Any, row: Any, kinds: dict[str, str], captions: dict[str, str],
          users: dict[str, list[str]], exported: dict[str, Any]) -> Any:  # fmt: skip
    """One link as an FtM interval entity, or None when its ends are not exportable."""

    def person_of(entity: str) -> str | None:
        if entity in exported:
            return exported[entity].id
        people = [p for p in users.get(entity, []) if p in exported]
        return exported[people[0]].id if len(people) == 1 else None

    a, b = row.source, row.target
    proxy = None
    if row.kind == "Call" and kinds.get(a) == "Phone" and kinds.get(b) == "Phone":
        proxy = model.make_entity("Call")
        proxy.add("callerNumber", captions.get(a), quiet=True)
        proxy.add("receiverNumber", captions.get(b), quiet=True)
        proxy.add("caller", person_of(a), quiet=True)
        proxy.add("receiver", person_of(b), quiet=True)
    elif a not in exported or b not in exported:
        return None
    elif row.kind == "Payment" and {kinds[a], kinds[b]} <= {"Person", "Organization"}:
        proxy = model.make_entity("Payment")
        proxy.add("payer", exported[a].id)
        proxy.add("beneficiary", exported[b].id)
        props = json.loads(row.props) if row.props else {}
        proxy.add("amount", props.get("amount"), quiet=True)
        proxy.add("currency", props.get("currency"), quiet=True)
    elif row.kind == "Employment" and kinds[a] == "Person" and kinds[b] == "Organization":
        proxy = model.make_entity("Employment")
        proxy.add("employee", exported[a].id)
        proxy.add("employer", exported[b].id)
    elif row.kind == "Associate" and kinds[a] == kinds[b] == "Person":
        proxy = model.make_entity("Associate")
        proxy.add("person", exported[a].id)
        proxy.add("associate", exported[b].id)
    elif (
        row.kind == "Ownership"
        and kinds[a] in ("Person", "Organization")
        and kinds[b]
        in (
            "Vehicle",
            "Account",
        )
    ):
        proxy = model.make_entity("Ownership")
        proxy.add("owner", exported[a].id)
        proxy.add("asset", exported[b].id)
    else:
        proxy = model.make_entity("UnknownLink")
        proxy.add("subject", exported[a].id)
        proxy.add("object", exported[b].id)
        proxy.add("role", row.kind)
    proxy.id = ftm_id("link:" + row.link_id)
    _provenance(proxy, row)
    return proxy


def write_ftm(store: Store, data: GraphData, path: Path) -> dict[str, int]:
    """Write the FtM stream; returns counts of entities and links written."""
    entities = ftm_entities(store, data)
    try:
        with path.open("w", encoding="utf-8") as fh:
            for e in entities:
                fh.write(json.dumps(e, sort_keys=True, ensure_ascii=False) + "\n")
    except OSError as err:
        raise EslabonError(f"cannot write: {err.strerror}", file=str(path)) from None
    things = sum(1 for e in entities if e["schema"] in SCHEMA.values())
    return {"entities": things, "links": len(entities) - things}
