"""Pure reply scoring: listening, empathy and policy adherence for one trainee reply.

Imports nothing from `simulator` and never `textual` (tests/test_imports.py enforces it).
`score_reply` is imported on first use: the types are all most importers need (a scenario, the
store, the app's first screen), and the scorer's regexes and model stay out of their start-up.
"""
from scoring.types import (
    ACTIONS,
    ACTS,
    DIMENSIONS,
    LANDMINES,
    STAGES,
    DimensionScore,
    Evidence,
    LandmineHit,
    Offer,
    Policy,
    ReplyContext,
    ReplyScore,
    Turn,
)

__all__ = [
    "ACTIONS", "ACTS", "DIMENSIONS", "LANDMINES", "STAGES",
    "DimensionScore", "Evidence", "LandmineHit", "Offer", "Policy",
    "ReplyContext", "ReplyScore", "Turn", "score_reply",
]


def __getattr__(name: str):
    if name == "score_reply":
        from scoring.scorer import score_reply

        return score_reply
    raise AttributeError(f"module 'scoring' has no attribute {name!r}")
