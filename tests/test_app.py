"""One AppTest per page of the Streamlit app: widgets by key, page switches, uploads; no exception and the right
numbers on screen."""

from __future__ import annotations

import re
import tomllib

import pytest
from streamlit.testing.v1 import AppTest

from pool.read import read_pool
from tests.apptest import result_of, scenario_of, weight_key, wk
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
    assert at.session_state["ws"]["pool_name"] == SAMPLE_CSV.name


def test_a_good_gb18030_upload_replaces_the_pool(tmp_path, small_frame):
    at = app()
    path = write_csv(small_frame, tmp_path / "县报名单.csv", encoding="gb18030")
    at.file_uploader(key="pool_upload").set_value(("县报名单.csv", path.read_bytes(), "text/csv")).run()
    clean(at)
    assert any("已载入" in s.value for s in at.success)
    assert metric(at, "村庄数") == f"{len(small_frame):,}"


def test_rules_page_rescales_weights():
    at = app()
    at.switch_page("ui/pages/rules.py").run()
    clean(at)
    at.slider(key=weight_key(at, "industry_base")).set_value(0.6).run()
    clean(at)
    weights = scenario_of(at)["scoring"]["weights"]
    assert weights["industry_base"] == 0.6
    used = at.table[0].value.iloc[:, 0].astype(float)
    assert used.sum() == pytest.approx(1.0, abs=1e-3) and used.iloc[0] == pytest.approx(0.6 / 1.3, abs=1e-3)
    assert tomllib.loads(scenario_text_of(at))["scoring"]["weights"]["industry_base"] == 0.6
    assert any("符合资格" in s.value for s in at.success)


def test_an_impossible_rule_is_reported_in_words():
    at = app()
    at.switch_page("ui/pages/rules.py").run()
    at.text_area(key=wk(at, "selection.must_include")).set_value("999999999999").run()
    clean(at)
    assert any("情景有问题" in e.value for e in at.error)
    assert "999999999999" in at.dataframe[-1].value.to_string()


def test_results_page_solves_and_shows_the_shortlist():
    at = solved(app())
    assert any(s.value.startswith("已证明最优") for s in at.success)
    assert metric(at, "入选") == "210"
    shortlist = at.dataframe[0].value
    assert len(shortlist) == 210 and shortlist["综合得分"].is_monotonic_decreasing
    at.selectbox(key="explain_village").set_value(at.selectbox(key="explain_village").options[0]).run()
    clean(at)
    assert any("入选" in line.value for line in at.text)


def test_infeasible_rules_show_the_diagnosis():
    at = app()
    at.switch_page("ui/pages/rules.py").run()
    at.number_input(key=wk(at, "selection.budget")).set_value(1000.0).run()
    at = solved(at)
    assert any("没有满足全部规则" in e.value for e in at.error)
    assert any("预算" in line.value for line in at.text)


def test_compare_page_shows_what_changed_between_two_runs():
    at = solved(app())
    at.switch_page("ui/pages/rules.py").run()
    at.slider(key=weight_key(at, "industry_base")).set_value(0.9).run()
    at = solved(at)
    at.switch_page("ui/pages/compare.py").run()
    clean(at)
    differences, changes = at.dataframe[0].value, at.dataframe[2].value
    assert differences.iloc[:, 1].tolist() == ["产业基础 0.3→0.9"]  # what the scenarios change comes first
    assert len(changes) > 0


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
    at.radio(key="language_choice").set_value("en").run()
    clean(at)
    assert "village selection" in at.title[0].value
    assert metric(at, "villages")
    headers = [str(c) for table in at.dataframe for c in table.value.columns]
    assert headers and not [h for h in headers if re.search(r"[\u4e00-\u9fff]", h.replace("千村", ""))], headers  # the by-city table too


@pytest.mark.parametrize("name", ["baicun_2024.toml", "baicun_2024_2028.toml", "baicun_2024_belts.toml", "national_2025.toml"])
def test_a_scenario_file_comes_back_unchanged_after_the_widgets_have_run(name):
    """Round trip: upload a shipped scenario, let every widget of every tab write back, download it: same data."""
    at = app()
    at.switch_page("ui/pages/rules.py").run()
    text = (ROOT / "scenarios" / name).read_text(encoding="utf-8")
    at.file_uploader(key="scenario_upload").set_value((name, text.encode("utf-8"), "application/toml")).run()
    at.run()
    clean(at)
    expected = tomllib.loads(text)
    expected.pop("pool", None)
    assert tomllib.loads(scenario_text_of(at)) == expected


def scenario_text_of(at: AppTest) -> str:
    from contract.scenario_text import text_with

    return text_with(at.session_state["ws"]["loaded_text"], scenario_of(at))


