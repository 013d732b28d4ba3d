"""Weight regions a panel can state (``[robustness]``), their vertices, and uniform sampling inside them.

The panel states a set P of weight vectors p ∈ ℝᵏ (k criteria, in the order of ``Scores.weights``):

* ``relative = x``: lo_j = (1 − x) w⁰_j ≤ p_j ≤ (1 + x) w⁰_j = hi_j around the scenario's weights w⁰ (a zero weight
  stays zero);
* ``intervals``: lo_j ≤ p_j ≤ hi_j for the named criteria; the others stay at w⁰_j unless ``relative`` also holds;
* ``order``: chains a ≥ b ≥ c …, i.e. rows p_b − p_a ≤ 0; alone, on the simplex {p ≥ 0, Σ p = Σ w⁰};
* ``hull``: P = conv{p¹, …, pᵐ}, the experts' weight vectors (each first rescaled to the total Σ w⁰).

The scores use the effective weights w = T · p / Σ p (T = Σ w⁰) whenever the scoring rescales weights (every
normalisation except ``none``, ``scoring/weights.py``). The map p ↦ T p / Σ p is projective and Σ p > 0 on P, so
it maps P onto a convex polytope W whose vertices are the images of P's vertices, and a halfspace a·w + c ≥ 0
pulls back to the halfspace a·p + (c / T) Σ p ≥ 0 of P (multiply by Σ p / T > 0). Hence every computation on W —
its vertices, cutting it by a halfspace — is done on P and mapped. Without rescaling, W = P.

Representation: P = {origin + N u : G u ≤ h}, with N an orthonormal basis of the directions P spans (the fixed
coordinates and, for ``order`` alone or ``hull``, the sum are factored out), so the u-polytope is full-dimensional
with an interior point (its Chebyshev centre, one LP). Vertices come from Qhull (``scipy.spatial``): the
intersection of the halfspaces for an H-polytope, the convex hull's facets (giving G, h) for a hull.

Sampling: Hit-and-Run (Smith 1984, Operations Research 32(6) 1296–1308; its use for SMAA in Tervonen, van
Valkenhoef, Baştürk & Postmus 2013, EJOR 224(3) 552–559): from an interior point, pick a uniformly random direction,
then a uniform point on the chord through the polytope; the chain's stationary law is uniform on P. Each draw is the
end of its own chain of ``100 d`` steps from the Chebyshev centre (d = dim P), all chains advanced at once with
numpy, so draws are independent. The draws are uniform on P (the stated weights) and then rescaled; for the small
regions panels state the rescaling is nearly affine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from contract.errors import InputError, Problem

FLAT = 1e-12  # a Chebyshev radius below this: the stated region has no interior in the directions it claims


@dataclass(frozen=True)
class Region:
    """A weight region: P = {origin + basis @ u : G u ≤ h} in stated weights, W its rescaled image.

    ``criteria`` (k names), ``centre`` (k,) the scenario's effective weights; ``kind`` and ``params`` describe the
    region for reports (``relative`` {percent}, ``intervals``, ``order``, ``hull`` {experts}).
    """

    criteria: tuple[str, ...]
    centre: np.ndarray
    origin: np.ndarray
    basis: np.ndarray  # k × d
    g: np.ndarray  # inequalities G u ≤ h in the d frame coordinates
    h: np.ndarray
    stated_vertices: np.ndarray  # (m × k) vertices of P
    total: float | None  # T when the scoring rescales weights to that total, else None
    kind: str
    params: dict

    @property
    def dimension(self) -> int:
        return self.basis.shape[1]

    @property
    def vertices(self) -> np.ndarray:
        """(m × k) vertices of W, the effective weights."""
        return self.effective(self.stated_vertices)

    def effective(self, stated: np.ndarray) -> np.ndarray:
        """Stated weight vectors (rows) as the scores use them (rescaled to the total when the scoring rescales)."""
        stated = np.atleast_2d(stated)
        return stated if self.total is None else stated * (self.total / stated.sum(axis=1, keepdims=True))

    def contains(self, weights: np.ndarray, tolerance: float = 1e-9) -> bool:
        """Whether an effective weight vector lies in W (up to ``tolerance``)."""
        w = np.asarray(weights, dtype=float)
        if self.total is not None:  # every positive multiple of w maps to w: is one of them in P?
            return _contains_ray(self, w, tolerance)
        return _contains_point(self, w, tolerance)

    def pull_back(self, a: np.ndarray, c: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Halfspaces a_i·w + c_i ≥ 0 of effective weights (rows of ``a``) as rows g u ≤ h in frame coordinates."""
        a = np.atleast_2d(a)
        c = np.broadcast_to(np.asarray(c, dtype=float), (a.shape[0],))
        if self.total is not None:
            a = a + (c / self.total)[:, None]  # a·p + (c/T) Σp ≥ 0
            c = np.zeros_like(c)
        # a·(origin + N u) + c ≥ 0  ⇔  −(a N) u ≤ a·origin + c
        return -(a @ self.basis), a @ self.origin + c

    def cut(self, g: np.ndarray, h: np.ndarray) -> np.ndarray | None:
        """Vertices (effective, m × k) of W ∩ {extra rows g u ≤ h}; None when that piece has no interior."""
        points = polytope_vertices(np.vstack([self.g, g]), np.concatenate([self.h, h]))
        return None if points is None else self.effective(self.origin + points @ self.basis.T)

    def sample(self, count: int, seed: int) -> np.ndarray:
        """(count × k) effective weights drawn by Hit-and-Run, uniform on P (see the module doc)."""
        if count == 0:
            return np.zeros((0, len(self.criteria)))
        u = hit_and_run(self.g, self.h, count, seed)
        return self.effective(self.origin + u @ self.basis.T)


