"""Running the real app for browser tests and the responsiveness benchmark: start ``streamlit run app.py`` on
127.0.0.1 (a free port), wait for ``/_stcore/health``, drive it with Playwright in Debian's Chromium, stop it by
its own process group."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
IDLE = "() => document.querySelector('[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state') === 'notRunning'"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(timeout: float = 90.0, environment: dict | None = None):
    """The app's base URL while it runs (``environment``: variables added to the app's, e.g. server mode)."""
    port = free_port()
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"baicun-app-{port}.log", "w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env={**os.environ, **(environment or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start; see {log.name}")
            time.sleep(0.3)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


@contextlib.contextmanager
def browser_page(url: str, width: int = 1600, height: int = 1000, scale: float = 1.0, requests: list | None = None):
    """A Chromium page on the app; ``scale`` 1.5 with a viewport of 1366/1.5 × 768/1.5 is a 1366×768 screen at
    150 % zoom. Every URL the page requests is appended to ``requests`` when given."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale, accept_downloads=True, locale="zh-CN")
        if requests is not None:
            context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        page.goto(url)
        wait_idle(page)
        try:
            yield page
        finally:
            browser.close()


def wait_idle(page, timeout: float = 120_000) -> None:
    """Until the app has rendered and no script run is in progress."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_timeout(200)  # a rerun triggered just before may not have started yet
    page.wait_for_function(IDLE, timeout=timeout)


def wait_text(page, pattern: str, timeout: float = 60_000) -> None:
    """Until text matching ``pattern`` is visible; failing, the assertion carries what the page showed (CI keeps
    no screenshot, so the message is the only record of the page)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.get_by_text(re.compile(pattern)).first.wait_for(timeout=timeout)
    except PlaywrightTimeout:
        raise AssertionError(f"「{pattern}」 not shown within {timeout / 1000:.0f} s; the page showed:\n{page.inner_text('body')[:4000]}") from None


def open_page(page, title: str) -> None:
    page.get_by_role("link", name=title).first.click()
    wait_idle(page)


def metric_value(page, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def off_host(requests: list[str]) -> list[str]:
    """Requests that would leave the machine: anything not to 127.0.0.1 (data: and blob: URLs stay in the page)."""
    from urllib.parse import urlparse

    return [u for u in requests if urlparse(u).scheme not in ("data", "blob") and urlparse(u).hostname not in ("127.0.0.1", "localhost")]


def edit_cell(page, grid, row: int, column: int, columns: int, text: str) -> None:
    """Type ``text`` into a cell of a data editor (a canvas grid: row 0 is the first data row; a row-marker column of
    32 px, then ``columns`` columns of equal width, rows of 35 px under a 35 px header)."""
    wait_idle(page)
    for attempt in range(4):  # a grid drawn again by a rerun may swallow the first double click
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        x = box["x"] + 32 + (box["width"] - 32) * (column + 0.5) / columns
        y = box["y"] + 35 * (row + 1) + 17
        page.mouse.dblclick(x, y)
        try:
            page.wait_for_selector("#portal input", timeout=3_000)  # the cell's editor: a text box, or a choice list's search box
            break
        except Exception:
            if attempt == 3:
                raise
            page.keyboard.press("Escape")
    editor = page.locator("#portal input").first
    editor.fill(text)
    page.wait_for_timeout(200)
    editor.press("Enter")
    page.wait_for_timeout(500)  # the grid sends its edit a moment later
    wait_idle(page)


def delete_row(page, grid, row: int, text: str) -> None:
    """Delete data row ``row`` (0 = first) of a data editor, which must show ``text``: its row marker is clicked until
    the grid marks that row selected (a grid drawn again by a rerun may swallow a click), then the grid's own
    "Delete row(s)" button is pressed — never a key that would land on whatever holds the focus."""
    from playwright.sync_api import expect

    wait_idle(page)
    selected = grid.locator('[role="row"][aria-selected="true"]')
    for attempt in range(4):
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 16, box["y"] + 35 * (row + 1) + 17)
        try:
            expect(selected.filter(has_text=text)).to_have_count(1, timeout=3_000)
            break
        except AssertionError:
            if attempt == 3:
                raise
            page.keyboard.press("Escape")
            wait_idle(page)
    grid.get_by_label("Delete row(s)").click()
    page.wait_for_timeout(500)  # the grid sends its edit a moment later
    wait_idle(page)


def workspace(url: str, data: Path) -> dict:
    """The workspace the app saved for the session at this address (ui/state.py): what the solver will receive."""
    import json
    from urllib.parse import parse_qs, urlparse

    workspace_id = parse_qs(urlparse(url).query)["ws"][0]
    return json.loads((data / "workspaces" / f"{workspace_id}.json").read_text(encoding="utf-8"))


def eventually(check, timeout: float = 45.0) -> None:
    """``check()`` passes within ``timeout`` seconds (what the server saves lands a moment after the click; on a
    loaded CI machine a save took longer than 15 s)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            check()
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
