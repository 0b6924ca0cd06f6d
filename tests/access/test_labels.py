"""Security labels: parsing with errors for people, the visibility rules, combining, banners,
and how ingest and `eslabon labels set` store them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from eslabon.access.labels import (
    Label,
    LegalBasis,
    caveat_text,
    combine,
    label_from_json,
    labels_by_source,
    stored_labels,
    visible,
)
from eslabon.access.principal import Principal
from eslabon.errors import EslabonError
from eslabon.ingest.load import ingest
from eslabon.ingest.mapping import load_mapping
from eslabon.store import open_store
from tests.conftest import run_cli, write_source

UIF_LABEL = """\
source: uif
file: ../sources/uif.csv
entities:
  titular: {kind: Person, properties: {name: nombre}}
label:
  originator: UIF
  releasable_to: [MEX, USA]
  originator_control: true
  law_enforcement_sensitive: true
  legal_basis:
    kind: MLAT
    reference: MLAT-MX-US-2026-0412
    purpose: human smuggling investigation
  expires: 2027-06-30
"""


def _mapping(tmp_path: Path, text: str) -> Path:
    (tmp_path / "sources").mkdir(exist_ok=True)
    (tmp_path / "sources" / "uif.csv").write_text("nombre\nJUAN PEREZ\n")
    (tmp_path / "mappings").mkdir(exist_ok=True)
    path = tmp_path / "mappings" / "uif.yaml"
    path.write_text(text)
    return path


def test_a_mapping_label_is_parsed(tmp_path: Path) -> None:
    m = load_mapping(_mapping(tmp_path, UIF_LABEL))
    assert m.label == Label(
        originator=frozenset({"UIF"}),
        releasable_to=frozenset({"MEX", "USA"}),
        orcon=True,
        les=True,
        legal_basis=(LegalBasis("MLAT", "MLAT-MX-US-2026-0412", "human smuggling investigation"),),
        expires=date(2027, 6, 30),
    )
    assert label_from_json(m.label.to_json()) == m.label
    assert load_mapping(_mapping(tmp_path, UIF_LABEL.split("label:")[0])).label is None


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "message"),
    [
        ("  originator_control: true", "  orcon: true", 8, "label.orcon", "unknown label key"),
        ("[MEX, USA]", "[MEX, GTM]", 7, "label.releasable_to", "unknown country 'GTM'"),
        ("2027-06-30", "30/06/2027", 14, "label.expires", "is not a date"),
        ("  originator: UIF", "  originator: ''", 6, "label.originator", "needs an `originator`"),
        ("    purpose: human", "    goal: human", 13, "label.legal_basis", "'goal'"),
        ("  law_enforcement_sensitive: true", "  law_enforcement_sensitive: maybe", 9,
         "label.law_enforcement_sensitive", "true or false"),
    ],
)  # fmt: skip
def test_label_errors_name_file_line_and_field(
    tmp_path: Path, old: str, new: str, line: int, field: str, message: str
) -> None:
    assert old in UIF_LABEL
    path = _mapping(tmp_path, UIF_LABEL.replace(old, new))
    with pytest.raises(EslabonError) as err:
        load_mapping(path)
    assert err.value.file == str(path)
    assert (err.value.line, err.value.field) == (line, field)
    assert message in err.value.message


def _p(agency: str | None, country: str | None, *, role: str = "analyst", le: bool = True,
       purposes: tuple[str, ...] = (), setup: bool = False) -> Principal:  # fmt: skip
    return Principal(f"u-{agency}", role, agency, country, le, frozenset(purposes), setup)


UIF = Label(frozenset({"UIF"}), frozenset({"MEX", "USA"}), orcon=True, les=True,
            legal_basis=(LegalBasis("MLAT", "MLAT-1", "Human Smuggling Investigation"),),
            expires=date(2027, 6, 30))  # fmt: skip
HSI_ONLY = Label(frozenset({"HSI"}))
MEX_OPEN = Label(frozenset({"FGR"}), frozenset({"MEX"}))
BEFORE, AFTER = date(2027, 6, 30), date(2027, 7, 1)
SMUGGLING = ("human smuggling investigation",)


@pytest.mark.parametrize(
    ("label", "principal", "today", "expected"),
    [
        (UIF, _p("UIF", "MEX"), AFTER, True),  # the originator keeps its own, even expired
        (UIF, _p("UIF", "MEX", role="auditor"), BEFORE, False),  # auditors see no data
        (UIF, _p("HSI", "USA", purposes=SMUGGLING), BEFORE, True),  # purpose matched (folded)
        (UIF, _p("HSI", "USA", purposes=SMUGGLING), AFTER, False),  # release lapsed
        (UIF, _p("CBP", "USA", purposes=("border security",)), BEFORE, False),  # wrong purpose
        (UIF, _p("CDM", "MEX", le=False, purposes=SMUGGLING), BEFORE, False),  # LES
        (UIF, _p(None, None, setup=True), AFTER, True),  # setup mode sees everything
        (HSI_ONLY, _p("HSI", "USA"), BEFORE, True),
        (HSI_ONLY, _p("CBP", "USA"), BEFORE, False),  # [] = the originator only
        (MEX_OPEN, _p("INM", "MEX"), BEFORE, True),
        (MEX_OPEN, _p("CDM", "MEX", le=False), BEFORE, True),  # not LES: an NGO may see it
        (MEX_OPEN, _p("CBP", "USA"), BEFORE, False),  # not releasable to the USA
        (None, _p("CBP", "USA"), BEFORE, False),  # unlabelled: setup mode only
        (None, _p(None, None, setup=True), BEFORE, True),
    ],
)  # fmt: skip
def test_visible(label: Label | None, principal: Principal, today: date, expected: bool) -> None:
    assert visible(label, principal, today) is expected


def test_combine_is_as_restrictive_as_every_input() -> None:
    cbp = Label(frozenset({"CBP"}), frozenset({"MEX", "USA"}), expires=date(2028, 1, 1))
    both = combine([UIF, cbp, MEX_OPEN])
    assert both.originator == {"UIF", "CBP", "FGR"}
    assert both.releasable_to == {"MEX"}
    assert both.orcon and both.les
    assert both.expires == date(2027, 6, 30)
    assert both.legal_basis == UIF.legal_basis
    assert combine([cbp]) == cbp
    # no originator alone sees a combination of several agencies' data through the originator rule
    assert not visible(both, _p("CBP", "USA"), BEFORE)
    assert visible(combine([cbp, cbp]), _p("CBP", "USA"), BEFORE)


def test_caveat_banners() -> None:
    assert caveat_text(UIF) == (
        "UIF ORCON · REL TO MEX, USA · LES · MLAT-1 for Human Smuggling Investigation · "
        "until 2027-06-30"
    )
    assert caveat_text(UIF, "es") == (
        "UIF ORCON · DIVULGABLE A MEX, USA · LES · MLAT-1 para Human Smuggling Investigation · "
        "hasta 2027-06-30"
    )
    assert caveat_text(HSI_ONLY) == "HSI · HSI ONLY"
    assert caveat_text(HSI_ONLY, "es") == "HSI · HSI SOLAMENTE"


# -- the store --------------------------------------------------------------------------------
def _source(folder: Path, label: dict | None, rows: list[list[str]] | None = None) -> Path:
    mapping = {"entities": {"p": {"kind": "Person", "properties": {"name": "nombre"}}}}
    if label is not None:
        mapping["label"] = label
    write_source(folder, "carpetas", ["nombre"], rows or [["ANA LOPEZ"]], mapping)
    return folder / "mappings" / "carpetas.yaml"


def _audited(store_file: Path) -> list[tuple]:
    with open_store(store_file, read_only=True) as st:
        return st.query(
            "SELECT username, action, CAST(detail AS VARCHAR) FROM audit_log "
            "WHERE action = 'label.set' ORDER BY seq"
        )


FGR = _p("FGR", "MEX")


def test_ingest_stores_and_updates_the_mapping_label(tmp_path: Path, store_file: Path) -> None:
    label = {"originator": "FGR", "releasable_to": ["MEX"]}
    with open_store(store_file) as st:
        ingest(st, _source(tmp_path, label), principal=FGR)
        assert labels_by_source(st) == {"carpetas@1": MEX_OPEN}
        ingest(st, _source(tmp_path, label), principal=FGR)  # unchanged: nothing recorded
        label["releasable_to"] = ["MEX", "USA"]
        ingest(st, _source(tmp_path, label), principal=FGR)
        (s,) = stored_labels(st).values()
        assert (s.origin, s.set_by, s.label.releasable_to) == ("mapping", "u-FGR", {"MEX", "USA"})
        assert list(labels_by_source(st)) == ["carpetas@2"]  # current versions only
    rows = _audited(store_file)
    assert [r[:2] for r in rows] == [("u-FGR", "label.set")] * 2
    assert json.loads(rows[1][2])["label"]["releasable_to"] == ["MEX", "USA"]


def test_an_unlabelled_source_stays_with_its_ingesting_agency(
    tmp_path: Path, store_file: Path
) -> None:
    with open_store(store_file) as st:
        ingest(st, _source(tmp_path, None), principal=Principal.local_operator())
        assert labels_by_source(st) == {"carpetas@1": None}  # setup mode: no label needed
        ingest(st, _source(tmp_path, None, [["ANA LOPEZ"], ["LUIS DIAZ"]]), principal=FGR)
        assert labels_by_source(st) == {"carpetas@2": Label(frozenset({"FGR"}))}
        assert stored_labels(st)["carpetas"].origin == "ingest"


def _admin_world(tmp_path: Path, store_file: Path) -> dict[str, str]:
    accounts = {
        "agencies": [{"code": "FGR", "name": "Fiscalía", "country": "MEX"}],
        "users": [
            {"username": "boss", "role": "administrator", "agency": "FGR", "password": "x",
             "demo": True},
            {"username": "ana", "role": "analyst", "agency": "FGR", "password": "x", "demo": True},
        ],
    }  # fmt: skip
    (tmp_path / "accounts.yaml").write_text(yaml.safe_dump(accounts))
    env = {"ESLABON_ARGON2_FAST": "1", "ESLABON_USER": ""}
    label = {"originator": "FGR", "releasable_to": ["MEX"]}
    with open_store(store_file) as st:
        ingest(st, _source(tmp_path, label))
    out = run_cli("users", "load", str(tmp_path / "accounts.yaml"), "--store", str(store_file),
                  env=env)  # fmt: skip
    assert out.returncode == 0, out.stderr
    return env


def test_labels_set_needs_the_labels_permission_and_is_audited(
    tmp_path: Path, store_file: Path
) -> None:
    env = _admin_world(tmp_path, store_file)
    new = tmp_path / "label.yaml"
    new.write_text("label:\n  originator: FGR\n  releasable_to: [MEX, USA]\n")
    args = ("labels", "set", "carpetas", "--file", str(new), "--store", str(store_file))
    refused = run_cli("--as", "ana", *args, env=env)
    assert refused.returncode == 2 and "may not labels" in refused.stderr
    done = run_cli("--as", "boss", *args, env=env)
    assert done.returncode == 0, done.stderr
    assert "FGR · REL TO MEX, USA" in done.stdout
    with open_store(store_file, read_only=True) as st:
        s = stored_labels(st)["carpetas"]
    assert (s.origin, s.set_by, s.label.releasable_to) == ("command", "boss", {"MEX", "USA"})
    last = _audited(store_file)[-1]
    assert last[:2] == ("boss", "label.set")
    assert json.loads(last[2])["before"]["releasable_to"] == ["MEX"]
    # a re-ingest whose mapping label did not change keeps the command's label
    with open_store(store_file) as st:
        ingest(st, _source(tmp_path, {"originator": "FGR", "releasable_to": ["MEX"]},
                           [["ANA LOPEZ"], ["LUIS DIAZ"]]))  # fmt: skip
        assert stored_labels(st)["carpetas"].origin == "command"
    listed = run_cli("--as", "ana", "labels", "list", "--json", "--store", str(store_file),
                     env=env)  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)[0]["caveat"] == "FGR · REL TO MEX, USA"
    bad = tmp_path / "bad.yaml"
    bad.write_text("originator: FGR\nreleasable_to: [MEX, CAN]\n")
    err = run_cli("--as", "boss", "labels", "set", "carpetas", "--file", str(bad), "--store",
                  str(store_file), env=env)  # fmt: skip
    assert err.returncode == 2 and f"{bad}, line 2, field 'label.releasable_to'" in err.stderr
