"""One call: a Session bound to the scenario's `transitions` state machine.

A Session is plain Python (no UI). Everything it does comes from its inputs — replies,
silences, hints — and its seed, so it serialises to JSON and replays to identical results.
"""
from __future__ import annotations

import random
import weakref
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from transitions import Machine

from scoring import ReplyContext, ReplyScore, Turn, score_reply
from scoring.types import Policy
from simulator import concerns
from simulator.conditions import ReplyFacts, clauses, holds
from simulator.loader import PLACEHOLDER
from simulator.mood import MoodChange, Strain, band_of, clamp, reply_changes, scale
from simulator.plaintext import plain
from simulator.scenario import MAX_REPLY_CHARS, Scenario  # one reply limit for the engine and lint
from simulator.scores import DIMENSIONS, HINT_COST, WEIGHTS, call_scores  # noqa: F401 - WEIGHTS, HINT_COST: the debrief's

SESSION_FORMAT = 1

# Said by the caller when a scenario has no line of its own for the event.
DEFAULT_REACTIONS = {
    "en": {"interrupted": "Don't cut me off! I haven't finished.",
           "silence": "Hello? Are you even there? I'm waiting!",
           "repeat": "You said that already. Are you reading from a script?"},
    "zh": {"interrupted": "你别打断我！我还没说完呢！",
           "silence": "喂？有人在吗？我还等着呢！",
           "repeat": "这话你刚才说过了，你是在念稿子吗？"},
}


class ReplyRejected(ValueError):
    """A reply the engine will not take (empty, too long, call already over); the message says why."""


class CallOver(RuntimeError):
    """The call has ended; no more replies."""


def clean_reply(text: str) -> str:
    """The reply as plain text: no escape sequences, control or bidi characters (plaintext.py)."""
    return plain(text)


def fill(line: str, facts: dict[str, Any]) -> str:
    """Fill {placeholders} from facts; {{ and }} stand for literal braces."""
    line = PLACEHOLDER.sub(lambda m: str(facts.get(m.group(1), m.group(0))), line)
    return line.replace("{{", "{").replace("}}", "}")


@dataclass
class TurnResult:
    """Everything one reply did: its score, the mood change, the transition and the caller's answer."""

    index: int
    kind: str  # "reply" or "silence"
    reply: str
    interrupted: bool
    latency: float | None
    state_before: str
    stage: str
    customer_before: str
    score: ReplyScore | None
    mood_before: float
    mood_after: float
    mood_changes: list[MoodChange]
    candidates: list[dict]  # every transition checked: to, fired, clauses
    state_after: str
    customer_line: str
    ending: str | None
    hints_before: int = 0  # hints used in this state before this reply
    after_hint: bool = False  # a hint was shown since the trainee's previous reply: this reply may lean on it
    broke_off: str | None = None  # the caller reached the breaking point: "landmines" or "top_band"
    concerns_met: list[str] = field(default_factory=list)  # the caller's concerns this reply addressed first
    human_caller: bool = False  # a person played the caller: customer_line is what they said
    held_ending: str | None = None  # human caller: the ending the machine would have taken, left to them
    moved_by_trainer: bool = False  # the trainer moved the call after this turn: state_after is their choice

    @property
    def transition(self) -> dict | None:
        return next((c for c in self.candidates if c["fired"]), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index, "kind": self.kind, "reply": self.reply,
            "interrupted": self.interrupted, "latency": self.latency,
            "state_before": self.state_before, "stage": self.stage,
            "customer_before": self.customer_before,
            "score": self.score.to_dict() if self.score else None,
            "mood_before": round(self.mood_before, 1), "mood_after": round(self.mood_after, 1),
            "mood_changes": [m.to_dict() for m in self.mood_changes],
            "candidates": self.candidates,
            "state_after": self.state_after, "customer_line": self.customer_line,
            "ending": self.ending, "hints_before": self.hints_before,
            "after_hint": self.after_hint, "broke_off": self.broke_off,
            "concerns_met": list(self.concerns_met),
            # only for a person's call, so every machine-played turn keeps the dict it always had
            **({"human_caller": True, "held_ending": self.held_ending} if self.human_caller else {}),
            **({"moved_by_trainer": True} if self.moved_by_trainer else {}),
        }


