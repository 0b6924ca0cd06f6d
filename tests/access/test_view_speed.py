"""Fast view builds (issue #7): re-clustering only the components a hidden record touches gives
the same view as re-clustering every visible mention — same entity ids, members, names, roles,
networks and rankings — on every clearance of the shared labelled world."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from eslabon.access.identity import list_users, principal_for
from eslabon.access.views import BuildReport, build_view, clearance
from eslabon.ingest.load import ingest
from eslabon.normalize.identifiers import make_vin
from eslabon.resolve.pipeline import run_resolve
from eslabon.resolve.review import record_judgement
from eslabon.store import open_store
from tests.access.views_world import (
    BOTH,
    PLATE,
    US_ONLY,
    _vehicle_mapping,
    views_world,
)
from tests.conftest import write_source
from tests.worlds import copy_workspace

# What a view holds that resolution and the network stage derive (captions separately: resolve
# picks them with mode(), whose ties fall either way).
TABLES = {
    "entities": "entity_id, kind, mention_count, "
    "list_sort(CAST(from_json(names, '[\"VARCHAR\"]') AS VARCHAR[])), first_run",
    "entity_mentions": "mention_id, entity_id, kind",
    "match_edges": "mention_l, mention_r, kind, method, match_weight, match_probability",
    "match_explanations": "mention_l, mention_r, model_id, run_id",
    "networks": "network_id, kind, size, anchor_events",
    "node_roles": "entity_id, network_id, role, stage, score",
    "person_edges": "person_a, person_b, via, via_entity, n_links",
    "disruption_ranking": "network_id, rank, entity_id, score",
    "entity_history": "*",
}


@pytest.fixture(scope="module")
def world_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return views_world(tmp_path_factory)


def _main(world_file: Path, folder: Path) -> Path:
    """A copy of the world, re-clustered by the code under test: the shared world is built once
    and kept between sessions, so its entities may come from an older clustering — which a fast
    build keeps for the untouched components and a full one redoes."""
    main = copy_workspace(world_file, folder)
    with open_store(main) as st:
        run_resolve(st)
    return main


def _clearances(st) -> dict[str, tuple[str, ...]]:
    """Each distinct clearance of the accounts that reads a view (key → source ids)."""
    out: dict[str, tuple[str, ...]] = {}
    for user in list_users(st):
        principal = principal_for(st, user["username"])
        if principal.can("read"):
            c = clearance(st, principal)
            if not c.everything:
                out[c.key] = c.source_ids
    return out


def _both(main: Path, folder: Path, source_ids: tuple[str, ...]) -> tuple[BuildReport, ...]:
    with open_store(main) as st:
        full = build_view(st, folder / "full.duckdb", source_ids, full=True)
        fast = build_view(st, folder / "fast.duckdb", source_ids)
    return full, fast


@pytest.fixture(scope="module")
def built(world_file: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Every clearance's view, built both ways from one copy of the world."""
    main = _main(world_file, tmp_path_factory.mktemp("speed"))
    with open_store(main, read_only=True) as st:
        clearances = _clearances(st)
    out = {}
    for key, ids in sorted(clearances.items()):
        folder = main.parent / key
        folder.mkdir()
        out[key] = _both(main, folder, ids)
    return out


def _contents(path: Path) -> dict[str, list]:
    with open_store(path, read_only=True) as st:
        (own,) = [r[0] for r in st.query("SELECT run_id FROM resolution_runs")]
        out = {t: st.query(f"SELECT {cols} FROM {t} ORDER BY ALL") for t, cols in TABLES.items()}
        # an id first minted by the view's own run: the two runs have two run ids
        out["entities"] = [(*r[:-1], "view" if r[-1] == own else r[-1]) for r in out["entities"]]
        out["identifiers"] = [
            (e, {k: sorted(v) for k, v in json.loads(i).items()} if i else None)
            for e, i in st.query("SELECT entity_id, identifiers FROM entities ORDER BY 1")
        ]
        out["resolution_runs"] = st.query(
            "SELECT mode, model_id, mentions, new_mentions, candidate_pairs, edges, entities "
            "FROM resolution_runs"
        )
    return out


def _captions(path: Path) -> tuple[dict[str, str], dict[str, Counter]]:
    with open_store(path, read_only=True) as st:
        captions = dict(st.query("SELECT entity_id, caption FROM entities"))
        names: dict[str, Counter] = {}
        for eid, name in st.query(
            "SELECT em.entity_id, coalesce((m.props->>'name'), m.caption) FROM entity_mentions em "
            "JOIN mentions m USING (mention_id)"
        ):
            names.setdefault(eid, Counter())[name] += 1
    return captions, names


