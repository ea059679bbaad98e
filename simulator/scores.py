"""The call's scores from its turns' scores: the one formula of docs/architecture.md, "The
overall score". Pure arithmetic, no engine: `session.summarise` uses it for a call as played and
`store/reviews.py` for a call as a trainer reviewed it, so both add up alike."""
from __future__ import annotations

import math
from typing import Iterable, Mapping

DIMENSIONS = ("listening", "empathy", "policy")
# Weights of the overall score; shown in the debrief and documented in docs/scoring.md.
WEIGHTS = {"listening": 0.3, "empathy": 0.3, "policy": 0.2, "service": 0.2}
HINT_COST = 5


def call_scores(turn_scores: Iterable[Mapping[str, float]], service_level: int | None,
                hints: int) -> dict[str, float | None]:
    """Mean per-reply score of each dimension (0-100, one decimal) and the overall score.

    `turn_scores`: each scored reply's {dimension: 0-100}. `service_level`: the ending's level
    (None for a call with no ending, which then has no overall score)."""
    scored = list(turn_scores)
    dims: dict[str, float | None] = {
        d: round(sum(s[d] for s in scored) / len(scored), 1) if scored else None for d in DIMENSIONS}
    overall = None
    if service_level is not None and scored:
        raw = (WEIGHTS["listening"] * dims["listening"] + WEIGHTS["empathy"] * dims["empathy"]
               + WEIGHTS["policy"] * dims["policy"] + WEIGHTS["service"] * service_level * 20)
        overall = round(max(0.0, min(100.0, raw - HINT_COST * hints)), 1)
    return {**dims, "overall": overall}


def shown(score: float | int | None, missing: str = "-") -> str:
    """A call's score as every screen and command shows it: one decimal ("82.0", not "82" in one
    place and "82.0" in the next, trial 27)."""
    return missing if score is None else f"{score:.1f}"


def shown_rate(rate: float | None, missing: str = "-") -> str:
    """A share (0-1) as a whole percentage, halves rounded up as a manager reads them: 5 of 8 is
    "63%" (Python's round-half-even and the float's own 0.625 had made it "62%", trial 29)."""
    if rate is None:
        return missing
    shown = math.floor(rate * 100 + 0.5 + 1e-9)
    if 0 < rate < 1:  # 199 of 200 is not everyone, 1 of 201 not no one
        shown = min(99, max(1, shown))
    return f"{shown}%"
