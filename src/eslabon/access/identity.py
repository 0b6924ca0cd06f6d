"""Who someone is: agencies, accounts, log-on with password and TOTP, lockout and sessions.

Passwords are hashed with argon2id; the second factor is RFC 6238 TOTP. Every change to an agency
or an account and every log-on attempt is written to the audit log. Times are UTC; every function
that depends on the clock takes ``now=`` so tests (and replays) can move time.

``$ESLABON_ARGON2_FAST=1`` lowers the argon2 cost to almost nothing. It exists only so the test
suite does not spend 64 MiB and a tenth of a second on every hash; never set it for a real
workspace (hashes made with it are upgraded on the next successful log-on without it).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pyotp
import yaml
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from eslabon.access import audit
from eslabon.access.principal import ROLES, Principal
from eslabon.errors import EslabonError
from eslabon.store import Store

COUNTRIES = ("USA", "MEX")
MIN_PASSWORD = 12
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
IDLE_LIMIT = timedelta(minutes=30)
# A busy server must not write on every request: last_seen moves at most this often, so a session
# may end up to this much earlier than exactly 30 idle minutes.
TOUCH_EVERY = timedelta(minutes=1)
TOTP_ISSUER = "eslabon"
AUTO_LOCK_REASON = f"{MAX_FAILURES} failed log-ons within {FAILURE_WINDOW.seconds // 60} minutes"

_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_AGENCY = re.compile(r"^[A-Z][A-Z0-9_-]{0,31}$")

# Same text whether the user is unknown, the password wrong or the code wrong: a caller must not
# learn which accounts exist.
FAILED_MESSAGE = "log-on failed: wrong user name, password or code"
LOCKED_MESSAGE = "account locked"


class AuthError(EslabonError):
    """A refused log-on. ``reason`` is 'failed' or 'locked'; the message never says more."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        if reason == "locked":
            super().__init__(LOCKED_MESSAGE, hint="ask an administrator to unlock the account")
        else:
            super().__init__(FAILED_MESSAGE)


class SessionExpired(AuthError):
    """The session token is unknown, ended, idle too long, or its user is locked: log on again."""

    def __init__(self, why: str = "session expired") -> None:
        self.reason = "expired"
        EslabonError.__init__(self, why, hint="log on again")


# -- hashing ---------------------------------------------------------------------------------------
def _fast() -> bool:
    return os.environ.get("ESLABON_ARGON2_FAST") == "1"


@cache
def _hasher_for(fast: bool) -> PasswordHasher:
    if fast:  # tests only: see the module docstring
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
    # RFC 9106's second recommended option: 64 MiB, 3 passes, 4 lanes.
    return PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4, type=Type.ID)


def hasher() -> PasswordHasher:
    """The argon2id hasher in force (real parameters unless $ESLABON_ARGON2_FAST=1)."""
    return _hasher_for(_fast())


@cache
def _dummy_hash(fast: bool) -> str:
    # Verified against when the user is unknown, so that case costs the same time as a real one.
    return _hasher_for(fast).hash(secrets.token_hex(16))