def assert_same_view(full: Path, fast: Path) -> None:
    a, b = _contents(full), _contents(fast)
    for table in a:
        if a[table] != b[table]:  # say what differs (a full diff of these lists takes minutes)
            only_full = [r for r in a[table] if r not in set(b[table])][:5]
            only_fast = [r for r in b[table] if r not in set(a[table])][:5]
            raise AssertionError(f"{table}: full only {only_full}; fast only {only_fast}")
    full_captions, names = _captions(full)
    fast_captions, _ = _captions(fast)
    for eid, caption in full_captions.items():
        if fast_captions[eid] != caption:  # only a tie may fall differently
            top = max(names[eid].values())
            assert names[eid][caption] == top == names[eid][fast_captions[eid]], eid


def test_fast_views_equal_full_rebuilds(built: dict) -> None:
    assert len(built) >= 4
    for full, fast in built.values():
        assert full.reclustered is None and fast.reclustered is not None
        assert (fast.sources, fast.mentions, fast.entities) == (
            full.sources,
            full.mentions,
            full.entities,
        )
        assert_same_view(full.target, fast.target)


def test_fast_views_recluster_only_what_a_hidden_record_touches(built: dict) -> None:
    for _full, fast in built.values():
        assert 0 < fast.reclustered < fast.mentions, fast
        with open_store(fast.target, read_only=True) as v:
            (stats,) = v.query_one("SELECT stats FROM resolution_runs")
            assert json.loads(stats)["reclustered"] == fast.reclustered
            # the networks were detected on the view's data, not copied
            assert v.query_one("SELECT count(*) FROM network_runs")[0] == 1
    # most of what the views hold is copied, not re-clustered
    reclustered = sum(fast.reclustered for _, fast in built.values())
    assert reclustered < 0.6 * sum(fast.mentions for _, fast in built.values())


def _pairs(st) -> tuple[tuple[str, str], tuple[str, str]]:
    """Two members of one two-mention person entity, and one member each of two separate
    person entities with a (below-threshold) edge between them."""
    (split,) = st.query(
        """SELECT min(mention_id), max(mention_id) FROM entity_mentions WHERE kind = 'Person'
           AND mention_id NOT LIKE 'bridge_%'
           GROUP BY entity_id HAVING count(*) = 2 ORDER BY entity_id LIMIT 1"""
    )
    (join,) = st.query(
        """SELECT e.mention_l, e.mention_r FROM match_edges e
           JOIN entity_mentions a ON a.mention_id = e.mention_l
           JOIN entity_mentions b ON b.mention_id = e.mention_r
           WHERE e.kind = 'Person' AND a.entity_id <> b.entity_id
             AND e.mention_l NOT LIKE 'bridge_%' AND e.mention_r NOT LIKE 'bridge_%'
           ORDER BY e.match_probability DESC, 1, 2 LIMIT 1"""
    )
    return split, join


def test_judgements_since_the_last_resolve_are_applied(world_file: Path, tmp_path: Path) -> None:
    """A judgement recorded after the main store's resolve changes clusters the main store
    has not redone: the fast build re-clusters those too."""
    main = _main(world_file, tmp_path)
    with open_store(main) as st:
        split, join = _pairs(st)
        record_judgement(st, *split, "different", "analyst")
        record_judgement(st, *join, "same", "analyst")
        everything = tuple(r[0] for r in st.query(
            "SELECT source_id FROM sources WHERE superseded_by IS NULL ORDER BY 1"))  # fmt: skip
        keep = tuple(s for s in everything if not s.startswith("bridge_c"))
    full, fast = _both(main, tmp_path, keep)
    assert fast.reclustered is not None
    assert_same_view(full.target, fast.target)
    with open_store(fast.target, read_only=True) as v:
        entity = dict(v.query("SELECT mention_id, entity_id FROM entity_mentions"))
    assert entity[split[0]] != entity[split[1]]
    assert entity[join[0]] == entity[join[1]]


