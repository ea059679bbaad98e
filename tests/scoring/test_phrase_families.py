"""Phrase families and context rules, tested with our own wording (not the dev or holdout cases).

Each family gets positives in other words than the lexicon's examples and a negative that
shares surface words but must not fire.
"""
import pytest

from scoring import Policy

FEE_POLICY = Policy(allow=("cancel", "refund", "fee_waiver", "explain_charges", "escalate", "callback"),
                    forbid=("compensation",), refund_max_months=1)


def cats(r):
    return set(r.landmine_categories)


# --- blaming the caller (accuse) -------------------------------------------------------------
@pytest.mark.parametrize("locale,reply", [
    ("en", "You ought to have updated your bank details with us, that one's down to you."),
    ("en", "Honestly, that's your own responsibility, you were supposed to check the statement."),
    ("zh", "这个您应该提前通知我们的，只能怪您自己。"),
    ("zh", "这是您自己同意的，属于您的责任。"),
])
def test_blaming_the_caller_is_accuse(score, locale, reply):
    assert "accuse" in cats(score(reply, locale=locale, stage="inquiry"))


@pytest.mark.parametrize("locale,reply", [
    ("en", "None of this is your fault, and you shouldn't have had to chase it."),
    ("zh", "这不是您的原因，是我们这边处理慢了。"),
])
def test_clearing_the_caller_is_not_accuse(score, locale, reply):
    assert "accuse" not in cats(score(reply, locale=locale, stage="inquiry"))


# --- staff ID: fine when asked, a dare next to "go and complain" -----------------------------
def test_staff_id_given_politely_is_not_defy(score):
    assert cats(score("我叫小王，工号是5120，有需要随时可以找我。", locale="zh", stage="closing")) == set()
    assert cats(score("Of course, my staff number is 8812 if you need it.", stage="closing")) == set()
    # "工号5120，48小时内" must not read the comma as a decimal point either
    r = score("我的工号是5120，48小时内给您答复。", locale="zh", stage="closing")
    assert "defy" not in cats(r)


def test_staff_id_as_a_dare_is_defy(score):
    assert "defy" in cats(score("想举报就去，我工号就是5120。", locale="zh", stage="closing"))
    assert "defy" in cats(score("Complain if you want, my employee ID is 8812.", stage="closing"))


def test_a_staff_id_dare_quotes_the_dare_not_the_id_the_caller_asked_for(score):
    reply = "我的工号是3317。您要打12300那是您的权利。"
    r = score(reply, locale="zh", stage="venting", customer="你先把工号报一下，不然我就打12300申诉。")
    (defy,) = [h for h in r.landmines if h.category == "defy"]
    assert "12300" in reply[defy.start:defy.end] and "工号" not in reply[defy.start:defy.end]


def test_regulator_dare_is_defy(score):
    assert "defy" in cats(score("您想找工信部就去找吧。", locale="zh", stage="refund"))
    assert "defy" in cats(score("If you want to go to the ombudsman, be my guest.", stage="refund"))


# --- soft words: landmines only in context ---------------------------------------------------
@pytest.mark.parametrize("locale,reply,category", [
    ("en", "Actually, I can take that charge off for you now.", "argue"),
    ("en", "Relax, I'll get this sorted before we hang up.", "dismiss"),
    ("en", "Wow, eight months of that, I'm so sorry.", "retaliate"),
    ("zh", "其实我可以先帮您把这笔费用退了。", "argue"),
    ("zh", "退订很简单，只要回复一条短信而已。", "dismiss"),
])
def test_soft_word_in_a_kind_context_is_not_a_landmine(score, locale, reply, category):
    assert category not in cats(score(reply, locale=locale, stage="refund"))


@pytest.mark.parametrize("locale,reply,category", [
    ("en", "Actually the engineer was there at nine, it says so here.", "argue"),
    ("en", "Just relax.", "dismiss"),
    ("en", "Wow. Well, aren't we in a mood today.", "retaliate"),
    ("zh", "晚了一天而已，您至于吗。", "dismiss"),
])
def test_soft_word_in_a_hostile_context_is_a_landmine(score, locale, reply, category):
    assert category in cats(score(reply, locale=locale, stage="refund"))


def test_calm_as_description_is_not_dismiss(score):
    r = score("谢谢您这么冷静地跟我说明情况，我马上处理。", locale="zh", stage="refund")
    assert "dismiss" not in cats(r)
    assert "dismiss" in cats(score("您先冷静一下。", locale="zh", stage="refund"))


def test_recording_mentioned_because_asked_is_not_a_threat(score):
    r = score("Yes, the call is recorded, so you'll have a record of what we agree.", stage="inquiry",
              customer="Is this call being recorded? I want proof.")
    assert "threaten" not in cats(r)
    assert "threaten" in cats(score("Yes, the call is recorded, so watch it.", stage="inquiry",
                                    customer="Why was I charged twice?"))


# --- correcting the caller with records (argue), pushing back on tone (retaliate) ------------
def test_records_say_the_charge_is_correct_is_argue(score):
    assert "argue" in cats(score("记录上您是3号才退订的，所以这笔收费是合理的。", locale="zh", stage="refund"))
    assert "argue" in cats(score("Our logs say otherwise, so the fee is perfectly valid.", stage="refund"))


def test_pushing_back_on_tone_is_retaliate(score):
    assert "retaliate" in cats(score("Yelling at me isn't going to fix your router.", stage="venting"))
    assert "retaliate" in cats(score("您冲我吼也没用。", locale="zh", stage="venting"))