def _verify(password_hash: str | None, password: str) -> bool:
    ph = hasher()
    try:
        return ph.verify(password_hash or _dummy_hash(_fast()), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


# -- time ------------------------------------------------------------------------------------------
def _utc(now: datetime | None) -> datetime:
    """Aware UTC time (pyotp reads naive datetimes as local time)."""
    if now is None:
        return datetime.now(UTC)
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def _db(moment: datetime) -> datetime:
    """The store keeps naive UTC timestamps."""
    return moment.astimezone(UTC).replace(tzinfo=None)


# -- who acts --------------------------------------------------------------------------------------
def _actor(by: Principal | str) -> tuple[Principal | None, str]:
    """(principal for the audit log, actor name). A Principal must hold the `users` permission;
    a plain name is a trusted caller (a script, the demo world) vouching for itself."""
    if isinstance(by, Principal):
        by.require("users")
        return by, by.username
    return None, by


def _audit(
    store: Store,
    principal: Principal | None,
    name: str,
    action: str,
    outcome: str,
    detail: dict[str, Any],
    remote: str | None,
) -> None:
    audit.record(
        store,
        principal,
        action,
        outcome,
        detail=detail,
        remote=remote,
        username=None if principal is not None else name,
    )


# -- agencies --------------------------------------------------------------------------------------
def add_agency(
    store: Store,
    code: str,
    name: str,
    country: str,
    *,
    law_enforcement: bool = True,
    purposes: Iterable[str] = (),
    by: Principal | str,
    remote: str | None = None,
) -> None:
    """Add an agency, or update it when its values changed (re-adding the same values is a no-op)."""
    principal, actor = _actor(by)
    if not _AGENCY.match(code or ""):
        raise EslabonError(
            f"agency code {code!r} is not valid",
            field="code",
            hint="upper-case letters, digits, '-' or '_', starting with a letter, e.g. CBP or UIF",
        )
    if country not in COUNTRIES:
        raise EslabonError(
            f"country {country!r} is not one eslabon knows",
            field="country",
            hint="USA or MEX",
        )
    if not (name or "").strip():
        raise EslabonError(f"agency {code} needs a name", field="name")
    wanted = {
        "name": name.strip(),
        "country": country,
        "law_enforcement": bool(law_enforcement),
        "purposes": sorted({p.strip() for p in purposes if p and p.strip()}),
    }
    with store.transaction():
        row = store.query_one(
            "SELECT name, country, law_enforcement, purposes FROM agencies WHERE agency = ?",
            [code],
        )
        if row is None:
            store.execute(
                "INSERT INTO agencies VALUES (?, ?, ?, ?, ?, ?)",
                [
                    code,
                    wanted["name"],
                    country,
                    wanted["law_enforcement"],
                    json.dumps(wanted["purposes"]),
                    _db(_utc(None)),
                ],
            )
            detail: dict[str, Any] = {"agency": code, **wanted}
        else:
            have = {
                "name": row[0],
                "country": row[1],
                "law_enforcement": bool(row[2]),
                "purposes": sorted(json.loads(row[3])),
            }
            changed = {k: v for k, v in wanted.items() if have[k] != v}
            if not changed:
                return
            store.execute(
                "UPDATE agencies SET name = ?, country = ?, law_enforcement = ?, purposes = ? "
                "WHERE agency = ?",
                [
                    wanted["name"],
                    country,
                    wanted["law_enforcement"],
                    json.dumps(wanted["purposes"]),
                    code,
                ],
            )
            detail = {"agency": code, "changed": changed}
        _audit(store, principal, actor, "agency.add", "ok", detail, remote)


def list_agencies(store: Store) -> list[dict[str, Any]]:
    """Every agency with its country, law-enforcement flag, purposes and number of users."""
    rows = store.query_dicts(
        "SELECT a.agency, a.name, a.country, a.law_enforcement, a.purposes, "
        "(SELECT count(*) FROM users u WHERE u.agency = a.agency) AS users "
        "FROM agencies a ORDER BY a.agency"
    )
    for r in rows:
        r["purposes"] = json.loads(r["purposes"])
    return rows


# -- accounts --------------------------------------------------------------------------------------
def accounts_exist(store: Store) -> bool:
    """Whether setup mode is over: any account at all, demo or not."""
    row = store.query_one("SELECT count(*) FROM users")
    return bool(row and row[0])


def _check_password(password: str, *, demo: bool) -> None:
    if demo:
        if not password:
            raise EslabonError("a demo account still needs a password", field="password")
        return
    if len(password or "") < MIN_PASSWORD:
        raise EslabonError(
            f"the password is shorter than {MIN_PASSWORD} characters",
            field="password",
            hint="a long passphrase of several words is easiest to remember",
        )


def add_user(
    store: Store,
    username: str,
    role: str,
    agency: str,
    password: str,
    *,
    demo: bool = False,
    full_name: str | None = None,
    by: Principal | str,
    remote: str | None = None,
) -> str | None:
    """Create an account; return its otpauth:// provisioning URI (None for a demo account).

    The URI holds the TOTP secret: show it to the new user once (as text or a QR code).
    While no account exists the first one must be an administrator, so someone can manage the rest.
    """
    principal, actor = _actor(by)
    if not _USERNAME.match(username or ""):
        raise EslabonError(
            f"user name {username!r} is not valid",
            field="username",
            hint="letters, digits, '.', '_', '-' or '@', at most 64, starting with a letter or digit",
        )
    if role not in ROLES:
        raise EslabonError(
            f"unknown role {role!r}", field="role", hint=f"one of: {', '.join(ROLES)}"
        )
    _check_password(password, demo=demo)
    password_hash = hasher().hash(password)
    secret = None if demo else pyotp.random_base32()
    with store.transaction():
        if store.query_one("SELECT 1 FROM agencies WHERE agency = ?", [agency]) is None:
            raise EslabonError(
                f"unknown agency {agency!r}",
                field="agency",
                hint=f"add it first: eslabon users agency-add {agency} --name … --country USA|MEX",
            )
        if store.query_one("SELECT 1 FROM users WHERE username = ?", [username]) is not None:
            raise EslabonError(
                f"user {username} already exists",
                field="username",
                hint="eslabon users list shows the accounts",
            )
        if role != "administrator" and not accounts_exist(store):
            raise EslabonError(
                "the first account must be an administrator",
                field="role",
                hint="create an administrator first; it manages every other account",
            )
        store.execute(
            "INSERT INTO users (username, full_name, role, agency, password_hash, totp_secret, "
            "demo, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                username,
                full_name,
                role,
                agency,
                password_hash,
                secret,
                bool(demo),
                _db(_utc(None)),
                actor,
            ],
        )
        _audit(
            store,
            principal,
            actor,
            "user.add",
            "ok",
            {"user": username, "role": role, "agency": agency, "demo": bool(demo)},
            remote,
        )
    if secret is None:
        return None
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=TOTP_ISSUER)


