"""The one source of truth for a browser session: its *workspace*, and cached calls into the same pipeline the
command line uses. Pages hold no rules; they read the workspace, call these and render what comes back.

The workspace is a plain dict, saved on the server after every change (``store.files``) under an id carried in
the page's address (``?ws=…``), so leaving a page, switching language or reloading (F5) — or coming back the next
day with the same address — finds everything as the user left it:

* ``scenario`` — the scenario being edited (what the solver receives), ``loaded_text``/``loaded_name`` — the file
  it came from (comments kept; the workbook and run record hold that text with the edits applied);
* ``tables`` — the rows of each rule table on the rules page (half-filled rows included), ``stash`` — switched-off
  optional sections, ``generation`` — advanced when a file is loaded, so every widget starts afresh from it;
* ``pool_path``/``pool_name`` — the pool file on the server (an upload is kept under the data folder);
* ``run`` — the stored run shown on the results page; ``picks`` — every other choice (county, chart options …);
* ``lang`` — zh or en.

On a shared server (``baicun serve``: ``$BAICUN_SERVER``) a browser session first signs in (``store.access``);
the workspace then belongs to the user (one per user, never named by the address), every action is checked
against the user's role here — not only by hiding a widget — and appended to the audit trail (``store.audit``):
a rule change with its diff, a solve, an upload, a publication. A county user never reaches the province's pool
or outcomes: ``pool()``, ``current_result()`` and the stored runs refuse it, and its one view is
``county_view()`` — its own county's villages from the published run, with the province only as aggregates (the
cut-off, totals). Alone on one machine (``baicun app``) the user is the panel, named by the OS.

Widgets never hold the truth: each shows the workspace's value and writes it back in its ``on_change`` callback
(``ui.fields``), so a widget that Streamlit forgets (a page left, a label in another language) is re-created from
the workspace with the value the user set.
"""

from __future__ import annotations

import copy
import getpass
import io
import os
import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis.preview import county_positions
from baicun.pipeline import (
    Inputs,
    admit,
    bind,
    comparison_item,
    county_named,
    outcome,
    run_inputs,
    score,
    solve,
    stored_selection,
    with_application,
)
from baicun.pipeline import county as county_preview_of
from contract.errors import InputError, Problem
from contract.scenario import UPLOADED, parse_scenario, scenario_changes
from contract.scenario_text import text_with
from contract.texts import set_language, t
from pool.read import Pool, read_pool
from report.changes import change_label
from report.escape import markdown
from report.tables import column_name, preview_table
from store import audit
from store.access import Account, Attempt, allowed, session_account, sign_in, sign_out
from store.files import keep_upload, load_workspace, new_workspace_id, save_workspace
from store.runs import get_run, list_runs, open_store, run_fields, save_run
from ui.background import MarginPass

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SCENARIO = ROOT / "scenarios" / "baicun_2024.toml"
SAMPLE_POOL = ROOT / "scenarios" / "data" / "jilin_sample_pool.csv"
SCENARIO_FOLDER = ROOT / "scenarios"  # relative paths in an uploaded scenario resolve as for the shipped ones


# --- the workspace -------------------------------------------------------------------------------------------


def new_workspace() -> dict:
    text = DEFAULT_SCENARIO.read_text(encoding="utf-8")
    return {
        "scenario": _without_pool(tomllib.loads(text)),
        "loaded_text": text,
        "loaded_name": DEFAULT_SCENARIO.name,
        "tables": {},
        "stash": {},
        "generation": 0,
        "pool_path": str(SAMPLE_POOL),
        "pool_name": SAMPLE_POOL.name,
        "run": None,
        "picks": {},
        "lang": "zh",
    }


def _without_pool(data: dict) -> dict:
    """The session's pool is chosen on the data page, not by the scenario file."""
    return {k: v for k, v in data.items() if k != "pool"}


