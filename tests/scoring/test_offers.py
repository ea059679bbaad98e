"""Acts and offers the engine's transitions read: normal agent phrasing in both languages."""
import pytest

from scoring import Policy


@pytest.mark.parametrize("locale,stage,reply,act", [
    ("en", "cancel", "Of course, I can switch that subscription off for you straight away.", "offer:cancel"),
    ("en", "cancel", "I'll get that service cancelled today.", "offer:cancel"),
    ("zh", "cancel", "好的，这个业务我现在就给您取消。", "offer:cancel"),
    ("zh", "cancel", "我这就帮您把它停掉。", "offer:cancel"),
    ("en", "refund", "I'm able to refund last month's fee as a goodwill gesture.", "offer:refund"),
    ("zh", "refund", "作为老客户，我给您退一个月的费用。", "offer:refund"),
    ("en", "refund", "I'm afraid I cannot refund those charges.", "decline:refund"),
    ("zh", "refund", "这部分费用我这边没法退，实在抱歉。", "decline:refund"),
    ("en", "compensation", "Let me get my supervisor to ring you back this afternoon.", "offer:callback"),
    ("en", "compensation", "Let me get my supervisor to ring you back this afternoon.", "offer:escalate"),
    ("zh", "compensation", "我把情况升级给主管，下午给您回电话。", "offer:escalate"),
    ("zh", "compensation", "我把情况升级给主管，下午给您回电话。", "offer:callback"),
    ("en", "closing", "One tip: never reply to marketing texts from short numbers.", "proactive"),
    ("zh", "closing", "以后收到推广短信，直接删掉别回复。", "proactive"),
    ("zh", "closing", "下次您再收到这种短信，直接回复TD就能退订。", "proactive"),
    ("en", "closing", "Is there anything else I can do for you today?", "close"),
    ("zh", "closing", "还有什么别的需要帮忙的吗？", "close"),
    ("en", "venting", "Mm, I see.", "acknowledge"),
    ("zh", "venting", "嗯嗯，明白。", "acknowledge"),
    ("en", "inquiry", "That happened because the payment date fell on a bank holiday.", "explain"),
    ("en", "venting", "I'm so sorry this has dragged on.", "apologize"),
    # a point inside an amount is no sentence end: the gap of "give you ... back" runs over it
    ("en", "refund", "I'll give you 6.00 back as goodwill for one month.", "offer:refund"),
    ("en", "refund", "I can give you one month, 6.00, back as goodwill.", "offer:refund"),
    # a phrase typed across a clause break without punctuation is done where its verb is (trial 25)
    ("zh", "venting", "王先生不好意思 这个是sp业务 我马上帮您退订", "offer:cancel"),
    ("zh", "venting", "不好意思，这个是第三方业务，我马上帮您退订。", "offer:cancel"),
    ("zh", "venting", "这个业务我们不能退订。", "decline:cancel"),
    # 已 + the action, said as done: "费用已减免" / "已经免了" / "已恢复"
    ("zh", "refund", "费用已减免。", "offer:fee_waiver"),
    ("zh", "refund", "这个月的手续费已经给您免了，您放心。", "offer:fee_waiver"),
])
def test_act(score, locale, stage, reply, act):
    assert act in score(reply, locale=locale, stage=stage).acts


def test_a_lecture_for_next_time_is_not_a_tip(score):
    """Trial 25: "下次注意点就行了", said with blame, was credited as going the extra mile."""
    assert "proactive" not in score("系统就是这样的 您自己应该早点取消 下次注意点就行了", locale="zh", stage="venting").acts


