"""Whole commands as users wait for them: wall seconds (median of ``--runs``) of each command on this tree and on
a baseline tree (``--baseline DIR``: e.g. ``git archive main | tar -x -C /tmp/base``), run alternately in one
process with the same interpreter, plus a plain script's imports (pandas, scipy.sparse, highspy) as the floor.

    python bench/bench_commands.py --baseline /tmp/base --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = "scenarios/data/jilin_sample_pool.csv"
COMMANDS = {
    "baicun --help": ["--help"],
    "baicun pool check (sample)": ["pool", "check", SAMPLE],
    "solve --json --no-prices (default)": ["solve", "scenarios/baicun_2024.toml", "--json", "--no-prices"],
    "solve --json (default, with prices)": ["solve", "scenarios/baicun_2024.toml", "--json"],
    "solve --json --no-prices --backend cpsat": ["solve", "scenarios/baicun_2024.toml", "--json", "--no-prices", "--backend", "cpsat"],
    "preview --county 九台区": ["preview", "scenarios/baicun_2024.toml", "--county", "九台区"],
    "CP-SAT worker start-up (spawn to ready)": None,
}
FLOOR = "import pandas, scipy.sparse, highspy"
# What a worker loads before it can take a payload; it then says so on stdout, and its start-up ends there (its
# shutdown, after the result has gone, is not start-up).
WORKER = "import solver.backends.cpsat, solver.backends.worker; from ortools.sat.python import cp_model; print('ready', flush=True)"


def wall(argv: list[str], cwd: Path) -> float:
    began = time.perf_counter()
    subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - began


def until_ready(argv: list[str], cwd: Path) -> float:
    """Seconds from spawning ``argv`` to its first line on stdout."""
    began = time.perf_counter()
    with subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as process:
        process.stdout.readline()
        ready = time.perf_counter() - began
        process.wait()
    return ready


def timed(name: str, cwd: Path) -> float:
    return until_ready(argv_of(name), cwd) if COMMANDS[name] is None else wall(argv_of(name), cwd)


def argv_of(name: str) -> list[str]:
    """``python -m baicun …`` from the tree's folder: the tree's own packages come first on sys.path."""
    args = COMMANDS[name]
    return [sys.executable, "-c", WORKER] if args is None else [sys.executable, "-m", "baicun", *args]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=Path, help="a copy of the baseline tree (same interpreter)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="*", help="command names to run (substring match)")
    options = parser.parse_args()
    floor = statistics.median(wall([sys.executable, "-c", FLOOR], ROOT) for _ in range(options.runs))
    print(f"\nfloor: `python -c '{FLOOR}'` {floor:.2f} s (median of {options.runs})\n")
    print("| command | baseline s | now s | now / baseline | now / floor |")
    print("|---|---:|---:|---:|---:|")
    for name in COMMANDS:
        if options.only and not any(o in name for o in options.only):
            continue
        now, base = [], []
        for _ in range(options.runs):  # alternate, so that load on a shared machine falls on both alike
            now.append(timed(name, ROOT))
            if options.baseline:
                base.append(timed(name, options.baseline))
        n = statistics.median(now)
        b = statistics.median(base) if base else float("nan")
        print(f"| {name} | {b:.2f} | {n:.2f} | {n / b:.2f}× | {n / floor:.2f}× |", flush=True)


if __name__ == "__main__":
    main()
