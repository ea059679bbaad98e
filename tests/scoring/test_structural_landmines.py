"""Structural landmine detectors (scoring/structure.py): blame, jibes and contradiction by shape.

The sentences are our own, worded unlike any lexicon phrase, so a pass here comes from the
sentence shape and not from a phrase list. Each detector also has look-alikes it must leave alone.
"""
import pytest

from scoring import structure
from scoring.analysis import analyse
from tests.scoring.conftest import make_ctx


def shapes(reply, locale="en", customer=""):
    a = analyse(reply, make_ctx(locale=locale, customer=customer))
    return {f.category for f in structure.detect(a)}


@pytest.mark.parametrize("reply", [
    "You obviously ticked the box when you ordered the phone.",
    "You forgot to cancel the trial before it ended.",
    "You never checked your statements, so this ran on for months.",
    "You're the one who read the code out to that caller.",
    "That's because you let the direct debit lapse.",
    "It was your decision to switch tariffs halfway through.",
    "The order came from your login, which means you've handed your password to someone.",
    "Whoever did it was holding your handset. Most likely you.",
])
def test_accuse_shapes_en(reply):
    assert "accuse" in shapes(reply)


@pytest.mark.parametrize("reply", [
    "You didn't do anything wrong, these charges should never have been added.",
    "Did you receive a text from us on the 4th?",
    "If you forgot your PIN, I can reset it right now.",
    "We forgot to send the confirmation, and I'm sorry.",
    "So you've been charged twice for the same month, that's awful.",
    "I'm sorry you missed the engineer, let me rebook him.",
    "It's not because you did anything wrong; the tariff changed.",
])
def test_accuse_lookalikes_en(reply):
    assert "accuse" not in shapes(reply)


@pytest.mark.parametrize("reply", [
    "您肯定是忘了取消自动续费。",
    "是您自己在网上点的确认，怪不了别人。",
    "您当时没仔细看合同吧。",
    "这是您自己的责任，我们提醒过了。",
    "还不是因为您没按时交费。",
    "后台记录显示就是您本人办理的。",
])
def test_accuse_shapes_zh(reply):
    assert "accuse" in shapes(reply, "zh")


@pytest.mark.parametrize("reply", [
    "这不是您的问题，是我们系统出错了。",
    "您有没有收到我们发的验证短信？",
    "您没有订过这个业务，我马上帮您退掉。",
    "您忘了密码的话，我可以帮您重置。",
])
def test_accuse_lookalikes_zh(reply):
    assert "accuse" not in shapes(reply, "zh")


@pytest.mark.parametrize("reply,customer", [
    ("You people never read anything, do you.", ""),
    ("With all due respect, you haven't listened to a word.", ""),
    ("Nice try, but that voucher ran out last year.", ""),
    ("Are you even reading the letters we send?", ""),
    ("Shall I get you a gold star for waiting?", ""),
    ("Well, this 'useless helpline' just fixed your bill.", "You're a useless helpline, all of you."),
    ("哈哈，您这要求也真够可以的。", ""),
    ("您可真行，一个月打二十次电话。", ""),
    ("您这脾气也太大了吧。", ""),
    ("就您这样的，谁也没办法。", ""),
])
def test_retaliate_shapes(reply, customer):
    locale = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in reply) else "en"
    assert "retaliate" in shapes(reply, locale, customer)


@pytest.mark.parametrize("reply,customer", [
    ("Congratulations on the new baby! Let me sort the address change.", ""),
    ("It's listed as 'Premium Tips' on your bill.", "What is Premium Tips?"),
    ("You said it was 'just another scam', and I can see why.", "This is just another scam."),
    ("Good to hear, I'll leave the account as it is.", ""),
    ("这也太离谱了吧，我马上帮您查。", ""),
    ("真是太抱歉了，让您久等了。", ""),
])
def test_retaliate_lookalikes(reply, customer):
    locale = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in reply) else "en"
    assert "retaliate" not in shapes(reply, locale, customer)