def start_session() -> None:
    """The workspace named in the address, or a new one (sample pool, default scenario) whose id goes into the
    address; on a server, the signed-in user's own workspace (the address names none). The session's language
    set for this thread."""
    state = st.session_state
    if "ws" not in state:
        if server_mode():
            server = store().url.render_as_string(hide_password=True)  # a user's workspace on this server's database
            wanted = uuid.uuid5(uuid.NAMESPACE_URL, f"baicun-user:{server}:{account().name}").hex
            saved = load_workspace(wanted)
            state["ws_id"] = wanted
        else:
            wanted = st.query_params.get("ws", "")
            saved = load_workspace(wanted)
            state["ws_id"] = wanted if saved is not None else new_workspace_id()
        state["ws"] = new_workspace() | (saved or {}) | ({"lang": state["pre_lang"]} if "pre_lang" in state else {})
        _settled()
        save()
    if not server_mode() and st.query_params.get("ws") != state["ws_id"]:
        st.query_params["ws"] = state["ws_id"]
    set_language(ws()["lang"])


# --- who is signed in, and what they may do --------------------------------------------------------------------


def server_mode() -> bool:
    """Started by ``baicun serve``: many users, each signed in."""
    return os.environ.get("BAICUN_SERVER") == "1"


def signed_in() -> bool:
    """Whether this browser session has a live sign-in (always, alone on one machine: the panel). Checked at
    every rerun, so a sign-out, an expiry or a lock elsewhere takes effect at the next click."""
    state = st.session_state
    if not server_mode():
        state["account"] = Account(getpass.getuser(), "panel")
        return True
    found = session_account(store(), state.get("token"))
    if found is None or (state.get("account") not in (None, found)):  # ended, expired, or the user's role changed
        for name in ("token", "account", "ws", "ws_id", "settled"):
            state.pop(name, None)
        return False
    state["account"] = found
    return True


def account() -> Account:
    return st.session_state["account"]


def can(action: str) -> bool:
    """Whether the signed-in user's role allows ``action`` (``store.access.ALLOWED``)."""
    return "account" in st.session_state and allowed(account().role, action)


def require(action: str) -> None:
    """Refuse, on the server, what the role does not allow (raises ``PermissionError``)."""
    if not can(action):
        raise PermissionError(tr("ui.access.refused"))


def try_sign_in(name: str, password: str) -> Attempt:
    """A sign-in attempt, audited either way; on success the session holds the token."""
    attempt = sign_in(store(), name, password)
    if attempt.token:
        st.session_state["token"] = attempt.token
        st.session_state["account"] = attempt.account
        audit.record(store(), attempt.account.name, attempt.account.role, "sign_in")
    else:
        audit.record(store(), name.strip()[:100], "", "sign_in_refused", {"reason": attempt.refusal})
    return attempt


def end_session() -> None:
    """Sign out: the session's token is ended in the database and forgotten here."""
    state = st.session_state
    if "account" in state and server_mode():
        audit.record(store(), account().name, account().role, "sign_out")
    sign_out(store(), state.get("token"))
    for name in ("token", "account", "ws", "ws_id", "settled"):
        state.pop(name, None)


def _audit(action: str, detail: dict | None = None, run_id: int | None = None) -> None:
    audit.record(store(), account().name, account().role, action, detail, run_id)


def _settled() -> None:
    """The scenario as it stands is not a change of rules (just started, loaded, or a run opened)."""
    st.session_state["settled"] = copy.deepcopy(ws()["scenario"])


def ws() -> dict:
    return st.session_state["ws"]


def save() -> None:
    """Keep the workspace; a change of the scenario since the last save is a rule change: refused for a role that
    may not edit, else audited with its diff (key path, before, after)."""
    before = st.session_state.get("settled")
    if before is not None and before != ws()["scenario"]:
        require("edit")
        _audit("rule", {"changes": [[list(path), a, b] for path, a, b in scenario_changes(before, ws()["scenario"])]})
        _settled()
    save_workspace(st.session_state["ws_id"], ws())


def pick(name: str, default=None):
    """A remembered choice (county, chart option …)."""
    return ws()["picks"].get(name, default)


def remember(name: str, value) -> None:
    ws()["picks"][name] = value
    save()


def lang() -> str:
    return ws()["lang"] if "ws" in st.session_state else st.session_state.get("pre_lang", "zh")  # sign-in form


def tr(code: str, **params) -> str:
    """A message for a Streamlit element. Every element that shows a sentence renders Markdown, so user text in
    ``params`` (file, village, scenario names …) is escaped here (``report.escape.markdown``); the message's own
    Markdown (a bold heading) is kept."""
    return t(code, lang(), **{k: md(v) if type(v) is str else v for k, v in params.items()})


