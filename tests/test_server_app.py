"""The app as a shared server (``baicun serve``, issue 19), on SQLite and on PostgreSQL: sign-in, roles enforced in
``ui.state`` (not by hiding widgets), a county user's one view, publication, the audit trail.

The leak test reads everything the server sends a county user's browser — every element's protobuf message (what
the page's source is made of), every table's cells, every download's bytes (unzipped) — on every page of the app,
and finds no other county's village id or county name in it."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from google.protobuf.json_format import MessageToDict
from google.protobuf.message import Message
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from pool.read import read_pool
from store import access, audit
from store.runs import get_run, open_store
from tests.conftest import ROOT, SAMPLE_CSV
from tests.postgres import DATABASES

TIMEOUT = 180
PAGES = ["data", "rules", "results", "compare", "robustness", "county", "review"]
COUNTY = "220182"  # 榆树市 in the sample pool
PASSWORD = "一个足够长的密码"


@pytest.fixture
def server(db, monkeypatch):
    """The app in server mode on a fresh database with a panel, a county and a viewer user."""
    import ui.state

    monkeypatch.setenv("BAICUN_SERVER", "1")
    monkeypatch.setenv("BAICUN_DB", db)
    ui.state._store.clear()
    ui.state._runs.clear()  # outcomes by run id: each test's database numbers its runs from 1
    engine = open_store(db)
    access.add_user(engine, "panel", PASSWORD, "panel")
    access.add_user(engine, "county", PASSWORD, "county", COUNTY)
    access.add_user(engine, "viewer", PASSWORD, "viewer")
    yield engine
    ui.state._store.clear()
    engine.dispose()


@pytest.fixture
def downloads(monkeypatch):
    """Every file the app hands to a browser during the test (the bytes behind each download button) — those made
    only when clicked (a callable given to the button, as the county's reports are) made here at once."""
    kept: list[bytes] = []
    original = MemoryMediaFileStorage.load_and_get_id
    original_deferred = MediaFileManager.add_deferred

    def keep(self, path_or_data, mimetype, kind, filename=None):
        if isinstance(path_or_data, bytes):
            kept.append(path_or_data)
        return original(self, path_or_data, mimetype, kind, filename)

    def keep_deferred(self, data_callable, *args, **kwargs):
        data = data_callable()
        kept.append(data if isinstance(data, bytes) else str(data).encode("utf-8"))
        return original_deferred(self, data_callable, *args, **kwargs)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    monkeypatch.setattr(MediaFileManager, "add_deferred", keep_deferred)
    return kept


def signed_in(name: str, password: str = PASSWORD) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.text_input(key="sign_in_name").input(name)
    at.text_input(key="sign_in_password").input(password)
    at.button[0].click().run()
    return at


def clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error if "本页出错" in e.value]


def sent(at: AppTest) -> str:
    """Everything the server sent for the page: each element's message as JSON, each table's cells."""
    parts = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            parts.append(json.dumps(MessageToDict(proto), ensure_ascii=False))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    parts += [frame.value.to_csv() for frame in at.dataframe]
    return "\n".join(parts)


def unpacked(data: bytes) -> str:
    """The text of a download: a workbook's XML parts, a PDF's text, anything else as UTF-8."""
    if data[:5] == b"%PDF-":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    if data[:2] != b"PK":
        return data.decode("utf-8", errors="replace")
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return "\n".join(book.read(name).decode("utf-8", errors="replace") for name in book.namelist())


def solve_and_publish(at: AppTest) -> int:
    at.switch_page("ui/pages/results.py").run()
    at.button(key="solve").click().run()
    clean(at)
    at.button(key="publish").click().run()
    clean(at)
    return at.session_state["ws"]["run"]


def others(county_code: str) -> tuple[set[str], set[str]]:
    frame = read_pool(SAMPLE_CSV).frame
    mine = frame["village_id"].str[:6] == county_code
    return set(frame.loc[~mine, "village_id"]), set(frame.loc[~mine, "county_place"]) - set(frame.loc[mine, "county_place"])


pytestmark = pytest.mark.parametrize("db", DATABASES, indirect=True)


