"""Reading pools: every supported way a correct file arrives gives back exactly what was in it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract.columns import CATALOGUE, DEBT_LEVEL_NAMES
from contract.errors import InputError
from pool.generate import write_pool
from pool.read import read_pool
from pool.summary import summarize
from tests.conftest import SAMPLE_CSV, SAMPLE_XLSX, file_text_frame, write_csv


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["debt_risk"] = out["debt_risk"].map(lambda v: DEBT_LEVEL_NAMES.index(v) if isinstance(v, str) else int(v))
    return out.astype({"debt_risk": float}).reset_index(drop=True)


def assert_same_pool(read, original: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(canonical(read.frame[original.columns]), canonical(original), check_dtype=False, check_exact=False, rtol=1e-12)


@pytest.mark.parametrize("suffix,encoding", [(".xlsx", None), (".csv", "utf-8-sig"), (".csv", "utf-8"), (".csv", "gb18030")])
def test_round_trip(tmp_path, small_frame, suffix, encoding):
    path = tmp_path / f"pool{suffix}"
    if suffix == ".xlsx":
        write_pool(small_frame, path)
    else:
        write_csv(small_frame, path, encoding=encoding)
    pool = read_pool(path)
    assert_same_pool(pool, small_frame)
    assert pool.is_sample


def test_gbk_csv_with_chinese_headers_decodes_as_gb18030(tmp_path, small_frame):
    pool = read_pool(write_csv(small_frame, tmp_path / "gbk.csv", encoding="gbk"))
    assert pool.encoding == "gb18030"
    assert set(pool.frame["city"]) == set(small_frame["city"])


def test_english_headers_any_order_spaces_and_fullwidth_brackets(tmp_path, small_frame):
    text = file_text_frame(small_frame, headers="zh")
    renamed = {c.zh: (f"  {c.zh.replace('(', '（').replace(')', '）')} " if i % 2 else c.key.upper()) for i, c in enumerate(CATALOGUE)}
    text = text.rename(columns=renamed)
    text = text[list(reversed(text.columns))]
    path = tmp_path / "mixed.csv"
    text.to_csv(path, index=False)
    assert_same_pool(read_pool(path), small_frame)


def test_every_flag_spelling(tmp_path, small_frame):
    spellings = {
        "是": True,
        "否": False,
        "Y": True,
        "n": False,
        "Yes": True,
        "NO": False,
        "TRUE": True,
        "false": False,
        "1": True,
        "0": False,
        "√": True,
        "×": False,
        "": False,
    }
    text = file_text_frame(small_frame.head(len(spellings)))
    text["重点边境村"] = list(spellings)
    path = tmp_path / "flags.csv"
    text.to_csv(path, index=False)
    assert read_pool(path).frame["border"].tolist() == list(spellings.values())


def test_debt_levels_as_words_or_digits(tmp_path, small_frame):
    text = file_text_frame(small_frame.head(8))
    text["隐性债务风险"] = ["无", "低", "中", "高", "0", "1", "2", "3"]
    path = tmp_path / "debt.csv"
    text.to_csv(path, index=False)
    assert read_pool(path).frame["debt_risk"].tolist() == [0, 1, 2, 3, 0, 1, 2, 3]


def test_cost_defaults_to_1000_when_column_absent(tmp_path, small_frame):
    text = file_text_frame(small_frame).drop(columns=["计划投资(万元)"])
    path = tmp_path / "nocost.csv"
    text.to_csv(path, index=False)
    pool = read_pool(path)
    assert (pool.frame["cost"] == 1000).all()
    assert [n.code for n in pool.notices] == ["pool.notice_cost_default"]


def test_leading_zeros_survive_in_csv_and_xlsx(tmp_path, small_frame):
    """Ids are read as text: zeros survive, and an id that is no statistical code (no province 00) is refused
    showing exactly what was typed."""
    frame = small_frame.head(5).copy()
    frame["village_id"] = [f"0{i:011d}" for i in range(5)]
    for path in (tmp_path / "z.csv", tmp_path / "z.xlsx"):
        write_pool(frame, path)
        with pytest.raises(InputError) as caught:
            read_pool(path)
        assert [(p.code, p.value) for p in caught.value.problems] == [("pool.bad_code", v) for v in frame["village_id"]]


def test_extra_columns_are_kept_with_inferred_kinds(tmp_path, small_frame):
    text = file_text_frame(small_frame.head(6))
    text["冷链覆盖率"] = ["0.5", "0.7", "", "1", "0.2", "0.9"]
    text["数字乡村"] = ["是", "否", "是", "", "否", "是"]
    text["备注"] = ["a", "b", "", "c", "d", "e"]
    path = tmp_path / "extra.csv"
    text.to_csv(path, index=False)
    pool = read_pool(path)
    assert pool.extra == {"冷链覆盖率": "number", "数字乡村": "flag", "备注": "text"}
    assert pool.frame["冷链覆盖率"].iloc[1] == 0.7 and np.isnan(pool.frame["冷链覆盖率"].iloc[2])
    assert pool.frame["数字乡村"].tolist() == [True, False, True, False, False, True]


def test_content_fingerprint_ignores_row_and_column_order(tmp_path, small_frame):
    a = read_pool(write_csv(small_frame, tmp_path / "a.csv"))
    shuffled = small_frame.sample(frac=1, random_state=1)[list(reversed(small_frame.columns))]
    b = read_pool(write_csv(shuffled, tmp_path / "b.csv"))
    changed = small_frame.copy()
    changed.loc[0, "leader"] = changed.loc[0, "leader"] + 0.1
    c = read_pool(write_csv(changed, tmp_path / "c.csv"))
    assert a.content_fingerprint == b.content_fingerprint != c.content_fingerprint


def test_fingerprint_is_the_files_bytes_and_how_they_were_read(tmp_path, small_frame):
    """What a run is tied to: the SHA-256 of the file's bytes, continued with the sheet, encoding and header row."""
    import hashlib

    path = write_csv(small_frame, tmp_path / "a.csv")
    pool = read_pool(path)
    digest = hashlib.sha256(path.read_bytes())
    digest.update(f"\0sheet=\0encoding={pool.encoding}\0header_row=1".encode())
    assert pool.fingerprint == digest.hexdigest() == read_pool(tmp_path / "a.csv").fingerprint
    shuffled = small_frame.sample(frac=1, random_state=1)
    assert read_pool(write_csv(shuffled, tmp_path / "b.csv")).fingerprint != pool.fingerprint  # another file


