"""Robustness benchmark (issue 6): 1,000 weight samples on the shipped sample, against a naive loop.

naive: for each sample, rebuild everything from the scenario with the sample's weights (score the pool, resolve
the rules, compile, reduce, solve with the tie-break, check) — what a user scripting ``baicun solve`` would do;
measured on ``--naive`` samples and reported as throughput.
study: ``analysis.robustness`` — the model kept, only the objective changed, dominance recomputed per objective,
``--workers`` processes. Run: ``python bench/bench_robustness.py [--samples 1000] [--naive 40] [--workers 2]``.
"""

from __future__ import annotations

import argparse
import time

from common import ROOT, peak_mib, print_table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--naive", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from analysis.robustness import robustness, sample_weights
    from baicun.pipeline import bind, load_inputs, solve

    inputs = load_inputs(ROOT / "scenarios" / "baicun_2024.toml")
    scores, selection = solve(inputs)
    weights = sample_weights(scores.weights.values, args.naive, seed=1)
    start = time.perf_counter()
    for w in weights:
        changed = inputs.loaded.scenario.model_copy(
            update={"scoring": inputs.loaded.scenario.scoring.model_copy(update={"weights": dict(zip(scores.weights.values, w))})}
        )
        loaded = inputs.loaded.model_copy(update={"scenario": changed})
        _, naive_selection = solve(bind(loaded, inputs.pool))
        assert naive_selection.status == "optimal"
    naive = (time.perf_counter() - start) / args.naive

    rows = [
        {
            "method": "naive loop (rebuild, solve, check)",
            "samples": args.naive,
            "seconds": naive * args.naive,
            "samples/s": 1 / naive,
            "speed-up": 1.0,
            "peak MiB": peak_mib(),
        }
    ]
    for workers in sorted({1, args.workers}):
        study = robustness(inputs.pool, scores, selection, args.samples, seed=1, workers=workers)
        rows.append(
            {
                "method": f"study, {workers} process(es)",
                "samples": args.samples,
                "seconds": study.seconds,
                "samples/s": args.samples / study.seconds,
                "speed-up": naive * args.samples / study.seconds,
                "peak MiB": peak_mib(),
            }
        )
    print_table(rows, f"Robustness: shipped 百村 scenario, {int(scores.eligible.sum())} eligible villages, Dirichlet c = 50")


if __name__ == "__main__":
    main()
