"""Indirect landmines and how offers are worded, tested with our own sentences (never case replies).

Veiled threats, indirect blame, cold rhetorical jabs, deflection by "not us", outcome
promises, offers phrased as "you'll get ...", situated empathy ("That's X, and I'm sorry"),
and the false positives they must not bring back ("actually" answering a question,
"guaranteed" in a name, 冷静 as praise, "补偿这个我们没有" as a decline).
"""
import pytest

from scoring import Policy

NO_COMP = Policy(allow=("explain_charges", "escalate", "callback"), forbid=("compensation",))
NO_REFUND = Policy(allow=("cancel", "explain_charges"), forbid=("refund",))
WAIVE_ONLY = Policy(allow=("explain_charges", "fee_waiver"), forbid=("compensation",))


def cats(r):
    return set(r.landmine_categories)


# --- veiled threats: consequences for the caller ----------------------------------------------
@pytest.mark.parametrize("locale,reply", [
    ("en", "Fine. I must warn you that unpaid balances can lead to your cover being voided."),
    ("en", "Post what you like, but be careful what you write about us online."),
    ("en", "If this goes on we'll pass your account to our debt recovery partner."),
    ("en", "Leaving the arrears unpaid will damage your credit file, just so you know."),
    ("zh", "您要是一直拖着不交，到时候别怪我们没提醒您。"),
    ("zh", "这笔钱不还的话会影响征信的。"),
    ("zh", "再闹的话我们只能把这件事移交给法务了。"),
])
def test_veiled_threats_are_threaten(score, locale, reply):
    assert "threaten" in cats(score(reply, locale=locale, stage="cancel"))


@pytest.mark.parametrize("locale,reply", [
    ("en", "Paying it this week means it won't affect your credit file at all."),
    ("en", "The fee's gone, so nothing will affect your credit record."),
    ("zh", "您放心，晚两天还款不会影响征信。"),
    ("zh", "这个不影响您的信用记录。"),
])
def test_reassurance_about_credit_is_not_a_threat(score, locale, reply):
    assert "threaten" not in cats(score(reply, locale=locale, stage="inquiry"))


def test_bare_threat_is_cold_empathy_but_with_warmth_only_capped(score):
    bare = score("We can suspend your account if this carries on.", stage="venting",
                 customer="This is outrageous! Fix it!")
    warm = score("I'm so sorry this has dragged on. We'd have to suspend your account if the "
                 "language continues, though.", stage="venting", customer="This is outrageous! Fix it!")
    assert bare.empathy.level == 0
    assert warm.empathy.level == 1


# --- blame phrased indirectly ------------------------------------------------------------------
@pytest.mark.parametrize("reply", [
    "If you had checked the statement you'd have caught it in March.",
    "If you'd locked the shed there wouldn't be anything missing.",
    "As anyone would know, the meter reading is your job.",
    "The heating must have been left on all weekend.",
    "Whether you remember agreeing to it or not, the box was ticked.",
])
def test_indirect_blame_is_accuse(score, reply):
    assert "accuse" in cats(score(reply, stage="refund"))


@pytest.mark.parametrize("reply", [
    "If you'd like, I can send the breakdown by email.",
    "If you paid by card, the refund goes back to that card.",
])
def test_conditional_help_is_not_blame(score, reply):
    assert "accuse" not in cats(score(reply, stage="refund"))


# --- cold rhetorical jabs ---------------------------------------------------------------------
@pytest.mark.parametrize("locale,reply", [
    ("en", "Crooks, are we? Interesting choice of words."),
    ("zh", "您下单的时候怎么不说贵？"),
])
def test_cold_rhetorical_jab_is_retaliate(score, locale, reply):
    assert "retaliate" in cats(score(reply, locale=locale, stage="venting"))


def test_tag_question_with_warmth_is_not_retaliate(score):
    r = score("That's the third bill this month, isn't it? I'm so sorry, let me look.", stage="venting")
    assert "retaliate" not in cats(r)


def test_jab_serving_another_landmine_is_not_counted_twice(score):
    r = score("It's only a couple of pounds, hardly worth the fuss, is it?", stage="venting")
    assert cats(r) == {"dismiss"}


@pytest.mark.parametrize("locale,reply", [
    ("en", "Brilliant. Did you really think that would work?"),
    ("zh", "您这也太敏感了吧。"),
    ("zh", "扣钱的时候没意见，退钱的时候可积极了。"),
])
def test_mockery_is_retaliate(score, locale, reply):
    assert "retaliate" in cats(score(reply, locale=locale, stage="venting"))


