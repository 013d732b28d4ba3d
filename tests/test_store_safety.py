"""The run store under concurrency and tampering (issue 21, kind 5): many processes opening a brand-new database
at once lose nothing; a run edited behind the store's back is refused before it is shown, compared or used."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import time

from typer.testing import CliRunner

from baicun.cli import app
from store.runs import get_run, intact, list_runs, open_store, record_digest
from tests.conftest import ROOT
from tests.hostile import hostile_pool

WRITERS, DATABASES, SLOT_S = 24, 6, 1.0
CHILD = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from store.runs import open_store, save_run
    fields = dict(label=sys.argv[1], scenario_name="s", scenario_file="/s.toml", scenario_text="name='s'", pool_file="p.csv",
                  pool_path="/p.csv", pool_fingerprint="0" * 64, sample_data=True, backend="highs", solver_version="v",
                  status="optimal", objective=1.0, bound=1.0, gap=0.0, count=2, budget_used=3.0, timings={{}}, selected=["a", "b"])
    start, paths = float(sys.argv[2]), sys.argv[3:]
    for k, path in enumerate(paths):  # every writer opens database k, new, at the same moment
        time.sleep(max(0.0, start + k * {slot} - time.time()))
        save_run(open_store(path), fields)
    """
)


def test_many_processes_opening_a_new_database_at_once_lose_no_run(tmp_path):
    """Before: "table runs already exists" in 16 of 60 concurrent first opens, and a lost save. Here 24 processes
    open each of 6 new databases at the same moment and save one run in it."""
    paths = [str(tmp_path / f"new{k}.sqlite") for k in range(DATABASES)]
    code = CHILD.format(root=str(ROOT), slot=SLOT_S)
    start = time.time() + 8.0  # after every child has imported SQLAlchemy
    children = [
        subprocess.Popen([sys.executable, "-c", code, f"w{k}", str(start), *paths], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for k in range(WRITERS)
    ]
    results = [child.communicate(timeout=600) for child in children]
    failed = [(child.returncode, err[-400:]) for child, (_, err) in zip(children, results) if child.returncode != 0]
    assert failed == []
    for path in paths:
        engine = open_store(path)
        assert len(list_runs(engine)) == WRITERS
        assert {r.label for r in list_runs(engine)} == {f"w{k}" for k in range(WRITERS)}


def saved_run(tmp_path):
    """A real run of the small hostile pool, saved; (database, scenario, run id)."""
    pool, scenario, _ = hostile_pool(tmp_path, "村", "乡", "县", "市")
    db = tmp_path / "runs.sqlite"
    result = CliRunner().invoke(app, ["solve", str(scenario), "--save", "--db", str(db), "--no-prices"])
    assert result.exit_code == 0, result.stderr
    return db, scenario, 1


def tamper(db, run_id: int, recompute_digest: bool = False, **changes) -> None:
    """Edit a stored run directly in SQLite, as someone with the file could (optionally fixing up the digest)."""
    connection = sqlite3.connect(db)
    for column, value in changes.items():
        connection.execute(f"UPDATE runs SET {column} = ? WHERE id = ?", (json.dumps(value) if isinstance(value, list) else value, run_id))
    connection.commit()
    if recompute_digest:
        record = get_run(open_store(db), run_id)
        connection.execute("UPDATE runs SET digest = ? WHERE id = ?", (record_digest(record.__dict__), run_id))
        connection.commit()
    connection.close()


def test_a_run_edited_behind_the_store_is_refused_before_it_is_shown_or_compared(tmp_path):
    db, scenario, run_id = saved_run(tmp_path)
    runner = CliRunner()
    assert runner.invoke(app, ["runs", "show", "1", "--db", str(db)]).exit_code == 0
    record = get_run(open_store(db), run_id)
    assert intact(record) is True
    tamper(db, run_id, label="改过的标签")
    assert intact(get_run(open_store(db), run_id)) is False
    for args in (["runs", "show", "1"], ["compare", "1", str(scenario)], ["runs", "rerun", "1"]):
        result = runner.invoke(app, [*args, "--db", str(db)])
        assert result.exit_code == 2 and "被改动" in result.stderr, (args, result.stdout, result.stderr)
    assert "保存后被改动过" in runner.invoke(app, ["runs", "list", "--db", str(db)]).stdout


def test_a_forged_run_with_a_recomputed_checksum_fails_the_recheck(tmp_path):
    """Whoever also recomputes the checksum still meets the independent checker and the stored pool fingerprint."""
    from baicun.pipeline import run_inputs, score

    db, scenario, run_id = saved_run(tmp_path)
    record = get_run(open_store(db), run_id)
    inputs = run_inputs(record)
    scores = score(inputs)
    outsider = scores.table.sort_values("rank")["village_id"].iloc[-1]  # the lowest-ranked village: never chosen
    tamper(db, run_id, recompute_digest=True, selected=[*record.selected[:-1], outsider])
    result = CliRunner().invoke(app, ["runs", "show", "1", "--db", str(db)])
    assert result.exit_code == 2 and "复核不通过" in result.stderr
    tamper(db, run_id, recompute_digest=True, selected=record.selected, objective=record.objective + 1.0)
    result = CliRunner().invoke(app, ["compare", "1", str(scenario), "--db", str(db)])
    assert result.exit_code == 2 and "复算" in result.stderr


def test_a_run_saved_before_checksums_is_still_shown_and_listed_as_unverifiable(tmp_path):
    db, _, run_id = saved_run(tmp_path)
    tamper(db, run_id, digest=None)
    assert intact(get_run(open_store(db), run_id)) is None
    runner = CliRunner()
    assert runner.invoke(app, ["runs", "show", "1", "--db", str(db)]).exit_code == 0  # the shortlist itself re-checks
    assert "未核对" in runner.invoke(app, ["runs", "list", "--db", str(db)]).stdout
