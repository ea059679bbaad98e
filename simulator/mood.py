"""The caller's anger (0-100): how a scored reply moves it, and which mood band it is in."""
from __future__ import annotations

from dataclasses import dataclass

from scoring.types import ReplyScore
from simulator.scenario import Persona, PolicySpec, Scenario

# How strongly anger rises for each temperament (calming moves scale with patience instead).
TEMPERAMENT_GAIN = {"calm": 0.6, "steady": 0.8, "volatile": 1.2, "explosive": 1.5}
# The actions a caller in each stage is asking for; offering one (when allowed) calms them.
WANTED_BY_STAGE = {
    "venting": {"cancel"},
    "cancel": {"cancel"},
    "refund": {"refund", "fee_waiver"},
    "compensation": {"refund", "fee_waiver", "compensation"},
    "inquiry": {"explain_charges", "fee_waiver", "callback"},
    "closing": set(),
}


@dataclass(frozen=True)
class MoodChange:
    """One cause of a change in anger, e.g. ("empathy level 2", -10).

    `kind` (listening, empathy, landmine, policy_breach, offer, interrupted, silence) and
    `detail` (the level, landmine category or stage) let a UI say the cause in its own
    language; `cause` is the same in English words for the CLI and transcripts.
    """

    cause: str
    delta: float
    kind: str = ""
    detail: str | int | None = None

    def to_dict(self) -> dict:
        return {"cause": self.cause, "delta": round(self.delta, 1), "kind": self.kind, "detail": self.detail}


def scale(delta: float, persona: Persona) -> float:
    if delta > 0:
        return delta * TEMPERAMENT_GAIN.get(persona.temperament, 1.0)
    return delta * persona.patience / 3


def clamp(anger: float) -> float:
    return max(0.0, min(100.0, anger))


def reply_changes(score: ReplyScore, sc: Scenario, stage: str, interrupted: bool) -> list[MoodChange]:
    """Every cause by which this reply moves the caller's anger, already scaled by the persona."""
    rules = sc.mood.rules
    raw: list[tuple[str, float, str, str | int | None]] = [
        (f"listening level {score.listening.level}", rules.listening[score.listening.level],
         "listening", score.listening.level),
        (f"empathy level {score.empathy.level}", rules.empathy[score.empathy.level],
         "empathy", score.empathy.level),
    ]
    for category in score.landmine_categories:
        raw.append((f"landmine: {category}", rules.landmine, "landmine", category))
    if score.policy.level == 0 and not score.landmines:
        raw.append(("policy breach", rules.policy_breach, "policy_breach", None))
    if _offers_wanted(score, sc.policy, stage):
        raw.append((f"offered what the caller wants ({stage})", rules.offer, "offer", stage))
    if interrupted:
        raw.append(("talked over the caller", rules.interrupted, "interrupted", None))
    return [MoodChange(cause, scale(delta, sc.persona), kind, detail)
            for cause, delta, kind, detail in raw if delta]


def _offers_wanted(score: ReplyScore, policy: PolicySpec, stage: str) -> bool:
    wanted = WANTED_BY_STAGE.get(stage, set())
    for act in score.acts:
        if act.startswith("offer:"):
            action = act.split(":", 1)[1]
            if action in wanted and action in policy.allow and action not in policy.forbid:
                return True
    return False


def band_of(anger: float, bands: dict[str, int]) -> str:
    """The band with the highest lower bound not above `anger`."""
    fitting = [(low, name) for name, low in bands.items() if anger >= low]
    return max(fitting)[1] if fitting else min((low, name) for name, low in bands.items())[1]
