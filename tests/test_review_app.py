"""The 专家评审 page (AppTest): upload the synthetic panel's sheets and list, aggregate, see the outlier and the
barred scores, apply the aggregate to the session's pool."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from baicun.pipeline import write_sample_panel
from contract.scenario import load_scenario
from pool.read import read_pool
from tests.apptest import pool_of
from tests.conftest import ROOT, SAMPLE_CSV

TIMEOUT = 300


@pytest.fixture(scope="module")
def panel_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("panel")
    written = write_sample_panel(load_scenario(ROOT / "scenarios" / "baicun_2024.toml"), read_pool(SAMPLE_CSV), folder)
    return written[:-1], written[-1]


def upload(path):
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return (path.name, path.read_bytes(), mime)


def test_the_review_page_aggregates_shows_the_outlier_and_applies_to_the_pool(panel_files):
    sheets, panel = panel_files
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.switch_page("ui/pages/review.py").run()
    assert not at.exception
    before = pool_of(at).fingerprint
    at.file_uploader(key="review_sheets").set_value([upload(p) for p in sheets]).run()
    at.file_uploader(key="review_panel").set_value(upload(panel)).run()
    at.selectbox(key="review_rule").set_value("trimmed_mean").run()
    at.button(key="review_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("E05" in w.value and "离群" in w.value for w in at.warning)
    excluded = next(d.value for d in at.dataframe if "原因" in d.value.columns)
    barred = excluded[excluded["原因"].str.startswith("回避")]
    assert len(barred) > 0 and set(barred["专家"]) == {"E03"}
    aspects = ["review_basis", "review_investment", "review_outcomes", "review_path"]
    expected = at.session_state["review"]["pool"].frame.set_index("village_id")[aspects]
    at.button(key="review_apply").click().run()
    assert not at.exception
    pool = pool_of(at)  # the reviewed pool is a file of the workspace, read back by the pool reader
    assert pool.fingerprint != before and at.session_state["ws"]["pool_name"].endswith("_评审.xlsx")
    shown = pool.frame.set_index("village_id")[aspects].reindex(expected.index)
    assert ((shown - expected).abs().fillna(0) < 1e-9).all().all() and shown.isna().equals(expected.isna())
    assert any("已把专家评审汇总" in s.value for s in at.success)


def test_a_bad_sheet_is_reported_and_the_pool_is_kept(tmp_path):
    bad = tmp_path / "坏评分表.csv"
    bad.write_text("专家,村庄代码,基础条件,配套投入,目标成效,实施路径\nE01,220102100201,120,70,70,70\n", encoding="utf-8-sig")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.switch_page("ui/pages/review.py").run()
    before = pool_of(at).fingerprint
    at.file_uploader(key="review_sheets").set_value([(bad.name, bad.read_bytes(), "text/csv")]).run()
    at.button(key="review_run").click().run()
    assert not at.exception
    assert any("专家评分表有" in e.value for e in at.error)
    problems = at.dataframe[0].value
    assert 2 in problems.iloc[:, 0].tolist()  # the Excel row of the 120
    assert pool_of(at).fingerprint == before
