"""Helpers for scoring tests: build a ReplyContext and score a reply in one call."""
from __future__ import annotations

import pytest

from scoring import Policy, ReplyContext, Turn, score_reply

TELECOM = Policy(allow=("cancel", "refund", "explain_charges", "escalate", "callback"),
                 forbid=("compensation",), refund_max_months=1)


def make_ctx(locale="en", stage="venting", customer="", history=(), facts=None, policy=TELECOM, **kw):
    turns = tuple(Turn(s, t) for s, t in history)
    return ReplyContext(locale=locale, stage=stage, customer=customer, history=turns,
                        facts=facts or {}, policy=policy, **kw)


@pytest.fixture
def score():
    def _score(reply, **kw):
        return score_reply(reply, make_ctx(**kw))
    return _score
