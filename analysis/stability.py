"""How sure are we: proofs that a village is in (or out of) every optimal shortlist for every weight vector of a
region, per-criterion stability intervals, and sampling only where proofs end (issue 17).

Mathematical formulation
------------------------
Scores are linear in the weights: over the n eligible villages s(w) = Z w + b (Z the normalised criteria, b the
bonuses; ``analysis.robustness.criteria_matrix``). With X the feasible shortlists of the selection model (0/1
vectors, ``solver/model.py``) let

    V(w) = max_{x∈X} s(w)·x,    V₋ᵢ(w) = max_{x∈X, xᵢ=0} s(w)·x,    V₊ᵢ(w) = max_{x∈X, xᵢ=1} s(w)·x.

Each is a maximum of functions linear in w, hence convex and piecewise linear. W is a weight polytope
(``analysis/region.py``) with vertices v¹ … vᵐ.

Claim 1 (vertex test; Liesiö, Mild & Salo 2007, EJOR 181(3) 1488–1505, "core" and "exterior" projects of Robust
Portfolio Modeling, here made exact). Let x⁰ ∈ X be any feasible shortlist and C ⊆ W a polytope with vertices
c¹ … cᵖ. If U₋ᵢ(cˡ) < s(cˡ)·x⁰ − ε for every vertex, where U₋ᵢ(cˡ) ≥ V₋ᵢ(cˡ) is any upper bound, then for every
w ∈ C every shortlist whose total is within ε of V(w) contains village i.
Proof: g(w) = V₋ᵢ(w) − s(w)·x⁰ is convex (convex minus linear), so its maximum over C is reached at a vertex,
where g(cˡ) ≤ U₋ᵢ(cˡ) − s(cˡ)·x⁰ < −ε. So V₋ᵢ(w) < s(w)·x⁰ − ε ≤ V(w) − ε for all w ∈ C: a shortlist without i
falls short of the optimum by more than ε. ∎  The same with V₊ᵢ proves i is in no such shortlist.

Claim 2 (certified LP bounds, one LP per vertex for every village at once). For the LP relaxation
max c·x, L ≤ A x ≤ U, l ≤ x ≤ u and *any* row prices y, with d = c − Aᵀy:

    c·x = y·(A x) + d·x ≤ Σ_r max(y_r L_r, y_r U_r) + Σ_j max(d_j l_j, d_j u_j) =: B(y)

(prices on a row with an infinite side are set to 0 first). Fixing xᵢ = a instead replaces the i-th term by dᵢ a,
so U₊ᵢ = B − max(0, dᵢ) + dᵢ and U₋ᵢ = B − max(0, dᵢ) (for 0 ≤ xᵢ ≤ 1). y is taken from HiGHS's LP solution at
the vertex, but the bound is recomputed (``solver.fixing.RowPrices``, shared with the reduced-cost fixing before
every solve) and is valid whatever y is: a wrong or inexact dual only makes it
weaker, never false. This is reduced-cost fixing (Nemhauser & Wolsey 1988, §II.2.1) evaluated at each vertex.

Claim 3 (cells; Kılınç-Karzan, Toriello, Ahmed, Nemhauser & Savelsbergh 2009, "Approximating the stability
region for binary mixed-integer programs", Oper. Res. Letters 37(4) 250–254, in the objective space). With a pool
x¹ … xᴷ of feasible shortlists, the cells C_k = {w ∈ W : s(w)·xᵏ ≥ s(w)·xˡ for all l} are polytopes that cover W
(closed, finitely many, their union is W). A village proved by Claim 1 on every cell C_k with x⁰ = xᵏ is proved on
W. Cells without interior are dropped from the pool and the rest recomputed, so the kept cells still cover W.

Claim 4 (fixing proved villages). If i is in every ε-optimal shortlist for every w ∈ W (or in none), then for
w ∈ W the ε-optimal shortlists of the model with xᵢ fixed to 1 (to 0) are exactly those of the original model. So
later bounds, pools and samples may use the restricted model R: its LP bounds are tighter and its MILPs smaller.

The procedure: (1) vertex LP bounds on W with the scenario's own shortlist as x⁰, fixing what is proved and
repeating while that proves more (Claims 1, 2, 4); (2) cells: a MILP at the cell vertex with the largest gap
between the bound and the cell's shortlist gives a new shortlist; cells are recomputed and every vertex bounded,
until the undecided set stops shrinking or the time budget is spent (Claim 3); (3) exact MILP bounds U±ᵢ(cˡ)
for the villages that fail at only a few vertices. A village is *depends* when two weight vectors of W have proven
optimal shortlists (HiGHS, absolute gap 10⁻⁶ < ε) that disagree on it — a witness, not an estimate — and
*undecided* when neither a proof nor a witness was found in the budget. ε = ``PROOF_MARGIN``.

Sampling (SMAA-2, Lahdelma & Salminen 2001, Oper. Res. 49(3) 444–454): weights uniform on the stated region by
Hit-and-Run, each solved on R (Claim 4) with the proved villages fixed; the selection frequency (acceptability) of
each remaining village, its central weight vector (the mean weight vector of the samples that select it), and how
far the weights moved (max_j |w_j − w⁰_j| / w⁰_j) in the nearest sample where it switches.

Stability interval of criterion j: along w(t) with w_j = t and the other weights scaled by (T − t)/(T − w⁰_j),
V(t) is convex piecewise linear and the scenario's shortlist x⁰ is optimal on an interval [t₋, t₊] ∋ w⁰_j (where
V − s·x⁰ ≥ 0 is zero: a convex set). t₊ is found by Eisner–Severance breakpoint search: solve at the end; while
the optimum x′ there beats x⁰, solve at the t where s(w(t))·x⁰ = s(w(t))·x′; when x⁰ is optimal at that t it is the
breakpoint and x′ (optimal on [t₊, end] by convexity) says who enters and leaves. Each step finds a new linear
piece of V, so it ends after a few MILPs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.region import Region
from analysis.robustness import criteria_matrix, run_chunks
from contract.errors import InputError, Problem
from pool.read import Pool
from scoring.score import Scores
from solver.fixing import RowPrices, restrict
from solver.model import Model
from solver.solve import Selection

PROOF_MARGIN = 1e-5  # ε: classes hold for every shortlist within this much total score of the optimum
MILP_GAP = 1e-6  # absolute gap HiGHS proves (mip_rel_gap 0, default mip_abs_gap): below ε, so witnesses never contradict proofs
CLASSES = ("always_in", "never_in", "depends", "undecided")
REFINE_CANDIDATES = 8  # cell vertices rounded per refinement round
MILP_FAILURES = 3  # villages failing the LP test at no more than this many cell vertices get exact MILP bounds there


# --- the selection problem as stability sees it ------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """The single-year model (column j = eligible village j) and its scores Z w + b."""

    model: Model
    z: np.ndarray  # n × k
    b: np.ndarray  # n

    def scores(self, weights: np.ndarray) -> np.ndarray:
        """(n × m) column scores at m weight vectors (rows of ``weights``)."""
        return self.z @ np.atleast_2d(weights).T + self.b[:, None]

    def affine(self, x: np.ndarray) -> tuple[np.ndarray, float]:
        """A shortlist's total as a function of w: s(w)·x = slope·w + offset."""
        return self.z.T @ x, float(self.b @ x)


