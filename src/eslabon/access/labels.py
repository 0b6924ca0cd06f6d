"""Security labels: who a source may be released to, and the caveat banner that says so.

A label is data declared in the source mapping (`label:`) or set with `eslabon labels set`; it is
stored per source name in `source_labels`, so every version of a source carries it.
docs/access.md ("Security labels") is the rule book this module implements.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from eslabon.access.principal import Principal
from eslabon.errors import EslabonError
from eslabon.normalize.text import fold
from eslabon.store.connection import Store

COUNTRIES = ("MEX", "USA")
LABEL_KEYS = (
    "originator",
    "releasable_to",
    "originator_control",
    "law_enforcement_sensitive",
    "legal_basis",
    "expires",
)
LEGAL_BASIS_KEYS = ("kind", "reference", "purpose")


@dataclass(frozen=True)
class LegalBasis:
    """Why data crossed an agency line (an MLAT, a court order): its purpose limits its use."""

    kind: str
    reference: str
    purpose: str | None = None


@dataclass(frozen=True)
class Label:
    """A source's release rules. ``originator`` is a set so that a combined label (a case file
    drawing on several sources) keeps every originating agency."""

    originator: frozenset[str]
    releasable_to: frozenset[str] = frozenset()
    orcon: bool = False
    les: bool = False
    legal_basis: tuple[LegalBasis, ...] = ()
    expires: date | None = None

    def as_dict(self) -> dict[str, Any]:
        """The mapping's YAML shape (one originator and one legal basis stay scalars)."""
        orig = sorted(self.originator)
        bases = [{k: v for k, v in vars(b).items() if v is not None} for b in self.legal_basis]
        out: dict[str, Any] = {
            "originator": orig[0] if len(orig) == 1 else orig,
            "releasable_to": sorted(self.releasable_to),
            "originator_control": self.orcon,
            "law_enforcement_sensitive": self.les,
        }
        if bases:
            out["legal_basis"] = bases[0] if len(bases) == 1 else bases
        if self.expires is not None:
            out["expires"] = self.expires.isoformat()
        return out

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class StoredLabel:
    """A row of `source_labels`."""

    source: str
    label: Label
    set_by: str
    set_at: datetime
    origin: str  # mapping | command | ingest (unlabelled source, originator-only)


# --------------------------------------------------------------------------- parsing


def _key_line(raw: Any, key: str, default: int | None) -> int | None:
    """The line of ``key`` when ``raw`` came from the mapping's line-aware YAML loader."""
    lines = getattr(raw, "lines", None)
    if isinstance(lines, dict) and key in lines:
        return lines[key]
    return getattr(raw, "line", None) or default


