"""The bulk loader (distinct projections normalised once, joined back in SQL) stores, for every row,
exactly what normalising that row on its own gives: the per-record reference below follows the
row rules of docs/architecture.md (first refusal in mapping order, links only where their ends
exist) with the same per-kind functions, fed the whole record rather than a cleaned projection.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from eslabon.ingest.load import discover_mappings, ingest
from eslabon.ingest.normalise import Refused, RowNormaliser
from eslabon.ingest.readers import open_reader
from eslabon.store import open_store
from eslabon.synth.world import generate


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("bulk")
    generate(root / "world", seed=5, scale=0.2)
    ws = root / "ws.duckdb"
    with open_store(ws) as st:
        ingest(st, root / "world")
    return root / "world", ws


def _reference(norm: RowNormaliser, values: dict) -> dict:
    """One record, one by one: mentions, links and flags, or the refusal."""
    mapping = norm.mapping
    out: dict = {"mentions": {}, "links": {}, "flags": []}
    try:
        for key, spec in mapping.entities.items():
            res = norm.entity(key, values)
            out["flags"] += res.flags
            if res.props is None:
                continue
            kv = [values.get(c) or "" for c in spec.keys]
            stable = "|".join(v.strip() for v in kv) if spec.keys and any(kv) else None
            out["mentions"][key] = (spec.kind, stable, res.caption, res.props)
        for key, link in mapping.links.items():
            if link.subject not in out["mentions"]:
                continue
            if link.object is not None and link.object not in out["mentions"]:
                continue
            res = norm.link(key, values)
            out["flags"] += res.flags
            out["links"][key] = (
                link.kind,
                link.subject,
                link.object,
                res.start,
                res.end,
                res.props,
            )
    except Refused as refused:
        return {"refused": (refused.field, refused.reason)}
    return out


def _plain(value):
    """Props as the store gives them back (JSON round trip)."""
    return json.loads(json.dumps(value, default=str))


def _ts(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, datetime.min.time())


def test_bulk_load_equals_record_by_record_normalisation(world):
    folder, ws = world
    checked = refused_rows = 0
    with open_store(ws) as st:
        for mapping in discover_mappings(folder):
            (sid,) = st.query_one(
                "SELECT source_id FROM sources WHERE name = ? AND superseded_by IS NULL",
                [mapping.source],
            )
            norm = RowNormaliser(mapping)
            reader = open_reader(mapping)
            mentions: dict[int, dict] = {}
            for row_num, key, kind, stable, caption, props in st.query(
                "SELECT row_num, mapping_key, kind, key, caption, props FROM mentions "
                "WHERE source_id = ?",
                [sid],
            ):
                mentions.setdefault(row_num, {})[key] = (kind, stable, caption, json.loads(props))
            links: dict[int, dict] = {}
            for row_num, key, kind, subj, obj, start, end, props in st.query(
                "SELECT row_num, mapping_key, kind, subject_id, object_id, start_at, end_at, "
                "props FROM links WHERE source_id = ?",
                [sid],
            ):
                links.setdefault(row_num, {})[key] = (
                    kind,
                    subj,
                    obj,
                    start,
                    end,
                    json.loads(props),
                )
            flags: dict[int, Counter] = {}
            for row_num, *flag in st.query(
                "SELECT row_num, field, flag, detail FROM row_flags WHERE source_id = ?", [sid]
            ):
                flags.setdefault(row_num, Counter())[tuple(flag)] += 1
            quarantined = {
                r[0]: r[1:]
                for r in st.query(
                    "SELECT row_num, field, reason, raw FROM quarantine WHERE source_id = ?", [sid]
                )
            }
            raws = dict(st.query("SELECT row_num, raw FROM source_rows WHERE source_id = ?", [sid]))
            for batch in reader.batches(5000):
                for rec in batch.problems:
                    assert quarantined[rec.row_num][:2] == rec.problem
                notes: dict[int, list] = {}
                for row_num, *note in batch.notes:
                    notes.setdefault(row_num, []).append(tuple(note))
                for i, (row_num, row) in enumerate(zip(batch.row_nums, batch.rows, strict=True)):
                    values = dict(zip(reader.columns, row, strict=True))
                    ref = _reference(norm, values)
                    checked += 1
                    if "refused" in ref:
                        refused_rows += 1
                        assert quarantined[row_num][:2] == ref["refused"], (sid, row_num)
                        assert row_num not in mentions and row_num not in raws
                        continue
                    assert row_num not in quarantined
                    if reader.shaped:
                        assert json.loads(raws[row_num]) == values
                    else:
                        assert json.loads(raws[row_num]) == json.loads(batch.raw_json[i])
                    want_m = {
                        k: (kind, stable, caption, _plain(props))
                        for k, (kind, stable, caption, props) in ref["mentions"].items()
                    }
                    assert mentions.get(row_num, {}) == want_m, (sid, row_num)
                    prefix = f"{sid}/{row_num}/"
                    want_l = {
                        k: (
                            kind,
                            prefix + subj,
                            prefix + obj if obj else None,
                            _ts(start),
                            _ts(end),
                            _plain(props),
                        )
                        for k, (kind, subj, obj, start, end, props) in ref["links"].items()
                    }
                    assert links.get(row_num, {}) == want_l, (sid, row_num)
                    want_f = Counter(notes.get(row_num, []) + [tuple(f) for f in ref["flags"]])
                    assert flags.get(row_num, Counter()) == want_f, (sid, row_num)
        counts = st.query_one(
            "SELECT sum(rows_read), sum(rows_loaded), sum(rows_quarantined) FROM sources"
        )
    assert checked > 1000 and refused_rows > 0
    assert counts[0] == counts[1] + counts[2]
