"""A small scenario and a scripted scorer, so engine tests check the engine, not the scorer."""
from __future__ import annotations

import textwrap

import pytest

from scoring.types import DimensionScore, LandmineHit, ReplyContext, ReplyScore
from simulator.loader import check_text

MINI = textwrap.dedent("""\
    version: 1
    id: mini-en
    title: Mini call
    locale: en
    facts: {service: Tips, fee: 5}
    persona: {name: Pat, temperament: steady, patience: 3}
    policy: {allow: [cancel, refund], forbid: [compensation], refund_max_months: 1}
    mood: {start: 60}
    reactions:
      threaten: ["Recorded? Then record this: I'm furious."]
    states:
      venting:
        stage: venting
        say:
          furious: ["You took {fee} for {service}! Furious!"]
          any: ["You took {fee} for {service}."]
        again: ["And another thing."]
        model_answers: ["I hear you, five a month for nothing."]
        transitions:
          - to: escalated
            when: {landmine: [threaten, defy]}
          - to: cancel
            when: {acts: [acknowledge], levels: {empathy: 1}}
          - to: hung_up
            when: {turns_in_state: 3}
      cancel:
        stage: cancel
        say: ["Cancel it."]
        transitions:
          - to: resolved
            when: {acts: [offer:cancel]}
          - to: hung_up
            when: {turns_in_state: 2}
    endings:
      resolved: {outcome: resolved, service_level: 3, say: ["Thanks."]}
      escalated: {outcome: escalated, service_level: 0, say: ["Supervisor, now."]}
      hung_up: {outcome: hung_up, service_level: 0}
    stories:
      - name: good
        replies: ["ack warm", "offer cancel"]
        ending: resolved
        states: [venting, cancel, resolved]
    """)


def scripted_score(reply: str, ctx: ReplyContext) -> ReplyScore:
    """Scores by keywords in the reply: 'ack', 'sorry', 'warm', 'offer cancel', 'threat', 'cold'."""
    acts = []
    if "ack" in reply:
        acts.append("acknowledge")
    if "sorry" in reply:
        acts.append("apologize")
    if "offer cancel" in reply:
        acts.append("offer:cancel")
    emp = 2 if "warm" in reply else (0 if "cold" in reply else 1)
    lis = 0 if ctx.interrupted else (2 if "ack" in reply else 1)
    mines = (LandmineHit("threaten", 0, 6, "warned about the recording"),) if "threat" in reply else ()
    return ReplyScore(
        listening=DimensionScore(lis * 50, lis),
        empathy=DimensionScore(emp * 50, emp),
        policy=DimensionScore(0 if mines else 100, 0 if mines else 1),
        acts=tuple(acts), landmines=mines)


@pytest.fixture
def mini():
    sc, diags = check_text(MINI, "mini.yaml")
    assert sc is not None, [str(d) for d in diags]
    return sc
