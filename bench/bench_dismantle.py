"""Benchmark: eslabon's removal order against degree, betweenness and CI_2.

Two kinds of input:

- edge lists exported from synthetic worlds (seeds 7, 11, 12, 13 built here with perfect
  resolution, or ``--stores``: workspaces after ``eslabon network``):
  every detected network's person view and all of them together, written by
  ``graph_io.export_person_networks`` and read back as ``eslabon disrupt --edges --roles`` reads
  them, then compared exactly as that command does (``compare_with_baselines``) at the default
  budget (10) and at every targetable actor (at most 50);
- generated (seeded) networks shaped as domain.md §6 describes: chains of small cliques (one role
  per clique, following the route's stages) joined by a few brokers with scarce roles, migrants
  hanging off guides and drivers, and random background noise, at 1k, 10k and 100k nodes. Large
  graphs use approximations (sampled efficiency and betweenness, batched adaptive rounds, a
  shorter look-ahead, a smaller recovery simulation); each result records which.

eslabon's order is the look-ahead one (``LookaheadConfig``). Writes
``bench/results/dismantle.json`` with AUCs (lower = faster dismantling), whether eslabon is no
worse than the best baseline on each curve, and timings.

Run: ``.venv/bin/python bench/bench_dismantle.py [--stores W1.duckdb W2.duckdb ...]``
(``--sizes 1000`` for a quick run, ``--out FILE`` to write elsewhere).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import igraph as ig

sys.path.insert(0, str(Path(__file__).parent))

from eslabon.network.dismantle import (
    LookaheadConfig,
    betweenness_order,
    collective_influence_order,
    degree_order,
    dismantling_curve,
)
from eslabon.network.disrupt_rank import compare_with_baselines, rank_for_disruption
from eslabon.network.graph_io import export_person_networks, read_edge_list
from eslabon.network.recovery import RecoveryConfig, simulate_recovery
from measure import eslabon, measure

STAGES = ("recruiter", "guide", "driver", "stash_keeper")
BROKER_ROLES = ("coordinator", "forger", "money_collector")
BASELINES = ("degree", "betweenness", "collective_influence")
OUT = Path(__file__).parent / "results" / "dismantle.json"
# Worlds whose person networks are exported when no --stores are given (perfect resolution).
WORLD_SEEDS = (7, 11, 12, 13)


def segmented_network(n_target: int, seed: int) -> ig.Graph:
    """Chains of 4–7-cliques joined by brokers, migrants, and ~15% background noise nodes."""
    rng = random.Random(seed)
    edges: list[tuple[int, int]] = []
    roles: list[str] = []

    def node(role: str) -> int:
        roles.append(role)
        return len(roles) - 1

    core = int(n_target * 0.85)
    while len(roles) < core:
        chain_len = rng.randint(3, 6)
        previous: list[int] | None = None
        for position in range(chain_len):
            role = (
                STAGES[min(position, len(STAGES) - 1)]
                if position < chain_len - 1
                else "stash_keeper"
            )
            clique = [node(role) for _ in range(rng.randint(4, 7))]
            edges += [(a, b) for i, a in enumerate(clique) for b in clique[i + 1 :]]
            for _ in range(rng.randint(1, 3)):
                migrant = node("migrant")
                edges.append((migrant, rng.choice(clique)))
            if previous is not None:
                broker = node(rng.choice(BROKER_ROLES))
                edges += [(broker, v) for v in rng.sample(previous, 2)]
                edges += [(broker, v) for v in rng.sample(clique, 2)]
            previous = clique
    actors = len(roles)
    while len(roles) < n_target:
        node("")
    for v in range(actors, n_target):  # background: sparse random ties, some into the network
        for _ in range(2):
            u = rng.randrange(n_target) if rng.random() < 0.3 else rng.randrange(actors, n_target)
            if u != v:
                edges.append((v, u))
    g = ig.Graph(n=n_target, edges=edges)
    g.simplify()
    g.vs["name"] = [f"p{i}" for i in range(n_target)]
    g.vs["roles"] = [(r,) if r else () for r in roles]
    return g


def run_size(n: int, seed: int) -> dict[str, Any]:
    g = segmented_network(n, seed)
    large = n > 2_000
    huge = n > 20_000
    k = 50 if n <= 2_000 else (100 if not huge else 200)
    settings = {
        "removals": k,
        "ranking_batch": 1 if not large else (10 if not huge else 100),
        "recovery_runs": 10 if not large else 3,
        "ranking_pool": 30 if not large else (12 if not huge else 6),
        "keyplayer_k": 10 if not huge else 3,
        "betweenness": "exact, adaptive every removal"
        if not large
        else f"sampled 64 sources, recomputed every {max(1, k // 10)} removals",
        "efficiency": "exact" if n <= 1_000 else "sampled 64 sources (unbiased estimator)",
        "efficiency_points": 26 if not huge else 11,
    }
    # Roll-outs cost a heuristic and an efficiency estimate per step: shorter and with the
    # cheaper base orders on large graphs.
    lookahead = (
        LookaheadConfig(horizon=4)
        if not large
        else LookaheadConfig(horizon=2 if not huge else 1, heuristics=("betweenness", "degree"))
    )
    settings["lookahead"] = {
        "horizon": lookahead.horizon,
        "per_source": lookahead.per_source,
        "heuristics": list(lookahead.heuristics),
        "efficiency": f"exact up to {lookahead.exact_limit} nodes, else "
        f"{lookahead.sample_sources} sampled sources",
    }
    timings: dict[str, float] = {}
    protected = {i for i, r in enumerate(g.vs["roles"]) if "migrant" in r}

    t = time.perf_counter()
    ranking = rank_for_disruption(
        g,
        top=k,
        batch=settings["ranking_batch"],
        pool=settings["ranking_pool"],
        keyplayer_k=settings["keyplayer_k"],
        recovery=RecoveryConfig(runs=settings["recovery_runs"], measure_efficiency=False),
        lookahead=lookahead,
    )
    timings["eslabon_ranking_s"] = time.perf_counter() - t
    index = {name: i for i, name in enumerate(g.vs["name"])}
    orders = {"eslabon": [index[x] for x in ranking.order]}
    t = time.perf_counter()
    orders["degree"] = degree_order(g, k, exclude=protected)
    timings["degree_order_s"] = time.perf_counter() - t
    t = time.perf_counter()
    orders["betweenness"] = betweenness_order(
        g,
        k,
        exclude=protected,
        batch=1 if not large else max(1, k // 10),
        sample_sources=None if not large else 64,
    )
    timings["betweenness_order_s"] = time.perf_counter() - t
    t = time.perf_counter()
    orders["collective_influence"] = collective_influence_order(g, k, exclude=protected)
    timings["ci_order_s"] = time.perf_counter() - t

    results: dict[str, Any] = {}
    recovery = RecoveryConfig(runs=3 if large else 10, measure_efficiency=False)
    for method, order in orders.items():
        t = time.perf_counter()
        curve = dismantling_curve(
            g, order, method=method, max_efficiency_points=settings["efficiency_points"]
        )
        timings[f"{method}_curve_s"] = time.perf_counter() - t
        t = time.perf_counter()
        rec = simulate_recovery(g, order, config=recovery)
        timings[f"{method}_recovery_s"] = time.perf_counter() - t
        results[method] = {
            "lcc_auc": round(curve.lcc_auc, 4),
            "efficiency_auc": round(curve.efficiency_auc, 4),
            "lcc_final": round(curve.lcc[-1], 4),
            "efficiency_final_rel": round(curve.efficiency[-1] / curve.efficiency[0], 4),
            "route_capacity_lasting_damage": round(rec.lasting_damage, 4),
            "route_capacity_restored_by_recovery": None
            if rec.restored is None
            else round(rec.restored, 4),
            "efficiency_estimator": curve.efficiency_estimator,
        }
    return {
        "nodes": g.vcount(),
        "edges": g.ecount(),
        "settings": settings,
        "results": results,
        "eslabon_vs_best_baseline": verdict(results),
        "timings_s": {key: round(v, 3) for key, v in timings.items()},
        "capacity": ranking.capacity_name,
    }


def verdict(results: dict[str, Any]) -> dict[str, Any]:
    """eslabon's AUCs against the best baseline's on each curve (lower is better)."""
    out: dict[str, Any] = {}
    for key in ("lcc_auc", "efficiency_auc"):
        best = min(BASELINES, key=lambda m: results[m][key])
        out[key] = {
            "eslabon": results["eslabon"][key],
            "best_baseline": best,
            "best_baseline_value": results[best][key],
            "no_worse": results["eslabon"][key] <= results[best][key] + 1e-9,
        }
    return out


def run_exported(stores: list[Path]) -> dict[str, Any]:
    """Export each world's networks as CSV, read them back and compare as `disrupt --edges`."""
    lists: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="eslabon-dismantle-") as tmp:
        for path in stores:
            from eslabon.store import open_store

            with open_store(path) as st:
                written = export_person_networks(st, Path(tmp) / path.stem)
            for w in written:
                graph = read_edge_list(w["edges_file"], roles=w["roles_file"])
                name = f"{path.stem}/{w['network']}"
                entry: dict[str, Any] = {
                    "kind": w["kind"],
                    "nodes": w["nodes"],
                    "edges": w["edges"],
                }
                for budget in ("top10", "all"):
                    top = 10 if budget == "top10" else 50
                    t = time.perf_counter()
                    report = compare_with_baselines(graph, top=top)
                    elapsed = time.perf_counter() - t
                    results = {
                        m: {
                            "lcc_auc": round(c["lcc_auc"], 4),
                            "efficiency_auc": round(c["efficiency_auc"], 4),
                        }
                        for m, c in report["curves"].items()
                    }
                    entry[budget] = {
                        "removals": len(report["ranking"]["order"]),
                        "results": results,
                        "eslabon_vs_best_baseline": verdict(results),
                        "seconds": round(elapsed, 2),
                    }
                lists[name] = entry
                print(f"  {name}: {w['nodes']} nodes", flush=True)
    tally = {
        key: sum(
            e[b]["eslabon_vs_best_baseline"][key]["no_worse"]
            for e in lists.values()
            for b in ("top10", "all")
        )
        for key in ("lcc_auc", "efficiency_auc")
    }
    return {
        "how": "graph_io.export_person_networks → read_edge_list → compare_with_baselines "
        "(= eslabon disrupt --edges FILE --roles FILE --top 10 | 50)",
        "budgets": {"top10": 10, "all": "every targetable actor, at most 50"},
        "no_worse_count": {**tally, "of": 2 * len(lists)},
        "lists": lists,
    }


