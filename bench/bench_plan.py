"""Five-year plan and demonstration belts on the bundled sample pool (2,051 千村 villages).

Prints four tables: the plan as users run it (gap 0, tie-break on) and at several stopping rules (time, objective,
proven gap), each before and with the plan path of ``solver.backends.highs_plan``; belts at 15 km (time to a
proven optimum, against the plain model in the same process); the trade-off curve of total score against the
share of selected villages in belts as the belt weight grows.

    python bench/bench_plan.py
"""

from __future__ import annotations

import time

from common import ROOT, peak_mib, print_table

from baicun.pipeline import bind, score
from contract.scenario import parse_scenario
from pool.read import read_pool
from solver.backends import SolveOptions, get_backend, highs, highs_plan
from solver.backends.base import OPTIMAL_GAP
from solver.solve import prepare, select

SAMPLE = ROOT / "scenarios" / "data" / "jilin_sample_pool.csv"
PLAN = ROOT / "scenarios" / "baicun_2024_2028.toml"
BELTS = ROOT / "scenarios" / "baicun_2024_belts.toml"


def run(pool, text: str, folder, options: SolveOptions):
    inputs = bind(parse_scenario(text, folder=folder), pool)
    scores = score(inputs)
    start = time.perf_counter()
    selection = select(pool, inputs.scenario, scores, "highs", options)
    return selection, time.perf_counter() - start


BEFORE, NOW = "HiGHS alone, cold tie-break (before)", "search + proof, warm tie-break (now)"


def as_before(before: bool) -> None:
    """Switch the product's plan path (``solver.backends.highs_plan``: year-pair search, heuristics-off proof, warm
    tie-break) off (before) or on (now), in this process."""
    highs_plan.applies = (lambda model, options: False) if before else APPLIES
    highs.tiebreak = (lambda *args, warm=False, **kwargs: TIEBREAK(*args, **kwargs)) if before else TIEBREAK


APPLIES, TIEBREAK = highs_plan.applies, highs.tiebreak


def plan_table(pool) -> list[dict]:
    """The five-year model in its cumulative form (``solver.model.cumulative``), first phase only (no tie-break),
    at several stopping rules: HiGHS alone (before) against the search and proof of ``highs_plan`` (now)."""
    inputs = bind(parse_scenario(PLAN.read_text(encoding="utf-8"), folder=PLAN.parent), pool)
    model = prepare(pool, inputs.scenario, score(inputs))[3]
    rows = []
    for gap, limit in ((1e-4, 60), (OPTIMAL_GAP, 120), (0.0, 120)):
        baseline = None
        for form in (BEFORE, NOW):
            as_before(form == BEFORE)
            start = time.perf_counter()
            raw = get_backend("highs")(model, SolveOptions(time_limit=limit, mip_gap=gap, tiebreak=False))
            seconds = time.perf_counter() - start
            baseline = baseline or seconds
            rows.append(
                {
                    "stopping rule": f"gap ≤ {gap:g}, ≤ {limit} s",
                    "path": form.split(",")[0],
                    "status": raw.status,
                    "seconds": round(seconds, 2),
                    "vs before": f"{seconds / baseline:.2f}×",
                    "objective": f"{raw.objective:.6f}",
                    "proven gap": f"{raw.gap:.1e}",
                }
            )
    as_before(False)
    rows.append({"stopping rule": "model size", "path": "×".join(map(str, model.size))})
    return rows


def tiebreak_table(pool, limit: float = 120.0) -> list[dict]:
    """The plan as users run it for a proof (gap 0, tie-break on), whole command path (``select``): before the
    plan path of ``highs_plan`` and now, in one process."""
    text = PLAN.read_text(encoding="utf-8").replace("mip_gap = 0.0001", "mip_gap = 0.0").replace("time_limit_s = 60", f"time_limit_s = {limit:g}")
    rows, baseline = [], None
    for name in (BEFORE, NOW):
        as_before(name == BEFORE)
        selection, seconds = run(pool, text, PLAN.parent, SolveOptions(time_limit=limit, mip_gap=0.0))
        baseline = baseline or seconds
        rows.append(
            {
                "path": name,
                "status": selection.status,
                "tie-break done": selection.tiebreak_done,
                "seconds": round(seconds, 1),
                "vs before": f"{seconds / baseline:.2f}×",
                "objective": f"{selection.objective:.6f}" if selection.objective is not None else "",
            }
        )
    as_before(False)
    return rows


def belts_tables(pool) -> tuple[list[dict], list[dict]]:
    text = BELTS.read_text(encoding="utf-8")
    plain_text = text[: text.index("[spatial]")]
    plain, plain_seconds = run(pool, plain_text, BELTS.parent, SolveOptions(time_limit=120))
    timing, curve = (
        [
            {
                "model": "plain (no belts)",
                "seconds": round(plain_seconds, 2),
                "status": plain.status,
                "rows × columns": "×".join(map(str, plain.model.size)),
            }
        ],
        [],
    )
    for weight in (0.0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5):
        selection, seconds = run(pool, text.replace("weight = 0.02", f"weight = {weight}"), BELTS.parent, SolveOptions(time_limit=120))
        belt = selection.check.belt_villages
        score_total = selection.objective - weight * belt
        if weight == 0.02:
            timing.append(
                {
                    "model": "belts 15 km, weight 0.02",
                    "seconds": round(seconds, 2),
                    "status": selection.status,
                    "rows × columns": "×".join(map(str, selection.model.size)),
                }
            )
        curve.append(
            {
                "weight": weight,
                "status": selection.status,
                "seconds": round(seconds, 2),
                "total score": round(score_total, 4),
                "score vs plain": f"{score_total / plain.objective:.4%}",
                "in belts": belt,
                "share in belts": f"{belt / selection.count:.1%}",
                "villages": selection.count,
            }
        )
    return timing, curve


if __name__ == "__main__":
    import sys

    pool = read_pool(SAMPLE)
    limit = float(sys.argv[sys.argv.index("--limit") + 1]) if "--limit" in sys.argv else 120.0
    print_table(tiebreak_table(pool, limit), f"Five-year plan, gap 0, ≤ {limit:g} s, tie-break on (as users run it; same process)", as_written=True)
    if "--tiebreak-only" in sys.argv:
        sys.exit(0)
    print_table(plan_table(pool), "Five-year plan 2024–2028, first phase (HiGHS alone vs search + proof, same process)", as_written=True)
    timing, curve = belts_tables(pool)
    print_table(timing, "Belts at 15 km vs the plain model (same process, incl. tie-break)")
    print_table(curve, "Trade-off: total score against share of selected villages in belts")
    print(f"\npeak memory {peak_mib():.0f} MiB")
