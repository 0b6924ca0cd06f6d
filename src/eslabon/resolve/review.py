"""Human review of the uncertain band: pick pairs, record verdicts.

Verdicts are stored with who and when and never edited; the latest verdict of a pair wins. On
the next `eslabon resolve` a `same` verdict is a must-link and `different` a cannot-link
(see ``resolve.cluster``); `unsure` only records that someone looked.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from eslabon.errors import EslabonError
from eslabon.store.connection import Store

VERDICTS = ("same", "different", "unsure")


def uncertain_pairs(
    store: Store, *, low: float = 0.2, high: float | None = None, limit: int = 20
) -> list[dict[str, Any]]:
    """Person pairs the model scored with probability in [low, high), not judged yet, most
    uncertain first (closest to even odds on the log scale). Rule edges (a nickname joined to
    the one named user of its phone) are certain by construction and never queued."""
    if high is None:
        rows = store.query(
            "SELECT threshold FROM linkage_models WHERE kind = 'Person' "
            "ORDER BY trained_at DESC LIMIT 1"
        )
        high = float(rows[0][0]) + 0.04 if rows else 0.99
    return store.query_dicts(
        """
        SELECT e.mention_l, e.mention_r, e.match_probability, e.match_weight,
               el.entity_id AS entity_l, er.entity_id AS entity_r
        FROM match_edges e
        LEFT JOIN entity_mentions el ON el.mention_id = e.mention_l
        LEFT JOIN entity_mentions er ON er.mention_id = e.mention_r
        WHERE e.kind = 'Person' AND e.method = 'splink'
          AND e.match_probability >= ? AND e.match_probability < ?
          AND NOT EXISTS (SELECT 1 FROM review_judgements j
                          WHERE j.mention_l = e.mention_l AND j.mention_r = e.mention_r)
        ORDER BY abs(coalesce(e.match_weight, 0)), e.mention_l, e.mention_r
        LIMIT ?
        """,
        [low, high, limit],
    )


def mention_record(store: Store, mention_id: str) -> dict[str, Any]:
    """A mention's normalised properties plus where it comes from, for side-by-side display."""
    rows = store.query_dicts(
        "SELECT m.mention_id, s.name AS source, m.row_num, m.caption, m.props "
        "FROM mentions m JOIN sources s ON s.source_id = m.source_id WHERE m.mention_id = ?",
        [mention_id],
    )
    if not rows:
        raise EslabonError(f"no mention {mention_id!r}")
    rec = rows[0]
    rec["props"] = json.loads(rec["props"]) if isinstance(rec["props"], str) else rec["props"]
    return rec


def record_judgement(
    store: Store, a: str, b: str, verdict: str, user: str, note: str | None = None
) -> None:
    """Store one verdict on the pair (a, b) (order does not matter)."""
    if verdict not in VERDICTS:
        raise EslabonError(f"verdict must be one of {', '.join(VERDICTS)}, got {verdict!r}")
    for m in (a, b):
        if not store.query("SELECT 1 FROM mentions WHERE mention_id = ?", [m]):
            raise EslabonError(f"no mention {m!r}", hint="judgements are made on mention ids")
    left, right = sorted((a, b))
    with store.transaction():
        store.execute(
            "INSERT INTO review_judgements VALUES (?, ?, ?, ?, ?, ?)",
            [left, right, verdict, user, datetime.now(UTC).replace(tzinfo=None), note],
        )
