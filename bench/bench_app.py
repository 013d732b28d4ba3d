"""Responsiveness of the app in a real browser: time from pressing 求解 to the shortlist on screen, on the sample
pool with the default scenario (Chromium headless, the app started on 127.0.0.1 by this script).

    python bench/bench_app.py [repeats]

The first press pays for the solve; later presses with unchanged rules hit the cache; a moved weight is a new
solve. Each row is measured from the click until the shortlist's first row is visible and the script has finished.
"""

from __future__ import annotations

import sys
import time

from common import ROOT, print_table

sys.path.insert(0, str(ROOT))

from tests.browser import browser_page, open_page, running_app, wait_idle  # noqa: E402


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
    rows = []
    with running_app() as url, browser_page(url) as page:
        open_page(page, "结果")
        rows.append({"case": "first solve (cold)", "seconds": round(press_solve(page), 3)})
        for i in range(repeats):
            rows.append({"case": f"same rules again #{i + 1} (cached)", "seconds": round(press_solve(page), 3)})
        for i in range(repeats):
            open_page(page, "规则与权重")
            move_weight(page, 2 if i % 2 == 0 else -1)
            open_page(page, "结果")
            rows.append({"case": f"after moving a weight #{i + 1} (new solve)", "seconds": round(press_solve(page), 3)})
    print_table(rows, "Press 求解 → shortlist on screen (sample pool 9,300 villages, default scenario, Chromium headless)")
