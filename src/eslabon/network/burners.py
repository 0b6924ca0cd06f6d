"""Burner phones: propose "same user" links between phones used one after the other.

Smugglers drop a prepaid phone and start another but keep calling the same people (domain.md
§3); ordinary people change numbers too. Two phones are proposed as one user's when their active
spans do not overlap and either (1) records name the same user for both, or (2) they share
contacts — counted as the *users* behind the other phones where known (a recorded user, else the
burner chain found so far), each weighted by how few phones call it (a shared employer or a
call centre says little, a shared relative says much) — and the second starts soon after the
first ends, in the same calling area, without the two ever having called each other's user.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import phonenumbers

from eslabon.disjoint_sets import find
from eslabon.normalize.phones import parse_e164
from eslabon.store.connection import Store


@dataclass(frozen=True)
class BurnerConfig:
    """Thresholds for a proposal (set on synthetic development worlds, never on one seed)."""

    max_gap_days: float = 120.0  # the next phone's first call within this of the last one's
    handover_days: float = 8.0  # a gap much shorter than this looks like two people at one event
    overlap_days: float = 1.0  # spans may touch by this much (a day of double use)
    min_shared: int = 2  # shared contact users
    min_evidence: float = 1.5  # Adamic-Adar sum over the shared contacts
    evidence_scale: float = 1.5  # evidence at which the contact strength reaches 1 - 1/e
    min_score: float = 0.3
    score_levels: tuple[float, ...] = (0.9, 0.8, 0.7, 0.6, 0.5, 0.4)  # bars, surest first
    margin: float = 1.5  # the best match must beat the runner-up by this factor
    max_contact_degree: int = 60  # a contact of more users than this says nothing (a call centre)
    recorded_score: float = 0.99  # both phones recorded as one person's


@dataclass(frozen=True)
class BurnerLink:
    phone_a: str
    phone_b: str
    score: float
    shared_contacts: int
    gap_days: float
    reasons: tuple[str, ...]
    user_entity: str | None = None


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


def _calls(store: Store) -> pd.DataFrame:
    """Every call seen from both ends: phone, other phone, day (float days since the epoch)."""
    return store.query_df(
        """
        SELECT subject_entity AS phone, object_entity AS other, epoch(start_at) / 86400.0 AS t
        FROM net_edges WHERE kind = 'Call' AND object_entity IS NOT NULL AND start_at IS NOT NULL
          AND subject_entity <> object_entity
        UNION ALL
        SELECT object_entity, subject_entity, epoch(start_at) / 86400.0
        FROM net_edges WHERE kind = 'Call' AND object_entity IS NOT NULL AND start_at IS NOT NULL
          AND subject_entity <> object_entity
        """
    )


def calling_area(number: str | None) -> str | None:
    """Country code and area code of an E.164 number (``+52 951``), the country alone without one.

    Prepaid lines are bought where their user lives, so a person's burners share an area.
    """
    parsed = parse_e164(number)
    if parsed is None:
        return None
    national = phonenumbers.national_significant_number(parsed)
    # mobile plans without areas (Guatemala, Honduras, El Salvador): the country alone
    length = phonenumbers.length_of_geographical_area_code(parsed)
    return f"+{parsed.country_code} {national[:length]}".strip()


def _areas(store: Store, phones: list[str]) -> dict[str, str | None]:
    """Calling area of each phone entity, from the numbers its mentions recorded."""
    rows = store.query(
        """
        SELECT em.entity_id, mode(m.props->>'number' ORDER BY m.props->>'number')
        FROM entity_mentions em JOIN mentions m ON m.mention_id = em.mention_id
        WHERE em.entity_id IN (SELECT unnest(?)) AND m.kind = 'Phone'
          AND m.props->>'number' IS NOT NULL
        GROUP BY em.entity_id
        """,
        [phones],
    )
    # the area lies in a number's first digits: parse one number per prefix (parsing is slow)
    by_prefix: dict[str, str | None] = {}
    out = {}
    for entity, number in rows:
        key = number[:8]
        if key not in by_prefix:
            by_prefix[key] = calling_area(number)
        out[entity] = by_prefix[key]
    return out


def _recorded_links(
    spans: pd.DataFrame,
    users: dict[str, set[str]],
    contacts: dict[str, set[str]],
    chains: _Chains,
    config: BurnerConfig,
    names: dict[str, str],
) -> list[BurnerLink]:
    """Consecutive phones recorded as one person's only (a subscriber, a seized handset)."""
    by_person: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
    first, last = spans["first"].to_dict(), spans["last"].to_dict()
    for phone, owners in users.items():
        if len(owners) == 1 and phone in first:
            by_person[next(iter(owners))].append((first[phone], last[phone], phone))
    out = []
    for person, phones in by_person.items():
        phones.sort()
        taken: set[str] = set()
        for _first, last, phone in phones:
            nxt = next(
                (
                    (f, p)
                    for f, _l, p in phones
                    if f > last - config.overlap_days and p != phone and p not in taken
                ),
                None,
            )
            if nxt is None:
                continue
            f, other = nxt
            if not chains.union(phone, other):
                continue
            taken.add(other)
            shared = len(contacts.get(phone, set()) & contacts.get(other, set()))
            gap = round(f - last, 2)
            out.append(
                BurnerLink(
                    phone,
                    other,
                    config.recorded_score,
                    shared,
                    gap,
                    (
                        f"both phones recorded as used by {names.get(person) or person} ({person})",
                        f"first call on the second phone {gap:.0f} days after the last on the first",
                        f"{shared} shared contact{'' if shared == 1 else 's'}",
                    ),
                    person,
                )
            )
    return out


