"""Originator control: a file that carries another agency's ORCON statements needs its approval.

A case file or an export drawing on an originator-controlled (ORCON) source of another agency is
not written; a release request goes to the originator instead (`release_requests`). Users of the
originator agency with `decide_release` approve or refuse it; once approved, the same requester
can write that file. Every request and decision is audited (docs/access.md).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eslabon.access import audit
from eslabon.access.labels import labels_by_source
from eslabon.access.principal import Principal
from eslabon.errors import EslabonError
from eslabon.store.connection import Store

if TYPE_CHECKING:
    from eslabon.access.guard import Reading

STATUSES = ("pending", "approved", "refused")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _source_names(store: Store, source_ids: Iterable[str]) -> dict[str, str]:
    """source_id -> source name (every version of a source carries the same label)."""
    ids = sorted(set(source_ids))
    rows = store.query(
        "SELECT source_id, name FROM sources WHERE list_contains(?, source_id)", [ids]
    )
    names = dict(rows)
    return {sid: names.get(sid, sid.rsplit("@", 1)[0]) for sid in ids}


def orcon_sources(
    store: Store, principal: Principal, source_ids: Iterable[str]
) -> dict[str, list[str]]:
    """Originator agency -> its ORCON source names among ``source_ids`` that ``principal`` may
    not release on their own (the principal's own agency's sources never need a request)."""
    if principal.setup:
        return {}
    labels = labels_by_source(store)
    names = _source_names(store, source_ids)
    out: dict[str, set[str]] = {}
    for sid, name in names.items():
        label = labels.get(sid)
        if label is None or not label.orcon:
            continue
        for agency in label.originator:
            if agency != principal.agency:
                out.setdefault(agency, set()).add(name)
    return {agency: sorted(srcs) for agency, srcs in sorted(out.items())}


def _rows(store: Store, where: str, params: list[Any]) -> list[dict[str, Any]]:
    rows = store.query_dicts(
        "SELECT request_id, requester, requester_agency, originator, CAST(sources AS VARCHAR) "
        "AS sources, subject, purpose, status, requested_at, decided_by, decided_at, reason "
        f"FROM release_requests WHERE {where} ORDER BY requested_at, request_id",
        params,
    )
    for r in rows:
        r["sources"] = json.loads(r["sources"])
    return rows


def _mine(
    store: Store, principal: Principal, subject: str, originator: str, sources: Iterable[str]
) -> list[dict[str, Any]]:
    """The principal's requests for ``subject`` to ``originator`` covering every source."""
    need = set(sources)
    return [
        r
        for r in _rows(
            store,
            "requester = ? AND subject = ? AND originator = ?",
            [principal.username, subject, originator],
        )
        if need <= set(r["sources"])
    ]


def approved(
    main: Store, principal: Principal, subject: str, sources: Mapping[str, Iterable[str]]
) -> bool:
    """Every originator in ``sources`` (agency -> source names) approved a request of
    ``principal`` for ``subject`` that covers its sources."""
    return all(
        any(r["status"] == "approved" for r in _mine(main, principal, subject, agency, names))
        for agency, names in sources.items()
    )


def refused(
    main: Store,
    principal: Principal,
    subject: str,
    sources: Mapping[str, Iterable[str]],
    purpose: str | None = None,
) -> list[dict[str, Any]]:
    """Refusals that stand: the latest request per originator (same purpose) was refused and
    nothing was approved since. A refusal is not asked again by running the command again."""
    out = []
    for agency, names in sources.items():
        mine = [
            r for r in _mine(main, principal, subject, agency, names) if r["purpose"] == purpose
        ]
        if mine and mine[-1]["status"] == "refused":
            out.append(mine[-1])
    return out


