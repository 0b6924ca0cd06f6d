"""An FtM entity stream ingests without a mapping, as its own source named after the file."""

from __future__ import annotations

import json

from eslabon.ingest.load import ingest, looks_like_ftm
from eslabon.ingest.status import status

PEOPLE = [
    {"id": "p1", "schema": "Person", "properties": {"name": ["José Luis Hernández Martínez"]}},
    {"id": "p2", "schema": "Person", "properties": {"name": ["María Guadalupe Pérez"]}},
]


def write_stream(path, entities):
    path.write_text("".join(json.dumps(e) + "\n" for e in entities), encoding="utf-8")
    return path


def test_stream_is_recognised_and_ingested_without_mapping(tmp_path, store):
    a = write_stream(tmp_path / "aleph.ftm.json", PEOPLE)
    b = write_stream(tmp_path / "other.ftm.json", PEOPLE[:1])
    assert looks_like_ftm(a)
    (ra,) = ingest(store, a)
    (rb,) = ingest(store, b)
    assert (ra.source, rb.source) == ("ftm_aleph", "ftm_other")
    assert (ra.rows_read, ra.rows_loaded) == (2, 2)
    names = {
        r[0] for r in store.query("SELECT props->>'paternal' FROM mentions WHERE kind = 'Person'")
    }
    assert names == {"HERNANDEZ", "PEREZ"}
    current = [s["name"] for s in status(store)["sources"]]
    assert current == ["ftm_aleph", "ftm_other"]  # two streams stay two sources


def test_plain_json_lines_are_not_taken_for_ftm(tmp_path):
    path = tmp_path / "calls.jsonl"
    path.write_text('{"caller": "1", "callee": "2"}\n', encoding="utf-8")
    assert not looks_like_ftm(path)
