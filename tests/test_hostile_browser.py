"""The issue's own example, in a real browser: a village named
``![px](http://127.0.0.1:9/pixel.png)[点此下载更新](http://127.0.0.1:9/phish)`` became a live image and link in
单村解释, and Chromium fetched the image. Now the page shows the name as written, has no image or link to that
address, and the browser asks nothing of it. The county's name carries what Streamlit's Markdown adds to CommonMark
(a colour directive, an emoji shortcode, an arrow, LaTeX) and must be shown as typed too."""

from __future__ import annotations

from pathlib import Path

from pool.read import read_pool
from tests.browser import CHROMIUM, browser_page, open_page, running_app, wait_idle
from tests.hostile import ISSUE_NAMES, hostile_pool

COUNTY = ":red[红]县:smile:<-$x$"


def test_a_village_name_is_neither_image_nor_link_nor_fetched(tmp_path):
    assert Path(CHROMIUM).exists(), "Chromium is missing: .ci/run installs it with apt (chromium, fonts-noto-cjk)"
    pool, scenario, best = hostile_pool(tmp_path, ISSUE_NAMES[0], "乡", COUNTY, "市")
    row = read_pool(pool).frame.set_index("village_id").loc[best]
    fetched = []
    with running_app() as url, browser_page(url) as page:
        page.on("request", lambda request: fetched.append(request.url) if "127.0.0.1:9/" in request.url else None)
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(pool))
        page.get_by_text("已载入").wait_for(timeout=60_000)
        wait_idle(page)

        open_page(page, "规则与权重")
        page.get_by_text("情景文件（TOML）").click()
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(scenario))
        page.get_by_text("已载入情景").wait_for(timeout=60_000)
        wait_idle(page)

        open_page(page, "结果")
        page.get_by_role("button", name="求解").click()
        page.locator('[data-testid="stMetric"]').filter(has_text="入选").first.wait_for(timeout=120_000)
        wait_idle(page)
        page.get_by_role("tab", name="单村解释").click()
        page.locator('[data-testid="stSelectbox"]').filter(has_text="选择").last.click()
        page.keyboard.type(best)
        page.keyboard.press("Enter")
        wait_idle(page)
        lines = page.locator('[data-testid="stText"], [data-testid="stMarkdownContainer"]')  # the explanation's lines
        explanation = lines.filter(has_text=best).first
        explanation.wait_for(timeout=60_000)
        page.wait_for_timeout(1000)  # time for an image, were there one, to be requested

        text = "\n".join(lines.all_inner_texts()).replace("\u2060", "")  # word joiners: invisible, they keep URLs from linking
        assert row["village"] in text and row["county"] in text
        assert explanation.locator("img").count() == 0 and explanation.locator("a").count() == 0
        assert page.locator('img[src*="127.0.0.1:9"], a[href*="127.0.0.1:9"]').count() == 0
        assert fetched == []