def request_release(
    main: Store,
    principal: Principal,
    subject: str,
    sources_by_originator: Mapping[str, Iterable[str]],
    purpose: str | None = None,
    *,
    remote: str | None = None,
) -> list[str]:
    """One request per originator (reusing the principal's pending or approved request for the
    same subject and sources); returns their ids. New requests are audited."""
    ids: list[str] = []
    with main.transaction():
        for agency, names in sorted(sources_by_originator.items()):
            srcs = sorted(set(names))
            reuse = [
                r
                for r in _mine(main, principal, subject, agency, srcs)
                if r["status"] in ("pending", "approved")
            ]
            if reuse:
                ids.append(reuse[-1]["request_id"])
                continue
            last = main.query_one(
                "SELECT max(CAST(substr(request_id, 5) AS BIGINT)) FROM release_requests "
                "WHERE request_id LIKE 'REL-%'"
            )
            request_id = f"REL-{int((last[0] if last else None) or 0) + 1:04d}"
            main.execute(
                "INSERT INTO release_requests (request_id, requester, requester_agency, "
                "originator, sources, subject, purpose, status, requested_at) "
                "VALUES (?, ?, ?, ?, CAST(? AS JSON), ?, ?, 'pending', ?)",
                [
                    request_id,
                    principal.username,
                    principal.agency or "",
                    agency,
                    json.dumps(srcs),
                    subject,
                    purpose,
                    _now(),
                ],
            )
            audit.record(
                main,
                principal,
                "release.request",
                "ok",
                detail={
                    "request_id": request_id,
                    "originator": agency,
                    "sources": srcs,
                    "subject": subject,
                    "purpose": purpose,
                },
                remote=remote,
            )
            ids.append(request_id)
    return ids


def get_request(main: Store, request_id: str) -> dict[str, Any]:
    found = _rows(main, "request_id = ?", [request_id])
    if not found:
        raise EslabonError(
            f"no release request {request_id!r}",
            hint="`eslabon releases list` shows your requests and those awaiting your agency",
        )
    return found[0]


def requests(main: Store, request_ids: Iterable[str]) -> list[dict[str, Any]]:
    """The rows of ``request_ids``, in request order."""
    return _rows(main, "list_contains(?, request_id)", [sorted(set(request_ids))])


def decide(
    main: Store,
    principal: Principal,
    request_id: str,
    approve: bool,
    reason: str | None = None,
    *,
    remote: str | None = None,
) -> dict[str, Any]:
    """Approve or refuse a pending request. Only a user of the originator agency holding
    `decide_release` may; a refused attempt is audited as denied. Returns the decided row."""
    action = "release.approve" if approve else "release.refuse"
    row = get_request(main, request_id)
    detail = {"request_id": request_id, "subject": row["subject"], "originator": row["originator"],
              "requester": row["requester"], "reason": reason}  # fmt: skip
    problem: EslabonError | None = None
    if not principal.can("decide_release"):
        problem = EslabonError(
            f"{principal.username} ({principal.role}) may not decide release requests",
            hint="investigators, prosecutors and administrators of the originator agency may",
        )
    elif principal.agency != row["originator"]:
        problem = EslabonError(
            f"request {request_id} awaits {row['originator']}: only that agency may decide it",
            hint=f"you act for {principal.agency or 'no agency (setup mode)'}",
        )
    if problem is None and row["status"] != "pending":
        outcome = "failed"
        problem = EslabonError(
            f"request {request_id} was already {row['status']} by {row['decided_by']}",
            hint="a decision is final; the requester may ask again for another purpose",
        )
    elif problem is None and not approve and not (reason or "").strip():
        outcome = "failed"
        problem = EslabonError("a refusal needs a reason", field="reason", hint="--reason '…'")
    else:
        outcome = "denied"
    if problem is not None:
        audit.record(main, principal, action, outcome, detail=detail | {"why": problem.message},
                     remote=remote)  # fmt: skip
        raise problem
    with main.transaction():
        main.execute(
            "UPDATE release_requests SET status = ?, decided_by = ?, decided_at = ?, reason = ? "
            "WHERE request_id = ? AND status = 'pending'",
            ["approved" if approve else "refused", principal.username, _now(), reason, request_id],
        )
        audit.record(main, principal, action, "ok", detail=detail, remote=remote)
    return get_request(main, request_id)


def list_requests(main: Store, principal: Principal) -> list[dict[str, Any]]:
    """The principal's own requests and those awaiting a decision of their agency."""
    if principal.setup:
        return _rows(main, "TRUE", [])
    if principal.can("decide_release") and principal.agency:
        return _rows(
            main, "requester = ? OR originator = ?", [principal.username, principal.agency]
        )
    return _rows(main, "requester = ?", [principal.username])


