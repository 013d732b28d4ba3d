"""The province's server in a real browser (issue 19): a panel user and a county user signed in at once, in two
browser contexts of one Chromium. The county user sees nothing until the panel publishes, then only its own
county — in the page's HTML and in the file it downloads — and has no other page to go to."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from pool.read import read_pool
from store import access
from store.runs import open_store
from tests.browser import CHROMIUM, CHROMIUM_ARGS, ROOT, open_page, running_app, wait_idle
from tests.conftest import SAMPLE_CSV

ARTIFACTS = ROOT / "test-artifacts"
COUNTY = "220182"
PASSWORD = "一个足够长的密码"


def sign_in(page, url: str, name: str) -> None:
    page.goto(url)
    wait_idle(page)
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("button", name="退出登录").wait_for(timeout=60_000)
    wait_idle(page)


def ids_in(text: str) -> set[str]:
    return set(re.findall(r"(?<!\d)\d{12}(?!\d)", text))


def test_a_panel_and_a_county_user_at_once(tmp_path):
    assert Path(CHROMIUM).exists(), "Chromium is missing: .ci/run installs it with apt (chromium, fonts-noto-cjk)"
    ARTIFACTS.mkdir(exist_ok=True)
    db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    engine = open_store(db)
    access.add_user(engine, "评审甲", PASSWORD, "panel")
    access.add_user(engine, "榆树", PASSWORD, "county", COUNTY)
    frame = read_pool(SAMPLE_CSV).frame
    others = set(frame.loc[~frame["village_id"].str.startswith(COUNTY), "village_id"])
    environment = {"BAICUN_SERVER": "1", "BAICUN_DB": db, "BAICUN_DATA": str(tmp_path / "data")}
    with running_app(environment=environment) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            contexts = [browser.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True, locale="zh-CN") for _ in range(2)]
            panel, county = (context.new_page() for context in contexts)
            sign_in(panel, url, "评审甲")
            sign_in(county, url, "榆树")
            assert county.get_by_text("省级评审尚未发布结果").count()
            for title in ("数据", "规则与权重", "结果", "情景对比", "稳健性", "专家评审"):  # one page: no navigation at all
                assert county.get_by_role("link", name=title).count() == 0

            open_page(panel, "结果")
            panel.get_by_role("button", name="求解").click()
            panel.get_by_role("button", name=re.compile("发布此结果")).click()
            panel.get_by_text(re.compile(r"已发布：运行 \d+")).wait_for(timeout=60_000)
            published = re.search(r"运行 (\d+)", panel.get_by_text(re.compile(r"已发布：运行 \d+")).inner_text()).group(1)

            sign_in(county, url, "榆树")  # a reload asks to sign in again
            county.get_by_text(f"已发布：运行 {published}").wait_for(timeout=60_000)
            county.screenshot(path=str(ARTIFACTS / "server-county.png"), full_page=True)
            html = county.content()
            assert not ids_in(html) & others
            with county.expect_download() as download:
                county.get_by_role("button", name="下载本县村庄表").click()
            with zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())) as book:
                text = "\n".join(book.read(name).decode("utf-8", errors="replace") for name in book.namelist())
            found = ids_in(text)
            assert found and all(v.startswith(COUNTY) for v in found)
            panel.screenshot(path=str(ARTIFACTS / "server-panel.png"), full_page=True)
        finally:
            browser.close()
