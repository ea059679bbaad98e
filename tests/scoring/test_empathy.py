import pytest

UPSET_EN = "This is the third time I've called about this stupid charge!"
UPSET_ZH = "这都第三次打电话了，你们这乱扣费到底管不管！"


@pytest.mark.parametrize("locale,customer,reply,level", [
    ("en", UPSET_EN, "Three calls for one charge would wear anyone down, I'm really sorry you've had to chase it.", 2),
    ("zh", UPSET_ZH, "为一笔扣费打了三次电话，换谁都憋屈，真的很抱歉让您来回折腾。", 2),
    ("en", UPSET_EN, "Sorry for any inconvenience caused.", 1),
    ("zh", UPSET_ZH, "给您带来不便，非常抱歉。", 1),
    ("en", UPSET_EN, "Account number?", 0),
    ("zh", UPSET_ZH, "手机号报一下。", 0),
])
def test_empathy_levels(score, locale, customer, reply, level):
    assert score(reply, locale=locale, stage="venting", customer=customer).empathy.level == level


def test_undercut_empathy_is_one(score):
    r = score("I completely understand why you're upset, but rules are rules.", stage="refund", customer=UPSET_EN)
    assert r.empathy.level == 1
    assert any(e.label == "undercut" and e.effect == "-" for e in r.empathy.evidence)
    r = score("我特别能理解您的心情，但是规定就是规定。", locale="zh", stage="refund", customer=UPSET_ZH)
    assert r.empathy.level == 1


def test_hollow_empathy_is_one(score):
    history = [("customer", "Why is nobody fixing this?"), ("agent", "I can see why you're frustrated. Let me check.")]
    r = score("I can see why you're frustrated. The engineer is booked for Friday.", stage="inquiry",
              customer="And? When is someone coming?", history=history)
    assert r.empathy.level == 1
    assert any(e.label == "hollow" for e in r.empathy.evidence)


def test_hostile_reply_is_zero(score):
    assert score("Calm down, it's a few quid.", customer=UPSET_EN).empathy.level == 0
    assert score("您先冷静，也就几块钱的事。", locale="zh", customer=UPSET_ZH).empathy.level == 0


def test_neutral_reply_to_calm_caller_is_not_cold(score):
    r = score("Your bill date is the 14th.", stage="inquiry", customer="Hi, could you tell me my bill date please?")
    assert r.empathy.level == 1


@pytest.mark.parametrize("locale, customer, reply", [
    ("en", "This is the third time I've had to call about this!", "I understand your frustration. Your account number, please."),
    ("zh", "这已经是我第三次打电话了！", "给您带来不便了。请提供一下您的账号。"),
])
def test_a_polite_formula_is_credited_as_courtesy_not_worded_as_a_fault(score, locale, customer, reply):
    r = score(reply, locale=locale, stage="venting", customer=customer)
    formula = [e for e in r.empathy.evidence if e.label == "formula"]
    assert r.empathy.level == 1 and formula and formula[0].effect == "+"
    # a "+" line says first what was credited (courtesy), then why it is not more
    assert formula[0].reason.startswith(("courteous", "有礼貌"))
