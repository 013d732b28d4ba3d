"""The reading corpus (``tests/data/corpus``, written by ``tests/data/make_corpus.py``): every kind of file that
Excel, WPS or another program writes and that a careless reader gets wrong. Each file gives exactly the report or
the result stored in ``expected.json`` (issue 16's numbered examples and issue 21's hostile files), and the
reading of the examples is checked against what Excel shows."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from baicun.cli import app
from contract.errors import InputError
from pool.read import read_pool
from pool.xlsx import cell_ref
from tests.data.make_corpus import REQUIRED, base

CORPUS = Path(__file__).resolve().parent / "data" / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def outcome(path: Path) -> dict:
    try:
        pool = read_pool(path)
    except InputError as error:
        return {"problems": [[p.code, p.row, p.column, p.value] for p in error.problems]}
    return {"villages": pool.size, "notices": [n.code for n in pool.notices]}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_corpus_file_gives_its_exact_report(name):
    assert outcome(CORPUS / name) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_pool_check_exits_by_the_report(name):
    """``baicun pool check`` says the same: exit 2 with the report on stderr, or 0 with the summary."""
    result = CliRunner().invoke(app, ["pool", "check", str(CORPUS / name)])
    assert result.exit_code == (2 if "problems" in EXPECTED[name] else 0), result.output


def test_every_kind_has_a_file():
    assert set(EXPECTED) == {p.name for p in CORPUS.iterdir() if p.name != "expected.json"}


@pytest.mark.parametrize("name", ["dimension_small.xlsx", "dimension_a1.xlsx", "unicode_text.txt", "gb18030_tab.txt", "semicolon.csv"])
def test_what_excel_shows_is_what_is_read(name):
    """Example 1 (a declared <dimension> smaller than the data) and example 7 (UTF-16 and GB18030 tab-separated
    text): every village and every cell as Excel shows them."""
    pool = read_pool(CORPUS / name)
    shown = base()
    assert pool.frame["village_id"].tolist() == shown["村庄代码"].tolist()
    assert pool.frame["village"].tolist() == shown["村名"].tolist()
    assert pool.frame["leader"].tolist() == shown["带头人"].astype(float).tolist()


def test_merged_place_cells_are_filled_as_printed():
    """Example 2: 县/市 merged over their villages read as every village's county and city."""
    pool = read_pool(CORPUS / "merged_places.xlsx")
    shown = base()
    assert pool.frame["county"].tolist() == shown["县(市、区)"].tolist()
    assert pool.frame["city"].tolist() == shown["市(州)"].tolist()


def test_invisible_characters_do_not_split_a_county_or_hide_a_flag():
    """Example 6: 九台区 + U+200B is 九台区 (one county, not two), 是 + U+200B is 是, a header + U+200B is found."""
    pool = read_pool(CORPUS / "invisible.csv")
    shown = base()
    assert pool.frame["county"].tolist() == shown["县(市、区)"].tolist()
    assert pool.frame["county_place"].nunique() == shown["县(市、区)"].nunique()
    assert bool(pool.frame.loc[3, "poverty_alleviated"]) and "leader" in pool.frame


def test_a_kept_invisible_character_is_shown_in_messages():
    from contract.errors import Problem

    assert "九台区⟨U+200E⟩" in Problem("pool.bad_flag", value="九台区\u200e").message()


def test_only_the_required_columns_are_enough_to_read():
    """Example 8: the README's required columns alone (no 千村创建年度, no cost: 1000 each, with a notice)."""
    pool = read_pool(CORPUS / "required_only.csv")
    assert list(pool.frame.columns[: len(REQUIRED)]) == [
        "village_id",
        "village",
        "township",
        "county",
        "city",
        "border",
        "poverty_alleviated",
        "industry_base",
        "leader",
        "debt_risk",
    ]
    assert (pool.frame["cost"] == 1000).all()