def test_a_county_user_sees_its_own_county_and_nothing_of_another_on_every_page(server, downloads):
    panel = signed_in("panel")
    clean(panel)
    published = solve_and_publish(panel)
    downloads.clear()  # the panel's files hold the province; from here on, only what the county user is handed
    county = signed_in("county")
    clean(county)
    other_ids, other_counties = others(COUNTY)
    own = {v for v in read_pool(SAMPLE_CSV).frame["village_id"] if v.startswith(COUNTY)}
    seen = [sent(county)]
    for page in PAGES:
        if page != "county":  # not in a county user's navigation; its data is refused anyway (test_roles_…)
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                county.switch_page(f"ui/pages/{page}.py")
    county.switch_page("ui/pages/county.py").run()
    clean(county)
    seen.append(sent(county))
    county.download_button(key="county_download")  # the county's table and reports are offered …
    seen += [unpacked(data) for data in downloads]  # … and every file handed out to the county user is read
    assert any(data[:5] == b"%PDF-" for data in downloads) and sum(data[:2] == b"PK" for data in downloads) >= 2
    text = "\n".join(seen)
    ids = set(re.findall(r"(?<!\d)\d{12}(?!\d)", text))
    assert ids & own  # the county's own villages are there …
    assert not ids & other_ids  # … and no other county's village, in any page, table, chart or download
    shown = "\n".join(seen[:2])
    assert not [name for name in other_counties if name in shown]
    assert f"运行 {published}" in shown
    assert county.session_state["ws"]["run"] is None  # the county user never reached the province's results


def test_the_county_user_sees_the_panels_edits_only_once_published(server):
    panel = signed_in("panel")
    first = solve_and_publish(panel)
    panel.switch_page("ui/pages/rules.py").run()
    generation, language = panel.session_state["ws"]["generation"], panel.session_state["ws"]["lang"]
    panel.slider(key=f"sc.{generation}.{language}.w.0.industry_base").set_value(0.4).run()
    panel.switch_page("ui/pages/results.py").run()
    panel.button(key="solve").click().run()
    second = panel.session_state["ws"]["run"]
    assert second != first and get_run(server, second).author == "panel"
    county = signed_in("county")
    assert county.session_state["account"].county == COUNTY
    assert any(f"运行 {first}" in c.value for c in county.caption)  # the draft run is not shown …
    panel.button(key="publish").click().run()
    county.run()
    assert any(f"运行 {second}" in c.value for c in county.caption)  # … until it is published
    trail = audit.events(server)
    rule = next(e for e in trail if e.action == "rule")
    assert rule.user == "panel" and ["scoring", "weights", "industry_base"] in [c[0] for c in rule.detail["changes"]]
    assert [e.run_id for e in trail if e.action == "publish"] == [second, first]
    assert {e.user for e in trail if e.action == "sign_in"} == {"panel", "county"}


def test_a_viewer_reads_but_cannot_solve_or_change_a_rule(server):
    panel = signed_in("panel")
    solve_and_publish(panel)
    viewer = signed_in("viewer")
    for page in PAGES:
        if page in ("rules", "robustness", "review"):  # not a viewer's pages
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                viewer.switch_page(f"ui/pages/{page}.py")
            continue
        viewer.switch_page(f"ui/pages/{page}.py").run()
        clean(viewer)
    viewer.switch_page("ui/pages/results.py").run()
    assert not [b for b in viewer.button if b.key in ("solve", "publish")]
    assert viewer.dataframe  # the published shortlist is readable
    rules = [e for e in audit.events(server) if e.user == "viewer" and e.action in ("rule", "solve")]
    assert rules == []


def probe():
    """Calls every province-wide or changing function of ui.state as the user in ``who``; records which refuse."""
    import streamlit as st

    import ui.state as s
    from store.access import Account

    st.session_state["account"] = Account(*st.session_state["who"])
    st.session_state["ws"], st.session_state["ws_id"] = s.new_workspace(), "0" * 32
    s._settled()

    def rule():
        s.ws()["scenario"]["name"] = "changed"
        s.save()

    calls = {
        "pool": s.pool,
        "current_result": s.current_result,
        "stored_runs": s.stored_runs,
        "run_outcome": lambda: s.run_outcome(1),
        "compared_item": lambda: s.compared_item(1),
        "open_run": lambda: s.open_run(1),
        "solve": s.solve_and_keep,
        "upload": lambda: s.upload_pool("x.csv", b"village_id\n"),
        "sample": s.use_sample,
        "scenario": lambda: s.load_scenario_text("name = 'x'", "x.toml"),
        "rule": rule,
        "publish": lambda: s.publish(1),
    }
    outcome = {}
    for name, call in calls.items():
        try:
            call()
            outcome[name] = "allowed"
        except PermissionError:
            outcome[name] = "refused"
        except Exception:  # noqa: BLE001  (got past the role check: an unknown run, a bad file …)
            outcome[name] = "allowed"
    st.session_state["outcome"] = outcome


def test_roles_are_enforced_in_ui_state_not_only_by_hidden_widgets(server):
    refused = {}
    for who in (("c", "county", COUNTY), ("v", "viewer", None), ("p", "panel", None)):
        at = AppTest.from_function(probe, default_timeout=TIMEOUT)
        at.session_state["who"] = who
        at.run()
        refused[who[1]] = {name for name, verdict in at.session_state["outcome"].items() if verdict == "refused"}
    reading = {"pool", "current_result", "stored_runs", "run_outcome", "compared_item", "open_run"}
    changing = {"solve", "upload", "sample", "scenario", "rule", "publish"}
    assert refused["county"] == reading | changing
    assert refused["viewer"] == changing
    assert refused["panel"] == set()