def md(text: str) -> str:
    """A whole rendered sentence that carries user text (a problem at its row, an explanation line), for a
    Streamlit element that renders Markdown."""
    return markdown(text)


def heading(key: str) -> str:
    """A column's header in the reader's language (``report.tables.column_name``: the pool's Chinese header, or
    its English name), for tables and axes. Choices keep ``contract.columns.header_of`` (the file's Chinese header) in
    both languages: a label that changes with the language would lose the choice's state on a switch."""
    return column_name(key, lang())


LANGUAGES = {"zh": "中文", "en": "English"}


def language_switch(key: str, current: str, on_change) -> None:
    """The 中文/English choice (the sidebar's and the sign-in form's): ``on_change`` reads ``st.session_state[key]``."""
    st.radio(
        tr("ui.language"),
        list(LANGUAGES),
        index=list(LANGUAGES).index(current),
        format_func=LANGUAGES.get,
        horizontal=True,
        key=key,
        on_change=on_change,
    )


def set_lang(language: str) -> None:
    ws()["lang"] = language
    set_language(language)
    save()


# --- the pool ------------------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=8)
def _read(path: str, modified: float) -> Pool:
    return read_pool(path)


def pool() -> Pool:
    """The session's pool (read once per file; the sample is shared by every session). Refused to a county user."""
    require("province")
    path = Path(ws()["pool_path"])
    if not path.exists():  # the file was removed on the server: back to the sample, said on the data page
        ws().update(pool_path=str(SAMPLE_POOL), pool_name=SAMPLE_POOL.name)
        save()
        path = SAMPLE_POOL
    return _read(str(path), path.stat().st_mtime)


def upload_pool(name: str, data: bytes) -> Pool:
    """Read an uploaded pool with the CLI's reader; kept on the server and made the session's pool only when valid
    (raises ``InputError`` and changes nothing otherwise)."""
    require("upload")
    path = keep_upload(name, data)
    try:
        result = _read(str(path), path.stat().st_mtime)
    except InputError:
        path.unlink(missing_ok=True)
        raise
    ws().update(pool_path=str(path), pool_name=Path(name).name)
    save()
    _audit("pool_upload", {"file": Path(name).name, "fingerprint": result.fingerprint, "villages": result.size})
    return result


def use_sample() -> None:
    require("upload")
    ws().update(pool_path=str(SAMPLE_POOL), pool_name=SAMPLE_POOL.name)
    save()


# --- the scenario --------------------------------------------------------------------------------------------


def scenario() -> dict:
    return ws()["scenario"]


def scenario_text() -> str:
    """The scenario as loaded, with the session's edits applied and its comments kept."""
    return text_with(ws()["loaded_text"], scenario())


def load_scenario_text(text: str, name: str) -> None:
    """An uploaded scenario file becomes the session's scenario (raises ``InputError``, changing nothing, when it
    is bad or names what an upload may not: a stored run to lock, the experts' sheets on the server)."""
    require("edit")
    loaded = parse_scenario(text, source=Path(name).name, folder=SCENARIO_FOLDER)
    admit(loaded.scenario, UPLOADED)  # says at once what could not be followed here, not at the solve
    w = ws()
    w.update(scenario=_without_pool(tomllib.loads(text)), loaded_text=text, loaded_name=Path(name).name, tables={}, stash={})
    w["generation"] += 1
    _settled()
    save()
    _audit("scenario_upload", {"file": Path(name).name, "name": loaded.scenario.name})


def changes() -> list[tuple[tuple, object, object]]:
    """What the session changed in the loaded file: (key path, before, after)."""
    return scenario_changes(_without_pool(tomllib.loads(ws()["loaded_text"])), scenario())


def _bound(text: str, the_pool: Pool, name: str) -> Inputs:
    return bind(parse_scenario(text, source=name, folder=SCENARIO_FOLDER), the_pool)


def inputs() -> Inputs:
    """The session's scenario bound to the session's pool (raises ``InputError`` when they do not fit)."""
    return _bound(scenario_text(), pool(), ws()["loaded_name"])


@st.cache_resource(show_spinner=False, max_entries=8)
def scored(fingerprint: str, text: str, name: str, _pool: Pool):
    return score(_bound(text, _pool, name))


