"""Accounts on a real workspace: argon2id hashes, TOTP with replay refusal, lockout, sessions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from argon2 import PasswordHasher

from eslabon.access import identity
from eslabon.access.identity import AuthError, SessionExpired
from eslabon.access.principal import Principal
from eslabon.errors import EslabonError
from eslabon.store import open_store

T0 = datetime(2026, 3, 2, 10, 0, 0, tzinfo=UTC)
ADMIN_PW = "admin passphrase 2026"
ANA_PW = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fast_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESLABON_ARGON2_FAST", "1")


@pytest.fixture
def world(store):
    """Two agencies, an administrator and an analyst; returns their TOTP objects."""
    identity.add_agency(store, "CBP", "Customs and Border Protection", "USA", by="test")
    identity.add_agency(
        store,
        "UIF",
        "Unidad de Inteligencia Financiera",
        "MEX",
        purposes=["lavado de dinero"],
        by="test",
    )
    admin_uri = identity.add_user(store, "root", "administrator", "CBP", ADMIN_PW, by="test")
    ana_uri = identity.add_user(
        store, "ana", "analyst", "UIF", ANA_PW, full_name="Ana Ruiz", by="test"
    )
    return {
        "root": pyotp.TOTP(pyotp.parse_uri(admin_uri).secret),
        "ana": pyotp.TOTP(pyotp.parse_uri(ana_uri).secret),
        "admin": identity.principal_for(store, "root"),
    }


def _audit(store, action: str) -> list[dict]:
    return store.query_dicts(
        "SELECT username, action, outcome, detail FROM audit_log WHERE action = ? ORDER BY seq",
        [action],
    )


def _wrong_code(totp: pyotp.TOTP, at: datetime) -> str:
    """A six-digit code that is valid in none of the three accepted time steps."""
    valid = {totp.at(at + timedelta(seconds=30 * k)) for k in (-1, 0, 1)}
    return next(c for c in ("123456", "654321", "000000", "999999") if c not in valid)


def _text_cells_containing(store, needle: str) -> list[str]:
    """Every table.column whose text holds ``needle``: a password must never be among them."""
    hits = []
    columns = store.query(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'"
    )
    for table, column in columns:
        n = store.query_one(
            f'SELECT count(*) FROM "{table}" WHERE strpos(CAST("{column}" AS VARCHAR), ?) > 0',
            [needle],
        )[0]
        if n:
            hits.append(f"{table}.{column}")
    return hits


# -- hashing ---------------------------------------------------------------------------------------
def test_hash_is_argon2id_and_no_password_or_secret_is_stored_in_clear(store, world):
    row = store.query_one("SELECT password_hash, totp_secret FROM users WHERE username = 'ana'")
    assert row[0].startswith("$argon2id$")
    assert PasswordHasher().verify(row[0], ANA_PW)
    code = world["ana"].at(T0)
    identity.authenticate(store, "ana", ANA_PW, code, now=T0)
    with pytest.raises(AuthError):
        identity.authenticate(store, "ana", "a wrong guess 123", "000000", now=T0)
    with pytest.raises(AuthError):
        identity.authenticate(store, "nobody", ANA_PW, code, now=T0)
    assert _audit(store, "login"), "log-on attempts are audited"
    for secret_text in (ANA_PW, ADMIN_PW, "a wrong guess 123"):
        assert _text_cells_containing(store, secret_text) == []
    # the TOTP secret lives only in users.totp_secret, never in the audit log
    assert _text_cells_containing(store, row[1]) == ["users.totp_secret"]
    path = store.path
    store.execute("CHECKPOINT")
    store.close()
    assert ANA_PW.encode() not in Path(path).read_bytes()


def test_real_argon2_parameters_and_rehash_on_log_on(store, world, monkeypatch):
    fast_hash = store.query_one("SELECT password_hash FROM users WHERE username = 'ana'")[0]
    assert "m=8," in fast_hash
    monkeypatch.delenv("ESLABON_ARGON2_FAST")
    identity.authenticate(store, "ana", ANA_PW, world["ana"].at(T0), now=T0)
    real_hash = store.query_one("SELECT password_hash FROM users WHERE username = 'ana'")[0]
    assert real_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PasswordHasher().verify(real_hash, ANA_PW)


def test_password_policy_and_bad_input(store, world):
    with pytest.raises(EslabonError, match="shorter than 12"):
        identity.add_user(store, "bo", "analyst", "CBP", "short pw 1", by="test")
    assert identity.add_user(store, "demo1", "analyst", "CBP", "demo", demo=True, by="t") is None
    with pytest.raises(EslabonError, match="unknown agency") as err:
        identity.add_user(store, "bo", "analyst", "FBI", ANA_PW, by="test")
    assert "agency-add" in err.value.hint
    with pytest.raises(EslabonError, match="unknown role") as err:
        identity.add_user(store, "bo", "sheriff", "CBP", ANA_PW, by="test")
    assert "administrator" in err.value.hint
    with pytest.raises(EslabonError, match="already exists"):
        identity.add_user(store, "ana", "analyst", "CBP", ANA_PW, by="test")
    with pytest.raises(EslabonError, match="country"):
        identity.add_agency(store, "GUA", "Policía", "GTM", by="test")
    assert store.query_one("SELECT count(*) FROM users WHERE username = 'bo'")[0] == 0


def test_first_account_must_be_an_administrator(store):
    identity.add_agency(store, "CBP", "Customs", "USA", by="test")
    with pytest.raises(EslabonError, match="first account must be an administrator"):
        identity.add_user(store, "ana", "analyst", "CBP", ANA_PW, by="test")
    assert not identity.accounts_exist(store)
    assert identity.principal_for(store, None).setup
    identity.add_user(store, "root", "administrator", "CBP", ADMIN_PW, by="test")
    assert identity.accounts_exist(store)
    with pytest.raises(EslabonError, match="say who you are"):
        identity.principal_for(store, None)


def test_agency_re_add_is_idempotent_and_changes_are_audited(store, world):
    before = len(_audit(store, "agency.add"))
    identity.add_agency(
        store,
        "UIF",
        "Unidad de Inteligencia Financiera",
        "MEX",
        purposes=["lavado de dinero"],
        by="test",
    )
    assert len(_audit(store, "agency.add")) == before
    identity.add_agency(store, "UIF", "UIF", "MEX", law_enforcement=False, by=world["admin"])
    entries = _audit(store, "agency.add")
    assert len(entries) == before + 1
    assert entries[-1]["username"] == "root"
    assert json.loads(entries[-1]["detail"])["changed"] == {
        "name": "UIF",
        "law_enforcement": False,
        "purposes": [],
    }
    ana = identity.principal_for(store, "ana")
    assert (ana.country, ana.law_enforcement, ana.purposes) == ("MEX", False, frozenset())


def test_principal_for_named_users(store, world):
    ana = identity.principal_for(store, "ana")
    assert ana == Principal("ana", "analyst", "UIF", "MEX", True, frozenset({"lavado de dinero"}))
    with pytest.raises(EslabonError, match="unknown user"):
        identity.principal_for(store, "mallory")
    identity.lock_user(store, "ana", by=world["admin"], reason="left the task force")
    with pytest.raises(EslabonError, match="locked"):
        identity.principal_for(store, "ana")


def test_only_administrators_manage_users(store, world):
    ana = identity.principal_for(store, "ana")
    with pytest.raises(EslabonError, match="may not users"):
        identity.add_user(store, "bo", "analyst", "CBP", ANA_PW, by=ana)
    with pytest.raises(EslabonError, match="may not users"):
        identity.lock_user(store, "root", by=ana, reason="coup")


def test_list_users_never_shows_hash_or_secret(store, world):
    rows = identity.list_users(store)
    assert [r["username"] for r in rows] == ["ana", "root"]
    secret = store.query_one("SELECT totp_secret FROM users WHERE username = 'ana'")[0]
    for r in rows:
        assert not {"password_hash", "totp_secret"} & set(r)
        assert not any(isinstance(v, str) and ("$argon2" in v or v == secret) for v in r.values())
    assert rows[0]["totp"] is True and rows[0]["country"] == "MEX"


# -- TOTP ------------------------------------------------------------------------------------------
def test_totp_accept_reject_and_replay(store, world):
    totp = world["ana"]
    p = identity.authenticate(store, "ana", ANA_PW, totp.at(T0), now=T0)
    assert (p.username, p.role, p.agency, p.country) == ("ana", "analyst", "UIF", "MEX")
    # the same code again, within its window: a replay
    with pytest.raises(AuthError) as err:
        identity.authenticate(store, "ana", ANA_PW, totp.at(T0), now=T0 + timedelta(seconds=5))
    assert err.value.reason == "failed"
    # an older code than the last accepted one is refused too
    with pytest.raises(AuthError):
        identity.authenticate(
            store, "ana", ANA_PW, totp.at(T0 - timedelta(seconds=30)), now=T0 + timedelta(seconds=5)
        )
    # the next step's code is fine
    later = T0 + timedelta(seconds=30)
    identity.authenticate(store, "ana", ANA_PW, totp.at(later), now=later)
    # a wrong code, a missing code and a code two steps old are refused
    much_later = T0 + timedelta(minutes=5)
    for code in (_wrong_code(totp, much_later), None):
        with pytest.raises(AuthError):
            identity.authenticate(store, "ana", ANA_PW, code, now=much_later)
    with pytest.raises(AuthError):
        identity.authenticate(
            store, "ana", ANA_PW, totp.at(much_later - timedelta(seconds=60)), now=much_later
        )
    # one step of clock drift either way is accepted
    identity.authenticate(
        store, "ana", ANA_PW, totp.at(much_later - timedelta(seconds=30)), now=much_later
    )
    attempts = store.query("SELECT ok FROM login_attempts WHERE username = 'ana' ORDER BY at_time")
    assert [ok for (ok,) in attempts].count(True) == 3
    assert len(attempts) == 8


def test_demo_accounts_need_no_code(store, world):
    identity.add_user(store, "demo", "analyst", "CBP", "demo", demo=True, by="test")
    assert store.query_one("SELECT totp_secret FROM users WHERE username = 'demo'")[0] is None
    assert identity.authenticate(store, "demo", "demo", None, now=T0).username == "demo"
    with pytest.raises(AuthError):
        identity.authenticate(store, "demo", "demo!", None, now=T0)


def test_same_error_for_unknown_user_wrong_password_and_wrong_code(store, world):
    code = world["ana"].at(T0)
    errors = []
    for user, pw, c in (
        ("nobody", ANA_PW, code),
        ("ana", "wrong password 99", code),
        ("ana", ANA_PW, _wrong_code(world["ana"], T0)),
    ):
        with pytest.raises(AuthError) as err:
            identity.authenticate(store, user, pw, c, now=T0, remote="10.0.0.7")
        errors.append((err.value.reason, str(err.value), err.value.hint))
    assert len(set(errors)) == 1 and errors[0][0] == "failed"
    logged = _audit(store, "login")
    assert [(e["username"], e["outcome"]) for e in logged] == [
        ("nobody", "failed"),
        ("ana", "failed"),
        ("ana", "failed"),
    ]
    assert store.query_one("SELECT count(*) FROM login_attempts WHERE remote = '10.0.0.7'")[0] == 3
    for e in logged:  # neither the password nor the code reaches the log
        assert ANA_PW not in e["detail"] and code not in e["detail"]


# -- lockout ---------------------------------------------------------------------------------------
def _fail(store, user: str, at: datetime) -> AuthError:
    with pytest.raises(AuthError) as err:
        identity.authenticate(store, user, "not the password", "000000", now=at)
    return err.value


def test_fifth_failure_within_15_minutes_locks_until_unlocked(store, world):
    reasons = [_fail(store, "ana", T0 + timedelta(minutes=3 * i)).reason for i in range(5)]
    assert reasons == ["failed"] * 4 + ["locked"]
    row = store.query_one("SELECT locked_at, locked_reason FROM users WHERE username = 'ana'")
    assert row[0] == (T0 + timedelta(minutes=12)).replace(tzinfo=None)
    assert "5 failed log-ons" in row[1]
    # right password and code, an hour later: still locked, with a distinct message
    later = T0 + timedelta(hours=1)
    with pytest.raises(AuthError) as err:
        identity.authenticate(store, "ana", ANA_PW, world["ana"].at(later), now=later)
    assert err.value.reason == "locked" and "locked" in str(err.value)
    assert str(err.value) != str(_fail(store, "nobody", later))
    assert [e["outcome"] for e in _audit(store, "login")][-3:] == ["locked", "locked", "failed"]

    assert identity.unlock_user(store, "ana", by=world["admin"], now=later)
    assert _audit(store, "user.unlock")[-1]["username"] == "root"
    # failures from before the unlock no longer count
    _fail(store, "ana", later + timedelta(minutes=1))
    p = identity.authenticate(
        store,
        "ana",
        ANA_PW,
        world["ana"].at(later + timedelta(minutes=2)),
        now=later + timedelta(minutes=2),
    )
    assert p.username == "ana"


def test_five_failures_spread_over_more_than_15_minutes_do_not_lock(store, world):
    reasons = [_fail(store, "ana", T0 + timedelta(minutes=4 * i)).reason for i in range(5)]
    assert reasons == ["failed"] * 5
    at = T0 + timedelta(minutes=17)
    assert identity.authenticate(store, "ana", ANA_PW, world["ana"].at(at), now=at)


def test_a_success_resets_the_count(store, world):
    for i in range(4):
        _fail(store, "ana", T0 + timedelta(seconds=10 * i))
    at = T0 + timedelta(minutes=1)
    identity.authenticate(store, "ana", ANA_PW, world["ana"].at(at), now=at)
    reasons = [_fail(store, "ana", at + timedelta(seconds=10 * (i + 1))).reason for i in range(4)]
    assert reasons == ["failed"] * 4


def test_unknown_names_answer_locked_like_real_accounts(store, world):
    reasons = [_fail(store, "ghost", T0 + timedelta(minutes=i)).reason for i in range(5)]
    assert reasons == ["failed"] * 4 + ["locked"]
    assert store.query_one("SELECT count(*) FROM users WHERE username = 'ghost'")[0] == 0


def test_lock_and_unlock_by_an_administrator(store, world):
    with pytest.raises(EslabonError, match="your own account"):
        identity.lock_user(store, "root", by=world["admin"], reason="oops")
    with pytest.raises(EslabonError, match="last unlocked administrator"):
        identity.lock_user(store, "root", by="script", reason="oops")
    identity.lock_user(store, "ana", by=world["admin"], reason="left the task force", now=T0)
    with pytest.raises(AuthError) as err:
        identity.authenticate(store, "ana", ANA_PW, world["ana"].at(T0), now=T0)
    assert err.value.reason == "locked"
    lock = _audit(store, "user.lock")[-1]
    assert lock["username"] == "root"
    assert json.loads(lock["detail"]) == {"user": "ana", "reason": "left the task force"}
    assert identity.unlock_user(store, "ana", by=world["admin"])
    assert not identity.unlock_user(store, "ana", by=world["admin"])
    at = T0 + timedelta(minutes=1)
    assert identity.authenticate(store, "ana", ANA_PW, world["ana"].at(at), now=at)


def test_change_password(store, world):
    ana = identity.principal_for(store, "ana")
    with pytest.raises(EslabonError, match="current password is wrong"):
        identity.change_password(
            store, "ana", "a brand new passphrase", by=ana, current_password="guess guess 1"
        )
    assert _audit(store, "user.password")[-1]["outcome"] == "failed"
    identity.change_password(
        store, "ana", "a brand new passphrase", by=ana, current_password=ANA_PW
    )
    with pytest.raises(EslabonError, match="shorter"):
        identity.change_password(store, "ana", "short", by=world["admin"])
    identity.change_password(store, "ana", "reset by the admin 1", by=world["admin"])
    with pytest.raises(AuthError):
        identity.authenticate(store, "ana", "a brand new passphrase", world["ana"].at(T0), now=T0)
    at = T0 + timedelta(seconds=30)
    assert identity.authenticate(store, "ana", "reset by the admin 1", world["ana"].at(at), now=at)
    assert [e["outcome"] for e in _audit(store, "user.password")] == ["failed", "ok", "ok"]
    assert _text_cells_containing(store, "reset by the admin 1") == []


# -- sessions --------------------------------------------------------------------------------------
def test_session_idle_timeout(store, world):
    token = identity.start_session(store, "ana", remote="10.0.0.7", now=T0)
    assert store.query_one("SELECT count(*) FROM sessions WHERE token_sha256 = ?", [token])[0] == 0
    assert _text_cells_containing(store, token) == []

    def last_seen():
        return store.query_one("SELECT last_seen FROM sessions")[0].replace(tzinfo=UTC)

    assert (
        identity.session_principal(store, token, now=T0 + timedelta(seconds=20)).username == "ana"
    )
    assert last_seen() == T0  # not written on every request
    identity.session_principal(store, token, now=T0 + timedelta(minutes=25))
    assert last_seen() == T0 + timedelta(minutes=25)
    identity.session_principal(store, token, now=T0 + timedelta(minutes=55))  # 30 min idle: ok
    with pytest.raises(SessionExpired):
        identity.session_principal(store, token, now=T0 + timedelta(minutes=85, seconds=1))
    assert store.query_one("SELECT end_reason FROM sessions")[0] == "idle"
    with pytest.raises(SessionExpired):  # ended stays ended
        identity.session_principal(store, token, now=T0 + timedelta(minutes=86))
    with pytest.raises(SessionExpired):
        identity.session_principal(store, "not-a-token", now=T0)


def test_logout_ends_the_session(store, world):
    token = identity.start_session(store, "ana", now=T0)
    assert identity.end_session(store, token, now=T0 + timedelta(minutes=1))
    assert not identity.end_session(store, token)
    with pytest.raises(SessionExpired):
        identity.session_principal(store, token, now=T0 + timedelta(minutes=2))
    assert store.query_one("SELECT end_reason FROM sessions")[0] == "logout"


def test_locking_a_user_ends_their_sessions(store, world):
    by_admin = identity.start_session(store, "ana", now=T0)
    identity.lock_user(store, "ana", by=world["admin"], reason="suspended", now=T0)
    with pytest.raises(SessionExpired):
        identity.session_principal(store, by_admin, now=T0 + timedelta(minutes=1))
    assert store.query_one("SELECT end_reason FROM sessions")[0] == "locked"
    with pytest.raises(AuthError):
        identity.start_session(store, "ana", now=T0)
    identity.unlock_user(store, "ana", by=world["admin"], now=T0 + timedelta(minutes=30))
    # a lockout by failed log-ons ends the open sessions too
    token = identity.start_session(store, "ana", now=T0 + timedelta(hours=1))
    for i in range(5):
        _fail(store, "ana", T0 + timedelta(hours=1, minutes=i))
    with pytest.raises(SessionExpired):
        identity.session_principal(store, token, now=T0 + timedelta(hours=1, minutes=6))
    reasons = store.query("SELECT end_reason FROM sessions ORDER BY created_at")
    assert reasons == [("locked",), ("locked",)]


def test_a_session_sees_a_lock_made_behind_its_back(world, store):
    token = identity.start_session(store, "ana", now=T0)
    # a lock written without going through lock_user (e.g. an older process) still ends it
    store.execute(
        "UPDATE users SET locked_at = ? WHERE username = 'ana'", [T0.replace(tzinfo=None)]
    )
    with pytest.raises(SessionExpired, match="locked"):
        identity.session_principal(store, token, now=T0 + timedelta(minutes=1))
    assert store.query_one("SELECT end_reason FROM sessions")[0] == "locked"


def test_accounts_survive_reopening(store_file, world, store):
    store.close()
    with open_store(store_file) as again:
        assert identity.accounts_exist(again)
        p = identity.authenticate(again, "ana", ANA_PW, world["ana"].at(T0), now=T0)
        assert p.agency == "UIF"
