"""The live class, engine side: a live call's events replayed into a Session, and what the guest
(the trainer playing the caller) is offered to say.

Every participant of a live call keeps its own Session, built from the call's scenario and seed,
and applies the call's events (simulator/store/live.py) in their one order with `apply`. The scorer
and the line choice are deterministic, so the trainee's screen, the guest console and the watch view
hold the same session turn for turn: nobody sends scores around, and nobody can disagree.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.session import DEFAULT_REACTIONS, CallOver, ReplyRejected, Session, TurnResult, fill


@dataclass
class Applied:
    """What one event did to a session."""

    kind: str
    turn: TurnResult | None = None  # reply, silence
    line: str = ""  # what the caller said: a person's line, or the machine's after a move
    hint: str | None = None
    refused: str | None = None  # the engine would not take it (same in every replica)


def apply(session: Session, kind: str, body: dict[str, Any]) -> Applied:
    """Apply one live event. Events that do not change the call (joined, pause...) change nothing."""
    out = Applied(kind)
    try:
        if kind == "reply":
            latency = body.get("latency")
            out.turn = session.reply(str(body.get("text", "")), interrupted=bool(body.get("interrupted")),
                                     latency=float(latency) if isinstance(latency, (int, float)) else None)
        elif kind == "silence":
            out.turn = session.silence()
        elif kind == "hint":
            out.hint = session.hint()
        elif kind == "caller":
            out.line = session.caller_says(str(body.get("text", "")))
        elif kind == "move":
            out.line = session.move_to(str(body.get("to", "")))
        elif kind == "hand_over":
            out.line = session.hand_over(str(body.get("caller", "")))
    except (ReplyRejected, CallOver, ValueError) as exc:
        out.refused = str(exc)
    return out


@dataclass(frozen=True)
class Suggestion:
    """A line the scenario offers the guest: `source` says where it comes from (say, again, a reaction)."""

    source: str
    text: str


def _band_lines(lines, band: str, bands: dict[str, float]) -> list[str]:
    if isinstance(lines, dict):
        if lines.get(band) or lines.get("any"):
            return list(lines.get(band) or lines.get("any"))
        ranked = sorted((b for b in lines if b in bands), key=lambda b: abs(bands[b] - bands[band]))
        return list(lines[ranked[0]]) if ranked else [l for v in lines.values() for l in v]
    return list(lines or [])


def suggestions(session: Session, limit: int = 9) -> list[Suggestion]:
    """The scenario's lines for where the call is: the state's lines for the caller's mood band
    (its entry lines first when the call has just arrived there), then the reactions that fit the
    last reply (a landmine, talking over), then the rest of the state's reactions. Facts filled in."""
    sc = session.scenario
    if session.over or session.state not in sc.states:
        return []
    st, band, bands = sc.states[session.state], session.band, sc.mood.bands
    last = session.turns[-1] if session.turns else None
    arrived = last is None or last.state_before != session.state
    say = [Suggestion("say", l) for l in _band_lines(st.say, band, bands)]
    again = [Suggestion("again", l) for l in _band_lines(st.again, band, bands)] if st.again else []
    out = say + again if arrived else again + say
    reactions = {**sc.reactions, **st.reactions}
    fitting: list[str] = []
    if last is not None and last.score is not None:
        fitting = list(last.score.landmine_categories) + (["interrupted"] if last.interrupted else []) + \
            (["repeat"] if last.score.repeated else [])
    elif last is not None and last.kind == "silence":
        fitting = ["silence"]
    for key in fitting:
        lines = reactions.get(key) or ([DEFAULT_REACTIONS[sc.locale][key]] if key in DEFAULT_REACTIONS[sc.locale] else [])
        out = [Suggestion(key, l) for l in _band_lines(lines, band, bands)] + out
    for key, lines in reactions.items():
        if key not in fitting:
            out += [Suggestion(key, l) for l in _band_lines(lines, band, bands)]
    seen: set[str] = set()
    unique = []
    for s in out:
        text = fill(s.text, sc.facts)
        if text not in seen:
            seen.add(text)
            unique.append(Suggestion(s.source, text))
    return unique[:limit]


def machine_move(session: Session) -> tuple[str, str] | None:
    """What the machine did or would do after the last turn: (from, to) of the transition it took,
    or of the ending it left to the person playing the caller; None when it stayed put."""
    if not session.turns:
        return None
    last = session.turns[-1]
    if last.held_ending:
        return last.state_before, last.held_ending
    fired = last.transition
    if fired is not None and fired["to"] != last.state_before:
        return last.state_before, fired["to"]
    return None
