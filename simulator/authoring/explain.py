"""`mystery-guest test --explain`: why a story left the path the trainer expected.

For a failing story it shows the call reply by reply, then the reply where it went wrong:
the acts and levels the scorer detected (with the words that counted), how the caller's
anger moved and why, every transition checked in order with each clause held or not, and
what the transition to the expected next state would have needed.
"""
from __future__ import annotations

from simulator.conditions import ReplyFacts, clauses
from simulator.scenario import Scenario
from simulator.session import TurnResult
from simulator.stories import StoryResult

INDENT = "     "


def _turns_in_state(turns: list[TurnResult], index: int) -> int:
    """Replies spent in the state up to and including turn `index` (the count a condition sees)."""
    count = 0
    state = turns[index].state_before
    for t in reversed(turns[: index + 1]):
        if t.state_before != state:
            break
        if t is not turns[index] and t.state_after != state:
            break
        count += 1
    return count


def facts_of(turns: list[TurnResult], index: int) -> ReplyFacts:
    """The facts a condition saw at turn `index`, rebuilt from the recorded turn."""
    t = turns[index]
    s = t.score
    return ReplyFacts(
        acts=frozenset(s.acts),
        levels={"listening": s.listening.level, "empathy": s.empathy.level, "policy": s.policy.level},
        mood=t.mood_after, turns_in_state=_turns_in_state(turns, index),
        landmines=frozenset(s.landmine_categories), policy_breach=s.policy.level == 0,
        interrupted=t.interrupted, met=frozenset(c for u in turns[:index + 1] for c in u.concerns_met))


def _expected_next(res: StoryResult, index: int) -> str | None:
    states = res.story.states
    if states is not None and index + 1 < len(states):
        return states[index + 1]
    return None


def _one_line(t: TurnResult) -> str:
    s = t.score
    if s is None:
        return f"{t.state_before} -> {t.state_after}   (silence)"
    addressed = f"; addressed: {', '.join(t.concerns_met)}" if t.concerns_met else ""
    broke = "; the caller's breaking point" if t.broke_off else ""
    return (f"{t.state_before} -> {t.state_after}   acts: {', '.join(s.acts) or '-'}; "
            f"L{s.listening.level} E{s.empathy.level} P{s.policy.level}; "
            f"anger {t.mood_before:.0f} -> {t.mood_after:.0f}{addressed}{broke}")


def explain(sc: Scenario, res: StoryResult) -> list[str]:
    """Lines explaining a failing story (plain text, indented under its FAIL line)."""
    out: list[str] = []
    turns = [t for t in res.turns if t.kind == "reply"]
    if not turns:
        return [INDENT + "no reply was played"]
    at = res.diverged_at if res.diverged_at is not None else len(turns) - 1
    at = max(0, min(at, len(turns) - 1))
    if res.story.states is not None:
        out.append(INDENT + f"expected: {' -> '.join(res.story.states)}")
    out.append(INDENT + "reply by reply:")
    on_path = res.problem.startswith(("expected service level", "expected concerns met", "expected the ending titled"))
    for i, t in enumerate(turns):
        mark = f"   <- {res.marked or 'left the expected path here'}" if i == at and not on_path else ""
        if mark and res.ran_out:
            mark = (f"   <- the replies ran out here, the call still in '{t.state_after}'"
                    + ("" if t.state_after != t.state_before else " (this reply did not move it)"))
        out.append(INDENT + f"  {i + 1}. {_one_line(t)}{mark}")
    t = turns[at]
    s = t.score
    out.append(INDENT + f"reply {at + 1} in '{t.state_before}' (stage {t.stage}): {t.reply!r}")
    out.append(INDENT + f"  acts detected: {', '.join(s.acts) or 'none'}")
    for dim in ("listening", "empathy", "policy"):
        d = s.dimension(dim)
        out.append(INDENT + f"  {dim} level {d.level} (score {d.score})")
        for ev in d.evidence:
            words = t.reply[ev.start:ev.end] if ev.end > ev.start else "(whole reply)"
            out.append(INDENT + f"    {ev.effect} {ev.label}: {words!r} - {ev.reason}")
    if s.landmines:
        for hit in s.landmines:
            out.append(INDENT + f"  landmine {hit.category}: {t.reply[hit.start:hit.end]!r} - {hit.reason}")
    else:
        out.append(INDENT + "  landmines: none")
    changes = "; ".join(f"{c.cause} {c.delta:+.1f}" for c in t.mood_changes) or "no change"
    out.append(INDENT + f"  anger {t.mood_before:.0f} -> {t.mood_after:.0f}: {changes}")
    if t.broke_off:
        limits = sc.mood.breaking_point
        why = (f"landmine reply number {sum(1 for x in turns[:at + 1] if x.score.landmines)} "
               f"(limit {limits.landmines}) with the caller in the top mood band"
               if t.broke_off == "landmines" else
               f"{limits.top_band_turns} replies in a row left the caller in the top mood band, no calmer")
        out.append(INDENT + f"  breaking point reached: {why}; the call went to '{t.state_after}' "
                            "and no transition was checked (mood.breaking_point)")
        return out
    out.append(INDENT + f"  transitions of '{t.state_before}', checked in order:")
    facts = facts_of(turns, at)
    transitions = sc.states[t.state_before].transitions
    fired = t.transition["index"] if t.transition else None
    for i, tr in enumerate(transitions):
        evaluated = clauses(tr.when, facts)
        words = "; ".join(f"{'ok' if ok else 'NO'} {text}" for text, ok in evaluated) or "always"
        if fired is not None and i > fired:
            tag = "(not checked)"
        else:
            tag = "FIRED" if i == fired else "no"
        out.append(INDENT + f"    {tag:<13} #{i + 1} -> {tr.to}: {words}")
    if fired is None:
        out.append(INDENT + f"    none held, so the call stayed in '{t.state_before}'")
    want = _expected_next(res, at)
    if want and want == t.state_before and fired is not None:
        out.append(INDENT + f"  to stay in '{want}', no transition should have held, but #{fired + 1} did")
    elif want and want != t.state_after:
        routes = [i for i, tr in enumerate(transitions) if tr.to == want]
        if not routes and want != t.state_before:
            out.append(INDENT + f"  '{t.state_before}' has no transition to the expected '{want}'")
        for i in routes:
            missing = [text for text, ok in clauses(transitions[i].when, facts) if not ok]
            if missing:
                out.append(INDENT + f"  to reach '{want}', #{i + 1} also needed: {'; '.join(missing)}")
            elif fired is not None and fired < i:
                out.append(INDENT + f"  #{i + 1} to '{want}' held, but #{fired + 1} comes first and fired; "
                                    f"reorder the transitions or narrow #{fired + 1}")
    return out