def build_worlds(tmp: Path, seeds: tuple[int, ...]) -> list[Path]:
    """Synthetic worlds with perfect resolution and their networks built, one store per seed."""
    from eslabon.evaluate.oracle import resolve_from_truth
    from eslabon.store import open_store

    stores = []
    for seed in seeds:
        world, store = tmp / f"w{seed}", tmp / f"w{seed}.duckdb"
        measure(eslabon("synth", str(world), "--seed", str(seed)))
        measure(eslabon("ingest", str(world), "--store", str(store)))
        with open_store(store) as st:
            resolve_from_truth(st, world / "truth")
        measure(eslabon("network", "--store", str(store)))
        stores.append(store)
    return stores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--stores",
        nargs="*",
        type=Path,
        default=[Path(x) for x in os.environ.get("ESLABON_DISMANTLE_STORES", "").split()],
        help="world workspaces after `eslabon network` (default: $ESLABON_DISMANTLE_STORES, "
        "else synthetic worlds built here)",
    )
    parser.add_argument("--sizes", nargs="*", type=int, default=[1_000, 10_000, 100_000])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    started = time.perf_counter()
    report: dict[str, Any] = {
        "benchmark": "dismantle",
        "python": platform.python_version(),
        "igraph": ig.__version__,
        "note": "AUC = mean curve height over the removal budget; lower = faster dismantling",
        "sizes": {},
    }
    with tempfile.TemporaryDirectory(prefix="eslabon-bench-dismantle-") as tmp:
        t = time.perf_counter()
        stores = args.stores or build_worlds(Path(tmp), WORLD_SEEDS)
        report["exported_worlds"] = run_exported(stores)
        print(f"exported worlds: {time.perf_counter() - t:.1f}s", flush=True)
    seeds = {1_000: 1, 10_000: 2, 100_000: 3}
    for n in args.sizes:
        seed = seeds.get(n, n)
        t = time.perf_counter()
        report["sizes"][str(n)] = run_size(n, seed)
        print(f"{n} nodes: {time.perf_counter() - t:.1f}s", flush=True)
    report["total_s"] = round(time.perf_counter() - started, 2)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"wrote {args.out} in {report['total_s']}s")


if __name__ == "__main__":
    main()
