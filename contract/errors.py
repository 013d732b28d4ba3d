"""Structured problems: what the user got wrong, rendered in Chinese or English at the edge."""

from __future__ import annotations

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
        shown = self.problems if limit is None else self.problems[:limit]
        lines = [self.title(lang)] + [f"  - {p.render(lang)}" for p in shown]
        if len(shown) < len(self.problems):
            lines.append("  " + t("report.more", lang, count=len(self.problems) - len(shown)))
        return "\n".join(lines)
