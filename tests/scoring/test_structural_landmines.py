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
def test_blame_worded_as_a_fault_a_guess_or_a_conclusion_is_accuse_en(reply):
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
def test_reassurance_questions_asides_and_our_own_faults_are_not_accuse_en(reply):
    assert "accuse" not in shapes(reply)


@pytest.mark.parametrize("reply", [
    "您肯定是忘了取消自动续费。",
    "是您自己在网上点的确认，怪不了别人。",
    "您当时没仔细看合同吧。",
    "这是您自己的责任，我们提醒过了。",
    "还不是因为您没按时交费。",
    "后台记录显示就是您本人办理的。",
])
def test_blame_with_a_guess_zi_ji_ba_or_the_records_is_accuse_zh(reply):
    assert "accuse" in shapes(reply, "zh")


@pytest.mark.parametrize("reply", [
    "这不是您的问题，是我们系统出错了。",
    "您有没有收到我们发的验证短信？",
    "您没有订过这个业务，我马上帮您退掉。",
    "您忘了密码的话，我可以帮您重置。",
])
def test_reassurance_questions_and_conditionals_are_not_accuse_zh(reply):
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
def test_jibes_mock_praise_and_scare_quotes_are_retaliate(reply, customer):
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
def test_good_wishes_quoted_names_and_warm_words_are_not_retaliate(reply, customer):
    locale = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in reply) else "en"
    assert "retaliate" not in shapes(reply, locale, customer)


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
def test_contradicting_the_callers_account_is_argue(reply, customer):
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
def test_answers_agreement_and_records_read_out_are_not_argue(reply, customer):
    locale = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in reply) else "en"
    assert "argue" not in shapes(reply, locale, customer)


def test_a_shape_landmine_breaks_policy_and_carries_its_span_and_reason(score):
    reply = "Thanks for holding. You forgot to cancel the trial before it ended."
    r = score(reply, locale="en", stage="refund")
    hits = [m for m in r.landmines if m.category == "accuse"]
    assert hits, r.landmines
    assert reply[hits[0].start:hits[0].end].lower().startswith("you forgot")
    assert "blame" in hits[0].reason
    assert r.policy.level == 0


def test_a_shape_landmine_in_a_chinese_reply_has_a_chinese_reason(score):
    reply = "您可真行，一个月打二十次电话。"
    r = score(reply, locale="zh", stage="venting")
    hits = [m for m in r.landmines if m.category == "retaliate"]
    assert hits and reply[hits[0].start:hits[0].end].startswith("您可真行")
    assert "嘲讽" in hits[0].reason or "回击" in hits[0].reason


def test_warm_laughter_is_not_a_sneer_but_hehe_is():
    from scoring import ReplyContext, score_reply

    ctx = ReplyContext("zh", "closing", customer="好的，谢谢你啊。")
    # "好的呀，哈哈，您太客气了。" is read as retaliate by round 10's model: a strict known error
    # (tests/scoring/test_known_errors.py); these still hold.
    assert "retaliate" not in score_reply("哈哈 好嘞 祝您周末愉快", ctx).landmine_categories
    assert "retaliate" not in score_reply("不客气！！祝您生活愉快。", ctx).landmine_categories
    assert "retaliate" in score_reply("呵呵，您可真会算账。", ctx).landmine_categories


# ---- deflect / dismiss / defy / threaten / broader argue by shape (structure.detect_moves)
def moves(reply, customer=""):
    locale = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in reply) else "en"
    a = analyse(reply, make_ctx(locale=locale, customer=customer))
    return {f.category for f in structure.detect_moves(a)}


