"""Selection benchmark (issue 4): the shipped 百村 scenario on the shipped sample (2,051 千村 villages among 9,300)
and on candidate pools of 20k and 100k villages.

For each size and backend, in a fresh process (so that peak memory is that case's own): model build, solve and
check times, peak memory, status and objective; beside it the hand method's objective and how many rules it
breaks. Run: ``python bench/bench_selection.py [--sizes 0 20000 100000] [--backends highs cbc cpsat]`` (size 0 = the sample).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from common import ROOT, candidate_pool, peak_mib, print_table

sys.path.insert(0, str(ROOT))


def run_case(size: int, backend: str, time_limit: float) -> dict:
    from greedy import greedy_shortlist

    from contract.scenario import load_scenario
    from pool.bind import bind_scenario
    from scoring.score import score_pool
    from solver.backends import SolveOptions
    from solver.check import check_selection
    from solver.solve import select

    if size == 0:
        from pool.read import read_pool

        pool = read_pool(ROOT / "scenarios" / "data" / "jilin_sample_pool.csv")
    else:
        pool = candidate_pool(size)
    scenario = bind_scenario(load_scenario(ROOT / "scenarios" / "baicun_2024.toml").scenario, pool)
    start = time.perf_counter()
    scores = score_pool(pool, scenario)
    scored = time.perf_counter() - start
    selection = select(pool, scenario, scores, backend, SolveOptions(time_limit=time_limit))
    greedy = greedy_shortlist(pool, scores, selection.rules)
    greedy_check = check_selection(pool, scores, selection.rules, greedy)
    return {
        "villages": size or pool.size,
        "eligible": int(scores.eligible.sum()),
        "backend": backend,
        "score s": scored,
        "build s": selection.timings["build"],
        "solve s": selection.timings["solve"],
        "check s": selection.timings.get("check", 0.0),
        "peak MiB": peak_mib(),
        "status": selection.status,
        "objective": selection.objective,
        "greedy objective": greedy_check.objective,
        "greedy broken rules": len(greedy_check.violations),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 20000, 100000])
    parser.add_argument("--backends", nargs="+", default=["highs", "cbc", "cpsat"])
    parser.add_argument("--time-limit", type=float, default=120)
    parser.add_argument("--case", nargs=2, metavar=("SIZE", "BACKEND"))
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(int(args.case[0]), args.case[1], args.time_limit)))
        return
    rows = []
    for size in args.sizes:
        for backend in args.backends:
            done = subprocess.run(
                [sys.executable, __file__, "--case", str(size), backend, "--time-limit", str(args.time_limit)],
                capture_output=True,
                text=True,
                cwd=ROOT / "bench",
            )
            if done.returncode != 0:
                rows.append({"villages": size, "backend": backend, "status": "failed: " + done.stderr.strip().splitlines()[-1]})
                continue
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(rows[-1], flush=True)
    for row in rows:
        if row.get("objective") and row.get("greedy objective") is not None:
            row["greedy / optimum"] = row["greedy objective"] / row["objective"]
    print_table(rows, "Selection benchmark: shipped 百村 scenario (count 190–210, budget, 2 quotas, county and city bounds)")


if __name__ == "__main__":
    main()
