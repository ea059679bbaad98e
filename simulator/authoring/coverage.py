"""Story coverage: which states, endings and transitions a scenario's passing stories reach.

A branch no passing story goes through is a branch nobody has tested: the trainer sees it
listed by name, with its condition, after `mystery-guest test`. Transitions that can never
fire (lint warns about them) are left out of the count.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from simulator.conditions import describe
from simulator.loader import condition_impossible
from simulator.scenario import Scenario
from simulator.stories import StoryResult


@dataclass
class Coverage:
    scenario: Scenario
    stories: int                    # passing stories counted
    states: dict[str, bool] = field(default_factory=dict)        # state -> reached
    endings: dict[str, bool] = field(default_factory=dict)       # ending -> reached
    transitions: dict[tuple[str, int], bool] = field(default_factory=dict)  # (state, index) -> fired

    @property
    def untested_states(self) -> list[str]:
        return [n for n, ok in self.states.items() if not ok]

    @property
    def untested_endings(self) -> list[str]:
        return [n for n, ok in self.endings.items() if not ok]

    @property
    def untested_transitions(self) -> list[tuple[str, int]]:
        return [k for k, ok in self.transitions.items() if not ok]

    @property
    def complete(self) -> bool:
        return all(self.states.values()) and all(self.endings.values()) and all(self.transitions.values())


def compute(sc: Scenario, results: list[StoryResult]) -> Coverage:
    """Coverage of `sc` by the stories in `results` that passed (a failing story proves nothing)."""
    passing = [r for r in results if r.passed]
    cov = Coverage(sc, len(passing),
                   states={n: False for n in sc.states}, endings={n: False for n in sc.endings},
                   transitions={(n, i): False for n, st in sc.states.items()
                                for i, t in enumerate(st.transitions) if condition_impossible(t.when) is None})
    for res in passing:
        for name in res.path:
            if name in cov.states:
                cov.states[name] = True
            elif name in cov.endings:
                cov.endings[name] = True
        for turn in res.turns:
            fired = turn.transition
            if fired is not None and (turn.state_before, fired["index"]) in cov.transitions:
                cov.transitions[(turn.state_before, fired["index"])] = True
    return cov


def _ratio(flags) -> str:
    values = list(flags)
    hit = sum(values)
    pct = f" ({100 * hit / len(values):.0f}%)" if values else ""
    return f"{hit}/{len(values)}{pct}"


def report(cov: Coverage) -> list[str]:
    """Lines for the terminal: the figures, then every untested branch by name."""
    sc = cov.scenario
    lines = [f"coverage {sc.id}: states {_ratio(cov.states.values())}, endings {_ratio(cov.endings.values())}, "
             f"transitions {_ratio(cov.transitions.values())} "
             f"(from {cov.stories} passing stor{'y' if cov.stories == 1 else 'ies'})"]
    for name in cov.untested_states:
        lines.append(f"     untested state: {name}")
    for name in cov.untested_endings:
        lines.append(f"     untested ending: {name}")
    for state, i in cov.untested_transitions:
        t = sc.states[state].transitions[i]
        lines.append(f"     untested transition: {state} #{i + 1} -> {t.to} when {describe(t.when)}")
    return lines
