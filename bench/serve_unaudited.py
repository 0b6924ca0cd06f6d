"""The web workspace with its audit appends replaced by nothing — only for bench_access.py's
baseline, to measure what access control costs. Never a way to run eslabon: the CLI has no such
switch, and this script refuses a workspace that has accounts."""

from __future__ import annotations

import sys
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import uvicorn

import eslabon.access.audit as audit
from eslabon.access.identity import accounts_exist
from eslabon.store import open_store


class NoAppender:
    """Takes entries and writes nothing (the baseline of the comparison)."""

    def __init__(self, *_args: Any, **_kwargs: Any) -> None:
        pass

    def submit(self, _entry: Any) -> Future[int]:
        done: Future[int] = Future()
        done.set_result(-1)
        return done

    def close(self, *_args: Any) -> None:
        pass


def main() -> None:
    store, port = Path(sys.argv[1]), int(sys.argv[2])
    with open_store(store, read_only=True) as st:
        if accounts_exist(st):
            sys.exit("serve_unaudited: only for a workspace without accounts (the baseline)")
    audit.GroupAppender = NoAppender  # type: ignore[assignment, misc]
    from eslabon.web.app import create_app

    uvicorn.run(create_app(store), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
