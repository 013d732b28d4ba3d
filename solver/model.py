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

Every row belongs to a *family*, identified by a ``RuleRef`` (kind, subject, year, whole plan), and each row has a
label (the county's name, the village id), so diagnostics and prices speak of "重点边境村下限" rather than "row 3".
Each family is built in bulk, one sparse block, by its own module in ``solver.families``; this module only
compiles the blocks and the columns into one model.

Multi-year plans (``[plan]``, see ``solver.plan``) and belts (``[spatial]``, see ``solver.spatial``) reuse the same
rule blocks: each block is first built over the eligible villages, then *lifted* to the model's columns by a 0/1
matrix P (village × column) — P_t for one year's columns, P_all for all of a village's columns — so a yearly
quota is ``quota @ P_t`` and a whole-plan quota ``quota @ P_all``. A single-year model has P = I. Belt
indicators are extra 0/1 columns that are not village decisions (``choice`` is False for them).

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
import scipy.sparse as sp

from pool.read import Pool
from scoring.score import Scores
from solver import families
from solver.families import belts as belt_family
from solver.families import plan as plan_family
from solver.families.base import Block
from solver.rules import ResolvedRules, RuleRef

INF = np.inf


@dataclass(frozen=True)
class Family:
    """The rows ``start:stop`` of the matrix belong to one rule; ``labels`` name each row (a group value, a village id)."""

    ref: RuleRef
    start: int
    stop: int
    labels: tuple[str, ...]

    @property
    def kind(self) -> str:
        return self.ref.kind


COLUMN_FIELDS = ("objective", "tiebreak", "positions", "village_ids", "village", "weight", "reward", "choice", "year")


@dataclass(frozen=True)
class Model:
    objective: np.ndarray
    tiebreak: np.ndarray
    matrix: sp.csr_matrix
    row_low: np.ndarray
    row_high: np.ndarray
    families: tuple[Family, ...]
    positions: np.ndarray  # pool row of the village each column belongs to
    village_ids: np.ndarray
    village: np.ndarray  # index of that village among the eligible ones
    weight: np.ndarray  # objective = weight · score[village] + reward  (weight = δ_t of the plan, 0 for a belt column)
    reward: np.ndarray
    choice: np.ndarray  # True: "village in (this year)"; False: a belt indicator
    year: np.ndarray | None = None  # plan year of each column (0 for a belt column); None without a plan

    @property
    def size(self) -> tuple[int, int]:
        return self.matrix.shape

    @property
    def simple(self) -> bool:
        """One column per village and nothing else: the shape the safe reductions (solver/reduce.py) assume."""
        return self.year is None and bool(self.choice.all())

    def family(self, ref: RuleRef) -> Family:
        return next(f for f in self.families if f.ref == ref)

    def row_names(self) -> list[str]:
        """A stable name per row, for audit files (.lp/.mps)."""
        return [f"{f.ref.key}[{label}]" for f in self.families for label in f.labels]

    def columns_of(self, position: int) -> np.ndarray:
        """The decision columns of the village at this pool row (one per plan year it may take)."""
        return np.flatnonzero((self.positions == position) & self.choice)

    def chosen(self, x: np.ndarray) -> np.ndarray:
        """Pool rows of the villages a 0/1 solution selects."""
        return self.positions[(np.asarray(x) > 0.5) & self.choice]

    def objective_for(self, village_scores: np.ndarray) -> np.ndarray:
        """The column objective for a score per eligible village (robustness and what-if change only scores)."""
        return self.weight * np.asarray(village_scores, dtype=float)[self.village] + self.reward

    def without(self, *refs: RuleRef) -> Model:
        """The same model with whole families removed (for the price of a rule)."""
        keep = [f for f in self.families if f.ref not in refs]
        return _assemble([self._block(f) for f in keep], self._columns())

    def subset(self, keep: np.ndarray) -> Model:
        """The model restricted to the columns in ``keep`` (the others fixed at 0)."""
        columns = {k: (v[keep] if v is not None else None) for k, v in self._columns().items()}
        return replace(self, matrix=self.matrix[:, keep].tocsr(), **columns)

    def with_fixed(self, position: int, value: int) -> Model:
        """The same model with one village forced in (1, in some year) or out (0): an extra family ``fixed``."""
        columns = self.columns_of(position)
        row = sp.csr_matrix((np.ones(len(columns)), (np.zeros(len(columns), dtype=int), columns)), shape=(1, len(self.objective)))
        blocks = [self._block(f) for f in self.families]
        blocks.append(Block(RuleRef("fixed"), row, np.array([float(value)]), np.array([float(value)]), (str(self.village_ids[columns[0]]),)))
        return _assemble(blocks, self._columns())

    def with_objective(self, objective: np.ndarray) -> Model:
        return replace(self, objective=np.asarray(objective, dtype=float))

    def _block(self, f: Family) -> Block:
        rows = slice(f.start, f.stop)
        return Block(f.ref, self.matrix[rows], self.row_low[rows], self.row_high[rows], f.labels)

    def _columns(self) -> dict:
        return {k: getattr(self, k) for k in COLUMN_FIELDS}


# --- compiling ----------------------------------------------------------------------------------------------------


def compile_model(pool: Pool, scores: Scores, rules: ResolvedRules, plan=None, spatial=None) -> Model:
    """The whole model; ``plan`` is a ``ResolvedPlan``, ``spatial`` a ``ResolvedSpatial`` (or None)."""
    positions = np.flatnonzero(scores.eligible)
    variables = pool.frame.iloc[positions]
    village_ids = variables["village_id"].to_numpy(dtype=object)
    n = len(positions)
    if plan is None:
        village, year, weight = np.arange(n), None, np.ones(n)
        blocks = families.rule_blocks(variables, village_ids, rules)
    else:
        village, year = plan_columns(village_ids, plan)
        weight = np.array([plan.weight(y) for y in year]) if len(year) else np.zeros(0)
        blocks = plan_family.build(variables, village_ids, plan, village, year)
    columns = {"village": village, "year": year, "weight": weight, "reward": np.zeros(len(village)), "choice": np.ones(len(village), dtype=bool)}
    if spatial is not None:
        blocks, columns = belt_family.build(blocks, columns, n, spatial)
    id_order = np.argsort(village_ids, kind="stable")
    tiebreak = np.empty(n)
    tiebreak[id_order] = n - np.arange(n)
    village = columns["village"]
    columns |= {
        "positions": positions[village],
        "village_ids": village_ids[village],
        "tiebreak": np.where(columns["choice"], tiebreak[village], 0.0) if len(village) else np.zeros(0),
    }
    objective = scores.table["score"].to_numpy(dtype=float)[positions]
    columns["objective"] = columns["weight"] * objective[village] + columns["reward"] if len(village) else np.zeros(0)
    return _assemble(blocks, columns)


def plan_columns(village_ids: np.ndarray, plan) -> tuple[np.ndarray, np.ndarray]:
    """Columns ordered by year, then village: open years offer every undecided village; a locked year offers
    only the villages decided for it."""
    lock_year = np.array([plan.locks.get(v, 0) for v in village_ids], dtype=int)
    locked_years = set(plan.locks.values())
    village, year = [], []
    for y in plan.years:
        members = np.flatnonzero(lock_year == y) if y in locked_years else np.flatnonzero(lock_year == 0)
        village.append(members)
        year.append(np.full(len(members), y))
    return np.concatenate(village).astype(int), np.concatenate(year).astype(int)


def cumulative(model: Model) -> tuple[Model, sp.csr_matrix]:
    """A plan in "chosen by year t" columns, and D with x = D y — the form in which plans are solved.

    y_{i,t} = Σ_{s ≤ t} x_{i,s} over village i's columns in year order, so x_{i,t} = y_{i,t} − y_{i,t−1}: every
    row a·x becomes (a D)·y, the objective c·x becomes (Dᵀc)·y, and one ``order`` row y_{i,t−1} − y_{i,t} ≤ 0 per
    consecutive pair is exactly x ≥ 0 (the ``once`` row Σ_t x_{i,t} ≤ 1 becomes y_{i,last} ≤ 1). It is the same
    polytope in other coordinates, so the same optimum and LP bound; but a branch on y_{i,t} splits "village i
    is in by year t" — balanced — instead of "village i is in exactly in year t", and the solver's reduced-cost
    fixing and restarts bite. On the sample five-year plan HiGHS proves the optimum in about half a minute in this
    form and not within 300 s in the other (bench/bench_plan.py). Belt columns are not chained.
    """
    n = len(model.objective)
    decisions = np.flatnonzero(model.choice)
    ordered = decisions[np.lexsort((model.year[decisions], model.village[decisions]))]
    same = model.village[ordered[1:]] == model.village[ordered[:-1]]
    later, earlier = ordered[1:][same], ordered[:-1][same]
    d = sp.identity(n, format="csr") - sp.csr_matrix((np.ones(len(later)), (later, earlier)), shape=(n, n))
    blocks = [replace(block, matrix=(block.matrix @ d).tocsr()) for block in map(model._block, model.families)]
    blocks.append(plan_family.order(later, earlier, model.village_ids[later], n))
    columns = model._columns() | {"objective": d.T @ model.objective, "tiebreak": d.T @ model.tiebreak}
    return _assemble(blocks, columns), d


def _assemble(blocks: list[Block], columns: dict) -> Model:
    n = len(columns["objective"])
    families, start = [], 0
    for block in blocks:
        families.append(Family(block.ref, start, start + block.matrix.shape[0], block.labels))
        start += block.matrix.shape[0]
    matrix = sp.vstack([b.matrix for b in blocks], format="csr") if blocks else sp.csr_matrix((0, n))
    low = np.concatenate([b.low for b in blocks]) if blocks else np.zeros(0)
    high = np.concatenate([b.high for b in blocks]) if blocks else np.zeros(0)
    return Model(matrix=matrix, row_low=low, row_high=high, families=tuple(families), **columns)
