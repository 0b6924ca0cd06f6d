"""Burner phones: propose "same user" links between phones used one after the other.

Smugglers drop a prepaid phone and start another, but keep calling the same people (domain.md
§3). Two phones are proposed as one user's when their active spans do not overlap, the second
starts soon after the first ends, and they share contacts — contacts counted as the *people*
behind the other phones where known, so a contact who also swapped burners still counts.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from eslabon.disjoint_sets import find
from eslabon.store.connection import Store


@dataclass(frozen=True)
class BurnerConfig:
    """Thresholds for a proposal."""

    max_gap_days: float = 60.0  # the next phone starts within this of the previous one's end
    gap_scale_days: float = 30.0  # a longer silence between the phones weakens the proposal
    overlap_days: float = 1.0  # spans may touch by this much (a day of double use)
    min_shared: int = 4  # shared contacts
    min_active_days: float = 3.0  # each phone in use over at least this span
    min_score: float = 0.15
    max_contact_degree: int = 60  # a contact of more phones than this says nothing (a call centre)


@dataclass(frozen=True)
class BurnerLink:
    phone_a: str
    phone_b: str
    score: float
    shared_contacts: int
    gap_days: float
    reasons: tuple[str, ...]
    user_entity: str | None = None


def _phone_activity(store: Store) -> tuple[dict[str, tuple[float, float]], dict[str, set[str]]]:
    """Per phone: (first, last) call day, and the other phones it called or was called by."""
    rows = store.query(
        """
        WITH calls AS (
            SELECT subject_entity AS phone, object_entity AS other, start_at AS t
            FROM net_edges WHERE kind = 'Call' AND object_entity IS NOT NULL
            UNION ALL
            SELECT object_entity, subject_entity, start_at
            FROM net_edges WHERE kind = 'Call' AND object_entity IS NOT NULL
        )
        SELECT phone, epoch(min(t)) / 86400.0, epoch(max(t)) / 86400.0, list(DISTINCT other)
        FROM calls WHERE t IS NOT NULL GROUP BY phone
        """
    )
    spans = {r[0]: (float(r[1]), float(r[2])) for r in rows}
    contacts = {r[0]: set(r[3]) for r in rows}
    return spans, contacts


class _Chains:
    """Union-find over phones: one set per presumed user, with at most one recorded user."""

    def __init__(self, users: dict[str, set[str]]) -> None:
        self.parent: dict[str, str] = {}
        self.user: dict[str, str | None] = {}
        self.users = users

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        return find(self.parent, x)

    def recorded(self, x: str) -> set[str]:
        root = self.find(x)
        if root not in self.user:
            own = self.users.get(x, set())
            self.user[root] = next(iter(own)) if len(own) == 1 else None
        u = self.user[root]
        return {u} if u else set()

    def rep(self, x: str) -> str:
        """What a contact on phone ``x`` is: its recorded user, else its chain."""
        u = self.recorded(x)
        return next(iter(u)) if u else "chain:" + self.find(x)

    def union(self, a: str, b: str) -> bool:
        ua, ub = self.recorded(a), self.recorded(b)
        if ua and ub and ua != ub:
            return False
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self.parent[rb] = ra
        self.user[ra] = next(iter(ua | ub)) if (ua | ub) else None
        return True


def propose_burners(
    store: Store, config: BurnerConfig | None = None, *, rounds: int = 3
) -> list[BurnerLink]:
    """Chain phones used one after the other by one person; best proposals first.

    Contacts are compared as *users*: a recorded user where known, else the burner chain found so
    far — so the rounds repeat, and two crews who both swap phones are still recognised.
    """
    config = config or BurnerConfig()
    spans, raw_contacts = _phone_activity(store)
    users: dict[str, set[str]] = defaultdict(set)
    for phone, person in store.query(
        "SELECT phone_entity, person_entity FROM phone_users WHERE basis = 'record'"
    ):
        users[phone].add(person)
    chains = _Chains(users)
    succ: dict[str, str] = {}
    pred: dict[str, str] = {}
    accepted: dict[tuple[str, str], BurnerLink] = {}
    for _ in range(rounds):
        contacts = {
            p: {chains.rep(o) for o in cs} - {chains.rep(p)} for p, cs in raw_contacts.items()
        }
        by_contact: dict[str, list[str]] = defaultdict(list)
        for phone, cs in contacts.items():
            for c in cs:
                by_contact[c].append(phone)
        shared: dict[tuple[str, str], int] = defaultdict(int)
        for phones in by_contact.values():
            if len(phones) > config.max_contact_degree:
                continue
            for a, b in combinations(sorted(phones), 2):
                shared[(a, b)] += 1
        candidates: list[BurnerLink] = []
        for (a, b), n in shared.items():
            if n < config.min_shared:
                continue
            (a, sa), (b, sb) = sorted(((a, spans[a]), (b, spans[b])), key=lambda x: (x[1][0], x[0]))
            if min(sa[1] - sa[0], sb[1] - sb[0]) < config.min_active_days:
                continue  # a phone seen in one burst only: two crew members look alike there
            gap = sb[0] - sa[1]
            if gap < -config.overlap_days or gap > config.max_gap_days:
                continue
            ua, ub = users.get(a, set()), users.get(b, set())
            if ua and ub and ua.isdisjoint(ub):
                continue  # registered to two different people
            cosine = n / math.sqrt(len(contacts[a]) * len(contacts[b]))
            timing = math.exp(-max(0.0, gap) / config.gap_scale_days)
            score = round(cosine * timing, 4)
            if score < config.min_score:
                continue
            reasons = [
                f"{n} shared contacts (cosine {cosine:.2f} of the two contact lists)",
                f"starts {gap:.0f} days after the first phone's last call"
                if gap >= 0
                else f"overlaps the first phone by {-gap:.1f} days",
            ]
            candidates.append(BurnerLink(a, b, score, n, round(gap, 2), tuple(reasons)))
        # Mutual best match: A's best successor must have A as its best predecessor, so two
        # crew members who both call the boss one after the other are not taken for one person.
        best_next: dict[str, BurnerLink] = {}
        best_prev: dict[str, BurnerLink] = {}
        for link in candidates:
            if link.phone_a in succ or link.phone_b in pred:
                continue
            key = (link.score, link.shared_contacts)
            cur = best_next.get(link.phone_a)
            if cur is None or key > (cur.score, cur.shared_contacts):
                best_next[link.phone_a] = link
            cur = best_prev.get(link.phone_b)
            if cur is None or key > (cur.score, cur.shared_contacts):
                best_prev[link.phone_b] = link
        candidates = [link for link in best_next.values() if best_prev.get(link.phone_b) is link]
        candidates.sort(key=lambda x: (-x.score, x.phone_a, x.phone_b))
        grew = False
        for link in candidates:
            a, b = link.phone_a, link.phone_b
            if (a, b) in accepted or a in succ or b in pred:
                continue
            if not chains.union(a, b):
                continue
            succ[a], pred[b] = b, a
            accepted[(a, b)] = link
            grew = True
        if not grew:
            break
    out = []
    for link in accepted.values():
        user = chains.recorded(link.phone_a)
        out.append(
            BurnerLink(
                link.phone_a,
                link.phone_b,
                link.score,
                link.shared_contacts,
                link.gap_days,
                link.reasons,
                next(iter(user)) if user else None,
            )
        )
    out.sort(key=lambda x: (-x.score, x.phone_a, x.phone_b))
    return out


def attribute_burners(store: Store, links: list[BurnerLink]) -> int:
    """Record inferred users for unregistered phones in a chain with one recorded user."""
    known = {p for (p,) in store.query("SELECT DISTINCT phone_entity FROM phone_users")}
    rows = []
    for link in links:
        if link.user_entity is None:
            continue
        for phone in (link.phone_a, link.phone_b):
            if phone not in known:
                known.add(phone)
                rows.append((phone, link.user_entity))
    for phone, user in rows:
        store.execute(
            """
            INSERT INTO phone_users
            SELECT ?, ?, min(start_at), max(start_at), [], 'burner' FROM net_edges
            WHERE kind = 'Call' AND (subject_entity = ? OR object_entity = ?)
            """,
            [phone, user, phone, phone],
        )
    return len(rows)


def store_burners(store: Store, links: list[BurnerLink]) -> None:
    """Rewrite burner_links."""
    import json

    store.execute("DELETE FROM burner_links")
    if links:
        store.connection.executemany(
            "INSERT INTO burner_links VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    x.phone_a,
                    x.phone_b,
                    x.score,
                    x.shared_contacts,
                    x.gap_days,
                    x.user_entity,
                    json.dumps(list(x.reasons)),
                )
                for x in links
            ],
        )
