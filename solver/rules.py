"""Every selection rule of a scenario turned into concrete numbers for one pool — the single place where a rule's
meaning is decided. The model builder turns these into matrix rows; the checker evaluates them on the pool
directly; reports print them.

Group bounds
------------
For ``[[selection.group]]`` with ``by = C`` every value g of column C among the *eligible* villages gets bounds:

* ``min``: the requested minimum, capped at n_g (the group's eligible villages); a cap is reported.
* ``max``: the requested maximum.
* ``share = [a, b]``: the group's proportional share is s_g = K · n_g / N, where N is the number of eligible
  villages and K the reference count = the midpoint of ``count`` rounded half up (200 for [190, 210]); the
  bounds are ⌊a · s_g⌋ ≤ x_g ≤ ⌈b · s_g⌉ — rounded outwards, so that rounding never makes a proportional
  selection impossible. Example: a city with 98 of 920 eligible villages has s = 200 · 98 / 920 = 21.30, so
  with share [0.5, 1.5] it may take ⌊10.65⌋ = 10 to ⌈31.96⌉ = 32 villages.

When both are given the tighter bound wins on each side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from contract.columns import header_of
from contract.errors import InputError, Problem
from contract.texts import Msgs
from pool.read import Pool

if TYPE_CHECKING:  # annotations only: `pool check` prints rule names without the scenario schema or the scoring
    from contract.scenario import Scenario, SelectionRules
    from scoring.score import Scores


@dataclass(frozen=True)
class RuleRef:
    """Which rule a row, a price, a diagnosis or a line of the checker's report is about — data, never a string to
    parse. ``kind``: count | budget | quota | group | must_include | must_exclude | once | locked | order | belt |
    fixed | years; ``subject``: the flag or group column; ``year``: the plan year a yearly rule holds in;
    ``whole_plan``: a rule over the whole plan (``[plan]`` total/quota/group)."""

    kind: str
    subject: str | None = None
    year: int | None = None
    whole_plan: bool = False

    def in_year(self, year: int) -> RuleRef:
        return replace(self, year=year)

    def over_plan(self) -> RuleRef:
        return replace(self, whole_plan=True)

    @property
    def key(self) -> str:
        """A stable identifier for audit files (row names in .lp/.mps): ``plan:quota:border``, ``count@2025``.
        Never parsed back."""
        text = ("plan:" if self.whole_plan else "") + self.kind + (f":{self.subject}" if self.subject else "")
        return text + (f"@{self.year}" if self.year is not None else "")


@dataclass(frozen=True)
class QuotaBound:
    flag: str
    low: int | None
    high: int | None
    available: int  # eligible villages with the flag


@dataclass(frozen=True)
class GroupBounds:
    by: str
    table: pd.DataFrame  # index: group value; columns eligible, low, high, requested_low, capped, share

    def binding_rows(self) -> pd.DataFrame:
        return self.table[(self.table["low"] > 0) | self.table["high"].notna()]


@dataclass(frozen=True)
class ResolvedRules:
    count: tuple[int, int] | None
    budget: float | None
    quotas: tuple[QuotaBound, ...]
    groups: tuple[GroupBounds, ...]
    must_include: tuple[str, ...]
    must_exclude: tuple[str, ...]
    reference_count: int | None
    notices: tuple[Problem, ...] = ()


def reference_count(count: tuple[int, int] | None) -> int | None:
    return None if count is None else math.floor((count[0] + count[1]) / 2 + 0.5)


def resolve_rules(scenario: Scenario, pool: Pool, scores: Scores) -> ResolvedRules:
    return resolve_counts(scenario.selection, pool, scores, "selection")


def resolve_counts(rules: SelectionRules, pool: Pool, scores: Scores, where: str) -> ResolvedRules:
    """The numbers of one set of counting rules (``[selection]``, a plan's yearly rules, or its whole-plan rules)."""
    eligible = scores.eligible
    frame = pool.frame
    _check_must_include(rules.must_include, pool, scores)
    quotas = tuple(QuotaBound(q.flag, q.min, q.max, int(frame.loc[eligible, q.flag].fillna(False).astype(bool).sum())) for q in rules.quota)
    k = reference_count(rules.count)
    notices: list[Problem] = []
    groups = []
    _check_group_cells(rules, pool, scores, where)
    for i, group in enumerate(rules.group):
        if group.share is not None and k is None:
            raise InputError("scenario.invalid", [Problem("scenario.share_needs_count", key=f"{where}.group[{i}].share")], file="")
        bounds = _group_bounds(frame.loc[eligible, group.by], group, k)
        groups.append(GroupBounds(group.by, bounds))
        capped = bounds[bounds["capped"]]
        if len(capped):
            notices.append(
                Problem(
                    "notice.group_min_capped",
                    params={
                        "by": header_of(group.by),
                        "count": len(capped),
                        "requested": group.min,
                        "groups": "、".join(f"{g}({int(n)})" for g, n in capped["eligible"].items()),
                    },
                )
            )
    return ResolvedRules(rules.count, rules.budget, quotas, tuple(groups), tuple(rules.must_include), tuple(rules.must_exclude), k, tuple(notices))


def _group_bounds(values: pd.Series, group, k: int | None) -> pd.DataFrame:
    counts = values.value_counts(dropna=False).sort_index()
    table = pd.DataFrame({"eligible": counts.astype(int)})
    table.index.name = group.by
    requested = group.min or 0
    table["requested_low"] = requested
    low = np.minimum(requested, table["eligible"])
    high = pd.Series(np.nan, index=table.index) if group.max is None else pd.Series(float(group.max), index=table.index)
    table["share"] = np.nan
    if group.share is not None:
        total = table["eligible"].sum()
        share = k * table["eligible"] / total
        table["share"] = share
        low = np.maximum(low, np.floor(group.share[0] * share + 1e-9).astype(int))
        share_high = np.ceil(group.share[1] * share - 1e-9)
        high = share_high if group.max is None else np.minimum(high, share_high)
    table["low"] = np.minimum(low, table["eligible"]).astype(int)
    table["high"] = high
    table["capped"] = table["eligible"] < requested
    return table


def _check_group_cells(rules: SelectionRules, pool: Pool, scores: Scores, where: str) -> None:
    """A group rule needs a value in its column for every eligible village: a blank cell belongs to no group, so
    the rule cannot say how many of those may be chosen. An input error at each blank cell (never a silent
    group of blanks, which the model and the independent checker would count differently)."""
    problems = []
    eligible = np.flatnonzero(scores.eligible)
    for i, group in enumerate(rules.group):
        values = pool.frame[group.by].iloc[eligible]
        blank = values.isna().to_numpy() | (values.astype(str).str.strip() == "").to_numpy()
        problems += [
            Problem("scenario.group_blank", row=int(pool.rows[p]), column=pool.headers.get(group.by, group.by), key=f"{where}.group[{i}].by")
            for p in eligible[blank]
        ]
    if problems:
        raise InputError("scenario.unfit", problems, file=pool.source)


def _check_must_include(must: list[str], pool: Pool, scores: Scores) -> None:
    positions = pd.Index(pool.frame["village_id"])
    problems = []
    for village in must:
        position = positions.get_loc(village)
        if not scores.eligible[position]:
            reasons = Msgs(scores.eligibility.reasons(position))
            problems.append(
                Problem(
                    "scenario.must_ineligible", row=int(pool.rows[position]), key="selection.must_include", value=village, params={"reasons": reasons}
                )
            )
    if problems:
        raise InputError("scenario.unfit", problems, file=pool.source)