@pytest.mark.parametrize("locale,reply,months", [
    ("en", "I can refund two months for you.", 2),
    ("en", "I'll refund 3 months of the fee today.", 3),
    ("en", "I'll give you one month's charge back.", 1),
    ("zh", "我给您退三个月的钱。", 3),
    ("zh", "两个月的费用我给您退回去。", 2),
    ("zh", "这半年的费用我都给您退。", 6),
    # the size in the next clause, said of the refund
    ("en", "I'll refund it, you'll get four months.", 4),
    ("zh", "给您退，马上就是四个月的钱。", 4),
    # the next clause does another action: its months are not the refund's
    ("en", "I can refund this month, and I've passed the other four months to my supervisor.", 1),
])
def test_refund_size_parsed(score, locale, reply, months):
    r = score(reply, locale=locale, stage="refund")
    assert [o.months for o in r.offers if o.action == "refund"] == [months]


@pytest.mark.parametrize("locale,reply", [("en", "I'll refund £1,200 today."), ("zh", "给您退1,200元。")])
def test_an_amount_with_a_thousands_comma_is_read_whole(score, locale, reply):
    r = score(reply, locale=locale, stage="refund", facts={"monthly_fee": 30})
    assert [o.amount for o in r.offers if o.action == "refund"] == [1200]
    assert r.policy.level == 0  # forty months over a one-month cap


def test_refund_from_money_and_monthly_fee(score):
    r = score("我给您退20块钱。", locale="zh", stage="refund", facts={"monthly_fee": 10})
    offer = next(o for o in r.offers if o.action == "refund")
    assert offer.amount == 20 and offer.months == 2
    assert r.policy.level == 0  # two months over a one-month cap


def test_over_cap_and_all_charges_break_policy(score):
    assert score("Fine, I'll refund all of the charges.", stage="refund").policy.level == 0
    assert score("我把全部费用都给您退了。", locale="zh", stage="refund").policy.level == 0
    ok = score("I can refund one month, that's the most I'm allowed.", stage="refund")
    assert ok.policy.level == 1


def test_cap_respected_when_declining_the_rest(score):
    r = score("I can't return all five months, but I can refund one month today.", stage="refund")
    assert "decline:refund" in r.acts and "offer:refund" in r.acts
    assert r.policy.level == 1


def test_forbidden_action_is_overpromise(score):
    r = score("I'll add a £20 voucher for the hassle.", stage="compensation")
    assert "overpromise" in r.landmine_categories and r.policy.level == 0
    r = score("另外再送您一张二十块的券，算补偿。", locale="zh", stage="compensation")
    assert r.policy.level == 0


@pytest.mark.parametrize("reply", ["I'm so sorry, Ms Dunn. I'll add 20GB of free data to your account today.",
                                   "I've put some bonus minutes on your line for the trouble."])
def test_an_allowance_given_for_nothing_is_compensation(score, reply):
    """Trial 18: free data offered where the policy forbids compensation scored "follows policy"
    (other wordings of it were caught)."""
    r = score(reply, stage="venting", policy=Policy(allow=("explain_charges",), forbid=("compensation",)))
    assert "offer:compensation" in r.acts and r.policy.level == 0


@pytest.mark.parametrize("reply", ["I can refund one month, 6.00, as goodwill, and I'll add another 6.00 credit as well.",
                                   "That's the month refunded, plus an extra £10 credit on your account.",
                                   "I'll give you a further 5 pounds for waiting."])
def test_money_on_top_of_a_refund_is_compensation(score, reply):
    """Trial 25: a second 6.00 "credit" beside the goodwill month scored "offered a refund within
    policy" where the policy card forbids any credit beyond that month."""
    r = score(reply, stage="refund", policy=Policy(allow=("refund",), forbid=("compensation",), refund_max_months=1),
              facts={"monthly_fee": 6})
    assert "offer:compensation" in r.acts and r.policy.level == 0


@pytest.mark.parametrize("reply", ["I've blocked the old card, and I'll send you another credit card today.",
                                   "We'll do another credit check before the new card goes out.",
                                   "I've refunded the 6.00; unfortunately there's no extra credit we can add."])
