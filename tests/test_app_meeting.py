"""The results page's map and value tabs in Streamlit's AppTest: a village picked on the map is locked in or out
of the session scenario (its must include / must exclude) and the next solve honours it; the value curves are
computed on request and land in the workbook."""

from __future__ import annotations

import io

import numpy as np
import pytest
from openpyxl import load_workbook

from tests.apptest import result_of, scenario_of
from tests.test_app import app, clean, solved


def left_out_village(o) -> str:
    """The best-ranked eligible village the shortlist left out."""
    table = o.scores.table
    out = np.asarray(o.scores.eligible) & ~o.selection.selected
    return str(o.inputs.pool.frame["village_id"].iat[int(table["rank"].where(out).idxmin())])


def test_a_village_picked_on_the_map_is_locked_in_then_out_of_the_next_solve():
    at = solved(app())
    village = left_out_village(result_of(at))
    at.selectbox(key="map_village").set_value(village).run()
    clean(at)
    at.button(key="lock_in").click().run()
    assert scenario_of(at)["selection"]["must_include"] == [village]
    assert "must_exclude" not in scenario_of(at)["selection"]
    at.button(key="solve").click().run()
    assert village in result_of(at).selection.selected_ids(result_of(at).inputs.pool)

    at.button(key="lock_out").click().run()
    assert scenario_of(at)["selection"]["must_exclude"] == [village]
    assert "must_include" not in scenario_of(at)["selection"]  # an emptied list goes
    at.button(key="solve").click().run()
    assert village not in result_of(at).selection.selected_ids(result_of(at).inputs.pool)

    at.button(key="unlock").click().run()
    assert "must_exclude" not in scenario_of(at)["selection"] and "must_include" not in scenario_of(at)["selection"]
    clean(at)


def test_value_curves_are_computed_on_request_and_written_to_the_workbook():
    from ui.state import xlsx_bytes

    at = solved(app())
    assert result_of(at).curves is None
    at.button(key="value_curves").click().run()
    clean(at)
    o = result_of(at)
    assert [c.kind for c in o.curves] == ["budget", "count"]
    budget = o.curves[0]
    assert next(p for p in budget.points if p.bound == budget.today).objective == pytest.approx(o.selection.objective, abs=1e-9)
    book = load_workbook(io.BytesIO(xlsx_bytes(o, "zh")))
    assert {"地图", "预算与总分"} <= set(book.sheetnames)
    rows = list(book["预算与总分"].values)[2:]
    assert len(rows) == sum(len(c.points) for c in o.curves)
