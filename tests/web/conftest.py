"""One small synthetic world per test session (built once, shared by xdist workers through a
lock file), a copy of its workspace per worker, a live `eslabon serve` on loopback, and
Playwright pointed at Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.worlds import analysed_world, copy_workspace, shared

SCALE = 0.05
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _build(folder: Path) -> Path:
    """Synthesise, ingest, resolve and analyse the small world; returns the workspace file."""
    return analysed_world(folder, "world.duckdb", scale=SCALE)


@pytest.fixture(scope="session")
def world_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared built workspace (read it only through copies)."""
    return shared(tmp_path_factory, "web-world", _build)


@pytest.fixture(scope="session")
def api_store(world_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace copy for in-process (TestClient, schemathesis) tests."""
    return copy_workspace(world_store, tmp_path_factory.mktemp("api"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`eslabon serve` in a subprocess on a free loopback port."""

    def __init__(self, store: Path, *, read_only: bool = False) -> None:
        self.store = store
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [sys.executable, "-m", "eslabon", "serve", "--store", str(store), "--port",
                str(self.port), "--idle-release", "0.5", "--warm", "0"]  # fmt: skip
        if read_only:
            args.append("--read-only")
        self.log = (store.parent / "serve.log").open("w")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"eslabon serve exited: {(store.parent / 'serve.log').read_text()}"
                )
            try:  # serving, and done building the pages it builds at start
                if httpx.get(f"{self.url}/healthz", timeout=1).json().get("warm"):
                    break
            except (httpx.HTTPError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("eslabon serve was not ready within 60 s")
            time.sleep(0.1)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture(scope="session")
def server(world_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(copy_workspace(world_store, tmp_path_factory.mktemp("served")))
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def read_only_server(
    world_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    srv = Server(copy_workspace(world_store, tmp_path_factory.mktemp("served-ro")), read_only=True)
    yield srv
    srv.stop()


# -- Playwright on Debian's Chromium (never `playwright install`) -----------------------------
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail(
                "CI must have chromium (apt-get install chromium); browser tests never skip in CI"
            )
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"],
    }  # fmt: skip


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "accept_downloads": True,
        "viewport": {"width": 1400, "height": 900},
    }


def shot(page, name: str) -> None:
    """Keep a screenshot as a test artifact (test-artifacts/ is git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
