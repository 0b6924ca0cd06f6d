"""Ingesting the world reproduces its truth exactly: quarantined rows are the malformed ones, and
the mentions ingest creates are the mentions truth lists (same source, row and mapping key)."""

from __future__ import annotations

from pathlib import Path

from eslabon.ingest.load import ingest
from eslabon.store import open_store

from .conftest import read_truth


def test_ingest_matches_truth(small_world, tmp_path: Path) -> None:
    out, _ = small_world
    with open_store(tmp_path / "ws.duckdb") as store:
        reports = ingest(store, out)
        quarantined = set(
            store.query("SELECT split_part(source_id, '@', 1), row_num FROM quarantine")
        )
        mentions = set(
            store.query("SELECT split_part(source_id, '@', 1), row_num, mapping_key FROM mentions")
        )
    malformed = {(r["source"], int(r["row"])) for r in read_truth(out, "malformed.csv")}
    assert quarantined == malformed
    truth = {
        (r["source"], int(r["row"]), r["mapping_key"]) for r in read_truth(out, "mentions.csv")
    }
    assert mentions == truth
    assert all(r.rows_read == r.rows_loaded + r.rows_quarantined for r in reports)


def test_documents_attach_to_their_holders(small_world, tmp_path: Path) -> None:
    """Every identity document a row shows is owned (Ownership link) by its true holder."""
    from eslabon.synth.context import Ctx
    from eslabon.synth.noise import DEFAULT_NOISE
    from eslabon.synth.sources import SOURCES
    from eslabon.synth.world import build_world, coverage

    from .conftest import SMALL_SCALE

    out, _ = small_world
    truth = {
        f"{r['source']}/{r['row']}/{r['mapping_key']}": r["entity_id"]
        for r in read_truth(out, "mentions.csv")
    }
    # documents shown at a counter are issued while rows render: replay the sources in order
    world = build_world(seed=7, scale=SMALL_SCALE)
    ctx = Ctx(world, DEFAULT_NOISE, 7, *coverage(world, 7))
    for fn in SOURCES:
        for _ in fn(ctx)[1]:
            pass
    documents = world.documents
    with open_store(tmp_path / "ws.duckdb") as store:
        ingest(store, out)
        doc_mentions = store.query(
            "SELECT mention_id FROM mentions WHERE kind = 'IdentityDocument'"
        )
        owned = store.query(
            "SELECT l.subject_id, l.object_id FROM links l JOIN mentions m "
            "ON m.mention_id = l.object_id WHERE l.kind = 'Ownership' "
            "AND m.kind = 'IdentityDocument'"
        )

    def true_id(mention_id: str) -> str:
        source_id, row, key = mention_id.split("/")
        return truth[f"{source_id.split('@')[0]}/{row}/{key}"]

    assert doc_mentions
    assert {o for _, o in owned} == {m for (m,) in doc_mentions}
    for subject, obj in owned:
        assert documents[true_id(obj)].holder == true_id(subject)