@pytest.mark.parametrize("path", [SAMPLE_CSV, SAMPLE_XLSX])
def test_shipped_sample_has_the_plans_qiancun_figures(path):
    pool = read_pool(path)
    summary = summarize(pool)
    assert pool.is_sample
    assert summary.qiancun == 2051
    assert summary.batches.loc[2022, "border"] == 119
    assert summary.batches.loc[2022, "poverty"] == 295
    assert summary.batches["count"].to_dict() == {2021: 1036, 2022: 1015}
    assert summary.upgraded == 200
    border_counties = pool.frame.loc[pool.frame["border"], "county"].unique()
    assert len(border_counties) <= 10


@settings(max_examples=200, deadline=None)
@given(
    cells=st.lists(
        st.one_of(
            st.floats(allow_nan=False, allow_infinity=False).map(repr),
            st.integers(-(10**20), 10**20).map(str),
            st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
            st.sampled_from(["", " ", " 12 ", "1,234", "1e5", ".5", "5.", "+7", "-0", "inf", "nan", "１２", "0x1A", "12%", "是", "1_000"]),
            st.text(max_size=4),
        ),
        max_size=30,
    ),
    thousands=st.booleans(),
)
def test_numbers_read_by_the_fast_cast_are_pandas_numbers(cells, thousands):
    """``pool.convert._numbers`` casts a column of plain decimals with pyarrow and anything else with pandas'
    to_numeric; either way each cell gets the value to_numeric gives it (the reading before the fast cast)."""
    from pool.convert import _numbers

    series = pd.Series(cells, dtype="str")
    text = series.str.strip()
    if thousands:
        text = text.str.replace(r"(?<=\d),(?=\d{3})", "", regex=True)
    expected = pd.to_numeric(text.where(text != "", None), errors="coerce").astype(float).to_numpy()
    got = _numbers(series, thousands).to_numpy()
    assert np.array_equal(got, expected, equal_nan=True)