@pytest.mark.parametrize("name", ["county", "无此用户"])
def test_a_wrong_password_is_refused_and_repeated_failures_lock(server, name):
    """The same answers for a real account and for a name that does not exist: the lock must not tell them apart."""
    for _ in range(access.MAX_FAILURES - 1):
        at = signed_in(name, "wrong password")
        assert [e.value for e in at.error] == ["用户名或密码不对"]
    at = signed_in(name, "wrong password")
    assert any("锁定" in e.value for e in at.error)
    at = signed_in(name)  # the right password (for the real account), during the lock
    assert any("锁定" in e.value for e in at.error) and "account" not in at.session_state
    refused = [e for e in audit.events(server) if e.action == "sign_in_refused"]
    assert len(refused) == access.MAX_FAILURES + 1


def test_the_sign_in_form_speaks_english_on_request_and_the_session_keeps_it(server):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    assert at.button[0].label == "登录"
    at.radio(key="sign_in_language").set_value("en").run()
    assert at.button[0].label == "Sign in" and at.text_input(key="sign_in_name").label == "User name"
    at.text_input(key="sign_in_name").input("county")
    at.text_input(key="sign_in_password").input("wrong password")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["Wrong user name or password"]
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.button[0].click().run()
    clean(at)
    assert at.session_state["ws"]["lang"] == "en" and at.radio(key="language_choice").value == "en"


def test_sign_out_ends_the_session(server):
    at = signed_in("panel")
    token = at.session_state["token"]
    at.button(key="sign_out").click().run()
    assert "account" not in at.session_state and at.text_input(key="sign_in_name") is not None
    assert access.session_account(server, token) is None


def application_bytes(change: dict | None = None, foreign: bool = False) -> bytes:
    """The county's rows of the sample pool as its own file (UTF-8 CSV, Chinese headers), one village changed;
    ``foreign``: with one row of another county."""
    import pandas as pd

    frame = pd.read_csv(SAMPLE_CSV, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    own = frame[frame["村庄代码"].str.startswith(COUNTY)].copy()
    for column, value in (change or {}).items():
        own.iloc[0, own.columns.get_loc(column)] = value
    if foreign:
        own = pd.concat([own, frame[~frame["村庄代码"].str.startswith(COUNTY)].head(1)])
    return own.to_csv(index=False).encode("utf-8")


def test_a_county_previews_its_own_application_and_nothing_else(server, downloads):
    solve_and_publish(signed_in("panel"))
    county = signed_in("county")
    before = county.session_state["ws"].get("application")
    published_table = county.dataframe[0].value
    first = read_pool(SAMPLE_CSV).frame.query("village_id.str.startswith(@COUNTY)").iloc[0]["village_id"]
    change = {"产业基础": "100", "带头人": "100", "创建积极性": "100", "九有六无验收": "是", "后续运营规划": "是", "隐性债务风险": "无"}
    change |= {"千村创建年度": "2022", "百村提升年度": ""}
    county.file_uploader(key="application_upload").set_value(("本县申报.csv", application_bytes(change), "text/csv")).run()
    clean(county)
    assert before is None and county.session_state["ws"]["application"]["name"] == "本县申报.csv"
    assert any("本县申报\\.csv" in i.value for i in county.info)  # the file name as Markdown-escaped text
    table = county.dataframe[0].value
    row, old = (t[t.iloc[:, 0] == first].iloc[0] for t in (table, published_table))
    assert row["符合资格"] == "是" and row["综合得分"] > 0 and not row.equals(old)  # the changed village, eligible now, in the preview
    other_ids, _ = others(COUNTY)
    assert not set(re.findall(r"(?<!\d)\d{12}(?!\d)", sent(county))) & other_ids
    county.file_uploader(key="application_upload").set_value(("越界.csv", application_bytes(foreign=True), "text/csv")).run()
    clean(county)
    assert any("越界\\.csv" in e.value for e in county.error)
    assert county.session_state["ws"]["application"]["name"] == "本县申报.csv"  # the preview keeps what it had
    trail = [e for e in audit.events(server) if e.action == "application_upload"]
    assert [(e.user, e.detail["file"]) for e in trail] == [("county", "本县申报.csv")]
    refused = [e for e in audit.events(server) if e.action == "application_refused"]
    assert [(e.user, e.detail["file"], e.detail["problems"]) for e in refused] == [("county", "越界.csv", 1)]
    county.button(key="application_drop").click().run()
    assert "application" not in county.session_state["ws"]
