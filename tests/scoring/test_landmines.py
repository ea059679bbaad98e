"""Each landmine category in both languages, and replies that must NOT raise one."""
import pytest


@pytest.mark.parametrize("locale,stage,reply,category", [
    ("en", "venting", "Be careful what you say, these calls are recorded.", "threaten"),
    ("en", "cancel", "If you refuse to pay we'll pass it to a debt collector.", "threaten"),
    ("zh", "venting", "您再骂人我就挂电话了，通话都有录音的。", "threaten"),
    ("zh", "cancel", "不交的话我们只能走法律程序了。", "threaten"),
    ("en", "refund", "Someone in your house must have signed up, I'm afraid.", "accuse"),
    ("en", "inquiry", "You must have replied to one of those texts.", "accuse"),
    ("zh", "refund", "肯定是您自己不小心点了链接。", "accuse"),
    ("zh", "inquiry", "这个只能是您自己回复开通的。", "accuse"),
    ("en", "refund", "That's not true, the outage lasted one day.", "argue"),
    ("en", "inquiry", "Actually the parcel was handed over at 10am.", "argue"),
    ("zh", "refund", "不可能断了五天，系统记录就一天。", "argue"),
    ("zh", "inquiry", "我们的系统不会错的，您再看看。", "argue"),
    ("en", "venting", "Wow, aren't you a ray of sunshine.", "retaliate"),
    ("en", "venting", "I HEARD YOU THE FIRST TIME, STOP SHOUTING.", "retaliate"),
    ("zh", "venting", "您冲我发火有什么用？", "retaliate"),
    ("zh", "cancel", "行了行了，我耳朵又不聋。", "retaliate"),
    ("en", "closing", "Feel free to complain, my employee number is 5521.", "defy"),
    ("en", "refund", "There's nothing I can do, take it up with the regulator.", "defy"),
    ("zh", "closing", "您要投诉就去投吧，随便。", "defy"),
    ("zh", "refund", "这个钱找谁都一样，退不了。", "defy"),
    ("en", "venting", "Please calm down, it's only a few pounds.", "dismiss"),
    ("en", "refund", "It was only a short outage, no big deal.", "dismiss"),
    ("zh", "venting", "您先冷静，也就十块钱。", "dismiss"),
    ("zh", "refund", "不至于吧，多大点事。", "dismiss"),
    ("en", "refund", "That's not our department, it's the courier's problem.", "deflect"),
    ("en", "inquiry", "The system did that on its own, I don't have any visibility.", "deflect"),
    ("zh", "refund", "这个不归我们客服管，您去找快递公司。", "deflect"),
    ("zh", "inquiry", "这是系统自动开通的，跟我们没关系。", "deflect"),
    ("en", "inquiry", "I guarantee it will be fixed by tonight.", "overpromise"),
    ("en", "closing", "This will never happen again, I promise.", "overpromise"),
    ("zh", "inquiry", "我向您保证，绝对不会影响您的征信。", "overpromise"),
    ("zh", "closing", "师傅明天百分之百准时到。", "overpromise"),
])
def test_landmine_detected(score, locale, stage, reply, category):
    r = score(reply, locale=locale, stage=stage)
    assert category in r.landmine_categories
    assert r.policy.level == 0 and r.policy.score == 0
    hit = next(h for h in r.landmines if h.category == category)
    assert 0 <= hit.start <= hit.end <= len(reply) and hit.reason


@pytest.mark.parametrize("locale,stage,reply", [
    # a polite decline that states the rule is fine
    ("en", "refund", "I'm sorry, I'm not able to refund more than one month, but I can refund that month today."),
    ("zh", "refund", "很抱歉，按规定最多只能退一个月，这一个月我现在就给您办。"),
    ("en", "compensation", "I understand why you'd ask, but we don't pay compensation; I can refund last month though."),
    # recording feedback or logging a complaint is service, not a threat or a dare
    ("en", "closing", "I'll record your feedback about the engineer on your account."),
    ("en", "closing", "I'm logging a formal complaint for you so it's on file."),
    ("zh", "closing", "我已经把您的意见登记成正式投诉了。"),
    ("zh", "closing", "您的反馈我都记下来了，会转给相关部门。"),
    # reassurance that is not a promise of an outcome
    ("en", "inquiry", "I can't promise a date yet, but I'll call you as soon as I hear."),
    ("zh", "inquiry", "具体时间我不能保证，但一有消息我马上给您回电话。"),
    # ordinary warm replies
    ("en", "venting", "That sounds really stressful, take your time and tell me what happened."),
    ("zh", "venting", "嗯，这事换谁都生气，您慢慢说，我听着。"),
])
def test_no_false_alarm(score, locale, stage, reply):
    r = score(reply, locale=locale, stage=stage)
    assert r.landmine_categories == ()
    assert r.policy.level == 1 and r.policy.score == 100


def test_bare_refusal_is_defy(score):
    assert "defy" in score("No refunds. Next.", stage="refund").landmine_categories
    assert "defy" in score("退不了。", locale="zh", stage="refund").landmine_categories


def test_a_landmine_inside_another_of_its_category_is_reported_once(score):
    """Trial 30: "您要投诉随便投" was listed twice, once more as "投诉随便" inside it. Two phrases in
    two places stay two pieces of evidence."""
    r = score("工号3317，您要投诉随便投，打12300也行，我们这边就是按规定办事", locale="zh", stage="venting")
    assert [(h.category, h.start, h.end) for h in r.landmines if h.category == "defy"] == [("defy", 7, 14)]
    r = score("阿姨我跟您保证，以后绝对不会再多扣您一分钱，您放一百个心", locale="zh", stage="closing")
    assert len([h for h in r.landmines if h.category == "overpromise"]) == 2