def _candidates(
    pairs: pd.DataFrame,
    unit: np.ndarray,
    rep: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    config: BurnerConfig,
) -> pd.DataFrame:
    """Chain pairs (earlier, later) sharing contact users, with their evidence, all at once.

    Phones are integer codes: ``unit[i]`` is phone i's chain (one phone, or phones already
    linked), ``rep[i]`` what a call to it reaches (its recorded user, else its chain). A chain is
    compared on all its contacts, so each link found makes the next easier to see. Pairs come
    from the contacts' side (who else calls this user?), never from all pairs of chains.
    """
    edges = pd.DataFrame(
        {
            "unit": unit[pairs["phone"].to_numpy()],
            "rep": rep[pairs["other"].to_numpy()],
            "own": rep[pairs["phone"].to_numpy()],
        }
    )
    edges = edges[edges["rep"] != edges["own"]].drop_duplicates(["unit", "rep"])
    # how many users reach a contact: its weight falls with that (Adamic-Adar)
    degree = edges.drop_duplicates(["own", "rep"]).groupby("rep").size()
    edges["deg"] = edges["rep"].map(degree).to_numpy()
    edges["w"] = 1.0 / np.log1p(edges["deg"].to_numpy(dtype=float))
    n_contacts = edges.groupby("unit").size()
    span = pd.DataFrame({"unit": unit, "first": first, "last": last}).groupby("unit")
    unit_first, unit_last = span["first"].min(), span["last"].max()
    usable = edges[(edges["deg"] >= 2) & (edges["deg"] <= config.max_contact_degree)]
    usable = usable[["unit", "rep", "own", "w"]]
    cand = usable.merge(usable[["unit", "rep", "own"]], on="rep", suffixes=("_a", "_b"))
    cand = cand[cand["own_a"] != cand["own_b"]]
    gap = cand["unit_b"].map(unit_first).to_numpy() - cand["unit_a"].map(unit_last).to_numpy()
    keep = (gap >= -config.overlap_days) & (gap <= config.max_gap_days)
    cand = cand[keep].assign(gap=gap[keep])
    agg = (
        cand.groupby(["unit_a", "unit_b"], sort=False)
        .agg(
            own_a=("own_a", "first"),
            own_b=("own_b", "first"),
            shared=("rep", "size"),
            evidence=("w", "sum"),
            gap=("gap", "first"),
        )
        .reset_index()
    )
    agg["n_a"] = agg["unit_a"].map(n_contacts).to_numpy()
    agg["n_b"] = agg["unit_b"].map(n_contacts).to_numpy()
    # one called the other's user: two people, not one
    called = pd.MultiIndex.from_arrays([edges["unit"], edges["rep"]])
    agg["called_each_other"] = pd.MultiIndex.from_arrays([agg["unit_a"], agg["own_b"]]).isin(
        called
    ) | pd.MultiIndex.from_arrays([agg["unit_b"], agg["own_a"]]).isin(called)
    return agg


def _contact_link(
    a: str, b: str, row: dict[str, float], areas: dict[str, str | None], config: BurnerConfig
) -> BurnerLink | None:
    """Score one candidate hand-over from phone ``a`` to phone ``b``, with its reasons."""
    area_a, area_b = areas.get(a), areas.get(b)
    if area_a and area_b and area_a != area_b:
        return None  # prepaid lines are bought where their user lives
    gap, evidence, shared = row["gap"], row["evidence"], int(row["shared"])
    strength = 1.0 - math.exp(-evidence / config.evidence_scale)
    # a same-day hand-over is two people at one event more often than one person's swap
    timing = 1.0 - math.exp(-max(0.0, gap) / config.handover_days)
    score = round(strength * timing, 4)
    reasons = (
        f"{shared} shared contacts, weighted by how few others call them: {evidence:.2f}",
        f"first call on the second phone {gap:.0f} days after the last on the first"
        if gap >= 0
        else f"overlaps the first phone by {-gap:.1f} days",
        f"same calling area {area_a}" if area_a and area_b else "calling area unknown",
        f"neither phone's user ever called the other's ({row['n_a']:.0f} and "
        f"{row['n_b']:.0f} contacts)",
    )
    return BurnerLink(a, b, score, shared, round(gap, 2), reasons)


