"""The audit log on real DuckDB files: appends, signed checkpoints, and tampering an attacker
with the raw file could try — each must show up in verify."""

from __future__ import annotations

import hashlib
import json
import shutil
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from cryptography.hazmat.primitives import serialization
from typer.testing import CliRunner

from eslabon.access import audit
from eslabon.access.audit import AuditLog, GroupAppender, record
from eslabon.access.merkle import verify_consistency, verify_inclusion
from eslabon.access.principal import Principal
from eslabon.cli.app import app
from eslabon.errors import EslabonError
from eslabon.store import open_store
from tests.conftest import run_cli

ANA = Principal("ana", "analyst", "CBP", "USA")
AUDREY = Principal("audrey", "auditor", "OIG", "USA")


@pytest.fixture(autouse=True)
def _default_key(monkeypatch):
    monkeypatch.delenv(audit.KEY_ENV, raising=False)


def _fill(st, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        record(
            st,
            ANA,
            "entity" if i % 3 else "search",
            entities=[f"P-{i:04x}"],
            statements=[f"src@1/{i}"],
            detail={"route": "/entity", "i": i},
            remote="10.0.0.7",
        )


@pytest.fixture
def log_file(store_file: Path) -> Path:
    """30 entries; checkpoints at sizes 1 (the first entry), 10 and 25; seq 25..29 uncovered."""
    with open_store(store_file) as st:
        _fill(st, 10)
        audit.checkpoint(st)
        _fill(st, 15, start=10)
        audit.checkpoint(st)
        _fill(st, 5, start=25)
        report = audit.verify(st)
    assert report.ok, report.problems
    assert (report.entries, report.checkpoints, report.uncovered) == (30, 3, 5)
    return store_file


def _verify(path: Path) -> audit.VerifyReport:
    with open_store(path) as st:
        return audit.verify(st)


def _raw(path: Path, *statements: str) -> None:
    """What an attacker with the file does: no Store, no guard."""
    con = duckdb.connect(str(path))
    for sql in statements:
        con.execute(sql)
    con.close()


# -- appending -------------------------------------------------------------------------------------
def test_entries_are_contiguous_and_carry_their_leaf_hash(store):
    seqs = [record(store, ANA, "search", detail={"q": f"juan {i}"}) for i in range(5)]
    seqs.append(record(store, None, "login", "failed", username="mallory", remote="203.0.113.9"))
    assert seqs == list(range(6))
    rows = store.query_dicts("SELECT * FROM audit_log ORDER BY seq")
    for row in rows:
        assert row["leaf_hash"] == audit.entry_leaf(row).hex()
    last = rows[-1]
    assert (last["username"], last["agency"], last["outcome"]) == ("mallory", None, "failed")
    assert rows[0]["agency"] == "CBP"
    # the entry is canonical JSON of every field but leaf_hash, the time in UTC with microseconds
    entry = json.loads(audit.entry_bytes(rows[0]))
    assert list(entry) == sorted(audit.ENTRY_FIELDS)
    assert entry["at_time"].endswith("Z") and len(entry["at_time"]) == len(
        "2026-01-01T00:00:00.000000Z"
    )
    assert entry["detail"] == {"q": "juan 0"}


def test_secrets_never_reach_the_log(store):
    seq = record(
        store,
        None,
        "login",
        "failed",
        username="ana",
        detail={
            "password": "hunter2",
            "TOTP": "123456",
            "form": {"new_password": "x", "user": "ana", "client_secret": "s"},
            "steps": [{"totp_code": "1"}, {"ok": 1}],
        },
    )
    stored = store.query_one("SELECT detail FROM audit_log WHERE seq = ?", [seq])[0]
    assert json.loads(stored) == {"form": {"user": "ana"}, "steps": [{}, {"ok": 1}]}
    for word in ("hunter2", "123456", "password", "totp", "secret"):
        assert word not in stored.lower()


def test_record_joins_the_callers_transaction(store_file):
    with open_store(store_file) as st:
        record(st, ANA, "search")  # the first entry is checkpointed at once
        with pytest.raises(RuntimeError), st.transaction():
            record(st, ANA, "labels.set", detail={"source": "inm"})
            raise RuntimeError("the labelled change failed")
        assert st.query_one("SELECT count(*) FROM audit_log")[0] == 1
        with st.transaction():
            assert record(st, ANA, "labels.set") == 1
            assert record(st, ANA, "labels.set") == 2
            # no checkpoint inside a transaction: the witness file cannot roll back
            assert audit.checkpoint_if_due(st, force=True) is None
        assert [r[0] for r in st.query("SELECT tree_size FROM audit_checkpoints")] == [1]
        assert audit.checkpoint_if_due(st, force=True).size == 3
        assert audit.verify(st).ok


def test_store_refuses_to_rewrite_the_audit_tables(store):
    record(store, ANA, "search")
    for sql in (
        "UPDATE audit_log SET username = 'x'",
        "update main.audit_log set outcome = 'ok'",
        "DELETE FROM audit_log WHERE seq = 0",
        'delete from "audit_checkpoints"',
        "DROP TABLE audit_log",
        "drop table if exists audit_checkpoints",
        "ALTER TABLE audit_log DROP COLUMN detail",
        "TRUNCATE audit_log",
        "INSERT OR REPLACE INTO audit_checkpoints VALUES (1, 'x', now(), 'k', 's')",
        "CREATE OR REPLACE TABLE audit_log AS SELECT 1",
    ):
        with pytest.raises(EslabonError, match="append-only"):
            store.execute(sql)
    assert store.query_one("SELECT count(*) FROM audit_log")[0] == 1
    # reading it, and writing other tables that merely mention it in data, stay allowed
    assert store.query("SELECT seq FROM audit_log WHERE action <> 'delete'") == [(0,)]
    store.execute("UPDATE meta SET value = value WHERE key = 'schema_version'")


# -- checkpoints -----------------------------------------------------------------------------------
def test_checkpoint_is_signed_in_the_table_and_the_witness_file(store_file):
    with open_store(store_file) as st:
        _fill(st, 7)
        cp = AuditLog(st).checkpoint()
        assert AuditLog(st).checkpoint() == cp  # nothing new: the same checkpoint
    key_file = Path(f"{store_file}.audit-key")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert cp.key_id == hashlib.sha256(raw).hexdigest()
    text = f"eslabon-audit\n7\n{cp.root}\n{cp.at_time}\n".encode()
    key.public_key().verify(bytes.fromhex(cp.signature), text)  # raises if it does not match
    lines = Path(f"{store_file}.audit-checkpoints.jsonl").read_text().splitlines()
    assert [json.loads(line)["size"] for line in lines] == [1, 7]
    assert json.loads(lines[-1]) == {**cp.to_dict(), "public_key": raw.hex()}


def test_signing_key_from_the_environment(store_file, tmp_path, monkeypatch):
    key_file = tmp_path / "keys" / "audit.pem"
    monkeypatch.setenv(audit.KEY_ENV, str(key_file))
    with open_store(store_file) as st:
        _fill(st, 2)
        cp = audit.checkpoint(st)
    assert key_file.exists() and not Path(f"{store_file}.audit-key").exists()
    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    assert cp.signed_by(key.public_key())


def test_a_readable_key_is_refused(store_file):
    with open_store(store_file) as st:
        _fill(st, 1)
        key_file = Path(f"{store_file}.audit-key")
        key_file.chmod(0o644)
        _fill(st, 1, start=1)
        with pytest.raises(EslabonError, match="chmod 600"):
            audit.checkpoint(st)


def test_checkpoint_due_after_256_entries_or_60_seconds(store_file, monkeypatch):
    with open_store(store_file) as st:
        record(st, ANA, "search")
        assert audit.table_checkpoints(st)[-1].size == 1
        _fill(st, 254, start=1)
        assert audit.table_checkpoints(st)[-1].size == 1
        _fill(st, 1, start=255)  # 255 entries since the checkpoint at size 1
        assert audit.table_checkpoints(st)[-1].size == 1
        _fill(st, 1, start=256)  # the 256th
        assert audit.table_checkpoints(st)[-1].size == 257
        record(st, ANA, "search")
        assert audit.table_checkpoints(st)[-1].size == 257
        real = audit._utcnow
        monkeypatch.setattr(audit, "_utcnow", lambda: real() + timedelta(seconds=61))
        record(st, ANA, "search")
        assert audit.table_checkpoints(st)[-1].size == 259
        assert audit.verify(st).ok


def test_proofs_against_checkpoints(log_file):
    with open_store(log_file) as st:
        cps = {cp.size: cp for cp in audit.table_checkpoints(st)}
        leaf = bytes.fromhex(st.query_one("SELECT leaf_hash FROM audit_log WHERE seq = 7")[0])
        proof = [bytes.fromhex(h) for h in audit.prove_inclusion(st, 7, 25)]
        assert verify_inclusion(leaf, 7, 25, proof, bytes.fromhex(cps[25].root))
        consistency = [bytes.fromhex(h) for h in audit.prove_consistency(st, 10, 25)]
        old, new = bytes.fromhex(cps[10].root), bytes.fromhex(cps[25].root)
        assert verify_consistency(10, 25, old, new, consistency)


# -- tampering -------------------------------------------------------------------------------------
def _assert_detected(path: Path, backup: Path, *expected: str) -> audit.VerifyReport:
    report = _verify(path)
    assert not report.ok
    text = "\n".join(report.problems)
    for fragment in expected:
        assert fragment in text, text
    shutil.copy(backup, path)  # restored to its consistent state, the log passes again
    again = _verify(path)
    assert again.ok, again.problems
    return report


@pytest.fixture
def backup(log_file: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "backup.duckdb"
    shutil.copy(log_file, copy)
    return copy


def test_tamper_edit_one_field(log_file, backup):
    _raw(log_file, "UPDATE audit_log SET username = 'someone_else' WHERE seq = 7")
    report = _assert_detected(
        log_file,
        backup,
        "seq 7 was altered",
        "checkpoint at size 10: the entries no longer hash to its signed root",
    )
    assert report.problems[0].startswith("seq 7 was altered")


def test_tamper_delete_an_entry(log_file, backup):
    _raw(log_file, "DELETE FROM audit_log WHERE seq = 12")
    _assert_detected(log_file, backup, "seq 12 missing: deleted", "an entry in seq 10..24")


def test_tamper_swap_two_entries(log_file, backup):
    cols = "at_time, username, agency, action, outcome, remote, entities, statements, detail, leaf_hash"
    con = duckdb.connect(str(log_file))
    a = con.execute(f"SELECT {cols} FROM audit_log WHERE seq = 3").fetchone()
    b = con.execute(f"SELECT {cols} FROM audit_log WHERE seq = 5").fetchone()
    sets = ", ".join(f"{c.strip()} = ?" for c in cols.split(","))
    con.execute(f"UPDATE audit_log SET {sets} WHERE seq = 3", list(b))
    con.execute(f"UPDATE audit_log SET {sets} WHERE seq = 5", list(a))
    con.close()
    _assert_detected(log_file, backup, "seq 3 was altered", "(also seq 5)")


def test_tamper_truncate_the_last_entries(log_file, backup):
    _raw(log_file, "DELETE FROM audit_log WHERE seq >= 22")
    _assert_detected(log_file, backup, "truncated", "signed 25 entries but only 22 remain")


def test_tamper_edit_and_rehash_an_entry(log_file, backup):
    con = duckdb.connect(str(log_file))
    con.execute("UPDATE audit_log SET entities = '[\"P-innocent\"]' WHERE seq = 15")
    row = con.execute("SELECT * FROM audit_log WHERE seq = 15").fetchone()
    names = [d[0] for d in con.description]
    forged = audit.entry_leaf(dict(zip(names, row, strict=True))).hex()
    con.execute("UPDATE audit_log SET leaf_hash = ? WHERE seq = 15", [forged])
    con.close()
    report = _assert_detected(
        log_file, backup, "checkpoint at size 25: the entries no longer hash to its signed root"
    )
    assert "seq 10..24" in report.problems[0]
    assert not any("altered" in p for p in report.problems)  # the leaf itself is consistent


def test_tamper_forge_the_last_checkpoint(log_file, backup):
    forged = hashlib.sha256(b"forged").hexdigest()
    _raw(log_file, f"UPDATE audit_checkpoints SET root_hash = '{forged}' WHERE tree_size = 25")
    _assert_detected(
        log_file,
        backup,
        "checkpoint at size 25 differs between the table",
        "checkpoint at size 25 (table): the signature does not match",
    )


def test_tamper_delete_checkpoints_and_entries_together(log_file, backup):
    # Deleting the evidence in the table too leaves the witness file to tell.
    _raw(
        log_file,
        "DELETE FROM audit_log WHERE seq >= 20",
        "DELETE FROM audit_checkpoints WHERE tree_size = 25",
    )
    _assert_detected(
        log_file,
        backup,
        "checkpoint at size 25 is in the witness file but missing from the table",
        "truncated",
    )


def test_tampered_witness_file(log_file):
    witness = Path(f"{log_file}.audit-checkpoints.jsonl")
    lines = witness.read_text().splitlines()
    obj = json.loads(lines[1])
    obj["root"] = hashlib.sha256(b"x").hexdigest()
    witness.write_text("\n".join([lines[0], json.dumps(obj), "not json"]) + "\n")
    report = _verify(log_file)
    text = "\n".join(report.problems)
    assert "checkpoint at size 10 differs between the table" in text
    assert "checkpoint at size 10 (witness file): the signature does not match" in text
    assert "checkpoint at size 25 is in the table but missing from the witness file" in text
    assert "witness file line 3 is not a checkpoint" in text


def test_a_missing_witness_file(log_file):
    Path(f"{log_file}.audit-checkpoints.jsonl").unlink()
    report = _verify(log_file)
    assert not report.ok
    assert len(report.problems) == 1 and "witness file" in report.problems[0]


def test_a_damaged_log_gets_no_new_checkpoint(log_file):
    _raw(log_file, "UPDATE audit_log SET action = 'nothing' WHERE seq = 27")  # not yet covered
    with open_store(log_file) as st:
        with pytest.raises(EslabonError, match="seq 27 no longer matches"):
            audit.checkpoint(st)
        record(st, ANA, "search")
        assert audit.checkpoint_if_due(st, force=True) is None
        assert audit.table_checkpoints(st)[-1].size == 25
        report = audit.verify(st)
    assert not report.ok and "seq 27 was altered" in report.problems[0]


def test_verify_without_the_private_key_uses_the_witness_public_key(log_file):
    Path(f"{log_file}.audit-key").unlink()
    report = _verify(log_file)
    assert report.ok
    assert any("no signing key" in n for n in report.notes)


# -- reading the log -------------------------------------------------------------------------------
def test_only_auditors_read_and_reading_is_audited(store):
    record(store, ANA, "search")
    audit.authorize_read(store, AUDREY, "report", detail={"since": "2026-01-01"})
    with pytest.raises(EslabonError, match="may not audit"):
        audit.authorize_read(store, ANA, "tail")
    rows = store.query("SELECT username, action, outcome FROM audit_log ORDER BY seq")
    assert rows[1:] == [("audrey", "audit.read", "ok"), ("ana", "audit.read", "denied")]
    audit.authorize_read(store, Principal.local_operator(), "verify")  # setup mode may


def test_weekly_report(store):
    record(store, ANA, "search", detail={"q": "lupe"})
    record(store, ANA, "entity", entities=["P-1", "P-2"], statements=["s@1/1", "s@1/2"])
    record(store, ANA, "entity", entities=["P-2"], statements=["s@1/2"])
    record(store, ANA, "export", "denied", entities=["P-9"])
    record(store, None, "login", "failed", username="mallory", remote="203.0.113.9")
    today = datetime.now(UTC).date()
    users = AuditLog(store).report(today - timedelta(days=7))
    assert [u["username"] for u in users] == ["ana", "mallory"]
    ana = users[0]
    assert ana["agency"] == "CBP" and ana["entries"] == 4
    assert ana["actions"] == {"entity": 2, "export": 1, "search": 1}
    assert ana["entities"] == ["P-1", "P-2"]  # P-9 was refused, never shown
    assert ana["statements"] == 2
    assert [(d["action"], d["outcome"]) for d in ana["denied"]] == [("export", "denied")]
    assert users[1]["denied"][0]["remote"] == "203.0.113.9"
    assert audit.report(store, today + timedelta(days=1)) == []
    assert audit.report(store, date(2020, 1, 1), today - timedelta(days=1)) == []
    assert len(audit.report(store, today, today)) == 2


def test_tail(store):
    _fill(store, 5)
    entries = audit.tail(store, 3)
    assert [e["seq"] for e in entries] == [2, 3, 4]
    assert entries[0]["entities"] == ["P-0002"] and entries[0]["at_time"].endswith("Z")


# -- the server's group appender -------------------------------------------------------------------
def test_group_appender_under_many_threads(store_file):
    main = open_store(store_file)
    lock = threading.Lock()  # a cursor per batch, one batch at a time, as the server does

    class Writer:
        def __enter__(self):
            lock.acquire()
            self.cur = main.cursor()
            return self.cur

        def __exit__(self, *exc):
            self.cur.close()
            lock.release()

    appender = GroupAppender(Writer)
    per_thread, threads = 60, 20

    def work(t: int) -> list[int]:
        futures = [
            appender.submit(
                {
                    "username": f"user{t}",
                    "agency": "CBP",
                    "action": "entity",
                    "entities": [f"P-{t}-{i}"],
                    "detail": {"i": i, "password": "never"},
                }
            )
            for i in range(per_thread)
        ]
        return [f.result(timeout=60) for f in futures]

    with ThreadPoolExecutor(threads) as pool:
        seqs = [s for got in pool.map(work, range(threads)) for s in got]
    late = appender.record(ANA, "search")  # submitted just before close: close drains it
    appender.close()
    assert late.result(timeout=1) == threads * per_thread
    with pytest.raises(RuntimeError):
        appender.submit({"action": "search"})
    assert sorted(seqs) == list(range(threads * per_thread))
    assert appender.batches < threads * per_thread // 4  # grouped, not one commit per entry
    main.close()
    with open_store(store_file) as st:
        audit.checkpoint_if_due(st, force=True)
        assert st.query_one("SELECT count(*) FROM audit_log")[0] == threads * per_thread + 1
        assert st.query_one("SELECT count(*) FROM audit_log WHERE detail LIKE '%never%'")[0] == 0
        report = audit.verify(st)
    assert report.ok, report.problems
    assert report.checkpoints >= 2 and report.uncovered == 0  # the first batch, after 256, ...


def test_group_appender_reports_a_failed_write(store_file):
    def broken():
        raise OSError("disk gone")

    appender = GroupAppender(broken)
    fut = appender.submit({"action": "search"})
    with pytest.raises(OSError, match="disk gone"):
        fut.result(timeout=10)
    appender.close()


# -- the CLI ---------------------------------------------------------------------------------------
def test_cli_verify_passes_then_fails_with_a_readable_message(log_file):
    ok = run_cli("audit", "verify", "--store", str(log_file))
    assert ok.returncode == 0, ok.stderr
    assert "intact" in ok.stdout and "31 entries" in ok.stdout  # + its own audit.read entry
    with open_store(log_file) as st:  # the verifier's view became the newest checkpoint
        assert audit.table_checkpoints(st)[-1].size == 31
        assert st.query_one("SELECT action FROM audit_log WHERE seq = 30")[0] == "audit.read"
    _raw(log_file, "UPDATE audit_log SET outcome = 'denied' WHERE seq = 4")
    bad = run_cli("audit", "verify", "--store", str(log_file))
    assert bad.returncode == 1
    assert "TAMPERED" in bad.stdout and "seq 4 was altered" in bad.stdout
    assert "Traceback" not in bad.stdout + bad.stderr
    as_json = CliRunner().invoke(app, ["audit", "verify", "--json", "--store", str(log_file)])
    assert as_json.exit_code == 1
    body = json.loads(as_json.stdout)
    assert body["ok"] is False and body["problems"][0].startswith("seq 4 was altered")


def test_cli_report_tail_and_checkpoint(log_file):
    cli = CliRunner()
    today = datetime.now(UTC).date()
    rep = cli.invoke(
        app, ["audit", "report", "--since", str(today), "--json", "--store", str(log_file)]
    )
    assert rep.exit_code == 0, rep.output
    users = {u["username"]: u for u in json.loads(rep.stdout)["users"]}
    assert users["ana"]["entries"] == 30 and users["ana"]["actions"]["search"] == 10
    table = cli.invoke(app, ["audit", "report", "--since", str(today), "--store", str(log_file)])
    assert table.exit_code == 0 and "ana" in table.stdout and "P-0007" in table.stdout
    tail = cli.invoke(app, ["audit", "tail", "--limit", "2", "--store", str(log_file)])
    assert tail.exit_code == 0 and "audit.read" in tail.stdout
    cp = cli.invoke(app, ["audit", "checkpoint", "--store", str(log_file)])
    assert cp.exit_code == 0 and "checkpoint at 33 entries" in cp.stdout
    bad_day = cli.invoke(app, ["audit", "report", "--since", "last week", "--store", str(log_file)])
    assert isinstance(bad_day.exception, EslabonError)
    assert "YYYY-MM-DD" in str(bad_day.exception)
    nowhere = log_file.parent / "typo.duckdb"
    missing = cli.invoke(app, ["audit", "verify", "--store", str(nowhere)])
    assert isinstance(missing.exception, EslabonError) and not nowhere.exists()


def test_cli_only_auditors_read_the_log(store_file, monkeypatch):
    from eslabon.access import identity

    monkeypatch.setenv("ESLABON_ARGON2_FAST", "1")
    with open_store(store_file) as st:
        identity.add_agency(st, "CBP", "Customs and Border Protection", "USA", by="test")
        identity.add_user(st, "root", "administrator", "CBP", "root-demo", demo=True, by="test")
        identity.add_user(st, "ana", "analyst", "CBP", "ana-demo", demo=True, by="test")
        identity.add_user(st, "audrey", "auditor", "CBP", "audrey-demo", demo=True, by="test")
    cli = CliRunner()
    refused = cli.invoke(app, ["--as", "ana", "audit", "tail", "--store", str(store_file)])
    assert isinstance(refused.exception, EslabonError)
    assert "ana (analyst) may not audit" in str(refused.exception)
    allowed = cli.invoke(
        app, ["--as", "audrey", "audit", "tail", "--json", "--store", str(store_file)]
    )
    assert allowed.exit_code == 0, allowed.output
    tail = json.loads(allowed.stdout)
    assert [(e["username"], e["action"], e["outcome"]) for e in tail[-2:]] == [
        ("ana", "audit.read", "denied"),
        ("audrey", "audit.read", "ok"),
    ]
