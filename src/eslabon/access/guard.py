"""Every command's entrance and exit: the permission check, the principal's view of the data,
and one audit entry in the main store saying who saw what, with a signed checkpoint after it.

The CLI and the Python API both go through here (docs/access.md): a read runs on the read-only
Store that ``seam.open_for`` gives, a write on the main store; either way the audit entry is
appended to the main store when the command ends — ``ok``, ``failed`` or ``denied``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from eslabon.access import audit, seam
from eslabon.access.principal import Principal
from eslabon.errors import EslabonError
from eslabon.store.connection import Store, open_store, upgrade_if_needed

# The most ids one audit entry lists for a bulk read (an export): the total is kept beside them.
ID_CAP = 1000


@dataclass
class Shown:
    """What a command showed or touched: the audit entry's entities, statements and detail."""

    entities: list[str] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)
    outcome: str = "ok"

    def note(
        self, entities: Iterable[str] = (), statements: Iterable[Any] = (), **detail: Any
    ) -> None:
        """Add entity ids, statements (``'<source_id>/<row_num>'`` or (source_id, row) pairs)
        and detail (route, parameters, counts — never a secret)."""
        seen = set(self.entities)
        self.entities += [e for e in dict.fromkeys(map(str, entities)) if e not in seen]
        have = set(self.statements)
        for s in statements:
            text = s if isinstance(s, str) else f"{s[0]}/{s[1]}"
            if text not in have:
                have.add(text)
                self.statements.append(text)
        self.detail.update(detail)


def capped(ids: Iterable[str], cap: int = ID_CAP) -> tuple[list[str], int]:
    """At most ``cap`` ids for the log, and how many there were."""
    items = list(ids)
    return items[:cap], len(items)


def trace_shown(result: dict[str, Any]) -> dict[str, Any]:
    """What a trace shows, for the audit log: the seed, every actor and associate shown, and
    every cited row."""
    shown = [*result["actors"], *result.get("associates", [])]
    rows = {
        (ev["source_id"], ev["row"])
        for a in shown
        for step in a["path"]
        for ev in step["evidence"]
        if ev.get("source_id") is not None
    }
    return {
        "entities": [result["seed"]["entity_id"], *(a["entity_id"] for a in shown)],
        "statements": [f"{source}/{row}" for source, row in sorted(rows)],
    }


def disrupt_shown(report: dict[str, Any]) -> dict[str, Any]:
    """What a ranking shows, for the audit log: ranked and held actors, in order."""
    return {
        "entities": [t["entity_id"] for t in report["targets"]]
        + [h["entity_id"] for h in report["held_for_review"]],
        "networks": [n["network_id"] for n in report["networks"]],
    }


class Reading:
    """A read in progress: the principal's view (read-only) and what it showed.

    Unpacks as ``(store, principal, note)``. ``main_read()`` gives the main store read-only for
    access bookkeeping (labels, release requests) — never for data; ``main()`` ends the read of
    the view and opens the main store for writing (release requests, the audit entry)."""

    def __init__(
        self,
        main_path: Path,
        principal: Principal,
        view: Store,
        shown: Shown,
        remote: str | None = None,
    ) -> None:
        self.main_path = main_path
        self.principal = principal
        self.remote = remote
        self.store: Store | None = view
        self.shown = shown
        self.note = shown.note
        self._main_ro: Store | None = None
        self._main: Store | None = None

    def __iter__(self) -> Iterator[Any]:
        return iter((self.store, self.principal, self.note))

    @property
    def reads_main(self) -> bool:
        """The principal is cleared for every source: the view is the main store itself."""
        return self.store is not None and _same(self.store.path, self.main_path)

    def require(self, permission: str) -> None:
        """Refuse, and log as denied, what the principal's role does not allow."""
        if not self.principal.can(permission):
            self.shown.outcome = "denied"
            self.principal.require(permission)

    def writable_data(self) -> Store:
        """For a principal who reads the main store itself and a step that needs Splink's
        scratch catalog (scoring a merge nobody stored): the main store opened for writing.
        A principal with a view keeps the read-only view (that step then says it is unavailable).
        """
        if self.store is None or not self.reads_main or not self.store.read_only:
            assert self.store is not None
            return self.store
        self._close_main_read()
        self.store.close()
        self.store = open_store(self.main_path)
        self._main = self.store
        return self.store

    def main_read(self) -> Store:
        """The main store for access bookkeeping while the view is open."""
        if self._main is not None:
            return self._main
        if self.reads_main and self.store is not None:
            return self.store
        if self._main_ro is None:
            self._main_ro = open_store(self.main_path, read_only=True)
        return self._main_ro

    def main(self) -> Store:
        """Close the view and return the main store, writable."""
        if self._main is None:
            self.close_view()
            self._main = open_store(self.main_path)
        return self._main

    def _close_main_read(self) -> None:
        if self._main_ro is not None:
            self._main_ro.close()
            self._main_ro = None

    def close_view(self) -> None:
        self._close_main_read()
        if self.store is not None and self.store is not self._main:
            self.store.close()
        self.store = None

    def close(self) -> None:
        self.close_view()
        if self._main is not None:
            self._main.close()
            self._main = None