def _contains_point(region: Region, p: np.ndarray, tolerance: float) -> bool:
    u, *_ = np.linalg.lstsq(region.basis, p - region.origin, rcond=None)
    on_frame = np.allclose(region.origin + region.basis @ u, p, atol=tolerance)
    return bool(on_frame and np.all(region.g @ u <= region.h + tolerance))


def _contains_ray(region: Region, w: np.ndarray, tolerance: float) -> bool:
    """Is some λ w (λ > 0) in P? An LP in (u, λ): origin + N u = λ w, G u ≤ h."""
    from scipy.optimize import linprog  # scipy.optimize/.linalg/.spatial on demand here: docs/ARCHITECTURE.md

    k, d = region.basis.shape
    result = linprog(
        np.zeros(d + 1),
        A_ub=np.c_[region.g, np.zeros(len(region.h))],
        b_ub=region.h + tolerance,
        A_eq=np.c_[region.basis, -w],
        b_eq=-region.origin,
        bounds=[(None, None)] * d + [(0, None)],
        method="highs",
    )
    return result.status == 0


# --- building a region from the scenario's [robustness] ---------------------------------------------------------


def build_region(spec, weights: dict[str, float], rescale: bool) -> Region:
    """The region ``spec`` (``contract.scenario.RobustnessRegion``, bound to pool keys) around ``weights`` (the
    scenario's effective weights, ``Scores.weights.values``). Raises ``InputError`` for a region that is empty,
    flat or made of zero vectors."""
    criteria = tuple(weights)
    w0 = np.array([weights[c] for c in criteria], dtype=float)
    total = float(w0.sum())
    scale = total if rescale else None
    if spec.hull:
        return _hull_region(spec, criteria, w0, total, scale)
    lo, hi, on_simplex = _bounds(spec, criteria, w0, total)
    order = _order_rows(spec.order, criteria)
    equalities = [np.eye(len(criteria))[j] for j in np.flatnonzero(hi - lo <= 0)]
    targets = [lo[j] for j in np.flatnonzero(hi - lo <= 0)]
    if on_simplex:
        equalities.append(np.ones(len(criteria)))
        targets.append(total)
    free = hi - lo > 0
    rows = np.vstack([np.eye(len(criteria))[free], -np.eye(len(criteria))[free], order]) if len(criteria) else np.zeros((0, 0))
    right = np.concatenate([hi[free], -lo[free], np.zeros(len(order))])
    kind, params = _describe(spec)
    return _h_region(criteria, w0, rows, right, np.array(equalities).reshape(-1, len(criteria)), np.array(targets), scale, kind, params)


def _bounds(spec, criteria, w0: np.ndarray, total: float) -> tuple[np.ndarray, np.ndarray, bool]:
    if spec.relative is not None:
        lo, hi = w0 * (1 - spec.relative), w0 * (1 + spec.relative)
    elif spec.intervals:
        lo, hi = w0.copy(), w0.copy()
    else:  # order alone: the whole simplex of the scenario's total
        return np.zeros(len(criteria)), np.full(len(criteria), total), True
    for name, (low, high) in spec.intervals.items():
        j = criteria.index(name)
        lo[j], hi[j] = float(low), float(high)
    return lo, hi, False


def _order_rows(chains, criteria) -> np.ndarray:
    rows = []
    for chain in chains:
        for upper, lower in zip(chain[:-1], chain[1:]):
            row = np.zeros(len(criteria))
            row[criteria.index(lower)], row[criteria.index(upper)] = 1.0, -1.0  # p_lower − p_upper ≤ 0
            rows.append(row)
    return np.array(rows).reshape(-1, len(criteria))


def _describe(spec) -> tuple[str, dict]:
    if spec.hull:
        return "hull", {"experts": len(spec.hull)}
    parts = {}
    if spec.relative is not None:
        parts["percent"] = round(spec.relative * 100, 6)
    if spec.intervals:
        parts["intervals"] = {k: tuple(v) for k, v in spec.intervals.items()}
    if spec.order:
        parts["order"] = [list(c) for c in spec.order]
    kind = "relative" if spec.relative is not None else "intervals" if spec.intervals else "order"
    return kind, parts


