"""A panel in a meeting, in a real browser at 1366×768: solve, open the map, click a village on it → its explanation
→ lock it in → solve again → it is in the shortlist; lock it out → solve → it is out. The map's boundaries and the
pictures are drawn offline: nothing is requested from any host but 127.0.0.1."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from tests.browser import CHROMIUM, ROOT, browser_page, eventually, off_host, open_page, running_app, wait_idle, workspace

ARTIFACTS = ROOT / "test-artifacts"


def isolated_candidate() -> str:
    """The eligible, not selected village of the app's default scenario farthest from any other village (so a click
    on its marker hits it and no neighbour)."""
    from scipy.spatial import cKDTree

    from analysis.outcome import analyse
    from baicun.pipeline import load_inputs, solve

    inputs = load_inputs(ROOT / "scenarios" / "baicun_2024.toml")
    scores, selection = solve(inputs)
    o = analyse(inputs, scores, selection)
    frame = o.inputs.pool.frame
    xy = np.column_stack([frame["lon"], frame["lat"] * 1.4])
    distance, _ = cKDTree(xy).query(xy, k=2)
    nearest = distance[:, 1]
    candidates = np.flatnonzero(np.asarray(scores.eligible) & ~selection.selected)
    return str(frame["village_id"].iat[int(candidates[np.argmax(nearest[candidates])])])


def click_village(page, village_id: str) -> None:
    """Click the village's marker: its screen position from the figure's own axes (plotly's ``l2p``)."""
    box = page.evaluate(
        """(id) => {
            const plot = [...document.querySelectorAll('.js-plotly-plot')].find(p => p.offsetParent !== null);
            for (const trace of plot._fullData) {  // decoded: plot.data may hold numbers as base64
                const k = Array.from(trace.customdata || []).indexOf(id);
                if (k < 0) continue;
                const layout = plot._fullLayout, r = plot.getBoundingClientRect();
                return {x: r.left + layout._size.l + layout.xaxis.l2p(trace.x[k]), y: r.top + layout._size.t + layout.yaxis.l2p(trace.y[k])};
            }
            return null;
        }""",
        village_id,
    )
    assert box is not None, village_id
    page.mouse.move(box["x"], box["y"])
    page.wait_for_timeout(300)
    page.mouse.click(box["x"], box["y"])


def solve_and_shortlist(page) -> set[str]:
    from store.runs import list_runs, open_store

    before = len(list_runs(open_store(), 1000))
    page.get_by_role("button", name="求解").click()
    eventually(lambda: _more_runs(before), timeout=120)
    wait_idle(page)
    run = list_runs(open_store(), 1)[0]
    return set(run.selected)


def _more_runs(before: int) -> None:
    from store.runs import list_runs, open_store

    assert len(list_runs(open_store(), 1000)) > before


def test_a_village_clicked_on_the_map_is_explained_and_locked_in_then_out():
    assert Path(CHROMIUM).exists()
    ARTIFACTS.mkdir(exist_ok=True)
    data = Path(os.environ["BAICUN_DATA"])
    village = isolated_candidate()
    requests: list[str] = []
    with running_app() as url, browser_page(url, 1366, 768, requests=requests) as page:
        open_page(page, "结果")
        first = solve_and_shortlist(page)
        assert village not in first
        page.get_by_role("tab", name="地图").click()
        page.locator(".js-plotly-plot .scatterlayer").first.wait_for(timeout=60_000)
        wait_idle(page)
        page.screenshot(path=str(ARTIFACTS / "meeting-map-1366x768.png"))
        click_village(page, village)
        wait_idle(page)
        page.get_by_text(village).first.wait_for(timeout=60_000)  # the explanation's header names it
        page.get_by_role("button", name="锁定入选（写入“必选”）").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "meeting-explain-1366x768.png"))
        page.get_by_role("button", name="锁定入选（写入“必选”）").click()
        wait_idle(page)
        eventually(lambda: _holds(workspace(page.url, data)["scenario"], "must_include", village))
        assert village in solve_and_shortlist(page)

        page.get_by_role("tab", name="地图").click()
        wait_idle(page)
        page.get_by_role("button", name="锁定排除（写入“必须排除”）").click()
        wait_idle(page)
        eventually(lambda: _holds(workspace(page.url, data)["scenario"], "must_exclude", village))
        scenario = workspace(page.url, data)["scenario"]
        assert village not in scenario["selection"].get("must_include", [])
        assert village not in solve_and_shortlist(page)

        page.get_by_role("tab", name="性价比").click()
        page.get_by_role("button", name="计算总分随预算/个数变化的曲线（每点重新求解一次）").click()
        page.get_by_text("预算增加 10,000 万元").first.wait_for(timeout=120_000)
        wait_idle(page)
        page.screenshot(path=str(ARTIFACTS / "meeting-value-1366x768.png"))
    assert off_host(requests) == []


def _holds(scenario: dict, name: str, village: str) -> None:
    assert village in scenario.get("selection", {}).get(name, [])