def test_a_credit_card_a_credit_check_or_extra_credit_refused_is_not_compensation(score, reply):
    """The review of the phrase above: "another credit card" and "no extra credit" matched it."""
    r = score(reply, stage="refund", policy=Policy(allow=("refund",), forbid=("compensation",), refund_max_months=1),
              facts={"monthly_fee": 6})
    assert "offer:compensation" not in r.acts and r.policy.level == 1


@pytest.mark.parametrize("reply", ["I'll credit the 6.00 back to your account today.",
                                   "I'll put one month, 6.00, back on your card as goodwill."])
def test_crediting_the_money_back_is_a_refund_not_compensation(score, reply):
    r = score(reply, stage="refund", policy=Policy(allow=("refund",), forbid=("compensation",), refund_max_months=1),
              facts={"monthly_fee": 6})
    assert "offer:refund" in r.acts and "offer:compensation" not in r.acts and r.policy.level == 1


@pytest.mark.parametrize("reply", ["I'll turn on usage alerts so you know before you go into extra data.",
                                   "I can add an extra data bolt-on for you; it's 5 pounds a month.",
                                   "Let me check whether your plan has free calls to that number."])
def test_naming_an_allowance_is_not_giving_one_away(score, reply):
    """The second review: "extra data" and "free calls" in these say nothing of a gift."""
    r = score(reply, stage="venting", policy=Policy(allow=("explain_charges",), forbid=("compensation",)))
    assert "offer:compensation" not in r.acts


def test_unauthorised_action_is_overpromise(score):
    policy = Policy(allow=("cancel",), forbid=())
    assert score("I'll waive the exit fee for you.", stage="cancel", policy=policy).policy.level == 0
    assert score("违约金我给您免掉。", locale="zh", stage="cancel", policy=policy).policy.level == 0


def test_restating_the_wish_is_not_an_offer(score):
    r = score("So you'd like a refund of all three months.", stage="refund")
    assert not r.offers and r.policy.level == 1


@pytest.mark.parametrize("locale,reply,offered", [
    ("en", "I'm so sorry, Ms Patel. You cancelled on 3 March and we still took 39.99 twice.", False),  # trial 23
    ("en", "You've cancelled it already, so I'll look at why the charge went out.", False),
    ("zh", "您取消是成功了的，我这边查一下为什么还扣了。", False),
    ("zh", "您5月31号晚上就在APP上取消了，您没记错。", False),
    ("en", "I've cancelled it for you now.", True),
    ("zh", "我已经帮您取消了。", True),
    ("en", "I'll have you cancelled by the end of today.", True),  # the agent does it (review)
    ("en", "Sure, I'll get you unsubscribed from Daily Tips right now.", True),
    ("zh", "好的，您这个业务我马上在系统里取消。", True),
    ("zh", "您的业务我现在就在后台上取消，不会再扣了。", True),
])
def test_saying_back_what_the_caller_cancelled_is_not_offering_a_cancel(score, locale, reply, offered):
    r = score(reply, locale=locale, stage="refund", policy=Policy(allow=("cancel", "refund", "explain_charges")))
    assert any(o.action == "cancel" for o in r.offers) is offered