def _user(store: Store, username: str) -> dict[str, Any] | None:
    rows = store.query_dicts("SELECT * FROM users WHERE username = ?", [username])
    return rows[0] if rows else None


def _require_user(store: Store, username: str) -> dict[str, Any]:
    user = _user(store, username)
    if user is None:
        raise EslabonError(
            f"unknown user {username!r}", hint="eslabon users list shows the accounts"
        )
    return user


def _principal(store: Store, username: str) -> Principal:
    row = store.query_one(
        "SELECT u.role, u.agency, a.country, a.law_enforcement, a.purposes "
        "FROM users u LEFT JOIN agencies a ON a.agency = u.agency WHERE u.username = ?",
        [username],
    )
    if row is None:
        raise EslabonError(f"unknown user {username!r}")
    role, agency, country, law_enforcement, purposes = row
    return Principal(
        username=username,
        role=role,
        agency=agency,
        country=country,
        law_enforcement=bool(law_enforcement),
        purposes=frozenset(json.loads(purposes) if purposes else ()),
    )


def list_users(store: Store) -> list[dict[str, Any]]:
    """Every account without its password hash or TOTP secret, with its last successful log-on."""
    return store.query_dicts(
        "SELECT u.username, u.full_name, u.role, u.agency, a.country, u.demo, "
        "u.totp_secret IS NOT NULL AS totp, u.locked_at, u.locked_reason, u.created_at, "
        "u.created_by, (SELECT max(l.at_time) FROM login_attempts l "
        "  WHERE l.username = u.username AND l.ok) AS last_login "
        "FROM users u LEFT JOIN agencies a ON a.agency = u.agency ORDER BY u.username"
    )


