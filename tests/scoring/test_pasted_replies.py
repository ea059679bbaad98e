"""One sentence pasted over and over is a formula, not a conversation: it cannot earn level 2."""
import pytest

from scoring import score_reply
from scoring.scorer import score_rules
from tests.scoring.conftest import make_ctx

CASES = {
    "en": ("You've charged me for five months for texts I never ordered!",
           "I'm so sorry, five months of charges you never asked for is awful. "),
    "zh": ("你们乱扣了我五个月的费用！", "真的很抱歉，五个月被扣了您没订的费用，换谁都生气。"),
}


@pytest.mark.parametrize("locale", ["en", "zh"])
@pytest.mark.parametrize("scorer", [score_reply, score_rules], ids=["hybrid", "rules"])
def test_a_warm_sentence_pasted_many_times_scores_at_most_one(locale, scorer):
    customer, sentence = CASES[locale]
    ctx = make_ctx(locale=locale, stage="venting", customer=customer)
    once = scorer(sentence, ctx)
    assert once.empathy.level == 2  # the sentence itself is warm and specific
    pasted = scorer(sentence * 20, ctx)
    assert pasted.empathy.level <= 1 and pasted.listening.level <= 1
    assert any(e.label == "pasted" and "20" in e.reason for e in pasted.empathy.evidence)


@pytest.mark.parametrize("scorer", [score_reply, score_rules], ids=["hybrid", "rules"])
def test_a_sentence_said_twice_in_a_real_reply_is_not_pasting(scorer):
    customer, sentence = CASES["en"]
    ctx = make_ctx(locale="en", stage="venting", customer=customer)
    r = scorer(sentence * 2 + "Let me cancel it now. And I'll refund the last month.", ctx)
    assert not any(e.label == "pasted" for e in r.empathy.evidence + r.listening.evidence)