def test_same_name_different_place_are_two_counties_shown_apart():
    """Example 9: 朝阳区 of 长春市 (220104) and of 北京市 (110105) are two counties, named apart."""
    pool = read_pool(CORPUS / "shared_names.csv")
    assert pool.frame["county_place"].tolist() == ["朝阳区（长春市）"] * 3 + ["朝阳区（北京市）"] * 3


def _bomb(path: Path, megabytes: int) -> Path:
    """A valid small workbook with a hidden second sheet of ``megabytes`` MB of repeated XML (compressed to
    about a thousandth)."""
    import io

    from tests.data.make_corpus import write_xlsx

    buffer = io.BytesIO()
    write_xlsx(base(3), path)
    source = zipfile.ZipFile(path)
    row = b'<row><c t="inlineStr"><is><t>' + b"x" * 1000 + b"</t></is></c></row>"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/workbook.xml":
                data = data.replace(b"</sheets>", b'<sheet name="h" sheetId="2" state="hidden" r:id="rIdBomb"/></sheets>')
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdBomb" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                    b'Target="worksheets/sheet2.xml"/></Relationships>',
                )
            target.writestr(info, data)
        with target.open("xl/worksheets/sheet2.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            block = row * 1024
            for _ in range(megabytes):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    path.write_bytes(buffer.getvalue())
    return path


def test_a_zip_bomb_in_a_hidden_sheet_is_refused_before_inflating(tmp_path):
    """Issue 21: a small xlsx that unpacks to more than the limit fails on its declared sizes, in the CLI too."""
    path = _bomb(tmp_path / "bomb.xlsx", 600)
    assert path.stat().st_size < 5 * 2**20
    assert outcome(path)["problems"][0][0] == "pool.unpacked_too_large"
    result = CliRunner().invoke(app, ["pool", "check", str(path)])
    assert result.exit_code == 2 and "MB" in result.output


def test_blank_cost_is_never_free(tmp_path):
    """Example 3: a blank 计划投资 in a file that has the column is an error at its cell, never 0 万元."""
    problems = outcome(CORPUS / "blank_cost.csv")["problems"]
    assert [p[:3] for p in problems] == [["pool.blank_cost", 3, "计划投资(万元)"], ["pool.blank_cost", 6, "计划投资(万元)"]]


def test_a_program_written_xlsx_with_cached_formulas_reads_its_values(tmp_path):
    """A formula with a saved value (what Excel and WPS write) is read as that value, not reported."""
    from tests.data.make_corpus import patch_sheet, write_xlsx

    frame = base(4)
    path = tmp_path / "cached.xlsx"
    write_xlsx(frame, path)
    ref = cell_ref(2, frame.columns.get_loc("计划投资(万元)"))
    before = f'<c r="{ref}" t="n"><v>'.encode()
    assert before in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    patch_sheet(path, lambda xml: xml.replace(before, f'<c r="{ref}" t="n"><f>1+1</f><v>'.encode()))
    pool = read_pool(path)
    assert pool.frame["cost"].tolist() == pd.to_numeric(frame["计划投资(万元)"]).tolist()


def test_the_app_upload_reads_text_files_and_refuses_bombs_like_the_cli():
    """The data page accepts Excel's "Unicode 文本" .txt and shows the reader's notices; a workbook claiming
    the whole sheet is refused with the limit's message and the previous pool stays."""
    from streamlit.testing.v1 import AppTest

    from tests.apptest import pool_of
    from tests.conftest import ROOT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    upload = CORPUS / "unicode_text.txt"
    at.file_uploader(key="pool_upload").set_value((upload.name, upload.read_bytes(), "text/plain")).run()
    assert not at.exception and pool_of(at).size == 40
    assert any("Tab" in i.value for i in at.info)
    bomb = CORPUS / "claimed_whole_sheet.xlsx"
    at.file_uploader(key="pool_upload").set_value((bomb.name, bomb.read_bytes(), "application/octet-stream")).run()
    assert not at.exception and pool_of(at).size == 40
    assert any("仍使用原来的村庄库" in e.value for e in at.error)
