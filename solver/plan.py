"""A multi-year plan (``[plan]``) turned into numbers: years, yearly and whole-plan rules, funding, locks.

Formulation (the model builder lifts every single-year rule to years; see ``solver.model``)
-----------------------------------------------------------------------------------------
One binary x_{i,t} per eligible village i and open year t (a village of a locked year has one column, its year,
fixed to 1)::

    maximise   Σ_t δ_t Σ_i s_i x_{i,t}          δ_t = (1 − discount)^(year_t − first year)
    subject to once:       Σ_t x_{i,t} ≤ 1                                   every village at most once
               per year t: the ``[selection]`` count, quotas and group bounds on Σ_i x_{i,t}
               budget t:   Σ_{s ≤ t} f_{year_t − year_s} Σ_i c_i x_{i,s}  ≤  B_t − committed_t
               whole plan: plan.total, plan.quota, plan.group on Σ_{i,t} x_{i,t}; must_include (some year),
                           must_exclude (no year)
               locked:     x_{i,t} = 1 for each village decided for a locked year t

f_k is ``funding[k]``, the share of a village's cost paid in the k-th year after its selection (a two-year
creation cycle paid 60/40 is ``funding = [0.6, 0.4]``), so each year's budget counts every cohort it pays for.
``committed_t`` is what cohorts chosen before the plan (``baicun_year`` earlier than the first plan year) still
draw in year t. A positive ``discount`` makes a village worth more the earlier it is chosen, so stronger
villages go first (by the rearrangement inequality, among the same set of villages the best-scored are put in
the earliest years); with ``discount = 0`` only the set matters.

Solvers receive this model in its cumulative form (y_{i,t} = "village i chosen by year t", ``solver.model.cumulative``):
the same plans and LP bound, but far faster to prove optimal.

Group ``share`` bounds of the yearly rules are relative to the yearly count; those of ``plan.group`` to
``plan.total``. Villages of locked years count towards their year's rules like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from contract.errors import InputError, Problem
from contract.scenario import Scenario, SelectionRules
from contract.texts import Msgs
from pool.read import Pool
from scoring.score import Scores
from solver.rules import ResolvedRules, resolve_counts


@dataclass(frozen=True)
class ResolvedPlan:
    years: tuple[int, ...]
    yearly: ResolvedRules  # count, quotas and groups that hold in every year (budget: see ``budgets``)
    whole: ResolvedRules  # total, quotas, groups and must lists over the whole plan
    budgets: tuple[float | None, ...]  # per year
    committed: tuple[float, ...]  # per year: drawn by cohorts chosen before the plan
    funding: tuple[float, ...]
    discount: float
    locks: dict[str, int]  # village_id → locked year

    def weight(self, year: int) -> float:
        return (1 - self.discount) ** (year - self.years[0])

    def share(self, paid_in: int, chosen_in: int) -> float:
        """Share of a cohort chosen in ``chosen_in`` that is paid in ``paid_in``."""
        return cohort_share(self.funding, paid_in - chosen_in)

    def spending(self, costs_by_year: dict[int, float], year: int) -> float:
        """Money drawn in ``year`` by cohorts of the given total cost per selection year, plus what is committed."""
        drawn = sum(self.share(year, chosen) * cost for chosen, cost in costs_by_year.items())
        return drawn + self.committed[self.years.index(year)]


def resolve_plan(scenario: Scenario, pool: Pool, scores: Scores, locks: dict[str, int] | None = None) -> ResolvedPlan:
    """``locks`` (village_id → year) come from a stored run (``plan.lock_run``); otherwise from ``baicun_year``."""
    plan, selection = scenario.plan, scenario.selection
    count = plan.count_per_year or selection.count
    if count is None:
        raise InputError("scenario.invalid", [Problem("scenario.plan_needs_count", key="plan.count_per_year")], file="")
    yearly = resolve_counts(
        selection.model_copy(update={"count": count, "budget": None, "must_include": [], "must_exclude": []}), pool, scores, "selection"
    )
    whole_rules = SelectionRules(
        count=plan.total, quota=plan.quota, group=plan.group, must_include=selection.must_include, must_exclude=selection.must_exclude
    )
    whole = resolve_counts(whole_rules, pool, scores, "plan")
    years = tuple(plan.years)
    if locks is None:
        locks = _locks_from_pool(pool, plan.locked)
    _check_locks(pool, scores, plan, locks)
    return ResolvedPlan(
        years,
        yearly,
        whole,
        tuple(plan.budget_of(i, selection.budget) for i in range(len(years))),
        _committed(pool, years, tuple(plan.funding)),
        tuple(plan.funding),
        plan.discount,
        dict(locks),
    )


def _locks_from_pool(pool: Pool, locked: list[int]) -> dict[str, int]:
    if not locked:
        return {}
    frame = pool.frame
    decided = frame[frame["baicun_year"].isin(locked)]
    missing = sorted(set(locked) - set(decided["baicun_year"].astype(int)))
    if missing:
        raise InputError(
            "scenario.unfit", [Problem("scenario.plan_locked_empty", key="plan.locked", params={"year": y}) for y in missing], file=pool.source
        )
    return dict(zip(decided["village_id"], decided["baicun_year"].astype(int)))


def _check_locks(pool: Pool, scores: Scores, plan, locks: dict[str, int]) -> None:
    """A decided village must be eligible (it is scored like the others), and no open plan year may already be
    filled in the pool — a silent overwrite of a decision the pool records."""
    frame = pool.frame
    problems = []
    if "baicun_year" in frame:
        open_years = [y for y in plan.years if y not in plan.locked]
        stray = frame[frame["baicun_year"].isin(open_years)]
        for year, rows in stray.groupby("baicun_year"):
            problems.append(
                Problem(
                    "scenario.plan_unlocked_year",
                    key="plan.locked",
                    params={"count": len(rows), "year": int(year), "examples": "、".join(rows["village_id"].head(3))},
                )
            )
    position = pd.Index(frame["village_id"])
    for village, year in locks.items():
        at = position.get_indexer([village])[0]
        if at < 0:
            problems.append(Problem("scenario.unknown_village", key="plan.lock_run", value=village))
        elif not scores.eligible[at]:
            reasons = Msgs(scores.eligibility.reasons(at))
            problems.append(
                Problem(
                    "scenario.plan_locked_ineligible",
                    row=int(pool.rows[at]),
                    key="plan.locked",
                    value=village,
                    params={"year": year, "reasons": reasons},
                )
            )
    if problems:
        raise InputError("scenario.unfit", problems, file=pool.source)


def _committed(pool: Pool, years: tuple[int, ...], funding: tuple[float, ...]) -> tuple[float, ...]:
    frame = pool.frame
    if "baicun_year" not in frame:
        return tuple(0.0 for _ in years)
    before = frame[frame["baicun_year"] < years[0]]
    cost_by_year = before.groupby("baicun_year")["cost"].sum()
    out = []
    for year in years:
        out.append(sum(cohort_share(funding, year - int(chosen)) * float(cost) for chosen, cost in cost_by_year.items()))
    return tuple(out)


def cohort_share(funding: tuple[float, ...], age: int) -> float:
    """Share of a cohort's cost paid ``age`` years after its selection year."""
    return funding[age] if 0 <= age < len(funding) else 0.0