class VertexBounds:
    """LP bounds of Claim 2 at many weight vectors, with the columns outside ``low < high`` fixed (and removed:
    ``restrict``). One HiGHS instance whose costs change per point, re-solved from the previous basis without
    presolve. Reusing the instance is safe here because nothing HiGHS reports is trusted: every bound is recomputed
    from its prices (Claim 2)."""

    def __init__(self, frame: Frame, low: np.ndarray, high: np.ndarray):
        from solver.backends.highs import make_highs

        self.frame, self.low, self.high = frame, low, high
        self.free = low < high
        self.fixed_in = ~self.free & (low > 0.5)
        self.model = restrict(frame.model, self.fixed_in, ~self.free & ~self.fixed_in)
        m = int(self.free.sum())
        self.h = make_highs(
            np.zeros(m), self.model.matrix, self.model.row_low, self.model.row_high, np.zeros(m), np.ones(m), np.zeros(m, dtype=bool), threads=1
        )
        self.h.setOptionValue("presolve", "off")
        self.columns = np.arange(m, dtype=np.int32)
        self.prices = RowPrices(self.model)
        self.cache: dict[bytes, tuple[float, np.ndarray]] = {}

    def at(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(B (m,), D (m × n)) at the weight vectors ``points`` (rows); B bounds the whole total, fixed villages
        included; D is 0 on fixed columns."""
        out_b, out_d = np.empty(len(points)), np.zeros((len(points), len(self.low)))
        for row, w in enumerate(points):
            key = np.round(w, 12).tobytes()
            if key not in self.cache:
                self.cache[key] = self._solve(w)
            out_b[row], out_d[row, self.free] = self.cache[key]
        return out_b, out_d

    def _solve(self, w: np.ndarray) -> tuple[float, np.ndarray]:
        from solver.backends.highs import run

        scores = self.frame.scores(w)[:, 0]
        c = scores[self.free]
        self.h.changeColsCost(len(c), self.columns, c)
        run(self.h)
        prices = np.asarray(self.h.getSolution().row_dual, dtype=float)
        if len(prices) != self.model.matrix.shape[0]:
            prices = np.zeros(self.model.matrix.shape[0])
        bound, d = self.prices.best(prices, c)
        return bound + float(scores[self.fixed_in].sum()), d

    def rounded(self, w: np.ndarray) -> tuple[np.ndarray, float] | None:
        """A feasible shortlist near the LP optimum at ``w``: the LP's integral columns kept, a MILP over its few
        fractional ones (milliseconds, where a full MILP spends a tenth of a second on its root). Any feasible
        shortlist is a valid incumbent for Claim 1; None when the rounding has no feasible completion."""
        from solver.backends.highs import make_highs, run

        self._solve(w)
        primal = np.asarray(self.h.getSolution().col_value, dtype=float)
        fractional = (primal > 1e-7) & (primal < 1 - 1e-7)
        low, high = np.where(fractional, 0.0, np.round(primal)), np.where(fractional, 1.0, np.round(primal))
        c = self.frame.scores(w)[self.free, 0]
        h = make_highs(c, self.model.matrix, self.model.row_low, self.model.row_high, low, high, np.ones(len(c), dtype=bool), threads=1)
        run(h, 5)
        if h.getInfo().primal_solution_status != 2:  # kSolutionStatusFeasible
            return None
        x = self.fixed_in.astype(float)
        x[self.free] = np.asarray(h.getSolution().col_value) > 0.5
        return x, float(self.frame.scores(w)[:, 0] @ x)

    def optimum(self, w: np.ndarray) -> tuple[np.ndarray, float]:
        """A proven optimal shortlist at ``w`` (0/1 over all eligible villages) and its total, solved on the
        restricted model with the safe dominance reduction (``solver/reduce.py``), as the sampling study does."""
        from analysis.robustness import solve_chunk

        if not hasattr(self, "dominance"):
            from solver.reduce import Dominance

            self.dominance = Dominance(self.model) if self.model.simple and len(self.model.objective) else None
        x = self.fixed_in.astype(float)
        if len(self.model.objective):
            x = np.maximum(x, solve_chunk(self.model, self.frame.z, self.frame.b, np.atleast_2d(w), dominance=self.dominance)[0])
        return x, float(self.frame.scores(w)[:, 0] @ x)


def solve_at(frame: Frame, weights: np.ndarray, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, float]:
    """A proven optimal shortlist (0/1 over the eligible villages) at one weight vector, with the columns fixed
    by ``low``/``high``, and its total score. Raises RuntimeError when HiGHS does not prove optimality."""
    from solver.backends.highs import Status, make_highs, run

    model = frame.model
    c = frame.scores(weights)[:, 0]
    h = make_highs(c, model.matrix, model.row_low, model.row_high, low, high, np.ones(len(c), dtype=bool), threads=1)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", MILP_GAP)
    if run(h, 60) != Status.kOptimal:
        raise RuntimeError("stability: a MILP was not solved to optimality")
    x = (np.asarray(h.getSolution().col_value) > 0.5).astype(float)
    return x, float(c @ x)


def forced_bound(frame: Frame, weights: np.ndarray, low: np.ndarray, high: np.ndarray, village: int, value: int) -> float:
    """An upper bound on V₊ᵢ or V₋ᵢ at one weight vector from the MILP itself (HiGHS's dual bound); −inf when
    forcing the village is infeasible."""
    from solver.backends.highs import Status, make_highs, run

    model = frame.model
    c = frame.scores(weights)[:, 0]
    low, high = low.copy(), high.copy()
    low[village] = high[village] = value
    h = make_highs(c, model.matrix, model.row_low, model.row_high, low, high, np.ones(len(c), dtype=bool), threads=1)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", MILP_GAP)
    status = run(h, 30)
    if status == Status.kInfeasible:
        return -np.inf
    if status != Status.kOptimal:
        return np.inf
    return float(h.getInfo().mip_dual_bound)


# --- proving classes ---------------------------------------------------------------------------------------------


@dataclass
class Proof:
    """Classes over W for the eligible villages, how they were proved, and the evidence kept."""

    always_in: np.ndarray
    never_in: np.ndarray
    method: np.ndarray  # per village: lp | cells | milp | witness | '' (undecided)
    seen_in: np.ndarray  # in a proven optimal shortlist at some w ∈ W
    seen_out: np.ndarray
    points: list = field(default_factory=list)  # (w, x) proven optimal pairs inside W
    pool: int = 1
    cells: int = 1
    last_cells: list | None = None  # the cells of the last refinement round
    pool_tested: int = 0  # pool size those cells were made from
    rounds: int = 0
    seconds: float = 0.0

    @property
    def proved(self) -> np.ndarray:
        return self.always_in | self.never_in

    def witness(self, w: np.ndarray, x: np.ndarray) -> None:
        self.points.append((w, x))
        self.seen_in |= x > 0.5
        self.seen_out |= x < 0.5

    def classes(self) -> np.ndarray:
        depends = ~self.proved & self.seen_in & self.seen_out
        return np.select([self.always_in, self.never_in, depends], ["always_in", "never_in", "depends"], "undecided")


def cell_test(frame: Frame, bounds: VertexBounds, vertices: np.ndarray, incumbent: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Claim 1 on one cell: (fails_in, fails_out, gap). fails_in[l, i]: U₋ᵢ(cˡ) ≥ s(cˡ)·x⁰ − ε, so vertex l stops
    the proof that village i is always in (fails_out likewise for never in); gap[l] = B(cˡ) − s(cˡ)·x⁰."""
    b, d = bounds.at(vertices)
    total = frame.scores(vertices).T @ incumbent
    slack = (total - PROOF_MARGIN)[:, None]
    positive = np.maximum(d, 0.0)
    return (b[:, None] - positive) >= slack, (b[:, None] - positive + d) >= slack, b - total


def power_cells(frame: Frame, region: Region, pool: list[np.ndarray]) -> list[tuple[int, np.ndarray]]:
    """Cells C_k of Claim 3 as (pool index, vertices); members whose cell has no interior are dropped and the
    others recomputed, so the returned cells cover W."""
    members = list(range(len(pool)))
    while True:
        affine = [frame.affine(pool[k]) for k in members]
        cells, dropped = [], []
        for k, (slope, offset) in zip(members, affine):
            others = [(s, o) for s, o in affine if not (np.allclose(s, slope, atol=1e-13) and abs(o - offset) <= 1e-13)]
            if not others:
                cells.append((k, region.vertices))
                continue
            a = np.array([slope - s for s, _ in others])
            c = np.array([offset - o for _, o in others])
            vertices = _cut(region, *region.pull_back(a, c))
            (cells if vertices is not None else dropped).append((k, vertices) if vertices is not None else k)
        if not dropped:
            return cells
        members = [k for k in members if k not in dropped]


def _cut(region: Region, g: np.ndarray, h: np.ndarray) -> np.ndarray | None:
    from scipy.spatial import QhullError

    try:
        return region.cut(g, h)
    except QhullError:  # a numerically degenerate cell: treated as having no interior (its member is dropped)
        return None


def prove_classes(frame: Frame, region: Region, base: np.ndarray, budget: float, base_in_region: bool) -> Proof:
    """Classes of every eligible village over W within ``budget`` seconds (see the module doc)."""
    start = time.perf_counter()
    n = len(base)
    proof = Proof(np.zeros(n, bool), np.zeros(n, bool), np.full(n, "", dtype=object), np.zeros(n, bool), np.zeros(n, bool))
    low, high = np.zeros(n), np.ones(n)
    pool = [base.astype(float)]
    if base_in_region:
        proof.witness(region.centre, pool[0])
    else:  # the scenario's weights lie outside W: start from a shortlist optimal inside it
        centroid = region.vertices.mean(axis=0)
        x, _ = solve_at(frame, centroid, low, high)
        pool = [x]
        proof.witness(centroid, x)
    bounds = _peel(frame, region, pool[0], proof, low, high)
    _refine(frame, region, pool, proof, bounds, start + budget)
    _exact(frame, region, pool, proof, bounds, start + budget)
    proof.pool = len(pool)
    proof.seconds = time.perf_counter() - start
    return proof


def _record(proof: Proof, proved_in: np.ndarray, proved_out: np.ndarray, method: str) -> int:
    new_in, new_out = proved_in & ~proof.proved, proved_out & ~proof.proved
    proof.always_in |= new_in
    proof.never_in |= new_out
    proof.method[new_in | new_out] = method
    return int(new_in.sum() + new_out.sum())


def _peel(frame: Frame, region: Region, incumbent: np.ndarray, proof: Proof, low: np.ndarray, high: np.ndarray) -> VertexBounds:
    """Claims 1, 2 and 4 on W itself: prove, fix, repeat while fixing proves more. Fixes ``low``/``high`` in place."""
    while True:
        bounds = VertexBounds(frame, low.copy(), high.copy())
        fails_in, fails_out, _ = cell_test(frame, bounds, region.vertices, incumbent)
        proof.rounds += 1
        if not _record(proof, ~fails_in.any(axis=0), ~fails_out.any(axis=0), "lp"):
            return bounds
        low[proof.always_in], high[proof.never_in] = 1.0, 0.0


def _open(proof: Proof) -> tuple[np.ndarray, np.ndarray]:
    """Villages whose 'always in' (first) or 'never in' (second) may still be proved: not proved, and no proven
    optimum contradicts that side."""
    undecided = ~proof.proved & ~(proof.seen_in & proof.seen_out)
    return undecided & ~proof.seen_out, undecided & ~proof.seen_in


def _refine(frame: Frame, region: Region, pool: list, proof: Proof, bounds: VertexBounds, deadline: float) -> None:
    """Claim 3: grow the pool where it is weakest, recompute the cells, test; until the deadline, until every
    village is proved or witnessed, or until no cell vertex has a gap a better shortlist could close.

    The gap B(cˡ) − s(cˡ)·xᵏ at a cell vertex is the pool's regret plus the LP's integrality gap. The vertices
    with the largest gaps are rounded (``VertexBounds.rounded``): a rounded shortlist that beats the cell's joins
    the pool; where none does, one exact MILP tells regret from LP gap and gives a witness."""
    exhausted: set[bytes] = set()
    last = 0.0  # the previous round's duration: a round that would end past the deadline is not started
    while time.perf_counter() + last < deadline:
        started = time.perf_counter()
        can_in, can_out = _open(proof)
        if not (can_in | can_out).any():
            return
        cells = power_cells(frame, region, pool)
        proof.cells, proof.last_cells, proof.pool_tested = len(cells), cells, len(pool)
        proved_in, proved_out = np.ones(len(pool[0]), bool), np.ones(len(pool[0]), bool)
        candidates = []
        for k, vertices in cells:
            fails_in, fails_out, gap = cell_test(frame, bounds, vertices, pool[k])
            proved_in &= ~fails_in.any(axis=0)
            proved_out &= ~fails_out.any(axis=0)
            candidates += [(g, k, v) for g, v in zip(gap, vertices) if g > PROOF_MARGIN and np.round(v, 12).tobytes() not in exhausted]
        proof.rounds += 1
        _record(proof, proved_in, proved_out, "cells" if len(cells) > 1 else "lp")
        if not candidates or time.perf_counter() >= deadline:
            return
        candidates.sort(key=lambda item: -item[0])
        best = None
        for _, k, v in candidates[:REFINE_CANDIDATES]:
            found = bounds.rounded(v)
            regret = found[1] - frame.scores(v)[:, 0] @ pool[k] if found is not None else 0.0
            if regret > PROOF_MARGIN and (best is None or regret > best[0]):
                best = (regret, found[0])
            elif regret <= PROOF_MARGIN:
                exhausted.add(np.round(v, 12).tobytes())
        if best is not None:
            pool.append(best[1])
        else:
            _, k, v = candidates[0]
            x, value = bounds.optimum(v)
            proof.witness(v, x)
            if value > frame.scores(v)[:, 0] @ pool[k] + PROOF_MARGIN:
                pool.append(x)
        last = time.perf_counter() - started


def _exact(frame: Frame, region: Region, pool: list, proof: Proof, bounds: VertexBounds, deadline: float) -> None:
    """For undecided villages failing at only a few cell vertices: the MILP's own bound there (Claim 1 with
    exact U±ᵢ)."""
    if time.perf_counter() >= deadline:
        return
    cells = proof.last_cells if proof.last_cells is not None and proof.pool_tested == len(pool) else power_cells(frame, region, pool)
    can_in, can_out = _open(proof)
    failing: dict[int, list] = {i: [] for i in np.flatnonzero(can_in | can_out)}
    for k, vertices in cells:
        b, d = bounds.at(vertices)
        total = frame.scores(vertices).T @ pool[k]
        positive = np.maximum(d, 0.0)
        for i in failing:
            side = 0 if can_in[i] else 1  # forcing it out proves "always in"; forcing it in proves "never in"
            upper = b - positive[:, i] + side * d[:, i]
            failing[i] += [(v, t, side) for v, u, t in zip(vertices, upper, total) if u >= t - PROOF_MARGIN]
    for i, places in sorted(failing.items(), key=lambda item: len(item[1])):
        side = 0 if can_in[i] else 1
        proved = np.zeros(len(pool[0]), bool)
        proved[i] = True
        if not places:  # passes on the cells of the whole pool (the last shortlist was added after the last test)
            _record(proof, proved & (side == 0), proved & (side == 1), "cells")
            continue
        if len(places) > MILP_FAILURES or time.perf_counter() >= deadline:
            continue
        if all(forced_bound(frame, v, bounds.low, bounds.high, i, side) < t - PROOF_MARGIN for v, t, _ in places):
            _record(proof, proved & (side == 0), proved & (side == 1), "milp")


# --- stability intervals ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionInterval:
    """How far one criterion's weight can move (the others rescaled to keep the total) with the scenario's
    shortlist still optimal, and who enters and leaves just beyond each end (column indices of eligible villages)."""

    criterion: str
    weight: float
    low: float
    high: float
    above_in: tuple[int, ...] = ()
    above_out: tuple[int, ...] = ()
    below_in: tuple[int, ...] = ()
    below_out: tuple[int, ...] = ()
    solves: int = 0


def along(w0: np.ndarray, j: int, t: float) -> np.ndarray:
    """The weight vector with w_j = t and the others scaled to keep the total."""
    total, rest = w0.sum(), w0.sum() - w0[j]
    w = w0 * ((total - t) / rest) if rest > 0 else np.zeros_like(w0)
    w[j] = t
    return w


def breakpoint(frame: Frame, w0: np.ndarray, j: int, base: np.ndarray, end: float, solve) -> tuple[float, np.ndarray | None, int]:
    """(t where the base shortlist stops being optimal towards ``end``, the shortlist optimal just beyond, MILPs)."""
    t0 = w0[j]
    value = lambda x, t: float(frame.scores(along(w0, j, t))[:, 0] @ x)  # noqa: E731
    current, best = solve(along(w0, j, end))
    solves = 1
    if value(base, end) >= best - PROOF_MARGIN:
        return end, None, solves
    hi = end
    while solves < 40:
        # s(w(t))·x is linear in t: intersect the base's line with the current shortlist's
        slope_base = (value(base, hi) - value(base, t0)) / (hi - t0)
        slope_current = (value(current, hi) - value(current, t0)) / (hi - t0)
        t = t0 + (value(current, t0) - value(base, t0)) / (slope_base - slope_current)
        x, best = solve(along(w0, j, t))
        solves += 1
        if value(base, t) >= best - PROOF_MARGIN:
            return t, current, solves
        current, hi = x, t
    return hi, current, solves


def criterion_interval(frame: Frame, w0: np.ndarray, j: int, name: str, base: np.ndarray) -> CriterionInterval:
    """The stability interval of criterion ``j`` (see the module doc); MILPs on the full model."""
    from solver.reduce import Dominance

    dominance = Dominance(frame.model) if frame.model.simple else None
    n = len(base)
    ones, zeros = np.ones(n), np.zeros(n)

    def solve(w):
        keep = dominance.keep(frame.model.objective_for(frame.scores(w)[:, 0])) if dominance else np.ones(n, bool)
        return solve_at(frame, w, zeros, np.where(keep, ones, 0.0))

    if w0[j] <= 0:
        return CriterionInterval(name, float(w0[j]), 0.0, 0.0)
    high, above, up = breakpoint(frame, w0, j, base, float(w0.sum()), solve)
    low, below, down = breakpoint(frame, w0, j, base, 0.0, solve)
    change = lambda x, sign: tuple(int(i) for i in np.flatnonzero((x - base) * sign > 0.5)) if x is not None else ()  # noqa: E731
    return CriterionInterval(name, float(w0[j]), low, high, change(above, 1), change(above, -1), change(below, 1), change(below, -1), up + down)


def criterion_intervals(frame: Frame, w0: np.ndarray, names: list[str], base: np.ndarray, indices: list[int], report=None) -> list[CriterionInterval]:
    out = []
    for j in indices:
        out.append(criterion_interval(frame, w0, j, names[j], base))
        if report:
            report()
    return out


# --- the whole study --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stability:
    """Proved classes, stability intervals and sampling over one weight region (see the module doc)."""

    region: Region
    table: pd.DataFrame  # one row per pool village: village_id, village, county, city, eligible, base_selected,
    #                      class, method, frequency, switch_at, favours, disfavours, score, rank
    central: pd.DataFrame  # SMAA-2 central weights of the villages with a frequency (index village_id)
    intervals: tuple[CriterionInterval, ...]
    proof: Proof
    samples: int
    seed: int
    workers: int
    timings: dict
    undecided_size: int  # columns of the restricted model the samples were solved on

    def counts(self) -> dict[str, int]:
        counts = self.table["class"].value_counts()
        return {c: int(counts.get(c, 0)) for c in (*CLASSES, "ineligible")}

    @property
    def proved_share(self) -> float:
        """Share of eligible villages whose class is a proof or a witness (not undecided)."""
        eligible = self.table["eligible"]
        return float((self.table.loc[eligible, "class"] != "undecided").mean()) if eligible.any() else 1.0


def region_problem(selection: Selection) -> None:
    """Raises ``InputError`` when stability cannot be proved on this selection (a plan or belts)."""
    if not selection.model.simple:
        raise InputError("scenario.unfit", [Problem("robustness.single_year", key="robustness")])


def stability(
    pool: Pool,
    scores: Scores,
    selection: Selection,
    region: Region,
    samples: int = 1000,
    seed: int = 1,
    workers: int = 2,
    time_budget: float = 10.0,
    intervals: bool = True,
    progress=None,
) -> Stability:
    """The stability study of a solved single-year selection over ``region``: classes (Claims 1–4), Hit-and-Run
    samples over the undecided villages, SMAA-2 central weights and, with ``intervals``, each criterion's stability
    interval. Raises ``InputError`` for a plan or belts. ``progress`` is called once per sample and per criterion."""
    region_problem(selection)
    timings = {}
    start = time.perf_counter()
    z, b = criteria_matrix(scores)
    frame = Frame(selection.model, z, b)
    eligible = np.flatnonzero(scores.eligible)
    base = selection.selected[eligible].astype(float)
    proof = prove_classes(frame, region, base, time_budget, region.contains(region.centre))
    timings["classes"] = time.perf_counter() - start

    start = time.perf_counter()
    weights = region.sample(samples, seed)
    restricted = restrict(selection.model, proof.always_in, proof.never_in)
    chunks = [c for c in np.array_split(np.arange(samples), max(1, min(workers, samples))) if len(c)]
    chosen = np.zeros((samples, len(eligible)), dtype=bool)
    if samples and len(restricted.objective):
        chosen = run_chunks(restricted, z, b, [weights[c] for c in chunks], progress)
    elif progress:
        for _ in range(samples):
            progress()
    chosen[:, proof.always_in] = True
    if len(chosen):  # every sample is a proven optimum inside W: a witness for the villages it decides
        proof.seen_in |= chosen.any(axis=0) & ~proof.proved
        proof.seen_out |= ~chosen.all(axis=0) & ~proof.proved
    timings["samples"] = time.perf_counter() - start

    start = time.perf_counter()
    names = list(scores.weights.values)
    w0 = np.array([scores.weights.values[c] for c in names], dtype=float)
    found = _intervals(frame, w0, names, base, workers, progress) if intervals else []
    timings["intervals"] = time.perf_counter() - start
    table, central = _tables(pool, scores, selection, region, proof, weights, chosen, eligible, names)
    return Stability(region, table, central, tuple(found), proof, samples, seed, len(chunks), timings, len(restricted.objective))


def _intervals(frame: Frame, w0: np.ndarray, names: list[str], base: np.ndarray, workers: int, progress) -> list[CriterionInterval]:
    indices = [j for j in range(len(names))]
    parts = [list(p) for p in np.array_split(indices, max(1, min(workers, len(indices)))) if len(p)]
    if len(parts) <= 1:
        return criterion_intervals(frame, w0, names, base, indices, progress)
    from solver.backends.worker import collect, start_worker

    started = [start_worker("analysis.stability", (frame, w0, names, base, part)) for part in parts]
    return [interval for chunk in collect(started, progress) for interval in chunk]


def _tables(pool, scores, selection, region, proof, weights, chosen, eligible, names) -> tuple[pd.DataFrame, pd.DataFrame]:
    classes = proof.classes()
    frequency = chosen.mean(axis=0) if len(chosen) else np.full(len(eligible), np.nan)
    table = pool.frame[["village_id", "village", "county", "city"]].copy()
    table["eligible"] = scores.eligible
    table["base_selected"] = selection.selected
    table["score"] = scores.table["score"]
    table["rank"] = scores.table["rank"]
    column = lambda values, fill: _spread(len(table), eligible, values, fill)  # noqa: E731
    method = np.where(classes == "depends", "witness", proof.method)
    table["class"] = column(classes, "ineligible")
    table["method"] = column(method, "")
    open_ = np.isin(classes, ("depends", "undecided"))
    table["frequency"] = column(np.where(open_, frequency, np.nan), np.nan)
    switch = _switch_distance(region, weights, chosen, selection.selected[eligible], proof)
    table["switch_at"] = column(np.where(open_, switch, np.nan), np.nan)
    contrast = open_ & (frequency > 0) & (frequency < 1)  # a leaning needs samples with and without the village
    central = _central(weights, chosen, open_, names)
    for name, values in zip(("favours", "disfavours"), _leaning(central, weights)):
        per_village = np.full(len(eligible), "", dtype=object)
        if len(values):
            per_village[open_] = np.where(contrast[open_], values, "")
        table[name] = column(per_village, "")
    if len(central):
        central.index = table["village_id"].to_numpy()[eligible[open_]]
    return table, central


def _spread(size: int, eligible: np.ndarray, values: np.ndarray, fill) -> np.ndarray:
    out = np.full(size, fill, dtype=object if isinstance(fill, str) else float)
    out[eligible] = values
    return out


def _switch_distance(region: Region, weights: np.ndarray, chosen: np.ndarray, base: np.ndarray, proof: Proof) -> np.ndarray:
    """Per village: the smallest relative weight change max_j |w_j − w⁰_j| / w⁰_j among the samples and witness
    points where it is not as in the scenario's shortlist (nan when none was seen)."""
    points = [(w, x > 0.5) for w, x in proof.points] + list(zip(weights, chosen))
    out = np.full(len(base), np.nan)
    if not points:
        return out
    w0 = region.centre
    active = w0 > 0
    for w, x in points:
        moved = float(np.max(np.abs(w[active] - w0[active]) / w0[active])) if active.any() else 0.0
        switched = x != (base > 0.5)
        out[switched] = np.fmin(out[switched], moved)
    return out


def _central(weights: np.ndarray, chosen: np.ndarray, open_: np.ndarray, names: list[str]) -> pd.DataFrame:
    """SMAA-2 central weights: the mean weight vector of the samples in which each open village is selected."""
    columns = np.flatnonzero(open_)
    if not len(weights) or not len(columns):
        return pd.DataFrame(columns=names)
    picked = chosen[:, columns].astype(float)
    counts = picked.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = (picked.T @ weights) / counts[:, None]
    return pd.DataFrame(centre, columns=names)


def _leaning(central: pd.DataFrame, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each central weight vector: the criterion it weighs most above (and most below) the samples' mean,
    relative to that mean — "selected when X weighs more"."""
    if not len(central):
        return np.zeros(0, dtype=object), np.zeros(0, dtype=object)
    mean = weights.mean(axis=0)
    active = mean > 0
    names = np.array(central.columns, dtype=object)
    relative = np.where(active, (central.to_numpy() - mean) / np.where(active, mean, 1.0), 0.0)
    known = np.isfinite(relative).all(axis=1)
    relative = np.nan_to_num(relative)
    favours = np.where(known, names[np.argmax(relative, axis=1)], "")
    disfavours = np.where(known, names[np.argmin(relative, axis=1)], "")
    return favours, disfavours


if __name__ == "__main__":
    from analysis import stability as module  # results must pickle as analysis.stability.*, not __main__.*
    from solver.backends.worker import serve

    serve(lambda payload, tick: module.criterion_intervals(*payload, tick))
