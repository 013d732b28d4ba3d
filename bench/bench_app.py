"""Responsiveness of the app in a real browser (Chromium headless, the app started on 127.0.0.1 by this script),
on the sample pool with the default scenario:

* press 求解 → the shortlist on screen: the first press (a new solve), presses with unchanged rules (cached) and
  presses after a moved weight (new solves);
* the first render of every page (click in the sidebar → the script run finished);
* the workbook download (click → file saved);
* the map (click the 地图 tab → boundaries and villages drawn), against ``report.maps.map_figure`` in process
  (first call: plotly's import and the boundaries read from their cache; then warm). Aim (issue 22): under 1 s.
* 县级预审: picking a county → its villages on screen (issue 22's aim: under 2 s), against the old in-process
  preview of one county (an exact re-solve per village on each pick); the new in-process pick and the once-per-solve
  LP pass beside it.

    python bench/bench_app.py [repeats]

The baseline is the same work done in this process without a browser: ``pipeline.solve`` of the default scenario
(and ``report.files.workbook_bytes`` for the download); the ratio is browser time / baseline. Aims (issue 15): a
solve under 1.5 s, a page under 1 s.
"""

from __future__ import annotations

import sys
import time

from common import ROOT, print_table

sys.path.insert(0, str(ROOT))

from tests.browser import browser_page, open_page, running_app, wait_idle  # noqa: E402

PAGES = ("数据", "规则与权重", "结果", "情景对比", "稳健性", "县级预审", "专家评审")


def baseline() -> tuple[float, float]:
    """(seconds to solve the default scenario in process, seconds to build its workbook in memory)."""
    from baicun.pipeline import load_inputs, outcome, solve
    from report.files import workbook_bytes

    inputs = load_inputs(ROOT / "scenarios" / "baicun_2024.toml")
    start = time.perf_counter()
    scores, selection = solve(inputs)
    solved = time.perf_counter() - start
    result = outcome(inputs, scores, selection)
    start = time.perf_counter()
    workbook_bytes(result)
    return solved, time.perf_counter() - start


def map_baseline() -> tuple[float, float]:
    """(seconds for the first ``map_figure`` of the default scenario's outcome in this process, seconds warm)."""
    from baicun.pipeline import load_inputs, outcome, solve
    from report.maps import map_figure

    inputs = load_inputs(ROOT / "scenarios" / "baicun_2024.toml")
    result = outcome(inputs, *solve(inputs))
    start = time.perf_counter()
    map_figure(result).to_json()
    first = time.perf_counter() - start
    start = time.perf_counter()
    map_figure(result).to_json()
    return first, time.perf_counter() - start


def show_map(page) -> float:
    """Click 地图 → the script run over and the figure's village markers drawn."""
    start = time.perf_counter()
    page.get_by_role("tab", name="地图").click()
    wait_idle(page)
    page.locator(".js-plotly-plot .scatterlayer").first.wait_for()
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].some(p => p.offsetParent !== null && p._fullData)")
    return time.perf_counter() - start


PICKS = ("九台区", "榆树市", "德惠市")  # counties picked on 县级预审 (九台区 has 44 eligible villages)


def county_baseline() -> dict[str, float]:
    """In-process seconds, one county (九台区): ``old`` — the preview as it was (an exact re-solve per village of the
    county, on each pick); ``bounds`` — the LP pass over the province, once per solve; ``pick`` — a pick now (the
    bounds and the exact margins known so far given)."""
    from baicun.pipeline import county, load_inputs, margin_bounds, outcome, solve

    inputs = load_inputs(ROOT / "scenarios" / "baicun_2024.toml")
    o = outcome(inputs, *solve(inputs))
    start = time.perf_counter()
    county(o, PICKS[0])
    old = time.perf_counter() - start
    start = time.perf_counter()
    bounds = margin_bounds(o)
    lp = time.perf_counter() - start
    start = time.perf_counter()
    county(o, PICKS[0], {}, bounds)
    return {"old": old, "bounds": lp, "pick": time.perf_counter() - start}


def pick_county(page, name: str) -> float:
    """Choose a county on 县级预审 → its table rendered."""
    start = time.perf_counter()
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="选择县(市、区)").first
    box.click()
    page.keyboard.type(name)
    page.get_by_role("option", name=name, exact=True).first.click()
    page.wait_for_timeout(50)
    wait_idle(page)
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    seconds = time.perf_counter() - start
    shown = box.inner_text() + box.locator("input").first.input_value() + (box.locator("input").first.get_attribute("aria-label") or "")
    assert name in shown, shown
    return seconds


def render(page, title: str) -> float:
    start = time.perf_counter()
    open_page(page, title)
    return time.perf_counter() - start


def download(page) -> float:
    start = time.perf_counter()
    with page.expect_download() as info:
        page.get_by_role("button", name="下载结果 Excel").first.click()
    info.value.path()  # waits until the file is saved
    return time.perf_counter() - start


def press_solve(page) -> float:
    start = time.perf_counter()
    page.get_by_role("button", name="求解").click()
    page.wait_for_timeout(50)
    wait_idle(page)
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    return time.perf_counter() - start


def move_weight(page, steps: int) -> None:
    slider = page.locator('[data-testid="stSlider"]').filter(has_text="产业基础").locator('input[type="range"]').first
    slider.focus()
    for _ in range(abs(steps)):
        page.keyboard.press("ArrowRight" if steps > 0 else "ArrowLeft")
    page.keyboard.press("Tab")
    wait_idle(page)


if __name__ == "__main__":
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    solve_base, workbook_base = baseline()
    map_first, map_warm = map_baseline()
    county_base = county_baseline()
    rows = []

    def row(case: str, seconds: float, base: float) -> None:
        rows.append({"case": case, "seconds": round(seconds, 3), "baseline (no browser)": round(base, 3), "ratio": round(seconds / base, 2)})

    with running_app() as url, browser_page(url, width=1366, height=768) as page:
        for title in PAGES:
            row(f"first render: {title}", render(page, title), solve_base)
        open_page(page, "结果")
        row("求解, first press (new solve)", press_solve(page), solve_base)
        for i in range(repeats):
            row(f"求解 again #{i + 1} (cached)", press_solve(page), solve_base)
        for i in range(repeats):
            open_page(page, "规则与权重")
            move_weight(page, 2 if i % 2 == 0 else -1)
            open_page(page, "结果")
            row(f"求解 after moving a weight #{i + 1} (new solve)", press_solve(page), solve_base)
        row("下载 Excel (click → file saved)", download(page), workbook_base)
        row("map: in process, first map_figure", map_first, map_warm)
        for i in range(repeats):
            page.get_by_role("tab", name="入选名单").click()
            wait_idle(page)
            row(f"地图 tab #{i + 1} (click → drawn)", show_map(page), map_warm)
        open_page(page, "县级预审")
        for name in PICKS:
            row(f"县级预审: pick {name} (browser) vs the old in-process preview", pick_county(page, name), county_base["old"])
    row("县级预审: a pick in process now vs the old in-process preview", county_base["pick"], county_base["old"])
    row("县级预审: the LP bound pass, once per solve vs the old in-process preview", county_base["bounds"], county_base["old"])
    title = "The app in Chromium at 1366×768 against the same work in process (sample pool, default scenario; 示例数据)"
    print_table(
        rows,
        title + "\nbaseline: pipeline.solve for renders and solves, report.files.workbook_bytes for the download, "
        "report.maps.map_figure (warm, in process) for the map",
    )