def test_belts_and_plan_are_switched_on_edited_and_checked_on_the_rules_page():
    at = app()
    at.switch_page("ui/pages/rules.py").run()
    at.toggle(key=wk(at, "spatial.on")).set_value(True).run()
    at.number_input(key=wk(at, "spatial.radius_km")).set_value(10.0).run()
    assert scenario_of(at)["spatial"] == {"radius_km": 10.0, "weight": 0.02}
    at.toggle(key=wk(at, "spatial.on")).set_value(False).run()
    assert "spatial" not in scenario_of(at)
    at.toggle(key=wk(at, "spatial.on")).set_value(True).run()
    assert scenario_of(at)["spatial"]["radius_km"] == 10.0  # switched back on, what was typed returns

    at.toggle(key=wk(at, "plan.on")).set_value(True).run()
    at.number_input(key=wk(at, "plan.years.-1")).set_value(2026).run()
    clean(at)
    plan = scenario_of(at)["plan"]
    assert plan["years"] == [2024, 2025, 2026] and plan["funding"] == [0.6, 0.4]
    assert any("符合资格" in s.value for s in at.success)
    at.text_input(key=wk(at, "plan.funding")).set_value("0.5, 0.3").run()  # does not sum to 1
    clean(at)
    assert any("情景有问题" in e.value for e in at.error)
    assert "0.8" in at.dataframe[-1].value.to_string()
    at.selectbox(key=wk(at, "solver.backend")).set_value("cbc").run()
    assert scenario_of(at)["solver"]["backend"] == "cbc"


def test_a_plan_switched_on_for_a_yearly_scenario_explains_why_it_cannot_be_met_every_year():
    at = app()
    at.switch_page("ui/pages/rules.py").run()
    at.toggle(key=wk(at, "plan.on")).set_value(True).run()
    at.number_input(key=wk(at, "plan.years.-1")).set_value(2025).run()
    at.number_input(key=wk(at, "solver.mip_gap")).set_value(0.0001).run()
    clean(at)
    solved(at)
    assert result_of(at).selection.status == "infeasible"
    assert any("每年的县(市、区)的下限" in line.value for line in at.text)  # a county minimum of 1, in both years


def test_a_plan_edited_on_the_rules_page_is_solved_year_by_year():
    at = app()
    at.switch_page("ui/pages/rules.py").run()
    text = (ROOT / "scenarios" / "baicun_2024_2028.toml").read_bytes()
    at.file_uploader(key="scenario_upload").set_value(("plan.toml", text, "application/toml")).run()
    at.number_input(key=wk(at, "plan.years.-1")).set_value(2025).run()
    at.number_input(key=wk(at, "plan.total.0")).set_value(400).run()  # the five-year total (950–1,050) does not fit two years
    at.number_input(key=wk(at, "plan.total.1")).set_value(410).run()
    clean(at)
    assert scenario_of(at)["plan"]["total"] == [400, 410]
    solved(at)
    result = result_of(at)
    years = result.selection.years(result.inputs.pool)
    assert sorted(set(years)) == [2024, 2025]
    assert all(190 <= n <= 210 for n in years.value_counts())  # [selection] count holds in every year
    assert int(metric(at, "入选")) == len(years)
    assert 400 <= len(years) <= 410 and result.selection.check.ok


def test_switching_language_after_a_solve_shows_english_without_solving_again(monkeypatch):
    """Results carry codes, not words: a language switch re-renders the shortlist and never re-solves."""
    import streamlit as st

    import ui.state

    calls = []
    real = ui.state.solve
    monkeypatch.setattr(ui.state, "solve", lambda *a, **k: calls.append(1) or real(*a, **k))
    st.cache_resource.clear()
    at = solved(app())
    assert len(calls) == 1
    assert any("入选：综合得分第" in str(v) for v in at.dataframe[0].value.iloc[:, -1])
    at.radio(key="language_choice").set_value("en").run()
    at.switch_page("ui/pages/results.py").run()
    clean(at)
    assert len(calls) == 1
    shortlist = at.dataframe[0].value
    assert "village_id" in shortlist.columns and "reason" in shortlist.columns
    assert all(str(v).startswith("selected") for v in shortlist["reason"])


def test_robustness_page_proves_classes_over_the_weight_range():
    at = solved(app())
    at.switch_page("ui/pages/robustness.py").run()
    at.slider(key="stab_relative").set_value(2.0).run()
    at.number_input(key="stab_budget").set_value(2.0).run()
    at.slider(key="stab_samples").set_value(10).run()
    at.checkbox(key="stab_intervals").uncheck().run()
    at.button(key="stab_run").click().run()
    clean(at)
    study = at.session_state["stability"][1]
    counts = study.counts()
    eligible = int(study.table["eligible"].sum())
    assert sum(counts[c] for c in ("always_in", "never_in", "depends", "undecided")) == eligible
    assert counts["always_in"] > 0 and counts["never_in"] > 0 and study.samples == 10
    shown = [m.value for m in at.metric]
    assert str(counts["always_in"]) in shown and str(counts["never_in"]) in shown
    flips = at.dataframe[1].value
    assert len(flips) == counts["depends"] + counts["undecided"]


