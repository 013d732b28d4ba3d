"""The stages of one whole `baicun solve … --json` as the command runs them (issue 23), on this tree and, in a
child process each, on a baseline tree: imports, reading the pool, its fingerprint, scoring and solving, the
outcome, the JSON summary, and peak memory.

    python bench/bench_stages.py national.csv --baseline /tmp/base [--scenario scenarios/national_2025.toml]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parents[1]


def stages(tree: Path, scenario: Path, pool: Path) -> dict:
    """Seconds per stage in this process, with ``tree``'s packages first on the path."""
    sys.path.insert(0, str(tree))
    began = time.perf_counter()
    from baicun.pipeline import load_inputs, outcome, solve
    from report.tables import summary_json

    out = {"imports": time.perf_counter() - began}
    start = time.perf_counter()
    inputs = load_inputs(scenario, pool)
    out["read and validate"] = time.perf_counter() - start
    start = time.perf_counter()
    inputs.pool.fingerprint  # noqa: B018 - the stage being timed
    out["fingerprint"] = time.perf_counter() - start
    start = time.perf_counter()
    scores, selection = solve(inputs)
    out["score and solve"] = time.perf_counter() - start
    out |= {f"  {k}": v for k, v in selection.timings.items()}
    start = time.perf_counter()
    result = outcome(inputs, scores, selection, prices=None, stable=None)
    out["outcome"] = time.perf_counter() - start
    start = time.perf_counter()
    json.dumps(summary_json(result, 0.0), default=str)
    out["JSON summary"] = time.perf_counter() - start
    out["total"] = time.perf_counter() - began
    out["peak MiB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def measured(tree: Path, scenario: Path, pool: Path) -> dict:
    done = subprocess.run(
        [sys.executable, str(HERE), str(pool), "--scenario", str(scenario), "--child", str(tree)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pool", type=Path)
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "national_2025.toml")
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    scenario, pool = options.scenario.resolve(), options.pool.resolve()
    if options.child:
        print(json.dumps(stages(options.child, scenario, pool)))
        return
    base = measured(options.baseline, scenario, pool) if options.baseline else {}
    now = measured(ROOT, scenario, pool)
    print("\n| stage | baseline s | now s | now / baseline |\n|---|---:|---:|---:|")
    for stage, value in now.items():
        before = base.get(stage)
        ratio = f"{value / before:.2f}×" if before else "—"
        print(f"| {stage} | {before:.2f} | {value:.2f} | {ratio} |" if before is not None else f"| {stage} | — | {value:.2f} | — |")


if __name__ == "__main__":
    main()
