"""The scorer's known errors on replies trainers wrote, kept as strict expected failures: each says
what a trainer would give, and the day a model gets it right the test fails and asks to be moved
into the suite proper. docs/scoring.md ("Known errors") says where each came from."""
from __future__ import annotations

import pytest

from scoring import ReplyContext, score_reply
from scoring.types import Policy, Turn

KNOWN = [
    pytest.param(
        "Did you change banks recently?",
        ReplyContext(locale="en", stage="inquiry", policy=Policy(allow=("explain_charges", "fee_waiver")),
                     customer="Hi there. I've just had an email saying my loan payment failed this month. "
                              "It's never happened before. Why did it fail?"),
        id="a bare diagnostic question to a calm caller is read as accuse"),
    pytest.param(
        "It was the line ending 442, it used 31GB of the 40GB.",
        ReplyContext(locale="en", stage="inquiry", policy=Policy(allow=("explain_charges",)),
                     customer="Can you tell me who used all the data? I need to know."),
        id="a plain answer naming whose line it was is read as argue"),
]


@pytest.mark.xfail(strict=True, reason="known scorer error (round 10 model): see the test id")
@pytest.mark.parametrize("reply,ctx", KNOWN)
def test_a_known_misreading_reports_no_landmine(reply, ctx):
    assert score_reply(reply, ctx).landmine_categories == ()
