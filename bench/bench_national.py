"""National-scale benchmark (issue 9): the national scenario on synthetic pools of 2k, 20k, 100k and 500k villages.

For each size, in its own process: generate, score, build, reduce, solve, check times and peak memory for the
default path (safe dominance reduction, then HiGHS with the exact tie-break), and beside it the plain MILP on the
same model with the same time limit. The scenario is ``scenarios/national_2025.toml`` with count, budget and
the two quota minimums scaled to the pool (1% of villages; 1,000万 each; border 0.03%, poverty 0.2%).
Run: ``python bench/bench_national.py [--sizes 2000 20000 100000 500000] [--time-limit 60]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from common import ROOT, peak_mib, print_table


def scaled_scenario(size: int):
    from contract.scenario import load_scenario

    scenario = load_scenario(ROOT / "scenarios" / "national_2025.toml").scenario
    count = max(10, size // 100)
    quotas = [
        scenario.selection.quota[0].model_copy(update={"min": max(1, round(size * 0.0003))}),
        scenario.selection.quota[1].model_copy(update={"min": max(1, round(size * 0.002))}),
    ]
    selection = scenario.selection.model_copy(
        update={
            "count": (round(count * 0.96), round(count * 1.04)),
            "budget": count * 1000.0,
            "quota": quotas,
        }
    )
    return scenario.model_copy(update={"selection": selection})


def run_case(size: int, reduce: bool, time_limit: float) -> dict:
    from pool.bind import bind_scenario
    from pool.generate import as_pool
    from pool.national import generate_national
    from scoring.score import score_pool
    from solver.backends import SolveOptions
    from solver.solve import select

    start = time.perf_counter()
    pool = as_pool(generate_national(size), f"national-{size}")
    generated = time.perf_counter() - start
    scenario = bind_scenario(scaled_scenario(size), pool)
    start = time.perf_counter()
    scores = score_pool(pool, scenario)
    scored = time.perf_counter() - start
    selection = select(pool, scenario, scores, "highs", SolveOptions(time_limit=time_limit, reduce=reduce))
    t = selection.timings
    return {
        "villages": size,
        "eligible": int(scores.eligible.sum()),
        "path": "reduced" if reduce else "plain MILP",
        "variables solved": selection.reduced_to,
        "generate s": generated,
        "score s": scored,
        "build s": t["build"],
        "reduce s": t["reduce"],
        "solve s": t["solve"],
        "check s": t.get("check", 0.0),
        "peak MiB": peak_mib(),
        "status": selection.status,
        "gap": selection.gap,
        "objective": selection.objective,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000, 100000, 500000])
    parser.add_argument("--time-limit", type=float, default=60)
    parser.add_argument("--case", nargs=2)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(int(args.case[0]), args.case[1] == "reduced", args.time_limit)))
        return
    rows = []
    for size in args.sizes:
        for path in ("reduced", "plain"):
            done = subprocess.run(
                [sys.executable, __file__, "--case", str(size), path, "--time-limit", str(args.time_limit)],
                capture_output=True,
                text=True,
                cwd=ROOT / "bench",
            )
            rows.append(
                json.loads(done.stdout.strip().splitlines()[-1])
                if done.returncode == 0
                else {"villages": size, "path": path, "status": "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]}
            )
            print(rows[-1], flush=True)
    print_table(rows, f"National scenario, time limit {args.time_limit:g} s per solve")


if __name__ == "__main__":
    main()
