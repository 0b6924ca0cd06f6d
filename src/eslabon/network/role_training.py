"""Learn the role rules from synthetic worlds and write them into ``role_rules.yaml`` as plain data.

A shallow decision tree is fitted on the behaviour of the members eslabon detected in *training*
worlds (never the evaluation seeds), labelled with their true roles; each leaf becomes one
readable rule (`when: [{feature, min|max}]`). The runtime needs no learning library: it reads the
YAML like hand-written rules. The tree's size and class weighting are not set by hand: each
setting of ``GRID`` is scored on training worlds held out of its fit (``cross_validate``) and the
best one is fitted on all of them. Run:
``python -m eslabon.network.role_training src/eslabon/network/role_rules.yaml WS:TRUTH ...``
with workspaces of training seeds 101–120, each world twice: resolved from its truth
(`eslabon.evaluate.oracle`) and by `eslabon resolve`, then `eslabon network` run on both. The
rules then read members as users will see them — a coordinator's records split in two, a
collector's stray payments counted as more payers — as well as whole.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from eslabon.errors import EslabonError
from eslabon.network.analyse import load_results
from eslabon.network.features import person_features
from eslabon.network.graph import load_network
from eslabon.network.roles import (
    ASSOCIATE,
    KINDS,
    MOVES_PEOPLE,
    VICTIM_ROLES,
    network_features,
)
from eslabon.network.rules import Rules, load_rules, role_rules
from eslabon.store import open_store


class _NoAliases(yaml.SafeDumper):
    """Write repeated conditions in full: a reader should not chase YAML anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def member_rows(store_path: Path, truth_dir: Path) -> pd.DataFrame:
    """Features of detected members with their true role (first role of a person); members who
    belong to no true network are labelled ``associate``. An entity stands for the true person
    (``person_id``) most of its records belong to, so a workspace eslabon resolved trains too."""
    from eslabon.evaluate.network import entity_to_truth

    with open_store(store_path, read_only=True) as st:
        to_truth = entity_to_truth(st, truth_dir)
        net = load_network(st)
        feats = person_features(st)
        networks, _roles, _info = load_results(st, net)
        rows = []
        for n in networks:
            pos = network_features(net, n, feats)
            for v in n.members:
                if not net.is_person(v):
                    continue
                eid = net.ids[v]
                row: dict[str, Any] = feats.loc[eid].to_dict() if eid in feats.index else {}
                row.update(pos.loc[eid].to_dict() if eid in pos.index else {})
                for k in KINDS:
                    row[f"kind_{k}"] = 1.0 if n.kind == k else 0.0
                row["entity_id"] = eid
                row["person_id"] = to_truth.get(eid, eid)
                rows.append(row)
    frame = pd.DataFrame(rows, columns=None if rows else ["entity_id", "person_id"])
    truth = pd.read_csv(truth_dir / "roles.csv").drop_duplicates("person_id")
    frame = frame.merge(truth[["person_id", "role"]], on="person_id", how="left")
    # People detection placed in a network who belong to none: the class role inference must
    # learn to leave out rather than call crew or victim.
    frame["role"] = frame["role"].fillna(ASSOCIATE)
    return frame


# Crew roles are learned apart for networks that move people and for drug networks: a guide has
# no place in a fentanyl network, nor a lab operator on a smuggling route.
KIND_GROUPS = (("smuggling", "labour_trafficking"), ("drugs",))


def _features(frame: pd.DataFrame) -> list[str]:
    return sorted(
        c
        for c in frame.columns
        if c not in ("entity_id", "role", "nationality", "seed")
        and pd.api.types.is_numeric_dtype(frame[c])
    )


def class_weights(labels: pd.Series, weighting: str) -> dict[str, float] | str | None:
    """Class weights for the tree: none, ``balanced``, or ``sqrt`` (the square root of balanced).

    Balanced weights let a handful of forgers outvote hundreds of associates in a mixed leaf, so
    a stranger is called a forger; none drowns the rare roles. The square root sits between.
    """
    if weighting == "balanced":
        return "balanced"
    if weighting != "sqrt":
        return None
    counts = labels.value_counts()
    total, k = float(counts.sum()), len(counts)
    return {str(c): (total / (k * float(n))) ** 0.5 for c, n in counts.items()}


