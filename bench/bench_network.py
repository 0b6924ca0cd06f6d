"""Network stage figures: chains, roles, networks, burners and disruption against ground truth on
the default world (seed 7) and an unseen seed; trace latency and disruption time at ~1M mentions.

Each world is measured twice: with perfect resolution (the oracle fills the resolution tables
from truth) and with eslabon's own resolution (`eslabon resolve`), so network errors and
resolution errors can be told apart. Writes bench/results/network.json.
"""

from __future__ import annotations

import contextlib
import json
import math
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from eslabon.errors import EslabonError
from eslabon.evaluate.network import (
    burners_report,
    chains_report,
    disruption_report,
    networks_report,
    roles_report,
)
from eslabon.evaluate.oracle import resolve_from_truth
from eslabon.evaluate.reach import reach_ceiling
from eslabon.network.store_disrupt import rank_stored
from eslabon.network.tracer import Tracer
from eslabon.store import open_store
from measure import eslabon, measure, write_result

# "unseen": a seed never looked at while the network stage was tuned. Tuning used seeds 7 and
# 11–17 and training seeds 101–120. Session 3's unseen seed, 31415, was opened in session 4 to
# find why one of its networks traced at 0.26 (a recruiter's crew cut loose: network/segments.py),
# so it is a development seed now and 2718 took its place.
SEEDS = {"default": 7, "unseen": 2718}
TARGET_MENTIONS = 1_000_000
LATENCY_TRACES = 200
TRACE_PASSES = 3


def sections(store_path: Path, truth: Path, *, disruption: bool = True) -> dict[str, dict]:
    """The network sections of `eslabon eval` for one workspace, whole."""
    with open_store(store_path) as st:
        out = {
            "chains": chains_report(st, truth, Tracer(st)),
            "roles": roles_report(st, truth),
            "networks": networks_report(st, truth),
            "burners": burners_report(st, truth),
            "reach": reach_ceiling(st, truth),
        }
        if disruption:
            out["disruption"] = disruption_report(st, truth)
    return out


def figures(store_path: Path, truth: Path) -> dict:
    """Every network section of `eslabon eval`, trimmed to the headline numbers."""
    got = sections(store_path, truth)
    chains, roles, nets = got["chains"], got["roles"], got["networks"]
    burners, disruption, reach = got["burners"], got["disruption"], got["reach"]
    return {
        "chains": {
            "mean_recall": chains["mean_recall"],
            "mean_precision": chains["mean_precision"],
            "min_recall": chains["min_recall"],
            "min_precision": chains["min_precision"],
            "per_seed": [
                {
                    k: e.get(k)
                    for k in (
                        "network_id",
                        "seed",
                        "seed_kind",
                        "recall",
                        "precision",
                        "found",
                        "recorded_members",
                        "error",
                    )
                }
                for e in chains["per_seed"]
            ],
        },
        "roles": {
            "macro_f1": roles["macro_f1"],
            "per_role_f1": {r: v["f1"] for r, v in roles["per_role"].items()},
        },
        "networks": nets,
        # the most any tracer could recall on these records (evaluate/reach.py)
        "reach_ceiling": {k: reach[k] for k in ("min_members_only", "min_via_one_outsider")}
        | {
            "per_network": [
                {k: n[k] for k in ("network_id", "members_only", "via_one_outsider")}
                for n in reach["per_network"]
            ]
        },
        "burners": burners,
        "disruption": {
            "eslabon_better_everywhere": disruption["eslabon_better_everywhere"],
            "eslabon_not_worse_everywhere": disruption["eslabon_not_worse_everywhere"],
            "eslabon_curve_area_smaller_everywhere": disruption[
                "eslabon_curve_area_smaller_everywhere"
            ],
            **{
                k: disruption[k]
                for k in (
                    "mean_eslabon_surviving",
                    "mean_degree_surviving",
                    "mean_eslabon_curve_area",
                    "mean_degree_curve_area",
                )
            },
            "per_network": [
                {
                    k: n.get(k)
                    for k in (
                        "network_id",
                        "kind",
                        "eslabon_surviving",
                        "degree_surviving",
                        "eslabon_surviving_se",
                        "degree_surviving_se",
                        "eslabon_better",
                        "eslabon_curve",
                        "degree_curve",
                        "eslabon_curve_area",
                        "degree_curve_area",
                        "skipped",
                    )
                }
                for n in disruption["per_network"]
            ],
        },
    }


def world_figures(tmp: Path, label: str, seed: int) -> dict:
    world = tmp / f"world-{label}"
    measure(eslabon("synth", str(world), "--seed", str(seed)))
    base = tmp / f"{label}-ingested.duckdb"
    measure(eslabon("ingest", str(world), "--store", str(base), "--json"))
    out: dict = {"seed": seed}
    # perfect resolution
    oracle = tmp / f"{label}-oracle.duckdb"
    shutil.copy(base, oracle)
    with open_store(oracle) as st:
        resolve_from_truth(st, world / "truth")
    run = measure(eslabon("network", "--store", str(oracle), "--json"))
    out["oracle"] = {"network_wall_s": run["wall_s"], **figures(oracle, world / "truth")}
    # eslabon's resolution
    own = tmp / f"{label}-eslabon.duckdb"
    shutil.copy(base, own)
    try:
        res = measure(eslabon("resolve", "--store", str(own)))
        run = measure(eslabon("network", "--store", str(own), "--json"))
        out["eslabon_resolution"] = {
            "resolve_wall_s": res["wall_s"],
            "network_wall_s": run["wall_s"],
            **figures(own, world / "truth"),
        }
    except RuntimeError as err:
        out["eslabon_resolution"] = {"error": str(err)[-600:]}
    return out


