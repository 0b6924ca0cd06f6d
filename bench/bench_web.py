"""Web workspace latency: every page and its JSON twin under 20 concurrent clients for 60 s.

Builds the demo world (seed 7, scale 1) through the real CLI unless ``--store`` names an
analysed workspace, starts `eslabon serve --warm N` on 127.0.0.1 and waits only for the warm-up
a real server does at start (search index, loaded network, the pages it primes: ``/healthz``
``warm``), then runs a bounded async load generator (httpx) on loopback only.

Entity pages are drawn uniformly from *every* entity of the workspace, traces and focus graphs
from every network member, so most of those requests are first visits: the page is built then,
not read from the server's cache. Each page's figures are split into first visits (the URL was
neither asked before in the run nor primed by the server) and repeats. Target: p95 of every page,
and of its first visits, ≤ 300 ms, with 0 errors. Case-file downloads are measured apart
(sequential, no target here: `bench_case.py` owns that figure).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from eslabon.store import open_store
from measure import eslabon, write_result

CLIENTS = 20
SECONDS = 60.0
P95_TARGET_MS = 300.0
WARM = 500  # the server's default `--warm`


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
        # Every entity, every kind: an analyst opens what a search or a trace led to.
        entities = [r[0] for r in st.query("SELECT entity_id FROM entities ORDER BY entity_id")]
        members = [r[0] for r in st.query(
            "SELECT r.entity_id FROM node_roles r JOIN entities e USING (entity_id) "
            "WHERE e.kind = 'Person' ORDER BY 1")]  # fmt: skip
        networks = [r[0] for r in st.query("SELECT network_id FROM networks ORDER BY 1")]
    words = ["lupe", "chuy", "pancho", "garcia", "hernandez", "maria", "jose luis", "pena"]
    queries = (
        words
        + [p.split()[0] for p in rng.sample(persons, 40)]
        + [" ".join(p.split()[:2]) for p in rng.sample(persons, 40)]
        + [p[-10:] for p in rng.sample(phones, 20)]
        + rng.sample(plates, 20)
    )
    return {
        "search": [f"/search?{urlencode({'q': q})}" for q in queries],
        "api_search": [f"/api/search?{urlencode({'q': q})}" for q in queries],
        "entity": [f"/entities/{quote(e)}" for e in entities],
        "api_entity": [f"/api/entities/{quote(e)}" for e in entities],
        "trace": [f"/trace?{urlencode({'seed': s})}" for s in members],
        "api_trace": [f"/api/trace?{urlencode({'seed': s})}" for s in members],
        "network": [f"/network?network={n}" for n in networks],
        "api_graph": [f"/api/graph?network={n}" for n in networks]
        + [f"/api/graph?focus={quote(e)}" for e in members],
        "targets": ["/targets"] + [f"/targets?network={n}" for n in networks],
        "api_targets": ["/api/targets"] + [f"/api/targets?network={n}" for n in networks],
        "review": ["/review"],
        "api_review": ["/api/review"],
        "sources": ["/sources"],
        "api_sources": ["/api/sources"],
    }


def primed(store: Path, warm: int) -> set[str]:
    """URLs the server builds during its own warm-up (web/app.py ``prime``): networks, their
    graphs, targets, sources and the review queue (JSON and English pages), the ranked targets' entity pages and traces and
    the entity pages of the ``warm`` most-mentioned persons. A request for one of them is not a
    first visit."""
    with open_store(store, read_only=True) as st:
        networks = [r[0] for r in st.query("SELECT network_id FROM networks ORDER BY 1")]
        ranked = [r[0] for r in st.query(
            "SELECT entity_id FROM disruption_ranking WHERE rank IS NOT NULL GROUP BY 1")]  # fmt: skip
        top = [r[0] for r in st.query(
            "SELECT entity_id FROM entities WHERE kind = 'Person' "
            "ORDER BY mention_count DESC, entity_id LIMIT ?", [warm])]  # fmt: skip
    urls = {"/api/targets", "/api/sources", "/api/review", "/targets", "/review", "/sources"}
    for n in networks:
        urls |= {f"/api/graph?network={n}", f"/network?network={n}", f"/api/targets?network={n}",
                 f"/targets?network={n}"}  # fmt: skip
    for e in ranked + top:
        urls |= {f"/entities/{quote(e)}", f"/api/entities/{quote(e)}"}
    for e in ranked:
        urls |= {f"/trace?{urlencode({'seed': e})}", f"/api/trace?{urlencode({'seed': e})}"}
    return urls


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


def summary(xs: list[float]) -> dict[str, Any]:
    xs = sorted(xs)
    return {
        "requests": len(xs),
        "p50_ms": round(statistics.median(xs), 1) if xs else None,
        "p95_ms": round(xs[min(len(xs) - 1, int(0.95 * len(xs)))], 1) if xs else None,
        "max_ms": round(xs[-1], 1) if xs else None,
    }


async def load(
    base: str,
    urls: dict[str, list[str]],
    clients: int,
    seconds: float,
    seen: set[str],
    *,
    headers: dict[str, str] | None = None,
    keep_samples: bool = False,
) -> dict:
    """``clients`` loops, each cycling through the pages (a random URL of each), until
    ``seconds`` have passed. ``seen``: URLs already built (the server's warm-up); a request for
    a URL not in it is a first visit. ``headers`` go with every request (a session token);
    ``keep_samples`` keeps each page's latencies (``_samples``) for pooling."""
    samples: dict[str, list[tuple[float, bool]]] = {k: [] for k in urls}  # (ms, first visit)
    errors: dict[str, int] = {k: 0 for k in urls}
    examples: list[str] = []
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(i: int) -> None:
        rng = random.Random(i)
        kinds = list(urls)
        n = i
        async with httpx.AsyncClient(
            base_url=base, timeout=30, limits=limits, headers=headers or {}
        ) as http:
            while time.monotonic() < stop:
                kind = kinds[n % len(kinds)]
                n += 1
                url = rng.choice(urls[kind])
                is_first = url not in seen
                seen.add(url)  # another client asking meanwhile waits for the same build
                t0 = time.perf_counter()
                try:
                    res = await http.get(url)
                    ok = res.status_code == 200
                except httpx.HTTPError as err:
                    ok, res = False, err
                samples[kind].append(((time.perf_counter() - t0) * 1000, is_first))
                if not ok:
                    errors[kind] += 1
                    if len(examples) < 10:
                        examples.append(f"{url}: {getattr(res, 'status_code', res)}")

    await asyncio.gather(*(client(i) for i in range(clients)))
    pages = {}
    for kind, xs in samples.items():
        pages[kind] = {
            **summary([ms for ms, _ in xs]),
            "errors": errors[kind],
            "first_visit": summary([ms for ms, first in xs if first]),
            "repeat": summary([ms for ms, first in xs if not first]),
        }
        if keep_samples:
            pages[kind]["_samples"] = [ms for ms, _ in xs]
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
    parser.add_argument("--warm", type=int, default=WARM, help="the server's `--warm`")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="eslabon-bench-web-"))
    try:
        if args.store:
            store = tmp / "ws.duckdb"
            shutil.copyfile(args.store, store)
        else:
            store = build_world(tmp)
        urls = url_sets(store, random.Random(7))
        seen = primed(store, args.warm)  # read before the server holds the file
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen(
            eslabon("serve", "--store", str(store), "--port", str(port), "--warm", str(args.warm)),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_up(base, proc)
            t0 = time.perf_counter()
            warm = wait_warm(base)  # only what the server itself builds at start
            warm_s = time.perf_counter() - t0
            load_before = os.getloadavg()
            result = asyncio.run(load(base, urls, args.clients, args.seconds, seen))
            load_after = os.getloadavg()
            ranked = sorted(u.split("=", 1)[1] for u in seen if u.startswith("/api/trace?"))
            cases = case_files(base, ranked)
        finally:
            proc.terminate()
            proc.wait(20)
        pages = result["pages"].values()
        worst = max(p["p95_ms"] for p in pages)
        worst_first = max((p["first_visit"]["p95_ms"] or 0 for p in pages), default=0)
        errors = sum(p["errors"] for p in pages)
        ok = max(worst, worst_first) <= P95_TARGET_MS and errors == 0
        write_result(
            "web",
            {
                "world": "seed 7, scale 1" if not args.store else str(args.store),
                "clients": args.clients,
                "seconds": args.seconds,
                "server_warm": args.warm,
                "warm_up_s": round(warm_s, 2),
                "server_warm_before_load": warm,
                # Other jobs may share the machine: its 1/5/15-minute load around the run.
                "load_average_before": [round(x, 2) for x in load_before],
                "load_average_after": [round(x, 2) for x in load_after],
                "target_p95_ms": P95_TARGET_MS,
                "worst_p95_ms": worst,
                "worst_first_visit_p95_ms": worst_first,
                "first_visits": sum(p["first_visit"]["requests"] for p in pages),
                "errors": errors,
                "requests": sum(p["requests"] for p in result["pages"].values()),
                "ok": ok,
                **result,
                "case_file_download": cases,
            },
        )
        for kind, p in result["pages"].items():
            f = p["first_visit"]
            print(f"{kind:<12} n={p['requests']:>5} p50={p['p50_ms']:>7} p95={p['p95_ms']:>7} "
                  f"first n={f['requests']:>5} p95={f['p95_ms']} errors={p['errors']}")  # fmt: skip
        if not ok:
            sys.exit(f"web: worst p95 {worst} ms, first visits {worst_first} ms "
                     f"(target {P95_TARGET_MS}), {errors} errors")  # fmt: skip
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