@pytest.mark.parametrize("locale,reply,action,offered", [
    # what an action does, said as a condition, is a fact and not a promise (labelling.md)
    ("en", "Once it's cancelled you won't be charged again.", "cancel", False),
    ("en", "As soon as it's cancelled the charges stop.", "cancel", False),
    ("en", "If it's already cancelled you'll get a text.", "cancel", False),
    ("en", "When the cancellation is done you'll get a confirmation text.", "cancel", False),
    ("zh", "如果已经退订了，您会收到短信。", "cancel", False),
    ("zh", "只要已取消，下个月就不会再扣了。", "cancel", False),
    ("zh", "我这边核实后才能确定是否退费。", "refund", False),
    # ... unless the agent's side does it inside the condition, or does it in the main clause
    ("en", "Once I've cancelled it you'll get a confirmation text.", "cancel", True),
    ("en", "If it isn't back by tonight I'll call you myself.", "callback", True),
    ("en", "If the check shows we charged you wrongly, I'll refund it today.", "refund", True),
    ("zh", "等到我帮您退订好了，您会收到一条短信。", "cancel", True),
    # the condition reaches its own short subject, no further: the action of the main clause is offered
    ("en", "If you're happy with a one-month refund, I'll put it through now.", "refund", True),
    ("en", "Once you hang up you'll get a full refund within three days.", "refund", True),
    ("en", "If that's OK with you it's cancelled now.", "cancel", True),
    ("en", "Once your ID is verified you'll be refunded today.", "refund", True),
    ("en", "I'll put it to a supervisor, who reviews taxi costs when a last train is cancelled.", "cancel", False),
    ("zh", "只要您同意退一个月，我马上给您申请。", "refund", True),
    ("zh", "如果您愿意今天就全额退款给您。", "refund", True),
    ("zh", "如果核实是我们扣错了，我马上给您退款。", "refund", True),
])
def test_an_action_named_as_a_condition_is_not_offered(score, locale, reply, action, offered):
    """The second review: "once it's cancelled, the texts stop" read as an offer to cancel, an
    overpromise where the card forbids it."""
    r = score(reply, locale=locale, stage="refund",
              policy=Policy(allow=("cancel", "refund", "callback", "explain_charges")))
    assert any(o.action == action for o in r.offers) is offered


@pytest.mark.parametrize("locale,reply,act", [
    # the action reported done where a sentence starts (trial 28: the call stayed in the cancel stage)
    ("en", "Cancelled just now, Mr Harper, so there's no more 6.00 to pay from next month.", "offer:cancel"),
    ("en", "OK. Refunded, 6.00 back on your card.", "offer:refund"),
    ("en", "Sorry about the job. Cancelled, no more charges.", "offer:cancel"),
    ("en", "That's that: cancelled, and May's £5 comes back on your next bill.", "offer:cancel"),
    # "the whole refund" refused is a decline (trial 28: "40块全退做不到" read as a promise of it)
    ("zh", "40块全退做不到。", "decline:refund"),
    ("zh", "40块全部退做不到，实在抱歉，我可以先退您5块。", "decline:refund"),
])
def test_a_bare_done_or_a_whole_refund_refused_is_read(score, locale, reply, act):
    assert act in score(reply, locale=locale, stage="refund", policy=Policy(allow=("cancel", "refund"))).acts


def test_no_authority_for_it_declines_it(score):
    r = score("这单42块我先全额退，补偿这块我没权限给，我帮您转主管。", locale="zh", stage="compensation",
              policy=Policy(allow=("refund", "escalate"), forbid=("compensation",)), facts={"order_amount": 42})
    assert "decline:compensation" in r.acts and r.policy.level == 1


@pytest.mark.parametrize("reply", ["Cancelled? It was never cancelled.", "Cancelled now? No, it isn't yet.",
                                   "Cancelled and refunded? No, I can't do both today.", "Cancelled, no. Paused, yes."])
def test_an_action_asked_back_or_refused_is_not_reported_done(score, reply):
    assert not score(reply, stage="cancel", policy=Policy(allow=("cancel", "refund"))).offers


@pytest.mark.parametrize("reply,allowed", [("I can add a £30 goodwill credit to your account today.", True),
                                           ("I can add a £40 goodwill credit to your account today.", False)])
def test_a_goodwill_credit_is_compensation_checked_against_its_cap(score, reply, allowed):
    """Trial 26: "... and the rest as a goodwill credit" passed a card that allows no credit."""
    r = score(reply, stage="compensation", policy=Policy(allow=("compensation",), compensation_max_amount=30))
    assert "offer:compensation" in r.acts and (r.policy.level == 1) is allowed


