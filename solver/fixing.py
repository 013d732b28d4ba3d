"""Reduced-cost fixing: before the solve, every column that all shortlists at least as good as a known one must
leave at its LP bound is fixed there and removed, so the solver only sees the columns that can still change
(Nemhauser & Wolsey 1988, *Integer and Combinatorial Optimization*, §II.2.1; Crowder, Johnson & Padberg 1983,
Oper. Res. 31(5) 803–834).

Claim (the certified bound). For the model max c·x, L ≤ A x ≤ U, 0 ≤ x ≤ 1 and *any* row prices y (a price on a
row side that is infinite set to 0), with d = c − Aᵀy, every x satisfying the rows has

    c·x = y·(A x) + d·x ≤ Σ_r max(y_r L_r, y_r U_r) + Σ_j max(0, d_j) − Σ_j π_j(x) =: B(y) − Σ_j π_j(x),

where π_j(x) = d_j (1 − x_j) when d_j > 0 and −d_j x_j when d_j ≤ 0, each ≥ 0. So if a feasible shortlist of
value z is known, every x with c·x ≥ z − τ has π_j(x) ≤ B − z + τ for every j: a column with d_j > B − z + τ is 1
and a column with −d_j > B − z + τ is 0 in every such x. The optimum and every shortlist the tie-break phase may
choose (within τ of the optimum, ``solver.backends.base.tie_tolerance``) keep these values, so the restricted
model has the same optimum, the same tie-break answer and — because those shortlists are all in it — a dual bound
that is a bound of the whole model. y is taken from HiGHS's LP, but B and d are recomputed here from y: a wrong
or inexact price only weakens the fixing, it never makes it false.

Procedure (``fix_by_reduced_costs``, single-year models):

1. the LP relaxation by HiGHS's interior-point method without crossover or presolve: prices are all the claim
   needs (0.9 s on the 500,000-village national model, against 2.7 s for the simplex; bench/README.md);
2. a probe for z: the model with every column whose |d_j| exceeds δ₀ = 10⁻⁶·max(σ, |B|) fixed at its LP side
   (σ the score range) — except the ``PROBE_MIN_FREE`` columns of smallest |d_j|, which stay free — solved by
   HiGHS without the tie-break: the columns the LP leaves undecided and their nearest neighbours, a
   relaxation-induced neighbourhood (Danna, Rothberg & Le Pape 2005, Math. Program. 102, 71–90). Its shortlist,
   checked against every row, is z's witness and the solve's start;
3. the fixing the claim allows for that z, with τ = 10⁻⁸·max(σ, |B|) (ten times the tie-break's own tolerance,
   plus room for the rounding of B);
4. when every column the fixing leaves free was free in the probe too, the fixed model lies inside the probe's,
   so the probe's proven optimum is the whole model's and its dual bound a bound (``Fixing.proved``): a solve
   that needs no tie-break (rule prices, what-if, margins) takes the probe's shortlist as its answer on the
   HiGHS backend, which is the solver the probe ran (``solver.solve.solve_reduced``).

Nothing is fixed when the LP or the probe does not finish in its share of the time, or finds no shortlist, and
it is not tried with under ``MIN_TIME_S`` seconds left. On the
national pool all but 59 of the 53,942 columns left by the dominance reduction are fixed, and LP, probe and the
solve with its tie-break take 2.8 s instead of 42 s; on the default scenario 651 of 691 are fixed. The probe's
neighbourhood floor made step 4 the rule for re-solves: the default scenario's six rule prices and the 44
margins of 九台区 are each proved by the probe alone (bench/README.md). ``tests/test_fixing.py`` checks the
claim and the probe's proof against brute force and the whole path against the unfixed model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from solver.model import Model
from solver.start import satisfies

PROBE_MARGIN = 1e-6  # δ₀ relative to max(σ, |B|): columns this close to indifferent stay free in the probe
PROBE_MIN_FREE = 50  # and at least this many columns, those of smallest |d|
FIX_MARGIN = 1e-8  # τ relative to max(σ, |B|)
LP_SHARE, PROBE_SHARE = 0.1, 0.1  # at most these shares of the time left go to the LP and to the probe
# Below this many seconds nothing is fixed: HiGHS does not look at the clock everywhere (a knapsack's presolve), and
# a run the watchdog has to abandon would block every later HiGHS run in the process (solver.backends.highs).
MIN_TIME_S = 10.0


class RowPrices:
    """The certified bound B(y) for one model, with its transpose and row bounds prepared once (the stability
    proofs evaluate it at thousands of weight vectors)."""

    def __init__(self, model: Model):
        self.transpose = model.matrix.T.tocsr()
        self.high_finite, self.low_finite = np.isfinite(model.row_high), np.isfinite(model.row_low)
        self.row_high = np.where(self.high_finite, model.row_high, 0.0)
        self.row_low = np.where(self.low_finite, model.row_low, 0.0)

    def bound(self, prices: np.ndarray, c: np.ndarray, low: np.ndarray, high: np.ndarray) -> tuple[float, np.ndarray]:
        """(B(y), d) for row prices ``prices`` (m,), costs ``c`` (n,) and column bounds ``low ≤ x ≤ high``."""
        y = np.where(np.isfinite(prices), prices, 0.0)
        y = np.where(((y > 0) & ~self.high_finite) | ((y < 0) & ~self.low_finite), 0.0, y)  # no finite side to price
        rows = np.where(y > 0, y * self.row_high, y * self.row_low)
        d = c - self.transpose @ y
        return float(rows.sum() + np.maximum(d * low, d * high).sum()), d

    def best(self, prices: np.ndarray, c: np.ndarray) -> tuple[float, np.ndarray]:
        """The smaller B of ``prices`` and ``−prices`` over 0 ≤ x ≤ 1: either sign convention gives a valid bound."""
        ones = np.ones(len(c))
        return min((self.bound(s * prices, c, 0 * ones, ones) for s in (1.0, -1.0)), key=lambda r: r[0])


def certified_bound(model: Model, prices: np.ndarray, c: np.ndarray, low: np.ndarray, high: np.ndarray) -> tuple[float, np.ndarray]:
    """(B(y), d) of the claim for row prices ``y``, costs ``c`` and column bounds; valid for any finite y."""
    return RowPrices(model).bound(prices, c, low, high)


def restrict(model: Model, fixed_in: np.ndarray, fixed_out: np.ndarray) -> Model:
    """The model with ``fixed_in`` columns at 1 and ``fixed_out`` at 0, those columns removed and the rows'
    bounds shifted by what the fixed-in columns take."""
    shift = np.asarray(model.matrix[:, fixed_in].sum(axis=1)).ravel()
    sub = model.subset(~(fixed_in | fixed_out))
    return replace(sub, row_low=model.row_low - shift, row_high=model.row_high - shift)


@dataclass(frozen=True)
class Fixing:
    """Columns fixed at 1 (``fixed_in``) and at 0 (``fixed_out``) of a model; ``model`` is the restricted model
    over the other columns, ``start`` the probe's shortlist on it, ``constant`` the score of the fixed-in columns."""

    fixed_in: np.ndarray
    fixed_out: np.ndarray
    model: Model
    start: np.ndarray
    constant: float
    bound: float  # B: the LP bound of the whole model
    probe_bound: float | None = None  # the probe's proven bound when its optimum is the whole model's (else None)

    @property
    def proved(self) -> bool:
        """The probe's shortlist (``start``) is the optimum: no solve is needed for the score alone."""
        return self.probe_bound is not None

    @property
    def free(self) -> np.ndarray:
        return ~(self.fixed_in | self.fixed_out)

    def expand(self, x: np.ndarray) -> np.ndarray:
        """A 0/1 vector over the restricted model's columns as one over the whole model's."""
        full = self.fixed_in.astype(np.int8)
        full[self.free] = x
        return full

    def probe_result(self):
        """The probe's proven optimum as a ``RawResult`` of the restricted model (``applied`` then makes it the
        whole model's); only when ``proved``. No tie-break was made."""
        from solver.backends import score_range
        from solver.backends.base import RawResult, status_of
        from solver.backends.highs import version

        objective = float(self.model.objective @ self.start)
        sigma = score_range(self.model.objective) if len(self.model.objective) else 1.0
        status = status_of(True, True, False, False, objective + self.constant, self.probe_bound, sigma)
        # no solve time: the probe's is counted in the reduction's
        return RawResult(status, self.start, objective, self.probe_bound - self.constant, 0.0, "highs", version(), scale=sigma)

    def applied(self, raw):
        """A ``RawResult`` of the restricted model as one of the whole model: ``x`` expanded, the fixed-in score
        added to the objective and to the bound (a bound of the whole model by the claim)."""
        shift = lambda v: None if v is None else v + self.constant
        x = None if raw.x is None else self.expand(raw.x)
        return replace(raw, x=x, objective=shift(raw.objective), bound=shift(raw.bound))


