"""Group weights: each expert's pairwise judgements (or direct weights) in, the panel's weights out.

Mathematical formulation
------------------------
Expert k gives a positive reciprocal judgement matrix A_k on Saaty's 1–9 scale (upper triangle filled, read and
checked by ``scoring.score.judgement_matrix``); their priorities w_k and consistency ratio CR_k come from
``scoring.weights.ahp`` (principal eigenvector; Saaty 1980). With K experts of equal standing (Forman & Peniwati
1998, EJOR 108:165–169):

* **AIJ**, aggregation of individual judgements — the panel acts as one decision maker: the group matrix is the
  element-wise geometric mean a_ij = (Π_k a_ij,k)^(1/K), which is again reciprocal (and the only mean that is:
  Aczél & Saaty 1983); its eigenvector and CR are the group's.
* **AIP**, aggregation of individual priorities — the experts act as separate individuals: w_i ∝ (Π_k w_i,k)^(1/K),
  rescaled to sum 1 (geometric mean, which keeps the Pareto principle).
* **direct**: each expert's direct weights rescaled to sum 1, then the arithmetic mean.

``GroupWeights.weight_vectors()`` hands the experts' individual weight vectors on as a plain list of
{criterion: weight} dicts — the corners of the region "convex hull of the experts' weights" of the stability
analysis.

The sheets: ``权重判断`` (专家, 指标, one column per criterion; for each expert one row per criterion, the upper
triangle filled) and ``直接权重`` (专家, one column per criterion; one row per expert), in the experts' workbooks
that ``baicun review template --scenario …`` writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from contract.columns import header_of
from contract.errors import InputError, Problem
from pool.convert import convert_column
from pool.raw import normalize_header, read_raw
from review.sheets import DIRECT_SHEET, JUDGEMENT_SHEET, ROW_HEADER, in_file
from scoring import weights as wt
from scoring.score import judgement_matrix


@dataclass(frozen=True)
class ExpertWeights:
    """One expert's weights (criterion → weight, summing to 1), their CR (AHP only) and judgement matrix."""

    expert: str
    weights: dict[str, float]
    cr: float | None = None
    matrix: np.ndarray | None = None


@dataclass(frozen=True)
class GroupWeights:
    """The panel's weights: ``group`` (criterion → weight), how they were combined (aij, aip, direct), each
    expert's own, and for AIJ the group matrix and its CR."""

    method: str
    criteria: tuple[str, ...]
    experts: tuple[ExpertWeights, ...]
    group: dict[str, float]
    group_cr: float | None = None
    matrix: np.ndarray | None = None

    def weight_vectors(self) -> list[dict[str, float]]:
        """Each expert's weights as {criterion: weight}: the vertices of the panel's weight region."""
        return [dict(e.weights) for e in self.experts]


def aij(matrices: list[np.ndarray]) -> np.ndarray:
    """Element-wise geometric mean of the experts' judgement matrices (reciprocal when each is)."""
    return np.exp(np.mean([np.log(np.asarray(m, dtype=float)) for m in matrices], axis=0))


def aip(priorities: list[np.ndarray]) -> np.ndarray:
    """Geometric mean of the experts' priority vectors, rescaled to sum 1."""
    mean = np.exp(np.mean([np.log(np.asarray(p, dtype=float)) for p in priorities], axis=0))
    return mean / mean.sum()


def group_weights(paths: list[Path], criteria: list[str], method: str = "aij") -> GroupWeights | None:
    """The panel's weights over ``criteria`` from the experts' workbooks, or None when no expert gave any.
    Raises ``InputError`` (``review.weights_invalid``) for unreadable judgements or weights."""
    if method == "direct":
        given = read_direct(paths, criteria)
        if not given:
            return None
        experts = tuple(ExpertWeights(e, dict(zip(criteria, v))) for e, v in sorted(given.items()))
        mean = np.mean([list(e.weights.values()) for e in experts], axis=0)
        return GroupWeights("direct", tuple(criteria), experts, dict(zip(criteria, mean.tolist())))
    matrices = read_judgements(paths, criteria)
    if not matrices:
        return None
    experts = []
    for expert, matrix in sorted(matrices.items()):
        result = wt.ahp(matrix)
        experts.append(ExpertWeights(expert, dict(zip(criteria, result.weights.tolist())), result.cr, matrix))
    if method == "aip":
        group = aip([list(e.weights.values()) for e in experts])
        return GroupWeights("aip", tuple(criteria), tuple(experts), dict(zip(criteria, group.tolist())))
    combined = aij([e.matrix for e in experts])
    result = wt.ahp(combined)
    return GroupWeights("aij", tuple(criteria), tuple(experts), dict(zip(criteria, result.weights.tolist())), result.cr, combined)