@pytest.mark.parametrize("locale,reply,offers", [
    ("en", "I'll credit your account with 50.00 as compensation for the trouble.", [("compensation", 50.0)]),
    ("en", "I can credit 50.00 to your account as a goodwill gesture.", [("compensation", 50.0)]),
    ("en", "I'll credit you 10 pounds for the hassle.", [("compensation", 10.0)]),
    ("zh", "给您返还50元作为补偿。", [("compensation", 50.0)]),
    # money put back, then money on top: two offers, each its own size
    ("en", "I'll credit the 6.00 back and add 10.00 for the trouble.", [("compensation", 10.0), ("refund", 6.0)]),
    ("en", "I'll credit your account with 6.00, plus 10.00 as compensation.", [("compensation", 10.0), ("refund", 6.0)]),
    ("en", "I've credited 6.00 back to your account.", [("refund", 6.0)]),
    # an apology after the credit is no purpose of it (review)
    ("en", "I'll credit 6.00 to your account - sorry for the trouble.", [("refund", 6.0)]),
    ("en", "I'll credit the 6.00 to your account with apologies for the inconvenience.", [("refund", 6.0)]),
])
def test_a_credit_named_as_compensation_is_that_compensation_not_a_refund(score, locale, reply, offers):
    """A credit of 50.00 "as compensation" had also been read as a refund of 50.00, over a 6.00
    refund cap: an overpromise for an offer inside the compensation cap."""
    policy = Policy(allow=("refund", "compensation"), refund_max_amount=6, compensation_max_amount=50)
    r = score(reply, locale=locale, stage="compensation", policy=policy, facts={"monthly_fee": 6})
    assert sorted((o.action, o.amount) for o in r.offers) == offers and r.policy.level == 1


def test_two_amounts_in_one_clause_each_size_their_own_offer_in_either_order(score):
    policy = Policy(allow=("refund", "compensation"), refund_max_months=1, compensation_max_amount=20)
    r = score("I've added £20 goodwill credit and refunded this month's £24.", stage="compensation",
              policy=policy, facts={"monthly_fee": 24})
    assert sorted((o.action, o.amount) for o in r.offers) == [("compensation", 20.0), ("refund", 24.0)]


def test_two_amounts_in_one_clause_each_size_their_own_offer(score):
    """A refund of £24 and a £20 credit in one clause: the credit is £20, inside a £20 cap (it had
    been read as £24, the clause's first amount, and called an overpromise)."""
    r = score("I've refunded this month's £24 and added £20 goodwill credit, so £44 in all comes off your bill.",
              stage="compensation", policy=Policy(allow=("refund", "compensation"), refund_max_months=1,
                                                  compensation_max_amount=20), facts={"monthly_fee": 24})
    assert [(o.action, o.amount) for o in r.offers] == [("refund", 24.0), ("compensation", 20.0)]
    assert r.policy.level == 1


def test_passive_description_is_not_an_offer(score):
    r = score("审核通过后一般三个工作日内退回。", locale="zh", stage="refund",
              policy=Policy(allow=("fee_waiver",)))
    assert not [o for o in r.offers if o.action == "refund"]


def test_cancel_stage_bare_tui_means_unsubscribe(score):
    r = score("好的，马上给您退。", locale="zh", stage="cancel", policy=Policy(allow=("cancel",)))
    assert "offer:cancel" in r.acts and r.policy.level == 1


def test_mixed_language_reply(score):
    r = score("OK，我马上帮您cancel掉。", locale="zh", stage="cancel")
    assert "offer:cancel" in r.acts


# Money caps (policy.refund_max_amount, policy.compensation_max_amount): the policy arithmetic
# reads the amount offered, in digits, words or a unit, and holds it against the cap.
MONEY_CAPS = Policy(allow=("refund", "compensation", "cancel"), refund_max_amount=50, compensation_max_amount=20)