# --- overpromise: outcomes the agent cannot guarantee -----------------------------------------
@pytest.mark.parametrize("locale,reply", [
    ("en", "I'll make sure the bug gets fixed in the next release."),
    ("en", "I'm sure the bank will approve it by Friday."),
    ("zh", "我保证下个版本一定修好。"),
    ("zh", "您放心，审核肯定能通过。"),
])
def test_promising_outcomes_is_overpromise(score, locale, reply):
    assert "overpromise" in cats(score(reply, locale=locale, stage="inquiry"))


def test_promise_that_is_negated_is_not_overpromise(score):
    assert "overpromise" not in cats(score("我不能保证一定修好，但会把问题报上去。", locale="zh", stage="inquiry"))


# --- offers: callbacks, refunds after a lead-in, talking about vs offering --------------------
@pytest.mark.parametrize("locale,reply", [
    ("en", "If we get cut off, I'll phone Mr Patel right back."),
    ("en", "I'll call you on this number as soon as it's done."),
    ("zh", "我这边一会儿给您回拨过去。"),
    ("zh", "处理完我再打给您。"),
])
def test_callback_families(score, locale, reply):
    assert "offer:callback" in score(reply, locale=locale, stage="compensation").acts


def test_list_announced_with_a_commitment_makes_offers(score):
    r = score("这两件我马上处理：业务给您停掉；多扣的30元原路退还。", locale="zh", stage="refund",
              facts={"monthly_fee": 30})
    assert "offer:refund" in r.acts and r.policy.level == 1


def test_talking_about_compensation_is_not_offering_it(score):
    r = score("补偿的事我现在跟您解释一下。", locale="zh", stage="compensation")
    assert "offer:compensation" not in r.acts and r.policy.level == 1


def test_outside_my_authority_is_a_decline(score):
    r = score("补偿超出我的权限了，我帮您转接值班经理。", locale="zh", stage="compensation")
    assert "decline:compensation" in r.acts and "offer:escalate" in r.acts and r.policy.level == 1


def test_checking_whether_a_waiver_is_possible_is_an_offer(score):
    r = score("我帮您申请看看违约金可不可以减免。", locale="zh", stage="refund", policy=FEE_POLICY)
    assert "offer:fee_waiver" in r.acts and "decline:fee_waiver" not in r.acts


def test_apology_formula_is_not_a_compensation_offer(score):
    r = score("I'm sorry for the trouble. We don't pay compensation, but I can refund last month.",
              stage="compensation")
    assert "offer:compensation" not in r.acts and r.policy.level == 1


# --- refund sizes without an amount ------------------------------------------------------------
@pytest.mark.parametrize("locale,reply,months,all_charges,ok", [
    ("en", "I'll refund the most recent month for you.", 1, False, True),
    ("en", "I'll refund the past four months.", 4, False, False),
    ("en", "I'll refund everything we've taken.", None, True, False),
    ("zh", "上个月那笔我给您退回去。", 1, False, True),
    ("zh", "之前扣的我全部给您退回。", None, True, False),
])
def test_refund_size_without_money(score, locale, reply, months, all_charges, ok):
    r = score(reply, locale=locale, stage="refund")
    offer = next(o for o in r.offers if o.action == "refund")
    assert (offer.months, offer.all_charges) == (months, all_charges)
    assert r.policy.level == (1 if ok else 0)


# --- answers and extended service ---------------------------------------------------------------
@pytest.mark.parametrize("locale,reply", [
    ("en", "Most likely there wasn't enough money in the account on the day."),
    ("en", "As long as it's paid by Friday, nothing goes on your credit file."),
    ("zh", "估计是扣款那天卡里钱不够。"),
    ("zh", "只要这周内还上，就不会上报征信。"),
])
def test_causes_and_mechanisms_are_explain(score, locale, reply):
    r = score(reply, locale=locale, stage="inquiry", customer="Why did the payment fail?")
    assert "explain" in r.acts and r.listening.level >= 1


@pytest.mark.parametrize("locale,reply", [
    ("en", "While I'm at it, I've also checked the rest of your account and it's all fine."),
    ("en", "I can switch on a low-balance alert so you get a warning first."),
    ("zh", "顺便我把您其他几张卡也核对了一下，都没问题。"),
    ("zh", "以后如果想暂停，直接在APP里点一下就行。"),
])
def test_extended_service_is_proactive(score, locale, reply):
    assert "proactive" in score(reply, locale=locale, stage="closing").acts


def test_naming_the_worry_is_empathy(score):
    r = score("您最担心的就是影响房贷审批，这个我明白。", locale="zh", stage="inquiry",
              customer="这次逾期会不会影响我房贷？")
    assert r.empathy.level == 2


# --- listening: half of a two-part request ------------------------------------------------------
TWO_PARTS_EN = "Why have you been taking £6 every month since March? And I want my money back!"


def test_refund_without_the_why_is_listening_one(score):
    r = score("Six pounds a month since March adds up, I'm sorry. I'll refund last month's £6 now.",
              stage="refund", customer=TWO_PARTS_EN, facts={"monthly_fee": 6})
    assert r.listening.level == 1
    assert any(e.label == "part_ignored" for e in r.listening.evidence)


def test_refund_and_the_why_is_listening_two(score):
    r = score("Six pounds a month since March adds up, I'm sorry. It came from a quiz subscription "
              "started in March, and I'll refund last month's £6 now.",
              stage="refund", customer=TWO_PARTS_EN, facts={"monthly_fee": 6})
    assert r.listening.level == 2


def test_paraphrase_in_other_words_counts(score):
    # The caller says "charging" and "stop"; the reply says "fee" and "unsubscribe".
    r = score("So this fee keeps coming out and you'd like to unsubscribe, is that right?",
              stage="cancel", customer="You keep charging me for this. Stop it now.")
    assert "paraphrase" in r.acts
