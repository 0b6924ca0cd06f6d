"""Mapping validation: every mistake names the mapping file and line before any row is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from eslabon.errors import EslabonError
from eslabon.ingest.mapping import load_mapping, parse_mapping

GOOD = """\
source: detenciones
file: ../sources/detenciones.csv
format: csv
csv: {delimiter: ";", encoding: latin-1}
country: MX
language: es
date_convention: DMY
phone_region: MX
entities:
  detenido:
    kind: Person
    keys: [folio]
    properties:
      firstName: nombre
      fatherName: apellido_paterno
      motherName: {column: apellido_materno}
      birthDate: fecha_nacimiento
  telefono:
    kind: Phone
    properties: {number: telefono}
links:
  uso:
    kind: PhoneUse
    subject: detenido
    object: telefono
    start: {columns: [fecha, hora]}
"""


def parse(text: str):
    return parse_mapping(Path("/w/mappings/m.yaml"), text)


def test_good_mapping_parses_with_columns_and_lines():
    m = parse(GOOD)
    assert m.source == "detenciones"
    assert m.file == Path("/w/sources/detenciones.csv")
    assert m.csv == {"delimiter": ";", "encoding": "latin-1"}
    assert m.entities["detenido"].keys == ("folio",)
    assert m.entities["detenido"].properties["motherName"].columns == ("apellido_materno",)
    assert m.links["uso"].start.columns == ("fecha", "hora")
    cols = {c for c, _, _ in m.column_uses()}
    assert cols == {
        "folio",
        "nombre",
        "apellido_paterno",
        "apellido_materno",
        "fecha_nacimiento",
        "telefono",
        "fecha",
        "hora",
    }


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("kind: Person", "kind: Persona", 11, "unknown entity kind 'Persona'"),
        ("firstName: nombre", "nombrePila: nombre", 14, "Person has no property 'nombrePila'"),
        ("object: telefono", "object: celular", 25, "'celular' is not an entity key"),
        ("kind: PhoneUse", "kind: Llamada", 23, "unknown link kind 'Llamada'"),
        ("date_convention: DMY", "date_convention: YMD", 7, "date_convention 'YMD'"),
        ("phone_region: MX", "phone_region: XX", 8, "phone_region 'XX'"),
        ("format: csv", "format: parquet", 3, "format 'parquet'"),
        ("encoding: latin-1", "encoding: klingon", 4, "unknown encoding"),
    ],
)
def test_mistakes_name_file_and_line(old, new, line, words):
    with pytest.raises(EslabonError) as exc:
        parse(GOOD.replace(old, new))
    err = exc.value
    assert err.file.endswith("m.yaml")
    assert err.line == line
    assert words in err.message


def test_link_end_of_wrong_kind_is_refused():
    text = GOOD.replace("object: telefono", "object: detenido")
    with pytest.raises(EslabonError, match="must be Phone, not Person"):
        parse(text)


def test_invalid_yaml_names_line():
    with pytest.raises(EslabonError) as exc:
        parse("source: x\nentities:\n  a: [unclosed\n")
    assert exc.value.line is not None
    assert "not valid YAML" in exc.value.message


def test_unknown_column_is_refused_before_reading(tmp_path):
    m = parse(GOOD)
    with pytest.raises(EslabonError) as exc:
        m.check_columns(["folio", "nombre"], tmp_path / "d.csv")
    assert exc.value.field == "apellido_paterno"
    assert exc.value.line == 15
    assert "d.csv does not have" in exc.value.message


def test_missing_mapping_file(tmp_path):
    with pytest.raises(EslabonError, match="not found"):
        load_mapping(tmp_path / "nope.yaml")
