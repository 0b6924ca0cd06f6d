"""Network stage on the development worlds: the figures a detection or role change is judged
by before it is committed.

Seeds 7, 11–17 and 31415 (the worlds the network stage is tuned on; never the training seeds
101–120 the role rules learn from, never bench_network's held-out 2718), with perfect
resolution (from the truth), or with eslabon's own (`--resolution eslabon`), as users run it:
split records change what detection and role inference see. Each world is built once into the
cache (synth, ingest, resolution) and reused, so a run after a change costs `eslabon network`
and the evaluation only: about ten seconds a world.

Figures per world and over the pool of worlds. Roles are scored on the pool (the worlds'
confusions summed, `evaluate.network.pooled_roles`): one world holds one importer and two
forgers, and its macro-F1 moves by 0.07 when one of them is found. Usage:

    python bench/bench_network_dev.py [--seeds 7,11] [--cache DIR] [--resolution eslabon]

Writes bench/results/network_dev.json, or network_dev_eslabon.json (with the commit measured).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_network import sections
from eslabon.evaluate.network import pooled_roles
from eslabon.evaluate.oracle import resolve_from_truth
from eslabon.store import open_store
from measure import eslabon, measure, write_result

DEV_SEEDS = (7, 11, 12, 13, 14, 15, 16, 17, 31415)
CACHE = Path(__file__).parent / ".cache" / "dev-worlds"


def resolved_world(cache: Path, seed: int, resolution: str = "oracle") -> tuple[Path, Path]:
    """The world of ``seed`` and a workspace resolved from its truth (``oracle``) or by
    ``eslabon resolve`` (``eslabon``), each built once.

    A marker file is written last: a build that was interrupted is thrown away and redone,
    never measured.
    """
    world, store = cache / f"world-{seed}", cache / f"{resolution}-{seed}.duckdb"
    done = cache / f"{resolution}-{seed}.done"
    if done.exists():
        return world, store
    for stale in cache.glob(f"{resolution}-{seed}.duckdb*"):
        stale.unlink()
    cache.mkdir(parents=True, exist_ok=True)
    if not (world / "truth" / "roles.csv").exists():
        shutil.rmtree(world, ignore_errors=True)
        measure(eslabon("synth", str(world), "--seed", str(seed)))
    measure(eslabon("ingest", str(world), "--store", str(store)))
    if resolution == "oracle":
        with open_store(store) as st:
            resolve_from_truth(st, world / "truth")
    else:
        measure(eslabon("resolve", "--store", str(store)))
    done.write_text("built\n")
    return world, store


def world_figures(world: Path, store: Path) -> dict:
    """Run the network stage again, then every section it is judged by."""
    run = measure(eslabon("network", "--store", str(store), "--json"))
    got = sections(store, world / "truth", disruption=False)
    chains, roles, nets, burners = got["chains"], got["roles"], got["networks"], got["burners"]
    reach = got["reach"]
    return {
        "network_wall_s": run["wall_s"],
        "chains": {
            k: chains[k] for k in ("mean_recall", "mean_precision", "min_recall", "min_precision")
        },
        "roles": roles,
        "networks": {k: nets[k] for k in ("ari", "ari_true_members", "detected_networks")},
        "burners": burners,
        "reach_mean_via_one_outsider": reach["mean_via_one_outsider"],
    }


def pooled(worlds: dict[int, dict]) -> dict:
    """The pool of worlds: chain figures averaged (minima kept), roles and burners summed."""
    ws = list(worlds.values())
    roles = pooled_roles([w["roles"] for w in ws])
    burners = [w["burners"] for w in ws]
    proposed = sum(b["proposed"] for b in burners)
    true_pairs = sum(b["true_pairs"] for b in burners)
    return {
        "chains_mean_recall": round(sum(w["chains"]["mean_recall"] for w in ws) / len(ws), 4),
        "chains_mean_precision": round(sum(w["chains"]["mean_precision"] for w in ws) / len(ws), 4),
        "chains_min_recall": min(w["chains"]["min_recall"] for w in ws),
        "chains_min_precision": min(w["chains"]["min_precision"] for w in ws),
        "roles_macro_f1": roles["macro_f1"],
        "roles_placed_macro_f1": roles["placed_members"]["macro_f1"],
        "roles_per_role_f1": {r: v["f1"] for r, v in roles["per_role"].items()},
        "networks_mean_ari": round(sum(w["networks"]["ari"] for w in ws) / len(ws), 4),
        "burners_precision": round(sum(b["correct"] for b in burners) / proposed, 4)
        if proposed
        else 1.0,
        "burners_recall": round(sum(b["joined"] for b in burners) / true_pairs, 4)
        if true_pairs
        else 1.0,
    }


def commit() -> str:
    """The commit measured, marked when the working tree differs from it."""
    here = Path(__file__).parent
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=here, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=here,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"{head}{' + uncommitted changes' if dirty else ''}" or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default=",".join(map(str, DEV_SEEDS)))
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument(
        "--resolution",
        choices=("oracle", "eslabon"),
        default="oracle",
        help="perfect resolution (from truth), or eslabon's own, as users run it",
    )
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    worlds = {}
    for seed in seeds:
        world, store = resolved_world(args.cache, seed, args.resolution)
        worlds[seed] = world_figures(world, store)
        w = worlds[seed]
        print(
            f"seed {seed:>6}: chains R {w['chains']['mean_recall']:.3f} "
            f"P {w['chains']['mean_precision']:.3f}  roles {w['roles']['macro_f1']:.3f}  "
            f"ARI {w['networks']['ari']:.3f}",
            flush=True,
        )
    pool = pooled(worlds)
    print(
        f"pool: chains R {pool['chains_mean_recall']:.4f} P {pool['chains_mean_precision']:.4f}  "
        f"roles {pool['roles_macro_f1']:.4f} (placed {pool['roles_placed_macro_f1']:.4f})  "
        f"ARI {pool['networks_mean_ari']:.4f}  burners P {pool['burners_precision']:.4f} "
        f"R {pool['burners_recall']:.4f}"
    )
    write_result(
        "network_dev" if args.resolution == "oracle" else "network_dev_eslabon",
        {
            "commit": commit(),
            "resolution": args.resolution,
            "seeds": seeds,
            "pooled": pool,
            "worlds": worlds,
        },
    )


if __name__ == "__main__":
    main()
