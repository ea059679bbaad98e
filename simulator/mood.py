"""The caller's anger (0-100): how a scored reply moves it, which mood band it is in, and when
the caller has had enough (the breaking point: sustained failure rather than a single slip)."""
from __future__ import annotations

from dataclasses import dataclass

from scoring.types import ReplyScore
from simulator.scenario import BreakingPoint, Persona, PolicySpec, Scenario

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
# Acts that repair a landmine: an apology, named feelings, the caller's point restated.
RECOVERY_ACTS = frozenset({"apologize", "empathize", "paraphrase"})
# Why a call broke off (TurnResult.broke_off).
BROKE_ON_LANDMINES = "landmines"
BROKE_ON_TOP_BAND = "top_band"


@dataclass(frozen=True)
class MoodChange:
    """One cause of a change in anger, e.g. ("empathy level 2", -10).

    `kind` (listening, empathy, landmine, policy_breach, offer, interrupted, silence, recovery) and
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


def is_recovery(score: ReplyScore) -> bool:
    """A reply that repairs a landmine: no landmine of its own, and an apology, empathy or the
    caller's point restated."""
    return not score.landmines and bool(RECOVERY_ACTS & set(score.acts))


def reply_changes(score: ReplyScore, sc: Scenario, stage: str, interrupted: bool,
                  repairing: bool = False) -> list[MoodChange]:
    """Every cause by which this reply moves the caller's anger, already scaled by the persona.

    `repairing`: a landmine earlier in the call has not been repaired yet, so a recovering
    reply (is_recovery) earns `rules.recovery` on top of its levels."""
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
    wanted = _offers_wanted(score, sc.policy, stage)
    if wanted:
        raw.append((f"offered what the caller wants ({wanted})", rules.offer, "offer", wanted))
    if interrupted:
        raw.append(("talked over the caller", rules.interrupted, "interrupted", None))
    if repairing and is_recovery(score):
        raw.append(("repaired the landmine", rules.recovery, "recovery", None))
    return [MoodChange(cause, scale(delta, sc.persona), kind, detail)
            for cause, delta, kind, detail in raw if delta]


def _offers_wanted(score: ReplyScore, policy: PolicySpec, stage: str) -> str | None:
    """The first action offered that a caller at this stage wants and the policy allows, or None."""
    wanted = WANTED_BY_STAGE.get(stage, set())
    for act in score.acts:
        if act.startswith("offer:"):
            action = act.split(":", 1)[1]
            if action in wanted and action in policy.allow and action not in policy.forbid:
                return action
    return None


def band_of(anger: float, bands: dict[str, int]) -> str:
    """The band with the highest lower bound not above `anger`."""
    fitting = [(low, name) for name, low in bands.items() if anger >= low]
    return max(fitting)[1] if fitting else min((low, name) for name, low in bands.items())[1]


def top_band_floor(bands: dict[str, int]) -> float | None:
    """The lowest anger of the top mood band, or None when there is only one band (no top to reach)."""
    floor = max(bands.values(), default=0)
    return floor if floor > 0 else None


@dataclass
class Strain:
    """What the caller has put up with so far in a call, and whether it is now too much.

    One per Session; `after_reply` is told about every reply in order (silences do not count).
    """

    landmines: int = 0        # replies with a landmine so far
    unrepaired: bool = False  # a landmine that no recovering reply has followed yet
    top_band_run: int = 0     # replies in a row that left the caller in the top band, no calmer

    def after_reply(self, score: ReplyScore, anger_before: float, anger: float, bands: dict[str, int],
                    limits: BreakingPoint) -> str | None:
        """Count this reply; the reason the caller breaks off now (BROKE_ON_*), or None."""
        floor = top_band_floor(bands)
        in_top_band = floor is not None and anger >= floor
        if score.landmines:
            self.landmines += 1
            self.unrepaired = True
        elif self.unrepaired and is_recovery(score):
            self.unrepaired = False
        # A reply that calms a furious caller, even a little, is progress: the run starts again.
        stuck = in_top_band and anger >= anger_before
        self.top_band_run = self.top_band_run + 1 if stuck else 0
        if score.landmines and limits.landmines and self.landmines >= limits.landmines and in_top_band:
            return BROKE_ON_LANDMINES
        if limits.top_band_turns and self.top_band_run >= limits.top_band_turns:
            return BROKE_ON_TOP_BAND
        return None
