"""Helpers for scoring tests: build a ReplyContext and score a reply in one call.

`score` is the phrase-rule layer (scoring.scorer.score_rules): the tests of phrase families,
structural detectors, acts and offers check the rules themselves, which still give the acts,
the offers and the policy arithmetic and are one input of the learned model's fusion. Tests of
the product's scorer call score_reply (test_scorer.py, test_model.py, test_agreement.py)."""
from __future__ import annotations

import pytest

from scoring import Policy, ReplyContext, Turn
from scoring.scorer import score_rules

TELECOM = Policy(allow=("cancel", "refund", "explain_charges", "escalate", "callback"),
                 forbid=("compensation",), refund_max_months=1)


def make_ctx(locale="en", stage="venting", customer="", history=(), facts=None, policy=TELECOM, **kw):
    turns = tuple(Turn(s, t) for s, t in history)
    return ReplyContext(locale=locale, stage=stage, customer=customer, history=turns,
                        facts=facts or {}, policy=policy, **kw)


@pytest.fixture
def score():
    def _score(reply, **kw):
        return score_rules(reply, make_ctx(**kw))
    return _score
