"""Hostile and odd input for the tests: names that are markup in some renderer, a small pool that carries them
where every output shows them, and a reader of rendered Markdown (what a browser would show)."""

from __future__ import annotations

import re

import numpy as np
import tomli_w
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from pool.generate import generate_pool
from tests.conftest import write_csv

# Each example from issue 21 and each kind of markup a renderer of ours interprets.
ISSUE_NAMES = (
    "![px](http://127.0.0.1:9/pixel.png)[点此下载更新](http://127.0.0.1:9/phish)",  # Streamlit: live image and link
    "坏[/b]村",  # rich console markup: crashed preview, score and solve
    '=HYPERLINK("http://127.0.0.1:9/x","点我")',  # a formula in our own workbook and CSV
)
KINDS = (
    "[bold red]乡[/]",
    '<img src="http://127.0.0.1:9/x.png">县',
    '<a href="http://127.0.0.1:9/">市</a>',
    "$\\frac{1}{2}$村",
    ":red[红]村",
    "**粗**_斜_`码`村",
    "http://127.0.0.1:9/auto村",
    "＝1+1村",
    "@SUM(1)村",
    "-1村",
    "+1村",
    "# 标题村",
    "| a | b |村",
    "&amp;&lt;村",
)
MARKUP = "[]/()!<>=+-@*_`$:#|~\\&\"'{} ＝＋－＠"


def hostile_names():
    """A name a user might type or paste: markup characters around a Chinese character (so that it is text, not a
    number or a blank, to the pool reader), no surrounding spaces."""
    core = st.text(alphabet=MARKUP + "村县乡ab", min_size=1, max_size=12)
    return st.builds(lambda text, before: (text + "村") if before else ("村" + text), core, st.booleans()).filter(lambda s: s == s.strip())


def hostile_pool(folder, village: str, township: str, county: str, city: str, villages: int = 300):
    """A pool file in which the best village (by industry_base) and the sixth best carry the hostile names; the
    scenario (``normalize = "none"``, weight 1 on industry_base, no eligibility rule) selects the top few, so those
    names reach every output. Returns (pool path, scenario path, id of the best village)."""
    frame = generate_pool(villages=villages, seed=5)
    order = frame["industry_base"].rank(method="first", ascending=False).astype(int).to_numpy()
    frame["industry_base"] = np.where(order == 1, 100.0, np.where(order <= 10, 90.0 - order, np.minimum(frame["industry_base"], 70.0)))
    for rank in (1, 6):  # one new city, county and township (codes 2299…, 229901…): names and codes agree
        row = frame.index[order == rank][0]
        frame.loc[row, ["village_id", "village", "township", "county", "city"]] = [f"229901100{rank:03d}", village, township, county, city]
    best = frame.loc[order == 1, "village_id"].iloc[0]
    pool = write_csv(frame, folder / "pool.csv")
    return pool, scenario_file(folder / "s.toml", pool, "情景", [3, 5]), best


def scenario_file(path, pool, name: str, count: list[int]):
    data = {
        "name": name,
        "pool": str(pool),
        "scoring": {"normalize": "none", "weights": {"industry_base": 1.0}},
        "selection": {"count": count, "group": [{"by": "county", "max": 2}]},
        "solver": {"time_limit_s": 60},
    }
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


_MARKDOWN = MarkdownIt("commonmark").enable(["strikethrough", "table"])
LIVE = {"link_open", "image", "html_inline", "html_block", "code_inline", "fence", "code_block", "heading_open", "table_open", "s_open", "autolink"}
# GitHub-flavoured Markdown (Streamlit's) also links bare URLs and e-mail addresses found in the rendered text
GFM_AUTOLINK = re.compile(r"(?i)(?:https?://|www\.|ftp://|mailto:|[\w.+-]+@[\w-]+\.[\w-])")


def rendered(markdown: str) -> tuple[str, set[str]]:
    """(the text a reader sees, the kinds of element it becomes) for a Markdown string, as CommonMark renders it,
    plus GFM's bare-URL autolinks ("autolink"). Word joiners (U+2060, invisible) are left out of the text."""
    text, kinds = [], set()

    def walk(tokens):
        for token in tokens:
            kinds.add(token.type)
            if token.children:
                walk(token.children)
            elif token.type in ("text", "code_inline"):
                text.append(token.content)
            elif token.type in ("softbreak", "hardbreak"):
                text.append(" ")

    walk(_MARKDOWN.parse(markdown))
    shown = "".join(text)
    if GFM_AUTOLINK.search(shown):
        kinds.add("autolink")
    return shown.replace("\u2060", ""), kinds
