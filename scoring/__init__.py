"""Eligibility rules with reasons, normalisation, weights (direct, AHP, entropy, hierarchical), composite scores."""

from scoring.eligibility import Eligibility, Reason, assess_eligibility
from scoring.score import Scores, score_pool

__all__ = ["Eligibility", "Reason", "Scores", "assess_eligibility", "score_pool"]
