"""The font every picture and page baicun draws with matplotlib uses (the map picture, the meeting summary PDF):
an installed font with Chinese glyphs, found by name, never downloaded (offline)."""

from __future__ import annotations

from contract.errors import InputError, Problem

# In order of preference: Debian/Ubuntu (fonts-noto-cjk), Adobe's release of the same design, Windows (Microsoft
# YaHei, SimHei), macOS, and the common open Linux fonts.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
)


def cjk_font() -> str:
    """The name of an installed font with Chinese glyphs (``CJK_FONTS``, the first found). Raises ``InputError``
    (``font.none``, naming what to install) when there is none: every Chinese character would be an empty box."""
    from matplotlib import font_manager

    for name in _preferred(font_manager.fontManager):
        return name
    # matplotlib lists the fonts it found when it first ran (its cache): a font installed since is on the system but
    # not in that list, so the system's font files it does not know yet are added before giving up
    known = {f.fname for f in font_manager.fontManager.ttflist}
    for path in font_manager.findSystemFonts():
        if path not in known:
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # a file matplotlib cannot read is no font for us either
                continue
    for name in _preferred(font_manager.fontManager):
        return name
    fonts = "、".join(CJK_FONTS[:5])
    raise InputError("font.none", [Problem("font.none", params={"fonts": fonts})], fonts=fonts)


def _preferred(manager) -> list[str]:
    installed = {f.name for f in manager.ttflist}
    return [name for name in CJK_FONTS if name in installed]
