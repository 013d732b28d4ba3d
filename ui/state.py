"""What every page shares: the pool and scenario of this session, and cached calls into the same pipeline the CLI
uses. Pages hold no rules; they read widgets, call these, and render the returned tables.

Session keys: ``lang``; ``pool`` (the validated Pool in use); ``scenario`` (the scenario as a dict — widgets edit
it); ``result`` (the last Outcome); ``runs`` (this session's solved Outcomes, for 情景对比).
"""

from __future__ import annotations

import io
import tempfile
import tomllib
from pathlib import Path

import pandas as pd
import streamlit as st
import tomli_w

from baicun.pipeline import Inputs, bind, outcome, score, solve
from contract.errors import InputError
from contract.scenario import UPLOADED, parse_scenario
from contract.texts import set_language, t
from pool.read import Pool, read_pool
from report.escape import markdown

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SCENARIO = ROOT / "scenarios" / "baicun_2024.toml"
SAMPLE_POOL = ROOT / "scenarios" / "data" / "jilin_sample_pool.csv"


def lang() -> str:
    return st.session_state.get("lang", "zh")


def tr(code: str, **params) -> str:
    """A message for a Streamlit element. Every element that shows a sentence renders Markdown, so user text in
    ``params`` (file, village, scenario names …) is escaped here (``report.escape.markdown``); the message's own
    Markdown (a bold heading) is kept."""
    return t(code, lang(), **{k: md(v) if type(v) is str else v for k, v in params.items()})


def md(text: str) -> str:
    """A whole rendered sentence that carries user text (a problem at its row, an explanation line), for a
    Streamlit element that renders Markdown."""
    return markdown(text)


def widget_key(name: str) -> str:
    """The key of a rules-page widget in the current generation (see ui/pages/rules.py)."""
    return f"sc.{st.session_state.get('sc_generation', 0)}.{name}"


def start_session() -> None:
    """Defaults for a new session: the sample pool and the default scenario, nothing to configure."""
    state = st.session_state
    state.setdefault("lang", "zh")
    set_language(state["lang"])  # for texts rendered without an explicit language; per thread, so per session run
    if "pool" not in state:
        state["pool"] = sample_pool()
    if "scenario" not in state:
        state["scenario"] = tomllib.loads(DEFAULT_SCENARIO.read_text(encoding="utf-8"))
    state.setdefault("runs", [])


@st.cache_resource(show_spinner=False)
def sample_pool() -> Pool:
    return read_pool(SAMPLE_POOL)


def read_upload(name: str, data: bytes) -> Pool:
    """A pool from uploaded bytes, read by the same reader as the CLI (any supported encoding; raises InputError)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (Path(name).name or "pool.csv")  # the user's file name appears in every message
        path.write_bytes(data)
        return read_pool(path)


def scenario_text() -> str:
    data = {k: v for k, v in st.session_state["scenario"].items() if k != "pool"}
    return tomli_w.dumps(data)


def _bound(text: str, pool: Pool) -> Inputs:
    """A scenario text from the session bound to a pool (relative paths resolve as for the shipped scenarios)."""
    return bind(parse_scenario(text, source="scenario.toml", folder=ROOT / "scenarios"), pool)


def inputs() -> Inputs:
    """The session's scenario bound to the session's pool (raises InputError when they do not fit)."""
    return _bound(scenario_text(), st.session_state["pool"])


@st.cache_resource(show_spinner=False, max_entries=16)
def solved(fingerprint: str, text: str, _pool: Pool):
    """The Outcome for a pool (by fingerprint) and a scenario text: the same calls as ``baicun solve``. It holds
    no words, so a change of language re-renders it and never re-solves."""
    the_inputs = _bound(text, _pool)
    scores, selection = solve(the_inputs, references=UPLOADED)  # nothing on the server: no stored run, no path
    return outcome(the_inputs, scores, selection)


@st.cache_resource(show_spinner=False, max_entries=8)
def scored(fingerprint: str, text: str, _pool: Pool):
    return score(_bound(text, _pool))


@st.cache_resource(show_spinner=False, max_entries=64)
def county_view(fingerprint: str, text: str, county: str, _outcome):
    from analysis.preview import county_preview

    o = _outcome
    return county_preview(o.inputs.pool, o.scores, o.selection, county)


def current_result():
    """The last solved Outcome, if it still belongs to this pool and scenario."""
    result = st.session_state.get("result")
    if result is None:
        return None
    o, key = result
    return o if key == (st.session_state["pool"].fingerprint, scenario_text()) else None


def show_problems(error: InputError, heading: str | None = None) -> None:
    from report.problems import problem_table

    st.error(heading or md(error.title(lang())))  # escaped: every caller passes a tr() heading
    st.dataframe(problem_table(error, lang()), hide_index=True, width="stretch", placeholder="—")


def xlsx_bytes(o, language: str) -> bytes:
    """The same workbook as ``baicun solve --out``; built only when the user clicks download."""
    from report.files import write_xlsx

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "result.xlsx"
        write_xlsx(o, path, language)
        return path.read_bytes()


def frame_xlsx(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


def banner() -> None:
    """The 示例数据 label on every page that shows the sample pool."""
    if st.session_state["pool"].is_sample:
        st.warning(tr("ui.sample_banner"))


def page_top(page: str) -> None:
    st.header(tr(f"ui.page.{page}"))
    banner()


def solved_result_or_stop():
    """The last shortlist of this pool and scenario; pages that analyse it stop with a hint when there is none."""
    o = current_result()
    if o is None or not o.selection.found:
        st.info(tr("ui.robust.need_result"))
        st.stop()
    return o
