"""The scenario model, format v1 (docs/scenario-format.md is the reference).

These dataclasses are the single source of truth for the format: the loader validates
YAML against their type hints, and the JSON Schema in scenarios/ is generated from them.
`doc` metadata on a field becomes the schema's description (what an editor shows on hover).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Union

FORMAT_VERSION = 1
Locale = Literal["zh", "en"]
Stage = Literal["venting", "cancel", "refund", "compensation", "inquiry", "closing"]
Outcome = Literal["resolved", "escalated", "hung_up"]
Temperament = Literal["calm", "steady", "volatile", "explosive"]
Dimension = Literal["listening", "empathy", "policy"]
# The service ladder's steps a concern can belong to (DOMAIN.md §6); 5, innovate, is a bonus no concern earns.
ServiceStep = Literal["answer", "resolve", "complete", "extend"]
LADDER: dict[str, int] = {"answer": 1, "resolve": 2, "complete": 3, "extend": 4}
# A line list, or lines per mood band (`any` is used when the current band has none).
Lines = Union[list[str], dict[str, list[str]]]

# Reactions to what happened rather than to a landmine: talking over the caller, leaving them
# waiting, a question the trainee asked (the caller answers it), and an earlier line said again
# word for word. A `reactions` key is one of these or a landmine category.
EVENT_REACTIONS = ("interrupted", "silence", "question", "repeat")
MAX_REPLY_CHARS = 2000  # longer than anyone says in one breath on a call; the engine refuses more


def doc(text: str, default: Any = ..., factory: Any = None) -> Any:
    """A dataclass field with a description for the schema and the format reference."""
    meta = {"doc": text}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    if default is ...:
        return field(metadata=meta)
    return field(default=default, metadata=meta)


@dataclass
class Persona:
    name: str = doc("The caller's name as shown on the call screen.")
    temperament: Temperament = doc(
        "How fast anger rises: calm x0.6, steady x0.8, volatile x1.2, explosive x1.5.", "volatile")
    patience: int = doc(
        "1-5. How readily good replies calm the caller: calming moves are scaled by patience/3.", 3)
    speech_rate: float = doc(
        "Words (en) or characters (zh) per second when the caller's lines are spoken in the app.", 4.0)
    silence_seconds: float = doc(
        "Seconds the caller waits for the trainee to start answering before getting angrier and saying "
        "so (0 = never). Typing, or a draft in the reply box, stops this clock.", 30.0)
    exam_silence_seconds: float | None = doc(
        "The same wait in exam mode, where it may be stricter (default: silence_seconds).", None)

    def silence_limit(self, mode: str) -> float:
        """Seconds of silence the caller allows in this mode ("coach" or "exam"); 0 = never."""
        if mode == "exam" and self.exam_silence_seconds is not None:
            return self.exam_silence_seconds
        return self.silence_seconds


@dataclass
class PolicySpec:
    allow: list[str] = doc("Actions the agent may take: cancel, refund, compensation, fee_waiver, "
                           "explain_charges, escalate, callback, or an action declared under `actions`.")
    forbid: list[str] = doc("Actions never allowed here (a reply offering one is a policy breach).", factory=list)
    refund_max_months: float | None = doc("Cap on a refund, in months of fees (e.g. 1 = one goodwill month).",
                                          None)
    refund_max_amount: float | None = doc("Cap on a refund, in money (the currency of the facts, e.g. 50).",
                                          None)
    compensation_max_amount: float | None = doc("Cap on goodwill compensation or credit, in money (e.g. 20).",
                                                None)
    actions: dict[str, dict[str, list[str]]] = doc(
        "Extra actions this scenario declares: name -> {zh: [phrases], en: [phrases]}. The first phrase in "
        "the language on screen also names the action there (policy card, evidence).", factory=dict)
    card: str = doc("The policy card a trainee can open during the call (plain text).", "")


@dataclass
class MoodRules:
    listening: list[int] = doc("Anger change for a reply at listening level 0, 1, 2.",
                               factory=lambda: [8, 0, -6])
    empathy: list[int] = doc("Anger change for a reply at empathy level 0, 1, 2.",
                             factory=lambda: [8, -2, -10])
    landmine: int = doc("Anger added for each landmine category in a reply.", 20)
    policy_breach: int = doc("Anger added when a reply breaks policy without a landmine "
                             "(an over-promise the caller will not get).", 5)
    offer: int = doc("Anger change when a reply offers an allowed action the current stage asks for "
                     "(cancel in `cancel`, refund in `refund`...).", -10)
    interrupted: int = doc("Anger added when the trainee talks over the caller.", 10)
    silence: int = doc("Anger added each time the trainee leaves the caller waiting too long.", 10)
    recovery: int = doc("Anger change for the first reply after a landmine that repairs it: it apologises, "
                        "empathises or restates the caller's point, with no landmine of its own.", -10)


@dataclass
class BreakingPoint:
    """When the caller has had enough: sustained failure ends the call (a single landmine ends it only
    where a transition says so)."""

    landmines: int = doc("A reply with a landmine ends the call when it is the Nth (or a later) landmine "
                         "reply of the call and leaves the caller in the top mood band (0 = never).", 2)
    top_band_turns: int = doc("The call ends when this many replies in a row leave the caller in the top "
                              "mood band and no calmer than before (0 = never).", 3)
    ending: str | None = doc("The ending the call goes to when it breaks (default: the first `escalated` "
                             "ending with service level 0, else the `on_max_turns` ending).", None)


@dataclass
class MoodSpec:
    start: int = doc("Anger at the start of the call, 0-100.", 70)
    rules: MoodRules = doc("How each scored reply moves anger (defaults shown).", factory=MoodRules)
    bands: dict[str, int] = doc(
        "Mood bands by the lowest anger they cover; the band picks the caller's line.",
        factory=lambda: {"furious": 75, "angry": 50, "annoyed": 25, "calm": 0})
    breaking_point: BreakingPoint = doc("When sustained failure ends the call, whatever the transitions say "
                                        "(defaults shown).", factory=BreakingPoint)


@dataclass
class LexiconExtra:
    """Company phrases for this scenario, merged over the scorer's built-in lexicon
    (format: docs/lexicons.md)."""

    families: dict[str, list[str]] = doc(
        "More phrases per family, e.g. {threaten: [report you to the bureau], acknowledge: [roger]}.",
        factory=dict)
    actions: dict[str, list[str]] = doc("More phrases naming an action, e.g. {refund: [credit back]}.",
                                        factory=dict)
    reasons: dict[str, str] = doc("Evidence text per label, in the scenario's language.", factory=dict)


@dataclass
class Concern:
    """Something the caller needs settled (why it failed, the late fee, stopping future charges...),
    and what shows that a reply addressed it: any one of the signs listed. A reply with a landmine
    addresses nothing (the caller hears only the landmine)."""

    label: str = doc("What it is, in the call's language (shown in the debrief and the transcript).")
    level: ServiceStep = doc(
        "Its step on the service ladder: answer (what the caller asked), resolve (their actual problem), "
        "complete (so they need not call again) or extend (an extra they did not ask for but need). A step is "
        "reached when all its concerns and those below are addressed; extend takes any one extra.", "resolve")
    acts: list[str] = doc("The scorer's acts that address it (any of them), e.g. explain, proactive, "
                          "offer:cancel.", factory=list)
    offers: list[str] = doc("Actions whose offer addresses it (any of them): cancel, refund... or the "
                            "scenario's own.", factory=list)
    within_caps: bool = doc("Count an offer only when the reply keeps to policy (no refund above the cap, "
                            "nothing forbidden).", True)
    facts: list[str] = doc("Facts whose value, said in the reply, addresses it (any of them).", factory=list)
    phrases: list[str] = doc("Phrases that address it (any of them), in the scorer's phrase syntax "
                             "(docs/lexicons.md), so one phrase can cover a family of wordings: "
                             "`block* (your|the) card`, `call* ... back`, `系统.{0,4}(晚|慢)`. English phrases "
                             "match whole words; case, width and spacing are set aside.", factory=list)


@dataclass
class Condition:
    """All keys given must hold (AND). An empty condition always holds."""

    acts: list[str] = doc("Every one of these acts is in the reply (e.g. acknowledge, offer:cancel).",
                          factory=list)
    any_acts: list[str] = doc("At least one of these acts is in the reply.", factory=list)
    no_acts: list[str] = doc("None of these acts is in the reply.", factory=list)
    levels: dict[str, int] = doc("Dimension levels at least: {listening: 2, empathy: 1, policy: 1}.",
                                 factory=dict)
    levels_below: dict[str, int] = doc("Dimension levels below: {empathy: 1} means empathy 0.",
                                       factory=dict)
    mood_above: int | None = doc("Anger after this reply is above this value.", None)
    mood_below: int | None = doc("Anger after this reply is below this value.", None)
    turns_in_state: int | None = doc("At least this many replies spent in this state, this one included.",
                                     None)
    landmine: Union[bool, list[str], None] = doc(
        "true: the reply has any landmine; false: none; a list: one of these categories.", None)
    policy_breach: bool | None = doc("true: the reply breaks policy; false: it does not.", None)
    interrupted: bool | None = doc("true: the trainee talked over the caller.", None)
    met: list[str] = doc("Every one of these concerns has been addressed, by this reply or an earlier one.",
                         factory=list)
    unmet: list[str] = doc("None of these concerns has been addressed yet, this reply included.",
                           factory=list)

    def is_empty(self) -> bool:
        return self == Condition()


@dataclass
class Transition:
    to: str = doc("The state or ending this transition goes to.")
    when: Condition = doc("When it fires; omit for 'always' (use as the last, fallback transition).",
                          factory=Condition)
    note: str = doc("Why this transition exists, shown in the play-test panel and the diagram.", "")


@dataclass
class StateVariant:
    """Other lines for a state while some concerns are (or are not yet) addressed."""

    met: list[str] = doc("These concerns have all been addressed.", factory=list)
    unmet: list[str] = doc("None of these has been addressed yet.", factory=list)
    say: Union[list[str], dict[str, list[str]], None] = doc("Said on entering the state instead of `say`.",
                                                             None)
    again: Union[list[str], dict[str, list[str]], None] = doc(
        "Said instead of `again` when a reply keeps the call here.", None)


@dataclass
class State:
    stage: Stage = doc("Which stage of the complaint arc this state belongs to.")
    say: Lines = doc("What the caller says on entering this state: a list, or lists per mood band.")
    again: Union[list[str], dict[str, list[str]], None] = doc(
        "What the caller says when a reply keeps the call in this state (defaults to `say`).", None)
    reactions: dict[str, list[str]] = doc(
        "Lines for a reply with a landmine category (threaten, accuse...), `interrupted`, `silence`, "
        "`question` (the caller's answer to a question the trainee asked) or `repeat` (an earlier line said "
        "again word for word); they override the scenario-wide `reactions`.", factory=dict)
    model_answers: list[str] = doc("What a skilled agent might say here (the hint key shows one).",
                                   factory=list)
    transitions: list[Transition] = doc("Checked in order after each reply; the first that holds fires. "
                                        "If none holds, the call stays here.", factory=list)
    variants: list[StateVariant] = doc(
        "Lines that depend on the concerns addressed so far: the first variant whose `met` and `unmet` hold "
        "replaces `say` / `again` (so the caller never asks again for what was already done).", factory=list)


@dataclass
class EndingVariant:
    """Other last words, title or debrief for an ending, by the concerns addressed in the call."""

    met: list[str] = doc("These concerns have all been addressed.", factory=list)
    unmet: list[str] = doc("None of these has been addressed.", factory=list)
    mood_above: int | None = doc(
        "The caller's anger when the call ends is above this (0-100): a resolved ending reached with the "
        "caller still furious gets last words and a debrief that say so, not thanks.", None)
    say: list[str] | None = doc("The caller's last words instead of `say`.", None)
    title: str | None = doc("Instead of `title`.", None)
    debrief: str | None = doc("Instead of `debrief`.", None)


@dataclass
class Ending:
    outcome: Outcome = doc("resolved, escalated (over the agent's head) or hung_up.")
    service_level: int = doc("0-5 on the service ladder (1 answer, 2 resolve, 3 complete, 4 extend, "
                             "5 innovate; 0 for a failed call). With `concerns`, the level is earned from the "
                             "concerns addressed and this is the most the ending allows; without, it is the "
                             "level reached.")
    say: list[str] = doc("The caller's last words.", factory=list)
    title: str = doc("Short name shown in the debrief.", "")
    debrief: str = doc("What the trainer would say about this ending.", "")
    variants: list[EndingVariant] = doc(
        "Texts that depend on the concerns addressed in the call: the first variant whose `met` and `unmet` "
        "hold replaces `say`, `title` and `debrief` where it gives them (so they never contradict the call).",
        factory=list)


@dataclass
class StoryReply:
    text: str = doc("The trainee's reply.")
    interrupted: bool = doc("Sent while the caller was still talking.", False)


@dataclass
class Story:
    name: str = doc("What this story proves.")
    replies: list[Union[str, StoryReply]] = doc("The trainee's replies, in order.")
    ending: str = doc("The ending the replies must reach.")
    states: list[str] | None = doc("Optional: the states the call must pass through, in order "
                                   "(the start state first).", None)
    seed: int = doc("Random seed for line choice.", 0)
    service_level: int | None = doc("Optional: the service level the call must reach.", None)
    met: list[str] | None = doc("Optional: the concerns addressed by the end of the call, exactly.", None)
    title: str | None = doc("Optional: the ending's title the trainee must see (an ending variant's title where one "
                            "holds, e.g. the one for a caller still furious).", None)


@dataclass(eq=False)  # compared by identity: sessions cache one state machine per loaded scenario
class Scenario:
    id: str = doc("Unique id, e.g. vas-sms-refund-en (letters, digits, - and _).")
    title: str = doc("Title shown in the scenario picker.")
    locale: Locale = doc("Language of the call: zh or en.")
    states: dict[str, State] = doc("The call's states by name; the first one is where the call starts "
                                   "unless `start` says otherwise.")
    endings: dict[str, Ending] = doc("How the call can end, by name.")
    version: int = doc("Scenario format version.", FORMAT_VERSION)
    difficulty: int = doc("1 (gentle) to 5 (brutal).", 3)
    tags: list[str] = doc("Free tags for the picker: telecom, bank, refund...", factory=list)
    summary: str = doc("One or two sentences for the picker.", "")
    brief: str = doc("What the agent knows before the call (shown in the brief panel).", "")
    facts: dict[str, Union[str, int, float, bool]] = doc(
        "What the agent's screen shows (service, fee, dates...); usable in lines as {name}.", factory=dict)
    fact_labels: dict[str, str] = doc(
        "How the brief panel names each fact, in the call's language, e.g. {monthly_fee: 月费}. A fact "
        "without a label is shown by its key in words (monthly fee); lint warns about that in a zh "
        "scenario.", factory=dict)
    persona: Persona = doc("Who is calling and how they react.", factory=lambda: Persona(name="Caller"))
    policy: PolicySpec = doc("What the agent may do.", factory=lambda: PolicySpec(allow=[]))
    mood: MoodSpec = doc("The caller's anger model.", factory=MoodSpec)
    reactions: dict[str, list[str]] = doc(
        "Scenario-wide lines for landmine categories, `interrupted`, `silence`, `question` (the caller "
        "answers a question the trainee asked) and `repeat` (the trainee said an earlier line again word "
        "for word).", factory=dict)
    concerns: dict[str, Concern] = doc(
        "What the caller needs settled, by id, in the order of the service ladder; the engine tracks which "
        "are addressed, and the service level reached is earned from them.", factory=dict)
    lexicon: LexiconExtra | None = doc("Company phrases the scorer should know in this scenario "
                                       "(forbidden phrases, action phrases).", None)
    start: str | None = doc("The state the call starts in (default: the first state).", None)
    max_turns: int = doc("After this many replies the caller gives up (ending `on_max_turns`).", 30)
    on_max_turns: str | None = doc("Ending used when max_turns is reached (default: the first hung_up "
                                   "ending).", None)
    stages: list[str] | None = doc("Stage track shown in the app (default: the stages of the states, "
                                   "in order).", None)
    stories: list[Story] = doc("Test stories: replies and the ending they must reach.", factory=list)

    # Filled by the loader, not read from YAML.
    source: str = field(default="", metadata={"internal": True})
    file_hash: str = field(default="", metadata={"internal": True})

    def fact_label(self, key: str) -> str:
        """What the brief panel calls a fact: its label, else its key in words."""
        return self.fact_labels.get(key) or key.replace("_", " ")

    @property
    def start_state(self) -> str:
        return self.start or next(iter(self.states))

    @property
    def stage_track(self) -> list[str]:
        if self.stages:
            return list(self.stages)
        return list(dict.fromkeys(s.stage for s in self.states.values() if s.stage != "closing"))

    def lexicon_extra(self) -> dict[str, Any] | None:
        """The scenario's extra lexicon in the scorer's format, or None."""
        if self.lexicon is None:
            return None
        return {k: v for k, v in {"families": self.lexicon.families, "actions": self.lexicon.actions,
                                  "reasons": self.lexicon.reasons}.items() if v}

    def breaking_ending(self) -> str:
        """Where the call goes when the caller reaches the breaking point (mood.breaking_point)."""
        if self.mood.breaking_point.ending:
            return self.mood.breaking_point.ending
        for name, ending in self.endings.items():
            if ending.outcome == "escalated" and ending.service_level == 0:  # a failed call, not a handover
                return name
        return self.hang_up_ending()

    def hang_up_ending(self) -> str:
        if self.on_max_turns:
            return self.on_max_turns
        for name, ending in self.endings.items():
            if ending.outcome == "hung_up":
                return name
        return next(iter(self.endings))
