"""Proof of no change: every shipped scenario still produces exactly the stored JSON summary and workbook cells
(``tests/expectations.py`` says what is stored and how to regenerate it deliberately)."""

from __future__ import annotations

import json

import pytest

from tests.expectations import SCENARIOS, path_of, produce


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_shipped_scenario_output_is_unchanged(scenario):
    expected = json.loads(path_of(scenario).read_text(encoding="utf-8"))
    actual = json.loads(json.dumps(produce(scenario), ensure_ascii=False, default=str))
    assert actual["json"] == expected["json"]
    assert list(actual["workbook"]) == list(expected["workbook"])
    for sheet, cells in expected["workbook"].items():
        assert actual["workbook"][sheet]["head"] == cells["head"], sheet
        assert actual["workbook"][sheet] == cells, sheet
