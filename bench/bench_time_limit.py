"""Time limits that hold (issue 16, item 10): a 10,000-item strongly correlated knapsack (Pisinger's hard class:
profit = weight + R/10, R = 10⁶, capacity half the total weight) solved by the command line with
``--time-limit 30`` on every backend, as a user runs it: the whole command's wall time (start-up, reading the
pool, the solve, the report), the selection's own time, status, gap and peak memory.

Before this work HiGHS stayed in presolve past its limit and returned no list, CP-SAT said 求解器出错 without a
solution, and the CLI said 无解 (exit 1) for both. The ratio column is wall time over the limit, measured in the
same run. Run: ``python bench/bench_time_limit.py [--villages 10000] [--time-limit 30] [--backends highs cbc cpsat]``.

Bytecode: this machine sets PYTHONDONTWRITEBYTECODE, which makes every command compile every module from source
(about 8 s under load); the commands here run without it, after one warm-up run, as an installed package would.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from common import ROOT, print_table

MEASURE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "seconds = time.perf_counter() - start\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
    "sys.stdout.write(repr((done.returncode, seconds, peak, done.stdout, done.stderr)))\n"
)


def environment() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    return env


def measured(command: list[str]) -> tuple[int, float, float, str, str]:
    """(exit code, wall seconds, peak MiB of the command and its children, stdout, stderr), in a process of its own."""
    done = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, env=environment(), cwd=ROOT)
    return ast.literal_eval(done.stdout)


def knapsack_files(folder: Path, villages: int) -> Path:
    sys.path.insert(0, str(ROOT))
    import tomli_w

    from pool.generate import write_pool
    from tests.factories import knapsack_frame, knapsack_scenario

    frame = knapsack_frame(villages)
    write_pool(frame, folder / "knapsack.csv", "zh")
    scenario = folder / "knapsack.toml"
    scenario.write_text(tomli_w.dumps(knapsack_scenario(frame) | {"pool": "knapsack.csv"}), encoding="utf-8")
    return scenario


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--villages", type=int, default=10_000)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--backends", nargs="+", default=["highs", "cbc", "cpsat"])
    args = parser.parse_args()
    baicun = [sys.executable, "-m", "baicun"]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        scenario = knapsack_files(Path(folder), args.villages)
        for backend in args.backends:  # warm-up: bytecode written, solver libraries in the page cache
            measured([*baicun, "solve", str(scenario), "--backend", backend, "--time-limit", "1", "--json", "--no-prices"])
        for backend in args.backends:
            code, seconds, peak, out, err = measured(
                [*baicun, "solve", str(scenario), "--backend", backend, "--time-limit", str(args.time_limit), "--json", "--no-prices"]
            )
            summary = json.loads(out) if out.strip() else {}
            rows.append(
                {
                    "backend": backend,
                    "limit s": args.time_limit,
                    "exit": code,
                    "command s": seconds,
                    "command / limit": seconds / args.time_limit,
                    "selection s": sum(summary.get("timings", {}).values()),
                    "status": summary.get("status", err.strip().splitlines()[-1:] or "?"),
                    "stopped by": summary.get("stopped") or "—",
                    "gap": summary.get("gap"),
                    "count": summary.get("count"),
                    "peak MiB": peak,
                }
            )
            print(rows[-1], flush=True)
    print_table(rows, f"{args.villages:,}-item strongly correlated knapsack, baicun solve --time-limit {args.time_limit:g}")


if __name__ == "__main__":
    main()
