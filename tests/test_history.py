"""Run history, comparison and robustness."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys

import numpy as np
import openpyxl
import pytest

from analysis.robustness import robustness, sample_weights
from baicun.pipeline import bind, comparison_item, outcome, rerun, solve
from pool.read import read_pool
from report.compare import city_difference_figure, compare, write_comparison
from store.runs import get_run, list_runs, open_store, run_fields, save_run
from tests.conftest import ROOT, SAMPLE_CSV
from tests.scenario_helpers import scenario_with

FAKE = {
    "label": "x",
    "scenario_name": "s",
    "scenario_file": "/s.toml",
    "scenario_text": "name='s'",
    "pool_file": "p.csv",
    "pool_path": "/p.csv",
    "pool_fingerprint": "0" * 64,
    "sample_data": True,
    "backend": "highs",
    "solver_version": "v",
    "status": "optimal",
    "objective": 1.0,
    "bound": 1.0,
    "gap": 0.0,
    "count": 2,
    "budget_used": 3.0,
    "timings": {"solve": 0.1},
    "selected": ["a", "b"],
}


def _writer(path: str, name: str) -> None:
    engine = open_store(path)
    for k in range(200):
        save_run(engine, FAKE | {"label": f"{name}-{k}"})


def test_two_processes_writing_200_runs_each_leave_400(tmp_path):
    path = str(tmp_path / "runs.sqlite")
    open_store(path)
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_writer, args=(path, name)) for name in ("a", "b")]
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    assert [w.exitcode for w in writers] == [0, 0]
    engine = open_store(path)
    runs = list_runs(engine)
    assert len(runs) == 400
    assert {r.label for r in runs} == {f"{n}-{k}" for n in "ab" for k in range(200)}
    assert get_run(engine, runs[0].id).selected == ["a", "b"]


@pytest.mark.parametrize("name", ["baicun_2024.toml", "qiancun_2022.toml"])
def test_rerun_reproduces_every_shipped_scenario(tmp_path, name):
    from baicun.pipeline import load_inputs

    inputs = load_inputs(ROOT / "scenarios" / name)
    scores, selection = solve(inputs)
    engine = open_store(tmp_path / "runs.sqlite")
    run_id = save_run(engine, run_fields(outcome(inputs, scores, selection), inputs.loaded.pool_path(), "t"))
    record = get_run(engine, run_id)
    assert record.scenario_text == inputs.loaded.text and record.pool_fingerprint == inputs.pool.fingerprint
    again = rerun(record)
    assert again.identical and not again.entering and not again.leaving


def test_runs_stored_with_the_content_fingerprint_still_verify(tmp_path):
    """A run is tied to its pool file's bytes (``Pool.fingerprint``); runs stored before, which hold the content
    fingerprint of the pool, are still accepted, and a fingerprint of neither is refused as a changed pool."""
    from baicun.pipeline import load_inputs, run_inputs
    from contract.errors import InputError

    inputs = load_inputs(ROOT / "scenarios" / "baicun_2024.toml")
    assert inputs.pool.fingerprint == inputs.pool.file_digest != inputs.pool.content_fingerprint
    scores, selection = solve(inputs)
    engine = open_store(tmp_path / "runs.sqlite")
    fields = run_fields(outcome(inputs, scores, selection), inputs.loaded.pool_path(), "t")
    older = save_run(engine, {**fields, "pool_fingerprint": inputs.pool.content_fingerprint})
    assert run_inputs(get_run(engine, older)).pool.fingerprint == inputs.pool.fingerprint
    other = save_run(engine, {**fields, "pool_fingerprint": "f" * 64})
    with pytest.raises(InputError) as refused:
        run_inputs(get_run(engine, other))
    assert refused.value.problems[0].code == "run.pool_changed"


def test_compare_lists_exactly_the_villages_that_differ(tmp_path):
    pool = read_pool(SAMPLE_CSV)
    items = []
    for border in (24, 32):
        quotas = [{"flag": "border", "min": border}, {"flag": "poverty_alleviated", "min": 59}]
        inputs = bind(scenario_with({"selection.quota": quotas, "name": f"边境村≥{border}"}), pool)
        scores, selection = solve(inputs)
        items.append((inputs.loaded.scenario.name, outcome(inputs, scores, selection)))
    comparison = compare(items)
    a, b = (set(o.selection.selected_ids(pool)) for _, o in items)
    changes = comparison.changes
    assert set(changes.loc[changes["变化"] == "新入选", "村庄代码"]) == b - a
    assert set(changes.loc[changes["变化"] == "不再入选", "村庄代码"]) == a - b
    assert len(b - a) > 0
    assert comparison.overlap.iloc[1, 1] == len(a & b)
    assert np.isclose(comparison.overlap.iloc[1, 2], round(len(a & b) / len(a | b), 4))
    figure = city_difference_figure(comparison)
    assert sum(figure.data[0].y) == len(b) - len(a)
    write_comparison(comparison, tmp_path / "c.xlsx")
    lines = comparison.scenario.iloc[:, 1].tolist()  # what the second scenario changed, in words, weights and rules first
    assert any("重点边境村" in line and "24" in line and "32" in line for line in lines), lines
    assert openpyxl.load_workbook(tmp_path / "c.xlsx").sheetnames == [
        "情景差异",
        "总览",
        "规则达成对比",
        "入选变化",
        "按市(州)对比",
        "按县(市、区)对比",
        "重合度",
    ]
    book = openpyxl.load_workbook(tmp_path / "c.xlsx")
    moved = [r for r in book["入选变化"].iter_rows(min_row=2, values_only=True)]
    assert moved and all(v == round(v, 10) for r in moved for v in r[6:8] if v is not None)  # scores to 10 decimals, as every score column
    overview = {r[0].value: r[1] for r in book["总览"].iter_rows(min_row=2)}
    assert overview["计划投资合计(万元)"].number_format == "#,##0.0" and isinstance(overview["计划投资合计(万元)"].value, float | int)


def test_compare_a_stored_run_with_a_scenario_file(tmp_path):
    from baicun.pipeline import load_inputs

    db = str(tmp_path / "r.sqlite")
    inputs = load_inputs(ROOT / "scenarios" / "baicun_2024.toml")
    scores, selection = solve(inputs)
    run_id = save_run(open_store(db), run_fields(outcome(inputs, scores, selection), inputs.loaded.pool_path()))
    name, stored = comparison_item(str(run_id), db)
    assert name.startswith(f"#{run_id}") and stored.selection.check.ok
    assert stored.selection.selected_ids(stored.inputs.pool) == selection.selected_ids(inputs.pool)


def test_robustness_is_deterministic_and_must_include_is_always_in():
    pool = read_pool(SAMPLE_CSV)
    first = bind(scenario_with(), pool)
    scores, selection = solve(first)
    weak = scores.table[scores.eligible & ~selection.selected].sort_values("rank")["village_id"].iloc[-1]
    inputs = bind(scenario_with({"selection.must_include": [weak]}), pool)
    scores, selection = solve(inputs)
    one = robustness(pool, scores, selection, samples=24, seed=7, workers=2)
    two = robustness(pool, scores, selection, samples=24, seed=7, workers=2)
    assert np.array_equal(one.table["frequency"], two.table["frequency"])
    assert one.table.set_index("village_id").at[weak, "frequency"] == 1.0
    assert (one.table.loc[~one.table["eligible"], "frequency"] == 0).all()
    assert set(one.table["class"]) <= {"stable_in", "marginal", "stable_out", "ineligible"}
    assert 0 < one.jaccard.mean() <= 1 and one.spearman.mean() > 0.5


def test_weight_samples_are_centred_and_keep_zero_weights():
    base = {"a": 0.5, "b": 0.3, "c": 0.2, "d": 0.0}
    for method, spread in (("dirichlet", 200.0), ("uniform", 0.1)):
        w = sample_weights(base, 4000, seed=3, method=method, spread=spread)
        assert np.allclose(w.sum(axis=1), 1.0) and (w[:, 3] == 0).all()
        assert np.allclose(w.mean(axis=0)[:3], [0.5, 0.3, 0.2], atol=0.01)


def test_runs_commands(tmp_path):
    db = str(tmp_path / "r.sqlite")
    run = lambda *a: subprocess.run([sys.executable, "-m", "baicun", *a], capture_output=True, text=True)  # noqa: E731
    done = run("solve", str(ROOT / "scenarios" / "baicun_2024.toml"), "--save", "--label", "基准", "--db", db, "--no-prices")
    assert done.returncode == 0 and "运行记录 1" in done.stdout
    assert "基准" in run("runs", "list", "--db", db).stdout
    assert run("runs", "rerun", "1", "--db", db).returncode == 0
    assert run("runs", "show", "9", "--db", db).returncode == 2


def test_runs_list_and_show_speak_the_readers_language(tmp_path):
    """``runs list`` has its headers and status in the reader's language (the status in the words every other
    output uses); ``runs show`` shows the run for a person, the scenario as the text it is; ``--json`` keeps the
    record as data."""
    import json

    db = str(tmp_path / "r.sqlite")
    scenario = ROOT / "scenarios" / "baicun_2024.toml"
    run = lambda *a: subprocess.run([sys.executable, "-m", "baicun", *a], capture_output=True, text=True)  # noqa: E731
    assert run("solve", str(scenario), "--save", "--label", "基准", "--db", db, "--no-prices").returncode == 0
    listed = run("runs", "list", "--db", db).stdout
    assert all(word in listed for word in ("编号", "情景名称", "求解状态", "已证明最优", "入选村数", "求解器"))
    assert not any(word in listed.split() for word in ("id", "scenario", "status", "optimal", "count", "backend"))
    english = run("--lang", "en", "runs", "list", "--db", db).stdout
    assert "proven optimal" in english and "scenario" in english and "求解状态" not in english
    shown = run("runs", "show", "1", "--db", db).stdout
    text = scenario.read_text(encoding="utf-8")
    assert "\\n" not in shown and all(line in shown for line in text.splitlines() if line.strip())
    assert "已证明最优" in shown and "入选村（210 个）" in shown
    record = json.loads(run("runs", "show", "1", "--json", "--db", db).stdout)
    assert record["scenario_text"] == text and record["label"] == "基准"
