"""Who may be selected at all (SPEC §3 ``[eligibility]``), and every reason a village may not.

Each rule is evaluated over the whole pool at once into a boolean "failed" vector; a village is eligible when it
fails no rule. Reasons are rendered on demand from the rule and the village's own value, so that a pool of
500,000 villages costs one vector per rule, not one object per village.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from contract.columns import DEBT_LEVEL_NAMES, header_of
from contract.texts import Msg

if TYPE_CHECKING:  # the pydantic schema is only this module's annotation; `pool check` does not build it
    from contract.scenario import EligibilityRules

Reason = Msg  # why one village is not eligible: a message code with its parameters, rendered at the edge


@dataclass(frozen=True)
class Rule:
    """One eligibility rule: which villages fail it, and how to say why for one village."""

    code: str
    column: str
    failed: np.ndarray
    bound: object = None
    kind: str | None = None

    def reason(self, value) -> Reason:
        blank = value is None or (isinstance(value, float) and np.isnan(value))
        code = "reason.blank_bound" if blank and self.code in _BOUND_CODES else self.code
        return Reason(
            code,
            header=header_of(self.column),
            value=show_value(value, self.kind),
            bound=show_value(self.bound, self.kind),
            op="≥" if self.code.endswith(("min", "before", "below")) else "≤",
        )

    def describe(self) -> Msg:
        """The rule itself, e.g. 带头人 不低于 60."""
        return Msg(self.code.replace("reason.", "rule."), header=header_of(self.column), bound=show_value(self.bound, self.kind))


_BOUND_CODES = {"reason.below_min", "reason.above_max", "reason.year_before", "reason.year_after", "reason.score_below", "reason.score_above"}


def show_value(value, kind: str | None = None) -> str:
    """A cell value as a person writes it: 52 not 52.0, 高 not 3, 是/否 for flags."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if kind == "level":
        return DEBT_LEVEL_NAMES[int(value)]
    if isinstance(value, (bool, np.bool_)):
        return "是" if value else "否"
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() else f"{float(value):g}"
    return str(value)


@dataclass(frozen=True)
class Eligibility:
    rules: tuple[Rule, ...]
    frame: pd.DataFrame

    @property
    def mask(self) -> np.ndarray:
        failed = np.zeros(len(self.frame), dtype=bool)
        for rule in self.rules:
            failed |= rule.failed
        return ~failed

    def reasons(self, position: int) -> list[Reason]:
        """Every reason the village at ``position`` is not eligible (empty when it is)."""
        return [rule.reason(self.frame[rule.column].iat[position]) for rule in self.rules if rule.failed[position]]

    def steps(self) -> list[tuple[Rule, np.ndarray]]:
        """The eligibility funnel: the rules applied one after another — the 千村 rule (``qiancun_year``) first, so
        the first step is the pool narrowed to 千村 villages — each with the villages it removes that no earlier
        rule removed (bool per pool row). The removed villages of all steps are exactly the ineligible ones."""
        ordered = sorted(self.rules, key=lambda rule: rule.column != "qiancun_year")  # stable: the rest keep their order
        taken = np.zeros(len(self.frame), dtype=bool)
        out = []
        for rule in ordered:
            out.append((rule, rule.failed & ~taken))
            taken |= rule.failed
        return out

    def reason_counts(self) -> pd.DataFrame:
        """Per rule (its ``describe`` message, words made by ``report.funnel.step_label``), in the funnel's order
        (``steps``): villages for which it is the first reason (these add up to the ineligible count) and all villages it excludes."""
        steps = self.steps()
        # the messages keep their parameters in an object column (pandas would make them plain strings: their codes)
        rule = pd.Series([rule.describe() for rule, _ in steps], dtype=object)
        return pd.DataFrame({"rule": rule, "first": [int(r.sum()) for _, r in steps], "all": [int(rule.failed.sum()) for rule, _ in steps]})


def assess_eligibility(frame: pd.DataFrame, rules: EligibilityRules, kinds: dict[str, str], locked_years=()) -> Eligibility:
    """Evaluate the bound ``[eligibility]`` rules (columns are pool keys) over every village. In a rolling
    multi-year plan the villages of the plan's locked years are not "already upgraded": they are the plan."""
    built: list[Rule] = []
    for key in rules.require:
        built.append(Rule("reason.require", key, ~frame[key].fillna(False).astype(bool).to_numpy(), kind="flag"))
    for key, bound in rules.min.items():
        code = {"year": "reason.year_before", "score": "reason.score_below"}.get(kinds.get(key), "reason.below_min")
        built.append(Rule(code, key, ~(frame[key] >= bound).fillna(False).to_numpy(dtype=bool), bound, kinds.get(key)))
    for key, bound in rules.max.items():
        code = {"year": "reason.year_after", "score": "reason.score_above"}.get(kinds.get(key), "reason.above_max")
        built.append(Rule(code, key, ~(frame[key] <= bound).fillna(False).to_numpy(dtype=bool), bound, kinds.get(key)))
    for key, values in rules.exclude.items():
        for value in values:
            built.append(Rule("reason.excluded", key, (frame[key] == value).fillna(False).to_numpy(dtype=bool), value, kinds.get(key)))
    if rules.exclude_upgraded:
        upgraded = frame["baicun_year"].notna() & ~frame["baicun_year"].isin(list(locked_years))
        built.append(Rule("reason.upgraded", "baicun_year", upgraded.to_numpy(), kind="year"))
    return Eligibility(tuple(built), frame)
