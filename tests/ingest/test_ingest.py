"""Ingest on real DuckDB files: nothing lost, nothing silent, idempotent, all-or-nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eslabon.errors import EslabonError
from eslabon.ingest.load import ingest
from eslabon.ingest.status import quarantine, status
from tests.conftest import run_cli, write_source

MX_MAPPING = {
    "country": "MX",
    "language": "es",
    "date_convention": "DMY",
    "phone_region": "MX",
    "entities": {
        "detenido": {
            "kind": "Person",
            "keys": ["folio"],
            "properties": {
                "firstName": "nombre",
                "fatherName": "paterno",
                "motherName": "materno",
                "birthDate": "nacimiento",
                "gender": "sexo",
            },
        },
        "telefono": {"kind": "Phone", "properties": {"number": "telefono"}},
    },
    "links": {
        "detencion": {
            "kind": "Detention",
            "subject": "detenido",
            "start": "fecha",
            "properties": {"place": "municipio", "agency": {"literal": "INM"}},
        },
        "uso": {"kind": "PhoneUse", "subject": "detenido", "object": "telefono"},
    },
}
HEADER = [
    "folio",
    "nombre",
    "paterno",
    "materno",
    "nacimiento",
    "sexo",
    "telefono",
    "fecha",
    "municipio",
]
ROWS = [
    [
        "F1",
        "JOSE LUIS",
        "HERNANDEZ",
        "MARTINEZ",
        "03/04/1990",
        "H",
        "55 1234 5678",
        "10/01/2024",
        "TAPACHULA",
    ],
    [
        "F2",
        "María Guadalupe",
        "Pérez",
        "",
        "25/12/1985",
        "M",
        "+52 1 55 8765 4321",
        "11/01/2024",
        "TAPACHULA",
    ],
    ["F3", "PEDRO", "GOMEZ", "RUIZ", "31/02/1980", "H", "", "12/01/2024", "COMITAN"],
    ["F4", "ANA", "LOPEZ", "DIAZ", "12/25/1991", "M", "", "12/01/2024", "COMITAN"],
    ["F5", "", "", "", "", "", "", "12/01/2024", "COMITAN"],
]


def counts_add_up(st) -> dict:
    data = status(st)
    for s in data["sources"]:
        assert s["rows_read"] == s["rows_loaded"] + s["rows_quarantined"]
        loaded = st.query_one(
            "SELECT count(*) FROM source_rows WHERE source_id = ?", [s["source_id"]]
        )[0]
        refused = st.query_one(
            "SELECT count(*) FROM quarantine WHERE source_id = ?", [s["source_id"]]
        )[0]
        assert loaded == s["rows_loaded"]
        assert refused == s["rows_quarantined"]
    return data


def test_rows_are_loaded_or_quarantined_with_reasons(tmp_path, store):
    write_source(tmp_path, "inm", HEADER, ROWS, MX_MAPPING, delimiter=";", encoding="latin-1")
    (report,) = ingest(store, tmp_path)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (5, 4, 1)
    data = counts_add_up(store)
    assert data["totals"]["mentions"] == {"Person": 3, "Phone": 2}
    (refused,) = quarantine(store)
    assert refused["row_num"] == 3
    assert refused["field"] == "nacimiento"
    assert "31/02/1980" in refused["reason"]
    flags = store.query("SELECT row_num, field, flag FROM row_flags ORDER BY row_num")
    assert (1, "nacimiento", "date_ambiguous") in flags
    assert (4, "nacimiento", "date_other_convention") in flags


def test_normalised_props_follow_the_contract(tmp_path, store):
    write_source(tmp_path, "inm", HEADER, ROWS, MX_MAPPING)
    ingest(store, tmp_path)
    props = {
        r[0]: json.loads(r[1])
        for r in store.query("SELECT mention_id, props FROM mentions ORDER BY mention_id")
    }
    p1 = props["inm@1/1/detenido"]
    assert p1["paternal"] == "HERNANDEZ" and p1["maternal"] == "MARTINEZ"
    assert p1["given"] == "JOSE LUIS"
    assert p1["birth_date"] == "1990-04-03"
    assert p1["sex"] == "M"
    p2 = props["inm@1/2/detenido"]
    assert p2["paternal"] == "PEREZ" and p2["sex"] == "F"
    assert props["inm@1/1/telefono"]["number"] == "+525512345678"
    assert props["inm@1/2/telefono"]["number"] == "+525587654321"
    links = store.query(
        "SELECT link_id, kind, subject_id, object_id, CAST(start_at AS DATE) FROM links ORDER BY 1"
    )
    assert ("inm@1/1/uso", "PhoneUse", "inm@1/1/detenido", "inm@1/1/telefono", None) in links
    det = next(r for r in links if r[0] == "inm@1/1/detencion")
    assert str(det[4]) == "2024-01-10"


def test_reingest_is_a_noop_and_a_changed_file_is_a_new_version(tmp_path, store):
    data = write_source(tmp_path, "inm", HEADER, ROWS, MX_MAPPING)
    ingest(store, tmp_path)
    before = store.query_one("SELECT count(*) FROM mentions")[0]
    (again,) = ingest(store, tmp_path)
    assert again.status == "unchanged"
    assert store.query_one("SELECT count(*) FROM mentions")[0] == before
    data.write_text(data.read_text() + "F6,LUIS,RAMOS,,01/01/1970,H,,13/01/2024,X\n")
    (new,) = ingest(store, tmp_path)
    assert new.source_id == "inm@2" and new.rows_read == 6
    cur = store.query("SELECT source_id FROM sources WHERE superseded_by IS NULL")
    assert cur == [("inm@2",)]
    assert status(store)["totals"]["rows_read"] == 6
    assert status(store, all_versions=True)["totals"]["rows_read"] == 11


BROKEN_MAPPING = {
    "date_convention": "MDY",
    "entities": {"p": {"kind": "Person", "properties": {"name": "name", "birthDate": "dob"}}},
}


def test_broken_records_are_quarantined_not_fatal(tmp_path, store):
    (tmp_path / "mappings").mkdir()
    (tmp_path / "sources").mkdir()
    big = "X" * (10 * 1024 * 1024)
    body = (
        b"name,dob\n"
        b"JOHN SMITH,01/02/1980\n"
        b"TOO,MANY,FIELDS\n"
        b"BAD \xff\xfe BYTES,01/02/1980\n"
        b"NUL\x00NAME,01/02/1980\n" + f"{big},01/02/1980\n".encode() + b"\n"
        b"LAST ONE,12/31/1999\n"
    )
    (tmp_path / "sources" / "b.csv").write_bytes(body)
    import yaml

    (tmp_path / "mappings" / "b.yaml").write_text(
        yaml.safe_dump({"source": "b", "file": "../sources/b.csv", **BROKEN_MAPPING})
    )
    (report,) = ingest(store, tmp_path)
    assert report.rows_read == 6
    assert report.rows_loaded == 2
    counts_add_up(store)
    reasons = {r["row_num"]: (r["line"], r["field"], r["reason"]) for r in quarantine(store)}
    assert reasons[2][2] == "expected 2 fields, found 3"
    assert reasons[3][1] == "name" and "0xFF" in reasons[3][2]
    assert "NUL" in reasons[4][2]
    assert reasons[5][1] == "name" and "limit" in reasons[5][2]
    assert reasons[2][0] == 3  # physical line of the record


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "file is empty"),
        (b"\x00\x01\x02\x03" * 500, "binary"),
        (b"\xff\xfe\x00n\xffa\xffm\xffe\n", "header"),
    ],
)
def test_unusable_file_is_an_error_and_leaves_store_unchanged(tmp_path, store, content, words):
    write_source(tmp_path, "good", HEADER, ROWS, MX_MAPPING)
    (tmp_path / "sources" / "bad.csv").write_bytes(content)
    import yaml

    (tmp_path / "mappings" / "bad.yaml").write_text(
        yaml.safe_dump({"source": "bad", "file": "../sources/bad.csv", **BROKEN_MAPPING})
    )
    with pytest.raises(EslabonError) as exc:
        ingest(store, tmp_path)
    assert "bad.csv" in exc.value.file
    assert words in exc.value.message
    assert store.query_one("SELECT count(*) FROM sources")[0] == 0


def test_mapping_naming_missing_column(tmp_path, store):
    write_source(tmp_path, "inm", HEADER[:-1], [r[:-1] for r in ROWS], MX_MAPPING)
    with pytest.raises(EslabonError) as exc:
        ingest(store, tmp_path)
    assert exc.value.field == "municipio"
    assert exc.value.file.endswith("inm.yaml")
    assert exc.value.line is not None


def test_jsonl_and_xlsx_sources(tmp_path, store):
    import openpyxl
    import yaml

    (tmp_path / "mappings").mkdir()
    (tmp_path / "sources").mkdir()
    lines = [
        {
            "caller": "(956) 555-0123",
            "callee": "011 52 55 1234 5678",
            "when": "01/15/2024 14:35",
            "secs": 60,
        },
        {
            "caller": "956-555-0123",
            "callee": "9565550199",
            "when": "02/30/2024",
            "secs": 5,
            "extra": {"nested": 1},
        },
        "not json",
    ]
    text = "\n".join(json.dumps(x) if isinstance(x, dict) else x for x in lines) + "\n"
    (tmp_path / "sources" / "cdr.jsonl").write_text(text)
    (tmp_path / "mappings" / "cdr.yaml").write_text(
        yaml.safe_dump(
            {
                "source": "cdr",
                "file": "../sources/cdr.jsonl",
                "format": "jsonl",
                "country": "US",
                "date_convention": "MDY",
                "phone_region": "US",
                "entities": {
                    "a": {"kind": "Phone", "properties": {"number": "caller"}},
                    "b": {"kind": "Phone", "properties": {"number": "callee"}},
                },
                "links": {
                    "call": {
                        "kind": "Call",
                        "subject": "a",
                        "object": "b",
                        "start": "when",
                        "properties": {"duration": "secs"},
                    },
                },
            }
        )
    )
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["PLACA", "NIV", "MARCA"])
    ws.append(["ABC-123-D", "1M8GDM9AXKP042788", "FORD"])
    ws.append(["XYZ 987", None, "Nissan"])
    wb.save(tmp_path / "sources" / "repuve.xlsx")
    (tmp_path / "mappings" / "repuve.yaml").write_text(
        yaml.safe_dump(
            {
                "source": "repuve",
                "file": "../sources/repuve.xlsx",
                "format": "xlsx",
                "country": "MX",
                "entities": {
                    "v": {
                        "kind": "Vehicle",
                        "properties": {"plate": "PLACA", "vin": "NIV", "make": "MARCA"},
                    }
                },
            }
        )
    )
    reports = {r.source: r for r in ingest(store, tmp_path)}
    assert (reports["cdr"].rows_read, reports["cdr"].rows_loaded) == (3, 1)
    assert (reports["repuve"].rows_read, reports["repuve"].rows_loaded) == (2, 2)
    counts_add_up(store)
    call = store.query_one("SELECT start_at, props FROM links WHERE kind = 'Call'")
    assert str(call[0]) == "2024-01-15 14:35:00"
    assert json.loads(call[1])["duration_s"] == 60
    numbers = {
        r[0] for r in store.query("SELECT props->>'number' FROM mentions WHERE kind='Phone'")
    }
    assert numbers == {"+19565550123", "+525512345678"}
    plates = store.query("SELECT props->>'plate', props->>'vin_status' FROM mentions ORDER BY 1")
    assert plates[0][0] == "ABC123D"
    reasons = [r["reason"] for r in quarantine(store, "cdr")]
    assert any("not valid JSON" in r for r in reasons)
    assert any("02/30/2024" in r for r in reasons)


def test_cli_reports_bad_input_without_traceback(tmp_path):
    write_source(tmp_path, "inm", HEADER[:-1], [r[:-1] for r in ROWS], MX_MAPPING)
    res = run_cli("ingest", str(tmp_path), "--store", str(tmp_path / "ws.duckdb"))
    assert res.returncode == 2
    out = res.stdout + res.stderr
    assert "Traceback" not in out
    assert "inm.yaml" in out and "municipio" in out


def test_cli_status_json(tmp_path):
    write_source(tmp_path, "inm", HEADER, ROWS, MX_MAPPING)
    ws = str(tmp_path / "ws.duckdb")
    assert run_cli("ingest", str(tmp_path), "--store", ws).returncode == 0
    res = run_cli("status", "--json", env={"ESLABON_STORE": ws})
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["totals"]["rows_read"] == 5
    assert data["totals"]["rows_quarantined"] == 1
    q = run_cli("quarantine", "--json", "--store", ws)
    assert json.loads(q.stdout)[0]["field"] == "nacimiento"


def test_store_path_option_creates_nothing_for_bad_folder(tmp_path):
    res = run_cli("ingest", str(tmp_path / "missing"), "--store", str(tmp_path / "ws.duckdb"))
    assert res.returncode == 2
    assert "no such file or folder" in res.stderr
    assert not Path(tmp_path / "missing").exists()


@pytest.mark.parametrize("kind", ["Person", "Phone", "Organization"])
def test_literal_property_alone_makes_no_mention(tmp_path, store, kind):
    """A literal is the same in every row: only a value read from the row makes a mention."""
    prop = {"Person": "name", "Phone": "number", "Organization": "name"}[kind]
    literal = {"Person": "nationality", "Phone": "carrier", "Organization": "country"}[kind]
    mapping = {
        "country": "MX",
        "language": "es",
        "date_convention": "DMY",
        "entities": {
            "who": {"kind": "Person", "keys": ["folio"], "properties": {"name": "nombre"}},
            "thing": {
                "kind": kind,
                "properties": {prop: "valor", literal: {"literal": "MX"}},
            },
        },
        "links": {},
    }
    rows = [["F1", "JUAN PEREZ", "5512345678"], ["F2", "ANA DIAZ", ""], ["F3", "LUIS", "N/A"]]
    write_source(tmp_path, "lit", ["folio", "nombre", "valor"], rows, mapping)
    (report,) = ingest(store, tmp_path)
    assert report.rows_loaded == 3
    got = store.query("SELECT row_num, mapping_key FROM mentions ORDER BY row_num, mapping_key")
    assert got == [(1, "thing"), (1, "who"), (2, "who"), (3, "who")]
