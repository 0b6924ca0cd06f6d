"""`eslabon users …` through the real typer app on a real workspace file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import eslabon.cli  # noqa: F401  registers every command on the app
from eslabon.access import identity
from eslabon.cli.app import app
from eslabon.errors import EslabonError
from eslabon.store import open_store

ADMIN_PW = "admin passphrase 2026"


@pytest.fixture(autouse=True)
def fast_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESLABON_ARGON2_FAST", "1")
    monkeypatch.delenv("ESLABON_USER", raising=False)


def run(store_file: Path, *args: str, user: str | None = None, input: str | None = None):
    env = {"ESLABON_USER": user} if user else {}
    return CliRunner().invoke(
        app, ["users", *args, "--store", str(store_file)], input=input, env=env
    )


def _setup(store_file: Path) -> None:
    ok = run(
        store_file,
        "agency-add",
        "CBP",
        "--name",
        "Customs and Border Protection",
        "--country",
        "USA",
        "--purpose",
        "border security",
    )
    assert ok.exit_code == 0, ok.output
    ok = run(
        store_file,
        "agency-add",
        "UIF",
        "--name",
        "Unidad de Inteligencia Financiera",
        "--country",
        "MEX",
        "--not-law-enforcement",
    )
    assert ok.exit_code == 0, ok.output
    ok = run(
        store_file,
        "add",
        "chief",
        "--role",
        "administrator",
        "--agency",
        "CBP",
        "--password-stdin",
        input=ADMIN_PW + "\n",
    )
    assert ok.exit_code == 0, ok.output


def test_add_list_lock_unlock(store_file: Path) -> None:
    _setup(store_file)
    # setup mode is over: the CLI now needs a named administrator
    refused = run(store_file, "list")
    assert isinstance(refused.exception, EslabonError)
    assert "say who you are" in str(refused.exception)

    added = run(
        store_file,
        "add",
        "ana",
        "--role",
        "analyst",
        "--agency",
        "UIF",
        "--full-name",
        "Ana Ruiz",
        user="chief",
        input="correct horse battery staple\ncorrect horse battery staple\n",
    )
    assert added.exit_code == 0, added.output
    assert "TOTP secret:" in added.output and "otpauth://totp/eslabon:ana" in added.output
    assert "correct horse" not in added.output  # the prompt hides the password

    listed = run(store_file, "list", "--json", user="chief")
    assert listed.exit_code == 0, listed.output
    rows = {r["username"]: r for r in json.loads(listed.output)}
    assert set(rows) == {"ana", "chief"}
    assert rows["ana"]["role"] == "analyst" and rows["ana"]["country"] == "MEX"
    assert rows["ana"]["totp"] is True
    assert "$argon2" not in listed.output and "password" not in listed.output

    # an analyst may not manage accounts
    denied = run(store_file, "lock", "chief", "--reason", "coup", user="ana")
    assert isinstance(denied.exception, EslabonError)
    assert "may not users" in str(denied.exception)

    locked = run(store_file, "lock", "ana", "--reason", "left the task force", user="chief")
    assert locked.exit_code == 0, locked.output
    table = run(store_file, "list", user="chief")
    assert "left the task force" in table.output
    locked_out = run(store_file, "list", user="ana")
    assert "locked" in str(locked_out.exception)

    unlocked = run(store_file, "unlock", "ana", user="chief")
    assert unlocked.exit_code == 0 and "unlocked" in unlocked.output
    with open_store(store_file) as st:
        assert st.query_one("SELECT locked_at FROM users WHERE username = 'ana'")[0] is None
        actions = [a for (a,) in st.query("SELECT action FROM audit_log ORDER BY seq")]
        who = {u for (u,) in st.query("SELECT username FROM audit_log WHERE action = 'user.lock'")}
    assert actions.count("agency.add") == 2 and actions.count("user.add") == 2
    assert "user.lock" in actions and "user.unlock" in actions
    assert who == {"chief"}


def test_prompt_must_match_and_password_policy(store_file: Path) -> None:
    run(store_file, "agency-add", "CBP", "--name", "Customs", "--country", "USA")
    mismatch = run(
        store_file,
        "add",
        "chief",
        "--role",
        "administrator",
        "--agency",
        "CBP",
        input="first passphrase 1\nsecond passphrase\n",
    )
    assert mismatch.exit_code != 0
    short = run(
        store_file,
        "add",
        "chief",
        "--role",
        "administrator",
        "--agency",
        "CBP",
        "--password-stdin",
        input="short\n",
    )
    assert "shorter than 12" in str(short.exception)
    not_admin = run(
        store_file,
        "add",
        "ana",
        "--role",
        "analyst",
        "--agency",
        "CBP",
        "--password-stdin",
        input="long enough passphrase\n",
    )
    assert "first account must be an administrator" in str(not_admin.exception)
    bad_country = run(store_file, "agency-add", "PNC", "--name", "Policía", "--country", "GTM")
    assert "USA or MEX" in str(bad_country.exception)
    with open_store(store_file) as st:
        assert not identity.accounts_exist(st)


def test_demo_account_gets_no_second_factor(store_file: Path) -> None:
    _setup(store_file)
    demo = run(
        store_file,
        "add",
        "visitor",
        "--role",
        "analyst",
        "--agency",
        "CBP",
        "--demo",
        "--password-stdin",
        user="chief",
        input="demo\n",
    )
    assert demo.exit_code == 0, demo.output
    assert "TOTP" not in demo.output
    with open_store(store_file) as st:
        assert identity.authenticate(st, "visitor", "demo", None).username == "visitor"


WORLD = {
    "agencies": [
        {"code": "CBP", "name": "Customs and Border Protection", "country": "USA"},
        {
            "code": "UIF",
            "name": "Unidad de Inteligencia Financiera",
            "country": "MEX",
            "law_enforcement": False,
            "purposes": ["lavado de dinero"],
        },
    ],
    "users": [
        {"username": "ana", "role": "analyst", "agency": "UIF", "password": "demo", "demo": True},
        {
            "username": "chief",
            "role": "administrator",
            "agency": "CBP",
            "password": "demo",
            "demo": True,
            "full_name": "Demo Admin",
        },
        {
            "username": "ines",
            "role": "investigator",
            "agency": "CBP",
            "password": "investigator passphrase",
        },
    ],
}


def test_users_load(store_file: Path, tmp_path: Path) -> None:
    file = tmp_path / "accounts.yaml"
    file.write_text(yaml.safe_dump(WORLD, sort_keys=False))
    loaded = run(store_file, "load", str(file))  # setup mode: the admin in the file goes first
    assert loaded.exit_code == 0, loaded.output
    assert "2 agencies in place, 3 accounts added" in loaded.output
    assert "otpauth://totp/eslabon:ines" in loaded.output
    assert "otpauth://totp/eslabon:ana" not in loaded.output
    with open_store(store_file) as st:
        totp = dict(st.query("SELECT username, totp_secret IS NOT NULL FROM users"))
        assert totp == {"ana": False, "chief": False, "ines": True}
        assert identity.authenticate(st, "ana", "demo", None).agency == "UIF"
        audit_rows = st.query_one("SELECT count(*) FROM audit_log")[0]

    again = run(store_file, "load", str(file), user="chief")
    assert again.exit_code == 0, again.output
    assert "0 accounts added, 3 already present" in again.output
    with open_store(store_file) as st:
        assert st.query_one("SELECT count(*) FROM audit_log")[0] == audit_rows


def test_users_load_names_file_line_and_field(store_file: Path, tmp_path: Path) -> None:
    bad = {
        "agencies": WORLD["agencies"],
        "users": [WORLD["users"][1], {**WORLD["users"][0], "role": "sheriff"}],
    }
    file = tmp_path / "accounts.yaml"
    file.write_text(yaml.safe_dump(bad, sort_keys=False))
    result = run(store_file, "load", str(file))
    err = result.exception
    assert isinstance(err, EslabonError)
    assert (err.file, err.field) == (str(file), "users[1].role")
    assert file.read_text().splitlines()[err.line - 1].lstrip().startswith("- ")
    assert "unknown role" in err.message
    with open_store(store_file) as st:  # all or nothing
        assert st.query_one("SELECT count(*) FROM users")[0] == 0
        assert st.query_one("SELECT count(*) FROM agencies")[0] == 0

    file.write_text(yaml.safe_dump({"users": [{"username": "x", "pasword": "y"}]}))
    typo = run(store_file, "load", str(file)).exception
    assert "unknown field 'pasword'" in typo.message and typo.line == 2


def test_loads_the_demo_worlds_accounts(store_file: Path, tmp_path: Path) -> None:
    from eslabon.access import audit
    from eslabon.synth.labels import write_accounts

    loaded = run(store_file, "load", str(write_accounts(tmp_path)))
    assert loaded.exit_code == 0, loaded.output
    with open_store(store_file) as st:
        users = {u["username"]: u for u in identity.list_users(st)}
        assert users["admin"]["role"] == "administrator"
        assert not any(u["totp"] for u in users.values())  # demo accounts: no second factor
        assert identity.authenticate(st, "cdm-analyst", "demo-cdm-analyst", None).country == "MEX"
        report = audit.verify(st)
        assert report.ok, report.problems
        assert report.entries == st.query_one("SELECT count(*) FROM audit_log")[0] > len(users)