@st.cache_resource(show_spinner=False, max_entries=16)
def solved(fingerprint: str, text: str, name: str, _pool: Pool):
    """The Outcome for a pool (by fingerprint) and a scenario text: the same calls as ``baicun solve``. It holds
    no words, so a change of language re-renders it and never re-solves."""
    the_inputs = _bound(text, _pool, name)
    scores, selection = solve(the_inputs, references=UPLOADED)  # nothing on the server: no stored run, no path
    return outcome(the_inputs, scores, selection)


# --- runs ----------------------------------------------------------------------------------------------------


def store():
    """The run store the CLI uses (``$BAICUN_DB`` or the user's data folder; ``baicun app --db`` sets it)."""
    return _store()


@st.cache_resource(show_spinner=False)
def _store():
    return open_store()


def solve_and_keep(label: str = ""):
    """Solve the session's scenario, save the run (named by the user or by what changed), show it from now on.
    Returns the Outcome; raises ``InputError`` for a scenario that does not fit the pool (``PermissionError`` for
    a role that may not solve). The run records its author; the solve is audited with what it changed."""
    require("solve")
    text, the_pool, name = scenario_text(), pool(), ws()["loaded_name"]
    result = solved(the_pool.fingerprint, text, name, the_pool)
    if result.selection.found:
        label = label.strip() or change_label(changes(), scenario(), lang())
        run_id = save_run(store(), run_fields(result, ws()["pool_path"], label, author=account().name))
        _runs[run_id] = result
        ws()["run"] = run_id
        edits = [[list(path), a, b] for path, a, b in changes()]
        _audit("solve", {"label": label, "scenario": ws()["loaded_name"], "pool": the_pool.fingerprint, "changes": edits}, run_id)
    else:
        ws()["run"] = None
        st.session_state["unsolved"] = result
    save()
    return result


_runs: dict[int, object] = {}  # outcomes of runs solved in this server process, by run id


def run_outcome(run_id: int):
    """A stored run as an Outcome: the one solved in this process, else rebuilt from the store — its scenario
    bound to its pool (which must still have the stored fingerprint) and its shortlist re-checked. Raises
    ``InputError`` when the run is unknown or its pool changed. Refused to a county user."""
    require("province")
    return _run_outcome(run_id)


def _run_outcome(run_id: int):
    if run_id not in _runs:
        record = get_run(store(), run_id)
        if record is None:
            raise InputError("cli.invalid", [Problem("run.unknown", value=str(run_id))])
        the_inputs = run_inputs(record)
        scores = score(the_inputs)
        _runs[run_id] = outcome(the_inputs, scores, stored_selection(record, the_inputs, scores))
    return _runs[run_id]


def current_result():
    """The outcome shown on the results page: the session's last run (even after a reload), or the last attempt
    that found no shortlist; None before the first solve. A viewer who opened no run sees the published one.
    Refused to a county user."""
    require("province")
    run_id = ws()["run"] if ws()["run"] is not None or can("solve") else audit.published_run(store())
    if run_id is not None:
        try:
            return _run_outcome(run_id)
        except InputError as error:
            st.session_state["run_error"] = error
            return None
    return st.session_state.get("unsolved")


def replace_run(o) -> None:
    """The session's run with more analysis attached (rule prices): what the page and the workbook show from now."""
    _runs[ws()["run"]] = o


def is_current(o) -> bool:
    """Whether a result was solved for exactly the session's present scenario and pool."""
    return o.inputs.pool.fingerprint == pool().fingerprint and tomllib.loads(o.inputs.loaded.text) == tomllib.loads(scenario_text())


def open_run(run_id: int) -> None:
    """A stored run becomes the session's result, its scenario the session's scenario and its pool the pool."""
    require("province")
    o = run_outcome(run_id)
    w = ws()
    w.update(
        scenario=_without_pool(tomllib.loads(o.inputs.loaded.text)),
        loaded_text=o.inputs.loaded.text,
        loaded_name=o.inputs.loaded.source,
        tables={},
        stash={},
        run=run_id,
    )
    record = get_run(store(), run_id)
    w.update(pool_path=record.pool_path, pool_name=record.pool_file)
    w["generation"] += 1
    _settled()
    save()


def stored_runs(limit: int = 200) -> list:
    require("province")
    return list_runs(store(), limit)