def tree_leaves(
    frame: pd.DataFrame,
    labels: pd.Series,
    features: list[str],
    *,
    max_depth: int,
    min_leaf: int,
    weighting: str = "none",
) -> list[dict]:
    """Each leaf of a decision tree as a rule: role, conditions on the path, why."""
    try:
        from sklearn.tree import DecisionTreeClassifier
    except ImportError:  # pragma: no cover - training only
        raise EslabonError(
            "training role rules needs scikit-learn", hint="pip install scikit-learn"
        ) from None
    x = frame[features].fillna(0.0).to_numpy()
    tree = DecisionTreeClassifier(
        max_depth=max_depth,
        min_samples_leaf=min_leaf,
        class_weight=class_weights(labels, weighting),
        random_state=0,
    ).fit(x, labels.to_numpy())
    t = tree.tree_
    leaves: list[dict] = []

    def walk(node: int, conds: list[dict]) -> None:
        if t.children_left[node] == -1:
            counts = t.value[node][0]
            best = int(counts.argmax())
            purity = float(counts[best] / counts.sum()) if counts.sum() else 0.0
            role = str(tree.classes_[best])
            n = int(t.n_node_samples[node])
            leaves.append(
                {
                    "role": role,
                    "learned": True,
                    "when": conds,
                    "why": _why(role, n, purity),
                    "n": n,
                    "purity": purity,
                }
            )
            return
        name, thr = features[t.feature[node]], round(float(t.threshold[node]), 4)
        walk(t.children_left[node], [*(dict(c) for c in conds), {"feature": name, "max": thr}])
        walk(
            t.children_right[node],
            [*(dict(c) for c in conds), {"feature": name, "min": round(thr + 1e-4, 4)}],
        )

    walk(0, [])
    leaves.sort(key=lambda r: -r["n"])
    for leaf in leaves:
        del leaf["n"]
    return leaves


def _matches(frame: pd.DataFrame, conds: list[dict]) -> pd.Series:
    """Rows of ``frame`` that meet every condition (missing features are 0, as at run time)."""
    hit = pd.Series(True, index=frame.index)
    for c in conds:
        col = frame.get(c["feature"], pd.Series(0.0, index=frame.index)).fillna(0.0)
        if "min" in c:
            hit &= col >= c["min"]
        if "max" in c:
            hit &= col <= c["max"]
    return hit


def _why(role: str, n: int, purity: float) -> str:
    if role == ASSOCIATE:
        return (
            "learned: not clearly part of the crew — behaves like the people of the training "
            f"worlds placed in a network they did not belong to ({n} alike, purity {purity:.2f})"
        )
    return (
        f"learned: behaves like the {role.replace('_', ' ')}s of the training worlds "
        f"({n} alike, purity {purity:.2f})"
    )


def fit_rules(
    frame: pd.DataFrame,
    *,
    max_depth: int = 10,
    min_leaf: int = 2,
    moved_depth: int = 6,
    moved_purity: float = 0.9,
    weighting: str = "sqrt",
) -> list[dict]:
    """Role rules in two readable steps, each a shallow decision tree.

    First, who is one of the people moved (migrant, victim) rather than anyone else: its leaves
    that say migrant or victim with purity at least ``moved_purity`` become the first rules. Then,
    among the rest, which crew role —
    or ``associate``: someone detection placed in the network who belongs to none (background
    people tied by a call or a shared landlord). Every leaf of the second tree becomes a rule, so
    each member gets one. Splitting the steps keeps the hundreds of migrants from drowning the
    handful of forgers and coordinators. Crew rules are learned per group of network kinds
    (``KIND_GROUPS``) and say so in ``kinds``.
    """
    features = _features(frame)
    moved_label = frame["role"].where(frame["role"].isin(VICTIM_ROLES), "other")
    moved = [
        r
        for r in tree_leaves(frame, moved_label, features, max_depth=moved_depth, min_leaf=min_leaf)
        if r["role"] != "other" and r.pop("purity") >= moved_purity
    ]
    # The second tree learns from exactly the people the first rules leave to it: the crew, the
    # associates, and the moved people of mixed leaves (a coordinator paid like a migrant).
    taken = pd.Series(False, index=frame.index)
    for r in moved:
        taken |= _matches(frame, r["when"])
    crew_rows = frame[~taken]
    crew: list[dict] = []
    known = any(f"kind_{k}" in crew_rows.columns for ks in KIND_GROUPS for k in ks)
    for kinds in KIND_GROUPS if known else ((),):
        cols = [f"kind_{k}" for k in kinds if f"kind_{k}" in crew_rows.columns]
        rows = crew_rows[(crew_rows[cols].fillna(0) > 0).any(axis=1)] if kinds else crew_rows
        if rows.empty:
            continue
        for rule in tree_leaves(
            rows,
            rows["role"],
            features,
            max_depth=max_depth,
            min_leaf=min_leaf,
            weighting=weighting,
        ):
            role = rule.pop("role")
            rule.pop("purity")
            crew.append({"role": role, **({"kinds": list(kinds)} if kinds else {}), **rule})
    return moved + crew