def hold_message(what: str, held: list[dict[str, Any]]) -> str:
    """What a person needs to know about a file that was not written: which requests, with
    whom, and what to do next."""
    lines = [f"{what} was not written: it holds originator-controlled statements."]
    for r in held:
        srcs = ", ".join(r["sources"])
        if r["status"] == "refused":
            lines.append(
                f"  {r['request_id']}: {r['originator']} refused the release of {srcs} "
                f"({r['decided_by']}: {r['reason']}). It stays refused."
            )
        elif r["status"] == "pending":
            lines.append(
                f"  {r['request_id']}: release of {srcs} is pending with {r['originator']}. "
                f"An investigator, prosecutor or administrator of {r['originator']} decides it "
                f"(`eslabon releases approve {r['request_id']}`); run this command again once "
                "it is approved."
            )
    return "\n".join(lines)


# --------------------------------------------------------------------------- gated files


@dataclass
class Written:
    """What a gated command wrote, and what it held back for a release decision."""

    paths: list[Path] = field(default_factory=list)
    held: list[dict[str, Any]] = field(default_factory=list)  # {"what", "subject", "requests"}
    counts: dict[str, int] | None = None

    def message(self) -> str:
        return "\n".join(hold_message(h["what"], h["requests"]) for h in self.held)


class ReleaseHeld(EslabonError):
    """Raised by the Python API when a file waits for the originator's approval."""

    def __init__(self, written: Written) -> None:
        super().__init__(
            written.message(),
            hint="`eslabon releases list` shows the requests; approved ones let the same "
            "call write the file",
        )
        self.written = written


def unreleased(
    main: Store, principal: Principal, subject: str, source_ids: Iterable[str]
) -> dict[str, list[str]]:
    """The ORCON sources among ``source_ids`` that still need a release to ``principal`` for
    ``subject``, by originator ({} when none do)."""
    orcon = orcon_sources(main, principal, source_ids)
    if orcon and approved(main, principal, subject, orcon):
        return {}
    return orcon


def hold_requests(
    main: Store,
    principal: Principal,
    subject: str,
    orcon: Mapping[str, Iterable[str]],
    purpose: str | None = None,
    *,
    remote: str | None = None,
) -> list[dict[str, Any]]:
    """The requests a held file waits on: a standing refusal, else the principal's request
    (new, or the pending one reused) to each originator."""
    stood = refused(main, principal, subject, orcon, purpose)
    ids = [x["request_id"] for x in stood] or request_release(
        main, principal, subject, orcon, purpose, remote=remote
    )
    return requests(main, ids)


def _hold(r: Reading, wanted: dict[str, tuple[str, str, dict[str, list[str]]]], purpose: str | None
          ) -> list[dict[str, Any]]:  # fmt: skip
    """Release requests for each held subject; the view is closed first, as requests are
    written to the main store."""
    if not wanted:
        return []
    main = r.main()
    return [
        {"what": what, "subject": subject,
         "requests": hold_requests(main, r.principal, subject, orcon, purpose, remote=r.remote)}
        for what, subject, orcon in wanted.values()
    ]  # fmt: skip


def _needs(r: Reading, subject: str, source_ids: Iterable[str]) -> dict[str, list[str]]:
    """The ORCON sources that still need a release for ``subject`` ({} when none do)."""
    return unreleased(r.main_read(), r.principal, subject, source_ids)


