"""User text is text: the one place per renderer where a string a user supplied is made inert.

Village, township, county and city names, file names, scenario names, sheet names, labels and reasons reach
renderers that interpret some characters as instructions. Each renderer has exactly one function here, and every
output path of that renderer goes through it:

=====================  ====================================================  ==================================
renderer               what it would interpret                              made inert by
=====================  ====================================================  ==================================
terminal (rich)        console markup ``[b]…[/b]``, emoji codes, escape      ``terminal``: a ``rich.text.Text``
                       sequences (ESC, other C0/C1 control characters)      (never parsed as markup), control
                                                                            characters shown as ``⟨U+001B⟩``
Streamlit markdown     links, images, HTML, emphasis, headings, LaTeX       ``markdown``: every ASCII
                       ``$…$``, directives ``:red[…]``, autolinks           punctuation character backslash-
                                                                            escaped (CommonMark §2.4)
HTML (plotly labels)   ``<a href>``, ``<b>``, ``<br>`` … in hover and tick  ``html``: ``& < >`` as entities
                       labels
spreadsheets (CSV,     a cell beginning with ``= + - @``, tab or carriage   ``spreadsheet``: an apostrophe in
xlsx)                  return — or their full-width forms ``＝ ＋ － ＠`` —  front (OWASP CSV injection); in
                       runs as a formula                                    xlsx the text is written as a
                                                                            string with Excel's quote prefix
JSON                   nothing in strings (``json.dumps`` escapes), but     ``json_value``: NaN/±inf → null,
                       ``NaN``/``Infinity`` are not JSON                    ``json.dumps(allow_nan=False)``
=====================  ====================================================  ==================================

Sources: CommonMark 0.31 §2.4 (backslash escapes: any ASCII punctuation); OWASP "CSV Injection" (the characters
that start a formula, including tab and carriage return); Excel's "quotePrefix" cell style (ECMA-376 §18.8.45);
plotly.js ``svg_text_utils`` (the tags it turns into markup inside labels).
"""

from __future__ import annotations

import html as _html
import json
import math
import re
import string

# "= + - @", tab and carriage return start a formula in Excel, LibreOffice and WPS; the full-width forms do too in
# WPS and in Excel with a Chinese input method (it converts them as it parses).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")

_MARKDOWN_SPECIAL = re.compile("([" + re.escape(string.punctuation) + "])")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?:https?|ftp|www|mailto|xmpp)(?=\\[:.])|(?=\\@)")  # in escaped text: "http\:", "www\.", "\@"


def terminal(text: object):
    """A ``rich.text.Text`` for the console: shown as written, never read as markup or emoji codes."""
    from rich.text import Text

    return Text(terminal_plain(text))


def terminal_plain(text: object) -> str:
    """Text for a plain terminal line (stderr reports): control characters other than newline and tab shown as
    ``⟨U+001B⟩``, so a name cannot move the cursor, clear the screen or recolour what follows."""
    return _CONTROL.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", str(text))


def markdown(text: object) -> str:
    """Text for a Streamlit element that renders GitHub-flavoured Markdown: every ASCII punctuation character is
    backslash-escaped, so no link, image, HTML tag, emphasis, heading, list, table, LaTeX or ``:directive[]`` can
    start inside it. GFM's bare-URL autolinks are found in the text *after* escapes are resolved (remark-gfm's
    find-and-replace: a village named ``![px](http://…)`` still became a link), so an invisible WORD JOINER
    (U+2060) is put inside every ``http://``, ``www.`` and ``@`` — the text reads the same and links nowhere."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", terminal_plain(text))
    return _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, escaped)


def html(text: object) -> str:
    """Text for a plotly label or hover text (plotly reads a few HTML tags in them): ``& < >`` as entities."""
    return _html.escape(str(text), quote=False)


def formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def spreadsheet(value):
    """A cell value for a CSV file: text a spreadsheet would run as a formula gets an apostrophe in front."""
    return "'" + value if formula_like(value) else value


def json_value(value):
    """A value JSON can carry: non-finite floats become null (``json.dumps`` would write ``NaN``, which is not JSON);
    containers are converted recursively."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return value


def json_text(value, **options) -> str:
    """One JSON document (UTF-8 text, non-ASCII kept): the only way baicun writes JSON."""
    return json.dumps(json_value(value), ensure_ascii=False, allow_nan=False, **options)