def scale_figures(tmp: Path) -> dict:
    """Trace p95 and disruption time on a world with ~1M mentions (oracle resolution)."""
    probe = tmp / "probe"
    measure(eslabon("synth", str(probe), "--seed", "11", "--scale", "1"))
    with (probe / "truth" / "mentions.csv").open() as fh:
        per_scale = sum(1 for _ in fh) - 1
    scale = max(1, math.ceil(TARGET_MENTIONS / per_scale))
    world = tmp / "big"
    synth = measure(eslabon("synth", str(world), "--seed", "11", "--scale", str(scale)))
    store = tmp / "big.duckdb"
    ingest = measure(eslabon("ingest", str(world), "--store", str(store), "--json"))
    with open_store(store) as st:
        t = time.perf_counter()
        resolve_from_truth(st, world / "truth")
        oracle_s = time.perf_counter() - t
        mentions = st.query_one("SELECT count(*) FROM mentions")[0]
    network = measure(eslabon("network", "--store", str(store), "--json"))
    summary = json.loads(network["stdout"])
    with open_store(store) as st:
        t = time.perf_counter()
        tracer = Tracer(st)
        load_s = time.perf_counter() - t
        seeds = [
            r.split(",")[3] for r in (world / "truth" / "seeds.csv").read_text().splitlines()[1:]
        ]
        persons = [
            p
            for (p,) in st.query(
                "SELECT entity_id FROM node_roles WHERE role <> 'phone_unknown_user' ORDER BY 1"
            )
        ]
        rng = random.Random(0)
        queries = seeds + rng.sample(persons, min(len(persons), LATENCY_TRACES - len(seeds)))
        # The same 200 traces, three times over: on this shared machine one pass's p95 moved
        # between 36 and 53 ms with nothing changed, so the figure is the median pass's.
        passes: list[list[float]] = []
        for _ in range(TRACE_PASSES):
            latencies = []
            for q in queries:
                t = time.perf_counter()
                with contextlib.suppress(EslabonError):  # an unresolvable seed still counts
                    tracer.trace(q)
                latencies.append((time.perf_counter() - t) * 1000)
            passes.append(sorted(latencies))
        t = time.perf_counter()
        report = rank_stored(st, top=10)
        disrupt_s = time.perf_counter() - t
        sizes = {
            "mentions": mentions,
            "net_edges": st.query_one("SELECT count(*) FROM net_edges")[0],
            "person_edges": st.query_one("SELECT count(*) FROM person_edges")[0],
            "actors": tracer.net.n,
            "ties": len(tracer.net.ties),
            "networks": len(summary["networks"]),
            "network_members": st.query_one("SELECT count(*) FROM node_roles")[0],
        }
    p95s = [round(p[int(0.95 * (len(p) - 1))], 2) for p in passes]
    return {
        "scale": scale,
        "synth_wall_s": synth["wall_s"],
        "ingest_wall_s": ingest["wall_s"],
        "oracle_resolution_s": round(oracle_s, 2),
        "network_wall_s": network["wall_s"],
        "network_peak_rss_mb": network["peak_rss_mb"],
        "network_timings": summary["timings"],
        "graph": sizes,
        "trace": {
            "traces": len(queries),
            "passes": len(passes),
            "load_s": round(load_s, 2),
            "p50_ms": round(statistics.median(statistics.median(p) for p in passes), 2),
            "p95_ms": statistics.median(p95s),
            "p95_ms_per_pass": p95s,
            "max_ms": round(max(p[-1] for p in passes), 2),
        },
        "disruption_s": round(disrupt_s, 2),
        "targets": len(report["targets"]),
    }


def main() -> None:
    only = set(sys.argv[1:])
    tmp = Path(tempfile.mkdtemp(prefix="eslabon-bench-network-"))
    result: dict = {
        "goals": {
            "chain_recall_per_seed": 0.95,
            "chain_precision_per_seed": 0.9,
            "roles_macro_f1": 0.85,
            "networks_ari": 0.9,
            "burner_precision": 0.9,
            "trace_p95_ms": 50,
            "disruption_s": 10,
        }
    }
    previous = Path(__file__).parent / "results" / "network.json"
    if only and previous.exists():  # a partial run updates the other figures' file in place
        kept = json.loads(previous.read_text())
        kept.pop("machine", None)
        result = {**kept, **result}
    try:
        for label, seed in SEEDS.items():
            if not only or label in only:
                result[label] = world_figures(tmp, label, seed)
                print(label, json.dumps(result[label]["oracle"]["chains"]["mean_recall"]))
        if not only or "scale" in only:
            result["scale"] = scale_figures(tmp)
        write_result("network", result)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