def test_shouting_caps_and_double_bang_but_not_acronyms():
    assert structure.shouting("I told you that ALREADY. READ the letter.")
    assert structure.shouting("NOBODY is charging you twice!!")
    assert not structure.shouting("The refund is done!!")  # cheerful, not raised
    assert not structure.shouting("Text STOP to 80080, and your PIN, SMS code and ID stay the same.")
    assert not structure.shouting("Your 5G VIP plan is active. Thank you!")


@pytest.mark.parametrize("reply,customer", [
    ("No, that isn't what happened, the engineer came on Tuesday.", "Nobody ever turned up."),
    ("Our logs show the router was online all week, so the line was working.", "My internet never worked all week."),
    ("But you did, the confirmation email went to your address.", "I never agreed to any upgrade."),
    ("It arrived on the 12th, not the 20th.", "It took until the 20th to arrive."),
    ("No, you upgraded in March.", "I have never upgraded anything."),
    ("您记错了，合同是两年的。", "合同就一年啊。"),
    ("这话说得不对，我们从没给您加过套餐。", "你们偷偷给我加了套餐。"),
    ("可您明明同意了条款。", "我没同意过。"),
    ("物流记录显示包裹昨天就签收了，那就是送到了。", "我根本没收到包裹。"),
])
def test_argue_shapes(reply, customer):
    locale = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in reply) else "en"
    assert "argue" in shapes(reply, locale, customer)


@pytest.mark.parametrize("reply,customer", [
    ("No problem, I'll cancel it now.", "Cancel it."),
    ("No, it won't affect your credit score.", "Will this hurt my credit?"),
    ("Our records show two payments, so you're right, I'll refund one.", "I never paid twice... or did I?"),
    ("No point in you waiting, I'll call you back.", "I'm sick of waiting."),
    ("系统显示您这个月被扣了两次，确实是我们的问题。", "我被扣了两次钱。"),
    ("您没记错，确实扣了两次。", "我记得扣了两次。"),
])
def test_argue_lookalikes(reply, customer):
    locale = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in reply) else "en"
    assert "argue" not in shapes(reply, locale, customer)


def test_structural_mine_has_span_and_reason(score):
    reply = "Thanks for holding. You forgot to cancel the trial before it ended."
    r = score(reply, locale="en", stage="refund")
    hits = [m for m in r.landmines if m.category == "accuse"]
    assert hits, r.landmines
    assert reply[hits[0].start:hits[0].end].lower().startswith("you forgot")
    assert "blame" in hits[0].reason
    assert r.policy.level == 0


def test_structural_mine_zh_reason(score):
    reply = "您可真行，一个月打二十次电话。"
    r = score(reply, locale="zh", stage="venting")
    hits = [m for m in r.landmines if m.category == "retaliate"]
    assert hits and reply[hits[0].start:hits[0].end].startswith("您可真行")
    assert "嘲讽" in hits[0].reason or "回击" in hits[0].reason


# Enthusiasm is not a raised voice: a polite reply must not lose its policy score for it.
@pytest.mark.parametrize("reply", [
    "Thank you so much!! Have a lovely day.",
    "You are VERY welcome, Mr Harper.",
    "Great news!! Your refund is on its way.",
    "I have cancelled it. PLEASE do not reply to promo texts.",
])
def test_cheerful_emphasis_is_not_shouting(reply):
    from scoring.structure import shouting

    assert shouting(reply) == []


@pytest.mark.parametrize("reply", [
    "I SAID I CANNOT DO THAT.",
    "Listen to me!!!",
    "NOBODY is charging you twice!!",
])
def test_sustained_capitals_or_bangs_are_shouting(reply):
    from scoring.structure import shouting

    assert shouting(reply)


def test_warm_laughter_is_not_a_sneer_but_hehe_is():
    from scoring import ReplyContext, score_reply

    ctx = ReplyContext("zh", "closing", customer="好的，谢谢你啊。")
    assert "retaliate" not in score_reply("好的呀，哈哈，您太客气了。", ctx).landmine_categories
    assert "retaliate" not in score_reply("不客气！！祝您生活愉快。", ctx).landmine_categories
    assert "retaliate" in score_reply("呵呵，您可真会算账。", ctx).landmine_categories
