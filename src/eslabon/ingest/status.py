"""What the store holds: per-source counts and mention counts by kind, and the quarantine."""

from __future__ import annotations

from typing import Any

from eslabon.store import Store


def status(store: Store, *, all_versions: bool = False) -> dict[str, Any]:
    """Per-source and total row counts, and entity-mention counts by kind."""
    where = "" if all_versions else "WHERE s.superseded_by IS NULL"
    sources = store.query_dicts(
        f"""
        SELECT s.source_id, s.name, s.version, s.path, s.sha256, s.format, s.country,
               s.rows_read, s.rows_loaded, s.rows_quarantined,
               CAST(s.loaded_at AS VARCHAR) AS loaded_at, s.superseded_by
        FROM sources s {where} ORDER BY s.name, s.version
        """
    )
    kinds = store.query(
        f"""
        SELECT m.source_id, m.kind, count(*) FROM mentions m
        JOIN sources s USING (source_id) {where}
        GROUP BY ALL ORDER BY ALL
        """
    )
    by_source: dict[str, dict[str, int]] = {}
    totals_by_kind: dict[str, int] = {}
    for source_id, kind, n in kinds:
        by_source.setdefault(source_id, {})[kind] = n
        totals_by_kind[kind] = totals_by_kind.get(kind, 0) + n
    for s in sources:
        s["mentions"] = by_source.get(s["source_id"], {})
    totals = {
        k: sum(s[k] for s in sources) for k in ("rows_read", "rows_loaded", "rows_quarantined")
    }
    totals["mentions"] = totals_by_kind
    totals["links"] = int(
        store.query_one(f"SELECT count(*) FROM links l JOIN sources s USING (source_id) {where}")[0]
    )
    return {"sources": sources, "totals": totals}


def quarantine(store: Store, source: str | None = None, limit: int | None = None) -> list[dict]:
    """Refused rows with their reasons, newest source versions first."""
    params: list[Any] = []
    cond = ""
    if source:
        cond = "WHERE s.name = ? OR s.source_id = ?"
        params = [source, source]
    lim = f"LIMIT {int(limit)}" if limit else ""
    return store.query_dicts(
        f"""
        SELECT s.name AS source, q.source_id, q.row_num, q.line, q.field, q.reason, q.raw
        FROM quarantine q JOIN sources s USING (source_id) {cond}
        ORDER BY s.name, q.source_id, q.row_num {lim}
        """,
        params,
    )