def _h_region(criteria, w0, rows, right, equalities, targets, scale, kind, params) -> Region:
    k = len(criteria)
    if len(equalities):
        origin = np.linalg.lstsq(equalities, targets, rcond=None)[0]
        from scipy.linalg import null_space

        basis = null_space(equalities)
    else:
        origin, basis = np.zeros(k), np.eye(k)
    g, h = rows @ basis, right - rows @ origin
    keep = np.linalg.norm(g, axis=1) > 1e-14
    if np.any(h[~keep] < -1e-12):
        raise InputError("scenario.unfit", [Problem("robustness.empty_region", key="robustness")])
    g, h = g[keep], h[keep]
    points = polytope_vertices(g, h)
    if points is None:
        if basis.shape[1] and chebyshev_centre(g, h) is None:
            raise InputError("scenario.unfit", [Problem("robustness.empty_region", key="robustness")])
        raise InputError("scenario.unfit", [Problem("robustness.flat_region", key="robustness")])
    return Region(criteria, w0, origin, basis, g, h, origin + points @ basis.T, scale, kind, params)


def _hull_region(spec, criteria, w0, total, scale) -> Region:
    vectors = np.array([[float(e.get(c, 0.0)) for c in criteria] for e in spec.hull])
    sums = vectors.sum(axis=1)
    if np.any(sums <= 0):
        raise InputError("scenario.unfit", [Problem("robustness.hull_zero", key=f"robustness.hull[{int(np.argmin(sums))}]")])
    points = vectors * (total / sums[:, None])
    origin = points.mean(axis=0)
    centred = points - origin
    _, singular, right = np.linalg.svd(centred, full_matrices=False)
    basis = right[singular > 1e-12 * max(1.0, singular.max(initial=0.0))].T
    u = centred @ basis
    d = basis.shape[1]
    if d == 0:
        g, h, vertices = np.zeros((0, 0)), np.zeros(0), points[:1]
    elif d == 1:
        g, h = np.array([[1.0], [-1.0]]), np.array([u.max(), -u.min()])
        vertices = origin + np.array([[u.max()], [u.min()]]) @ basis.T
    else:
        from scipy.spatial import ConvexHull

        hull = ConvexHull(u)
        g, h = hull.equations[:, :-1], -hull.equations[:, -1]
        vertices = points[hull.vertices]
    kind, params = _describe(spec)
    return Region(criteria, w0, origin, basis, g, h, vertices, scale, kind, params)


# --- polytope helpers ---------------------------------------------------------------------------------------------


def chebyshev_centre(g: np.ndarray, h: np.ndarray) -> tuple[np.ndarray, float] | None:
    """(centre, radius) of the largest ball in {u : G u ≤ h}; None when the set is empty or unbounded."""
    from scipy.optimize import linprog

    d = g.shape[1]
    norms = np.linalg.norm(g, axis=1)
    result = linprog(np.r_[np.zeros(d), -1.0], A_ub=np.c_[g, norms], b_ub=h, bounds=[(None, None)] * d + [(0, None)], method="highs")
    if result.status != 0:
        return None
    return result.x[:d], float(result.x[d])


def polytope_vertices(g: np.ndarray, h: np.ndarray) -> np.ndarray | None:
    """The vertices of {u : G u ≤ h} (rows), or None when it has no interior. Dimension 0 is one point (the
    empty frame); dimension 1 is a segment."""
    d = g.shape[1] if g.ndim == 2 else 0
    if d == 0:
        return np.zeros((1, 0)) if np.all(h >= -1e-12) else None
    found = chebyshev_centre(g, h)
    if found is None or found[1] < FLAT:
        return None
    centre = found[0]
    if d == 1:
        column = g[:, 0]
        upper = np.min(h[column > 0] / column[column > 0])
        lower = np.max(h[column < 0] / column[column < 0])
        return np.array([[lower], [upper]])
    from scipy.spatial import HalfspaceIntersection

    points = HalfspaceIntersection(np.c_[g, -h], centre).intersections
    return np.unique(np.round(points, 12), axis=0)


def hit_and_run(g: np.ndarray, h: np.ndarray, count: int, seed: int, steps: int | None = None) -> np.ndarray:
    """(count × d) points uniform on {u : G u ≤ h} (Smith 1984): ``count`` independent chains started at the
    Chebyshev centre, each run ``steps`` (default 100 d) Hit-and-Run steps, all chains advanced together."""
    d = g.shape[1] if g.ndim == 2 else 0
    if d == 0:
        return np.zeros((count, 0))
    rng = np.random.default_rng(seed)
    u = np.tile(chebyshev_centre(g, h)[0], (count, 1))
    for _ in range(100 * d if steps is None else steps):
        direction = rng.standard_normal((count, d))
        direction /= np.linalg.norm(direction, axis=1, keepdims=True)
        along = direction @ g.T  # count × rows
        slack = np.maximum(h - u @ g.T, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = slack / along
        t_max = np.where(along > 1e-15, ratio, np.inf).min(axis=1)
        t_min = np.where(along < -1e-15, ratio, -np.inf).max(axis=1)
        t_max, t_min = np.where(np.isfinite(t_max), t_max, 0.0), np.where(np.isfinite(t_min), t_min, 0.0)
        u = u + rng.uniform(t_min, t_max)[:, None] * direction
    return u
