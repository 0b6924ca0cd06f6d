"""The tamper-evident audit log: who did what, to which entities, when, from where, and the outcome.

Entries form an append-only RFC 6962 Merkle tree (``access/merkle.py``); signed checkpoints of the
tree's size and root go to ``audit_checkpoints`` and to a witness file beside the store, so an
edit, deletion, reordering or truncation made directly in the DuckDB file shows up in ``verify``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import stat
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, InvalidStateError
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from eslabon.access.merkle import Frontier, consistency_proof, inclusion_proof, leaf_hash
from eslabon.access.principal import Principal
from eslabon.errors import EslabonError
from eslabon.store import Store

CHECKPOINT_EVERY = 256  # entries since the last checkpoint that make a new one due
CHECKPOINT_SECONDS = 60.0  # seconds since the last checkpoint that make a new one due
KEY_ENV = "ESLABON_AUDIT_KEY"
# Detail keys never written, at any depth: a substring match, so `new_password` or `totp_code` go too.
SECRET_KEYS = ("password", "totp", "secret")
ENTRY_FIELDS = (
    "seq",
    "at_time",
    "username",
    "agency",
    "action",
    "outcome",
    "remote",
    "entities",
    "statements",
    "detail",
)
_COLUMNS = ", ".join((*ENTRY_FIELDS, "leaf_hash"))
_FRONTIER_META = "audit_frontier"  # meta key: the tree frontier at the last checkpoint (a cache)
_RETRIES = 5


# -- entries -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    """What one audit entry says, before the log gives it a place (seq) and a time."""

    username: str | None
    agency: str | None
    action: str
    outcome: str = "ok"
    remote: str | None = None
    entities: tuple[str, ...] = ()
    statements: tuple[str, ...] = ()
    detail: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, value: Entry | Mapping[str, Any]) -> Entry:
        """An Entry from itself or from a plain dict with the same keys (the web server's form)."""
        if isinstance(value, Entry):
            return value
        return cls(
            username=value.get("username"),
            agency=value.get("agency"),
            action=str(value["action"]),
            outcome=str(value.get("outcome") or "ok"),
            remote=value.get("remote"),
            entities=tuple(str(e) for e in value.get("entities") or ()),
            statements=tuple(str(s) for s in value.get("statements") or ()),
            detail=clean_detail(value.get("detail")),
        )


def make_entry(
    principal: Principal | None,
    action: str,
    outcome: str = "ok",
    *,
    entities: Iterable[str] = (),
    statements: Iterable[str] = (),
    detail: Mapping[str, Any] | None = None,
    remote: str | None = None,
    username: str | None = None,
) -> Entry:
    """The entry for an action by ``principal`` (or, without one, by whoever ``username`` names)."""
    return Entry(
        username=principal.username if principal is not None else username,
        agency=principal.agency if principal is not None else None,
        action=action,
        outcome=outcome,
        remote=remote,
        entities=tuple(str(e) for e in entities),
        statements=tuple(str(s) for s in statements),
        detail=clean_detail(detail),
    )


def clean_detail(detail: Mapping[str, Any] | None) -> dict[str, Any]:
    """The detail without any password, TOTP code or secret, at any depth, as JSON values."""

    def clean(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {
                str(k): clean(v)
                for k, v in value.items()
                if not any(word in str(k).lower() for word in SECRET_KEYS)
            }
        if isinstance(value, list | tuple | set | frozenset):
            return [clean(v) for v in value]
        if value is None or isinstance(value, bool | int | float | str):
            return value
        return str(value)

    return clean(dict(detail or {}))


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 text: the one byte string an entry hashes to."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def iso_utc(moment: datetime) -> str:
    """ISO 8601 UTC with microseconds, e.g. 2026-03-01T09:30:00.000000Z (stored naive, as UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def entry_bytes(row: Mapping[str, Any]) -> bytes:
    """The canonical entry of a row (every field but ``leaf_hash``); JSON columns may be text."""

    def parsed(value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    at = row["at_time"]
    body = {
        "seq": int(row["seq"]),
        "at_time": iso_utc(at) if isinstance(at, datetime) else str(at),
        "username": row["username"],
        "agency": row["agency"],
        "action": row["action"],
        "outcome": row["outcome"],
        "remote": row["remote"],
        "entities": parsed(row["entities"]),
        "statements": parsed(row["statements"]),
        "detail": parsed(row["detail"]),
    }
    return canonical_json(body).encode("utf-8")


def entry_leaf(row: Mapping[str, Any]) -> bytes:
    return leaf_hash(entry_bytes(row))


# -- appending -----------------------------------------------------------------------------------
def _in_transaction(store: Store) -> bool:
    return bool(getattr(store, "_in_tx", False))


def _next_seq(store: Store) -> int:
    row = store.query_one("SELECT max(seq) FROM audit_log")
    return 0 if row is None or row[0] is None else int(row[0]) + 1


def _append_rows(store: Store, entries: Sequence[Entry]) -> list[int]:
    """Insert entries at the end of the log (the caller holds the transaction); their seqs."""
    start = _next_seq(store)
    now = _utcnow()
    params: list[Any] = []
    for i, e in enumerate(entries):
        row = {
            "seq": start + i,
            "at_time": now,
            "username": e.username,
            "agency": e.agency,
            "action": e.action,
            "outcome": e.outcome,
            "remote": e.remote,
            "entities": canonical_json(list(e.entities)),
            "statements": canonical_json(list(e.statements)),
            "detail": canonical_json(clean_detail(e.detail)),
        }
        params += [*(row[f] for f in ENTRY_FIELDS), entry_leaf(row).hex()]
    marks = "(" + ", ".join("?" * (len(ENTRY_FIELDS) + 1)) + ")"
    store.execute(
        f"INSERT INTO audit_log ({_COLUMNS}) VALUES " + ", ".join([marks] * len(entries)), params
    )
    return list(range(start, start + len(entries)))


def _append(store: Store, entries: Sequence[Entry]) -> list[int]:
    """Append in one transaction (the caller's, if one is open); retry a lost race for the seqs."""
    if _in_transaction(store):
        return _append_rows(store, entries)
    for attempt in range(_RETRIES):
        try:
            with store.transaction():
                return _append_rows(store, entries)
        except (duckdb.ConstraintException, duckdb.TransactionException):
            # another cursor of this database took the same seq first
            if attempt == _RETRIES - 1:
                raise
            time.sleep(0.002 * 2**attempt)
    raise AssertionError("unreachable")


def record(
    store: Store,
    principal: Principal | None,
    action: str,
    outcome: str = "ok",
    *,
    entities: Iterable[str] = (),
    statements: Iterable[str] = (),
    detail: Mapping[str, Any] | None = None,
    remote: str | None = None,
    username: str | None = None,
    key_path: Path | str | None = None,
) -> int:
    """Append one entry; its seq. Inside a caller's transaction the entry commits (or rolls back)
    with the caller's work, and the checkpoint waits for a later entry or the command's end."""
    entry = make_entry(
        principal,
        action,
        outcome,
        entities=entities,
        statements=statements,
        detail=detail,
        remote=remote,
        username=username,
    )
    seq = _append(store, [entry])[0]
    checkpoint_if_due(store, key_path=key_path)
    return seq


# -- the signing key and checkpoints ----------------------------------------------------------------
def signing_key_path(store_path: Path | str, key_path: Path | str | None = None) -> Path:
    """The key: ``key_path``, else $ESLABON_AUDIT_KEY, else ``<store>.audit-key``."""
    if key_path is not None:
        return Path(key_path)
    env = os.environ.get(KEY_ENV)
    return Path(env) if env else Path(f"{store_path}.audit-key")


def witness_path(store_path: Path | str) -> Path:
    """The witness file: every checkpoint, outside the database an attacker would edit."""
    return Path(f"{store_path}.audit-checkpoints.jsonl")


def _load_private_key(path: Path) -> Ed25519PrivateKey:
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        raise EslabonError(
            "the audit signing key may be read by other users",
            file=str(path),
            hint=f"chmod 600 {path}",
        )
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as err:
        raise EslabonError(f"not an Ed25519 PEM private key: {err}", file=str(path)) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise EslabonError("the audit signing key is not an Ed25519 key", file=str(path))
    return key


def signing_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 key at ``path``, created (mode 0600) on first use."""
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return _load_private_key(path)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        return key
    return _load_private_key(path)


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public: Ed25519PublicKey) -> str:
    """sha256 of the raw public key, hex: names the key in every checkpoint."""
    return hashlib.sha256(_raw_public(public)).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement that the log had ``size`` entries with Merkle root ``root`` at a time."""

    size: int
    root: str
    at_time: str
    key_id: str
    signature: str

    def signed_text(self) -> bytes:
        return f"eslabon-audit\n{self.size}\n{self.root}\n{self.at_time}\n".encode()

    def signed_by(self, public: Ed25519PublicKey) -> bool:
        try:
            public.verify(bytes.fromhex(self.signature), self.signed_text())
        except (InvalidSignature, ValueError):
            return False
        return True

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _sign(key: Ed25519PrivateKey, size: int, root: bytes, at: datetime) -> Checkpoint:
    unsigned = Checkpoint(size, root.hex(), iso_utc(at), key_id(key.public_key()), "")
    signature = key.sign(unsigned.signed_text()).hex()
    return Checkpoint(size, unsigned.root, unsigned.at_time, unsigned.key_id, signature)


def _checkpoint_of(row: Sequence[Any]) -> Checkpoint:
    size, root, at, kid, signature = row
    return Checkpoint(int(size), root, iso_utc(at), kid, signature)


def _last_checkpoint(store: Store) -> Checkpoint | None:
    row = store.query_one(
        "SELECT tree_size, root_hash, at_time, key_id, signature FROM audit_checkpoints "
        "ORDER BY tree_size DESC LIMIT 1"
    )
    return _checkpoint_of(row) if row else None


def table_checkpoints(store: Store) -> list[Checkpoint]:
    rows = store.query(
        "SELECT tree_size, root_hash, at_time, key_id, signature FROM audit_checkpoints "
        "ORDER BY tree_size"
    )
    return [_checkpoint_of(r) for r in rows]


# One checkpoint at a time per store file in this process (threads of a server, tests).
_CHECKPOINT_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _checkpoint_lock(store_path: Path) -> threading.Lock:
    with _LOCKS_GUARD:
        return _CHECKPOINT_LOCKS.setdefault(str(Path(store_path).resolve()), threading.Lock())


def _read_rows(store: Store, where: str = "", params: Sequence[Any] = ()) -> Iterable[dict]:
    """Log rows in seq order, fetched in chunks so a long log is never all in memory."""
    cur = store.execute(f"SELECT {_COLUMNS} FROM audit_log {where} ORDER BY seq", list(params))
    names = [*ENTRY_FIELDS, "leaf_hash"]
    while chunk := cur.fetchmany(10_000):
        for values in chunk:
            yield dict(zip(names, values, strict=True))


def _grow(frontier: Frontier, rows: Iterable[dict], until: int | None = None) -> None:
    """Add rows to the tree, refusing what an honest log cannot contain; the leaves are
    recomputed from each row's content, so nothing altered is ever signed."""
    for row in rows:
        seq = row["seq"]
        if until is not None and frontier.size >= until:
            return
        if seq != frontier.size:
            raise EslabonError(
                f"the audit log has seq {seq} where seq {frontier.size} should be "
                "(an entry was deleted or reordered); no checkpoint was written",
                hint="run `eslabon audit verify`",
            )
        try:
            leaf = entry_leaf(row)
        except ValueError:
            leaf = b""
        if leaf.hex() != row["leaf_hash"]:
            raise EslabonError(
                f"audit entry seq {seq} no longer matches its leaf hash (it was altered); "
                "no checkpoint was written",
                hint="run `eslabon audit verify`",
            )
        frontier.append(leaf)


def _frontier_at(store: Store, last: Checkpoint | None) -> Frontier:
    """The tree frontier at the last checkpoint: the cached one if it folds to the signed root,
    else rebuilt from the entries (which must still hash to that root)."""
    if last is None:
        return Frontier()
    row = store.query_one("SELECT value FROM meta WHERE key = ?", [_FRONTIER_META])
    if row:
        try:
            cached = json.loads(row[0])
            frontier = Frontier(int(cached["size"]), [bytes.fromhex(h) for h in cached["nodes"]])
            if (
                frontier.size == last.size
                and frontier.is_well_formed()
                and frontier.root().hex() == last.root
            ):
                return frontier
        except (ValueError, KeyError, TypeError):
            pass
    frontier = Frontier()
    _grow(frontier, _read_rows(store, "WHERE seq < ?", [last.size]))
    if frontier.size != last.size or frontier.root().hex() != last.root:
        raise EslabonError(
            f"the audit log no longer matches its checkpoint at size {last.size}; "
            "no checkpoint was written",
            hint="run `eslabon audit verify`",
        )
    return frontier


def checkpoint(store: Store, *, key_path: Path | str | None = None) -> Checkpoint:
    """Sign the log as it is now (size, root, time), in the table and in the witness file.

    Only entries that still match their leaf hashes and follow on without a gap are signed;
    a damaged log raises instead, so a checkpoint never vouches for tampering.
    """
    if _in_transaction(store):
        raise RuntimeError("an audit checkpoint is written outside any transaction")
    key = signing_key(signing_key_path(store.path, key_path))
    with _checkpoint_lock(store.path):
        with store.transaction():
            last = _last_checkpoint(store)
            size = _next_seq(store)
            if last is not None and size < last.size:
                raise EslabonError(
                    f"the audit log has {size} entries but was signed at {last.size}: "
                    "entries were deleted; no checkpoint was written",
                    hint="run `eslabon audit verify`",
                )
            if last is not None and size == last.size:
                return last
            frontier = _frontier_at(store, last)
            _grow(frontier, _read_rows(store, "WHERE seq >= ?", [frontier.size]), until=size)
            now = _utcnow()
            cp = _sign(key, frontier.size, frontier.root(), now)
            store.execute(
                "INSERT INTO audit_checkpoints VALUES (?, ?, ?, ?, ?)",
                [cp.size, cp.root, now, cp.key_id, cp.signature],
            )
            store.execute(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                [
                    _FRONTIER_META,
                    json.dumps({"size": frontier.size, "nodes": [n.hex() for n in frontier.nodes]}),
                ],
            )
        line = {**cp.to_dict(), "public_key": _raw_public(key.public_key()).hex()}
        with witness_path(store.path).open("a", encoding="utf-8") as fh:
            fh.write(canonical_json(line) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    return cp


def checkpoint_if_due(
    store: Store, force: bool = False, *, key_path: Path | str | None = None
) -> Checkpoint | None:
    """A checkpoint when one is due (256 entries or 60 s since the last; any growth if
    ``force``): what `record` calls after each entry and every CLI command at its end.

    Never inside a caller's transaction (the witness file cannot roll back). A damaged log,
    an unusable key or an unwritable witness file get no checkpoint and no error here — the
    entry already written matters more; ``verify`` (and ``checkpoint`` itself) report them.
    """
    if _in_transaction(store) or store.read_only:
        return None
    # One round trip: this runs after every entry.
    row = store.query_one(
        "SELECT (SELECT max(seq) FROM audit_log), (SELECT max(tree_size) FROM audit_checkpoints),"
        " (SELECT max(at_time) FROM audit_checkpoints)"
    )
    max_seq, last_size, last_at = row if row else (None, None, None)
    size = 0 if max_seq is None else int(max_seq) + 1
    if last_size is None:
        due = size > 0
    else:
        grown = size - int(last_size)
        due = grown > 0 and (
            force
            or grown >= CHECKPOINT_EVERY
            or (_utcnow() - last_at).total_seconds() >= CHECKPOINT_SECONDS
        )
    if not due:
        return None
    try:
        return checkpoint(store, key_path=key_path)
    except (EslabonError, OSError, duckdb.Error):
        return None


# -- verification --------------------------------------------------------------------------------
@dataclass
class VerifyReport:
    """What ``verify`` found: ``ok`` unless a problem shows the log was altered."""

    ok: bool
    entries: int
    checkpoints: int
    problems: list[str]
    uncovered: int = 0
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _seq_ranges(seqs: Sequence[int], limit: int = 10) -> str:
    shown = ", ".join(str(s) for s in seqs[:limit])
    return shown + (f" and {len(seqs) - limit} more" if len(seqs) > limit else "")


def _span(first: int, last: int) -> str:
    return f"seq {first}" if first == last else f"seq {first}..{last}"


def read_witness(path: Path) -> tuple[dict[int, tuple[Checkpoint, str]], list[str]]:
    """Checkpoints of the witness file by size, each with its public key (hex); and problems."""
    found: dict[int, tuple[Checkpoint, str]] = {}
    problems: list[str] = []
    if not path.exists():
        return found, problems
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            cp = Checkpoint(
                int(obj["size"]), obj["root"], obj["at_time"], obj["key_id"], obj["signature"]
            )
            public = str(obj["public_key"])
        except (ValueError, KeyError, TypeError):
            problems.append(f"witness file line {number} is not a checkpoint")
            continue
        if cp.size in found and found[cp.size][0] != cp:
            problems.append(f"the witness file holds two different checkpoints at size {cp.size}")
        found[cp.size] = (cp, public)
    return found, problems


def _public_from_hex(value: str) -> Ed25519PublicKey | None:
    try:
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(value))
    except ValueError:
        return None


def verify(store: Store, *, key_path: Path | str | None = None) -> VerifyReport:
    """Recompute every leaf and the root at every checkpoint (table and witness file), check
    every signature, and say in sentences which entry or checkpoint shows tampering."""
    problems: list[str] = []
    notes: list[str] = []
    table = {cp.size: cp for cp in table_checkpoints(store)}
    witness_file = witness_path(store.path)
    witness, witness_problems = read_witness(witness_file)
    problems += witness_problems
    no_witness = bool(table) and not witness_file.exists()
    if no_witness:
        problems.append(f"the witness file {witness_file} is missing")

    # Trust the signing key beside the store; without it, the keys the witness file names.
    trusted: dict[str, Ed25519PublicKey] = {}
    kpath = signing_key_path(store.path, key_path)
    if kpath.exists():
        public = signing_key(kpath).public_key()
        trusted[key_id(public)] = public
    else:
        notes.append(
            f"no signing key at {kpath}: signatures were checked against the public key "
            "recorded in the witness file"
        )
        for cp, public_hex in witness.values():
            pub = _public_from_hex(public_hex)
            if pub is not None and key_id(pub) == cp.key_id:
                trusted[cp.key_id] = pub

    sizes = sorted(set(table) | set(witness))
    wanted = iter(sizes)
    next_size = next(wanted, None)
    roots: dict[int, bytes] = {}
    if next_size == 0:
        roots[0] = Frontier().root()
        next_size = next(wanted, None)

    frontier = Frontier()
    edited: list[int] = []
    missing: list[tuple[int, int]] = []
    disordered: list[int] = []
    expected = 0
    for row in _read_rows(store):
        seq = int(row["seq"])
        if seq > expected:
            missing.append((expected, seq - 1))
        elif seq < expected:
            disordered.append(seq)
        expected = max(expected, seq + 1)
        try:
            leaf = entry_leaf(row)
        except ValueError:
            leaf = hashlib.sha256(b"unreadable").digest()
        if leaf.hex() != row["leaf_hash"]:
            edited.append(seq)
        frontier.append(leaf)
        while next_size is not None and frontier.size == next_size:
            roots[next_size] = frontier.root()
            next_size = next(wanted, None)
    entries = frontier.size

    if edited:
        problems.append(
            f"seq {edited[0]} was altered: its content no longer matches the leaf hash written "
            "with it" + (f" (also seq {_seq_ranges(edited[1:])})" if len(edited) > 1 else "")
        )
    for first, last in missing:
        problems.append(f"{_span(first, last)} missing: deleted from the log")
    if disordered:
        problems.append(f"seq {_seq_ranges(disordered)} out of order or duplicated")

    good = 0  # the largest checkpoint size whose root the entries still reproduce
    truncated = [s for s in sizes if s > entries]
    if truncated:
        problems.append(
            f"the log was truncated: a checkpoint signed {max(truncated)} entries but only "
            f"{entries} remain ({_span(entries, max(truncated) - 1)} gone)"
        )
    for size in sizes:
        in_table, in_witness = table.get(size), witness.get(size)
        w = in_witness[0] if in_witness else None
        if in_table is None:
            problems.append(
                f"checkpoint at size {size} is in the witness file but missing from the table"
            )
        if w is None and not no_witness:
            problems.append(
                f"checkpoint at size {size} is in the table but missing from the witness file"
            )
        if in_table is not None and w is not None and in_table != w:
            problems.append(
                f"checkpoint at size {size} differs between the table (root "
                f"{in_table.root[:16]}…) and the witness file (root {w.root[:16]}…)"
            )
        signed: list[tuple[str, Checkpoint]] = []  # the claims whose signature holds
        for where, cp in (("table", in_table), ("witness file", w)):
            if cp is None or (where == "witness file" and cp == in_table):
                continue
            public = trusted.get(cp.key_id)
            if public is None:
                problems.append(
                    f"checkpoint at size {size} ({where}) is signed by an unknown key "
                    f"{cp.key_id[:16]}…"
                )
            elif not cp.signed_by(public):
                problems.append(
                    f"checkpoint at size {size} ({where}): the signature does not match "
                    "(the checkpoint was forged or altered)"
                )
            else:
                signed.append((where, cp))
        if size > entries:
            continue
        wrong = [where for where, cp in signed if cp.root != roots[size].hex()]
        if not wrong:
            good = max(good, size)
            continue
        source = "" if in_table == w else f" ({' and '.join(wrong)})"
        problems.append(
            f"checkpoint at size {size}{source}: the entries no longer hash to its signed root — "
            f"an entry in {_span(good, size - 1)} was changed, deleted or reordered"
        )

    covered = max(sizes, default=0)
    uncovered = max(0, entries - covered)
    if uncovered:
        notes.append(
            f"{uncovered} entries ({_span(covered, entries - 1)}) not yet covered by a checkpoint"
        )
    return VerifyReport(
        ok=not problems,
        entries=entries,
        checkpoints=len(sizes),
        problems=problems,
        uncovered=uncovered,
        notes=notes,
    )


# -- proofs over the stored log ------------------------------------------------------------------
def _leaves(store: Store, size: int) -> list[bytes]:
    rows = store.query("SELECT leaf_hash FROM audit_log WHERE seq < ? ORDER BY seq", [size])
    if len(rows) != size:
        raise EslabonError(f"the audit log has fewer than {size} entries")
    return [bytes.fromhex(r[0]) for r in rows]


def prove_inclusion(store: Store, seq: int, size: int) -> list[str]:
    """Hex audit path showing entry ``seq`` is in the tree of ``size`` (e.g. a checkpoint's)."""
    return [h.hex() for h in inclusion_proof(seq, _leaves(store, size))]


def prove_consistency(store: Store, old_size: int, new_size: int) -> list[str]:
    """Hex proof that the log at ``old_size`` is a prefix of the log at ``new_size``."""
    return [h.hex() for h in consistency_proof(old_size, _leaves(store, new_size))]


# -- reading the log (auditors only) ---------------------------------------------------------------
def authorize_read(
    store: Store,
    principal: Principal,
    what: str,
    *,
    remote: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Only auditors read the log, and reading it is itself an entry (a refusal too)."""
    allowed = principal.can("audit")
    record(
        store,
        principal,
        "audit.read",
        "ok" if allowed else "denied",
        detail={"what": what, **(detail or {})},
        remote=remote,
    )
    principal.require("audit")


def _row_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: row[k] for k in ENTRY_FIELDS}
    out["at_time"] = iso_utc(row["at_time"])
    for k in ("entities", "statements", "detail"):
        out[k] = json.loads(row[k]) if isinstance(row[k], str) else row[k]
    return out


def tail(store: Store, limit: int = 20) -> list[dict[str, Any]]:
    """The last ``limit`` entries, oldest first."""
    rows = store.query_dicts(
        f"SELECT {_COLUMNS} FROM audit_log ORDER BY seq DESC LIMIT ?", [int(limit)]
    )
    return [_row_dict(r) for r in reversed(rows)]


def report(store: Store, since: date, until: date | None = None) -> list[dict[str, Any]]:
    """The weekly review, one dict per user: actions by kind, entities looked at, statements
    shown, and every denied or failed attempt, for entries from ``since`` to ``until`` (days,
    inclusive, UTC)."""
    params: list[Any] = [datetime.combine(since, datetime.min.time())]
    where = "WHERE at_time >= ?"
    if until is not None:
        where += " AND at_time < ?"
        params.append(datetime.combine(until + timedelta(days=1), datetime.min.time()))
    users: dict[str, dict[str, Any]] = {}
    for row in _read_rows(store, where, params):
        entry = _row_dict(row)
        name = entry["username"] or "(unknown)"
        u = users.setdefault(
            name,
            {
                "username": name,
                "agency": entry["agency"],
                "entries": 0,
                "first": entry["at_time"],
                "last": entry["at_time"],
                "actions": {},
                "entities": set(),
                "statements": set(),
                "denied": [],
            },
        )
        u["entries"] += 1
        u["agency"] = u["agency"] or entry["agency"]
        u["last"] = entry["at_time"]
        u["actions"][entry["action"]] = u["actions"].get(entry["action"], 0) + 1
        if entry["outcome"] == "ok":
            u["entities"].update(entry["entities"])
            u["statements"].update(entry["statements"])
        else:
            u["denied"].append(
                {k: entry[k] for k in ("seq", "at_time", "action", "outcome", "remote", "detail")}
            )
    out = []
    for name in sorted(users):
        u = users[name]
        u["actions"] = dict(sorted(u["actions"].items()))
        u["entities"] = sorted(u["entities"])
        u["statements"] = len(u["statements"])
        out.append(u)
    return out


# -- the object face -----------------------------------------------------------------------------
class AuditLog:
    """The audit log of one store, with its signing key (``key_path`` or the default)."""

    def __init__(self, store: Store, *, key_path: Path | str | None = None) -> None:
        self.store = store
        self.key_path = key_path

    def append(
        self, principal: Principal | None, action: str, outcome: str = "ok", **kwargs: Any
    ) -> int:
        return record(self.store, principal, action, outcome, key_path=self.key_path, **kwargs)

    def checkpoint(self) -> Checkpoint:
        return checkpoint(self.store, key_path=self.key_path)

    def checkpoint_if_due(self, force: bool = False) -> Checkpoint | None:
        return checkpoint_if_due(self.store, force, key_path=self.key_path)

    def verify(self) -> VerifyReport:
        return verify(self.store, key_path=self.key_path)

    def report(self, since: date, until: date | None = None) -> list[dict[str, Any]]:
        return report(self.store, since, until)

    def tail(self, limit: int = 20) -> list[dict[str, Any]]:
        return tail(self.store, limit)


# -- the web server's appender -------------------------------------------------------------------
class GroupAppender:
    """Group commit for a server: requests hand in entries, one thread writes them in batches.

    ``writer()`` returns a context manager yielding a writable Store (a cursor of the server's
    connection, say); each batch is one transaction, so a request waits for its entry to be
    durable without every request paying for its own commit.
    """

    def __init__(
        self,
        writer: Callable[[], contextlib.AbstractContextManager[Store]],
        *,
        key_path: Path | str | None = None,
        max_batch: int = 512,
    ) -> None:
        self._writer = writer
        self._key_path = key_path
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[tuple[Entry, Future[int]] | None] = queue.SimpleQueue()
        self._closed = False
        self._close_lock = threading.Lock()
        self.batches = 0  # how many transactions were written (for benchmarks and tests)
        self._unchecked = 0  # entries written since checkpoint_if_due was last asked
        self._checked_at = float("-inf")  # the first batch asks at once
        self._thread = threading.Thread(target=self._run, name="eslabon-audit", daemon=True)
        self._thread.start()

    def submit(self, entry: Entry | Mapping[str, Any]) -> Future[int]:
        """Queue an entry; the future resolves to its seq once it is committed."""
        item = Entry.of(entry)
        fut: Future[int] = Future()
        with self._close_lock:
            if self._closed:
                raise RuntimeError("the audit appender is closed")
            self._queue.put((item, fut))
        return fut

    def record(
        self, principal: Principal | None, action: str, outcome: str = "ok", **kwargs: Any
    ) -> Future[int]:
        return self.submit(make_entry(principal, action, outcome, **kwargs))

    def close(self, timeout: float | None = None) -> None:
        """Write everything submitted so far, then stop the thread."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        stopping = False
        while not stopping:
            item = self._queue.get()
            if item is None:
                break
            batch = [item]
            while len(batch) < self._max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                batch.append(more)
            self._write(batch)
        if self._unchecked:  # the server stops: cover what it wrote with a checkpoint
            with contextlib.suppress(Exception), self._writer() as st:
                checkpoint_if_due(st, force=True, key_path=self._key_path)

    def _write(self, batch: list[tuple[Entry, Future[int]]]) -> None:
        try:
            with self._writer() as st:
                seqs = _append(st, [entry for entry, _ in batch])
                self.batches += 1
                for (_, fut), seq in zip(batch, seqs, strict=True):
                    with contextlib.suppress(InvalidStateError):  # the caller cancelled it
                        fut.set_result(seq)
                # Asked only when it may be due (the store's answer is the same otherwise):
                # a request waiting behind the next batch should not pay for the question.
                self._unchecked += len(batch)
                if (
                    self._unchecked >= CHECKPOINT_EVERY
                    or time.monotonic() - self._checked_at >= CHECKPOINT_SECONDS
                ):
                    checkpoint_if_due(st, key_path=self._key_path)
                    self._unchecked, self._checked_at = 0, time.monotonic()
        except BaseException as err:  # the thread lives on; each waiting request gets the error
            for _, fut in batch:
                if not fut.done():
                    fut.set_exception(err)