def fix_by_reduced_costs(model: Model, time_left: float, threads: int = 0) -> Fixing | None:
    """The fixing of the module doc for ``model`` (a maximisation over 0/1 columns), or None when nothing could be
    fixed (see the module doc for when). ``time_left`` in seconds bounds the LP and the probe together."""
    from solver.backends import score_range
    from solver.backends.base import binary
    from solver.backends.highs import Status, make_highs, run, run_watched

    began = time.perf_counter()
    n = len(model.objective)
    if n == 0 or model.matrix.shape[0] == 0 or time_left < MIN_TIME_S:
        return None
    c = model.objective
    h = make_highs(c, model.matrix, model.row_low, model.row_high, np.zeros(n), np.ones(n), np.zeros(n, dtype=bool), threads=threads)
    h.setOptionValue("solver", "ipm")
    h.setOptionValue("run_crossover", "off")
    # HiGHS's presolve does not look at the clock (3 s on a 10,000-item knapsack's LP, against 0.04 s without; a
    # knapsack's MIP stayed in it for minutes): a run the watchdog had to abandon would block every later HiGHS run
    # of the process, the solve itself included. So neither the LP nor the probe presolves.
    h.setOptionValue("presolve", "off")
    if run(h, LP_SHARE * time_left) != Status.kOptimal:
        return None
    prices = RowPrices(model)
    bound, d = prices.best(np.asarray(h.getSolution().row_dual, dtype=float), c)
    scale = max(float(np.max(np.abs(c))), abs(bound), 1.0)

    probe = _probe_sides(d, PROBE_MARGIN * scale)
    restricted = restrict(model, *probe)
    free = ~(probe[0] | probe[1])
    left = max(PROBE_SHARE * (time_left - (time.perf_counter() - began)), 0.01)
    m = int(free.sum())
    h = make_highs(
        restricted.objective,
        restricted.matrix,
        restricted.row_low,
        restricted.row_high,
        np.zeros(m),
        np.ones(m),
        np.ones(m, dtype=bool),
        threads=threads,
    )
    h.setOptionValue("mip_rel_gap", 0.0)  # the better z, the more is fixed: the probe is small enough to prove
    h.setOptionValue("mip_abs_gap", 1e-6 * score_range(c))  # what the solve itself proves to (solver.backends)
    h.setOptionValue("presolve", "off")
    status = run_watched(h, left)[0]
    if status is None or h.getInfo().primal_solution_status != 2:  # abandoned (not to be touched); kSolutionStatusFeasible
        return None
    x = probe[0].astype(float)
    x[free] = binary(h.getSolution().col_value)
    if not satisfies(model.matrix, model.row_low, model.row_high, x):
        return None
    z = float(c @ x)
    fixed_in, fixed_out = _fixed_at_lp_side(d, bound - z + FIX_MARGIN * scale)
    # the probe's model holds the fixed one when every column left free was free in the probe (both fix the
    # others at their LP side): then the probe's proven optimum is the whole model's and its bound a bound
    holds = status == Status.kOptimal and not np.any(~(fixed_in | fixed_out) & ~free)
    probe_bound = float(h.getInfo().mip_dual_bound) + float(c[probe[0]].sum()) if holds else None
    return Fixing(
        fixed_in, fixed_out, restrict(model, fixed_in, fixed_out), binary(x[~(fixed_in | fixed_out)]), float(c[fixed_in].sum()), bound, probe_bound
    )


def _probe_sides(d: np.ndarray, slack: float) -> tuple[np.ndarray, np.ndarray]:
    """The probe's fixed columns: those beyond ``slack`` (``_fixed_at_lp_side``), except the ``PROBE_MIN_FREE``
    columns of smallest |d|, which stay free: the LP's undecided columns alone are often too few to hold a good
    shortlist once a village is forced in or out (a margin), and a better z fixes more."""
    fixed_in, fixed_out = _fixed_at_lp_side(d, slack)
    nearest = np.argsort(np.abs(d), kind="stable")[:PROBE_MIN_FREE]
    fixed_in[nearest] = fixed_out[nearest] = False
    return fixed_in, fixed_out


def _fixed_at_lp_side(d: np.ndarray, slack: float) -> tuple[np.ndarray, np.ndarray]:
    """(at 1, at 0): the columns whose reduced cost exceeds ``slack`` on either side."""
    return d > slack, -d > slack