def publish(run_id: int) -> None:
    """The run county users and viewers see from now on (the panel's later edits stay its own until published)."""
    require("publish")
    _audit("publish", {"label": get_run(store(), run_id).label}, run_id)


def published() -> int | None:
    return audit.published_run(store())


def run_name(record) -> str:
    return f"#{record.id} {record.label or record.scenario_name}"


def compared_item(run_id: int):
    """A stored run for the comparison page. Refused to a county user."""
    require("province")
    return _compared_item(run_id)


@st.cache_resource(show_spinner=False, max_entries=32)
def _compared_item(run_id: int):
    return comparison_item(f"run:{run_id}")


# --- a county user's one view --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountyView:
    """One county under a result, and nothing of any other county's villages: ``frame`` and ``table`` hold only
    its villages (in the published run's pool for a county user); the province is present only as aggregates in
    ``preview`` (cut-off score, eligible and selected totals). ``choices`` — the counties to pick from (panel and
    viewer; None for a county user, who has exactly one)."""

    county: str
    frame: pd.DataFrame  # the county's villages: village_id, village, township, lon, lat (when present), selected
    preview: object  # analysis.preview.CountyPreview (its table: the county's villages only)
    table: pd.DataFrame  # report.tables.preview_table, in the reader's language
    is_sample: bool
    run_id: int | None
    choices: list[str] | None
    application: str | None = None  # the county's own application file merged in for this preview (its name)
    outcome: object = None  # the Outcome previewed (a county user's: the published run, with its application)


def county_view(choice: str | None = None) -> CountyView | None:
    """The county page's data, filtered here on the server: a county user's own county (by its code) in the
    published run; for the panel and viewers the chosen county in their current result — for the panel, the
    workspace's scenario solved (a stored run, as on the results page) when there is none yet. None when there is
    no result (or none published, or the county has no village in its pool)."""
    if can("province"):
        o, run_id = current_result(), ws()["run"]
        if o is None and can("solve"):
            try:
                o, run_id = solve_and_keep(), ws()["run"]
            except InputError as error:
                st.session_state["run_error"] = error
                return None
        if o is None or not o.selection.found:
            return None
        choices = sorted(o.inputs.pool.frame["county_place"].unique())  # by identity: two 朝阳区 are two entries
        name = choice if choice in choices else choices[0]
    else:
        run_id = audit.published_run(store())
        if run_id is None:
            return None
        o, choices = _run_outcome(run_id), None
        try:
            name = county_named(o.inputs, account().county)
        except InputError:
            return None
        application = _application(run_id)
        if application is not None:
            o = _with_application(o, application["path"], name)
    margins = margin_pass(_run_key(o), o)
    rows = county_positions(o.inputs.pool, name)
    margins.want(rows)
    result = county_preview_of(o, name, margins.known(), margins.bounds)
    mine = o.inputs.pool.frame["county_place"] == name
    columns = [c for c in ("village_id", "village", "township", "lon", "lat") if c in o.inputs.pool.frame]
    frame = o.inputs.pool.frame.loc[mine, columns].assign(selected=o.selection.selected[mine.to_numpy()]).reset_index(drop=True)
    table = preview_table(o, result, lang())
    return CountyView(name, frame, result, table, o.inputs.pool.is_sample, run_id, choices, (_application(run_id) or {}).get("name"), o)


def county_exact_done(view: CountyView) -> int:
    """How many of the county's eligible villages have their exact margin now (the background pass goes on)."""
    rows = county_positions(view.outcome.inputs.pool, view.county)
    margins = margin_pass(_run_key(view.outcome), view.outcome)
    margins.want(rows)  # still looked at: keep the pass going
    known = margins.known()
    return sum(1 for p in rows if p in known)


def county_report_pdf(view: CountyView) -> bytes:
    """The county's report (``report.county``) as a PDF, in the reader's language."""
    from report.county import county_pdf, county_report

    return county_pdf(county_report(view.outcome, view.preview, lang(), view.run_id), lang())


def county_report_xlsx(view: CountyView) -> bytes:
    """The county's one-page report (``report.county``) as an Excel file, in the reader's language."""
    from report.county import county_report, county_report_bytes

    return county_report_bytes(county_report(view.outcome, view.preview, lang(), view.run_id), lang())


def _run_key(o) -> tuple:
    return (o.inputs.pool.fingerprint, o.inputs.loaded.text, o.selection.objective)