def parse_label(raw: Any, path: str | Any, line: int | None) -> Label:
    """A validated Label from the mapping's `label:` value (or its stored JSON).

    Errors name the file (``path``), the line and the field, like every mapping error.
    """
    where = str(path)

    def err(
        message: str, key: str | None, *, hint: str | None = None, at: int | None = None
    ) -> EslabonError:
        at = at or (_key_line(raw, key, line) if key else line)
        return EslabonError(message, file=where, line=at, field=f"label.{key}" if key else "label",
                            hint=hint)  # fmt: skip

    if not isinstance(raw, Mapping):
        raise err("`label` must be a mapping with at least `originator`", None)
    unknown = sorted(set(map(str, raw)) - set(LABEL_KEYS))
    if unknown:
        raise err(
            f"unknown label key '{unknown[0]}'",
            unknown[0],
            hint=f"label keys: {', '.join(LABEL_KEYS)}",
        )
    if "originator" not in raw or raw["originator"] in (None, "", []):
        raise err("a label needs an `originator` (an agency code such as UIF)", "originator")
    orig = raw["originator"]
    origs = orig if isinstance(orig, list) else [orig]
    if not all(isinstance(o, str) and o.strip() for o in origs):
        raise err(f"originator must be an agency code, got {orig!r}", "originator")
    rel = raw.get("releasable_to", [])
    if rel is None:
        rel = []
    if not isinstance(rel, list):
        raise err("releasable_to must be a list of countries, e.g. [MEX, USA]", "releasable_to")
    countries = []
    for c in rel:
        code = str(c).strip().upper()
        if code not in COUNTRIES:
            raise err(
                f"unknown country '{c}' in releasable_to",
                "releasable_to",
                hint=f"countries: {', '.join(COUNTRIES)}; [] = the originator agency only",
            )
        countries.append(code)
    flags = {}
    for key in ("originator_control", "law_enforcement_sensitive"):
        value = raw.get(key, False)
        if not isinstance(value, bool):
            raise err(f"{key} must be true or false, got {value!r}", key)
        flags[key] = value
    bases = []
    lb = raw.get("legal_basis")
    for item in (lb if isinstance(lb, list) else [lb]) if lb is not None else []:
        if not isinstance(item, Mapping):
            raise err("legal_basis must be a mapping with kind, reference, purpose", "legal_basis")
        bad = sorted(set(map(str, item)) - set(LEGAL_BASIS_KEYS))
        if bad:
            raise err(
                f"unknown legal_basis key '{bad[0]}'",
                "legal_basis",
                hint=f"legal_basis keys: {', '.join(LEGAL_BASIS_KEYS)}",
                at=_key_line(item, bad[0], None),
            )
        if not item.get("kind") or not item.get("reference"):
            raise err(
                "legal_basis needs a `kind` and a `reference`",
                "legal_basis",
                at=_key_line(item, "kind", None),
            )
        purpose = item.get("purpose")
        bases.append(
            LegalBasis(str(item["kind"]), str(item["reference"]), str(purpose) if purpose else None)
        )
    expires = raw.get("expires")
    if expires is not None and not isinstance(expires, date):
        try:
            expires = date.fromisoformat(str(expires).strip())
        except ValueError:
            raise err(
                f"expires '{expires}' is not a date", "expires", hint="write it as YYYY-MM-DD"
            ) from None
    if isinstance(expires, datetime):
        expires = expires.date()
    return Label(
        originator=frozenset(o.strip().upper() for o in origs),
        releasable_to=frozenset(countries),
        orcon=flags["originator_control"],
        les=flags["law_enforcement_sensitive"],
        legal_basis=tuple(bases),
        expires=expires,
    )


def label_from_json(text: str | dict, where: str = "source_labels") -> Label:
    data = json.loads(text) if isinstance(text, str) else text
    return parse_label(data, where, None)


# --------------------------------------------------------------------------- the rules


def _purpose(text: str) -> str:
    return fold(text)


def visible(label: Label | None, principal: Principal, today: date | None = None) -> bool:
    """May ``principal`` see data under ``label``? (docs/access.md, "Security labels").

    Nobody without `read` sees data (auditors: separation of duties). Setup mode sees all. The
    originator sees its own data — for a combined label only when it is the sole originator, so
    combining never widens what an agency sees. Otherwise every release condition must hold.
    An unlabelled source is visible only in setup mode.
    """
    if not principal.can("read"):
        return False
    if principal.setup:
        return True
    if label is None:
        return False
    if principal.agency is not None and label.originator == {principal.agency}:
        return True
    today = today or datetime.now(UTC).date()
    if label.expires is not None and today > label.expires:
        return False
    if principal.country not in label.releasable_to:
        return False
    if label.les and not principal.law_enforcement:
        return False
    mine = {_purpose(p) for p in principal.purposes}
    return all(_purpose(b.purpose) in mine for b in label.legal_basis if b.purpose)


def combine(labels: Iterable[Label]) -> Label:
    """The label of something drawn from several sources: as restrictive as all of them."""
    items = list(labels)
    if not items:
        raise ValueError("combine() needs at least one label")
    bases: list[LegalBasis] = []
    for lab in items:
        bases.extend(b for b in lab.legal_basis if b not in bases)
    expiries = [lab.expires for lab in items if lab.expires is not None]
    return Label(
        originator=frozenset().union(*(lab.originator for lab in items)),
        releasable_to=frozenset.intersection(*(lab.releasable_to for lab in items)),
        orcon=any(lab.orcon for lab in items),
        les=any(lab.les for lab in items),
        legal_basis=tuple(bases),
        expires=min(expiries) if expiries else None,
    )


