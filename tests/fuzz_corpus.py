"""The hostile-input corpus (issue 21): one small case per kind found, each with the exact command and what it
must give. ``python -m tests.fuzz_corpus`` writes ``tests/data/hostile/<case>/`` (pool.csv, scenario.toml,
case.json) from the generator below; ``tests/test_fuzz.py`` runs every case and a random fuzz around them. Add a
case for every new kind found.

case.json: ``args`` (the command after ``baicun``; ``{dir}`` is the case's folder, ``{out}`` a fresh folder for
what it writes), ``exit`` (the code it must
give), ``stdout``/``stderr`` (texts that must appear), ``not_stderr`` (texts that must not), ``objective`` (the
optimum, for a ``--json`` case), ``file`` (a file written in ``{out}`` and a text it must hold).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import tomli_w

from pool.generate import generate_pool
from tests.conftest import write_csv
from tests.factories import knapsack_frame
from tests.hostile import ISSUE_NAMES

CORPUS = Path(__file__).resolve().parent / "data" / "hostile"


def _small(seed: int = 5, villages: int = 120):
    frame = generate_pool(villages=villages, seed=seed)
    frame["industry_base"] = np.round(np.linspace(95, 20, len(frame)), 1)
    return frame


def _scenario(**selection) -> dict:
    return {"name": "语料", "pool": "pool.csv", "scoring": {"normalize": "none", "weights": {"industry_base": 1.0}}, "selection": selection}


def cases() -> dict[str, tuple]:
    """name → (pool frame, scenario dict, case.json)."""
    names = _small()
    names.loc[0, ["village", "township", "county"]] = list(ISSUE_NAMES)
    names.loc[1, "village"] = "[bold red]红[/]"
    blank = _small()
    blank["片区"] = np.where(np.arange(len(blank)) % 5 == 0, "", np.where(np.arange(len(blank)) % 2, "东片", "西片"))
    dominated = _small()
    dominated["county"] = "甲县"  # one class: with max 2, every village below the top two is dropped by the reduction
    dominated["city"] = "甲市"
    excluded = dominated.sort_values("industry_base")["village_id"].iloc[0]
    minmax = _small()
    tiny = generate_pool(villages=400, seed=5)
    tiny_rules = _scenario(count=[20, 30], budget=20000.0, quota=[{"flag": "border", "min": 3}], group=[{"by": "city", "max": 4}])
    knapsack = knapsack_frame(800, seed=2)
    solve = ["solve", "{dir}/scenario.toml", "--no-prices"]
    return {
        "markup_names": (
            names,
            _scenario(count=[3, 5]),
            {"args": solve, "exit": 0, "stdout": [ISSUE_NAMES[0], ISSUE_NAMES[1], "[bold red]红[/]"]},
        ),
        "group_on_blank_cells": (
            blank,
            _scenario(count=[3, 9], group=[{"by": "片区", "min": 1, "max": 5}]),
            {"args": solve, "exit": 2, "stderr": ["此列为空"], "not_stderr": ["独立校验"]},
        ),
        "cbc_must_exclude_dropped_by_reduction": (
            dominated,
            _scenario(count=[1, 2], group=[{"by": "county", "max": 2}], must_exclude=[excluded]),
            {"args": [*solve, "--backend", "cbc"], "exit": 0, "stdout": ["已证明最优"]},
        ),
        "cpsat_budget_zero": (
            minmax,
            _scenario(count=[0, 10], budget=0) | {"scoring": {"normalize": "minmax", "weights": {"industry_base": 0.6, "leader": 0.4}}},
            {"args": [*solve, "--backend", "cpsat"], "exit": 0, "stdout": ["已证明最优", "入选 0 个村"]},
        ),
        "highs_tiny_scores": (  # scores of ~10⁻⁹: HiGHS stopped at its absolute gap and said 可行 (gap 16%)
            tiny,
            {**tiny_rules, "scoring": {"normalize": "none", "weights": {"leader": 1e-9, "industry_base": 3e-10}}},
            {"args": [*solve, "--json"], "exit": 0, "stdout": ['"status": "optimal"'], "objective": 1e-9 * unit_optimum(tiny, tiny_rules)},
        ),
        "knapsack_tiny_time_limit": (
            knapsack,
            _scenario(budget=float(knapsack["cost"].sum() // 2)),
            {"args": [*solve, "--time-limit", "0.5", "--backend", "cpsat"], "exit": 0, "stdout": ["差距"]},
        ),
        "formula_in_a_bad_cell": (
            _with_formula(_small()),
            _scenario(count=[3, 5]),
            {
                "args": ["pool", "check", "{dir}/pool.csv", "--report", "{out}/report.csv"],
                "exit": 2,
                "stderr": ["HYPERLINK"],
                "file": ["report.csv", "'=HYPERLINK"],
            },
        ),
        "output_folder_read_only": (
            _small(),
            _scenario(count=[3, 5]),
            {"args": [*solve, "--out", "/proc/结果.xlsx"], "exit": 2, "stderr": ["无法在「/proc」中写入文件", "没有读取村庄库"]},
        ),
    }


def unit_optimum(frame, scenario: dict) -> float:
    """The optimum with the weights ×10⁹ (leader 1, industry_base 0.3), where every solver is well conditioned:
    scores ×10⁻⁹ must give exactly the same list, at 10⁻⁹ of its total."""
    from pool.generate import as_pool
    from solver.solve import select
    from tests.factories import prepared

    pool = as_pool(frame, "unit")
    unit = {**scenario, "scoring": {"normalize": "none", "weights": {"leader": 1.0, "industry_base": 0.3}}}
    scenario, scores, _ = prepared(pool, {k: v for k, v in unit.items() if k != "pool"})
    selection = select(pool, scenario, scores, "highs")
    assert selection.status == "optimal"
    return selection.objective


def _with_formula(frame):
    frame["leader"] = frame["leader"].astype(object)
    frame.loc[2, "leader"] = '=HYPERLINK("http://127.0.0.1:9/","点我")'
    return frame


def write_corpus(target: Path = CORPUS) -> None:
    shutil.rmtree(target, ignore_errors=True)
    for name, (frame, scenario, case) in cases().items():
        folder = target / name
        folder.mkdir(parents=True)
        write_csv(frame, folder / "pool.csv")
        (folder / "scenario.toml").write_text(tomli_w.dumps(scenario), encoding="utf-8")
        (folder / "case.json").write_text(json.dumps(case, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_corpus()
