"""The one seam between a reader and the data: every read command and page gets its Store here.

``open_for`` hands out the read-only Store of the principal's view (docs/access.md, "Views"), so
no caller can reach a row, a merge or a score resting on a source its reader may not see.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from eslabon.access import identity
from eslabon.access.principal import Principal
from eslabon.access.views import Clearance, build_view, clearance, view_path
from eslabon.store.connection import Store, open_store

BuiltFn = Callable[[str, Path, list[str], float | None], None]  # key, path, users, build seconds


def view_file_for(
    main_path: Path | str, principal: Principal, *, today: date | None = None
) -> Path:
    """The file ``principal`` reads (the main store, or their view, built when missing)."""
    principal.require("read")
    main_path = Path(main_path)
    with open_store(main_path, read_only=True) as main:
        c = clearance(main, principal, today)
    if c.everything:
        return main_path
    target = view_path(main_path, c.key)
    if target.exists():
        return target
    # Writable only to build (build_view says why); the clearance is taken again under the lock.
    with open_store(main_path) as main:
        c = clearance(main, principal, today)
        if c.everything:
            return main_path
        target = view_path(main_path, c.key)
        if not target.exists():
            build_view(main, target, c.source_ids)
    return target


def open_for(main_path: Path | str, principal: Principal, *, today: date | None = None) -> Store:
    """The read-only Store of ``principal``'s view of the workspace at ``main_path``.

    Refuses (EslabonError) a principal whose role may not read data, such as an auditor.
    """
    return open_store(view_file_for(main_path, principal, today=today), read_only=True)


def build_views_for_accounts(
    main_path: Path | str, *, today: date | None = None, built: BuiltFn | None = None
) -> list[tuple[str, Path, list[str]]]:
    """Build the view of every account's clearance: (key, path, usernames) per distinct one.

    Accounts that may not read (auditors) and locked accounts get none; a clearance that sees
    every source reads the main store (key ``main``). ``built`` is told of each clearance with
    how long its view took to build (None: it existed already).
    """
    main_path = Path(main_path)
    out: list[tuple[str, Path, list[str]]] = []
    with open_store(main_path) as main:
        groups: dict[str, tuple[Clearance, list[str]]] = {}
        for user in identity.list_users(main):
            if user["locked_at"] is not None:
                continue
            principal = identity.principal_for(main, user["username"])
            if not principal.can("read"):
                continue
            c = clearance(main, principal, today)
            key = "main" if c.everything else c.key
            groups.setdefault(key, (c, []))[1].append(user["username"])
        for key, (c, users) in sorted(groups.items()):
            path = main_path if key == "main" else view_path(main_path, key)
            seconds = None
            if not path.exists():
                t0 = time.perf_counter()
                build_view(main, path, c.source_ids)
                seconds = time.perf_counter() - t0
            if built:
                built(key, path, users, seconds)
            out.append((key, path, users))
    return out
