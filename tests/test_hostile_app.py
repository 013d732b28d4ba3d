"""User text is text in the app (issue 21, kind 1): a pool whose names are Markdown, HTML or a formula, uploaded
under a hostile file name, goes through every page. Every element that renders Markdown must show the names
literally (rendered as CommonMark: no link, image, HTML, heading …), and every plotly label must carry them
HTML-escaped (plotly reads <a>, <b>, <br> in labels). The issue's example — a village name that became a live
image and a phishing link in 单村解释 — is the first case."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from streamlit.testing.v1 import AppTest

from pool.read import read_pool
from report.escape import html
from tests.apptest import pool_of, result_of, wk
from tests.conftest import ROOT
from tests.hostile import ISSUE_NAMES, KINDS, LIVE, hostile_names, hostile_pool, rendered

TIMEOUT = 180
MARKDOWN_ELEMENTS = ("markdown", "error", "warning", "info", "success", "caption", "title", "header", "subheader", "toast")


def texts(at: AppTest) -> list[str]:
    """What every Markdown-rendering element on the page shows, rendered; fails on any live element."""
    shown = []
    for kind in MARKDOWN_ELEMENTS:
        for element in getattr(at, kind):
            text, kinds = rendered(element.value)
            assert not kinds & LIVE, (kind, element.value, kinds & LIVE)
            shown.append(text)
    for metric in at.metric:
        text, kinds = rendered(metric.label)
        assert not kinds & LIVE
        shown.append(text)
    shown += [element.value for element in at.text]  # st.text: shown as typed, never rendered
    return shown


def figures(at: AppTest) -> list[str]:
    """Every string in every plotly figure on the page."""
    strings = []

    def walk(node):
        if isinstance(node, str):
            strings.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for chart in at.get("plotly_chart"):
        walk(json.loads(chart.proto.spec))
    return strings


def clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not [e for e in at.error if "本页出错" in e.value]


def visit(at: AppTest, names: set[str], required: set[str]) -> None:
    """No live element; ``required`` names appear literally in some element; no plotly label carries a raw tag."""
    clean(at)
    shown = " ".join(texts(at))
    assert all(name in shown for name in required), [n for n in required if n not in shown]
    labels = figures(at)
    for name in names:
        if html(name) != name:
            assert not any(name in label for label in labels), name


def every_page(tmp_path, village: str, county: str, city: str, file_name: str) -> None:
    pool_path, scenario, best = hostile_pool(tmp_path, village, "乡", county, city)
    row = read_pool(pool_path).frame.set_index("village_id").loc[best]
    v, c, ci = row["village"], row["county"], row["city"]
    names = {v, c, ci}
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.file_uploader(key="pool_upload").set_value((file_name, pool_path.read_bytes(), "text/csv")).run()
    visit(at, names, {file_name})
    assert pool_of(at).size == 300
    labels = figures(at)
    assert any(html(v) in label for label in labels)  # the map's hover names, escaped

    at.switch_page("ui/pages/rules.py").run()
    at.file_uploader(key="scenario_upload").set_value(("s.toml", scenario.read_bytes(), "application/toml")).run()
    visit(at, names, set())

    at.switch_page("ui/pages/results.py").run()
    at.button(key="solve").click().run()
    visit(at, names, set())
    assert best in result_of(at).selection.selected_ids(result_of(at).inputs.pool)
    at.selectbox(key="explain_village").set_value(next(o for o in at.selectbox(key="explain_village").options if o.startswith(best))).run()
    visit(at, names, {v, c, ci})  # 单村解释: the issue's live image and link

    at.switch_page("ui/pages/rules.py").run()
    at.slider(key=wk(at, "selection.count")).set_value((6, 8)).run()
    at.switch_page("ui/pages/results.py").run()
    at.button(key="solve").click().run()
    visit(at, names, set())

    at.switch_page("ui/pages/compare.py").run()
    visit(at, names, set())
    at.switch_page("ui/pages/robustness.py").run()
    at.button(key="robust_run").click().run()
    visit(at, names, set())
    at.switch_page("ui/pages/county.py").run()
    at.selectbox(key="county_pick").set_value(c).run()
    visit(at, names, set())
    assert v in at.dataframe[0].value.to_string()


@pytest.mark.parametrize("case", [0])
def test_the_issue_name_is_neither_image_nor_link_on_any_page(tmp_path, case):
    every_page(tmp_path, ISSUE_NAMES[0], ISSUE_NAMES[1], ISSUE_NAMES[2], "![f](http:127.0.0.1:9)[坏[b].csv")


@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
@given(village=hostile_names(), county=hostile_names(), city=hostile_names())
@example(village=KINDS[1], county=KINDS[2], city=KINDS[3])
def test_hostile_names_are_literal_on_every_page(tmp_path_factory, village, county, city):
    every_page(tmp_path_factory.mktemp("app"), village, county, city, "<b>县报</b>[x](y).csv")


SHOWN_AS_MARKDOWN = {"markdown", "error", "warning", "info", "success", "caption", "write", "title", "header", "subheader", "toast", "expander"}
SAFE_CALLS = {"tr", "md"}  # ui.state: a message with escaped parameters; a whole sentence escaped


def _safe(node) -> bool:
    """An expression whose text is ours or escaped: a literal, tr(...)/md(...), or a composition of those."""
    import ast

    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Name) and node.func.id in SAFE_CALLS
    if isinstance(node, ast.JoinedStr):
        return all(isinstance(v, ast.Constant) or _safe(v.value) for v in node.values)
    if isinstance(node, ast.BoolOp):
        return all(_safe(v) for v in node.values)
    if isinstance(node, ast.IfExp):
        return _safe(node.body) and _safe(node.orelse)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _safe(node.left) and _safe(node.right)
    return False


def test_every_markdown_element_of_the_app_is_given_escaped_text():
    """The one place per renderer, held: every st.markdown / error / success … call in the app takes a literal,
    ``tr(...)`` (user parameters escaped) or ``md(...)`` (a whole sentence escaped) — or says on its line where its
    text was escaped (``# escaped:``)."""
    import ast

    offenders = []
    for path in [ROOT / "app.py", *sorted((ROOT / "ui").rglob("*.py"))]:
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SHOWN_AS_MARKDOWN):
                continue
            texts = node.args[:1] + [k.value for k in node.keywords if k.arg in ("body", "label", "text")]
            if all(_safe(t) for t in texts) or "# escaped:" in lines[node.lineno - 1]:
                continue
            offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    assert offenders == []