@pytest.mark.parametrize("category,reply,customer", [
    ("deflect", "Honestly that's a warehouse problem, they pack the boxes.", "The box came open."),
    ("deflect", "The billing team sets those prices, so it's out of my hands.", "Why did my tariff go up?"),
    ("deflect", "You'd have to get in touch with the lender about that.", "The loan payment bounced."),
    ("deflect", "这是厂家定的，我们改不了。", "保修怎么才一年？"),
    ("deflect", "您得自己去找物流公司问一下。", "包裹丢了。"),
    ("dismiss", "It's only three quid, it hardly matters.", "You overcharged me £3."),
    ("dismiss", "Honestly, it's not the end of the world, the parcel will turn up.", "My parcel is lost."),
    ("dismiss", "Lots of people get these delays in winter.", "My train is late again."),
    ("dismiss", "不就几十块钱的事嘛。", "多扣了我五十块。"),
    ("dismiss", "没必要为这点小事这么生气。", "你们太过分了！"),
    ("defy", "There's nothing more we can do about it.", "Fix my bill."),
    ("defy", "Report it to whoever you like.", "I'm reporting this."),
    ("defy", "Suit yourself.", "I'll go to the regulator then."),
    ("defy", "您爱去哪投诉就去哪投诉。", "我要投诉你们。"),
    ("defy", "退不了就是退不了。", "给我退掉！"),
    ("threaten", "If you carry on like this, I will end this call.", "You're useless!"),
    ("threaten", "Customers who raise fake claims can get blacklisted by every insurer.", "I'll claim again."),
    ("threaten", "您再骂一句我就挂了。", "你们都是骗子！"),
    ("threaten", "您说的话我们都留着呢，自己掂量。", "我要去网上曝光你们。"),
    ("argue", "I'm afraid you're mistaken, the fee was on the form.", "Nobody mentioned a fee."),
    ("argue", "Our logs say otherwise, the router stayed online.", "The internet was down all day."),
    ("argue", "实际上我们并没有收过这笔钱。", "你们收了我两次钱。"),
    ("argue", "您说的不对，合同写的是两年。", "合同就一年。"),
])
def test_passing_the_buck_minimising_daring_threatening_and_contradicting_are_found_by_shape(category, reply, customer):
    assert category in moves(reply, customer)


@pytest.mark.parametrize("category,reply,customer", [
    # taking ownership: an offer to do it for the caller
    ("deflect", "That's a courier issue, but I'll chase them for you right now.", "Where is my parcel?"),
    ("deflect", "The other team handles refunds, so let me pass this to them today.", "I want a refund."),
    ("deflect", "这是快递的问题，我马上帮您联系他们。", "包裹丢了。"),
    # reassurance after acting, or an aside
    ("dismiss", "It's only fair that I refund it, and I've done that now.", "You overcharged me £3."),
    ("dismiss", "I know it's not just the money, it's the hassle.", "This is ridiculous."),
    ("dismiss", "就几天的事我已经帮您加急了。", "快递太慢了。"),
    # a way forward offered
    ("defy", "There's nothing more I can do on the bill, but I'll log a complaint for you.", "Fix my bill."),
    ("defy", "It's your choice which plan to keep.", "Which plan is cheaper?"),
    ("defy", "我没办法直接退，不过我可以帮您申请减免。", "给我退掉！"),
    # offers and help dressed as conditions
    ("threaten", "If you don't want the texts, I'll block them today.", "Stop these texts."),
    ("threaten", "If you keep getting these calls, we'll block the number for you.", "I keep getting spam."),
    ("threaten", "Yes, calls are recorded, so you can ask for a copy.", "Is this call recorded?"),
    ("threaten", "要是您再收到这种短信，我们就帮您拉黑。", "又收到垃圾短信了。"),
    # agreeing with the caller, or answering a question
    ("argue", "That's not right at all, I'm sorry, you should never have been charged.", "You charged me twice."),
    ("argue", "If you're mistaken about the date, no harm, I'll check it.", "It was the 3rd."),
    ("argue", "这不是您的问题，实际上是我们系统出错了，抱歉。", "你们收了我两次钱。"),
])
def test_a_step_of_the_agents_own_an_aside_or_agreeing_cancels_the_move(category, reply, customer):
    assert category not in moves(reply, customer)


def test_a_move_landmine_carries_its_span_and_reason(score):
    reply = "Honestly that's a warehouse problem, they pack the boxes."
    r = score(reply, locale="en", stage="venting")
    hits = [m for m in r.landmines if m.category == "deflect"]
    assert hits and reply[hits[0].start:hits[0].end].startswith("that's a warehouse problem")
    assert "someone else" in hits[0].reason


def test_a_flat_no_answers_a_question_the_caller_asked_the_line_before():
    """Trial 23: "Sorry, but I need a straight answer on the credit file." presses for the answer to
    the question of the caller's line before; "No, …" answers it. Against a claim it still argues."""
    pressed = "Sorry, but I need a straight answer on the credit file."
    asked = (("customer", "Will this go on my credit file, though?"), ("agent", "Let me look."), ("customer", pressed))
    claimed = (("customer", "I paid it on the first of the month."), ("agent", "Let me look."), ("customer", pressed))
    moved_on = "I cancelled it on the 3rd, I've got the confirmation email."  # a new claim after a question
    elsewhere = (("customer", "Why have you charged me twice?"), ("agent", "Let me check."), ("customer", moved_on))
    def argues(history, said="No, nothing is reported to the credit agencies if it's paid by 8 March."):
        a = analyse(said, make_ctx(customer=history[-1][1], history=history))
        return "argue" in {f.category for f in structure.detect(a)}

    assert not argues(asked)
    assert argues(claimed)
    assert argues(elsewhere, "No, the cancellation never went through on our side.")  # review of trial 23's fix
