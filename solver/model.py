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
import pandas as pd
import scipy.sparse as sp

from pool.read import Pool
from scoring.score import Scores
from solver.rules import ResolvedRules

INF = np.inf


@dataclass(frozen=True)
class Family:
    name: str
    kind: str  # count | budget | quota | group | must_include | must_exclude | fixed | once | locked | belt | order
    subject: str | None  # the flag or group column, where there is one
    start: int
    stop: int
    labels: tuple[str, ...]
    year: int | None = None  # the plan year a yearly rule holds in


@dataclass(frozen=True)
class Block:
    name: str
    kind: str
    subject: str | None
    matrix: sp.csr_matrix
    low: np.ndarray
    high: np.ndarray
    labels: tuple[str, ...]
    year: int | None = None


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

    def family(self, name: str) -> Family:
        return next(f for f in self.families if f.name == name)

    def row_names(self) -> list[str]:
        return [f"{f.name}[{label}]" for f in self.families for label in f.labels]

    def columns_of(self, position: int) -> np.ndarray:
        """The decision columns of the village at this pool row (one per plan year it may take)."""
        return np.flatnonzero((self.positions == position) & self.choice)

    def chosen(self, x: np.ndarray) -> np.ndarray:
        """Pool rows of the villages a 0/1 solution selects."""
        return self.positions[(np.asarray(x) > 0.5) & self.choice]

    def objective_for(self, village_scores: np.ndarray) -> np.ndarray:
        """The column objective for a score per eligible village (robustness and what-if change only scores)."""
        return self.weight * np.asarray(village_scores, dtype=float)[self.village] + self.reward

    def without(self, *names: str) -> Model:
        """The same model with whole families removed (for the price of a rule)."""
        keep = [f for f in self.families if f.name not in names]
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
        blocks.append(Block("fixed", "fixed", None, row, np.array([float(value)]), np.array([float(value)]), (str(self.village_ids[columns[0]]),)))
        return _assemble(blocks, self._columns())

    def with_objective(self, objective: np.ndarray) -> Model:
        return replace(self, objective=np.asarray(objective, dtype=float))

    def _block(self, f: Family) -> Block:
        rows = slice(f.start, f.stop)
        return Block(f.name, f.kind, f.subject, self.matrix[rows], self.row_low[rows], self.row_high[rows], f.labels, f.year)

    def _columns(self) -> dict:
        return {k: getattr(self, k) for k in COLUMN_FIELDS}


# --- building: one function per family, each a single bulk operation over the eligible villages --------------------


def count_block(n: int, rules: ResolvedRules) -> list[Block]:
    if rules.count is None:
        return []
    return [
        Block("count", "count", None, sp.csr_matrix(np.ones((1, n))), np.array([float(rules.count[0])]), np.array([float(rules.count[1])]), ("",))
    ]


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
        blocks.append(
            Block(f"quota:{quota.flag}", "quota", quota.flag, sp.csr_matrix(member.reshape(1, -1)), np.array([low]), np.array([high]), ("",))
        )
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
        blocks.append(
            Block(f"group:{group.by}", "group", group.by, matrix, bounded["low"].to_numpy(dtype=float), high, tuple(str(v) for v in bounded.index))
        )
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


def rule_blocks(variables: pd.DataFrame, village_ids: np.ndarray, rules: ResolvedRules) -> list[Block]:
    return (
        count_block(len(variables), rules)
        + budget_block(variables["cost"].to_numpy(dtype=float), rules)
        + quota_blocks(variables, rules)
        + group_blocks(variables, rules)
        + must_blocks(village_ids, rules)
    )


def lift(block: Block, p: sp.csr_matrix, prefix: str = "", year: int | None = None) -> Block:
    """A block over villages moved onto the model's columns through P (village × column)."""
    name = f"{prefix}{block.name}" + (f"@{year}" if year is not None else "")
    return replace(block, name=name, matrix=(block.matrix @ p).tocsr(), year=year)


def selector(rows: np.ndarray, columns: np.ndarray, shape: tuple[int, int]) -> sp.csr_matrix:
    return sp.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=shape)


# --- compiling ----------------------------------------------------------------------------------------------------


def compile_model(pool: Pool, scores: Scores, rules: ResolvedRules, plan=None, spatial=None) -> Model:
    """The whole model; ``plan`` is a ``ResolvedPlan``, ``spatial`` a ``ResolvedSpatial`` (or None)."""
    positions = np.flatnonzero(scores.eligible)
    variables = pool.frame.iloc[positions]
    village_ids = variables["village_id"].to_numpy(dtype=object)
    n = len(positions)
    if plan is None:
        village, year, weight = np.arange(n), None, np.ones(n)
        blocks = rule_blocks(variables, village_ids, rules)
    else:
        village, year = plan_columns(village_ids, plan)
        weight = np.array([plan.weight(y) for y in year]) if len(year) else np.zeros(0)
        blocks = plan_blocks(variables, village_ids, plan, village, year)
    columns = {"village": village, "year": year, "weight": weight, "reward": np.zeros(len(village)), "choice": np.ones(len(village), dtype=bool)}
    if spatial is not None:
        blocks, columns = add_belts(blocks, columns, n, spatial)
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


