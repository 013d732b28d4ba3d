"""Robustness benchmarks: today's sampling study as the baseline, and stability proofs over a weight region (issue 17),
measured in the same run on the shipped sample.

baseline: ``analysis.robustness`` — ``baicun robustness --samples 1000``: Dirichlet (c = 50) weights, each solved on
the whole model (dominance per sample) in ``--workers`` processes.
classes: ``analysis.stability.prove_classes`` over ±``--relative`` (default 5 %) with a ``--budget`` (10 s).
samples: ``--samples`` Hit-and-Run draws over the region, solved on the model restricted to the villages left open.
intervals: each criterion's stability interval (breakpoint search, ``--workers`` processes).
check (``--check N``): N dense weight vectors (the region's vertices, then Hit-and-Run draws) solved on the whole
model; the number of optima that contradict a proved class (must be 0).

Run: ``python bench/bench_robustness.py [--samples 1000] [--baseline 1000] [--workers 2] [--check 2000]``;
``--naive N`` adds the earlier naive loop (rebuild everything per sample) on N samples.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from common import ROOT, peak_mib, print_table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--baseline", type=int, default=1000)
    parser.add_argument("--relative", type=float, default=0.05)
    parser.add_argument("--budget", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--check", type=int, default=0)
    parser.add_argument("--naive", type=int, default=0)
    args = parser.parse_args()

    from analysis.robustness import criteria_matrix, robustness, run_chunks
    from baicun.pipeline import load_inputs, solve, stability_study
    from contract.scenario import RobustnessRegion

    inputs = load_inputs(ROOT / "scenarios" / "baicun_2024.toml")
    scores, selection = solve(inputs)
    eligible = int(scores.eligible.sum())
    rows = []
    if args.naive:
        rows.append(naive_row(inputs, scores, args.naive))

    baseline = robustness(inputs.pool, scores, selection, args.baseline, seed=1, workers=args.workers)
    base_seconds = baseline.seconds
    rows.append(row("today's study: Dirichlet c = 50, whole model", args.baseline, base_seconds, base_seconds, "—"))

    spec = RobustnessRegion(relative=args.relative, samples=args.samples, time_budget_s=args.budget)
    study = stability_study(inputs, scores, selection, spec, workers=args.workers, intervals=True)
    counts = study.counts()
    proved = counts["always_in"] + counts["never_in"]
    label = f"{counts['always_in']} in, {counts['never_in']} out, {counts['depends']} depend, {counts['undecided']} undecided"
    rows.append(
        row(
            f"classes over ±{100 * args.relative:g}% ({label})",
            "—",
            study.timings["classes"],
            base_seconds,
            f"{100 * proved / eligible:.1f}% proved, {100 * study.proved_share:.1f}% with witnesses",
        )
    )
    rows.append(
        row(
            f"Hit-and-Run over the {study.undecided_size} open villages",
            args.samples,
            study.timings["samples"],
            base_seconds,
            f"restricted model: {study.undecided_size} of {eligible} columns",
        )
    )
    rows.append(
        row(
            "stability intervals (8 criteria)",
            sum(i.solves for i in study.intervals),
            study.timings["intervals"],
            base_seconds,
            "MILPs in the first column",
        )
    )
    if args.check:
        region = study.region
        weights = np.vstack([region.vertices, region.sample(max(0, args.check - len(region.vertices)), seed=99)])[: args.check]
        z, b = criteria_matrix(scores)
        start = time.perf_counter()
        chunks = [c for c in np.array_split(np.arange(len(weights)), args.workers) if len(c)]
        chosen = np.vstack(run_chunks(selection.model, z, b, [weights[c] for c in chunks]))
        classes = study.table.loc[study.table["eligible"], "class"].to_numpy()
        wrong = int((~chosen[:, classes == "always_in"]).sum() + chosen[:, classes == "never_in"].sum())
        rows.append(
            row(
                f"check: {len(weights)} dense optima on the whole model",
                len(weights),
                time.perf_counter() - start,
                base_seconds,
                f"{wrong} contradictions",
            )
        )
    print_table(rows, f"Robustness on the shipped 百村 sample ({eligible} eligible villages), {args.workers} processes, one run")


def row(method: str, samples, seconds: float, baseline: float, note: str) -> dict:
    return {
        "method": method,
        "samples": samples,
        "seconds": seconds,
        "vs today's study": baseline / seconds if seconds else float("nan"),
        "peak MiB": peak_mib(),
        "note": note,
    }


def naive_row(inputs, scores, count: int) -> dict:
    """Rebuild everything from the scenario with each sample's weights: what scripting ``baicun solve`` would do."""
    from analysis.robustness import sample_weights
    from baicun.pipeline import bind, solve

    weights = sample_weights(scores.weights.values, count, seed=1)
    start = time.perf_counter()
    for w in weights:
        scenario = inputs.loaded.scenario
        changed = scenario.model_copy(update={"scoring": scenario.scoring.model_copy(update={"weights": dict(zip(scores.weights.values, w))})})
        _, naive = solve(bind(inputs.loaded.model_copy(update={"scenario": changed}), inputs.pool))
        assert naive.status == "optimal"
    seconds = time.perf_counter() - start
    return row("naive loop (rebuild, solve with tie-break, check)", count, seconds, seconds, "")


if __name__ == "__main__":
    main()