@st.cache_resource(show_spinner=False, max_entries=16)
def margin_pass(run_key: tuple, _o) -> MarginPass:
    """The one background pass of exact margins for a run (``ui.background``), shared by every session."""
    return MarginPass(_o)


def _application(run_id: int | None) -> dict | None:
    """The county's application file merged into its preview of ``run_id`` (one published run: a new
    publication starts without it)."""
    kept = ws().get("application")
    return kept if kept and kept.get("run") == run_id else None


def _with_application(o, path: str, county_name: str):
    """The published run re-solved with the county's application merged into its pool (``baicun preview
    --application``): same scenario, the pool changed only in the county's own villages."""
    merged = with_application(o.inputs, path, county_name)
    return solved(merged.pool.fingerprint, o.inputs.loaded.text, o.inputs.loaded.source, merged.pool)


def upload_application(name: str, data: bytes) -> None:
    """A county user's own application file (only its county's villages may be added or changed:
    ``pool.merge``), previewed against the published run; nothing shared changes. Raises ``InputError`` (the
    preview keeps what it had) or ``PermissionError`` for another role."""
    require("apply")
    run_id = audit.published_run(store())
    o = _run_outcome(run_id) if run_id is not None else None
    if o is None:
        raise PermissionError(tr("ui.access.not_published"))
    path = keep_upload(name, data)
    try:
        merged = with_application(o.inputs, path, county_named(o.inputs, account().county))
    except InputError as error:  # refused files are audited too: who tried what, and how many problems
        _audit("application_refused", {"file": Path(name).name, "problems": len(error.problems)}, run_id)
        raise
    ws()["application"] = {"path": str(path), "name": Path(name).name, "run": run_id}
    save()
    _audit("application_upload", {"file": Path(name).name, "fingerprint": merged.pool.fingerprint}, run_id)


def drop_application() -> None:
    ws().pop("application", None)
    save()


# --- rendering helpers ---------------------------------------------------------------------------------------


def show_problems(error: InputError, heading: str | None = None) -> None:
    from report.problems import problem_table

    st.error(heading or md(error.title(lang())))  # escaped: every caller passes a tr() heading
    st.dataframe(problem_table(error.problems, lang()), hide_index=True, width="stretch", placeholder="—")


def xlsx_bytes(o, language: str, changes: list[str] | None = None) -> bytes:
    """The same workbook as ``baicun solve --out --map`` (one builder), its summary listing ``changes``
    (``run_changes``, made while the page runs); built only when the user clicks download."""
    from report.files import workbook_bytes

    return workbook_bytes(o, language, changes, map_picture=True)


def summary_pdf_bytes(o, language: str, changes: list[str] | None = None) -> bytes:
    """The meeting summary PDF (``report.summary``, as ``baicun solve --out x.pdf``); built when downloaded."""
    from report.summary import summary_pdf

    return summary_pdf(o, language, changes)


@st.cache_resource(show_spinner=False)
def pdf_font_missing() -> InputError | None:
    """Why no PDF can be made on this server (no CJK font), once per process; None when one can."""
    from report.fonts import cjk_font

    try:
        cjk_font()
    except InputError as error:
        return error
    return None


def run_changes(o, language: str) -> list[str]:
    """What the run ``o`` changed in the session's scenario file, in words (the meeting summary's list)."""
    from report.changes import change_lines, ordered

    after = _without_pool(tomllib.loads(o.inputs.loaded.text))
    return change_lines(ordered(scenario_changes(_without_pool(tomllib.loads(ws()["loaded_text"])), after)), after, language)


def frame_xlsx(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


def banner(sample: bool | None = None) -> None:
    """The 示例数据 label on every page that shows the sample pool (``sample``: whether the data shown is the sample,
    when it is not the session's pool — a county user's published run)."""
    if pool().is_sample if sample is None else sample:
        st.warning(tr("ui.sample_banner"))


def page_top(page: str, sample: bool | None = None) -> None:
    st.subheader(tr(f"ui.page.{page}"))
    banner(sample)


def solved_result_or_stop():
    """The session's shortlist; pages that analyse it stop with a hint when there is none."""
    o = current_result()
    if o is None or not o.selection.found:
        st.info(tr("ui.robust.need_result"))
        st.stop()
    return o
