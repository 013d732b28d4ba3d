"""Every column the README calls optional may be absent (issue 16 item 8): a pool with only the required columns
goes through every command of the command line and every page of the app without a crash."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from baicun.cli import app
from tests.apptest import use
from tests.conftest import ROOT
from tests.data.make_corpus import REQUIRED, base

SCENARIO = """
name = "只有必填列"
pool = "required.csv"

[eligibility]
min = { leader = 55 }
exclude = { debt_risk = ["高"] }

[scoring]
normalize = "minmax"
weights = { industry_base = 0.5, leader = 0.3, debt_risk = 0.2 }
cost_criteria = ["debt_risk"]

[selection]
count = [4, 8]
budget = 8000

[[selection.quota]]
flag = "poverty_alleviated"
min = 1

[[selection.group]]
by = "county"
max = 3
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("required")
    base(60)[REQUIRED].to_csv(folder / "required.csv", index=False, encoding="utf-8-sig")
    (folder / "s.toml").write_text(SCENARIO, encoding="utf-8")
    return folder


def run(*args) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code in (0, 1) and result.exception in (None,) or isinstance(result.exception, SystemExit), (
        args,
        result.output,
        result.exc_info,
    )
    return result.exit_code, result.output


def test_every_command_runs_on_the_required_columns_alone(files):
    scenario, db = files / "s.toml", files / "runs.db"
    assert run("pool", "check", files / "required.csv")[0] == 0
    assert run("score", scenario)[0] == 0
    code, output = run("solve", scenario, "--json", "--out", files / "r.xlsx", "--out", files / "r.csv")
    summary = json.loads(output)
    assert code == 0 and summary["status"] == "optimal" and 4 <= summary["count"] <= 8
    village = summary["selected"][0]
    assert run("explain", scenario, village)[0] == 0
    county = base(60).set_index("村庄代码").at[village, "县(市、区)"]
    assert county in run("preview", scenario, "--county", county)[1]
    assert run("compare", scenario, scenario)[0] == 0
    assert run("robustness", scenario, "--samples", "3", "--workers", "1")[0] == 0
    assert run("solve", scenario, "--save", "--db", db)[0] == 0
    assert run("runs", "list", "--db", db)[0] == 0
    assert run("runs", "show", "1", "--db", db)[0] == 0
    assert run("runs", "rerun", "1", "--db", db)[0] == 0


def test_every_app_page_runs_on_the_required_columns_alone(files):

    from pool.read import read_pool

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    assert read_pool(files / "required.csv").size > 0
    use(at, files / "required.csv", SCENARIO)
    for page in ("data", "rules", "results", "compare", "robustness", "county"):
        at.switch_page(f"ui/pages/{page}.py").run()
        if page == "results":
            at.button(key="solve").click().run()
        assert not at.exception, (page, [e.value for e in at.exception])
