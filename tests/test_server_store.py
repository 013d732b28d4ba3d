"""The shared store for a server: runs with their author, users and sign-ins, the audit trail — each test on
SQLite and on a throw-away PostgreSQL cluster (tests/postgres.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from contract.errors import InputError
from store import access, audit
from store.runs import get_run, intact, list_runs, open_store, save_run
from tests.postgres import DATABASES

pytestmark = pytest.mark.parametrize("db", DATABASES, indirect=True)


def fields(**extra) -> dict:
    return {
        "label": "",
        "scenario_name": "s",
        "scenario_file": "/s.toml",
        "scenario_text": "name = 's'",
        "pool_file": "p.csv",
        "pool_path": "/p.csv",
        "pool_fingerprint": "f" * 64,
        "sample_data": True,
        "backend": "highs",
        "solver_version": "1",
        "status": "optimal",
        "objective": 1.5,
        "bound": 1.5,
        "gap": 0.0,
        "count": 2,
        "budget_used": 2000.0,
        "timings": {"solve": 0.1},
        "selected": ["220102001001", "220102001002"],
        "years": None,
    } | extra


def test_a_run_records_its_author_and_the_digest_covers_it(db):
    engine = open_store(db)
    run_id = save_run(engine, fields(author="张三"))
    record = get_run(engine, run_id)
    assert record.author == "张三" and intact(record)
    with engine.begin() as connection:
        connection.execute(text("UPDATE runs SET author = '李四' WHERE id = :i"), {"i": run_id})
    assert intact(get_run(engine, run_id)) is False  # the author is part of what the digest proves
    old = save_run(engine, fields())  # a run without an author keeps the digest an older version computed
    assert get_run(engine, old).author is None and intact(get_run(engine, old))
    assert [r.id for r in list_runs(engine)] == [old, run_id]


def test_users_are_stored_with_argon2_hashes_and_checked(db):
    engine = open_store(db)
    access.add_user(engine, "panel1", "correct horse", "panel")
    access.add_user(engine, "county1", "battery staple", "county", "220182")
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT password_hash FROM users WHERE name = 'panel1'")).scalar_one()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    attempt = access.sign_in(engine, "county1", "battery staple")
    assert attempt.account == access.Account("county1", "county", "220182") and attempt.token
    assert access.session_account(engine, attempt.token) == attempt.account
    assert access.sign_in(engine, "county1", "wrong password").refusal == "bad"
    assert access.sign_in(engine, "nobody", "battery staple").refusal == "bad"  # said alike


def test_bad_users_are_refused_with_every_problem(db):
    engine = open_store(db)
    access.add_user(engine, "a", "12345678", "viewer")
    with pytest.raises(InputError) as error:
        access.add_user(engine, "a", "short", "county", "2201")
    codes = {p.code for p in error.value.problems}
    assert codes == {"user.exists", "user.password_short", "user.county_code"}
    with pytest.raises(InputError) as error:
        access.add_user(engine, "b", "12345678", "admin")
    assert [p.code for p in error.value.problems] == ["user.role"]


def test_repeated_failures_lock_the_account_even_for_the_right_password(db):
    engine = open_store(db)
    access.add_user(engine, "u", "the password", "panel")
    now = dt.datetime(2026, 3, 1, 9, 0)
    for _ in range(access.MAX_FAILURES - 1):
        assert access.sign_in(engine, "u", "guess", now).refusal == "bad"
    locked = access.sign_in(engine, "u", "guess", now)
    assert locked.refusal == "locked" and locked.until == now + dt.timedelta(minutes=access.LOCK_MINUTES)
    assert access.sign_in(engine, "u", "the password", now + dt.timedelta(minutes=1)).refusal == "locked"
    assert access.sign_in(engine, "u", "the password", now + dt.timedelta(minutes=access.LOCK_MINUTES + 1)).token
    for _ in range(access.MAX_FAILURES):
        access.sign_in(engine, "u", "guess", now)
    assert access.unlock(engine, "u") and access.sign_in(engine, "u", "the password", now).token


def test_sessions_end_at_sign_out_and_expire(db):
    engine = open_store(db)
    access.add_user(engine, "u", "the password", "viewer")
    now = dt.datetime(2026, 3, 1, 9, 0)
    token = access.sign_in(engine, "u", "the password", now).token
    later = now + dt.timedelta(minutes=access.IDLE_MINUTES - 1)
    assert access.session_account(engine, token, later)  # activity keeps it alive …
    assert access.session_account(engine, token, later + dt.timedelta(minutes=access.IDLE_MINUTES + 1)) is None  # … idleness ends it
    assert access.session_account(engine, token, later) is None  # for good
    token = access.sign_in(engine, "u", "the password", now).token
    for minutes in range(0, access.MAX_HOURS * 60 - 1, access.IDLE_MINUTES - 1):
        assert access.session_account(engine, token, now + dt.timedelta(minutes=minutes))
    assert access.session_account(engine, token, now + dt.timedelta(hours=access.MAX_HOURS, minutes=1)) is None
    token = access.sign_in(engine, "u", "the password").token
    access.sign_out(engine, token)
    assert access.session_account(engine, token) is None
    assert access.session_account(engine, "not a token") is None


def test_the_audit_trail_is_append_only_in_the_database(db):
    engine = open_store(db)
    first = audit.record(engine, "panel1", "panel", "rule", {"changes": [[["scoring", "weights", "leader"], 0.2, 0.3]]})
    audit.record(engine, "panel1", "panel", "publish", run_id=7)
    assert [e.action for e in audit.events(engine)] == ["publish", "rule"]
    assert audit.events(engine, action="rule")[0].detail == {"changes": [[["scoring", "weights", "leader"], 0.2, 0.3]]}
    assert audit.published_run(engine) == 7
    for statement in (f"UPDATE audit SET user = 'x' WHERE id = {first}", f"DELETE FROM audit WHERE id = {first}"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement.replace("user =", '"user" =')))
    assert len(audit.events(engine)) == 2
    open_store(db)  # opening again (triggers already there) keeps working
    assert len(audit.events(engine)) == 2


def test_the_command_line_adds_users_and_lists_the_audit_trail(db):
    import json
    import subprocess
    import sys

    def baicun(*args, stdin=""):
        return subprocess.run([sys.executable, "-m", "baicun", *args, "--db", db], input=stdin, capture_output=True, text=True)

    added = baicun("users", "add", "榆树", "--role", "county", "--county", "220182", "--password-stdin", stdin="a long password\n")
    assert added.returncode == 0, added.stderr
    again = baicun("users", "add", "榆树", "--role", "county", "--county", "2201", "--password-stdin", stdin="short\n")
    assert again.returncode == 2 and "用户 榆树 已存在" in again.stderr and "6 位县级代码" in again.stderr
    assert access.sign_in(open_store(db), "榆树", "a long password").account.county == "220182"
    listed = baicun("users", "list")
    assert "榆树" in listed.stdout and "220182" in listed.stdout and "password" not in listed.stdout
    assert "用户" in listed.stdout and "锁定至" in listed.stdout and "locked_until" not in listed.stdout  # headers in the reader's words
    assert "locked until" in baicun("--lang", "en", "users", "list").stdout
    trail = [json.loads(line) for line in baicun("audit", "--json").stdout.splitlines()]
    assert [(e["action"], e["detail"]["name"]) for e in trail] == [("user_add", "榆树")]
    audit_table = baicun("audit").stdout
    assert "添加用户" in audit_table and "操作" in audit_table and "detail" not in audit_table


def test_baicun_serve_makes_the_tables_and_listens_on_the_address_given(db):
    import os
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    from sqlalchemy import inspect

    from tests.browser import free_port

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "baicun", "serve", "--db", db, "--address", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "baicun serve did not start"
                time.sleep(0.3)
        assert {"runs", "users", "sign_ins", "audit"} <= set(inspect(open_store(db)).get_table_names())
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
