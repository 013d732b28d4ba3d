"""Demonstration belts (以点串线、连线成片): neighbour pairs, the belt reward, and the belts of a shortlist.

Neighbours
----------
Villages i and j are neighbours when their great-circle (haversine) distance on a sphere of radius
R = 6371.0088 km is at most r = ``radius_km``. Each village is mapped to the unit sphere,
p = (cos φ cos λ, cos φ sin λ, sin φ); the straight-line (chord) distance between two such points is
2 sin(θ/2) for central angle θ = d / R, which grows with d. So "haversine distance ≤ r" is exactly
"chord ≤ 2 sin(r / 2R)", and one ``cKDTree.query_pairs`` on the 3-D points finds every pair in
O(n log n + pairs) — no O(n²) loop and no projection error.

Reward (the formulation, in the spirit of prioritizr's boundary penalty but as a reward)
----------------------------------------------------------------------------------------
Let v_i ∈ {0,1} say whether village i is selected (in a plan: in any year, v_i = Σ_t x_{i,t}) and N(i) its
eligible neighbours. For every eligible village with at least one neighbour add a binary y_i and::

    maximise   … + w Σ_i y_i
    subject to y_i ≤ v_i                   (belt_link)
               y_i ≤ Σ_{j ∈ N(i)} v_j      (belt_neighbour)

Because w ≥ 0 is maximised and y_i is only bounded above, an optimum has y_i = 1 exactly when i is selected
and at least one neighbour is selected — "a reward for each selected village with another selected village
within radius_km" (SPEC §3). With w = 0 the y's change nothing, so the plain optimum is returned. Raising w
can only favour shortlists with more such villages: if S(w) is optimal at w and S(w') at w' > w, adding the
two optimality inequalities gives (w' − w)(Y(S(w')) − Y(S(w))) ≥ 0, so the count Y never decreases
(tests check this over several weights). The model stays 0/1, so every backend solves it unchanged; the
safe class-dominance reduction does not apply (two villages in one class may differ in neighbours) and is
switched off.

Belts
-----
A belt is a connected group (≥ 2 villages) of selected villages under the neighbour relation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from contract.errors import InputError, Problem

EARTH_RADIUS_KM = 6371.0088


def unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lam, phi = np.radians(np.asarray(lon, dtype=float)), np.radians(np.asarray(lat, dtype=float))
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def neighbour_pairs(lon: np.ndarray, lat: np.ndarray, radius_km: float) -> np.ndarray:
    """Every pair (i, j), i < j, within ``radius_km`` of each other, as an array of shape (pairs, 2)."""
    if len(lon) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    from scipy.spatial import cKDTree  # on demand (docs/ARCHITECTURE.md): only scenarios with belts pay for it

    chord = 2 * np.sin(radius_km / (2 * EARTH_RADIUS_KM))
    pairs = cKDTree(unit_vectors(lon, lat)).query_pairs(chord * (1 + 1e-12), output_type="ndarray")
    return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))].astype(np.int64)


def adjacency(pairs: np.ndarray, n: int) -> sp.csr_matrix:
    ones = np.ones(len(pairs))
    a = sp.csr_matrix((ones, (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    return (a + a.T).tocsr()


def haversine_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """The textbook haversine formula (used by the independent checker, which never sees the tree)."""
    lam1, phi1, lam2, phi2 = (np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2))
    h = np.sin((phi2 - phi1) / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def belts(frame: pd.DataFrame, radius_km: float) -> tuple[pd.DataFrame, pd.Series]:
    """The belts among the given (selected) villages: a table with one row per belt, largest first (belt, size,
    counties, cities, village_names, village_ids — the last four lists), and the belt number of each village
    (0 = in no belt)."""
    from scipy.sparse.csgraph import connected_components  # on demand (docs/ARCHITECTURE.md)

    n = len(frame)
    pairs = neighbour_pairs(frame["lon"].to_numpy(), frame["lat"].to_numpy(), radius_km)
    _, labels = connected_components(adjacency(pairs, n), directed=False) if n else (0, np.zeros(0, dtype=int))
    sizes = np.bincount(labels, minlength=labels.max() + 1 if n else 0)
    in_belt = sizes[labels] >= 2 if n else np.zeros(0, dtype=bool)
    rows = []
    for label in np.unique(labels[in_belt]):
        members = frame[labels == label]
        rows.append(
            {
                "size": len(members),
                "counties": list(dict.fromkeys(members["county"])),
                "cities": list(dict.fromkeys(members["city"])),
                "village_names": members["village"].astype(str).tolist(),
                "village_ids": members["village_id"].tolist(),
                "first_id": members["village_id"].min(),
                "label": label,
            }
        )
    table = pd.DataFrame(rows, columns=["size", "counties", "cities", "village_names", "village_ids", "first_id", "label"])
    table = table.sort_values(["size", "first_id"], ascending=[False, True]).reset_index(drop=True)
    table.insert(0, "belt", np.arange(1, len(table) + 1))
    number = dict(zip(table["label"], table["belt"]))
    belt_of = pd.Series([number.get(label, 0) for label in labels], index=frame.index, dtype=int)
    return table.drop(columns=["first_id", "label"]), belt_of


def villages_with_neighbour(frame: pd.DataFrame, radius_km: float) -> int:
    """How many of the given villages have another of them within the radius — by the haversine formula on
    every pair (the checker's independent count; shortlists are small enough for n²)."""
    lon, lat = frame["lon"].to_numpy(dtype=float), frame["lat"].to_numpy(dtype=float)
    if len(lon) < 2:
        return 0
    d = haversine_km(lon[:, None], lat[:, None], lon[None, :], lat[None, :])
    np.fill_diagonal(d, np.inf)
    return int((d <= radius_km * (1 + 1e-9)).any(axis=1).sum())


@dataclass(frozen=True)
class ResolvedSpatial:
    radius_km: float
    weight: float
    pairs: np.ndarray  # neighbour pairs, as indices among the eligible villages
    adjacency: sp.csr_matrix


def resolve_spatial(scenario, pool, scores) -> ResolvedSpatial:
    """Neighbours among the eligible villages; an eligible village without coordinates is an input error."""
    frame = pool.frame.loc[scores.eligible]
    missing = frame[frame["lon"].isna() | frame["lat"].isna()]
    if len(missing):
        rows = pool.rows[np.flatnonzero(scores.eligible)][(frame["lon"].isna() | frame["lat"].isna()).to_numpy()]
        raise InputError(
            "scenario.unfit",
            [Problem("scenario.spatial_no_coordinates", row=int(r), key="spatial", value=v) for r, v in zip(rows, missing["village_id"])],
            file=pool.source,
        )
    pairs = neighbour_pairs(frame["lon"].to_numpy(), frame["lat"].to_numpy(), scenario.spatial.radius_km)
    return ResolvedSpatial(scenario.spatial.radius_km, scenario.spatial.weight, pairs, adjacency(pairs, len(frame)))
