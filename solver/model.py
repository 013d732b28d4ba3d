"""The selection model in solver-neutral sparse form (prioritizr's "compile" step).

Mathematical formulation
------------------------
One binary x_i per eligible village i (ineligible villages are not variables)::

    maximise    Σ_i s_i x_i                              s_i = composite score
    subject to  count:         L ≤ Σ_i x_i ≤ U
                budget:        Σ_i c_i x_i ≤ B           c_i = cost column (万元)
                quota:<f>:     q_lo ≤ Σ_{i: f_i} x_i ≤ q_hi
                group:<C>:     g_lo ≤ Σ_{i: C_i = g} x_i ≤ g_hi     for each value g with a bound
                must_include:  x_i ≥ 1,  must_exclude: x_i ≤ 0
                x_i ∈ {0, 1}

Every row belongs to a *family* with a stable name (``count``, ``budget``, ``quota:border``, ``group:county``,
``must_include`` …) and each row has a label (the county's name, the village id), so diagnostics and prices speak
of "重点边境村下限" rather than "row 3". Families are built in bulk, one sparse block each.

Tie-break: ``tiebreak`` gives village i the integer n − r_i, r_i its 0-based position in village_id order; among
shortlists of equal total score, the one with the greatest Σ tiebreak — i.e. smaller village_ids — is chosen
(see ``solver.backends``). Any two equal-score shortlists that differ by swapping villages one for one go to
the smaller ids. The rank sum is not a complete order: shortlists whose id ranks are {1, 4} and {2, 3} tie on
it too; then the answer is still the same on every run of the same path, but two exact paths (with and without
the safe reductions, or two backends) may return different members of that tie — equal in score and tie-break.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from pool.read import Pool
from scoring.score import Scores
from solver.rules import ResolvedRules

INF = np.inf


@dataclass(frozen=True)
class Family:
    name: str
    kind: str  # count | budget | quota | group | must_include | must_exclude
    subject: str | None  # the flag or group column, where there is one
    start: int
    stop: int
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Block:
    name: str
    kind: str
    subject: str | None
    matrix: sp.csr_matrix
    low: np.ndarray
    high: np.ndarray
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Model:
    objective: np.ndarray
    tiebreak: np.ndarray
    matrix: sp.csr_matrix
    row_low: np.ndarray
    row_high: np.ndarray
    families: tuple[Family, ...]
    positions: np.ndarray  # pool row of each variable
    village_ids: np.ndarray

    @property
    def size(self) -> tuple[int, int]:
        return self.matrix.shape

    def family(self, name: str) -> Family:
        return next(f for f in self.families if f.name == name)

    def row_names(self) -> list[str]:
        return [f"{f.name}[{label}]" for f in self.families for label in f.labels]

    def without(self, *names: str) -> "Model":
        """The same model with whole families removed (for the price of a rule)."""
        keep = [f for f in self.families if f.name not in names]
        return _assemble([self._block(f) for f in keep], self.objective, self.tiebreak, self.positions, self.village_ids)

    def subset(self, keep: np.ndarray) -> "Model":
        """The model restricted to the variables in ``keep`` (the others fixed at 0)."""
        return replace(self, objective=self.objective[keep], tiebreak=self.tiebreak[keep], matrix=self.matrix[:, keep].tocsr(),
                       positions=self.positions[keep], village_ids=self.village_ids[keep])

    def with_fixed(self, column: int, value: int) -> "Model":
        """The same model with one village forced in (1) or out (0): an extra family ``fixed``."""
        row = sp.csr_matrix(([1.0], ([0], [column])), shape=(1, len(self.objective)))
        blocks = [self._block(f) for f in self.families]
        blocks.append(Block("fixed", "fixed", None, row, np.array([float(value)]), np.array([float(value)]), (str(self.village_ids[column]),)))
        return _assemble(blocks, self.objective, self.tiebreak, self.positions, self.village_ids)

    def with_objective(self, objective: np.ndarray) -> "Model":
        return replace(self, objective=np.asarray(objective, dtype=float))

    def _block(self, f: Family) -> Block:
        rows = slice(f.start, f.stop)
        return Block(f.name, f.kind, f.subject, self.matrix[rows], self.row_low[rows], self.row_high[rows], f.labels)


# --- building: one function per family, each a single bulk operation --------------------------------------------


def count_block(n: int, rules: ResolvedRules) -> list[Block]:
    if rules.count is None:
        return []
    return [Block("count", "count", None, sp.csr_matrix(np.ones((1, n))), np.array([float(rules.count[0])]),
                  np.array([float(rules.count[1])]), ("",))]


def budget_block(costs: np.ndarray, rules: ResolvedRules) -> list[Block]:
    if rules.budget is None:
        return []
    return [Block("budget", "budget", None, sp.csr_matrix(costs.reshape(1, -1)), np.array([-INF]), np.array([float(rules.budget)]), ("",))]


def quota_blocks(variables: pd.DataFrame, rules: ResolvedRules) -> list[Block]:
    blocks = []
    for quota in rules.quotas:
        member = variables[quota.flag].fillna(False).astype(float).to_numpy()
        low = -INF if quota.low is None else float(quota.low)
        high = INF if quota.high is None else float(quota.high)
        blocks.append(Block(f"quota:{quota.flag}", "quota", quota.flag, sp.csr_matrix(member.reshape(1, -1)), np.array([low]), np.array([high]), ("",)))
    return blocks


def group_blocks(variables: pd.DataFrame, rules: ResolvedRules) -> list[Block]:
    blocks = []
    n = len(variables)
    for group in rules.groups:
        bounded = group.binding_rows()
        codes = pd.Index(bounded.index).get_indexer(variables[group.by])
        member = codes >= 0
        matrix = sp.csr_matrix((np.ones(member.sum()), (codes[member], np.flatnonzero(member))), shape=(len(bounded), n))
        high = bounded["high"].fillna(INF).to_numpy(dtype=float)
        blocks.append(Block(f"group:{group.by}", "group", group.by, matrix, bounded["low"].to_numpy(dtype=float), high,
                            tuple(str(v) for v in bounded.index)))
    return blocks


def must_blocks(village_ids: np.ndarray, rules: ResolvedRules) -> list[Block]:
    blocks = []
    index = pd.Index(village_ids)
    for kind, ids, low, high in (("must_include", rules.must_include, 1.0, INF), ("must_exclude", rules.must_exclude, -INF, 0.0)):
        columns = index.get_indexer(list(ids))
        columns = columns[columns >= 0]  # an ineligible must_exclude village is not a variable at all
        if len(columns) == 0:
            continue
        matrix = sp.csr_matrix((np.ones(len(columns)), (np.arange(len(columns)), columns)), shape=(len(columns), len(village_ids)))
        labels = tuple(village_ids[columns])
        blocks.append(Block(kind, kind, None, matrix, np.full(len(columns), low), np.full(len(columns), high), labels))
    return blocks


def compile_model(pool: Pool, scores: Scores, rules: ResolvedRules) -> Model:
    positions = np.flatnonzero(scores.eligible)
    variables = pool.frame.iloc[positions]
    village_ids = variables["village_id"].to_numpy(dtype=object)
    objective = scores.table["score"].to_numpy(dtype=float)[positions]
    id_order = np.argsort(village_ids, kind="stable")
    tiebreak = np.empty(len(positions))
    tiebreak[id_order] = len(positions) - np.arange(len(positions))
    blocks = (count_block(len(positions), rules) + budget_block(variables["cost"].to_numpy(dtype=float), rules)
              + quota_blocks(variables, rules) + group_blocks(variables, rules) + must_blocks(village_ids, rules))
    return _assemble(blocks, objective, tiebreak, positions, village_ids)


def _assemble(blocks: list[Block], objective, tiebreak, positions, village_ids) -> Model:
    n = len(objective)
    families, start = [], 0
    for block in blocks:
        families.append(Family(block.name, block.kind, block.subject, start, start + block.matrix.shape[0], block.labels))
        start += block.matrix.shape[0]
    matrix = sp.vstack([b.matrix for b in blocks], format="csr") if blocks else sp.csr_matrix((0, n))
    low = np.concatenate([b.low for b in blocks]) if blocks else np.zeros(0)
    high = np.concatenate([b.high for b in blocks]) if blocks else np.zeros(0)
    return Model(objective, tiebreak, matrix, low, high, tuple(families), positions, village_ids)
