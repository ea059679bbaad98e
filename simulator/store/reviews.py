"""A trainer's last word on a turn: their levels, landmines and a note, kept beside the machine's.

A review never changes what the scorer said: the machine's scores stay in `turns` and `sessions`
and a review lives in its own row (`reviews`, schema 6), one per turn, with who and when. What a
reviewed call is worth is worked out from both when it is read:

- a reviewed turn's points come from the trainer's levels by the rule the scorer makes its own
  points with (scoring.rubric): a level the trainer kept keeps the machine's points (its evidence
  placed them in the band); a level the trainer changed has no evidence behind it, so it sits in
  the middle of its band (listening and empathy 20, 57 or 88; policy 0 or 100);
- the call's scores come from its turns by the one formula (simulator.scores.call_scores), with
  the machine's ending, service level and hints.

Plain Python over stored dicts: the store, the leaderboard, transcripts and exports use it alike.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Mapping

from simulator.plaintext import plain
from simulator.scores import DIMENSIONS, call_scores

MAX_NOTE_CHARS = 2000  # a note is read beside a turn, not an essay
MAX_NAME_CHARS = 200  # the reviewers column


def _scoring():
    """The scorer's vocabulary and its levels-to-points rule (imported when first needed: reading
    a plain leaderboard without reviews never loads the scorer)."""
    from scoring import rubric
    from scoring.types import LANDMINES, MAX_LEVEL

    return rubric, LANDMINES, MAX_LEVEL


@dataclass(frozen=True)
class Review:
    """One reviewed turn (`turn` is the 0-based index; people see turn + 1)."""

    session_id: int
    turn: int
    listening: int
    empathy: int
    policy: int
    landmines: tuple[str, ...]
    note: str
    reviewer: str
    reviewed_at: datetime

    def level(self, dimension: str) -> int:
        return getattr(self, dimension)

    def to_dict(self) -> dict[str, Any]:
        return {"turn": self.turn, "listening": self.listening, "empathy": self.empathy, "policy": self.policy,
                "landmines": list(self.landmines), "note": self.note, "reviewer": self.reviewer,
                "reviewed_at": self.reviewed_at.isoformat() + "Z"}


class ReviewError(ValueError):
    """A review that cannot be stored, said in one line (English); `key` and `values` say it in a
    screen's language (a catalogue message), where one exists."""

    def __init__(self, message: str, key: str = "", **values) -> None:
        super().__init__(message)
        self.key, self.values = key, values

    def said(self, tr) -> str:
        """The message in the catalogue `tr`'s language, else the English one."""
        return tr(self.key, **self.values) if self.key else str(self)


def check(*, listening: int, empathy: int, policy: int | None, landmines: Iterable[str], note: str,
          reviewer: str) -> dict[str, Any]:
    """The review's values, checked and cleaned; ReviewError says what is wrong.

    Levels are the scorer's (listening and empathy 0-2, policy 0-1); landmines its categories.
    As in the labelling rules, a reply with a landmine breaks policy: policy left out is 0 with a
    landmine and 1 without, and policy 1 with a landmine is refused."""
    _, categories, max_level = _scoring()
    mines = []
    for name in landmines:
        name = str(name).strip().lower()
        if name not in categories:
            raise ReviewError(f"unknown landmine '{plain(name, lines=False)[:40]}'; the categories are "
                              + ", ".join(categories))
        if name not in mines:
            mines.append(name)
    mines.sort(key=categories.index)
    if policy is None:
        policy = 0 if mines else 1
    levels = {"listening": listening, "empathy": empathy, "policy": policy}
    for dim, value in levels.items():
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= max_level[dim]:
            raise ReviewError(f"{dim} must be a level from 0 to {max_level[dim]}, not {value!r}")
    if mines and policy == 1:
        raise ReviewError("a reply with a landmine breaks policy: give policy 0, or no landmine")
    note = plain(note or "").strip()
    if len(note) > MAX_NOTE_CHARS:
        raise ReviewError(f"the note is {len(note)} characters; keep it under {MAX_NOTE_CHARS}")
    reviewer = plain(reviewer or "", lines=False).strip()
    if not reviewer:
        raise ReviewError("say who reviews (--reviewer NAME)")
    if len(reviewer) > MAX_NAME_CHARS:
        raise ReviewError(f"the reviewer's name is longer than {MAX_NAME_CHARS} characters")
    return {**levels, "landmines": tuple(mines), "note": note, "reviewer": reviewer}


def reviewed_score(score: Mapping[str, Any], review: Review) -> dict[str, Any]:
    """A stored turn's score (TurnResult.to_dict()["score"]) as the trainer reviewed it:
    {dimension: {"score", "level"}, "landmines": [categories]} (see the module docstring)."""
    rubric, _, _ = _scoring()
    out: dict[str, Any] = {}
    for dim in DIMENSIONS:
        machine = score.get(dim) or {}
        level = review.level(dim)
        if level == machine.get("level") and machine.get("score") is not None:
            points = machine["score"]  # the scorer's own points for this level and its evidence
        else:  # the trainer's level, with no evidence either way
            points = (rubric.policy_dimension if dim == "policy" else rubric.dimension)(level, []).score
        out[dim] = {"score": points, "level": level}
    out["landmines"] = list(review.landmines)
    return out


def reviewed_call(turns: list[Mapping[str, Any]], reviews: Mapping[int, Review], *, ending: str | None,
                  service_level: int | None, hints: int) -> dict[str, Any] | None:
    """The call's scores with its reviewed turns' scores in place of the machine's: listening,
    empathy, policy, overall and landmines as the sessions table holds them, and `reviewed_turns`.
    None when no turn of the call was reviewed."""
    if not reviews:
        return None
    per_turn, mines = [], 0
    for t in turns:
        score = t.get("score")
        if not score:
            continue  # a silence: nothing scored, nothing to review
        review = reviews.get(t["index"])
        if review is not None:
            per_turn.append({d: reviewed_score(score, review)[d]["score"] for d in DIMENSIONS})
            mines += len(review.landmines)
        else:
            per_turn.append({d: (score.get(d) or {}).get("score") or 0 for d in DIMENSIONS})
            mines += len({m.get("category") for m in score.get("landmines", [])})
    scores = call_scores(per_turn, service_level if ending else None, hints)
    return {**scores, "landmines": mines, "reviewed_turns": len(reviews)}
