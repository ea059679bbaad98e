import pytest

CUSTOMER_EN = "You've charged me £6 a month since March for a football results text I never ordered!"
CUSTOMER_ZH = "你们从三月份开始每个月扣我六块钱，什么足球资讯短信，我根本没订过！"


@pytest.mark.parametrize("locale,customer,reply,level", [
    ("en", CUSTOMER_EN, "So since March you've been paying £6 every month for football texts you never asked for.", 2),
    ("zh", CUSTOMER_ZH, "从三月起每个月被扣六块，还是您压根没订过的足球短信，换谁都窝火。", 2),
    ("en", CUSTOMER_EN, "I see.", 1),
    ("zh", CUSTOMER_ZH, "嗯，明白。", 1),
    ("en", CUSTOMER_EN, "Thank you for calling. Is there anything else I can help with?", 0),
    ("zh", CUSTOMER_ZH, "感谢您的来电，请问还有其他可以帮您的吗？", 0),
])
def test_venting_levels(score, locale, customer, reply, level):
    assert score(reply, locale=locale, stage="venting", customer=customer).listening.level == level


def test_lecture_while_venting_is_zero(score):
    reply = ("Premium texts are billed monthly in advance according to the terms and conditions. "
             "Charges are applied automatically once the short code is confirmed, and the subscription "
             "stays active until you opt out, which is standard procedure under our policy.")
    r = score(reply, stage="venting", customer=CUSTOMER_EN)
    assert r.listening.level == 0
    assert any(e.label == "lecture" for e in r.listening.evidence)


def test_lecture_while_venting_zh(score):
    reply = "根据相关规定，增值业务按月计费，开通后次月生效，已产生的费用按规定不予退还。另外温馨提示您，可登录网上营业厅查询详单。"
    assert score(reply, locale="zh", stage="venting", customer=CUSTOMER_ZH).listening.level == 0


def test_solution_while_venting_is_one(score):
    r = score("I'm sorry about that, I can refund one month right now.", stage="venting", customer=CUSTOMER_EN)
    assert r.listening.level == 1


def test_relevant_question_counts(score):
    r = score("When did you first notice the charge?", stage="venting", customer=CUSTOMER_EN)
    assert r.listening.level == 2 and "question" in r.acts
    r = score("您是哪天第一次发现这笔扣费的？", locale="zh", stage="venting", customer=CUSTOMER_ZH)
    assert r.listening.level == 2


def test_script_question_is_not_listening(score):
    r = score("Did you know you can upgrade to Sports Plus for just £2 more?", stage="cancel",
              customer="Cancel the football texts now.")
    assert r.listening.level == 0


def test_ignoring_the_demand(score):
    r = score("您好，您的套餐还剩3G流量。", locale="zh", stage="cancel", customer="把足球短信给我退订了！")
    assert r.listening.level == 0


def test_surface_answer_vs_full_answer(score):
    customer = "Why did my direct debit fail this month?"
    surface = score("It failed because your bank returned it.", stage="inquiry", customer=customer)
    full = score("It failed because your bank returned it on the 3rd. I can set up a reminder so it "
                 "doesn't catch you out again, and I'll waive the late fee.", stage="inquiry", customer=customer,
                 policy=__import__("scoring").Policy(allow=("fee_waiver",)))
    assert surface.listening.level == 1 and full.listening.level == 2


@pytest.mark.parametrize("locale, customer, reply", [
    ("en", "Is anyone using my card?", "Nobody has used it since Tuesday."),
    ("en", "Has the refund gone through yet?", "Not yet: it leaves us tonight."),
    ("zh", "有没有人用过我的卡？", "没人用过，最后一笔是周二的。"),
])
def test_a_yes_no_question_answered_with_nobody_or_not_yet_is_answered(score, locale, customer, reply):
    r = score(reply, locale=locale, stage="inquiry", customer=customer)
    assert r.listening.level >= 1
    assert "no_answer" not in {e.label for e in r.listening.evidence}


def test_interrupted_caps_listening(score):
    r = score("So since March you've been paying £6 every month for football texts you never asked for.",
              stage="venting", customer=CUSTOMER_EN, interrupted=True)
    assert r.listening.level == 0
    assert any(e.label == "interrupted" and (e.start, e.end) == (0, 0) for e in r.listening.evidence)


def test_repeating_own_line_is_canned(score):
    history = [("customer", "Nobody is helping me!"), ("agent", "I understand how you feel.")]
    r = score("I understand how you feel.", stage="venting", customer="You said that already!", history=history)
    assert r.listening.level == 0


def test_parroting_is_not_paraphrase(score):
    customer = "the engineer never came on tuesday and i took the whole day off work for nothing"
    r = score("The engineer never came on Tuesday and you took the whole day off work for nothing.",
              stage="venting", customer=customer)
    assert "paraphrase" not in r.acts
