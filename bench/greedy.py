"""The hand method panels use today, as a baseline: sort by score, take the top until the count or budget is
reached, then patch each quota by swapping the weakest non-quota village for the best quota village."""

from __future__ import annotations

from pool.read import Pool
from scoring.score import Scores
from solver.rules import ResolvedRules


def greedy_shortlist(pool: Pool, scores: Scores, rules: ResolvedRules) -> list[str]:
    ranked = scores.ranked()
    frame = pool.frame
    limit = rules.count[1] if rules.count else len(ranked)
    chosen, spent = [], 0.0
    for index in ranked.index:
        if len(chosen) == limit:
            break
        cost = float(frame.at[index, "cost"])
        if rules.budget is not None and spent + cost > rules.budget:
            continue
        chosen.append(index)
        spent += cost
    for quota in rules.quotas:
        if quota.low is None:
            continue
        flagged = frame[quota.flag].fillna(False).astype(bool)
        waiting = [i for i in ranked.index if flagged[i] and i not in chosen]
        while sum(flagged[i] for i in chosen) < quota.low and waiting:
            weakest = min((i for i in chosen if not flagged[i]), key=lambda i: scores.table.at[i, "score"], default=None)
            if weakest is None:
                break
            chosen.remove(weakest)
            chosen.append(waiting.pop(0))
    return frame.loc[chosen, "village_id"].tolist()
