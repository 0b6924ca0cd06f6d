"""Small analysed synthetic worlds for tests: built once per machine and test run (xdist
workers share one build through a lock file), always read through copies."""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from eslabon.access.identity import load_accounts
from eslabon.ingest.load import ingest
from eslabon.network.analyse import run_network
from eslabon.resolve.pipeline import run_resolve
from eslabon.store import open_store
from eslabon.store.connection import LATEST_VERSION
from eslabon.synth.world import generate


def analysed_world(
    folder: Path,
    name: str,
    *,
    seed: int = 7,
    scale: float = 0.05,
    accounts: bool = False,
    edit: Callable[[Path], None] | None = None,
) -> Path:
    """``folder/name``: synthesise (then ``edit`` the world folder), ingest, resolve, analyse
    and, with ``accounts``, load the demo accounts. Built under a temporary name and renamed,
    so an interrupted build is never mistaken for a finished one."""
    store = folder / name
    if store.exists():
        return store
    world = folder / "world"
    generate(world, seed=seed, scale=scale, force=True)
    if edit is not None:
        edit(world)
    tmp = folder / f"building-{name}"
    tmp.unlink(missing_ok=True)
    with open_store(tmp) as st:
        ingest(st, world)
        run_resolve(st, seed=seed)
        run_network(st)
        if accounts:
            load_accounts(st, world / "accounts.yaml", by="test")
    tmp.rename(store)
    return store


def shared(factory: pytest.TempPathFactory, key: str, build: Callable[[Path], Path]) -> Path:
    """``build(folder)`` once for every worker of this test run (keyed by schema version too:
    outside xdist the folder outlives the session, and an older build must not be reused)."""
    root = factory.getbasetemp().parent / f"eslabon-{key}-v{LATEST_VERSION}"
    root.mkdir(exist_ok=True)
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return build(root)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def copy_workspace(src: Path, folder: Path, name: str = "ws.duckdb") -> Path:
    """A private copy of a workspace with what lives beside it — the audit log's signing key
    and witness file, and the per-clearance views — so the copy verifies and reads like the
    original (a server holds its own file; tests never share one)."""
    folder.mkdir(parents=True, exist_ok=True)
    dst = folder / name
    shutil.copyfile(src, dst)
    for suffix in (".wal", ".audit-key", ".audit-checkpoints.jsonl"):
        side = src.with_name(src.name + suffix)
        if side.exists():
            shutil.copy2(side, dst.with_name(dst.name + suffix))
    views = src.with_name(src.name + ".views")
    if views.is_dir():
        shutil.copytree(views, dst.with_name(dst.name + ".views"))
    return dst
