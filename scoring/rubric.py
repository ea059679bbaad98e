"""Levels -> 0-100 scores, consistent with the level (docs/lexicons.md, "Scores").

Listening and empathy: level 0 -> 0-39, 1 -> 40-74, 2 -> 75-100. Within a band the score
starts at the band's middle and moves with the balance of positive and negative evidence
(each piece +/- 10% of the band), so two level-2 replies can still be told apart.
Policy is pass/fail: level 1 -> 100, level 0 -> 0.
"""
from __future__ import annotations

from typing import Iterable

from scoring.types import DimensionScore, Evidence

BANDS: dict[int, tuple[int, int]] = {0: (0, 39), 1: (40, 74), 2: (75, 100)}
POLICY_SCORES: dict[int, int] = {0: 0, 1: 100}
_STEP = 0.1


def band_score(level: int, evidence: Iterable[Evidence]) -> int:
    low, high = BANDS[level]
    balance = sum(1 if e.effect == "+" else -1 for e in evidence)
    position = min(1.0, max(0.0, 0.5 + _STEP * balance))
    return int(round(low + position * (high - low)))


def dedupe(evidence: Iterable[Evidence]) -> tuple[Evidence, ...]:
    """One line per (start, end, label): the same span found twice is one piece of evidence."""
    seen: set[tuple[int, int, str]] = set()
    out: list[Evidence] = []
    for e in evidence:
        key = (e.start, e.end, e.label)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return tuple(out)


def dimension(level: int, evidence: list[Evidence]) -> DimensionScore:
    kept = dedupe(evidence)
    return DimensionScore(band_score(level, kept), level, kept)


def policy_dimension(level: int, evidence: list[Evidence]) -> DimensionScore:
    return DimensionScore(POLICY_SCORES[level], level, dedupe(evidence))
