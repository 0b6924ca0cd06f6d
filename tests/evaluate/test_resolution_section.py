"""The `resolution` section joins truth rows to store mentions by (source, row, mapping key)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "resolve"))

from helpers import add_mention, add_source, new_store

from eslabon.errors import EslabonError
from eslabon.evaluate import SECTIONS, evaluate


def test_section_scores_from_store(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    src = add_source(store, "s1")
    old = add_source(store, "s1", version=0, superseded_by=src)
    ids = [add_mention(store, src, r, "p", "Person", {"name": f"N{r}"}) for r in (1, 2, 3)]
    add_mention(store, old, 1, "p", "Person", {"name": "stale"})
    tel = [add_mention(store, src, r, "t", "Phone", {"number": "+1"}) for r in (1, 2)]
    store.execute(
        "INSERT INTO entity_mentions VALUES (?, 'E1', 'Person'), (?, 'E1', 'Person'), "
        "(?, 'E1', 'Person'), (?, 'T1', 'Phone'), (?, 'T1', 'Phone')",
        [*ids, *tel],
    )
    truth = tmp_path / "truth"
    truth.mkdir()
    (truth / "mentions.csv").write_text(
        "source,row,mapping_key,entity_id\n"
        "s1,1,p,A\ns1,2,p,A\ns1,3,p,B\ns1,1,t,T\ns1,2,t,T\ns1,9,p,Z\n",
        encoding="utf-8",
    )
    report = evaluate(store, tmp_path)  # a world folder works too
    person = report["resolution"]["Person"]
    assert person["mentions"] == 3  # row 9 was never loaded; the stale version is ignored
    assert person["pairwise"]["precision"] == pytest.approx(1 / 3)
    assert person["pairwise"]["recall"] == 1.0
    assert person["entities"] == 1 and person["true_entities"] == 2
    assert report["resolution"]["Phone"]["pairwise"]["f1"] == 1.0
    assert "resolution" in SECTIONS


def test_missing_truth_is_a_clear_error(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    with pytest.raises(EslabonError, match=r"mentions\.csv"):
        evaluate(store, tmp_path / "nowhere")
