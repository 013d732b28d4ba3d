"""Reading the experts' score sheets with the pool's own reader (``pool.raw.read_raw``) and cell converters.

Two layouts are accepted, told apart by their headers:

* **wide** (the template ``baicun review template`` writes): 专家, 村庄代码, 基础条件, 配套投入, 目标成效, 实施路径 —
  one row per expert and village; 村名/乡镇/县/市 and 备注 may be there and are not read;
* **long**: 专家, 村庄代码, 方面, 评分 — one row per expert, village and aspect (方面 is an aspect's Chinese header
  or English key).

One file may hold one expert or the whole panel. Every problem in every file is reported at once, at its row (as
Excel shows it) and column, naming the file and the expert; a blank score cell is not an error but a missing score,
counted per expert in the review report. Scores are 0–100 (SPEC §2's ``score`` kind).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from contract.columns import CATALOGUE, header_of
from contract.errors import InputError, Problem
from contract.texts import Msg
from pool.convert import convert_column
from pool.raw import RawTable, normalize_header, read_raw
from pool.read import Pool
from pool.regions import DEFAULT_REGION
from pool.schema import value_failures

ASPECTS = ("review_basis", "review_investment", "review_outcomes", "review_path")  # seed 003 三(二)
SCORE_SHEET, JUDGEMENT_SHEET, DIRECT_SHEET = "专家评分", "权重判断", "直接权重"  # the sheets of an expert's workbook
ROW_HEADER = "指标"  # the judgement sheet's row-name column

# Header names of a score sheet (besides the catalogue's), each to its key.
SHEET_HEADERS = {
    "专家": "expert",
    "专家编号": "expert",
    "专家姓名": "expert",
    "expert": "expert",
    "方面": "aspect",
    "评审方面": "aspect",
    "aspect": "aspect",
    "评分": "score",
    "分数": "score",
    "score": "score",
    "备注": "note",
    "note": "note",
}
_CATALOGUE_KEYS = ("village_id", *ASPECTS)
_BY_HEADER = {normalize_header(header_of(k)): k for k in _CATALOGUE_KEYS} | {k: k for k in _CATALOGUE_KEYS} | SHEET_HEADERS
_ASPECT_NAMES = {normalize_header(header_of(a)): a for a in ASPECTS} | {a: a for a in ASPECTS}
KNOWN_HEADERS = frozenset(SHEET_HEADERS)
COLUMN_LABEL = {"expert": "专家", "aspect": "方面", "score": "评分"}


@dataclass(frozen=True)
class SheetSource:
    """One score sheet as read: its file name, SHA-256 of its bytes, and the experts it holds."""

    file: str
    sha256: str
    experts: tuple[str, ...]


@dataclass(frozen=True)
class PanelScores:
    """Every score of every expert, one row per expert, village and aspect.

    ``table`` columns: expert, village_id, aspect (a review column key), score (0–100; NaN where the cell was left
    blank), file, row (the Excel row, for messages)."""

    table: pd.DataFrame
    sources: tuple[SheetSource, ...]

    @property
    def experts(self) -> list[str]:
        return sorted(self.table["expert"].unique())

    @property
    def villages(self) -> list[str]:
        return sorted(self.table["village_id"].unique())


def read_score_sheets(paths: list[Path], pool: Pool) -> PanelScores:
    """Read every expert's score sheet (xlsx/csv, any encoding the pool reader takes).

    Raises ``InputError`` (``review.invalid``) with every problem of every file: unreadable files, missing columns,
    blank expert or village cells, villages not in the pool, scores that are not numbers or outside 0–100, aspects
    the sheet does not know, and the same expert scoring the same village and aspect twice (in one file or two)."""
    known = set(pool.frame["village_id"])
    frames, sources, problems = [], [], []
    if not paths:
        problems.append(Problem("review.no_sheets"))
    for path in paths:
        frame, found = _read_one(Path(path), known)
        problems += found
        if frame is not None:
            frames.append(frame)
            sources.append(SheetSource(Path(path).name, _sha256(Path(path)), tuple(sorted(frame["expert"].dropna().unique()))))
    table = pd.concat(frames, ignore_index=True) if frames else _empty()
    problems += _duplicates(table)
    if problems:
        raise InputError("review.invalid", problems)
    return PanelScores(table.reset_index(drop=True), tuple(sources))


def _empty() -> pd.DataFrame:
    return pd.DataFrame({"expert": [], "village_id": [], "aspect": [], "score": [], "file": [], "row": []})


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def in_file(problem: Problem, file: str, expert: str | None = None) -> Problem:
    """A reader's problem said of an expert's sheet: same row and column, the file and the expert named."""
    inner = Msg(problem.code, **({"value": problem.value, "column": problem.column or problem.key} | problem.params))
    code, params = (
        ("review.in_sheet", {"file": file, "expert": expert, "problem": inner}) if expert else ("review.in_file", {"file": file, "problem": inner})
    )
    return Problem(code, problem.row, problem.column, problem.value, params)


def _read_one(path: Path, villages: set[str]) -> tuple[pd.DataFrame | None, list[Problem]]:
    try:
        raw = read_raw(path, known=KNOWN_HEADERS)
    except InputError as error:
        return None, [in_file(p, path.name) for p in error.problems]
    columns, problems = _columns(raw)
    if problems:
        return None, [in_file(p, path.name) for p in problems]
    return _rows(raw, columns, villages, path.name)


def _columns(raw: RawTable) -> tuple[dict[str, int], list[Problem]]:
    """Which file column holds each key (expert, village_id, aspects or aspect/score), and the header problems."""
    found: dict[str, int] = {}
    problems = []
    for index, text in enumerate(raw.header):
        name = normalize_header(text)
        key = _BY_HEADER.get(name) or _BY_HEADER.get(name.lower())
        if key is None:
            continue
        if key in found:
            problems.append(Problem("pool.duplicate_column", row=raw.header_row, column=text, params={"header": text}))
            continue
        found[key] = index
    long = "aspect" in found or "score" in found
    required = ["expert", "village_id"] + (["aspect", "score"] if long else list(ASPECTS))
    for key in required:
        if key not in found:
            problems.append(Problem("pool.missing_column", row=raw.header_row, params={"header": _label(key), "key": key}))
    return found, problems


def _label(key: str) -> str:
    return COLUMN_LABEL.get(key) or header_of(key)


def _rows(raw: RawTable, columns: dict[str, int], villages: set[str], file: str) -> tuple[pd.DataFrame, list[Problem]]:
    cells = raw.cells
    filled = (cells.apply(lambda c: c.str.strip()) != "").any(axis=1).to_numpy()
    positions = np.flatnonzero(filled)  # wholly blank rows hold nothing to lose: skipped
    rows = np.array([raw.excel_row(int(p)) for p in positions], dtype=int)

    def text(key: str) -> pd.Series:
        return cells[columns[key]].iloc[positions].reset_index(drop=True).astype(str)

    expert, _ = convert_column("text", text("expert"))
    numeric = raw.numeric_cells[columns["village_id"]].iloc[positions].reset_index(drop=True) if raw.numeric_cells is not None else None
    village, id_failures = convert_column("id", text("village_id"), numeric)
    problems = [Problem(f.code, int(rows[f.position]), header_of("village_id"), f.value) for f in id_failures]
    problems += [Problem("pool.blank_required", int(rows[i]), _label("expert")) for i in np.flatnonzero(expert.isna().to_numpy())]
    unreadable = {f.position for f in id_failures}
    for i in np.flatnonzero(village.isna().to_numpy()):
        if i not in unreadable:
            problems.append(Problem("pool.blank_required", int(rows[i]), header_of("village_id")))
    for i in np.flatnonzero((village.notna() & ~village.isin(villages)).to_numpy()):
        problems.append(Problem("review.unknown_village", int(rows[i]), header_of("village_id"), str(village.iat[i])))
    base = pd.DataFrame({"expert": expert, "village_id": village, "row": rows})
    if "aspect" in columns:
        table, found = _long(text, base, rows)
    else:
        table, found = _wide(text, base, rows)
    problems += found
    named = [in_file(p, file, _expert_at(base, p.row)) for p in problems]
    table = table.assign(file=file)
    return table[["expert", "village_id", "aspect", "score", "file", "row"]], named


def _expert_at(base: pd.DataFrame, row: int | None) -> str | None:
    match = base.loc[base["row"] == row, "expert"]
    return str(match.iat[0]) if len(match) and pd.notna(match.iat[0]) else None


def _scores(cells: pd.Series, rows: np.ndarray, label: str) -> tuple[pd.Series, list[Problem]]:
    """Scores of one column (0–100), read by the pool's converter and checked by the pool's schema."""
    values, failures = convert_column("score", cells)
    problems = [Problem(f.code, int(rows[f.position]), label, f.value) for f in failures]
    column = next(c for c in CATALOGUE if c.key == "review_basis")  # every aspect is SPEC §2's kind "score"
    frame = pd.DataFrame({column.key: values})
    for position, _key, code, params in value_failures(frame, [column], DEFAULT_REGION, _dt.date.today().year):
        problems.append(Problem(code, int(rows[position]), label, f"{values.iat[position]:g}", params))
    return values, problems


def _wide(text, base: pd.DataFrame, rows: np.ndarray) -> tuple[pd.DataFrame, list[Problem]]:
    parts, problems = [], []
    for aspect in ASPECTS:
        values, found = _scores(text(aspect), rows, header_of(aspect))
        problems += found
        parts.append(base.assign(aspect=aspect, score=values.where(values.between(0, 100))))
    return pd.concat(parts, ignore_index=True), problems


def _long(text, base: pd.DataFrame, rows: np.ndarray) -> tuple[pd.DataFrame, list[Problem]]:
    names = text("aspect").map(lambda v: normalize_header(v))
    aspect = names.map(lambda n: _ASPECT_NAMES.get(n) or _ASPECT_NAMES.get(n.lower()))
    choices = "、".join(header_of(a) for a in ASPECTS)
    problems = [
        Problem("review.unknown_aspect", int(rows[i]), _label("aspect"), str(names.iat[i]), {"aspects": choices})
        for i in np.flatnonzero(aspect.isna().to_numpy())
    ]
    values, found = _scores(text("score"), rows, _label("score"))
    return base.assign(aspect=aspect, score=values.where(values.between(0, 100))), problems + found


def _duplicates(table: pd.DataFrame) -> list[Problem]:
    """The same expert scoring the same village and aspect more than once (in one file or across files)."""
    keys = ["expert", "village_id", "aspect"]
    valid = table.dropna(subset=keys)
    twice = valid[valid.duplicated(keys, keep=False)]
    problems = []
    for (expert, village, _aspect), group in twice.groupby(keys, sort=True):
        if village in {p.value for p in problems if p.params.get("expert") == expert}:
            continue  # one message per expert and village, not one per aspect
        where = "；".join(f"{f} {r}" for f, r in zip(group["file"], group["row"]))
        first = group.iloc[0]
        problems.append(
            in_file(Problem("review.duplicate_score", int(first["row"]), header_of("village_id"), village, {"rows": where}), first["file"], expert)
        )
    return problems