class _Holds:
    """A transitions condition built from our structured Condition (never from a name in YAML)."""

    def __init__(self, condition):
        self.condition = condition

    def __call__(self, event) -> bool:
        return holds(self.condition, event.kwargs["facts"])


class _Fired:
    """Records which transition of a state fired."""

    def __init__(self, source: str, index: int):
        self.source, self.index = source, index

    def __call__(self, event) -> None:
        event.model._fired = (self.source, self.index)


# One machine per loaded scenario, shared by all its sessions (models are added and removed).
_MACHINES: "weakref.WeakKeyDictionary[Scenario, Machine]" = weakref.WeakKeyDictionary()


def machine_for(sc: Scenario) -> Machine:
    if sc not in _MACHINES:
        transitions = []
        for name, state in sc.states.items():
            for i, t in enumerate(state.transitions):
                transitions.append({"trigger": "advance", "source": name, "dest": t.to,
                                    "conditions": [_Holds(t.when)], "after": [_Fired(name, i)]})
        transitions.append({"trigger": "give_up", "source": list(sc.states), "dest": sc.hang_up_ending()})
        transitions.append({"trigger": "break_off", "source": list(sc.states), "dest": sc.breaking_ending()})
        _MACHINES[sc] = Machine(model=None, states=list(sc.states) + list(sc.endings),
                                transitions=transitions, initial=sc.start_state,
                                auto_transitions=False, send_event=True)
    return _MACHINES[sc]


CALLERS = ("machine", "human")