_WORDS = {
    "en": {"rel": "REL TO", "only": "ONLY", "for": "for", "until": "until"},
    "es": {"rel": "DIVULGABLE A", "only": "SOLAMENTE", "for": "para", "until": "hasta"},
}


def caveat_text(label: Label, lang: str = "en") -> str:
    """The banner line: 'UIF ORCON · REL TO MEX, USA · LES · MLAT-… for <purpose> · until …'."""
    w = _WORDS.get(lang, _WORDS["en"])
    orig = "/".join(sorted(label.originator))
    parts = [f"{orig} ORCON" if label.orcon else orig]
    if label.releasable_to:
        parts.append(f"{w['rel']} {', '.join(sorted(label.releasable_to))}")
    else:
        parts.append(f"{orig} {w['only']}")
    if label.les:
        parts.append("LES")
    for b in label.legal_basis:
        ref = (
            b.reference
            if b.reference.upper().startswith(b.kind.upper())
            else (f"{b.kind} {b.reference}")
        )
        parts.append(f"{ref} {w['for']} {b.purpose}" if b.purpose else ref)
    if label.expires is not None:
        parts.append(f"{w['until']} {label.expires.isoformat()}")
    return " · ".join(parts)


# --------------------------------------------------------------------------- the store


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def stored_labels(store: Store) -> dict[str, StoredLabel]:
    """Source name -> its stored label."""
    rows = store.query(
        "SELECT source, CAST(label AS VARCHAR), set_by, set_at, origin FROM source_labels"
    )
    return {
        name: StoredLabel(name, label_from_json(text, f"source_labels[{name}]"), by, at, origin)
        for name, text, by, at, origin in rows
    }


def labels_by_source(store: Store) -> dict[str, Label | None]:
    """Current source_id -> its label (None: unlabelled), for every current source version."""
    labels = {name: s.label for name, s in stored_labels(store).items()}
    rows = store.query("SELECT source_id, name FROM sources WHERE superseded_by IS NULL")
    return {sid: labels.get(name) for sid, name in rows}


def write_label(store: Store, source: str, label: Label, *, set_by: str, origin: str) -> None:
    """Insert or replace the label of source ``source`` (the caller audits)."""
    with store.transaction():
        store.execute("DELETE FROM source_labels WHERE source = ?", [source])
        store.execute(
            "INSERT INTO source_labels VALUES (?, CAST(? AS JSON), ?, ?, ?)",
            [source, label.to_json(), set_by, _now(), origin],
        )


def label_at_ingest(
    store: Store,
    source: str,
    declared: Label | None,
    previous_declared: Label | None,
    principal: Principal,
) -> tuple[Label, str] | None:
    """Record the label a source gets when it is ingested; returns (label, why) when it changed.

    - The mapping declares a label: it is stored when the source has none yet, or when it differs
      from what the previous version's mapping declared (so `eslabon labels set` survives a
      re-ingest of an unchanged label).
    - No label declared, none stored, accounts exist: the ingesting user's agency is the
      originator and nobody else may see it (`releasable_to: []`).
    """
    current = store.query_one("SELECT CAST(label AS VARCHAR) FROM source_labels WHERE source = ?",
                              [source])  # fmt: skip
    stored = label_from_json(current[0]) if current else None
    if declared is not None:
        if stored == declared:
            return None
        if stored is None or declared != previous_declared:
            write_label(store, source, declared, set_by=principal.username, origin="mapping")
            return declared, "mapping"
        return None
    if stored is None and not principal.setup and principal.agency:
        label = Label(originator=frozenset({principal.agency}))
        write_label(store, source, label, set_by=principal.username, origin="ingest")
        return label, "unlabelled: originator-only"
    return None
