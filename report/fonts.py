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

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    fonts = "、".join(CJK_FONTS[:5])
    raise InputError("font.none", [Problem("font.none", params={"fonts": fonts})], fonts=fonts)