class Session:
    """A call in progress. `state` is kept by the transitions Machine.

    caller="human": a person plays the caller (the live class, simulator/live.py). Every reply is
    still scored and moves the mood, and the machine still moves between states, but the caller's
    words come from `caller_says`, and the call ends only when the person ends it (`move_to` an
    ending): an ending the machine would have taken is kept in `held_ending` for them to decide."""

    state: str

    def __init__(self, scenario: Scenario, seed: int = 0, *, lexicon_extra: dict | None = None,
                 scorer: Callable[[str, ReplyContext], ReplyScore] = score_reply, caller: str = "machine"):
        if caller not in CALLERS:
            raise ValueError(f"caller must be one of {', '.join(CALLERS)}, not {caller!r}")
        self.caller = caller
        self.first_caller = caller  # the call may change hands (hand_over): a replay starts with this one
        self.person_spoke = False  # a person said any of the caller's lines (caller_says)
        self.held_ending: str | None = None
        self.scenario = scenario
        self.seed = seed
        self.rng = random.Random(seed)
        self.lexicon_extra = lexicon_extra if lexicon_extra is not None else scenario.lexicon_extra()
        self._score = scorer
        self.mood: float = float(scenario.mood.start)
        self.turns: list[TurnResult] = []
        self.events: list[dict[str, Any]] = []
        self.history: list[Turn] = []
        self.turns_in_state = 0
        self.hints_used = 0
        self.hints_in_state = 0
        self.hint_pending = False  # a hint shown and not yet followed by a reply
        self.ending: str | None = None
        self.strain = Strain()  # landmines so far, one not yet repaired, replies in a row at the top band
        self.met: list[str] = []  # the caller's concerns addressed so far, in the order they were
        self._used_lines: set[str] = set()
        self._recent: deque[str] = deque(maxlen=2)  # the last lines _pick chose (unfilled)
        self._contexts: dict[int, ReplyContext] = {}  # turn index -> what the scorer saw (or would have)
        self._fired: tuple[str, int] | None = None
        self._policy = Policy.from_dict({
            "allow": scenario.policy.allow, "forbid": scenario.policy.forbid,
            "refund_max_months": scenario.policy.refund_max_months,
            "refund_max_amount": scenario.policy.refund_max_amount,
            "compensation_max_amount": scenario.policy.compensation_max_amount,
            "extra_actions": scenario.policy.actions,
        })
        self.machine = machine_for(scenario)
        self.machine.add_model(self, initial=scenario.start_state)
        # The model keeps its bound triggers (advance, give_up, break_off) after removal, so the shared
        # machine holds no reference to a session: one that is dropped mid-call is freed.
        self.machine.remove_model(self)
        if self.human:
            self.opening = ""  # the person's first words (caller_says) open the call
        else:
            self.opening = self._line_for_state(self.state)
            self.history.append(Turn("customer", self.opening))

    # ------------------------------------------------------------------ queries
    @property
    def human(self) -> bool:
        return self.caller == "human"

    @property
    def over(self) -> bool:
        return self.ending is not None

    @property
    def stage(self) -> str:
        return self.scenario.states[self.state].stage if self.state in self.scenario.states else "closing"

    @property
    def band(self) -> str:
        return band_of(self.mood, self.scenario.mood.bands)

    @property
    def service_level(self) -> int | None:
        """The service level the call earned (None before it ends): see concerns.level_reached."""
        return concerns.level_reached(self.scenario, self.ending, self.met) if self.ending else None

    @property
    def last_customer_line(self) -> str:
        return next((t.text for t in reversed(self.history) if t.speaker == "customer"), "")

    def _context(self, customer: str, stage: str, *, interrupted: bool = False,
                 latency: float | None = None) -> ReplyContext:
        return ReplyContext(locale=self.scenario.locale, stage=stage, customer=customer,
                            history=tuple(self.history), facts=dict(self.scenario.facts),
                            policy=self._policy, interrupted=interrupted, latency=latency,
                            lexicon_extra=self.lexicon_extra)

    def warm_up(self) -> None:
        """Score a throwaway reply in this call's context, changing nothing: it loads what this
        scenario's scoring needs (its lexicon phrases, the models) before the trainee's first reply."""
        self._score("ok", self._context(self.opening, self.stage))

    def score_in_place_of(self, turn: TurnResult, text: str) -> ReplyScore:
        """How `text` would have scored as the reply of `turn`: the same caller line, history and
        stage, sent in time (not over the caller). The debrief uses it to pick a model answer."""
        ctx = replace(self._contexts[turn.index], interrupted=False, latency=None)
        return self._score(clean_reply(text), ctx)

    def hint(self) -> str | None:
        """A model answer for the current state; using one is recorded (it costs points)."""
        if self.over:
            return None
        answers = self.scenario.states[self.state].model_answers
        if not answers:
            return None
        self.hints_used += 1
        self.hints_in_state += 1
        self.hint_pending = True
        self.events.append({"type": "hint"})
        return fill(answers[(self.hints_in_state - 1) % len(answers)], self.scenario.facts)

    # ------------------------------------------------------------------ inputs
    def reply(self, text: str, *, interrupted: bool = False, latency: float | None = None) -> TurnResult:
        """Score the trainee's reply and move the mood; then the call breaks off if the caller has had
        enough (mood.breaking_point), else the first transition that holds fires."""
        if self.over:
            raise CallOver("the call is over")
        clean = clean_reply(text)
        if not clean:
            raise ReplyRejected("empty reply: type what you would say to the caller")
        if len(clean) > MAX_REPLY_CHARS:
            raise ReplyRejected(f"reply is {len(clean)} characters; keep it under {MAX_REPLY_CHARS} "
                                "(nobody can say that much on a call)")
        self.events.append({"type": "reply", "text": clean, "interrupted": interrupted, "latency": latency})
        state, stage = self.state, self.stage
        ctx = self._context(self.last_customer_line, stage, interrupted=interrupted, latency=latency)
        self._contexts[len(self.turns)] = ctx
        score = self._score(clean, ctx)
        mood_before = self.mood
        changes = reply_changes(score, self.scenario, stage, interrupted, repairing=self.strain.unrepaired)
        self.mood = clamp(self.mood + sum(c.delta for c in changes))
        self.turns_in_state += 1
        broke_off = self.strain.after_reply(score, mood_before, self.mood, self.scenario.mood.bands,
                                            self.scenario.mood.breaking_point)
        newly_met = concerns.addressed(self.scenario, score, clean, self.met)
        self.met += newly_met
        facts = ReplyFacts(
            acts=frozenset(score.acts),
            levels={"listening": score.listening.level, "empathy": score.empathy.level,
                    "policy": score.policy.level},
            mood=self.mood, turns_in_state=self.turns_in_state,
            landmines=frozenset(score.landmine_categories), policy_breach=score.policy.level == 0,
            interrupted=interrupted, met=frozenset(self.met),
            # A line said again word for word tells the caller nothing new: it moves the call only by
            # what goes wrong (conditions.moves_on_a_repeat). A pasted earlier answer had resolved
            # calls, with thanks, that the caller never heard out.
            repeated=score.repeated,
        )
        self._fired = None
        candidates = []
        held = None
        if broke_off and self.human:
            held = self.scenario.breaking_ending()  # the person decides whether the caller hangs up
        elif broke_off:
            self.break_off()  # sustained failure: the caller has had enough, whatever the transitions say
        else:
            self.advance(facts=facts)
            fired_index = self._fired[1] if self._fired else None
            for i, t in enumerate(self.scenario.states[state].transitions):
                if fired_index is not None and i > fired_index:
                    break
                candidates.append({"index": i, "to": t.to, "note": t.note, "fired": i == fired_index,
                                   "clauses": [[text, ok] for text, ok in clauses(t.when, facts)]})
            if self.state == state and len(self.turns) + 1 >= self.scenario.max_turns:
                self.give_up()  # a call cannot go on for ever: the caller gives up
            if self.human and self.state in self.scenario.endings:
                held, self.state = self.state, state  # only the person ends a call they play
        self.held_ending = held
        self.history.append(Turn("agent", clean))
        line = "" if self.human else self._caller_answer(state, score, interrupted)
        hints_before, moved = self.hints_in_state, self.state != state
        after_hint, self.hint_pending = self.hint_pending, False  # only the first reply after a hint
        if moved:
            self.turns_in_state = 0
            self.hints_in_state = 0
        result = TurnResult(
            index=len(self.turns), kind="reply", reply=clean, interrupted=interrupted, latency=latency,
            state_before=state, stage=stage, customer_before=ctx.customer, score=score,
            mood_before=mood_before, mood_after=self.mood, mood_changes=changes, candidates=candidates,
            state_after=self.state, customer_line=line, ending=self.ending, hints_before=hints_before,
            after_hint=after_hint, broke_off=broke_off, concerns_met=newly_met,
            human_caller=self.human, held_ending=held)
        self.turns.append(result)
        return result

    def silence(self) -> TurnResult:
        """The trainee left the caller waiting: anger rises, the caller says so (and may hang up)."""
        if self.over:
            raise CallOver("the call is over")
        self.events.append({"type": "silence"})
        state, mood_before = self.state, self.mood
        waited_on = self.last_customer_line  # what the caller said before falling silent, not the prompt after
        self._contexts[len(self.turns)] = self._context(waited_on, self.stage)  # what a reply would have met
        change = MoodChange("left the caller waiting", scale(self.scenario.mood.rules.silence, self.scenario.persona),
                            "silence")
        self.mood = clamp(self.mood + change.delta)
        held = None
        if self.human:
            line = ""  # the person answers the silence, or ends the call
            held = self.scenario.hang_up_ending() if self.mood >= 100 else None
            self.held_ending = held
        elif self.mood >= 100:
            self.give_up()
            line = self._ending_line()
        else:
            line = self._reaction(state, "silence") or ""
            self.history.append(Turn("customer", line))
        result = TurnResult(
            index=len(self.turns), kind="silence", reply="", interrupted=False, latency=None,
            state_before=state, stage=self.scenario.states[state].stage, customer_before=waited_on,
            score=None, mood_before=mood_before, mood_after=self.mood, mood_changes=[change], candidates=[],
            state_after=self.state, customer_line=line, ending=self.ending, human_caller=self.human,
            held_ending=held)
        self.turns.append(result)
        return result

    # ------------------------------------------------------------------ a person plays the caller
    def caller_says(self, text: str) -> str:
        """A line the person playing the caller said (plain text, at most MAX_REPLY_CHARS). It
        answers the last reply: several lines in a row make one answer. Returns the line kept."""
        if not self.human:
            raise ValueError("the machine plays the caller in this call")
        if self.over:
            raise CallOver("the call is over")
        line = clean_reply(text)
        if not line:
            raise ReplyRejected("empty line: type what the caller says")
        line = line[:MAX_REPLY_CHARS]
        self.events.append({"type": "caller", "text": line})
        self.person_spoke = True
        self.history.append(Turn("customer", line))
        if self.turns:
            last = self.turns[-1]
            last.customer_line = self._joined(last.customer_line, line)
            last.human_caller = True  # a person said (some of) this answer
        else:
            self.opening = self._joined(self.opening, line)
        return line

    def hand_over(self, caller: str) -> str:
        """Who plays the caller from here on: the trainer hands a live call back to the machine, or
        takes it over from the machine. The machine, taking over, answers the last reply if the
        person had not (with the ending it had left to them, else the line for where the call is,
        without the reaction it would have had to the reply as it came); a person taking over says
        what comes next. Returns the machine's line, or "". A hand-over to whoever already plays
        the caller is refused (ValueError): a second F8 sent before the first came back."""
        if caller not in CALLERS:
            raise ValueError(f"caller must be one of {', '.join(CALLERS)}, not {caller!r}")
        if self.over:
            raise CallOver("the call is over")
        if caller == self.caller:
            raise ValueError(f"the {caller} already plays the caller")
        self.events.append({"type": "hand_over", "caller": caller})
        self.caller = caller
        if self.human:
            return ""
        held, self.held_ending = self.held_ending, None
        last = self.turns[-1] if self.turns else None
        if last is None:
            if self.opening:
                return ""
            self.opening = self._said(self._line_for_state(self.state))  # nobody had opened the call yet
            return self.opening
        if last.customer_line:
            return ""  # the person answered the last reply (and so kept the call going): the machine answers the next
        if held is not None:
            self.state = held
            line = self._ending_line()
        else:
            line = self._said(self._next_line(last.state_before))
        last.state_after, last.ending, last.held_ending = self.state, self.ending, None
        last.customer_line, last.human_caller = line, False  # the machine's words answer this reply
        return line

    def targets(self) -> list[str]:
        """Where a call may be moved by hand: the scenario's states, then its endings."""
        return [*self.scenario.states, *self.scenario.endings]

    def move_to(self, name: str) -> str:
        """Move the call to a state or an ending by hand (the trainer's decision, not a transition's).

        The last turn's outcome follows. With the machine as the caller it says the new state's
        line, or the ending's; with a person, they say what comes next. Returns that line."""
        if self.over:
            raise CallOver("the call is over")
        if name not in self.scenario.states and name not in self.scenario.endings:
            raise ValueError(f"no state or ending '{name}' in scenario '{self.scenario.id}'")
        self.events.append({"type": "move", "to": name})
        moved = name != self.state
        self.state = name  # the model left the machine at once: its state is a plain attribute
        self.held_ending = None
        if moved:
            self.turns_in_state = 0
            self.hints_in_state = 0
        line = ""
        if name in self.scenario.endings:
            if self.human:
                self.ending = name
            else:
                line = self._ending_line()
        elif moved and not self.human:
            line = self._line_for_state(name)
            self.history.append(Turn("customer", line))
        if self.turns:
            last = self.turns[-1]
            last.state_after, last.ending, last.held_ending = self.state, self.ending, None
            if moved or name in self.scenario.endings:  # the transcript says so: the reply did not take it there
                last.moved_by_trainer = True
            if line:
                last.customer_line = self._joined(last.customer_line, line)
        return line

    # ------------------------------------------------------------------ the caller's lines
    def _caller_answer(self, state_before: str, score: ReplyScore, interrupted: bool) -> str:
        if self.state in self.scenario.endings:
            return self._ending_line()
        parts: list[str] = []
        if interrupted:
            parts.append(self._reaction(state_before, "interrupted"))
        heard = ""  # the caller's reaction to what the reply did: a landmine, an over-promise, a question
        for category in score.landmine_categories:
            heard = self._reaction(state_before, category, default=False)
            if heard:
                break
        repeat = not heard and score.repeated
        if repeat:
            heard = self._reaction(state_before, "repeat")  # "you said that already", then what they still want
        elif not score.landmines and overpromised(score):
            heard = self._reaction(state_before, "overpromise", default=False)  # not "too small"
        elif not score.landmines and "question" in score.acts and self.state == state_before:
            heard = self._reaction(state_before, "question", default=False)  # answers it, instead of `again`
        parts.append(heard)
        if self.state != state_before or not heard or repeat:
            parts.append(self._next_line(state_before))
        return self._said(self._joined(*parts))

    def _next_line(self, state_before: str) -> str:
        """The new state's line, or the current state's `again` line when the reply kept the call there."""
        return self._line_for_state(self.state) if self.state != state_before else self._again_line(self.state)

    def _said(self, line: str) -> str:
        self.history.append(Turn("customer", line))
        return line

    def _joined(self, *lines: str) -> str:
        """The caller's lines said one after another: Chinese runs them on without a space
        ("好，你说的。行，我的要求三条"), English puts one between them."""
        return ("" if self.scenario.locale == "zh" else " ").join(t.strip() for t in lines if t and t.strip())

    def _ending_line(self) -> str:
        name = self.state
        self.ending = name
        say = concerns.ending_text(self.scenario.endings[name], self.met, "say", self.mood)
        line = self._pick(say) if say else ""
        if line:
            self.history.append(Turn("customer", line))
        return line

    def _line_for_state(self, name: str) -> str:
        st = self.scenario.states[name]
        variant = concerns.state_variant(st.variants, self.met)
        return self._pick(variant.say if variant and variant.say is not None else st.say)

    def _again_line(self, name: str) -> str:
        """What the caller says when a reply keeps the call in `name`: the variant for the concerns
        addressed so far first, so the caller does not ask again for what was already done."""
        st = self.scenario.states[name]
        variant = concerns.state_variant(st.variants, self.met)
        if variant and variant.again is not None:
            return self._pick(variant.again)
        if st.again is not None:
            return self._pick(st.again)
        return self._pick(variant.say if variant and variant.say is not None else st.say)

    def _reaction(self, state: str, key: str, default: bool = True) -> str:
        lines = self.scenario.states[state].reactions.get(key) or self.scenario.reactions.get(key)
        if lines:
            return self._pick(lines)
        return DEFAULT_REACTIONS[self.scenario.locale].get(key, "") if default else ""

    def _pick(self, lines) -> str:
        """A line for the current mood band, preferring ones not said yet; seeded, so replayable.
        When the band's lines have all been said, one for any mood that has not comes first, then
        any of both; a line is said twice only when nothing else is left, and never one of the last
        two said (this turn's reaction and the line before it) if another will do (a furious caller
        had said her one furious line back to back, word for word)."""
        if isinstance(lines, dict):
            band = self.band
            options = lines.get(band) or lines.get("any")
            if not options:  # nearest band by threshold that has lines
                bands = self.scenario.mood.bands
                ranked = sorted((b for b in lines if b in bands), key=lambda b: abs(bands[b] - bands[band]))
                options = lines[ranked[0]] if ranked else next(iter(lines.values()))
            elif options is lines.get(band) and not self._unsaid(options) and lines.get("any"):
                anyone = lines["any"]
                options = anyone if self._unsaid(anyone) else options + [l for l in anyone if l not in options]
        else:
            options = lines
        fresh = (self._unsaid(options) or [l for l in options if l not in self._recent]
                 or [l for l in options if not self._recent or l != self._recent[-1]] or list(options))
        line = fresh[self.rng.randrange(len(fresh))]
        self._used_lines.add(line)
        self._recent.append(line)
        return fill(line, self.scenario.facts)

    def _unsaid(self, options) -> list[str]:
        return [l for l in options if l not in self._used_lines]

    # ------------------------------------------------------------------ results
    def summary(self) -> dict[str, Any]:
        """The call's scores: averages per dimension, the ending (and its title as shown), and the
        overall score (docs/scoring.md)."""
        return {**summarise(self.scenario, self.turns, self.ending, self.hints_used), "ending_title": self.ending_title}

    @property
    def ending_title(self) -> str | None:
        """The ending's title for what this call addressed and the caller's last anger (the
        variant's, EndingVariant), or its name when it has none; None before an ending."""
        if self.ending is None:
            return None
        return concerns.ending_text(self.scenario.endings[self.ending], self.met, "title", self.mood) or self.ending

    def to_json(self) -> dict[str, Any]:
        """Inputs and results; `Session.replay` rebuilds an identical session from the inputs."""
        return {
            "format": SESSION_FORMAT, "scenario_id": self.scenario.id, "file_hash": self.scenario.file_hash,
            "seed": self.seed, "caller": self.first_caller, "events": list(self.events), "opening": self.opening,
            "turns": [t.to_dict() for t in self.turns], "ending": self.ending, "summary": self.summary(),
        }

    @classmethod
    def replay(cls, scenario: Scenario, data: dict[str, Any], **kwargs) -> "Session":
        if data.get("scenario_id") not in (None, scenario.id):
            raise ValueError(f"session is for scenario '{data.get('scenario_id')}', not '{scenario.id}'")
        session = cls(scenario, seed=int(data.get("seed", 0)), caller=data.get("caller", "machine"), **kwargs)
        for event in data.get("events", []):
            if session.over:
                break
            if event["type"] == "reply":
                session.reply(event["text"], interrupted=bool(event.get("interrupted")),
                              latency=event.get("latency"))
            elif event["type"] == "silence":
                session.silence()
            elif event["type"] == "hint":
                session.hint()
            elif event["type"] == "caller":
                session.caller_says(event["text"])
            elif event["type"] == "move":
                session.move_to(event["to"])
            elif event["type"] == "hand_over":
                session.hand_over(event["caller"])
        return session


def overpromised(score: ReplyScore) -> bool:
    """A reply that breaks policy by what it offers (over a cap, or a forbidden action)."""
    return score.policy.level == 0 and any(a.startswith("offer:") for a in score.acts)


def summarise(sc: Scenario, turns: list[TurnResult], ending: str | None, hints: int) -> dict[str, Any]:
    scored = [t for t in turns if t.score is not None]
    done = [cid for t in turns for cid in t.concerns_met]
    level = concerns.level_reached(sc, ending, done) if ending else None
    scores = call_scores(({d: t.score.dimension(d).score for d in DIMENSIONS} for t in scored), level, hints)
    return {
        **scores, "ending": ending,
        "outcome": sc.endings[ending].outcome if ending else None, "service_level": level,
        "turns": len(scored), "hints": hints,
        "landmines": sum(len(t.score.landmine_categories) for t in scored),
        "interruptions": sum(1 for t in scored if t.interrupted),
        "concerns_met": done,
    }