def predict(rules: Rules, frame: pd.DataFrame) -> list[str]:
    """The role the rules give each row, as ``roles.infer_roles`` gives it at run time."""
    out = []
    for row in frame.to_dict("records"):
        kind = next((k for k in KINDS if row.get(f"kind_{k}", 0.0) > 0), KINDS[0])
        role, _why = rules.role_of(row, kind)
        if role == "migrant" and kind not in MOVES_PEOPLE:
            role = ASSOCIATE
        out.append(role)
    return out


def with_learned(base: Rules, learned: list[dict]) -> Rules:
    """``base`` with its learned rules replaced by ``learned`` (hand-written rules stay first)."""
    hand = [r for r in base.roles if not r.learned]
    return replace(base, roles=hand + role_rules({"roles": learned}, "candidate rules"))


def macro_f1(truth: list[str], predicted: list[str]) -> float:
    """Mean F1 over the true roles (``associate`` is not a role: calling crew so is a miss)."""
    from sklearn.metrics import f1_score

    labels = sorted(set(truth) - {ASSOCIATE})
    return float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0))


# Tree sizes tried by `cross_validate`: deep trees with tiny leaves memorise the training
# worlds' few forgers and importers; shallow ones with big leaves cannot tell the crew apart.
GRID = tuple(
    {"max_depth": d, "min_leaf": leaf, "weighting": w}
    for d in (4, 6, 8, 10)
    for leaf in (2, 4, 8, 16)
    for w in ("none", "sqrt", "balanced")
)


def cross_validate(
    frames: list[pd.DataFrame],
    base: Rules,
    grid: tuple[dict, ...] = GRID,
    folds: int = 5,
    worlds: list[str] | None = None,
) -> list[tuple[float, dict]]:
    """Macro-F1 of each setting on worlds held out of its training, best first.

    Worlds, not members, are held out: members of one world share its crews, and a rule that
    has seen a crew's members is no guide to how it will read an unseen one. ``worlds`` names
    the world of each frame (default: each its own): frames of one world — resolved from truth
    and by eslabon — are held out together.
    """
    names = worlds if worlds is not None else [str(i) for i in range(len(frames))]
    order = {w: i for i, w in enumerate(dict.fromkeys(names))}
    folds = min(folds, len(order))
    fold = [order[w] % folds for w in names]
    scored = []
    for params in grid:
        truth: list[str] = []
        predicted: list[str] = []
        for k in range(folds):
            held = [f for f, g in zip(frames, fold, strict=True) if g == k]
            train = pd.concat([f for f, g in zip(frames, fold, strict=True) if g != k])
            rules = with_learned(base, fit_rules(train.reset_index(drop=True), **params))
            for f in held:
                truth += f["role"].tolist()
                predicted += predict(rules, f)
        scored.append((round(macro_f1(truth, predicted), 4), params))
    scored.sort(key=lambda x: -x[0])
    return scored


def main(argv: list[str]) -> None:
    """``OUT.yaml WS:TRUTH ...``: rewrite the `roles` section of a rules file. Workspaces
    naming the same TRUTH are one world (held out together)."""
    if len(argv) < 2:
        raise SystemExit(__doc__)
    out = Path(argv[0])
    frames, worlds = [], []
    for pair in argv[1:]:
        store, truth = pair.split(":")
        frames.append(member_rows(Path(store), Path(truth)))
        worlds.append(str(Path(truth).resolve()))
    scored = cross_validate(frames, load_rules(role_path=out), worlds=worlds)
    for score, params in scored[:5]:
        print(f"held-out worlds macro-F1 {score:.4f}  {params}")
    best = scored[0][1]
    frame = pd.concat(frames, ignore_index=True)
    rules = fit_rules(frame, **best)
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    # Hand-written domain rules (events the training worlds may lack) stay first.
    kept = [r for r in data.get("roles", []) if not r.get("learned")]
    text = out.read_text(encoding="utf-8")
    head = text[: text.index("\nroles:\n") + 1] if "\nroles:\n" in text else text
    tail_keys = {k: v for k, v in data.items() if k in ("default_role", "coerced", "stages")}
    body = yaml.dump(
        {"roles": kept + rules}, Dumper=_NoAliases, sort_keys=False, allow_unicode=True, width=100
    )
    tail = yaml.dump(tail_keys, Dumper=_NoAliases, sort_keys=False, allow_unicode=True, width=100)
    out.write_text(head + body + "\n" + tail, encoding="utf-8")
    counts = frame["role"].value_counts().to_dict()
    print(f"{len(rules)} rules ({best}) from {len(frame)} members {counts} → {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
