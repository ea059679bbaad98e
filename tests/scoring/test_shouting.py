"""Raised voice in writing (scoring/shouting.py): sustained capitals or bangs, not emphasis."""
import pytest

from scoring import ReplyContext
from scoring.scorer import score_rules
from scoring.shouting import shouting


@pytest.mark.parametrize("reply", [
    "I SAID I CANNOT DO THAT.",
    "I told you that ALREADY. READ the letter.",
    "Listen to me!!!",
    "Why would we do that?!?!",
    "NOBODY is charging you twice!!",
    "YOU ARE NOT the only one waiting.",
])
def test_sustained_capitals_or_bangs_are_shouting(reply):
    assert shouting(reply)


# Enthusiasm is not a raised voice: a polite reply must not lose its policy score for it.
@pytest.mark.parametrize("reply", [
    "Thank you so much!! Have a lovely day.",
    "You are VERY welcome, Mr Harper.",
    "Great news!! Your refund is on its way.",
    "The refund is done!!",
    "I have cancelled it. PLEASE do not reply to promo texts.",
    "Text STOP to 80080, and your PIN, SMS code and ID stay the same.",
    "Your 5G VIP plan is active. Thank you!",
])
def test_cheerful_emphasis_and_acronyms_are_not_shouting(reply):
    assert shouting(reply) == []


def test_the_rules_report_each_shouted_span_once():
    ctx = ReplyContext("en", "venting", customer="Why was I charged again?")
    score = score_rules("I SAID I CANNOT DO THAT.", ctx)
    shouts = [m for m in score.landmines if m.category == "retaliate"]
    assert shouts and len({(m.start, m.end) for m in shouts}) == len(shouts)
