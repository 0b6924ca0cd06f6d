"""Web workspace latency: every page and its JSON twin under 20 concurrent clients for 60 s.

Builds the demo world (seed 7, scale 1) through the real CLI unless ``--store`` names an
analysed workspace, starts `eslabon serve` on 127.0.0.1, waits for its own warm-up (search
index, loaded network, the pages it builds at start: ``/healthz`` ``warm``), requests each
page once, then runs a bounded async load generator (httpx) on loopback only. Target: p95 of
every page ≤ 300 ms with 0 errors. Case-file downloads are measured apart (sequential, no
target here: `bench_case.py` owns that figure).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from eslabon.store import open_store
from measure import eslabon, write_result

CLIENTS = 20
SECONDS = 60.0
P95_TARGET_MS = 300.0


def build_world(folder: Path) -> Path:
    world, store = folder / "world", folder / "ws.duckdb"
    for args in (
        ("synth", str(world), "--seed", "7"),
        ("ingest", str(world), "--store", str(store)),
        ("resolve", "--store", str(store)),
        ("network", "--store", str(store)),
    ):
        print("eslabon", *args, flush=True)
        subprocess.run(eslabon(*args), check=True, stdout=subprocess.DEVNULL)
    return store


def url_sets(store: Path, rng: random.Random) -> dict[str, list[str]]:
    """Realistic requests per page, drawn from the workspace itself."""
    with open_store(store, read_only=True) as st:
        # Some person captions are empty: there is nothing to type for them.
        persons = [r[0] for r in st.query(
            "SELECT caption FROM entities WHERE kind = 'Person' ORDER BY entity_id")
            if r[0] and r[0].split()]  # fmt: skip
        phones = [r[0] for r in st.query(
            "SELECT caption FROM entities WHERE kind = 'Phone' ORDER BY entity_id LIMIT 500")]  # fmt: skip
        plates = [r[0] for r in st.query(
            "SELECT caption FROM entities WHERE kind = 'Vehicle' ORDER BY entity_id LIMIT 300")]  # fmt: skip
        entities = [r[0] for r in st.query(
            "SELECT entity_id FROM entities WHERE kind = 'Person' ORDER BY mention_count DESC "
            "LIMIT 400")]  # fmt: skip
        targets = [r[0] for r in st.query(
            "SELECT entity_id FROM disruption_ranking WHERE rank IS NOT NULL ORDER BY rank, "
            "network_id LIMIT 30")]  # fmt: skip
        networks = [r[0] for r in st.query("SELECT network_id FROM networks ORDER BY 1")]
    words = ["lupe", "chuy", "pancho", "garcia", "hernandez", "maria", "jose luis", "pena"]
    queries = (
        words
        + [p.split()[0] for p in rng.sample(persons, 40)]
        + [" ".join(p.split()[:2]) for p in rng.sample(persons, 40)]
        + [p[-10:] for p in rng.sample(phones, 20)]
        + rng.sample(plates, 20)
    )
    pick = rng.sample(entities, 120) + targets
    return {
        "search": [f"/search?{urlencode({'q': q})}" for q in queries],
        "api_search": [f"/api/search?{urlencode({'q': q})}" for q in queries],
        "entity": [f"/entities/{quote(e)}" for e in pick],
        "api_entity": [f"/api/entities/{quote(e)}" for e in pick],
        "trace": [f"/trace?{urlencode({'seed': s})}" for s in targets],
        "api_trace": [f"/api/trace?{urlencode({'seed': s})}" for s in targets],
        "network": [f"/network?network={n}" for n in networks],
        "api_graph": [f"/api/graph?network={n}" for n in networks]
        + [f"/api/graph?focus={quote(e)}" for e in targets],
        "targets": ["/targets"] + [f"/targets?network={n}" for n in networks],
        "api_targets": ["/api/targets"] + [f"/api/targets?network={n}" for n in networks],
        "review": ["/review"],
        "api_review": ["/api/review"],
        "sources": ["/sources"],
        "api_sources": ["/api/sources"],
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("eslabon serve exited")
        try:
            if httpx.get(f"{url}/openapi.json", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("eslabon serve did not start")


def wait_warm(url: str, timeout: float = 180) -> bool:
    """Wait for the server's own warm-up (``/healthz`` ``warm``), as a readiness probe would."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).json().get("warm"):
                return True
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.5)
    return False