def _sheet(path: Path, sheet: str, names: list[str]):
    """The sheet's raw table, or None when the workbook has no such sheet (or is not a workbook)."""
    if Path(path).suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    try:
        return read_raw(Path(path), sheet=sheet, known=frozenset({"专家", ROW_HEADER, *names}))
    except InputError as error:
        if any(p.code == "pool.no_sheet" for p in error.problems):
            return None
        raise InputError("review.weights_invalid", [in_file(p, Path(path).name) for p in error.problems]) from None


def _column_index(raw, names: list[str]) -> dict[str, int]:
    wanted = {normalize_header(n): n for n in names} | {"专家": "专家", ROW_HEADER: ROW_HEADER}
    return {wanted[normalize_header(h)]: i for i, h in enumerate(raw.header) if normalize_header(h) in wanted}


def read_judgements(paths: list[Path], criteria: list[str]) -> dict[str, np.ndarray]:
    """Each expert's full judgement matrix over ``criteria`` (an expert who left every judgement blank gave none)."""
    names = [header_of(c) for c in criteria]
    matrices, problems = {}, []
    for path in paths:
        raw = _sheet(path, JUDGEMENT_SHEET, names)
        if raw is None:
            continue
        index = _column_index(raw, names)
        missing = [n for n in ["专家", ROW_HEADER, *names] if n not in index]
        if missing:
            problems += [in_file(Problem("pool.missing_column", raw.header_row, params={"header": n, "key": n}), Path(path).name) for n in missing]
            continue
        cells = raw.cells.astype(str).apply(lambda c: c.str.strip())
        for expert, rows in cells.groupby(cells[index["专家"]], sort=True):
            if not expert:
                continue
            found = _expert_matrix(rows, index, names, raw, expert, Path(path).name)
            if isinstance(found, list):
                problems += found
            elif found is not None:
                matrices[expert] = found
    if problems:
        raise InputError("review.weights_invalid", problems)
    return matrices


def _expert_matrix(rows: pd.DataFrame, index: dict[str, int], names: list[str], raw, expert: str, file: str):
    by_name = {r[index[ROW_HEADER]]: (position, r) for position, r in rows.iterrows()}
    cell = lambda i, j: by_name[names[i]][1][index[names[j]]] if names[i] in by_name else ""  # noqa: E731
    if all(cell(i, j) == "" for i in range(len(names)) for j in range(i + 1, len(names))):
        return None  # nothing filled: this expert gave no judgements
    missing = [n for n in names if n not in by_name]
    if missing:
        return [in_file(Problem("review.judgement_row", raw.header_row, ROW_HEADER, "、".join(missing)), file, expert)]
    table = [[by_name[names[i]][1][index[names[j]]] for j in range(len(names))] for i in range(len(names))]
    try:
        return judgement_matrix(table, names)
    except InputError as error:
        rows_of = {n: raw.excel_row(int(by_name[n][0])) for n in names}
        return [in_file(Problem(p.code, rows_of.get(p.params.get("row_name")), p.column, p.value, p.params), file, expert) for p in error.problems]


def read_direct(paths: list[Path], criteria: list[str]) -> dict[str, np.ndarray]:
    """Each expert's direct weights over ``criteria``, rescaled to sum 1 (non-negative numbers, not all zero)."""
    names = [header_of(c) for c in criteria]
    found, problems = {}, []
    for path in paths:
        raw = _sheet(path, DIRECT_SHEET, names)
        if raw is None:
            continue
        index = _column_index(raw, names)
        for position in range(len(raw.cells)):
            expert = str(raw.cells[index["专家"]].iat[position]).strip() if "专家" in index else ""
            texts = pd.Series([str(raw.cells[index[n]].iat[position]) if n in index else "" for n in names])
            if not expert or (texts.str.strip() == "").all():
                continue
            values, failures = convert_column("amount", texts)
            row = raw.excel_row(position)
            bad = [Problem(f.code, row, names[f.position], f.value) for f in failures]
            bad += [
                Problem("review.bad_weight", row, names[j], texts.iat[j])
                for j in np.flatnonzero((values.isna() & ~texts.str.strip().eq("")) | (values < 0))
            ]
            if bad or values.fillna(0).sum() <= 0:
                problems += [in_file(p, Path(path).name, expert) for p in bad or [Problem("review.bad_weight", row, names[0], "0")]]
                continue
            vector = values.fillna(0).to_numpy(dtype=float)
            found[expert] = vector / vector.sum()
    if problems:
        raise InputError("review.weights_invalid", problems)
    return found
