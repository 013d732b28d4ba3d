"""Shared helpers for the benchmarks: candidate pools of a given size, peak memory, table printing."""

from __future__ import annotations

import resource
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pool.generate import as_pool, generate_pool  # noqa: E402
from pool.read import Pool  # noqa: E402


def candidate_pool(villages: int, seed: int = 1) -> Pool:
    """A synthetic pool in which every village is a 千村 candidate (so the shipped 百村 scenario applies to all of
    them): ``villages`` rows, half from each batch, 92% accepted."""
    frame = generate_pool(villages=villages, seed=seed)
    rng = np.random.default_rng(seed)
    frame["qiancun_year"] = rng.choice([2021.0, 2022.0], size=len(frame))
    frame["accepted"] = rng.random(len(frame)) < 0.92
    frame["baicun_year"] = np.where(rng.random(len(frame)) < 0.02, 2023.0, np.nan)
    return as_pool(frame, f"bench-{villages}")


def peak_mib() -> float:
    """Peak resident memory of this process and its finished children, in MiB (Linux reports KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def print_table(rows: list[dict], title: str, as_written: bool = False) -> None:
    """Print ``rows`` as a Markdown table (floats to 3 decimals), or with every value ``as_written`` (text such as
    "528.904073" or "1.0e-06" kept as it is)."""
    frame = pd.DataFrame(rows).fillna("")  # rows may leave a column out (a model-size row)
    print(f"\n{title}\n")
    print(frame.to_markdown(index=False, floatfmt=".3f", disable_numparse=as_written) if _has_tabulate() else frame.to_string(index=False))


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True
