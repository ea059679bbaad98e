"""Pure reply scoring: listening, empathy and policy adherence for one trainee reply.

Imports nothing from `simulator` and never `textual` (tests/test_imports.py enforces it).
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
from scoring.scorer import score_reply

__all__ = [
    "ACTIONS", "ACTS", "DIMENSIONS", "LANDMINES", "STAGES",
    "DimensionScore", "Evidence", "LandmineHit", "Offer", "Policy",
    "ReplyContext", "ReplyScore", "Turn", "score_reply",
]
