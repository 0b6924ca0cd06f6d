"""Ingest throughput and peak memory on ≥1M source rows, beside DuckDB's plain read of the same files.

The floor is DuckDB reading every CSV/JSON-lines source as text (no normalisation, no quarantine);
the goal is to stay within 5× of it.
"""

from __future__ import annotations

import math
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).parent))
from eslabon.ingest.load import discover_mappings
from eslabon.ingest.parallel import Pool
from measure import eslabon, measure, write_result

TARGET_ROWS = 1_000_000


def count_rows(world: Path) -> int:
    total = 0
    for m in discover_mappings(world):
        with m.file.open("rb") as fh:
            total += sum(1 for _ in fh) - (1 if m.format == "csv" else 0)
    return total


def duckdb_floor(world: Path, scratch: Path) -> dict:
    """Seconds for DuckDB to read each text source in full (all columns as VARCHAR).

    DuckDB decodes only UTF-8 and strict latin-1, so files in other encodings (cp1252 with the
    bytes 0x81/0x8D/... that latin-1 refuses) are transcoded to UTF-8 first, outside the timing:
    the floor is the cost of reading the same content, not of failing on it.
    """
    con = duckdb.connect()
    plan = []
    for m in discover_mappings(world):
        path = m.file
        if m.format == "csv":
            enc = str(m.csv.get("encoding", "utf-8")).lower().replace("_", "-")
            if enc not in ("utf-8", "utf8"):
                path = scratch / f"{m.source}.utf8.csv"
                text = m.file.read_text(encoding=enc, errors="replace").lstrip("\ufeff")
                path.write_text(text, encoding="utf-8")
        plan.append((m, path))
    rows = 0
    start = time.perf_counter()
    for m, path in plan:
        if m.format == "csv":
            q = (
                "SELECT count(*) FROM read_csv(?, delim=?, header=true, all_varchar=true, "
                "ignore_errors=true, strict_mode=false, null_padding=true)"
            )
            rows += con.execute(q, [str(path), m.csv.get("delimiter", ",")]).fetchone()[0]
        elif m.format == "jsonl":
            q = "SELECT count(*) FROM read_json(?, format='newline_delimited', ignore_errors=true)"
            rows += con.execute(q, [str(path)]).fetchone()[0]
    return {"rows": rows, "wall_s": round(time.perf_counter() - start, 3)}


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="eslabon-bench-"))
    try:
        probe = tmp / "probe"
        measure(eslabon("synth", str(probe), "--seed", "11", "--scale", "1"))
        per_scale = count_rows(probe)
        scale = max(1, math.ceil(TARGET_ROWS / per_scale))
        world = tmp / "world"
        synth = measure(eslabon("synth", str(world), "--seed", "11", "--scale", str(scale)))
        rows = count_rows(world)
        floor = duckdb_floor(world, tmp)
        store = tmp / "ws.duckdb"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        run = measure(eslabon("ingest", str(world), "--store", str(store), "--json"))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU seconds of the ingest process (reaped child), less sensitive to load than wall time
        cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        rerun = measure(eslabon("ingest", str(world), "--store", str(store), "--json"))
        result = {
            "source_rows": rows,
            "scale": scale,
            "synth": {k: v for k, v in synth.items() if k != "stdout"},
            "ingest": {
                "wall_s": run["wall_s"],
                # CPU of the ingest and its normalising workers (reaped before it exits)
                "cpu_s": round(cpu_s, 1),
                "workers": Pool().workers,
                "rows_per_s": round(rows / run["wall_s"]),
                # summed over the process tree: pages a forked worker shares with the ingest
                # process are counted once per process
                "peak_rss_mb": run["peak_rss_mb"],
            },
            "reingest_unchanged_wall_s": rerun["wall_s"],
            "duckdb_read_floor": {
                **floor,
                "rows_per_s": round(floor["rows"] / max(floor["wall_s"], 1e-9)),
            },
            "ratio_to_floor": round(run["wall_s"] / max(floor["wall_s"], 1e-9), 1),
            "goal_ratio": 5,
        }
        write_result("ingest", result)
        print(result)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
