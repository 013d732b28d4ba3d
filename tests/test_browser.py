"""End to end in a real browser, as a new user: upload a GB18030 CSV, move the industry weight, solve, read the
shortlist count on the page, download the workbook and read it back. Screenshots of every page are saved in
``test-artifacts/`` (look at them: Chinese must render, nothing may overlap)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pool.read import read_pool
from tests.browser import CHROMIUM, ROOT, browser_page, metric_value, open_page, running_app, wait_idle
from tests.conftest import SAMPLE_CSV
from ui.state import DEFAULT_SCENARIO

ARTIFACTS = ROOT / "test-artifacts"
PAGES = ["数据", "规则与权重", "结果", "情景对比", "稳健性", "县级预审"]


def test_new_user_uploads_moves_a_weight_solves_and_downloads(tmp_path):
    assert Path(CHROMIUM).exists(), "Chromium is missing: .ci/run installs it with apt (chromium, fonts-noto-cjk)"
    ARTIFACTS.mkdir(exist_ok=True)
    upload = tmp_path / "全省申报汇总.csv"  # the sample province saved by Excel as GB18030, as county offices often do
    upload.write_text(SAMPLE_CSV.read_text(encoding="utf-8-sig"), encoding="gb18030")
    villages = read_pool(SAMPLE_CSV).size
    with running_app() as url, browser_page(url) as page:
        page.screenshot(path=str(ARTIFACTS / "0-start.png"), full_page=True)
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(upload))
        page.get_by_text("已载入").wait_for(timeout=60_000)
        wait_idle(page)
        assert metric_value(page, "村庄数") == f"{villages:,}"
        assert page.get_by_text("全省申报汇总.csv").count()
        page.screenshot(path=str(ARTIFACTS / "1-数据.png"), full_page=True)

        open_page(page, "规则与权重")
        slider = page.locator('[data-testid="stSlider"]').filter(has_text="产业基础").locator('input[type="range"]').first
        before = float(slider.input_value())
        slider.focus()
        for _ in range(20):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Tab")
        after = float(slider.input_value())
        assert after == pytest.approx(before + 0.1, abs=1e-6)
        # The slider commits its value after a debounce; the rescaled weight in the table comes back from the server,
        # so seeing it proves the session holds the new weight before we leave the page.
        total = sum(tomllib.loads(DEFAULT_SCENARIO.read_text(encoding="utf-8"))["scoring"]["weights"].values()) + 0.1
        page.locator('[data-testid="stTable"]').get_by_text(f"{after / total:.4f}").wait_for(timeout=30_000)
        wait_idle(page)
        page.screenshot(path=str(ARTIFACTS / "2-规则与权重.png"), full_page=True)

        open_page(page, "结果")
        page.get_by_role("button", name="求解").click()
        page.locator('[data-testid="stMetric"]').filter(has_text="入选").first.wait_for(timeout=120_000)
        wait_idle(page)
        count = int(metric_value(page, "入选"))
        assert 190 <= count <= 210
        page.screenshot(path=str(ARTIFACTS / "3-结果.png"), full_page=True)

        with page.expect_download(timeout=120_000) as download:
            page.get_by_role("button", name="下载结果 Excel").click()
        saved = tmp_path / "结果.xlsx"
        download.value.save_as(saved)
        book = load_workbook(saved, read_only=True)
        shortlist = list(book["入选名单"].values)
        assert len(shortlist) - 2 == count  # title row, header row, one row per selected village
        scenario = "\n".join(str(cell) for row in book["情景"].values for cell in row if cell)
        assert "industry_base = 0.4" in scenario  # the workbook records the weight the user moved

        # Loading another scenario file must show its values in every widget, not the previous file's.
        open_page(page, "规则与权重")
        page.get_by_text("情景文件（TOML）").click()
        plan = ROOT / "scenarios" / "baicun_2024_2028.toml"
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(plan))
        page.get_by_text("已载入情景").wait_for(timeout=60_000)
        wait_idle(page)
        name = tomllib.loads(plan.read_text(encoding="utf-8"))["name"]
        assert page.get_by_label("情景名称").input_value() == name
        page.get_by_role("tab", name="多年度规划").click()
        assert page.locator("label").filter(has_text="编制多年度规划").locator("input").is_checked()

        for title in PAGES[3:]:
            open_page(page, title)
            page.screenshot(path=str(ARTIFACTS / f"{PAGES.index(title) + 1}-{title}.png"), full_page=True)
        assert not page.get_by_text("本页出错").count()