# --- deflection ---------------------------------------------------------------------------------
@pytest.mark.parametrize("locale,reply", [
    ("en", "Repairs are booked by the landlord's agent, not by us here."),
    ("en", "You'd be better off calling the airport directly about that."),
    ("zh", "延误是航司那边的原因，您可以去找他们。"),
    ("zh", "这个我们客服也不知道，您去营业厅问吧。"),
])
def test_passing_the_buck_is_deflect(score, locale, reply):
    assert "deflect" in cats(score(reply, locale=locale, stage="inquiry"))


def test_owning_it_is_not_deflect(score):
    assert "deflect" not in cats(score("That one's on us, not you, and I'll fix it now.", stage="inquiry"))


def test_dare_to_complain_zh(score):
    assert "defy" in cats(score("我们不退，您想投诉随便。", locale="zh", stage="refund"))


# --- outcome promises and offers as "you'll get" -------------------------------------------------
@pytest.mark.parametrize("reply", [
    "The parcel will turn up tomorrow, you have my word.",
    "I'll make sure the surveyor never finds anything, I'll make sure of it.",
    "I'll make sure your premium isn't affected next year.",
    "It'll be fixed by tonight, guaranteed.",
])
def test_outcome_promises_are_overpromise(score, reply):
    assert "overpromise" in cats(score(reply, stage="inquiry"))


def test_guaranteed_in_a_name_is_not_a_promise(score):
    r = score("I'm sending it to our guaranteed service team, who review late repairs.", stage="inquiry")
    assert "overpromise" not in cats(r)


@pytest.mark.parametrize("reply", [
    "You'll receive a £50 voucher for the trouble, I'll get that processed now.",
    "You'll get something extra for the hassle as well.",
    "Let me get you upgraded to a bigger room at no cost.",
])
def test_forbidden_compensation_phrased_as_what_they_get(score, reply):
    r = score(reply, stage="compensation", policy=NO_COMP)
    assert "overpromise" in cats(r)


def test_declining_compensation_is_not_an_offer(score):
    r = score("I can't offer compensation, but I'll escalate it today.", stage="compensation", policy=NO_COMP)
    assert "overpromise" not in cats(r)


def test_full_refund_in_a_cancel_call_is_a_refund(score):
    r = score("没问题，订单我给您全额退款。", locale="zh", stage="cancel", policy=NO_REFUND)
    assert "overpromise" in cats(r)
    ok = score("好的，我现在就给您退订。", locale="zh", stage="cancel", policy=NO_REFUND)
    assert "overpromise" not in cats(ok)


def test_we_dont_have_compensation_is_a_decline(score):
    r = score("赔偿这个我们没有，我可以帮您把手续费减免掉。", locale="zh", stage="compensation",
              policy=WAIVE_ONLY)
    assert "overpromise" not in cats(r)
    assert "decline:compensation" in r.acts and "offer:fee_waiver" in r.acts


# --- false positives that must stay away -----------------------------------------------------------
def test_actually_answering_a_question_is_not_argue(score):
    r = score("Actually, the extra £6 is the annual price rise that started this month.",
              stage="inquiry", customer="Why has my bill gone up by £6?")
    assert "argue" not in cats(r)
    contradict = score("Actually, the engineer did come, he left a card.", stage="venting",
                       customer="Nobody turned up! I waited all day!")
    assert "argue" in cats(contradict)


@pytest.mark.parametrize("reply", ["后来您冷静下来跟我一起核对了账单，帮了很大的忙。"])
def test_calm_as_praise_is_not_dismiss(score, reply):
    assert "dismiss" not in cats(score(reply, locale="zh", stage="closing"))


def test_calm_down_is_still_dismiss(score):
    assert "dismiss" in cats(score("您先冷静一下，别喊。", locale="zh", stage="venting"))


def test_no_point_dwelling_is_dismiss(score):
    assert "dismiss" in cats(score("It's fixed now, no point dwelling on it.", stage="closing"))


# --- situated empathy --------------------------------------------------------------------------
CALLER = "The boiler broke on Friday and I've had two kids without hot water all weekend!"


@pytest.mark.parametrize("reply", [
    "A whole weekend with the kids and no hot water after the boiler broke. That's exhausting, and I'm sorry.",
    "Two kids and no hot water all weekend is far too long to be left like that, I'm sorry.",
    "The boiler going on a Friday and leaving the kids without hot water would make anyone want answers.",
])
def test_validating_this_callers_situation_is_empathy_2(score, reply):
    assert score(reply, stage="venting", customer=CALLER).empathy.level == 2


@pytest.mark.parametrize("reply", [
    "I'm sorry, I can't book an engineer before Tuesday.",
    "Sorry for the inconvenience.",
])
def test_apology_before_a_refusal_or_a_formula_is_not_2(score, reply):
    assert score(reply, stage="venting", customer=CALLER).empathy.level <= 1