def _same(a: Path, b: Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return Path(a) == Path(b)


def _record(
    main: Store, principal: Principal, action: str, shown: Shown, remote: str | None
) -> None:
    audit.record(
        main,
        principal,
        action,
        shown.outcome,
        entities=shown.entities,
        statements=shown.statements,
        detail=shown.detail,
        remote=remote,
    )
    audit.checkpoint_if_due(main, force=True)


def _deny(
    main_path: Path,
    principal: Principal,
    permissions: Iterable[str],
    action: str,
    remote: str | None,
    detail: dict[str, Any],
) -> None:
    """Refuse a permission the role lacks; the refusal is logged before the error is raised."""
    for permission in permissions:
        if principal.can(permission):
            continue
        try:
            principal.require(permission)
        except EslabonError as err:
            shown = Shown(detail=detail | {"refused": permission, "error": err.message})
            shown.outcome = "denied"
            with open_store(main_path) as main:
                _record(main, principal, action, shown, remote)
            raise


def _failed(shown: Shown, err: BaseException) -> None:
    if shown.outcome == "ok":
        shown.outcome = "failed"
    if isinstance(err, EslabonError):
        shown.detail.setdefault("error", err.message)
    elif isinstance(err, KeyboardInterrupt):
        shown.detail.setdefault("error", "interrupted")
    else:
        shown.detail.setdefault("error", type(err).__name__)


@contextlib.contextmanager
def reading(
    main_path: Path | str,
    principal: Principal,
    action: str,
    *,
    remote: str | None = None,
    require: Iterable[str] = ("read",),
    detail: dict[str, Any] | None = None,
    today: date | None = None,
) -> Iterator[Reading]:
    """A read command: the principal's view, then one audit entry in the main store."""
    main_path = Path(main_path)
    if not main_path.exists():  # a read never creates a workspace
        raise EslabonError(
            "no workspace here yet", file=str(main_path), hint="run `eslabon ingest` first"
        )
    upgrade_if_needed(main_path)
    shown = Shown(detail=dict(detail or {}))
    _deny(main_path, principal, require, action, remote, shown.detail)
    view = seam.open_for(main_path, principal, today=today)
    r = Reading(main_path, principal, view, shown, remote)
    try:
        yield r
    except BaseException as err:
        _failed(shown, err)
        try:
            _record(r.main(), principal, action, shown, remote)
        finally:
            r.close()
        raise
    try:
        _record(r.main(), principal, action, shown, remote)
    finally:
        r.close()


@contextlib.contextmanager
def acting(
    main_path: Path | str,
    principal: Principal,
    permission: str,
    action: str,
    *,
    remote: str | None = None,
    detail: dict[str, Any] | None = None,
) -> Iterator[tuple[Store, Principal, Any]]:
    """A command that writes the main store: yields ``(store, principal, note)``; the audit
    entry goes into the same store when it ends."""
    main_path = Path(main_path)
    shown = Shown(detail=dict(detail or {}))
    if main_path.exists():
        _deny(main_path, principal, (permission,), action, remote, shown.detail)
    else:
        principal.require(permission)  # a new workspace has no log yet to refuse into
    st = open_store(main_path)
    try:
        try:
            yield st, principal, shown.note
        except BaseException as err:
            _failed(shown, err)
            _record(st, principal, action, shown, remote)
            raise
        _record(st, principal, action, shown, remote)
    finally:
        st.close()
