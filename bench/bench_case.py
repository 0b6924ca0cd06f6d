"""Case-file speed: one target with 200 recorded events, HTML and PDF, in both languages.

The store is built through the real ingest (sources, mappings, truth) and resolved from the
world's truth, then analysed by the network stage; the timed part is what `eslabon case` does:
gather the facts from the store and render the file. Target: under 2 s per file.
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from eslabon.evaluate.oracle import resolve_from_truth
from eslabon.ingest.load import ingest
from eslabon.network.analyse import run_network
from eslabon.report.case_file import build_case
from eslabon.report.render_html import render_html
from eslabon.report.render_pdf import render_pdf
from eslabon.store import open_store
from measure import write_result

EVENTS = 200
CONTACTS = 40
TARGET_S = 2.0


def _world(folder: Path, seed: int = 11) -> Path:
    """A target whose phone makes EVENTS calls to CONTACTS people, plus their subscriber rows."""
    rng = random.Random(seed)
    (folder / "sources").mkdir(parents=True)
    (folder / "mappings").mkdir()
    (folder / "truth").mkdir()
    people = [("P-TARGET", "RAUL MEJIA SOLIS", "+12105559000")]
    people += [(f"P{i:03d}", f"PERSONA {i:03d} LOPEZ", f"+1210555{i:04d}") for i in range(CONTACTS)]
    truth = []
    with (folder / "sources" / "subs.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "phone"])
        for row, (pid, name, phone) in enumerate(people, start=1):
            w.writerow([name, phone])
            truth += [("subs", row, "p", pid), ("subs", row, "t", f"T-{pid}")]
    start = datetime(2024, 1, 1, 8)
    with (folder / "sources" / "cdr.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["a", "b", "at"])
        for row in range(1, EVENTS + 1):
            other = rng.choice(people[1:])
            a, b = (people[0], other) if rng.random() < 0.5 else (other, people[0])
            w.writerow([a[2], b[2], (start + timedelta(hours=7 * row)).strftime("%Y-%m-%d %H:%M")])
            truth += [("cdr", row, "a", f"T-{a[0]}"), ("cdr", row, "b", f"T-{b[0]}")]
    maps = {
        "subs": {"entities": {"p": {"kind": "Person", "properties": {"name": "name"}},
                              "t": {"kind": "Phone", "properties": {"number": "phone"}}},
                 "links": {"use": {"kind": "PhoneUse", "subject": "p", "object": "t"}}},
        "cdr": {"entities": {"a": {"kind": "Phone", "properties": {"number": "a"}},
                             "b": {"kind": "Phone", "properties": {"number": "b"}}},
                "links": {"call": {"kind": "Call", "subject": "a", "object": "b", "start": "at"}}},
    }  # fmt: skip
    for name, body in maps.items():
        m = {"source": name, "file": f"../sources/{name}.csv", "format": "csv", "country": "US",
             "date_convention": "ISO", "phone_region": "US", **body}  # fmt: skip
        (folder / "mappings" / f"{name}.yaml").write_text(yaml.safe_dump(m, sort_keys=False))
    with (folder / "truth" / "mentions.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "row", "mapping_key", "entity_id"])
        w.writerows(truth)
    return folder


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        world = _world(Path(tmp) / "w")
        path = Path(tmp) / "ws.duckdb"
        with open_store(path) as st:
            ingest(st, world)
            resolve_from_truth(st, world / "truth")
            run_network(st)
        results = {}
        with open_store(path) as st:
            build_case(st, "P-TARGET")  # warm imports once; each timing below is a fresh build
            for fmt in ("html", "pdf"):
                for lang in ("en", "es"):
                    t0 = time.perf_counter()
                    case = build_case(st, "P-TARGET")
                    built = time.perf_counter() - t0
                    data = (
                        render_html(case, lang).encode()
                        if fmt == "html"
                        else render_pdf(case, lang)
                    )
                    total = time.perf_counter() - t0
                    results[f"{fmt}_{lang}"] = {
                        "events": len(case.timeline),
                        "statements": len(case.statements()),
                        "evidence_rows": len(case.evidence),
                        "gather_s": round(built, 3),
                        "total_s": round(total, 3),
                        "bytes": len(data),
                    }
    worst = max(r["total_s"] for r in results.values())
    events = min(r["events"] for r in results.values())
    write_result(
        "case",
        {
            "benchmark": "case",
            "what": f"one target with {EVENTS} recorded calls to {CONTACTS} contacts",
            "target_s": TARGET_S,
            "events": events,
            "worst_s": worst,
            "passed": worst < TARGET_S and events >= EVENTS,
            "runs": results,
        },
    )
    if worst >= TARGET_S or events < EVENTS:
        sys.exit(f"case file took {worst:.2f}s for {events} events (target < {TARGET_S}s)")


if __name__ == "__main__":
    main()
