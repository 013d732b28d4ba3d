"""A panel member's journey in a real browser at projector size (1366×768): set every kind of rule on the rules
page — slider, number, table cell, table row added and deleted, multiselect, text — leave to every other page and
come back, switch language, reload; after each step the scenario the solver will receive (the workspace the app
saved) holds exactly what was set. Then solve: the stored run holds it too, reopens after a reload, and nothing
was requested from any host but 127.0.0.1. Screenshots at 1366×768 and at 150 % zoom go to test-artifacts/."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from playwright.sync_api import expect

from tests.browser import (
    CHROMIUM,
    ROOT,
    browser_page,
    delete_row,
    edit_cell,
    eventually,
    metric_value,
    off_host,
    open_page,
    running_app,
    wait_idle,
    workspace,
)

ARTIFACTS = ROOT / "test-artifacts"
OTHER_PAGES = ["数据", "结果", "情景对比", "稳健性", "县级预审"]
EXPECTED = {
    "weight": 0.4,
    "budget": 195000.0,
    "quota": [{"flag": "border", "min": 30}, {"flag": "tourism", "max": 40}],
    "leader": 65,
    "require": ["accepted"],
    "must_include": ["220102101206"],
    "name": "旅程情景",
}


def assert_quota_count(s: dict, count: int) -> None:
    assert len(s["selection"]["quota"]) == count, s["selection"]["quota"]


def scenario_holds(s: dict, upto: int) -> None:
    """The first ``upto`` settings of the journey are in the scenario ``s`` exactly."""
    checks = [
        lambda: s["scoring"]["weights"]["industry_base"] == EXPECTED["weight"],
        lambda: s["selection"]["budget"] == EXPECTED["budget"],
        lambda: s["selection"]["quota"][0] == EXPECTED["quota"][0],
        lambda: s["selection"]["quota"] == EXPECTED["quota"],
        lambda: s["eligibility"]["min"]["leader"] == EXPECTED["leader"],
        lambda: s["eligibility"]["require"] == EXPECTED["require"],
        lambda: s["selection"]["must_include"] == EXPECTED["must_include"],
        lambda: s["name"] == EXPECTED["name"],
    ]
    failed = [i for i, check in enumerate(checks[:upto]) if not holds(check)]
    assert not failed, (failed, s.get("scoring"), s.get("selection"), s.get("eligibility"))


def holds(check) -> bool:
    try:
        return check()
    except (KeyError, IndexError):
        return False


def grid(page, tab: str, index: int):
    page.get_by_role("tab", name=tab).click()
    wait_idle(page)
    return page.locator('[data-testid="stDataFrame"]:visible').nth(index)


def test_every_rule_set_survives_pages_language_and_reload_and_is_what_is_solved():
    assert Path(CHROMIUM).exists(), "Chromium is missing: .ci/run installs it with apt (chromium, fonts-noto-cjk)"
    ARTIFACTS.mkdir(exist_ok=True)
    data = Path(os.environ["BAICUN_DATA"])
    requests: list[str] = []
    with running_app() as url, browser_page(url, 1366, 768, requests=requests) as page:
        saved = lambda: workspace(page.url, data)["scenario"]  # noqa: E731
        open_page(page, "规则与权重")
        step = 0

        # a slider: 产业基础 0.30 → 0.40 (0.005 a key press)
        slider = page.locator('[data-testid="stSlider"]').filter(has_text="产业基础").locator('input[type="range"]').first
        slider.focus()
        for _ in range(20):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Tab")
        page.locator('[data-testid="stTable"]').get_by_text(f"{0.4 / 1.1:.4f}").wait_for(timeout=30_000)
        wait_idle(page)
        step += 1
        eventually(lambda: scenario_holds(saved(), step))

        # a number: the budget
        page.get_by_role("tab", name="数量、预算与名额").click()
        budget = page.get_by_label("预算（万元）")
        budget.fill("195000")
        budget.press("Enter")
        wait_idle(page)
        step += 1
        eventually(lambda: scenario_holds(saved(), step))

        # a table cell: 重点边境村 下限 24 → 30
        edit_cell(page, grid(page, "数量、预算与名额", 0), 0, 1, 3, "30")
        step += 1
        eventually(lambda: scenario_holds(saved(), step))

        # a row deleted (脱贫村) and a row added (乡村旅游精品村 at most 40)
        delete_row(page, grid(page, "数量、预算与名额", 0), 1, "脱贫")
        eventually(lambda: assert_quota_count(saved(), 1))  # deleted and saved before the next row is typed
        # typing into the empty row under the last one adds a row
        edit_cell(page, grid(page, "数量、预算与名额", 0), 1, 0, 3, "乡村旅游精品村")
        edit_cell(page, grid(page, "数量、预算与名额", 0), 1, 2, 3, "40")
        step += 1
        eventually(lambda: scenario_holds(saved(), step))

        # a threshold cell: 带头人 at least 60 → 65
        edit_cell(page, grid(page, "资格条件", 0), 0, 1, 3, "65")
        step += 1
        eventually(lambda: scenario_holds(saved(), step))

        # a multiselect: drop 后续运营规划 from the required flags
        require = page.locator('[data-testid="stMultiSelect"]').filter(has_text="必须为").first
        require.locator("input").first.click()
        page.keyboard.press("Backspace")  # removes the last chosen flag, 后续运营规划
        page.keyboard.press("Escape")
        wait_idle(page)
        step += 1
        eventually(lambda: scenario_holds(saved(), step))

        # text: a must-include village and the scenario's name
        page.get_by_role("tab", name="数量、预算与名额").click()
        must = page.get_by_label("必选村（村庄代码，逗号或换行分隔）")
        must.fill("220102101206")
        must.press("Control+Enter")  # a text area commits on Ctrl+Enter (or when it loses focus)
        wait_idle(page)
        step += 1
        eventually(lambda: scenario_holds(saved(), step))
        name = page.get_by_label("情景名称")
        name.fill(EXPECTED["name"])
        name.press("Enter")
        wait_idle(page)
        step += 1
        eventually(lambda: scenario_holds(saved(), step))
        page.screenshot(path=str(ARTIFACTS / "journey-1-rules.png"))

        # leave to every other page and come back: the widgets show what was set
        for title in OTHER_PAGES:
            open_page(page, title)
            eventually(lambda: scenario_holds(saved(), step))
        open_page(page, "规则与权重")
        expect(page.get_by_label("情景名称")).to_have_value(EXPECTED["name"])  # retried: the page may still be drawing
        page.get_by_role("tab", name="数量、预算与名额").click()
        expect(page.get_by_label("预算（万元）")).to_have_value(f"{EXPECTED['budget']:.1f}")
        assert "修改" in page.locator('[data-testid="stSidebar"]').inner_text()  # the sidebar says the scenario was changed

        # switch language, and back: nothing changes
        page.get_by_text("English", exact=True).click()
        wait_idle(page)
        expect(page.get_by_label("Scenario name")).to_have_value(EXPECTED["name"])
        eventually(lambda: scenario_holds(saved(), step))
        page.get_by_text("中文", exact=True).click()
        wait_idle(page)

        # reload (F5): the same address brings the same session back
        page.reload()
        wait_idle(page)
        eventually(lambda: scenario_holds(saved(), step))
        expect(page.get_by_label("情景名称")).to_have_value(EXPECTED["name"])

        # solve: the stored run is exactly what was set
        open_page(page, "结果")
        page.get_by_role("button", name="求解").click()
        page.locator('[data-testid="stMetric"]').filter(has_text="入选").first.wait_for(timeout=120_000)
        wait_idle(page)
        count = metric_value(page, "入选")
        from store.runs import list_runs, open_store

        run = list_runs(open_store(), 1)[0]
        scenario_holds(tomllib.loads(run.scenario_text), step)
        assert run.label and "产业基础 0.3→0.4" in run.label
        page.screenshot(path=str(ARTIFACTS / "journey-2-results-1366x768.png"))

        # the meeting summary to download: the session's changes, in the panel's words, on the page
        with page.expect_download(timeout=120_000) as download:
            page.get_by_role("button", name="下载会议摘要（PDF，一页）").click()
        from pypdf import PdfReader

        summary = "".join(p.extract_text() for p in PdfReader(download.value.path()).pages).replace(" ", "").replace("\n", "")
        assert "产业基础0.3→0.4" in summary and EXPECTED["name"].replace(" ", "") in summary

        # a reload on the results page reopens the stored run
        page.reload()
        wait_idle(page)
        page.locator('[data-testid="stMetric"]').filter(has_text="入选").first.wait_for(timeout=60_000)
        assert metric_value(page, "入选") == count
        assert not page.get_by_text("本页出错").count()

        # the same session on a 1366×768 projector at 150 % zoom: the whole status line still reads
        zoomed = page.context.browser.new_context(viewport={"width": 911, "height": 512}, device_scale_factor=1.5, locale="zh-CN").new_page()
        zoomed.on("request", lambda request: requests.append(request.url))
        zoomed.goto(page.url)
        wait_idle(zoomed)
        zoomed.locator('[data-testid="stMetric"]').filter(has_text="入选").first.wait_for(timeout=60_000)
        assert zoomed.get_by_text("已证明最优").first.is_visible()
        zoomed.screenshot(path=str(ARTIFACTS / "journey-3-results-150pct.png"))
    assert off_host(requests) == []
