"""The reply-scoring contract (see docs/architecture.md): what goes in, what comes out.

Everything here is plain, immutable data so a score can be stored, serialised and
compared; `ReplyScore.to_dict()` is the shape the store and `eval --json` write.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

Locale = Literal["zh", "en"]

STAGES: tuple[str, ...] = ("venting", "cancel", "refund", "compensation", "inquiry", "closing")
ACTIONS: tuple[str, ...] = (
    "cancel", "refund", "compensation", "fee_waiver", "explain_charges", "escalate", "callback",
)
# Acts a reply can perform; `offer:<action>` and `decline:<action>` are built from ACTIONS
# (and a scenario's extra actions).
BASE_ACTS: tuple[str, ...] = (
    "acknowledge", "paraphrase", "question", "empathize", "apologize", "explain", "proactive", "close",
)
ACTS: tuple[str, ...] = BASE_ACTS + tuple(f"offer:{a}" for a in ACTIONS) + tuple(
    f"decline:{a}" for a in ACTIONS
)
LANDMINES: tuple[str, ...] = (
    "threaten", "accuse", "argue", "retaliate", "defy", "dismiss", "deflect", "overpromise",
)
DIMENSIONS: tuple[str, ...] = ("listening", "empathy", "policy")
# Highest level per dimension (policy is pass/fail).
MAX_LEVEL: Mapping[str, int] = {"listening": 2, "empathy": 2, "policy": 1}


@dataclass(frozen=True)
class Turn:
    """One earlier line of the call."""

    speaker: Literal["customer", "agent"]
    text: str


@dataclass(frozen=True)
class Policy:
    """What the agent may do: the shared action vocabulary plus caps.

    `extra_actions` maps a scenario-declared action name to per-locale phrases that
    name it, e.g. {"block_promos": {"en": ["block promotional texts"], "zh": ["屏蔽营销短信"]}}.
    """

    allow: tuple[str, ...] = ()
    forbid: tuple[str, ...] = ()
    refund_max_months: float | None = None
    refund_max_amount: float | None = None  # money, in the currency of the case's facts
    compensation_max_amount: float | None = None
    extra_actions: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)

    def allows(self, action: str) -> bool:
        return action in self.allow and action not in self.forbid

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> "Policy":
        data = data or {}
        extra = {
            name: {loc: tuple(phrases) for loc, phrases in (per_locale or {}).items()}
            for name, per_locale in (data.get("extra_actions") or data.get("actions") or {}).items()
        }
        def number(key: str) -> float | None:
            value = data.get(key)
            return float(value) if value is not None else None

        return cls(
            allow=tuple(data.get("allow") or ()),
            forbid=tuple(data.get("forbid") or ()),
            refund_max_months=number("refund_max_months"),
            refund_max_amount=number("refund_max_amount"),
            compensation_max_amount=number("compensation_max_amount"),
            extra_actions=extra,
        )


@dataclass(frozen=True)
class ReplyContext:
    """Everything the scorer may look at besides the reply itself.

    `interrupted` is True when the trainee sent while the customer was still talking;
    `latency` is seconds from the customer's line to the reply (None when unknown).
    `lexicon_extra` holds trainer-added lexicon entries in the lexicon file format
    (docs/lexicons.md), merged over the locale's built-in lexicon.
    """

    locale: Locale
    stage: str
    customer: str = ""
    history: tuple[Turn, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)
    policy: Policy = field(default_factory=Policy)
    interrupted: bool = False
    latency: float | None = None
    lexicon_extra: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Evidence:
    """A span of the reply (start, end: character offsets, end exclusive) and why it counted.

    `effect` is "+" when it raised the dimension and "-" when it lowered it. A span of
    (0, 0) marks evidence about the reply as a whole (e.g. "sent while the customer was talking").
    """

    start: int
    end: int
    label: str
    reason: str
    effect: Literal["+", "-"] = "+"

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label,
                "reason": self.reason, "effect": self.effect}


@dataclass(frozen=True)
class DimensionScore:
    score: int  # 0-100
    level: int  # 0-2 (policy 0-1)
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "level": self.level,
                "evidence": [e.to_dict() for e in self.evidence]}


@dataclass(frozen=True)
class Offer:
    """An action the reply offers or promises, with its size when one was stated."""

    action: str
    months: float | None = None  # e.g. refund of 3 months' fees
    amount: float | None = None  # e.g. refund of 30 (currency units)
    all_charges: bool = False    # "all the charges", "全部费用"
    start: int = 0
    end: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"action": self.action, "months": self.months, "amount": self.amount,
                "all_charges": self.all_charges, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class LandmineHit:
    category: str  # one of LANDMINES
    start: int
    end: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"category": self.category, "start": self.start, "end": self.end, "reason": self.reason}


@dataclass(frozen=True)
class ReplyScore:
    listening: DimensionScore
    empathy: DimensionScore
    policy: DimensionScore
    acts: tuple[str, ...] = ()
    offers: tuple[Offer, ...] = ()
    landmines: tuple[LandmineHit, ...] = ()

    def dimension(self, name: str) -> DimensionScore:
        return getattr(self, name)

    @property
    def repeated(self) -> bool:
        """The whole reply is an earlier agent line said again word for word (listening 0)."""
        return any(e.label == "repeat" for e in self.listening.evidence)

    @property
    def landmine_categories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(h.category for h in self.landmines))

    def to_dict(self) -> dict[str, Any]:
        return {
            "listening": self.listening.to_dict(),
            "empathy": self.empathy.to_dict(),
            "policy": self.policy.to_dict(),
            "acts": list(self.acts),
            "offers": [o.to_dict() for o in self.offers],
            "landmines": [h.to_dict() for h in self.landmines],
        }
