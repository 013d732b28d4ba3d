"""The largest legitimate pool (issue 21): 200,000 villages — every step a user runs, each in a process of its own,
with its wall time and peak memory (the process and its solver children), against the shipped 9,300-village
sample measured in the same run.

Steps: ``pool check`` (read and validate the CSV), ``solve --json`` (read, score, solve, check), ``solve --out
.xlsx --out .csv`` (the same plus both reports). The pool is the synthetic national one (``pool generate
--national``); the scenario is the shipped national scenario with count, budget and quota minimums scaled to the
pool (1% of villages, 1,000万 each, border 0.03%, poverty 0.2%), as in bench/bench_national.py.
Run: ``python bench/bench_largest_pool.py [--villages 200000] [--time-limit 120]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench_time_limit import measured
from common import ROOT, print_table


def national_files(folder: Path, villages: int) -> tuple[Path, Path]:
    sys.path.insert(0, str(ROOT))
    import tomli_w
    from bench_national import scaled_scenario

    pool = folder / f"national-{villages}.csv"
    code, *_ = measured([sys.executable, "-m", "baicun", "pool", "generate", "--national", "--villages", str(villages), "--out", str(pool)])
    assert code == 0
    scenario = scaled_scenario(villages).model_dump(exclude_none=True)
    for group in scenario["selection"]["group"]:  # in a file the province column is read under its header
        group["by"] = "省份" if group["by"] == "province" else group["by"]
    path = folder / "national.toml"
    path.write_text(tomli_w.dumps(scenario), encoding="utf-8")
    return pool, path


def steps(pool: Path, scenario: Path, folder: Path, time_limit: float) -> dict[str, list[str]]:
    baicun = [sys.executable, "-m", "baicun"]
    solve = [*baicun, "solve", str(scenario), "--pool", str(pool), "--time-limit", str(time_limit), "--no-prices"]
    return {
        "read (pool check)": [*baicun, "pool", "check", str(pool), "--region", "全国"],
        "read + solve (--json)": [*solve, "--json"],
        "read + solve + report (xlsx, csv)": [*solve, "--out", str(folder / "r.xlsx"), "--out", str(folder / "r.csv")],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--villages", type=int, default=200_000)
    parser.add_argument("--time-limit", type=float, default=120.0)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        sample = steps(ROOT / "scenarios" / "data" / "jilin_sample_pool.csv", ROOT / "scenarios" / "baicun_2024.toml", folder, args.time_limit)
        sample["read (pool check)"] = sample["read (pool check)"][:-2]  # the sample is in Jilin's coordinate box
        for command in sample.values():  # warm-up: bytecode written
            measured(command)
        baseline = {name: measured(command) for name, command in sample.items()}
        pool, scenario = national_files(folder, args.villages)
        for name, command in steps(pool, scenario, folder, args.time_limit).items():
            code, seconds, peak, out, err = measured(command)
            base = baseline[name]
            rows.append(
                {
                    "step": name,
                    "villages": args.villages,
                    "exit": code,
                    "seconds": seconds,
                    "peak MiB": peak,
                    "sample seconds": base[1],
                    "sample peak MiB": base[2],
                    "× sample time": seconds / base[1],
                    "× sample memory": peak / base[2],
                    "last line": (err.strip() or out.strip()).splitlines()[-1][:60] if code else "",
                }
            )
            print(rows[-1], flush=True)
    print_table(rows, f"{args.villages:,} villages (national synthetic pool) against the 9,300-village sample, time limit {args.time_limit:g} s")


if __name__ == "__main__":
    main()