def plan_blocks(variables: pd.DataFrame, village_ids: np.ndarray, plan, village: np.ndarray, year: np.ndarray) -> list[Block]:
    n, columns = len(village_ids), len(village)
    p_all = selector(village, np.arange(columns), (n, columns))
    p_year = {y: selector(village[year == y], np.flatnonzero(year == y), (n, columns)) for y in plan.years}
    blocks = []
    several = np.flatnonzero(np.bincount(village, minlength=n) > 1)
    if len(several):
        once = selector(np.arange(len(several)), several, (len(several), n)) @ p_all
        blocks.append(Block("once", "once", None, once.tocsr(), np.full(len(several), -INF), np.ones(len(several)), tuple(village_ids[several])))
    yearly = rule_blocks(variables, village_ids, plan.yearly)
    costs = sp.csr_matrix(variables["cost"].to_numpy(dtype=float).reshape(1, -1))
    for t, y in enumerate(plan.years):
        blocks += [lift(b, p_year[y], year=y) for b in yearly]
        if plan.budgets[t] is not None:
            paying = sum((plan.share(y, s) * (costs @ p_year[s]) for s in plan.years), sp.csr_matrix((1, columns)))
            blocks.append(
                Block(f"budget@{y}", "budget", None, paying.tocsr(), np.array([-INF]), np.array([plan.budgets[t] - plan.committed[t]]), ("",), y)
            )
    blocks += [lift(b, p_all, prefix="plan:") for b in rule_blocks(variables, village_ids, plan.whole)]
    locked = np.flatnonzero(np.isin(village_ids[village], list(plan.locks)))
    if len(locked):
        fixed = selector(np.arange(len(locked)), locked, (len(locked), columns))
        blocks.append(Block("locked", "locked", None, fixed, np.ones(len(locked)), np.ones(len(locked)), tuple(village_ids[village[locked]])))
    return blocks


def add_belts(blocks: list[Block], columns: dict, n: int, spatial) -> tuple[list[Block], dict]:
    """Belt indicators y (see solver.spatial): y_k ≤ v_i and y_k ≤ Σ_{j∈N(i)} v_j for each village i with a neighbour."""
    x_columns = len(columns["village"])
    p_all = selector(columns["village"], np.arange(x_columns), (n, x_columns))
    a = spatial.adjacency
    with_neighbour = np.flatnonzero(np.diff(a.indptr) > 0)
    m = len(with_neighbour)
    s = selector(np.arange(m), with_neighbour, (m, n))
    eye = sp.identity(m, format="csr")
    link = sp.hstack([-(s @ p_all), eye], format="csr")
    neighbour = sp.hstack([-(s @ a @ p_all), eye], format="csr")
    padded = [replace(b, matrix=sp.hstack([b.matrix, sp.csr_matrix((b.matrix.shape[0], m))], format="csr")) for b in blocks]
    labels = tuple(str(i) for i in with_neighbour)
    ends = (np.full(m, -INF), np.zeros(m))
    padded += [Block("belt_link", "belt", None, link, *ends, labels), Block("belt_neighbour", "belt", None, neighbour, *ends, labels)]
    columns = {
        "village": np.concatenate([columns["village"], with_neighbour]).astype(int),
        "year": None if columns["year"] is None else np.concatenate([columns["year"], np.zeros(m, dtype=int)]),
        "weight": np.concatenate([columns["weight"], np.zeros(m)]),
        "reward": np.concatenate([columns["reward"], np.full(m, spatial.weight)]),
        "choice": np.concatenate([columns["choice"], np.zeros(m, dtype=bool)]),
    }
    return padded, columns


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
    pairs = np.arange(len(later))
    order = sp.csr_matrix((np.r_[np.ones(len(later)), -np.ones(len(later))], (np.r_[pairs, pairs], np.r_[earlier, later])), shape=(len(later), n))
    blocks = [replace(block, matrix=(block.matrix @ d).tocsr()) for block in map(model._block, model.families)]
    blocks.append(Block("order", "order", None, order, np.full(len(later), -INF), np.zeros(len(later)), tuple(model.village_ids[later])))
    columns = model._columns() | {"objective": d.T @ model.objective, "tiebreak": d.T @ model.tiebreak}
    return _assemble(blocks, columns), d


def _assemble(blocks: list[Block], columns: dict) -> Model:
    n = len(columns["objective"])
    families, start = [], 0
    for block in blocks:
        families.append(Family(block.name, block.kind, block.subject, start, start + block.matrix.shape[0], block.labels, block.year))
        start += block.matrix.shape[0]
    matrix = sp.vstack([b.matrix for b in blocks], format="csr") if blocks else sp.csr_matrix((0, n))
    low = np.concatenate([b.low for b in blocks]) if blocks else np.zeros(0)
    high = np.concatenate([b.high for b in blocks]) if blocks else np.zeros(0)
    return Model(matrix=matrix, row_low=low, row_high=high, families=tuple(families), **columns)