async def load(base: str, urls: dict[str, list[str]], clients: int, seconds: float) -> dict:
    """``clients`` loops, each cycling through the pages, until ``seconds`` have passed."""
    samples: dict[str, list[float]] = {k: [] for k in urls}
    errors: dict[str, int] = {k: 0 for k in urls}
    examples: list[str] = []
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(i: int) -> None:
        rng = random.Random(i)
        kinds = list(urls)
        n = i
        async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:
            while time.monotonic() < stop:
                kind = kinds[n % len(kinds)]
                n += 1
                url = rng.choice(urls[kind])
                t0 = time.perf_counter()
                try:
                    res = await http.get(url)
                    ok = res.status_code == 200
                except httpx.HTTPError as err:
                    ok, res = False, err
                samples[kind].append((time.perf_counter() - t0) * 1000)
                if not ok:
                    errors[kind] += 1
                    if len(examples) < 10:
                        examples.append(f"{url}: {getattr(res, 'status_code', res)}")

    await asyncio.gather(*(client(i) for i in range(clients)))
    pages = {}
    for kind, xs in samples.items():
        xs.sort()
        pages[kind] = {
            "requests": len(xs),
            "errors": errors[kind],
            "p50_ms": round(statistics.median(xs), 1) if xs else None,
            "p95_ms": round(xs[min(len(xs) - 1, int(0.95 * len(xs)))], 1) if xs else None,
            "max_ms": round(xs[-1], 1) if xs else None,
        }
    return {"pages": pages, "error_examples": examples}


def case_files(base: str, targets: list[str]) -> dict:
    times = []
    for e in targets[:5]:
        t0 = time.perf_counter()
        res = httpx.get(f"{base}/api/entities/{quote(e)}/case", timeout=300)
        res.raise_for_status()
        times.append(time.perf_counter() - t0)
    return {"files": len(times), "mean_s": round(statistics.mean(times), 2),
            "max_s": round(max(times), 2)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, help="an analysed workspace (default: build one)")
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="eslabon-bench-web-"))
    try:
        if args.store:
            store = tmp / "ws.duckdb"
            shutil.copyfile(args.store, store)
        else:
            store = build_world(tmp)
        urls = url_sets(store, random.Random(7))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen(
            eslabon("serve", "--store", str(store), "--port", str(port)),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_up(base, proc)
            t0 = time.perf_counter()
            warm = wait_warm(base)
            for kind in urls:  # warm: index, network, a first trace; explanations start
                httpx.get(base + urls[kind][0], timeout=120).raise_for_status()
            warm_s = time.perf_counter() - t0
            result = asyncio.run(load(base, urls, args.clients, args.seconds))
            cases = case_files(base, [u.split("=", 1)[1] for u in urls["api_trace"]])
        finally:
            proc.terminate()
            proc.wait(20)
        worst = max(p["p95_ms"] for p in result["pages"].values())
        errors = sum(p["errors"] for p in result["pages"].values())
        ok = worst <= P95_TARGET_MS and errors == 0
        write_result(
            "web",
            {
                "world": "seed 7, scale 1" if not args.store else str(args.store),
                "clients": args.clients,
                "seconds": args.seconds,
                "warm_up_s": round(warm_s, 2),
                "server_warm_before_load": warm,
                "target_p95_ms": P95_TARGET_MS,
                "worst_p95_ms": worst,
                "errors": errors,
                "requests": sum(p["requests"] for p in result["pages"].values()),
                "ok": ok,
                **result,
                "case_file_download": cases,
            },
        )
        for kind, p in result["pages"].items():
            print(f"{kind:<12} n={p['requests']:>5} p50={p['p50_ms']:>7} p95={p['p95_ms']:>7} "
                  f"errors={p['errors']}")  # fmt: skip
        if not ok:
            sys.exit(f"web: worst p95 {worst} ms (target {P95_TARGET_MS}), {errors} errors")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