def principal_for(store: Store, username: str | None) -> Principal:
    """The principal a CLI command acts as. The OS login is the credential, so no password.

    No name and no accounts: the setup-mode local operator. Once accounts exist a name is needed,
    and it must be a known, unlocked account.
    """
    if username is None:
        if not accounts_exist(store):
            return Principal.local_operator()
        raise EslabonError(
            "this workspace has accounts: say who you are",
            hint="eslabon --as USER … or set $ESLABON_USER",
        )
    user = _user(store, username)
    if user is None:
        hint = (
            "this workspace has no accounts yet (setup mode): run without --as / $ESLABON_USER"
            if not accounts_exist(store)
            else "eslabon users list shows the accounts"
        )
        raise EslabonError(f"unknown user {username!r}", hint=hint)
    if user["locked_at"] is not None:
        raise EslabonError(
            f"account {username} is locked ({user['locked_reason']})",
            hint="ask an administrator to unlock it",
        )
    return _principal(store, username)


def _end_sessions(store: Store, username: str, reason: str, moment: datetime) -> None:
    store.execute(
        "UPDATE sessions SET ended_at = ?, end_reason = ? WHERE username = ? AND ended_at IS NULL",
        [_db(moment), reason, username],
    )


def _lock(store: Store, username: str, reason: str, moment: datetime) -> None:
    store.execute(
        "UPDATE users SET locked_at = ?, locked_reason = ? WHERE username = ?",
        [_db(moment), reason, username],
    )
    _end_sessions(store, username, "locked", moment)


def lock_user(
    store: Store,
    username: str,
    *,
    by: Principal | str,
    reason: str,
    remote: str | None = None,
    now: datetime | None = None,
) -> None:
    """Lock an account and end its sessions, until an administrator unlocks it."""
    principal, actor = _actor(by)
    if not (reason or "").strip():
        raise EslabonError("say why the account is locked", field="reason")
    moment = _utc(now)
    with store.transaction():
        user = _require_user(store, username)
        if actor == username:
            raise EslabonError("you cannot lock your own account", hint="ask another administrator")
        if user["role"] == "administrator" and user["locked_at"] is None:
            others = store.query_one(
                "SELECT count(*) FROM users WHERE role = 'administrator' AND locked_at IS NULL "
                "AND username <> ?",
                [username],
            )[0]
            if not others:
                raise EslabonError(
                    f"{username} is the last unlocked administrator",
                    hint="add another administrator first, or nobody could unlock accounts",
                )
        _lock(store, username, reason.strip(), moment)
        _audit(
            store,
            principal,
            actor,
            "user.lock",
            "ok",
            {"user": username, "reason": reason.strip()},
            remote,
        )


