"""The rules page's tables and text boxes ↔ scenario data: nothing a person typed is changed or lost."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ui.forms import as_pair, bounds_from_rows, bounds_rows, number_list, number_text, one_or_many, put, rule_rows, rules_from_rows

counts = st.integers(min_value=0, max_value=500)
quotas = st.lists(
    st.fixed_dictionaries({"flag": st.sampled_from(["border", "poverty_alleviated", "tourism"])}, optional={"min": counts, "max": counts}), max_size=4
)
groups = st.lists(
    st.fixed_dictionaries(
        {"by": st.sampled_from(["city", "county"])},
        optional={"min": counts, "max": counts, "share": st.tuples(st.floats(0, 3), st.floats(0, 3)).map(list)},
    ),
    max_size=4,
)


@given(quotas)
def test_quota_rules_survive_the_editor_table(rules):
    labels = {"border": "重点边境村", "poverty_alleviated": "脱贫村", "tourism": "乡村旅游精品村"}
    back = {v: k for k, v in labels.items()}
    rows = rule_rows(rules, "quota", labels.get)
    assert rules_from_rows(rows, "quota", back.get) == [r for r in rules if r]


@given(groups)
def test_group_rules_survive_the_editor_table_including_share_pairs(rules):
    rows = rule_rows(rules, "group")
    # the editor gives NaN for a blank number cell and floats for every number
    rows = [{k: (float(v) if isinstance(v, int) else math.nan if v is None else v) for k, v in row.items()} for row in rows]
    expected = [{k: ([float(x) if not float(x).is_integer() else int(x) for x in v] if k == "share" else v) for k, v in r.items()} for r in rules]
    assert rules_from_rows(rows, "group") == expected


def test_blank_rows_are_dropped_but_a_half_filled_rule_is_kept_for_the_schema_to_report():
    rows = [
        {"flag": None, "min": math.nan, "max": math.nan},
        {"flag": "border", "min": math.nan, "max": math.nan},
        {"flag": None, "min": 3.0, "max": math.nan},
    ]
    assert rules_from_rows(rows, "quota") == [{"flag": "border"}, {"min": 3}]
    assert rules_from_rows([{"by": "city", "min": math.nan, "max": math.nan, "share_low": 0.5, "share_high": math.nan}], "group") == [
        {"by": "city", "share": [0.5, None]}
    ]


def test_thresholds_split_into_minimum_and_maximum():
    rows = bounds_rows({"leader": 60, "qiancun_year": 2021}, {"leader": 95})
    assert rows == [{"column": "leader", "min": 60, "max": 95}, {"column": "qiancun_year", "min": 2021, "max": None}]
    assert bounds_from_rows(rows) == ({"leader": 60, "qiancun_year": 2021}, {"leader": 95})


def test_number_lists_keep_what_is_not_a_number_for_the_schema_to_report():
    assert number_list("0.6，0.4") == [0.6, 0.4]
    assert number_list("200000\n210000, x") == [200000, 210000, "x"]
    assert one_or_many([]) is None and one_or_many([5]) == 5 and one_or_many([1, 2]) == [1, 2]


def test_defaults_are_not_written_unless_the_scenario_said_them():
    target = {"kept": False}
    put(target, "absent", False, False)
    put(target, "kept", False, False)
    put(target, "changed", True, False)
    assert target == {"kept": False, "changed": True}


@given(st.one_of(st.none(), st.integers(0, 10**6), st.lists(st.integers(0, 10**6), min_size=2, max_size=5)))
def test_a_per_year_setting_survives_its_text_box(value):
    assert one_or_many(number_list(number_text(value))) == value


def test_a_range_may_be_one_number_or_absent():
    assert as_pair(None) == [None, None] and as_pair(0) == [0, 0] and as_pair(15) == [15, 15] and as_pair((190, 210)) == [190, 210]


# --- the scenario written back as TOML (contract.scenario_text) -------------------------------------------------

keys = st.text(st.sampled_from("abc_村县 1"), min_size=1, max_size=4)
scalars = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(-1e6, 1e6, allow_nan=False).filter(lambda v: v != 0 or math.copysign(1, v) > 0),
    st.booleans(),
    st.text(max_size=6),
)
values = st.recursive(
    st.one_of(scalars, st.lists(scalars, max_size=3)),
    lambda inner: st.one_of(
        st.dictionaries(keys, inner, max_size=3), st.lists(st.dictionaries(keys, scalars, min_size=1, max_size=3), min_size=1, max_size=3)
    ),
    max_leaves=12,
)
tables = st.dictionaries(keys, values, max_size=5)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # recursive data: slow to draw on a loaded machine
@given(before=tables, after=tables)
def test_a_scenario_written_back_holds_exactly_the_data_and_keeps_the_comments_it_can(before, after):
    import tomllib

    from contract.scenario_text import text_with

    text = "# 示例数据\n" + text_with("", before)
    assert tomllib.loads(text_with("", before)) == before
    written = text_with(text, after)
    assert tomllib.loads(written) == after
    assert written.startswith("# 示例数据")  # the file's leading comment survives any edit


def test_a_key_added_beside_sub_tables_keeps_their_comments():
    import tomllib

    from contract.scenario_text import text_with

    text = "[scoring.weights]\nindustry_base = 0.3  # 产业基础\n"
    data = {"scoring": {"weights": {"industry_base": 0.3}, "normalize": "rank"}}
    written = text_with(text, data)
    assert tomllib.loads(written) == data and "# 产业基础" in written