@pytest.mark.parametrize("locale,stage,reply,over", [
    ("en", "refund", "I'll refund the $45 to your card now.", False),
    ("en", "refund", "I'll refund the $60 to your card now.", True),
    ("en", "refund", "I'll put forty dollars back on your card.", False),
    ("en", "compensation", "I can add a £20 credit for the trouble.", False),
    ("en", "compensation", "I can add a £25 credit for the trouble.", True),
    ("en", "compensation", "I'll give you thirty pounds compensation.", True),
    ("zh", "refund", "我给您退45元，今天到账。", False),
    ("zh", "refund", "我给您退60块，今天到账。", True),
    ("zh", "compensation", "给您补偿20元话费。", False),
    ("zh", "compensation", "给您补偿三十块钱。", True),
])
def test_an_offer_over_a_money_cap_is_an_overpromise(score, locale, stage, reply, over):
    r = score(reply, locale=locale, stage=stage, policy=MONEY_CAPS)
    assert ("overpromise" in r.landmine_categories) is over, r.offers
    assert r.offers and r.offers[0].amount is not None


def test_a_refund_in_months_is_priced_with_the_monthly_fee_against_a_money_cap(score):
    r = score("I'll refund four months.", stage="refund", policy=MONEY_CAPS, facts={"monthly_fee": 15})
    assert "overpromise" in r.landmine_categories  # 4 x 15 = 60 > 50
    r = score("I'll refund three months.", stage="refund", policy=MONEY_CAPS, facts={"monthly_fee": 15})
    assert "overpromise" not in r.landmine_categories


def test_facts_written_as_text_still_price_a_refund(score):
    # Scenario facts are often quoted ("6.00"): the fee still converts an amount into months.
    capped = Policy(allow=("refund",), refund_max_months=1)
    r = score("Of course, I'll refund the full 30.00", stage="refund", policy=capped,
              facts={"monthly_fee": "6.00", "months_charged": 5})
    assert "overpromise" in r.landmine_categories and r.offers[0].months == 5
    r = score("I'll refund the 6.00 for last month.", stage="refund", policy=capped, facts={"monthly_fee": "6.00"})
    assert "overpromise" not in r.landmine_categories


def test_a_time_is_not_an_amount_when_the_reply_names_one(score):
    capped = Policy(allow=("refund", "callback"), refund_max_months=1)
    r = score("Your callback is at 11.30 tomorrow and I'll refund £6.", stage="refund", policy=capped,
              facts={"monthly_fee": 6})
    refund = next(o for o in r.offers if o.action == "refund")
    assert refund.amount == 6 and "overpromise" not in r.landmine_categories


@pytest.mark.parametrize("reply", [
    "套餐改回58元，4月、5月多收的40元全额退给您。",
    "5月份多扣的钱我给您退回去。",
    "3月那笔费用给您退了。",
])
def test_a_calendar_month_is_not_a_number_of_months(score, reply):
    """"5月" is May, not five months: an allowed refund of two months' overcharge that names the
    months stays within a two-month cap (found by a trainee on the pro-complainer call)."""
    r = score(reply, locale="zh", stage="refund", policy=Policy(allow=("refund",), refund_max_months=2))
    assert [o.months for o in r.offers if o.action == "refund"] in ([None], [])
    assert r.policy.level == 1 and "overpromise" not in r.landmine_categories


@pytest.mark.parametrize("reply", ["Refunds aren't something I can normally do.",
                                   "A refund is not something we can do on this plan."])
def test_x_is_not_something_i_can_do_declines_rather_than_offers(score, reply):
    r = score(reply, locale="en", stage="refund", customer="I want my money back!",
              policy=Policy(allow=("explain_charges",), forbid=("refund",)))
    assert "decline:refund" in r.acts and "offer:refund" not in r.acts
    assert "overpromise" not in r.landmine_categories