def unlock_user(
    store: Store,
    username: str,
    *,
    by: Principal | str,
    remote: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Unlock an account; failures before the unlock no longer count. False if it was not locked."""
    principal, actor = _actor(by)
    moment = _utc(now)
    with store.transaction():
        user = _require_user(store, username)
        if user["locked_at"] is None:
            return False
        store.execute(
            "UPDATE users SET locked_at = NULL, locked_reason = NULL, unlocked_at = ? "
            "WHERE username = ?",
            [_db(moment), username],
        )
        _audit(
            store,
            principal,
            actor,
            "user.unlock",
            "ok",
            {"user": username, "was_locked_for": user["locked_reason"]},
            remote,
        )
    return True


def change_password(
    store: Store,
    username: str,
    new_password: str,
    *,
    by: Principal | str,
    current_password: str | None = None,
    remote: str | None = None,
) -> None:
    """Set a new password: the user themself (giving the current one) or an administrator."""
    own = (by.username if isinstance(by, Principal) else by) == username
    if own:
        principal: Principal | None = by if isinstance(by, Principal) else None
        actor = username
    else:
        principal, actor = _actor(by)
    user = _require_user(store, username)
    _check_password(new_password, demo=bool(user["demo"]))
    right = not own or _verify(user["password_hash"], current_password or "")
    with store.transaction():
        if right:
            store.execute(
                "UPDATE users SET password_hash = ? WHERE username = ?",
                [hasher().hash(new_password), username],
            )
        outcome = "ok" if right else "failed"
        _audit(store, principal, actor, "user.password", outcome, {"user": username}, remote)
    if not right:
        raise EslabonError("the current password is wrong", field="current_password")


# -- log-on ----------------------------------------------------------------------------------------
def _recent_failures(
    store: Store, username: str, moment: datetime, unlocked_at: datetime | None
) -> int:
    """Failures in the last 15 minutes since the last success and since the last unlock."""
    since = _db(moment - FAILURE_WINDOW)
    row = store.query_one(
        "SELECT count(*) FROM login_attempts WHERE username = ? AND NOT ok AND at_time > ? "
        "AND at_time > coalesce((SELECT max(at_time) FROM login_attempts "
        "    WHERE username = ? AND ok), TIMESTAMP '1970-01-01') "
        "AND at_time > coalesce(?::TIMESTAMP, TIMESTAMP '1970-01-01')",
        [username, since, username, unlocked_at],
    )
    return int(row[0])


def _totp_counter(secret: str, code: str | None, moment: datetime, last: int | None) -> int | None:
    """The time step the code belongs to (one step of drift either way), if not used before."""
    if not code:
        return None
    code = code.strip().replace(" ", "")
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(moment)
    for step in (now_step - 1, now_step, now_step + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            if last is not None and step <= last:
                return None  # replay: this code (or a later one) was already accepted
            return step
    return None


def authenticate(
    store: Store,
    username: str,
    password: str,
    totp_code: str | None,
    *,
    remote: str | None = None,
    now: datetime | None = None,
) -> Principal:
    """Check a log-on; return the principal or raise AuthError. Every attempt is recorded.

    Unknown user, wrong password and wrong code raise the same error. The 5th failure within
    15 minutes locks the account until an administrator unlocks it. Unknown names are refused
    with 'account locked' after 5 failures too, so the answer never tells which accounts exist.
    """
    moment = _utc(now)
    with store.transaction():
        user = _user(store, username or "")
        outcome, why, step = "failed", "", None
        if user is not None and user["locked_at"] is not None:
            outcome, why = "locked", "account is locked"
            _verify(None, password or "")  # same cost as any other attempt
        elif not _verify(user["password_hash"] if user else None, password or ""):
            why = "unknown user" if user is None else "wrong password"
        elif not user["demo"]:
            step = _totp_counter(user["totp_secret"], totp_code, moment, user["totp_last_counter"])
            if step is None:
                why = "wrong or reused code"
            else:
                outcome = "ok"
        else:
            outcome = "ok"

        store.execute(
            "INSERT INTO login_attempts VALUES (?, ?, ?, ?)",
            [username or "", _db(moment), outcome == "ok", remote],
        )
        refusal = outcome
        if outcome == "failed":
            unlocked = user["unlocked_at"] if user else None
            if _recent_failures(store, username or "", moment, unlocked) >= MAX_FAILURES:
                refusal = "locked"  # for an unknown name too: the answer must not differ
                if user is not None:
                    outcome = "locked"
                    _lock(store, username, AUTO_LOCK_REASON, moment)
                    why = f"{why}; locked: {AUTO_LOCK_REASON}"
        if outcome == "ok":
            store.execute(
                "UPDATE users SET totp_last_counter = coalesce(?, totp_last_counter) "
                "WHERE username = ?",
                [step, username],
            )
            # Upgrade old or test-cost hashes; never downgrade one because of the test setting.
            if not _fast() and hasher().check_needs_rehash(user["password_hash"]):
                store.execute(
                    "UPDATE users SET password_hash = ? WHERE username = ?",
                    [hasher().hash(password), username],
                )
            principal = _principal(store, username)
            audit.record(store, principal, "login", "ok", remote=remote)
        else:
            audit.record(
                store,
                None,
                "login",
                outcome,
                detail={"reason": why},
                remote=remote,
                username=username or "",
            )
    if outcome != "ok":
        raise AuthError(refusal)
    return principal


# -- sessions --------------------------------------------------------------------------------------
def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(
    store: Store, username: str, *, remote: str | None = None, now: datetime | None = None
) -> str:
    """Open a session after a successful log-on; return the token (the store keeps its SHA-256)."""
    moment = _db(_utc(now))
    user = _require_user(store, username)
    if user["locked_at"] is not None:
        raise AuthError("locked")
    token = secrets.token_urlsafe(32)
    store.execute(
        "INSERT INTO sessions VALUES (?, ?, ?, ?, NULL, NULL, ?)",
        [_token_hash(token), username, moment, moment, remote],
    )
    return token


def session_principal(store: Store, token: str, *, now: datetime | None = None) -> Principal:
    """The principal behind a session token, or SessionExpired (ended, idle, locked, unknown)."""
    moment = _utc(now)
    digest = _token_hash(token or "")
    with store.transaction():
        row = store.query_one(
            "SELECT s.username, s.last_seen, s.ended_at, u.locked_at, u.username IS NULL "
            "FROM sessions s LEFT JOIN users u ON u.username = s.username "
            "WHERE s.token_sha256 = ?",
            [digest],
        )
        if row is None or row[2] is not None:
            expired = "session ended" if row else "unknown session"
        else:
            username, last_seen, _, locked_at, gone = row
            idle = _db(moment) - last_seen
            if locked_at is not None or gone:
                expired, reason = "account locked", "locked"
            elif idle > IDLE_LIMIT:
                expired, reason = "session expired after 30 idle minutes", "idle"
            else:
                expired = ""
                if idle >= TOUCH_EVERY:
                    store.execute(
                        "UPDATE sessions SET last_seen = ? WHERE token_sha256 = ?",
                        [_db(moment), digest],
                    )
                principal = _principal(store, username)
            if expired:
                store.execute(
                    "UPDATE sessions SET ended_at = ?, end_reason = ? WHERE token_sha256 = ?",
                    [_db(moment), reason, digest],
                )
    if expired:
        raise SessionExpired(expired)
    return principal


def end_session(
    store: Store, token: str, reason: str = "logout", *, now: datetime | None = None
) -> bool:
    """End a session (log-out); False when it was unknown or already ended."""
    digest = _token_hash(token or "")
    with store.transaction():
        row = store.query_one(
            "SELECT ended_at FROM sessions WHERE token_sha256 = ?",
            [digest],
        )
        if row is None or row[0] is not None:
            return False
        store.execute(
            "UPDATE sessions SET ended_at = ?, end_reason = ? WHERE token_sha256 = ?",
            [_db(_utc(now)), reason, digest],
        )
    return True


# -- bulk load -------------------------------------------------------------------------------------
_AGENCY_KEYS = {"code", "name", "country", "law_enforcement", "purposes"}
_USER_KEYS = {"username", "role", "agency", "password", "full_name", "demo"}


def _item_lines(text: str, key: str) -> list[int]:
    """Line (1-based) of each item of the top-level list ``key``, for error messages."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for k, v in root.value:
        if getattr(k, "value", None) == key and isinstance(v, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in v.value]
    return []


def load_accounts(
    store: Store, path: Path, *, by: Principal | str, remote: str | None = None
) -> dict[str, Any]:
    """Add the agencies and users of a YAML file (``agencies:`` and ``users:`` lists), all or none.

    Users marked ``demo: true`` get no TOTP. Re-loading the same file changes nothing: existing
    users are left as they are (their password too) unless role or agency differ, which is an error.
    Administrators are added first, so a file can end setup mode. Returns what was done, with the
    provisioning URI of every new non-demo account.
    """
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
        data = yaml.safe_load(text) or {}
    except OSError as err:
        raise EslabonError(f"cannot read the file: {err.strerror}", file=file) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise EslabonError(
            f"not valid YAML: {getattr(err, 'problem', err)}",
            file=file,
            line=mark.line + 1 if mark else None,
        ) from None
    if not isinstance(data, dict) or not set(data) <= {"agencies", "users"}:
        raise EslabonError(
            "expected a mapping with 'agencies' and 'users' lists",
            file=file,
            hint="agencies: [{code, name, country, …}]  users: [{username, role, agency, password}]",
        )
    sections: dict[str, list[tuple[int | None, dict[str, Any]]]] = {}
    for key, allowed, required in (
        ("agencies", _AGENCY_KEYS, {"code", "name", "country"}),
        ("users", _USER_KEYS, {"username", "role", "agency", "password"}),
    ):
        items = data.get(key) or []
        if not isinstance(items, list):
            raise EslabonError(f"'{key}' must be a list", file=file, field=key)
        lines = _item_lines(text, key)
        checked = []
        for i, item in enumerate(items):
            line = lines[i] if i < len(lines) else None
            if not isinstance(item, dict):
                raise EslabonError("expected a mapping", file=file, line=line, field=f"{key}[{i}]")
            unknown = sorted(set(item) - allowed)
            missing = sorted(required - set(item))
            if unknown or missing:
                raise EslabonError(
                    f"unknown field {unknown[0]!r}" if unknown else f"missing {missing[0]!r}",
                    file=file,
                    line=line,
                    field=f"{key}[{i}].{(unknown or missing)[0]}",
                    hint=f"fields: {', '.join(sorted(allowed))}",
                )
            for field_name in required:
                if not isinstance(item[field_name], str):
                    raise EslabonError(
                        "expected text (quote it)",
                        file=file,
                        line=line,
                        field=f"{key}[{i}].{field_name}",
                    )
            checked.append((line, item))
        sections[key] = checked

    def again(err: EslabonError, line: int | None, key: str, i: int, what: str) -> EslabonError:
        field_name = f"{key}[{i}]" + (f".{err.field}" if err.field else "")
        return EslabonError(
            f"{what}: {err.message}", file=file, line=line, field=field_name, hint=err.hint
        )

    done: dict[str, Any] = {"agencies": 0, "added": [], "present": []}
    users = sorted(enumerate(sections["users"]), key=lambda e: e[1][1]["role"] != "administrator")
    with store.transaction():
        for i, (line, a) in enumerate(sections["agencies"]):
            try:
                add_agency(
                    store,
                    a["code"],
                    a["name"],
                    a["country"],
                    law_enforcement=bool(a.get("law_enforcement", True)),
                    purposes=[str(p) for p in a.get("purposes") or ()],
                    by=by,
                    remote=remote,
                )
            except EslabonError as err:
                raise again(err, line, "agencies", i, f"agency {a['code']}") from None
            done["agencies"] += 1
        for i, (line, u) in users:
            have = _user(store, u["username"])
            if have is not None:
                if (have["role"], have["agency"]) != (u["role"], u["agency"]):
                    raise EslabonError(
                        f"user {u['username']} exists as {have['role']} of {have['agency']}, "
                        f"the file says {u['role']} of {u['agency']}",
                        file=file,
                        line=line,
                        field=f"users[{i}]",
                        hint="a load never changes an existing account; fix the file or the account",
                    )
                done["present"].append(u["username"])
                continue
            try:
                uri = add_user(
                    store,
                    u["username"],
                    u["role"],
                    u["agency"],
                    u["password"],
                    demo=bool(u.get("demo", False)),
                    full_name=u.get("full_name"),
                    by=by,
                    remote=remote,
                )
            except EslabonError as err:
                raise again(err, line, "users", i, f"user {u['username']}") from None
            done["added"].append({"username": u["username"], "totp_uri": uri})
    return done