def test_unresolved_mentions_take_the_full_path(world_file: Path, tmp_path: Path) -> None:
    """A visible mention ingested after the main store's resolve must be scored: no fast path."""
    main = copy_workspace(world_file, tmp_path)
    changed = tmp_path / "changed"
    cols = ["folio", "placa", "marca"]
    mapping = {"country": "MX", "date_convention": "ISO",
               "label": {"originator": "HSI", "releasable_to": ["MEX", "USA"]},
               "entities": {"vehiculo": {"kind": "Vehicle",
                                         "properties": {"plate": "placa", "make": "marca"}}}}  # fmt: skip
    write_source(changed, "bridge_a", cols,
                 [["A1", PLATE, "NISSAN"], ["A2", "XYZ9876", "FORD"]], mapping)  # fmt: skip
    with open_store(main) as st:
        ingest(st, changed / "mappings" / "bridge_a.yaml")
        ids = tuple(r[0] for r in st.query(
            "SELECT source_id FROM sources WHERE superseded_by IS NULL ORDER BY 1"))  # fmt: skip
        report = build_view(st, tmp_path / "view.duckdb", ids)
    assert report.reclustered is None
    with open_store(report.target, read_only=True) as v:
        n = v.query_one(
            "SELECT count(*) FROM entity_mentions WHERE mention_id LIKE 'bridge_a@2/%'"
        )[0]
    assert n == 2


def test_a_component_a_hidden_record_touches_is_reclustered_whole(
    world_file: Path, tmp_path: Path
) -> None:
    """Three vehicles read one plate; the hidden one (its mention id sorts first, so it anchors
    the plate's key group) has a VIN that contradicts the visible one's. In the main store the
    hidden record takes the plate-only record and the guard keeps the other apart; without it,
    the two visible records are one vehicle. The record kept apart holds no hidden mention:
    only re-clustering the whole component finds the merge."""
    main = _main(world_file, tmp_path)
    extra = tmp_path / "extra"
    cols = ["folio", "placa", "niv", "marca", "color", "nombre", "paterno", "materno"]
    plate = "QRS" + PLATE[3:]
    for name, vin, label in [("aa_hidden", make_vin(21), US_ONLY),
                             ("ab_visible", make_vin(22), BOTH),
                             ("ac_visible", "", BOTH)]:  # fmt: skip
        write_source(extra, name, cols, [["R1", plate, vin, "NISSAN", "GRIS", "", "", ""]],
                     _vehicle_mapping(label, plate=True, vin=bool(vin)))  # fmt: skip
    hidden, kept_apart, taken = (
        f"{n}@1/1/vehiculo" for n in ("aa_hidden", "ab_visible", "ac_visible")
    )
    with open_store(main) as st:
        for name in ("aa_hidden", "ab_visible", "ac_visible"):
            ingest(st, extra / "mappings" / f"{name}.yaml")
        run_resolve(st)
        entity = dict(st.query("SELECT mention_id, entity_id FROM entity_mentions"))
        assert entity[hidden] == entity[taken] != entity[kept_apart]
        c = clearance(st, principal_for(st, "fgr-investigator"))
        assert "aa_hidden@1" not in c.source_ids and "ab_visible@1" in c.source_ids
    full, fast = _both(main, tmp_path, c.source_ids)
    assert_same_view(full.target, fast.target)
    with open_store(fast.target, read_only=True) as v:
        entity = dict(v.query("SELECT mention_id, entity_id FROM entity_mentions"))
    assert entity[kept_apart] == entity[taken]


def test_a_clearance_that_sees_nothing_gets_an_empty_view(tmp_path: Path) -> None:
    """Unlabelled sources are hidden once accounts exist: a user may see no source at all."""
    from eslabon.access.identity import add_agency, add_user, principal_for
    from eslabon.access.views import ensure_view
    from eslabon.ingest.load import ingest
    from eslabon.network.analyse import run_network
    from eslabon.resolve.pipeline import run_resolve
    from eslabon.store import open_store
    from eslabon.synth.world import generate

    world = tmp_path / "world"
    generate(world, seed=3, scale=0.02)
    for mapping in (world / "mappings").glob("*.yaml"):  # an older world: no labels
        data = yaml.safe_load(mapping.read_text(encoding="utf-8"))
        data.pop("label", None)
        mapping.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    main_path = tmp_path / "ws.duckdb"
    with open_store(main_path) as st:
        ingest(st, world)
        run_resolve(st, seed=3)
        run_network(st)
        add_agency(st, "CBP", "Customs", "USA", by="test")
        add_user(st, "admin", "administrator", "CBP", "x" * 12, demo=True, by="test")
        add_user(st, "ana", "analyst", "CBP", "y" * 12, demo=True, by="test")
        path = ensure_view(st, main_path, principal_for(st, "ana"))
    assert path != main_path
    with open_store(path, read_only=True) as view:
        assert view.query_one("SELECT count(*) FROM entities")[0] == 0
        assert view.query_one("SELECT count(*) FROM mentions")[0] == 0
