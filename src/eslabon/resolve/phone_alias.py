"""A contact saved under a nickname is the one person known by name to use that number.

Seized phones list their contacts: "EL MUDO", "COMPA", a number. Such a mention has no name to
compare, so the linkage model sees only a shared phone and leaves it a person of its own — a
second, nameless copy of someone, who then stands in the network for the phone's user. When every
named mention of the person's phones belongs to one person (the named mentions are joined by the
model's own edges above the threshold), the nickname is that person's: an edge of method
``phone_alias`` joins it to them. A number two named people use decides nothing.

Two seized phones often hold the same contact, saved under the same nickname with the same
number ("EL FLACO BODEGA" in both): those two records are one person whether or not anyone named
uses the number, and an edge of method ``contact_alias`` joins them. A number saved without a
nickname, or under two different ones, joins nothing by itself.

The edges are recomputed on every run from all current mentions, so new records that bring a
second named user of the number undo the attribution; review judgements (cannot-link) and the
clustering guards apply to them as to any edge.
"""

from __future__ import annotations

from collections import defaultdict

from eslabon.disjoint_sets import find
from eslabon.store.connection import Store

METHOD = "phone_alias"
CONTACT_METHOD = "contact_alias"

# A record of ``_person_input`` with no name part at all (a contact saved under a nickname).
_NAMELESS = "full_name IS NULL AND given IS NULL AND paternal IS NULL AND maternal IS NULL"

# Person mentions of ``_person_input`` with their phones, and whether they are nameless.
_MENTIONS_SQL = f"""
SELECT unique_id, phones, {_NAMELESS} AS nameless
FROM _person_input WHERE len(phones) > 0
"""


def alias_edges(store: Store, threshold: float) -> list[tuple[str, str]]:
    """(nameless mention, a mention of the one named person who uses its phones) pairs."""
    named_by_phone: dict[str, set[str]] = defaultdict(set)
    nameless: dict[str, list[str]] = {}
    for mention, phones, no_name in store.query(_MENTIONS_SQL):
        if no_name:
            nameless[mention] = list(phones)
        else:
            for phone in phones:
                named_by_phone[phone].add(mention)
    wanted = {m for phones in nameless.values() for p in phones for m in named_by_phone.get(p, ())}
    if not wanted:
        return []
    parent = {m: m for m in wanted}
    for a, b in store.query(
        "WITH named AS (SELECT unnest(?::VARCHAR[]) AS m) "
        "SELECT mention_l, mention_r FROM match_edges WHERE kind = 'Person' "
        "AND method = 'splink' AND match_probability >= ? "
        "AND mention_l IN (SELECT m FROM named) AND mention_r IN (SELECT m FROM named)",
        [sorted(wanted), threshold],
    ):
        ra, rb = find(parent, a), find(parent, b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    out = []
    for mention, phones in sorted(nameless.items()):
        people = {find(parent, m) for p in phones for m in named_by_phone.get(p, ())}
        if len(people) == 1:
            out.append(tuple(sorted((mention, next(iter(people))))))
    return out


def contact_edges(store: Store) -> list[tuple[str, str]]:
    """Pairs of nameless records that saved one number under the same nickname."""
    rows = store.query(
        f"""
        SELECT unique_id, phones, list_sort(list_transform(
            CAST(m.props->'aliases' AS VARCHAR[]), lambda a: upper(trim(a)))) AS aliases
        FROM _person_input p JOIN mentions m ON m.mention_id = p.unique_id
        WHERE len(phones) > 0 AND {_NAMELESS}
          AND len(CAST(m.props->'aliases' AS VARCHAR[])) > 0
        ORDER BY unique_id
        """
    )
    first: dict[tuple[str, tuple[str, ...]], str] = {}  # (number, nicknames) → first record
    out: set[tuple[str, str]] = set()
    for mention, phones, aliases in rows:  # in id order: the first record's id is the smaller
        for phone in phones:
            key = (phone, tuple(aliases))
            if key in first:
                out.add((first[key], mention))
            else:
                first[key] = mention
    return sorted(out)


def store_alias_edges(store: Store, threshold: float, run_id: str) -> int:
    """Replace the ``phone_alias`` and ``contact_alias`` person edges with this run's; returns
    how many there are.

    A pair the model already joins keeps the model's edge. One it scored below the threshold
    loses that edge to the alias edge (one edge per pair), and its explanation with it.
    """
    store.execute(
        "DELETE FROM match_edges WHERE kind = 'Person' AND method IN (?, ?)",
        [METHOD, CONTACT_METHOD],
    )
    methods = {pair: METHOD for pair in alias_edges(store, threshold)}
    for pair in contact_edges(store):
        methods.setdefault(pair, CONTACT_METHOD)
    if not methods:
        return 0
    store.execute(
        "CREATE OR REPLACE TEMP TABLE _alias_edges AS SELECT unnest(?::VARCHAR[]) AS l, "
        "unnest(?::VARCHAR[]) AS r, unnest(?::VARCHAR[]) AS method",
        [[a for a, _ in methods], [b for _, b in methods], list(methods.values())],
    )
    # pairs the model already joins keep the model's edge and its explanation
    store.execute(
        "DELETE FROM _alias_edges WHERE (l, r) IN (SELECT (mention_l, mention_r) FROM "
        "match_edges WHERE method = 'splink' AND match_probability >= ?)",
        [threshold],
    )
    count = int(store.query_one("SELECT count(*) FROM _alias_edges")[0])
    store.execute(
        "DELETE FROM match_edges WHERE (mention_l, mention_r) IN (SELECT (l, r) FROM _alias_edges)"
    )
    store.execute(
        "INSERT INTO match_edges (mention_l, mention_r, kind, method, match_weight, "
        "match_probability, run_id) SELECT l, r, 'Person', method, NULL, 1.0, ? FROM _alias_edges",
        [run_id],
    )
    store.execute("DROP TABLE _alias_edges")
    return count
