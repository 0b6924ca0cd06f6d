"""Who is asking, what they may see, and the record of it: the web workspace's access seam.

Every request passes ``Gate.visit`` (a FastAPI dependency on every route but the log-on page):
it finds the session (cookie or ``Authorization: Bearer``), the user's permissions, and the
**view** of the workspace their clearance allows (docs/access.md) — a ``Workspace`` per view
file, so answers cached for one clearance are never served to another. While the workspace has
no accounts (setup mode) the local operator sees the main store. The audit middleware appends
one entry per request (who, what, which entities and statements, outcome) and answers only once
it is committed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eslabon.access.principal import Principal
from eslabon.errors import EslabonError
from eslabon.web.workspace import Workspace

SESSION_COOKIE = "eslabon_session"
# A session's principal is re-read from the store at most this often (and on every write).
RECHECK_S = 30.0
# Entities and statements kept per audit entry; the entry says how many there were in all.
AUDIT_CAP = 1000


class LoginRequired(Exception):
    """No valid session: pages send the reader to the log-on page, the API answers 401."""


class Denied(Exception):
    """The user's role does not allow this: 403, and an audit entry saying so."""


@dataclass
class Visit:
    """One request's principal, view and what it showed (for the audit entry)."""

    principal: Principal
    entry: Any = None  # the view's ViewEntry (set by the app)
    entities: list[str] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)

    def note(
        self, entities: Any = (), statements: Any = (), **detail: Any
    ) -> None:  # fmt: skip
        """Record what the answer shows; kept to ``AUDIT_CAP`` ids, with totals."""
        for bucket, new in ((self.entities, entities), (self.statements, statements)):
            for x in new:
                if x is None:
                    continue
                if len(bucket) < AUDIT_CAP:
                    bucket.append(str(x))
                else:
                    key = "more_entities" if bucket is self.entities else "more_statements"
                    self.detail[key] = self.detail.get(key, 0) + 1
        self.detail.update(detail)


CURRENT: ContextVar[Visit] = ContextVar("eslabon_visit")


def note(entities: Any = (), statements: Any = (), **detail: Any) -> None:
    """Record, on the current request's visit, what it shows."""
    visit = CURRENT.get(None)
    if visit is not None:
        visit.note(entities, statements, **detail)


class Sessions:
    """Tokens to principals, re-checked against the store every ``RECHECK_S`` seconds (so a
    locked account or an idle session ends within that time without a write per request)."""

    def __init__(self, main: Workspace) -> None:
        self.main = main
        self._lock = threading.Lock()
        self._known: dict[str, tuple[Principal, float]] = {}

    def principal(self, token: str) -> Principal | None:
        from eslabon.access.identity import SessionExpired, session_principal

        now = time.monotonic()
        with self._lock:
            hit = self._known.get(token)
        if hit is not None and now - hit[1] < RECHECK_S:
            return hit[0]
        try:
            with self.main.writer(invalidate=False) as st:
                p = session_principal(st, token)
        except (SessionExpired, EslabonError):
            with self._lock:
                self._known.pop(token, None)
            return None
        with self._lock:
            self._known[token] = (p, now)
        return p

    def known(self, token: str) -> Principal | None:
        """The principal of ``token`` if it was checked within ``RECHECK_S`` (no store access)."""
        with self._lock:
            hit = self._known.get(token)
        if hit is not None and time.monotonic() - hit[1] < RECHECK_S:
            return hit[0]
        return None

    def forget(self, token: str) -> None:
        with self._lock:
            self._known.pop(token, None)

    def forget_all(self) -> None:
        with self._lock:
            self._known.clear()


@dataclass
class ViewEntry:
    """A view file's workspace and what the app keeps per view (explanations)."""

    ws: Workspace
    extras: dict[str, Any] = field(default_factory=dict)


class Views:
    """The view each clearance reads, opened once and kept while the server runs."""

    def __init__(
        self, main: Workspace, make: Callable[[Workspace], ViewEntry], *, idle_release: float
    ) -> None:
        self.main = main
        self.make = make
        self.idle_release = idle_release
        self._lock = threading.Lock()
        self._build = threading.Lock()
        self._entries: dict[Path, ViewEntry] = {}

    def entry(self, principal: Principal) -> ViewEntry:
        path = self.main.memo(("view-of", principal), lambda: self._path(principal))
        with self._lock:
            hit = self._entries.get(path)
            if hit is not None:
                return hit
        if path == self.main.path:
            ws = self.main
        else:
            ws = Workspace(path, idle_release=self.idle_release)
        made = self.make(ws)
        with self._lock:
            return self._entries.setdefault(path, made)

    def known(self, principal: Principal) -> ViewEntry | None:
        """The principal's view if it is open already (no store access), else None."""
        path = self.main.peek(("view-of", principal))
        if path is None:
            return None
        with self._lock:
            return self._entries.get(path)

    def _path(self, principal: Principal) -> Path:
        from eslabon.access.views import ensure_view

        with self._build, self.main.writer(invalidate=False) as st:
            return Path(ensure_view(st, self.main.path, principal))

    def all(self) -> Iterator[ViewEntry]:
        with self._lock:
            yield from list(self._entries.values())

    def close(self) -> None:
        for e in self.all():
            if e.ws is not self.main:
                e.ws.close()


# Route prefixes -> audit action names (the first match wins).
ACTIONS: tuple[tuple[str, str], ...] = (
    ("/api/entities/", "entity"),
    ("/entities/", "entity"),
    ("/api/search", "search"),
    ("/search", "search"),
    ("/api/trace", "trace"),
    ("/trace", "trace"),
    ("/api/graph", "network"),
    ("/api/networks", "network"),
    ("/network", "network"),
    ("/api/targets", "targets"),
    ("/targets", "targets"),
    ("/api/review/decisions", "review.decision"),
    ("/api/review", "review"),
    ("/review", "review"),
    ("/api/explain", "explain"),
    ("/explain", "explain"),
    ("/api/ingest", "ingest"),
    ("/sources/ingest", "ingest"),
    ("/api/sources", "sources"),
    ("/sources", "sources"),
    ("/api/jobs", "job"),
    ("/api/releases", "release"),
    ("/releases", "release"),
    ("/api/audit", "audit.read"),
    ("/audit", "audit.read"),
    ("/logout", "logout"),
    ("/api/logout", "logout"),
)
# Never audited: static files and the health probe. The log-on routes audit themselves.
UNAUDITED = ("/static/", "/vendor/", "/healthz", "/favicon.ico", "/login", "/api/login")
SECRET_PARAMS = {"password", "code", "totp", "token", "secret"}


def action_of(method: str, path: str) -> str:
    if path.startswith("/api/entities/") and path.endswith("/case"):
        return "case"
    for prefix, action in ACTIONS:
        if path.startswith(prefix):
            return action
    return f"{method.lower()}:{path}"


def outcome_of(status: int) -> str:
    if status in (401, 403):
        return "denied"
    if status == 404:
        return "not_found"
    if status >= 500:
        return "failed"
    if status >= 400:
        return "refused"
    return "ok"


def safe_query(params: Any) -> dict[str, Any]:
    """Query parameters for the audit entry, without anything secret."""
    out: dict[str, Any] = {}
    for k, v in params.multi_items():
        if k.lower() in SECRET_PARAMS:
            continue
        out.setdefault(k, []).append(v[:200])
    return {k: v[0] if len(v) == 1 else v for k, v in out.items()}
