"""Landmine families by their indirect forms, tested with our own sentences (never case replies).

Veiled consequences after a heads-up, blame hinted at the household, counterfactual doubt,
answering back the caller's tone, mock offers, normalising the problem away, disowning
responsibility, money "coming back" as a refund offer, and the false positives they must
not bring: "on record" for a logged complaint, "actually" after conceding, calendar months
(5月份) read as a number of months, "是没有赔偿的" read as an offer.
"""
import pytest

from scoring import Policy

NO_COMP = Policy(allow=("explain_charges", "escalate"), forbid=("compensation",))
NO_REFUND = Policy(allow=("cancel", "explain_charges"), forbid=("refund", "compensation"))
ONE_MONTH = Policy(allow=("cancel", "refund", "explain_charges"), forbid=("compensation",), refund_max_months=1)


def cats(r):
    return set(r.landmine_categories)


@pytest.mark.parametrize("locale,reply,category", [
    # a heads-up followed by a consequence aimed at the caller
    ("en", "Just so you're aware, leaving false reviews about a business can end up in court.", "threaten"),
    ("en", "I'll look at it, though I should point out that unpaid balances may be passed to the police.", "threaten"),
    ("en", "Sure, but unpaid disputed sums can be referred to our debt recovery team.", "threaten"),
    ("en", "Saying that in public could have serious consequences for you.", "threaten"),
    # blame hinted at the household / doubt by counterfactual
    ("en", "It's cancelled now, though you may want to find out who has been using your tablet.", "accuse"),
    ("en", "If the app had really been deleted, you wouldn't be getting these alerts.", "accuse"),
    ("en", "You must have paid the wrong account, that's why it bounced.", "accuse"),
    ("zh", "退是给您退了，您最好问问家里人是怎么回事。", "accuse"),
    ("zh", "您看看是不是有人用了您的手机。", "accuse"),
    ("zh", "您肯定是没交那期的钱。", "accuse"),
    # answering back the caller's tone / mock offers
    ("en", "There's no need to raise your voice, I heard you the first time.", "retaliate"),
    ("en", "A refund and a gift card? Should we just throw in a cruise as well?", "retaliate"),
    ("zh", "要不干脆把整个店都送您得了。", "retaliate"),
    ("zh", "您可真能折腾。", "retaliate"),
    # normalising the problem away
    ("en", "You're not the only one, everybody's bills have gone up this winter.", "dismiss"),
    ("en", "Three weeks is perfectly normal for a transfer, it'll arrive.", "dismiss"),
    ("en", "Plenty of customers have waited much longer than that.", "dismiss"),
    ("zh", "又不是只有您一个人遇到，想开点。", "dismiss"),
    # disowning responsibility
    ("en", "That part isn't really something we're responsible for.", "deflect"),
    ("en", "Lost keys are the landlord's issue, not ours.", "deflect"),
    ("zh", "这种情况不属于我们的责任范围。", "deflect"),
])
def test_indirect_forms_are_their_landmine(score, locale, reply, category):
    assert category in cats(score(reply, locale=locale, stage="refund", policy=ONE_MONTH))


SERVICE = Policy(allow=("cancel", "refund", "explain_charges", "fee_waiver", "escalate"),
                 forbid=("compensation",), refund_max_months=1)


@pytest.mark.parametrize("locale,reply", [
    # heads-up with harmless news, "normal" about feelings, a logged complaint "on record"
    ("en", "Just so you know, I've sent the court paperwork request form you asked for to your email."
           " I'm sorry it took so long."),
    ("en", "Just so you know, the refund shows as pending for a day, that's expected."),
    ("en", "It's perfectly normal to feel let down after waiting this long, and I'm sorry."),
    ("en", "I'm sorry about this. I've logged your complaint with every detail, so it's on record for the review."),
    ("en", "I've recorded your feedback for the manager, so it's all on record now. Thank you for telling me."),
    # "actually" after conceding backs the caller up
    ("en", "You're right about this. The payment was actually made on time, so I've removed the late fee."),
    ("zh", "您说得对，其实那笔钱早就到账了，是我们这边的错，滞纳金我已经给您去掉了。"),
    # an ordinary offer of help beside the new words
    ("en", "I'll check who has access to the shared mailbox settings and set it up for you."),
    ("zh", "您放心，这个月的费用我已经给您退了。"),
])
def test_landmine_families_do_not_fire_on_plain_service(score, locale, reply):
    assert not cats(score(reply, locale=locale, stage="refund", policy=SERVICE))


def test_on_record_is_still_a_threat_without_a_complaint(score):
    r = score("Keep talking like that, it's all on record.", stage="venting")
    assert "threaten" in cats(r)


def test_money_coming_back_is_a_refund_offer(score):
    r = score("Cancelled! And I'll see that the £80 comes back to you by Friday.", stage="cancel", policy=NO_REFUND)
    assert r.policy.level == 0


def test_calendar_month_is_not_a_number_of_months(score):
    ok = score("对，业务已经关了，3月份那八块会在下期话费里退给您。", locale="zh", stage="closing", policy=ONE_MONTH)
    assert ok.policy.level > 0
    over = score("三个月的费用我都给您退了。", locale="zh", stage="refund", policy=ONE_MONTH)
    assert over.policy.level == 0  # a real length still counts against the cap


@pytest.mark.parametrize("reply", ["我们这边一般是没有补偿的，不过可以帮您查一下原因。",
                                   "非常理解您的心情，但这种情况我们是没有赔偿的。"])
def test_zh_no_compensation_is_a_decline(score, reply):
    r = score(reply, locale="zh", stage="compensation", policy=NO_COMP)
    assert "overpromise" not in cats(r)
    assert any(e.label == "decline:compensation" for e in r.policy.evidence)
