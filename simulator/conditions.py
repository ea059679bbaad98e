"""Evaluating a transition's structured condition against one scored reply.

Conditions are data (simulator.scenario.Condition), never code: each clause is checked
here, and `explain` says in words which clauses held, for `test --explain` and the
play-test panel.
"""
from __future__ import annotations

from dataclasses import dataclass

from simulator.scenario import Condition


@dataclass(frozen=True)
class ReplyFacts:
    """What a condition can look at, after the reply is scored and the mood moved."""

    acts: frozenset[str]
    levels: dict[str, int]
    mood: float
    turns_in_state: int
    landmines: frozenset[str]
    policy_breach: bool
    interrupted: bool
    met: frozenset[str] = frozenset()  # concerns addressed so far, this reply included
    repeated: bool = False  # the reply is an earlier line of the trainee's, word for word


def moves_on_a_repeat(c: Condition) -> bool:
    """Whether a transition can fire on a line said again: only by what goes wrong (a landmine, a
    breach, interrupting) or by the caller's patience (turns in the state, anger), never by what
    the line does or settles, which the caller has already heard."""
    return bool(c.landmine is True or isinstance(c.landmine, list) or c.policy_breach or c.interrupted
                or c.turns_in_state is not None or c.mood_above is not None or c.mood_below is not None)


def clauses(c: Condition, f: ReplyFacts) -> list[tuple[str, bool]]:
    """Each clause of the condition in words, with whether it holds."""
    out: list[tuple[str, bool]] = []
    for act in c.acts:
        out.append((f"act {act}", act in f.acts))
    if c.any_acts:
        out.append((f"any of {', '.join(c.any_acts)}", bool(f.acts & set(c.any_acts))))
    for act in c.no_acts:
        out.append((f"no act {act}", act not in f.acts))
    for dim, lvl in c.levels.items():
        out.append((f"{dim} level >= {lvl} (was {f.levels.get(dim, 0)})", f.levels.get(dim, 0) >= lvl))
    for dim, lvl in c.levels_below.items():
        out.append((f"{dim} level < {lvl} (was {f.levels.get(dim, 0)})", f.levels.get(dim, 0) < lvl))
    if c.mood_above is not None:
        out.append((f"anger > {c.mood_above} (was {f.mood:.0f})", f.mood > c.mood_above))
    if c.mood_below is not None:
        out.append((f"anger < {c.mood_below} (was {f.mood:.0f})", f.mood < c.mood_below))
    if c.turns_in_state is not None:
        out.append((f"turns in state >= {c.turns_in_state} (was {f.turns_in_state})",
                    f.turns_in_state >= c.turns_in_state))
    if c.landmine is True:
        out.append(("a landmine", bool(f.landmines)))
    elif c.landmine is False:
        out.append(("no landmine", not f.landmines))
    elif isinstance(c.landmine, list):
        out.append((f"landmine {' or '.join(c.landmine)}", bool(f.landmines & set(c.landmine))))
    if c.policy_breach is not None:
        out.append(("policy breach" if c.policy_breach else "no policy breach",
                    f.policy_breach == c.policy_breach))
    if c.interrupted is not None:
        out.append(("interrupted" if c.interrupted else "not interrupted", f.interrupted == c.interrupted))
    for cid in c.met:
        out.append((f"concern {cid} met", cid in f.met))
    for cid in c.unmet:
        out.append((f"concern {cid} not met", cid not in f.met))
    if f.repeated and not moves_on_a_repeat(c):
        out.append(("not a line said again", False))
    return out


def holds(c: Condition, f: ReplyFacts) -> bool:
    return all(ok for _, ok in clauses(c, f))


def clause_texts(c: Condition) -> list[str]:
    """Each clause of the condition in words, without values (before any reply is checked)."""
    dummy = ReplyFacts(frozenset(), {}, 0, 0, frozenset(), False, False)
    return [text.split(" (was")[0] for text, _ in clauses(c, dummy)]


def describe(c: Condition) -> str:
    """The condition in words, without values (for diagrams)."""
    parts = clause_texts(c)
    return " and ".join(parts) if parts else "otherwise"
