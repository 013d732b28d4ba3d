"""Structured problems: what the user got wrong, rendered in Chinese or English at the edge."""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field

from contract.texts import t, visible


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: a message code plus where it is (row as Excel shows it, column)."""

    code: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    params: dict = field(default_factory=dict)
    key: str | None = None  # where in a scenario file (dotted key), instead of a row and column

    def message(self, lang: str | None = None) -> str:
        return t(self.code, lang, **({"value": visible(self.value), "column": visible(self.column or self.key)} | self.params))

    def render(self, lang: str | None = None) -> str:
        where = []
        if self.row is not None:
            where.append(t("where.row", lang, row=self.row))
        if self.column:
            # an option of the command line ("--out") is no column of a file
            where.append(t("where.option" if self.column.startswith("--") else "where.column", lang, column=self.column))
        if self.key:
            where.append(t("where.key", lang, key=self.key))
        if not where:
            return self.message(lang)
        return t("where.line", lang, where=t("where.sep", lang).join(where), message=self.message(lang))


# This many problems of one kind in one column read as one line on a terminal (the column, the count, the first
# rows, one example): a column stored wrongly throughout would otherwise print a line for every village.
# ``InputError.problems`` (the report file, the app's table) keeps every one.
GROUP_AT = 10


def row_list(rows, limit: int = 20) -> str:
    """Row numbers for a message: the first ``limit`` of them, "…" when there are more."""
    shown = "、".join(str(r) for r in rows[:limit])
    return shown + ("…" if len(rows) > limit else "")


class InputError(Exception):
    """Bad input (pool file, scenario, form value): every problem at once. Exit code 2."""

    def __init__(self, title_code: str, problems: list[Problem], **params):
        self.title_code = title_code
        self.problems = tuple(problems)
        self.params = params
        super().__init__(self.render("en"))

    def title(self, lang: str | None = None) -> str:
        return t(self.title_code, lang, count=len(self.problems), **self.params)

    def render(self, lang: str | None = None, limit: int | None = None) -> str:
        """The title and one line a problem — ``GROUP_AT`` or more of one kind in one column as one line — the
        first ``limit`` lines of them; a single problem that says what the title says is said once."""
        title = self.title(lang)
        entries = self._entries(lang)
        if len(self.problems) == 1 and entries[0][0] == title:
            return title
        shown = entries if limit is None else entries[:limit]
        lines = [title] + [f"  - {text}" for text, _ in shown]
        if len(shown) < len(entries):
            lines.append("  " + t("report.more", lang, count=sum(n for _, n in entries[len(shown) :])))
        return "\n".join(lines)

    def _entries(self, lang: str | None) -> list[tuple[str, int]]:
        """(line, how many problems it stands for), a group where its first problem is."""
        rows = defaultdict(list)
        for p in self.problems:
            if p.row is not None and p.column:
                rows[(p.code, p.column)].append(p.row)
        entries, grouped = [], set()
        for p in self.problems:
            group = rows.get((p.code, p.column), [])
            if len(group) < GROUP_AT or p.row is None:
                entries.append((p.render(lang), 1))
            elif (p.code, p.column) not in grouped:
                grouped.add((p.code, p.column))
                line = t(
                    "report.same_problem",
                    lang,
                    column=visible(p.column),
                    count=len(group),
                    rows=row_list(group, 10),
                    row=p.row,
                    example=p.message(lang),
                )
                entries.append((line, len(group)))
        return entries


def suggest(name: str, candidates: list[str]) -> str:
    """The nearest valid name, for "did you mean" messages (empty when nothing is close): scenario keys, places,
    a pool's headers. Here, not in ``contract.scenario``, so that reading a pool loads no scenario schema."""
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.5)
    return close[0] if close else ""