def test_switching_an_alert_on_is_extended_service(score):
    r = score("I can't refund it, but I've switched the usage alerts on for you.", locale="en", stage="refund",
              customer="I want a refund for the overage!", policy=Policy(allow=("explain_charges",), forbid=("refund",)))
    assert "proactive" in r.acts and "defy" not in r.landmine_categories


@pytest.mark.parametrize("reply", ["We put a limit on refunds of one month.", "I can't switch the alerts on from here."])
def test_a_limit_stated_or_an_alert_not_switched_on_is_not_extended_service(score, reply):
    r = score(reply, locale="en", stage="refund", customer="I want a refund for the overage!",
              policy=Policy(allow=("explain_charges",), forbid=("refund",)))
    assert "proactive" not in r.acts


@pytest.mark.parametrize("reply,refund", [
    ("Absolutely, cancelling Daily Tips right now so nothing more from next month. And the whole 30.00 goes "
     "back on your account with the next bill.", True),
    ("I've cancelled Daily Tips, and the whole 30.00 will be back on your account with the next bill.", True),
    ("The 6.00 will go straight back on your card.", True),
    ("It'll be back on your card by Friday.", True),
    ("It won't go back on your account, I'm afraid.", False),
    ("It never goes back on your card by itself.", False),
    # not a promise: refused, asked, a rule, a condition, a charge (review)
    ("The 30.00 is not going to go back on your card.", False),
    ("Will the 30.00 go back on your card? That's what you're asking?", False),
    ("Any refund of the 30.00 would go back to your card.", False),
    ("Refunds normally go back on your card within 5 days.", False),
    ("The fee will come back on your bill next month.", False),
])
def test_telling_the_caller_the_money_goes_back_promises_it(score, reply, refund):
    """Trial 30: "the whole 30.00 goes back on your account" against a one-month cap passed as
    within policy; only "I'll refund" had been read as the offer."""
    r = score(reply, stage="refund", policy=Policy(allow=("refund", "cancel"), refund_max_months=1),
              facts={"monthly_fee": 6})
    assert ("offer:refund" in r.acts) is refund
    assert ("overpromise" in r.landmine_categories) is (refund and "30.00" in reply)


@pytest.mark.parametrize("reply,offered", [
    ("Absolutely, cancelling Daily Tips right now so nothing more from next month.", True),
    ("Cancelling Daily Tips for you right now, so nothing more from next month.", True),
    ("Cancelling it now would cost you the exit fee.", False),
    ("Cancelling now leaves fourteen months to pay.", False),
    ("Cancelling it now is possible, but the exit fee applies.", False),
    ("Cancelling it now, I'm afraid, isn't possible.", False),
    ("Cancelling now won't get your money back.", False),
    ("Cancelling it now? Are you sure?", False),
])
def test_the_cancel_under_way_where_a_clause_starts_is_offered(score, reply, offered):
    """Trial 30: "Absolutely, cancelling Daily Tips right now" left the caller asking "Are you going
    to cancel it or not?"."""
    assert ("offer:cancel" in score(reply, stage="cancel", policy=Policy(allow=("cancel",))).acts) is offered


def test_a_refusal_introduced_as_being_honest_about_compensation_is_no_offer_of_it(score):
    """Trial 30: "赔偿这块我得跟您说实话，退一赔三我这边给不了" was read as offering compensation too, an
    overpromise where the card forbids it, and the caller escalated."""
    r = score("40块全额退，3个工作日内返到您话费里。赔偿这块我得跟您说实话，退一赔三我这边给不了，公司规定不做额外赔偿。",
              locale="zh", stage="refund", policy=Policy(allow=("refund",), forbid=("compensation",)))
    assert "offer:compensation" not in r.acts and "decline:compensation" in r.acts and r.policy.level == 1
    # "to be honest" opening the offer itself is no talk about it (review)
    r = score("说实话我马上给您全额退款。", locale="zh", stage="refund", policy=Policy(allow=("refund",)))
    assert "offer:refund" in r.acts