def write_cases(
    r: Reading,
    *,
    entity: str | None = None,
    network: str | None = None,
    langs: tuple[str, ...] = ("en",),
    fmt: str = "html",
    out: Path | None = None,
    top: int = 5,
    purpose: str | None = None,
    progress: Callable[[], None] | None = None,
) -> Written:
    """Case files of one actor or of networks' top targets ('all': every network), built in the
    principal's view and labelled with the combined caveat of what they cite; a file holding
    another agency's ORCON statements is not written until its originator approves."""
    from eslabon.report.case_file import (
        apply_labels,
        build_case,
        build_network_cases,
        write_built_case,
        write_built_network,
    )

    r.require("case")
    st = r.store
    assert st is not None
    if network is None:
        if entity is None:
            raise EslabonError("pass either ENTITY or --network N", hint="eslabon case P-1a2b")
        groups: list[tuple[str | None, list[tuple[dict[str, Any], Any]]]] = [
            (None, [({}, build_case(st, entity))])
        ]
    else:
        nets = (
            [x[0] for x in st.query("SELECT network_id FROM networks ORDER BY 1")]
            if network == "all" and st.table_exists("networks")
            else [network]
        )
        if not nets:
            raise EslabonError("no networks found", hint="run `eslabon network` first")
        groups = [(n, build_network_cases(st, n, top, progress)) for n in nets]
    labels = labels_by_source(r.main_read())
    wanted: dict[str, tuple[str, str, dict[str, list[str]]]] = {}
    for _net, built in groups:
        for _t, case in built:
            apply_labels(case, labels)
            subject = f"case:{case.entity_id}"
            orcon = _needs(r, subject, {p.source_id for p in case.evidence})
            if orcon:
                wanted[case.entity_id] = (f"the case file of {case.entity_id}", subject, orcon)
    written = Written()
    for net, built in groups:
        free = [(t, c) for t, c in built if c.entity_id not in wanted]
        if net is None:
            written.paths += [p for _t, c in free for p in write_built_case(
                c, langs=langs, fmt=fmt, out=out)]  # fmt: skip
        else:
            written.paths += write_built_network(
                net, free, out or Path("cases"), langs=langs, fmt=fmt
            )
        for _t, c in free:
            r.note(entities=[c.entity_id], statements=[p.key for p in c.evidence])
    r.note(files=[str(p) for p in written.paths], langs=list(langs), format=fmt,
           network=network, entity=entity)  # fmt: skip
    written.held = _hold(r, wanted, purpose)
    if written.held:
        r.shown.outcome = "held"
        r.note(held=[{"subject": h["subject"],
                      "requests": [x["request_id"] for x in h["requests"]]} for h in written.held])  # fmt: skip
    return written


def export_sources(store: Store, data: Any, *, whole: bool) -> list[str]:
    """Source versions an export draws on: its links' rows and its entities' mentions."""
    ids = set(data.edges["source_id"]) | set(data.events["source_id"])
    if whole:
        rows = store.query(
            "SELECT DISTINCT m.source_id FROM entity_mentions em "
            "JOIN mentions m ON m.mention_id = em.mention_id"
        )
    else:
        rows = store.query(
            "SELECT DISTINCT m.source_id FROM entity_mentions em "
            "JOIN mentions m ON m.mention_id = em.mention_id "
            "WHERE list_contains(?, em.entity_id)",
            [sorted(data.nodes["entity_id"])],
        )
    return sorted(ids | {x[0] for x in rows})


def write_export(
    r: Reading, fmt: str, out: Path, *, network: str | None = None, purpose: str | None = None
) -> Written:
    """Export the principal's view (``exchange.export``), unless it holds another agency's
    ORCON statements without the originator's approval: then nothing is written."""
    from eslabon.access.guard import capped
    from eslabon.exchange.export import FORMATS, export
    from eslabon.exchange.graph import graph_data

    r.require("export")
    st = r.store
    assert st is not None
    if fmt not in FORMATS:
        raise EslabonError(f"format '{fmt}' is not one of {', '.join(FORMATS)}", field="format")
    data = graph_data(st, network)
    sources = export_sources(st, data, whole=network is None)
    ids, total = capped(data.nodes["entity_id"])
    subject = f"export:{fmt}" + (f":{network}" if network else "")
    orcon = _needs(r, subject, sources)
    written = Written()
    r.note(format=fmt, out=str(out), network=network, sources=sources)
    if not orcon:
        written.counts = export(st, fmt, out, network=network)
        written.paths = [out]
        r.note(entities=ids, entities_total=total)
    what = f"the {fmt} export" + (f" of network {network}" if network else "")
    written.held = _hold(r, {subject: (what, subject, orcon)} if orcon else {}, purpose)
    if written.held:
        r.shown.outcome = "held"
        r.note(held=[{"subject": subject,
                      "requests": [x["request_id"] for x in written.held[0]["requests"]]}])  # fmt: skip
    return written
