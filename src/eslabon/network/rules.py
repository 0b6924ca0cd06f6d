"""Network rules as data: ``rules.yaml`` (anchors, tie weights, network kinds) and
``role_rules.yaml`` (record parts, route-stage places, roles, stages, coerced).

Kept out of code so an analyst can read why someone was called a stash-house keeper, and so a
rule changes by editing one file. The files were written from domain knowledge (domain.md §6)
and, for the learned role rules, fitted on synthetic training worlds — never on an evaluation one.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from eslabon.errors import EslabonError

OPS = ("min", "max", "in", "eq")


def feature_value(row: pd.Series | dict[str, Any], name: str) -> Any:
    """A feature of one person; an unknown feature is 0 (the event never happened)."""
    value = row.get(name, 0) if hasattr(row, "get") else 0
    if value is None or (isinstance(value, float) and value != value):
        return 0
    return value


def holds(row: pd.Series | dict[str, Any], cond: dict[str, Any]) -> bool:
    """One condition: ``{feature, min|max|in|eq}``; several operators must all hold."""
    v = feature_value(row, cond["feature"])
    if "min" in cond and not (isinstance(v, int | float) and v >= cond["min"]):
        return False
    if "max" in cond and not (isinstance(v, int | float) and v <= cond["max"]):
        return False
    if "in" in cond and v not in cond["in"]:
        return False
    return not ("eq" in cond and v != cond["eq"])


@dataclass
class RoleRule:
    role: str
    kinds: tuple[str, ...]
    when: list[dict[str, Any]]
    any_of: list[dict[str, Any]]
    why: str
    learned: bool = False  # written by role_training, not by hand

    def matches(self, row: Any, kind: str) -> bool:
        if self.kinds and kind not in self.kinds:
            return False
        if not all(holds(row, c) for c in self.when):
            return False
        return not self.any_of or any(holds(row, c) for c in self.any_of)


@dataclass
class Rules:
    """The parsed rules file."""

    anchors: list[dict[str, Any]]
    tie_weights: dict[str, float]
    criminal_factor: float
    detection: dict[str, Any]
    kinds: dict[str, dict[str, float]]
    roles: list[RoleRule]
    default_role: dict[str, str]
    stages: dict[str, str]
    coerced: list[dict[str, Any]]
    path: str

    def role_of(self, row: Any, kind: str) -> tuple[str, str]:
        """(role, the rule's reason); the network kind's default (``associate`` unless the file
        says otherwise) when no rule matches."""
        for rule in self.roles:
            if rule.matches(row, kind):
                return rule.role, rule.why
        role = self.default_role.get(kind, "associate")
        if role == "associate":
            return role, "no behaviour of a crew role or of the people moved"
        return role, f"default role for a {kind} network"


def _fail(path: str, message: str) -> EslabonError:
    return EslabonError(message, file=path, hint="see the comments at the top of the rules file")


def _read_yaml(path: Path | str | None, default: str) -> tuple[dict[str, Any], str]:
    """Parsed YAML and the name to report it by (a shipped file when ``path`` is None)."""
    if path is None:
        text = resources.files("eslabon.network").joinpath(default).read_text("utf-8")
        where = f"eslabon/network/{default}"
    else:
        where = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as err:
            raise EslabonError(f"cannot read rules: {err.strerror}", file=where) from None
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as err:
        raise _fail(where, f"not valid YAML: {err}") from None
    if not isinstance(data, dict):
        raise _fail(where, "expected a mapping of sections")
    return data, where


def load_role_rules_data(path: Path | str | None = None) -> dict[str, Any]:
    """The role rules file as data (default: the shipped ``role_rules.yaml``)."""
    data, where = _read_yaml(path, "role_rules.yaml")
    for key in ("roles", "stages"):
        if key not in data:
            raise _fail(where, f"missing section '{key}'")
    for name, spec in (data.get("record_parts") or {}).items():
        if not isinstance(spec, dict) or "kind" not in spec or "field" not in spec:
            raise _fail(where, f"record part '{name}' needs kind and field")
        if not any(op in spec for op in ("in", "words", "contains", "min", "max")):
            raise _fail(where, f"record part '{name}' needs one of in, words, contains, min, max")
        if spec.get("side", "subject") not in ("subject", "object"):
            raise _fail(where, f"record part '{name}': side is subject or object")
    return data


def role_rules(data: dict[str, Any], where: str) -> list[RoleRule]:
    roles = []
    for i, r in enumerate(data["roles"]):
        if "role" not in r:
            raise _fail(where, f"role rule #{i + 1} has no 'role'")
        for c in [*r.get("when", []), *r.get("any", [])]:
            if "feature" not in c or not any(op in c for op in OPS):
                raise _fail(where, f"role rule '{r['role']}': a condition needs feature and {OPS}")
        roles.append(
            RoleRule(
                r["role"],
                tuple(r.get("kinds", ())),
                list(r.get("when", [])),
                list(r.get("any", [])),
                r.get("why", r["role"]),
                bool(r.get("learned", False)),
            )
        )
    return roles


def load_rules(path: Path | str | None = None, role_path: Path | str | None = None) -> Rules:
    """Read the network rules and the role rules (default: the files shipped with eslabon).

    A network rules file that carries its own ``roles`` section (an older single-file layout)
    keeps using it; otherwise the roles come from ``role_path`` or the shipped role rules.
    """
    data, where = _read_yaml(path, "rules.yaml")
    for key in ("anchors", "tie_weights", "kinds"):
        if key not in data:
            raise _fail(where, f"missing section '{key}'")
    if "roles" in data and role_path is None:
        if "stages" not in data:
            raise _fail(where, "missing section 'stages'")
        role_data, role_where = data, where
    else:
        role_data = load_role_rules_data(role_path)
        role_where = str(role_path) if role_path else "eslabon/network/role_rules.yaml"
    return Rules(
        anchors=list(data["anchors"]),
        tie_weights={k: float(v) for k, v in data["tie_weights"].items()},
        criminal_factor=float(data.get("criminal_factor", 3.0)),
        detection=dict(data.get("detection", {})),
        kinds={k: dict(v) for k, v in data["kinds"].items()},
        roles=role_rules(role_data, role_where),
        default_role=dict(role_data.get("default_role", {})),
        stages=dict(role_data["stages"]),
        coerced=list(role_data.get("coerced", [])),
        path=where,
    )
