"""The families a multi-year plan adds (formulation and numbers in ``solver.plan``):

* ``once``: Σ_t x_{i,t} ≤ 1 for each village offered in several years;
* every yearly counting rule lifted to each year's columns, and the whole-plan rules to all columns;
* ``budget`` of year t: Σ_{s ≤ t} f_{t−s} Σ_i c_i x_{i,s} ≤ B_t − committed_t (the funding profile);
* ``locked``: x_{i,t} = 1 for each village decided for a locked year;
* ``order`` (only in the cumulative form the solvers receive, ``solver.model.cumulative``): y_{i,t−1} ≤ y_{i,t}.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import scipy.sparse as sp

from contract.texts import Msg
from solver.families import rule_blocks
from solver.families.base import INF, Block, selector
from solver.rules import RuleRef


def lift(block: Block, p: sp.csr_matrix, ref: RuleRef) -> Block:
    """A block over villages moved onto the model's columns through P (village × column), renamed ``ref``."""
    return replace(block, ref=ref, matrix=(block.matrix @ p).tocsr())


def build(variables, village_ids: np.ndarray, plan, village: np.ndarray, year: np.ndarray) -> list[Block]:
    n, columns = len(village_ids), len(village)
    p_all = selector(village, np.arange(columns), (n, columns))
    p_year = {y: selector(village[year == y], np.flatnonzero(year == y), (n, columns)) for y in plan.years}
    blocks = once(village_ids, village, p_all)
    yearly = rule_blocks(variables, village_ids, plan.yearly)
    costs = sp.csr_matrix(variables["cost"].to_numpy(dtype=float).reshape(1, -1))
    for t, y in enumerate(plan.years):
        blocks += [lift(b, p_year[y], b.ref.in_year(y)) for b in yearly]
        if plan.budgets[t] is not None:
            paying = sum((plan.share(y, s) * (costs @ p_year[s]) for s in plan.years), sp.csr_matrix((1, columns)))
            blocks.append(Block(RuleRef("budget", year=y), paying.tocsr(), np.array([-INF]), np.array([plan.budgets[t] - plan.committed[t]]), ("",)))
    blocks += [lift(b, p_all, b.ref.over_plan()) for b in rule_blocks(variables, village_ids, plan.whole)]
    return blocks + locked(village_ids, village, plan)


def once(village_ids: np.ndarray, village: np.ndarray, p_all: sp.csr_matrix) -> list[Block]:
    n = len(village_ids)
    several = np.flatnonzero(np.bincount(village, minlength=n) > 1)
    if not len(several):
        return []
    rows = selector(np.arange(len(several)), several, (len(several), n)) @ p_all
    return [Block(RuleRef("once"), rows.tocsr(), np.full(len(several), -INF), np.ones(len(several)), tuple(village_ids[several]))]


def locked(village_ids: np.ndarray, village: np.ndarray, plan) -> list[Block]:
    columns = np.flatnonzero(np.isin(village_ids[village], list(plan.locks)))
    if not len(columns):
        return []
    fixed = selector(np.arange(len(columns)), columns, (len(columns), len(village)))
    ones = np.ones(len(columns))
    return [Block(RuleRef("locked"), fixed, ones, ones, tuple(village_ids[village[columns]]))]


def order(later: np.ndarray, earlier: np.ndarray, labels, n: int) -> Block:
    """y_{earlier} − y_{later} ≤ 0 for each consecutive pair of a village's cumulative columns."""
    pairs = np.arange(len(later))
    matrix = sp.csr_matrix((np.r_[np.ones(len(later)), -np.ones(len(later))], (np.r_[pairs, pairs], np.r_[earlier, later])), shape=(len(later), n))
    return Block(RuleRef("order"), matrix, np.full(len(later), -INF), np.zeros(len(later)), tuple(labels))


def label(ref: RuleRef) -> Msg:
    """What a panel calls the rows of this module: once, locked, order (and a plan year's budget, named by ``budget``)."""
    return Msg(f"family.{ref.kind}")
