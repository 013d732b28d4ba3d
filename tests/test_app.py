"""One AppTest per page of the Streamlit app: widgets by key, page switches, uploads; no exception and the right
numbers on screen."""

from __future__ import annotations

import tomllib

import pytest
from streamlit.testing.v1 import AppTest

from pool.read import read_pool
from tests.conftest import ROOT, SAMPLE_CSV, write_csv

TIMEOUT = 180


def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    return at


def clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not [e for e in at.error if "本页出错" in e.value or "failed" in e.value]


def solved(at: AppTest) -> AppTest:
    at.switch_page("ui/pages/results.py").run()
    at.button(key="solve").click().run()
    clean(at)
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_data_page_starts_on_the_sample_and_says_so():
    at = app()
    clean(at)
    assert metric(at, "村庄数") == f"{read_pool(SAMPLE_CSV).size:,}"
    assert any("示例数据" in w.value for w in at.warning)
    assert at.download_button(key="template") is not None


def test_a_bad_upload_is_reported_by_row_and_keeps_the_previous_pool(tmp_path, small_frame):
    at = app()
    frame = small_frame.copy()
    frame.loc[frame.index[4], "leader"] = 120  # a score above 100
    path = write_csv(frame, tmp_path / "坏文件.csv", encoding="gb18030")
    at.file_uploader(key="pool_upload").set_value(("坏文件.csv", path.read_bytes(), "text/csv")).run()
    clean(at)
    assert any("仍使用原来的村庄库" in e.value for e in at.error)
    problems = at.dataframe[0].value
    assert 6 in problems.iloc[:, 0].tolist()  # data row 5 is Excel row 6
    assert at.session_state["pool"].size == read_pool(SAMPLE_CSV).size


def test_a_good_gb18030_upload_replaces_the_pool(tmp_path, small_frame):
    at = app()
    path = write_csv(small_frame, tmp_path / "县报名单.csv", encoding="gb18030")
    at.file_uploader(key="pool_upload").set_value(("县报名单.csv", path.read_bytes(), "text/csv")).run()
    clean(at)
    assert any("已载入" in s.value for s in at.success)
    assert metric(at, "村庄数") == f"{len(small_frame):,}"


def test_rules_page_rescales_weights_and_round_trips_the_scenario():
    at = app()
    at.switch_page("ui/pages/rules.py").run()
    clean(at)
    at.slider(key="sc.w.industry_base").set_value(0.6).run()
    clean(at)
    weights = at.session_state["scenario"]["scoring"]["weights"]
    assert weights["industry_base"] == 0.6
    used = at.table[0].value.iloc[:, 0]
    assert used.sum() == pytest.approx(1.0, abs=1e-3) and used.iloc[0] == pytest.approx(0.6 / 1.3, abs=1e-3)
    text = at.session_state["scenario"]
    downloaded = tomllib.loads(__import__("tomli_w").dumps({k: v for k, v in text.items() if k != "pool"}))
    assert downloaded == {k: v for k, v in text.items() if k != "pool"}
    assert any("符合资格" in s.value for s in at.success)


def test_an_impossible_rule_is_reported_in_words():
    at = app()
    at.switch_page("ui/pages/rules.py").run()
    at.text_area(key="sc.must_in").set_value("999999999999").run()
    clean(at)
    assert any("情景有问题" in e.value for e in at.error)
    assert "999999999999" in at.dataframe[-1].value.to_string()


def test_results_page_solves_and_shows_the_shortlist():
    at = solved(app())
    assert metric(at, "求解状态") == "已证明最优"
    assert metric(at, "入选") == "210"
    shortlist = at.dataframe[0].value
    assert len(shortlist) == 210 and shortlist["综合得分"].is_monotonic_decreasing
    at.selectbox(key="explain_village").set_value(at.selectbox(key="explain_village").options[0]).run()
    clean(at)
    assert any("入选" in m.value for m in at.markdown)


def test_infeasible_rules_show_the_diagnosis():
    at = app()
    at.switch_page("ui/pages/rules.py").run()
    at.number_input(key="sc.budget").set_value(1000.0).run()
    at = solved(at)
    assert any("没有满足全部规则" in e.value for e in at.error)
    assert any("预算" in m.value for m in at.markdown)


def test_compare_page_shows_what_changed_between_two_runs():
    at = solved(app())
    at.switch_page("ui/pages/rules.py").run()
    at.slider(key="sc.w.industry_base").set_value(0.9).run()
    at = solved(at)
    at.switch_page("ui/pages/compare.py").run()
    clean(at)
    changes = at.dataframe[1].value
    assert len(changes) > 0 and len(at.session_state["runs"]) == 2


def test_robustness_page_runs_a_small_study():
    at = solved(app())
    at.switch_page("ui/pages/robustness.py").run()
    at.slider(key="robust_samples").set_value(10).run()
    at.button(key="robust_run").click().run()
    clean(at)
    study = at.session_state["study"][1]
    assert study.samples == 10
    frequency = study.table.loc[study.table["base_selected"], "frequency"]
    assert frequency.between(0, 1).all() and frequency.mean() > 0.5


def test_county_page_lists_only_that_county():
    at = solved(app())
    at.switch_page("ui/pages/county.py").run()
    county = at.selectbox(key="county_pick").options[3]
    at.selectbox(key="county_pick").set_value(county).run()
    clean(at)
    table = at.dataframe[0].value
    pool = read_pool(SAMPLE_CSV).frame
    assert len(table) == int((pool["county"] == county).sum())


def test_language_switch_turns_the_interface_english():
    at = app()
    at.radio(key="language_choice").set_value("English").run()
    clean(at)
    assert "village selection" in at.title[0].value
    assert metric(at, "villages")
