"""What access control costs the web workspace: p95 latency with and without it.

Two servers over copies of the same analysed demo workspace, each loaded by the same 20 clients
for the same time, one after the other:

* **open** — no accounts and no audit entries (bench/serve_unaudited.py): the workspace as it was
  before issue #7, the baseline;
* **guarded** — the demo accounts, each client signed in (half as a US analyst, half as a
  Mexican investigator) with a Bearer token, every request passing the session check, reading
  its user's view (built beforehand by `eslabon views build`) and waiting for its audit entry to
  be committed.

Both start cold (`--warm 0`: the open server would otherwise prime pages the guarded one cannot,
since its pages belong to each clearance), and the clients draw their pages from their own view,
so most requests are first visits in both. Goal: the guarded p95 at most 20% above the open one.
Results: bench/results/access.json.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from bench_web import build_world, free_port, load, summary, url_sets, wait_up
from eslabon.access.identity import principal_for
from eslabon.access.views import ensure_view
from eslabon.store import open_store
from measure import eslabon, write_result

CLIENTS = 20
SECONDS = 60.0
GOAL = 0.20
USERS = ("cbp-analyst", "fgr-investigator")


def token(base: str, user: str) -> str:
    res = httpx.post(f"{base}/api/login", json={"username": user, "password": f"demo-{user}"})
    res.raise_for_status()
    return str(res.json()["token"])


async def run_load(
    base: str, groups: list[tuple[dict[str, str], dict[str, list[str]]]], clients: int,
    seconds: float,
) -> dict[str, Any]:  # fmt: skip
    """The clients split evenly over ``groups`` (headers, urls); per-page figures pooled."""
    share = max(1, clients // len(groups))
    parts = await asyncio.gather(*(
        load(base, urls, share, seconds, set(), headers=headers, keep_samples=True)
        for headers, urls in groups
    ))  # fmt: skip
    pages: dict[str, Any] = {}
    errors = 0
    for part in parts:
        for kind, p in part["pages"].items():
            pages.setdefault(kind, {"_samples": []})["_samples"] += p["_samples"]
            errors += p["errors"]
    out = {kind: summary(p["_samples"]) for kind, p in pages.items()}
    everything = [x for p in pages.values() for x in p["_samples"]]
    return {"pages": out, "all": summary(everything), "errors": errors,
            "examples": [e for part in parts for e in part["error_examples"]][:10]}  # fmt: skip


def serve(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, help="an analysed workspace without accounts")
    parser.add_argument("--world", type=Path, help="its synthetic world (for accounts.yaml)")
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="eslabon-bench-access-"))
    try:
        if args.store:
            base_store = tmp / "ws.duckdb"
            shutil.copyfile(args.store, base_store)
            world = args.world
        else:
            base_store = build_world(tmp)
            world = tmp / "world"
        open_store_path = tmp / "open.duckdb"
        guarded = tmp / "guarded.duckdb"
        shutil.copyfile(base_store, open_store_path)
        shutil.copyfile(base_store, guarded)
        subprocess.run(eslabon("users", "load", str(world / "accounts.yaml"), "--store",
                               str(guarded)), check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        view_of: dict[str, Path] = {}
        t0 = time.perf_counter()
        with open_store(guarded) as st:
            for user in USERS:
                view_of[user] = ensure_view(st, guarded, principal_for(st, user))
        views_s = time.perf_counter() - t0
        rng = random.Random(7)
        results: dict[str, Any] = {}
        load_avg: dict[str, Any] = {}

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        urls = url_sets(open_store_path, rng)
        proc = serve([sys.executable, str(Path(__file__).parent / "serve_unaudited.py"),
                      str(open_store_path), str(port)])  # fmt: skip
        try:
            wait_up(base, proc)
            load_avg["open_before"] = os.getloadavg()
            results["open"] = asyncio.run(run_load(base, [({}, urls)], args.clients,
                                                   args.seconds))  # fmt: skip
            load_avg["open_after"] = os.getloadavg()
        finally:
            proc.terminate()
            proc.wait(20)

        groups_urls = {u: url_sets(view_of[u], random.Random(7)) for u in USERS}
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = serve(eslabon("serve", "--store", str(guarded), "--port", str(port), "--warm",
                             "0"))  # fmt: skip
        try:
            wait_up(base, proc)
            groups = [({"Authorization": f"Bearer {token(base, u)}"}, groups_urls[u])
                      for u in USERS]  # fmt: skip
            load_avg["guarded_before"] = os.getloadavg()
            results["guarded"] = asyncio.run(run_load(base, groups, args.clients, args.seconds))
            load_avg["guarded_after"] = os.getloadavg()
        finally:
            proc.terminate()
            proc.wait(20)
        with open_store(guarded, read_only=True) as st:
            audited = st.query_one("SELECT count(*) FROM audit_log")[0]

        o, g = results["open"], results["guarded"]
        overhead = g["all"]["p95_ms"] / o["all"]["p95_ms"] - 1
        per_page = {
            kind: round(g["pages"][kind]["p95_ms"] / o["pages"][kind]["p95_ms"] - 1, 3)
            for kind in o["pages"]
            if kind in g["pages"] and o["pages"][kind]["p95_ms"]
        }
        ok = overhead <= GOAL and o["errors"] == 0 and g["errors"] == 0
        write_result(
            "access",
            {
                "clients": args.clients,
                "seconds": args.seconds,
                "users": list(USERS),
                "views_built_s": round(views_s, 1),
                "load_average": {k: [round(x, 2) for x in v] for k, v in load_avg.items()},
                "goal_p95_overhead": GOAL,
                "p95_overhead": round(overhead, 3),
                "p95_overhead_by_page": per_page,
                "open": o,
                "guarded": g,
                "audit_entries_written": audited,
                "ok": ok,
            },
        )
        print(f"open    p95 {o['all']['p95_ms']} ms over {o['all']['requests']} requests")
        print(f"guarded p95 {g['all']['p95_ms']} ms over {g['all']['requests']} requests "
              f"({audited} audit entries)")  # fmt: skip
        print(f"overhead {overhead:+.1%} (goal ≤ {GOAL:.0%})")
        if not ok:
            sys.exit(f"access: p95 overhead {overhead:+.1%}, errors {o['errors']}/{g['errors']}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
