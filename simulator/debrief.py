"""What a call taught, as data: the verdict, the next step on the service ladder, the things to
fix first and the model answer worth showing beside a weak turn.

Plain Python, no UI: the debrief screen (simulator/tui/debrief_screen.py) words and draws it.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from scoring.normalise import normalise_phrase
from scoring.types import MAX_LEVEL
from simulator import concerns
from simulator.session import Session, TurnResult, fill

PASS_MARK = 60  # overall points a resolved call needs to pass
FAILING_OUTCOMES = ("hung_up", "escalated")  # these fail whatever the points
TOP_LEVEL = 5  # the service ladder: 1 answer .. 5 innovate (docs/trainee-guide.md, DOMAIN §6)
NEAR_IDENTICAL = 0.8  # normalised similarity at which a model answer is the trainee's own reply
DIMENSIONS = ("listening", "empathy", "policy")


# ---------------------------------------------------------------------------- pass or fail
@dataclass(frozen=True)
class Verdict:
    """Pass or fail, and why: `reason` is resolved, below_mark, hung_up, escalated or unfinished."""

    passed: bool
    reason: str
    overall: float | None
    mark: int = PASS_MARK


def passes(status: str, outcome: str | None, overall: float | None) -> bool:
    """The pass rule on a stored call (as `verdict` has it for a live one): completed, an ending
    that is not a hang-up or an escalation, and at least PASS_MARK points."""
    return (status == "completed" and outcome not in FAILING_OUTCOMES and overall is not None
            and overall >= PASS_MARK)


def verdict(session: Session) -> Verdict:
    """A call passes when it ends resolved with at least PASS_MARK points; a call that ends hung up
    or escalated fails whatever its points, and an unfinished call does not pass."""
    summary = session.summary()
    overall, outcome = summary.get("overall"), summary.get("outcome")
    if session.ending is None:
        return Verdict(False, "unfinished", overall)
    if outcome in FAILING_OUTCOMES:
        return Verdict(False, outcome, overall)
    if overall is None or overall < PASS_MARK:
        return Verdict(False, "below_mark", overall)
    return Verdict(True, "resolved", overall)


# ---------------------------------------------------------------------------- one try against the last
@dataclass(frozen=True)
class Attempt:
    """What a finished call came to, kept so the next try at the same scenario is set beside it."""

    overall: float | None
    service_level: int | None
    passed: bool


def attempt(session: Session) -> Attempt:
    v = verdict(session)
    return Attempt(v.overall, session.service_level if session.ending else None, v.passed)


# ---------------------------------------------------------------------------- the service ladder
@dataclass(frozen=True)
class NextLevel:
    """The step above the level reached: its number, the caller's concerns still open up to it
    (labels; empty when the scenario declares none, or the ending rather than a concern held the
    level down), and, for a scenario without concerns, its ending there, if any."""

    level: int
    ending_title: str | None = None
    concerns: tuple[str, ...] = ()


def next_level(session: Session) -> NextLevel | None:
    """The next service level (None at the top, or for a call with no ending)."""
    if session.ending is None:
        return None
    sc = session.scenario
    reached = session.service_level or 0
    if reached >= TOP_LEVEL:
        return None
    level = reached + 1
    if sc.concerns:
        # The lowest step above `reached` that has concerns: what was missing to climb it.
        steps = sorted({concerns.LADDER[c.level] for c in sc.concerns.values() if concerns.LADDER[c.level] > reached})
        if not steps:  # the scenario asks nothing above this: no level to name that no call could reach
            return None
        open_ = concerns.needed_for(sc, steps[0], session.met)
        return NextLevel(steps[0], None, tuple(sc.concerns[cid].label for cid in open_))
    there = [(name, e) for name, e in sc.endings.items()
             if e.service_level == level and e.outcome not in FAILING_OUTCOMES]
    title = (there[0][1].title or there[0][0]) if there else None
    return NextLevel(level, title)


@dataclass(frozen=True)
class ConcernStatus:
    """One of the caller's concerns at the end of the call: addressed first on turn `turn` (an
    index), or never (None); if never, `masked` is the first turn that said it beside a landmine
    (the caller hears nothing past one), so the debrief does not call it "not addressed"."""

    id: str
    label: str
    turn: int | None
    masked: int | None = None


def concern_status(session: Session) -> list[ConcernStatus]:
    """Every concern the scenario declares, in its order, with the turn that addressed it."""
    sc = session.scenario
    first = {cid: t.index for t in session.turns for cid in t.concerns_met}
    out = []
    for cid, c in sc.concerns.items():
        masked = None
        if cid not in first:
            masked = next((t.index for t in session.turns if t.score is not None and t.score.landmines
                           and concerns.signs(c, t.score, t.reply, sc.facts, locale=sc.locale, past_landmines=True)),
                          None)
        out.append(ConcernStatus(cid, c.label, first.get(cid), masked))
    return out


def ending_texts(session: Session) -> tuple[str, str]:
    """The ending's title and debrief for what this call addressed (EndingVariant), never a text
    that contradicts it."""
    ending = session.scenario.endings[session.ending]
    return session.ending_title, (concerns.ending_text(ending, session.met, "debrief", session.mood) or "").strip()


# ---------------------------------------------------------------------------- what to fix first
SEVERITY = {"landmine": 0, "interrupted": 1, "silence": 1, "evidence": 2, "level": 3}


@dataclass(frozen=True)
class Fix:
    """One thing to do differently, from the scores of turn `turn` (an index; `also` lists the
    other turns with the same problem). `kind` is landmine, interrupted, silence, evidence (a
    piece of evidence that lowered a dimension) or level (a dimension at 0 with no evidence)."""

    kind: str
    turn: int
    name: str = ""  # the landmine category, or the dimension
    quote: str = ""  # the words of the reply it is about
    reason: str = ""  # the scorer's explanation
    also: tuple[int, ...] = field(default=())
    level: int = 0  # evidence: the level the dimension got (a 0 weighs more than a 1)

    @property
    def turns(self) -> tuple[int, ...]:
        return (self.turn, *self.also)


def _problems(turn: TurnResult) -> list[tuple[tuple, Fix]]:
    """(key, Fix) for each problem of one turn; the key says when two turns share a problem."""
    if turn.kind == "silence":
        return [(("silence",), Fix("silence", turn.index))]
    score = turn.score
    if score is None:
        return []
    found: list[tuple[tuple, Fix]] = []
    mine_spans = []
    for hit in score.landmines:
        mine_spans.append((hit.start, hit.end))
        found.append((("landmine", hit.category),
                      Fix("landmine", turn.index, hit.category, turn.reply[hit.start:hit.end], hit.reason)))
    if turn.interrupted:
        found.append((("interrupted",), Fix("interrupted", turn.index)))
    said: set[tuple] = set()  # one mistake that lowered two dimensions (a repeat) is one thing to fix
    for dim in DIMENSIONS:
        ds = score.dimension(dim)
        lowered = False
        for ev in ds.evidence:
            if ev.effect != "-" or ds.level == MAX_LEVEL[dim]:
                continue  # a line against a turn that still got full marks there lowered nothing
            lowered = True
            if ev.label == "interrupted" and turn.interrupted:
                continue  # said once, as "interrupted"
            if any(s < ev.end and ev.start < e for s, e in mine_spans):
                continue  # the landmine on the same words says it
            if (ev.label, ev.reason, ev.start, ev.end) in said:
                continue
            said.add((ev.label, ev.reason, ev.start, ev.end))
            found.append((("evidence", dim, ev.label, _unquoted(ev.reason)),
                          Fix("evidence", turn.index, dim, turn.reply[ev.start:ev.end], ev.reason or ev.label,
                              level=ds.level)))
        if ds.level == 0 and not lowered and not (dim == "policy" and score.landmines):
            found.append((("level", dim), Fix("level", turn.index, dim)))
    return found


# A reason's quote of the reply, wherever it sits: 'I'm sorry' (an apostrophe inside the words
# does not end it), “…”, 「…」; then the brackets it leaves empty.
_QUOTE = re.compile(r"(?:(?<=^)|(?<=[\s(（]))'.*?'(?=$|[\s)）,.;:!?])|“.*?”|「.*?」|‘.*?’", re.S)
_EMPTY = re.compile(r"\s*[(（]\s*[)）]|\s+")


def _unquoted(reason: str) -> str:
    """What a reason says without the words it quotes: two turns share a problem when their
    reasons say the same thing of different words ("responds, but takes up nothing specific",
    "'…' was already said earlier in the call"), not when only the kind of evidence is the same
    (the model's line for level 0 and for 1)."""
    return _EMPTY.sub(lambda m: " " if m.group().isspace() else "", _QUOTE.sub("", reason or "")).strip()


def things_to_fix(session: Session, limit: int = 3) -> list[Fix]:
    """The `limit` problems to work on first: landmines, then talking over or leaving the caller
    waiting, then evidence that lowered a score (to 0 before to 1), then a dimension left at 0;
    among equals, the one repeated on more turns, then the earlier. Each problem appears once,
    with its turns."""
    grouped: dict[tuple, list[Fix]] = {}
    for turn in session.turns:
        seen: set[tuple] = set()
        followed = _follows_model_answer(session, turn)
        for key, fix in _problems(turn):
            if followed and fix.kind in ("evidence", "level"):
                continue  # the product's own answer, typed back: not the trainee's to fix (trial 24)
            if key not in seen:
                seen.add(key)
                grouped.setdefault(key, []).append(fix)
    ranked = sorted(grouped.values(), key=lambda fixes: (SEVERITY[fixes[0].kind], min(f.level for f in fixes),
                                                         -len(fixes), fixes[0].turn))
    return [_with_also(fixes) for fixes in ranked[:limit]]


def _model_answers(session: Session, turn: TurnResult) -> list[str]:
    """The model answers (hints) of the state `turn` replied in, facts filled in, each once."""
    state = session.scenario.states.get(turn.state_before)
    if state is None:
        return []
    return list(dict.fromkeys(fill(a, session.scenario.facts) for a in state.model_answers))


def _follows_model_answer(session: Session, turn: TurnResult) -> bool:
    """The reply is one of its state's model answers (the hint) typed back, near enough."""
    return turn.kind == "reply" and any(similarity(a, turn.reply) >= NEAR_IDENTICAL
                                        for a in _model_answers(session, turn))


def _with_also(fixes: list[Fix]) -> Fix:
    first = fixes[0]
    return Fix(first.kind, first.turn, first.name, first.quote, first.reason,
               tuple(f.turn for f in fixes[1:]), first.level)


# ---------------------------------------------------------------------------- the model answer
def _plain(text: str) -> str:
    """Text reduced to what it says: normalised like the scorer's matching, letters and digits only."""
    return "".join(ch for ch in normalise_phrase(text) if ch.isalnum())


def similarity(a: str, b: str) -> float:
    """0-1: how alike two replies read once case, width, punctuation and spacing are set aside."""
    a, b = _plain(a), _plain(b)
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _strength(score) -> tuple:
    levels = {d: score.dimension(d) for d in DIMENSIONS}
    return (-len(score.landmine_categories), levels["policy"].level,
            levels["listening"].level + levels["empathy"].level, sum(ds.score for ds in levels.values()))


def model_answer(session: Session, turn: TurnResult) -> str | None:
    """The state's model answer to show beside `turn`: of those not near-identical to the trainee's
    own reply (similarity >= NEAR_IDENTICAL, e.g. a hint typed back), the one that scores best in
    the turn's place; None when the state has none left, or none that scores better than the
    trainee's reply did."""
    answers = [a for a in _model_answers(session, turn) if similarity(a, turn.reply) < NEAR_IDENTICAL]
    if not answers:
        return None
    strength = {a: _strength(session.score_in_place_of(turn, a)) for a in answers}
    best = max(answers, key=strength.__getitem__)
    if turn.score is None:
        return best  # a silence: any answer is better
    # Shown as the better reply, so its words must score better than the trainee's did, scored the
    # same way (in that place, sent in time: the trainee's own score may carry an interruption's cap).
    return best if strength[best] > _strength(session.score_in_place_of(turn, turn.reply)) else None
