"""How much the experts agree, and who stands apart (psychometric checks on the panel's scores).

Mathematical formulation
------------------------
All measures use the scores that count (回避 and blank cells left out), as written — before standardisation.

*Kendall's W with tie correction* (Kendall & Babington Smith 1939; Kendall 1948), per aspect: m experts each rank
the n villages that every one of them scored (average ranks for ties); R_j is village j's rank sum,
S = Σ_j (R_j − m(n+1)/2)², T_i = Σ (t³ − t) over the groups of t tied scores of expert i, and

    W = 12 S / (m² (n³ − n) − m Σ_i T_i),

0 (no agreement) … 1 (every expert ranks the villages alike); χ² = m (n − 1) W with n − 1 degrees of freedom.
Computed by ``pingouin.friedman`` (experts as blocks, villages as treatments), which applies this correction.
Reproduces a textbook example (3 experts, 6 papers, ties: W = 0.85; ``tests/test_review.py``).

*Intraclass correlation* (Shrout & Fleiss 1979; McGraw & Wong 1996), per aspect, by ``pingouin.intraclass_corr``
on the villages every expert scored: ICC(A,1), two-way random effects, absolute agreement, one expert's score; and
ICC(A,k), the same for the mean of the k experts — the reliability of the aggregate itself — with its 95 %
confidence interval.

*Per expert*: for each aspect, the Pearson correlation between the expert's scores and the mean of the other
experts' scores on the same villages (the *corrected item–total correlation* of psychometrics), averaged over the
aspects; the mean signed deviation from that rest-of-panel mean (below 0: harsher than the panel) and the mean
absolute deviation. An expert whose correlation with the rest is below ``outlier_correlation`` (default 0.3, the
customary floor for a corrected item–total correlation: Nunnally & Bernstein 1994) is flagged: their scores do
not rank the villages the way the panel does. A harsh or lenient but consistent expert is not an outlier; their
bias is what ``standardize`` removes.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pingouin

from review.aggregate import COUNTED, TRIMMED_HIGH, TRIMMED_LOW, Aggregate
from review.sheets import ASPECTS

_ICC_A1, _ICC_AK = 1, 4  # rows of pingouin's table: ICC(1,1), ICC(A,1), ICC(C,1), ICC(1,k), ICC(A,k), ICC(C,k)


@dataclass(frozen=True)
class Agreement:
    """``aspects``: aspect, experts, villages (scored by all), w, chi2, p, icc_a1, icc_ak, icc_ak_low, icc_ak_high.
    ``experts``: expert, scores, rest_correlation, mean_deviation, mean_abs_deviation, outlier.
    ``threshold``: the correlation below which an expert is flagged."""

    aspects: pd.DataFrame
    experts: pd.DataFrame
    threshold: float

    @property
    def outliers(self) -> list[str]:
        return list(self.experts.loc[self.experts["outlier"], "expert"])


def kendall_w(ranks: pd.DataFrame) -> tuple[float, float, float]:
    """(W, χ², p) with tie correction for a table of scores, one row per rater, one column per object (no blanks).
    NaN when fewer than 2 raters or 2 objects."""
    m, n = ranks.shape
    if m < 2 or n < 2:
        return float("nan"), float("nan"), float("nan")
    long = ranks.rename_axis(index="rater", columns="object").stack().rename("score").reset_index()
    result = pingouin.friedman(data=long, dv="score", within="object", subject="rater")
    return float(result["W"].iat[0]), float(result["Q"].iat[0]), float(result["p_unc"].iat[0])


def agreement(result: Aggregate, outlier_correlation: float = 0.3) -> Agreement:
    """Kendall's W and the ICC per aspect, and each expert's agreement with the rest of the panel."""
    used = result.scores[result.scores["status"].isin([COUNTED, TRIMMED_HIGH, TRIMMED_LOW])]
    aspects = pd.DataFrame([_aspect_row(used[used["aspect"] == a], a) for a in ASPECTS])
    experts = _experts(used, result.experts, outlier_correlation)
    return Agreement(aspects, experts, outlier_correlation)


def _aspect_row(used: pd.DataFrame, aspect: str) -> dict:
    wide = used.pivot_table(index="expert", columns="village_id", values="score")
    complete = wide.dropna(axis=1)  # villages every expert scored (回避 leaves gaps)
    w, chi2, p = kendall_w(complete)
    row = {"aspect": aspect, "experts": wide.shape[0], "villages": complete.shape[1], "w": w, "chi2": chi2, "p": p}
    return row | _icc(complete)


def _icc(complete: pd.DataFrame) -> dict:
    blank = {"icc_a1": np.nan, "icc_ak": np.nan, "icc_ak_low": np.nan, "icc_ak_high": np.nan}
    if complete.shape[0] < 2 or complete.shape[1] < 3 or complete.to_numpy().std() == 0:
        return blank
    long = complete.rename_axis(index="rater", columns="target").stack().rename("score").reset_index()
    with warnings.catch_warnings():  # pingouin's own use of pandas' deprecated dropna(inplace=True): not ours to fix
        warnings.filterwarnings("ignore", module="pingouin")
        table = pingouin.intraclass_corr(data=long, targets="target", raters="rater", ratings="score")
    low, high = table["CI95"].iat[_ICC_AK]
    return {
        "icc_a1": float(table["ICC"].iat[_ICC_A1]),
        "icc_ak": float(table["ICC"].iat[_ICC_AK]),
        "icc_ak_low": float(low),
        "icc_ak_high": float(high),
    }


def _experts(used: pd.DataFrame, experts: tuple[str, ...], threshold: float) -> pd.DataFrame:
    rows = []
    for expert in experts:
        correlations, deviations = [], []
        for aspect in ASPECTS:
            wide = used[used["aspect"] == aspect].pivot_table(index="village_id", columns="expert", values="score")
            if expert not in wide:
                continue
            others = wide.drop(columns=expert).mean(axis=1)
            pair = pd.DataFrame({"mine": wide[expert], "rest": others}).dropna()
            if len(pair) >= 3 and pair["mine"].std() > 0 and pair["rest"].std() > 0:
                correlations.append(pair["mine"].corr(pair["rest"]))
            deviations.append(pair["mine"] - pair["rest"])
        deviation = pd.concat(deviations) if deviations else pd.Series(dtype=float)
        r = float(np.mean(correlations)) if correlations else float("nan")
        rows.append(
            {
                "expert": expert,
                "scores": int((used["expert"] == expert).sum()),
                "rest_correlation": r,
                "mean_deviation": float(deviation.mean()) if len(deviation) else float("nan"),
                "mean_abs_deviation": float(deviation.abs().mean()) if len(deviation) else float("nan"),
                "outlier": bool(r < threshold) if not np.isnan(r) else False,
            }
        )
    return pd.DataFrame(rows, columns=["expert", "scores", "rest_correlation", "mean_deviation", "mean_abs_deviation", "outlier"])