def _clear_mutual_best(candidates: list[BurnerLink], margin: float) -> list[BurnerLink]:
    """Links that are each end's best by ``margin`` over the runner-up.

    A's best successor must have A as its best predecessor, and stand clear of the next best:
    two guides doing one job call the same people, and neither is taken for the other.
    """
    by_a: dict[str, list[BurnerLink]] = defaultdict(list)
    by_b: dict[str, list[BurnerLink]] = defaultdict(list)
    for link in candidates:
        by_a[link.phone_a].append(link)
        by_b[link.phone_b].append(link)

    def best(links: list[BurnerLink]) -> BurnerLink | None:
        links.sort(key=lambda x: (-x.score, -x.shared_contacts, x.phone_a, x.phone_b))
        if len(links) > 1 and links[1].score * margin > links[0].score:
            return None
        return links[0]

    nxt = {a: best(v) for a, v in by_a.items()}
    prv = {b: best(v) for b, v in by_b.items()}
    return [x for x in nxt.values() if x is not None and prv.get(x.phone_b) is x]


def propose_burners(
    store: Store, config: BurnerConfig | None = None, *, rounds: int = 60
) -> list[BurnerLink]:
    """Chain phones used one after the other by one person; best proposals first.

    First the phones records name one person for; then, round by round, hand-overs seen in the
    contacts. Contacts are compared as *users* — a recorded user where known, else the chain
    found so far — so the surest links are taken first (the bar falls only when nothing clears
    it) and each makes the next easier to see, or rules it out.
    """
    config = config or BurnerConfig()
    calls = _calls(store)
    if calls.empty:
        return []
    spans = calls.groupby("phone")["t"].agg(first="min", last="max")
    users: dict[str, set[str]] = defaultdict(set)
    for phone, person in store.query(
        "SELECT phone_entity, person_entity FROM phone_users WHERE basis = 'record'"
    ):
        users[phone].add(person)
    areas = _areas(store, list(spans.index))
    phones = list(spans.index)
    code = {p: i for i, p in enumerate(phones)}
    pairs = calls[["phone", "other"]].drop_duplicates()
    raw = pairs.groupby("phone")["other"].agg(set).to_dict()
    pairs = pd.DataFrame({"phone": pairs["phone"].map(code), "other": pairs["other"].map(code)})
    first, last = spans["first"].to_numpy(), spans["last"].to_numpy()
    chains = _Chains(users)
    names = dict(
        store.query(
            "SELECT entity_id, caption FROM entities WHERE entity_id IN (SELECT unnest(?))",
            [sorted({u for us in users.values() for u in us})],
        )
    )
    recorded = _recorded_links(spans, users, raw, chains, config, names)
    accepted = {(x.phone_a, x.phone_b): x for x in recorded}
    succ = {x.phone_a: x.phone_b for x in recorded}
    pred = {x.phone_b: x.phone_a for x in recorded}
    levels = [x for x in config.score_levels if x > config.min_score] + [config.min_score]
    level = 0
    for _ in range(rounds):
        roots = [chains.find(p) for p in phones]
        unit = np.array([code[r] for r in roots])
        person_code: dict[str, int] = {}
        rep = unit.copy()
        for i, p in enumerate(phones):
            user = chains.recorded(p)
            if user:  # a recorded user is one contact, whichever of their phones is called
                rep[i] = len(phones) + person_code.setdefault(next(iter(user)), len(person_code))
        tail = {code[roots[i]]: p for i, p in enumerate(phones) if p not in succ}
        head = {code[roots[i]]: p for i, p in enumerate(phones) if p not in pred}
        cand = _candidates(pairs, unit, rep, first, last, config)
        cand = cand[
            (cand["shared"] >= config.min_shared)
            & (cand["evidence"] >= config.min_evidence)
            & ~cand["called_each_other"]
        ]
        candidates = []
        for row in cand.to_dict("records"):
            a, b = tail[row["unit_a"]], head[row["unit_b"]]
            ua, ub = chains.recorded(a), chains.recorded(b)
            if ua and ub and ua != ub:
                continue  # recorded as two different people's
            link = _contact_link(a, b, row, areas, config)
            if link is not None:
                candidates.append(link)
        grew = False
        mutual = _clear_mutual_best(candidates, config.margin)
        for link in sorted(mutual, key=lambda x: (-x.score, x.phone_a, x.phone_b)):
            a, b = link.phone_a, link.phone_b
            if link.score < levels[level] or not chains.union(a, b):
                continue
            succ[a], pred[b] = b, a
            accepted[(a, b)] = link
            grew = True
        if not grew:
            level += 1  # nothing clears this bar: lower it
            if level == len(levels):
                break
    out = []
    for link in accepted.values():
        user = chains.recorded(link.phone_a)
        out.append(replace(link, user_entity=next(iter(user)) if user else None))
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
