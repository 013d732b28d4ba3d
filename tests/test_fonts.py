"""The font of every picture and PDF (report/fonts.py): found when installed, even after matplotlib made its font
list; a clear error naming what to install when there is none."""

from __future__ import annotations

import pytest
from matplotlib import font_manager

from contract.errors import InputError
from report.fonts import CJK_FONTS, cjk_font


def _cjk_files() -> set[str]:
    """The font files with Chinese faces on this machine, whether or not matplotlib's list knows them."""
    listed = {f.fname for f in font_manager.fontManager.ttflist if f.name in CJK_FONTS}
    return listed | {p for p in font_manager.findSystemFonts() if "CJK" in p or "wqy" in p.lower()}


def _without_cjk(monkeypatch) -> None:
    """matplotlib's font list as it was made before a Chinese font was installed: none of those files' faces in it (a
    .ttc file holds several, e.g. Noto Sans CJK SC, TC, JP and KR)."""
    files = _cjk_files()
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [f for f in font_manager.fontManager.ttflist if f.fname not in files])


def test_a_font_installed_after_matplotlib_listed_the_fonts_is_found(monkeypatch):
    if not _cjk_files():
        pytest.skip("no Chinese font on this machine (.ci/run installs fonts-noto-cjk)")
    _without_cjk(monkeypatch)
    assert cjk_font() in CJK_FONTS


def test_no_chinese_font_at_all_says_what_to_install(monkeypatch):
    _without_cjk(monkeypatch)
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [])
    with pytest.raises(InputError) as raised:
        cjk_font()
    said = raised.value.render(lang="zh")
    assert raised.value.problems[0].code == "font.none" and "Noto Sans CJK SC" in said
    assert len(said.splitlines()) == 1  # the problem is the title: said once, not as a heading and again as its item