def test_buttons_that_set_weights_move_the_sliders_without_an_error():
    """熵权法 and 采用 AHP 权重 write the weights in their callbacks, before the sliders exist (they used to raise
    StreamlitWidgetAlreadyInstantiatedError and blank the page)."""
    from baicun.pipeline import entropy_suggestion
    from ui.state import _bound

    at = app()
    at.switch_page("ui/pages/rules.py").run()
    at.button(key="entropy").click().run()
    clean(at)
    weights = scenario_of(at)["scoring"]["weights"]
    pool = read_pool(SAMPLE_CSV)
    expected = entropy_suggestion(_bound(DEFAULT_TEXT, pool, "baicun_2024.toml"))
    assert weights == {c: round(v, 3) for c, v in expected.items()}
    assert at.slider(key=weight_key(at, "industry_base")).value == pytest.approx(round(expected["industry_base"], 3))


def test_what_was_set_survives_leaving_the_page_switching_language_and_a_reload():
    at = app()
    at.switch_page("ui/pages/rules.py").run()
    at.slider(key=weight_key(at, "industry_base")).set_value(0.4).run()
    at.number_input(key=wk(at, "selection.budget")).set_value(195000.0).run()
    at.multiselect(key=wk(at, "eligibility.require")).set_value(["accepted"]).run()
    at.switch_page("ui/pages/data.py").run()
    at.switch_page("ui/pages/rules.py").run()
    clean(at)
    assert at.slider(key=weight_key(at, "industry_base")).value == 0.4
    assert at.number_input(key=wk(at, "selection.budget")).value == 195000.0
    assert at.multiselect(key=wk(at, "eligibility.require")).value == ["accepted"]
    solved(at)
    run = at.session_state["ws"]["run"]
    assert run is not None
    at.radio(key="language_choice").set_value("en").run()  # (AppTest cannot re-label a selectbox's options; the browser journey can)

    again = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)  # F5: a new session, the same address
    again.query_params["ws"] = at.session_state["ws_id"]
    again.run()
    again.switch_page("ui/pages/rules.py").run()
    clean(again)
    assert again.session_state["ws"]["lang"] == "en" and again.session_state["ws"]["run"] == run
    assert scenario_of(again)["scoring"]["weights"]["industry_base"] == 0.4
    assert scenario_of(again)["selection"]["budget"] == 195000.0 and scenario_of(again)["eligibility"]["require"] == ["accepted"]
    again.switch_page("ui/pages/results.py").run()
    clean(again)
    assert metric(again, "selected") == str(result_of(at).selection.count)


def test_every_solve_is_a_stored_run_named_by_what_changed():
    from store.runs import get_run, open_store

    at = app()
    at.switch_page("ui/pages/rules.py").run()
    at.slider(key=weight_key(at, "industry_base")).set_value(0.4).run()
    solved(at)
    record = get_run(open_store(), at.session_state["ws"]["run"])
    assert record.label == "产业基础 0.3→0.4" and record.scenario_file.endswith("baicun_2024.toml")
    stored = tomllib.loads(record.scenario_text)
    assert stored["scoring"]["weights"]["industry_base"] == 0.4
    assert "# “200 个左右”" in record.scenario_text  # the loaded file's comments are kept
    assert record.selected == result_of(at).selection.selected_ids(result_of(at).inputs.pool)


def test_the_web_workbook_is_the_cli_workbook(tmp_path):
    """One builder: the app's download and `baicun solve --out --map` give the same sheets and cells for one scenario."""
    import subprocess
    import sys

    from tests.expectations import workbook_cells
    from ui.state import xlsx_bytes

    at = app()
    at.switch_page("ui/pages/rules.py").run()
    at.slider(key=weight_key(at, "industry_base")).set_value(0.4).run()
    solved(at)
    web = tmp_path / "web.xlsx"
    web.write_bytes(xlsx_bytes(result_of(at), "zh"))
    scenario = tmp_path / "baicun_2024.toml"
    scenario.write_text(scenario_text_of(at), encoding="utf-8")
    cli = tmp_path / "cli.xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "baicun", "solve", str(scenario), "--pool", str(SAMPLE_CSV), "--out", str(cli), "--no-prices", "--map"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    web_cells, cli_cells = workbook_cells(web), workbook_cells(cli)
    assert list(web_cells) == list(cli_cells)
    assert [name for name in web_cells if web_cells[name] != cli_cells[name]] == []
    assert web_cells["情景"]["head"][0][0] == cli_cells["情景"]["head"][0][0]  # the real file name, not "scenario.toml"


DEFAULT_TEXT = (ROOT / "scenarios" / "baicun_2024.toml").read_text(encoding="utf-8")


def test_streamlit_uploader_strings_are_replaced_by_ours_in_the_reader_language():
    """The uploader's own "Upload" / "Drag and drop" / "200MB per file" are English in every mode; the style sheet
    replaces them with our strings, written as CSS reads them (a \\uXXXX escape showed as "u628a…")."""
    from contract.texts import t
    from ui.style import css

    sheet = css()
    assert "\\u" not in sheet
    for code in ("ui.upload.drop", "ui.upload.limit", "ui.upload.browse"):
        assert f'"{t(code, "zh")}"' in sheet
    limit = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["server"]["maxUploadSize"]
    assert f"{limit} MB" in t("ui.upload.limit", "zh") and f"{limit} MB" in t("ui.upload.limit", "en")
