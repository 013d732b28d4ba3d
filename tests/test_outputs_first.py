"""Output is checked before work (issue 21, kind 3) and uploaded scenarios reach nothing on the server (kind 2).

Each output test gives a pool path that does not exist: had the pool been read first, that is the error we would
see; the output's problem being reported instead proves it came first."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from baicun.cli import app
from tests.hostile import hostile_pool

runner = CliRunner()
MISSING_POOL = "/nonexistent/pool.csv"


def refused(*args) -> str:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert "找不到" not in result.stderr and "没有读取村庄库" in result.stderr  # the pool was never opened
    return result.stderr


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    return hostile_pool(tmp_path_factory.mktemp("s"), "村", "乡", "县", "市")[1]


def test_an_unwritable_folder_is_reported_before_the_pool_is_read(scenario):
    # /proc is read-only even for root, which is who runs these tests (permission bits would not stop it)
    assert "无法在「/proc」中写入文件" in refused("solve", scenario, "--pool", MISSING_POOL, "--out", "/proc/结果.xlsx")


def test_a_path_through_a_file_a_folder_and_a_wrong_extension_are_reported_together(scenario, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    message = refused(
        "solve",
        scenario,
        "--pool",
        MISSING_POOL,
        "--out",
        blocker / "x.xlsx",
        "--out",
        tmp_path,
        "--out",
        tmp_path / "x.txt",
        "--out",
        tmp_path / "ok.csv",
    )
    assert "无法创建" in message and "是一个文件夹" in message and ".xlsx / .csv" in message
    assert message.count("  - ") == 3  # ok.csv, in a folder that does not exist yet but can be made, is fine


def test_a_full_disk_is_reported_before_the_pool_is_read(scenario, tmp_path, monkeypatch):
    import collections

    import report.sheets

    usage = collections.namedtuple("usage", "total used free")
    monkeypatch.setattr(report.sheets.shutil, "disk_usage", lambda _: usage(10**9, 10**9 - 2**20, 2**20))
    assert "只剩 1 MB" in refused("solve", scenario, "--pool", MISSING_POOL, "--out", tmp_path / "x.xlsx")


def test_every_command_that_writes_checks_first(scenario, tmp_path):
    refused("pool", "check", MISSING_POOL, "--report", "/proc/问题.csv")
    refused("robustness", scenario, "--pool", MISSING_POOL, "--out", "/proc/r.xlsx")
    refused("compare", scenario, scenario, "--out", tmp_path / "c.csv")
    refused("pool", "generate", "--out", "/proc/p.csv")


def test_an_uploaded_scenario_cannot_read_the_servers_runs(tmp_path, monkeypatch):
    """In the app a scenario with [plan] locked = [2024] and lock_run = 1 read run 1 from the server's run database.
    Now the policy of an upload (contract.scenario.UPLOADED) refuses it, says why, and the store is never opened."""
    import tomli_w

    import store.runs
    from baicun.pipeline import bind, solve
    from contract.errors import InputError
    from contract.scenario import UPLOADED, parse_scenario
    from pool.read import read_pool
    from tests.conftest import SAMPLE_CSV
    from tests.scenario_helpers import default_dict

    def never(*_):
        raise AssertionError("the run store was opened")

    monkeypatch.setattr(store.runs, "open_store", never)
    data = default_dict() | {"plan": {"years": [2024, 2025], "locked": [2024], "lock_run": 1}}
    inputs = bind(parse_scenario(tomli_w.dumps(data)), read_pool(SAMPLE_CSV))
    with pytest.raises(InputError) as refusal:
        solve(inputs, references=UPLOADED)
    assert [p.code for p in refusal.value.problems] == ["scenario.ref_run"]
    assert "不能读取服务器上的运行记录" in refusal.value.render("zh") and "命令行" in refusal.value.render("zh")


def test_the_app_refuses_such_an_upload_and_keeps_its_scenario(monkeypatch):
    import tomli_w
    from streamlit.testing.v1 import AppTest

    import store.runs
    from tests.apptest import scenario_of
    from tests.conftest import ROOT
    from tests.scenario_helpers import default_dict

    def never(*_):
        raise AssertionError("the run store was opened")

    monkeypatch.setattr(store.runs, "open_store", never)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    at.switch_page("ui/pages/rules.py").run()
    before = dict(scenario_of(at))
    data = default_dict() | {"name": "偷看运行记录", "plan": {"years": [2024, 2025], "locked": [2024], "lock_run": 1}}
    at.file_uploader(key="scenario_upload").set_value(("lock.toml", tomli_w.dumps(data).encode(), "application/toml")).run()
    assert not at.exception
    assert any("不被允许" in e.value for e in at.error)
    assert "不能读取服务器上的运行记录" in at.dataframe[0].value.to_string()
    assert scenario_of(at) == before and "plan" not in scenario_of(at)


def test_a_scenario_file_path_is_opened_only_where_files_are_allowed(tmp_path):
    from baicun.pipeline import load_inputs
    from contract.errors import InputError
    from contract.scenario import UPLOADED

    pool, scenario, _ = hostile_pool(tmp_path, "村", "乡", "县", "市")
    assert load_inputs(scenario).pool.size == 300  # the command line: the user's own files
    with pytest.raises(InputError) as refusal:
        load_inputs(scenario, references=UPLOADED)
    assert [p.code for p in refusal.value.problems] == ["scenario.ref_file"]
    assert load_inputs(scenario, pool, references=UPLOADED).pool.size == 300  # a pool given from elsewhere is fine
