"""The whole job on the bundled synthetic world, step by step, as a user would run it.

Each step is the real `eslabon` command, so what the demo prints is what the CLI prints.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import time
from pathlib import Path


def step(title: str, *args: str) -> None:
    print(f"\n\033[1m== {title}\033[0m  (eslabon {' '.join(args)})", flush=True)
    start = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "eslabon", *args])
    if res.returncode != 0:
        sys.exit(f"demo stopped: `eslabon {' '.join(args)}` exited with {res.returncode}")
    print(f"   ({time.perf_counter() - start:.1f} s)", flush=True)


def seeds(truth: Path) -> list[tuple[str, str, str]]:
    """One seed per network as an analyst would type it, from truth/seeds.csv.

    A plate or a phone number is preferred to a name: names are the seeds most often shared by
    two people.
    """
    preference = {"Vehicle": 0, "Phone": 1, "Person": 2}
    chosen: dict[str, tuple[int, str, str, str]] = {}
    with (truth / "seeds.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            rank = preference.get(row["kind"], 3)
            current = chosen.get(row["network_id"])
            if current is None or rank < current[0]:
                chosen[row["network_id"]] = (
                    rank,
                    row["network_id"],
                    row["value"],
                    row["description"],
                )
    return [chosen[k][1:] for k in sorted(chosen)]


def person_f1(store: Path, truth: Path) -> None:
    """Score resolution against the world's ground truth and print the person figures."""
    print(
        "\n\033[1m== 6. how good is the resolution?\033[0m  (eslabon eval ... --json)", flush=True
    )
    res = subprocess.run(
        [sys.executable, "-m", "eslabon", "eval", str(truth), "--store", str(store), "--json"],
        capture_output=True,
        text=True,
    )
    if res.returncode != 0:
        sys.exit(f"demo stopped: eval failed:\n{res.stderr}")
    person = json.loads(res.stdout)["resolution"]["Person"]
    pw, b3 = person["pairwise"], person["bcubed"]
    print(
        f"   persons: {person['mentions']:,} mentions -> {person['entities']:,} entities; "
        f"pairwise precision {pw['precision']:.3f}, recall {pw['recall']:.3f}, "
        f"F1 {pw['f1']:.3f}; B-cubed F1 {b3['f1']:.3f}"
    )


def contrasted_entity(store: Path) -> str | None:
    """A person recorded both in a Mexico-only source (FGR's carpetas, Telcel's warrant
    returns) and in sources the two countries share: a Mexican investigator and a US analyst
    see two different pictures of the same actor. Ranked targets first."""
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    try:
        row = con.execute(
            """
            SELECT em.entity_id FROM entity_mentions em JOIN mentions m USING (mention_id)
            JOIN entities e USING (entity_id)
            LEFT JOIN (SELECT entity_id, min(rank) AS r FROM disruption_ranking GROUP BY 1) d
                USING (entity_id)
            WHERE e.kind = 'Person'
            GROUP BY em.entity_id
            HAVING bool_or(m.source_id LIKE 'fgr_carpetas@%' OR m.source_id LIKE 'cdr_telcel@%')
               AND bool_or(m.source_id LIKE 'cbp_crossings@%'
                           OR m.source_id LIKE 'usbp_apprehensions@%'
                           OR m.source_id LIKE 'mt_transfers@%')
            ORDER BY min(d.r) NULLS LAST, count(DISTINCT m.source_id) DESC, em.entity_id
            LIMIT 1
            """
        ).fetchone()
    finally:
        con.close()
    return row[0] if row else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="demo", help="folder for the world and the workspace")
    parser.add_argument("--seed", default="7")
    args = parser.parse_args()
    out = Path(args.out).resolve()
    world = out / "world"
    store = out / "eslabon.duckdb"
    if store.exists():
        store.unlink()
    wal = store.with_name(store.name + ".wal")
    if wal.exists():
        wal.unlink()

    step("1. generate the synthetic bilateral world", "synth", str(world), "--seed", args.seed)
    step("2. ingest every source through its mapping", "ingest", str(world), "--store", str(store))
    step("3. what was loaded", "status", "--store", str(store))
    step("4. what was refused, and why", "quarantine", "--store", str(store), "--limit", "15")
    step("5. resolve who is who (Splink on DuckDB)", "resolve", "--store", str(store))
    person_f1(store, world / "truth")
    step("7. build the network, detect networks and roles", "network", "--store", str(store))
    for n, (network, value, description) in enumerate(seeds(world / "truth"), start=1):
        print(f"\n   seed of {network}: {description}")
        step(
            f"8.{n} trace the chain from {value}",
            "trace",
            value,
            "--store",
            str(store),
            "--top",
            "12",
        )
    step("9. whom to prosecute first", "disrupt", "--store", str(store), "--top", "5")
    cases = out / "cases"
    step(
        "10. case files of each network's top targets (en + es)",
        "case",
        "--network",
        "all",
        "--lang",
        "both",
        "--store",
        str(store),
        "--out",
        str(cases),
    )

    # -- who may see what ----------------------------------------------------------------
    step("11. agencies and accounts (demo accounts: no second factor)", "users", "load",
         str(world / "accounts.yaml"), "--store", str(store))  # fmt: skip
    entity = contrasted_entity(store)
    if entity:
        for n, (user, who) in enumerate((("cbp-analyst", "a CBP analyst (USA)"),
                                         ("fgr-investigator", "an FGR investigator (MEX)")), 1):  # fmt: skip
            step(f"12.{n} the same actor as {who} sees it", "--as", user, "show", entity,
                 "--store", str(store))  # fmt: skip
    step("13. the audit trail is intact (as the auditor)", "--as", "auditor", "audit", "verify",
         "--store", str(store))  # fmt: skip

    print(
        f"\nDone. Results:\n"
        f"  world (sources, mappings, truth): {world}\n"
        f"  workspace (DuckDB):               {store}\n"
        f"  case files (open index.html):     {cases}\n"
        f"Try: .venv/bin/eslabon --as cbp-analyst status --store {store}\n"
        f"Open the workspace in a browser: `make serve` "
        f"(or .venv/bin/eslabon serve --store {store}), then http://127.0.0.1:8765/ and sign "
        f"in as cbp-analyst / demo-cbp-analyst or fgr-investigator / demo-fgr-investigator "
        f"(every account of {world / 'accounts.yaml'} has the password demo-<name>)"
    )


if __name__ == "__main__":
    main()
