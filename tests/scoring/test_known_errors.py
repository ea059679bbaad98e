"""The scorer's known errors on replies trainers wrote, kept as strict expected failures: each says
what a trainer would give, and the day a model gets it right the test fails and asks to be moved
into the suite proper. docs/scoring.md ("Known errors") says where each came from."""
from __future__ import annotations

import pytest

from scoring import ReplyContext, score_reply
from scoring.types import Policy, Turn

KNOWN = [
    pytest.param(
        "Did you change banks recently?",
        ReplyContext(locale="en", stage="inquiry", policy=Policy(allow=("explain_charges", "fee_waiver")),
                     customer="Hi there. I've just had an email saying my loan payment failed this month. "
                              "It's never happened before. Why did it fail?"),
        id="a bare diagnostic question to a calm caller is read as accuse"),
    pytest.param(
        "It was the line ending 442, it used 31GB of the 40GB.",
        ReplyContext(locale="en", stage="inquiry", policy=Policy(allow=("explain_charges",)),
                     customer="Can you tell me who used all the data? I need to know."),
        id="a plain answer naming whose line it was is read as argue"),
    pytest.param(
        "Until it's fixed, you can give each line its own data limit in the web account, so one phone can't "
        "use up the whole 40GB.",
        ReplyContext(locale="en", stage="venting", policy=Policy(allow=("log_feedback", "explain_charges")),
                     customer="It shows one number. One! I only found out from the bill that one phone used 31GB. "
                              "How is that supposed to help a family?"),
        id="a workaround offered while the caller vents is read as accuse"),
    pytest.param(  # trial 15: the model reads the blame it negates, not the negation
        "阿姨，不是您的问题，是我们系统凌晨才处理完。",
        ReplyContext(locale="zh", stage="venting", policy=Policy(allow=("fee_waiver", "refund", "explain_charges")),
                     customer="上个月底我就把那个'来电提醒'取消了，这个月你们照样扣了我3块钱！"),
        id="clearing the caller and owning the late system is read as deflect"),
    pytest.param(  # round 11's model: the library's bare answer to "why did it fail?" reads as blame
        "应该是扣款的时候您卡里余额不足，所以没扣成功。",
        ReplyContext(locale="zh", stage="inquiry", policy=Policy(allow=("explain_charges", "fee_waiver")),
                     customer="喂你好，我想问一下，我这个月的自动还款怎么没扣成功啊？早上收到短信说扣款失败，我卡里明明存了钱的。"),
        id="a plain answer that the balance was short is read as accuse"),
    pytest.param(  # round 10's model: the corpus's laughter is mostly mockery (9 of 10 replies with 哈哈)
        "好的呀，哈哈，您太客气了。",
        ReplyContext(locale="zh", stage="closing", customer="好的，谢谢你啊。"),
        id="warm laughter to a thankful caller is read as retaliate"),
    pytest.param(  # round 11's model, trial 21: a direct answer that opens "Nobody" is shaped like a denial
        "Nobody has used it. The last payment was 8.40 at the chemist's on Tuesday, nothing since.",
        ReplyContext(locale="en", stage="inquiry",
                     customer="You've stopped it already? Oh, thank you. Date of birth fourteenth of April, "
                              "nineteen fifty-four, if you need it. Has anybody used it?",
                     facts={"card_tail": "3390", "last_payment": "8.40 at the chemist's on Tuesday"}),
        id="a direct answer that opens with nobody is read as argue"),
    pytest.param(  # round 11's model, trial 21: mock agreement in the corpus opens the same way
        "Of course, Mrs Whitaker.",
        ReplyContext(locale="en", stage="venting",
                     customer="Oh, hello, thank goodness. I've lost my purse, at the market, and my bank card's in "
                              "it, and my bus pass, and... Someone could be spending my money right now! What do I do?"),
        id="a bare of course to a frightened caller is read as retaliate"),
    *[pytest.param(  # round 12's model, trial 22: plain answers to a calm caller's "why did it fail?"
        reply,
        ReplyContext(locale="en", stage="inquiry", policy=Policy(allow=("explain_charges", "fee_waiver")),
                     customer="Hi there. I've just had an email saying my loan payment failed this month. "
                              "It's never happened before. Why did it fail?"),
        id=f"a plain answer to a calm caller is read as a landmine ({n})")
      for n, reply in enumerate([
          "The direct debit was still set up on your old account ending 4417, and your bank closed that "
          "account on 20 February, so the collection on 3 March came back unpaid.",
          "No. Nothing is reported to the credit agencies if it's paid by 8 March."], 1)],
    # December 2026, the refund template's closing answer: a tip in a reminder's words is read as a
    # veiled threat (the corpus holds many threats framed so, few harmless tips; corpus round 19)
    *[pytest.param(reply, ReplyContext(locale=locale, stage="closing", customer=customer),
                   id=f"a helpful tip framed as a reminder is read as a landmine ({locale} {n})")
      for locale, customer, replies in [
          ("zh", "嗯，那行吧。还有别的要注意的吗？", [
              "温馨提醒您一下，以后可以在APP里设置消费提醒。",
              "另外提醒您一句，下次收到陌生号码的短信先别回复，这样就不会被误订业务了。"]),
          ("en", "Right. Anything else I should know?", [
              "Just so you know, you can turn on spending alerts in the app.",
              "One thing worth bearing in mind: texts from short numbers are often paid services, so ignore "
              "any you do not recognise."])]
      for n, reply in enumerate(replies, 1)],
    pytest.param(  # trial 28: once the rules read "once it's cancelled" as a fact (round 21), the model's
        # reading showed: "No, it won't." opening the answer to the caller's own worry reads as a refusal
        "No, it won't. Once it's cancelled you won't be charged the 6.00 again, and it was cancelled a minute ago.",
        ReplyContext(locale="en", stage="closing", policy=Policy(allow=("cancel", "refund", "explain_charges")),
                     customer="Hm. Fine. So that's done, is it? It won't just creep back onto my bill next month?",
                     facts={"monthly_fee": 6.0}),
        id="a plain no that answers the caller's worry is read as defy"),
]


# Read right since round 22 (the English landmine heads NB-weighted): kept, so that they stay right.
FIXED_IDS = {"a direct answer that opens with nobody is read as argue",
             "a bare of course to a frightened caller is read as retaliate",
             "a plain answer to a calm caller is read as a landmine (1)",
             "a helpful tip framed as a reminder is read as a landmine (en 2)"}
FIXED = [p for p in KNOWN if p.id in FIXED_IDS]
KNOWN = [p for p in KNOWN if p.id not in FIXED_IDS]
assert len(FIXED) == len(FIXED_IDS), "an id above was renamed: its fixed case would drop out silently"


@pytest.mark.xfail(strict=True, reason="known scorer error: see the test id and docs/scoring.md, Known errors")
@pytest.mark.parametrize("reply,ctx", KNOWN)
def test_a_known_misreading_reports_no_landmine(reply, ctx):
    assert score_reply(reply, ctx).landmine_categories == ()


@pytest.mark.parametrize("reply,ctx", FIXED)
def test_a_misreading_fixed_since_stays_fixed(reply, ctx):
    assert score_reply(reply, ctx).landmine_categories == ()


_PLAN_CALLER = ("我先把话说清楚：按照工信部的规定，变更套餐必须经过用户本人确认。你们4月1日没经我同意，就把我的58元"
                "基础套餐改成了78元畅享套餐，这是违规操作。这通电话我全程录音，你先把工号报一下。")


def test_an_apology_that_restates_the_caller_s_plan_change_is_listening_2():
    """The rules see 58元, 78元, 套餐, 改成 and 确认 said back (listening 2); the model had
    overridden them with a generic apology (level 1, "笼统回应") from round 9 to round 12. Found
    in a new user's trial on pro-complainer-zh."""
    reply = "赵先生，您的套餐从58元改成了78元，事先没经过您确认，这是我们的问题，非常抱歉。"
    ctx = ReplyContext(locale="zh", stage="venting", customer=_PLAN_CALLER,
                       facts={"old_plan": "58元基础套餐", "new_plan": "78元畅享套餐", "changed_on": "4月1日"})
    assert score_reply(reply, ctx).listening.level == 2


def test_blocking_the_card_and_saying_nobody_used_it_answers_both_questions_listening_2():
    """The caller asks whether the card is stopped and whether anyone used it; the reply answers
    both, with her card's last digits. The rules read 2; the model had overridden them with 1
    from round 9 to round 11. Found in a new user's trial on lost-card-callback-en (trial 12)."""
    customer = ("It's the debit card ending 3390. Date of birth fourteenth of April, nineteen fifty-four. "
                "Is it stopped now? Has anybody used it?")
    reply = ("Your card ending 3390 is now blocked. Nobody has used it: the last payment was 8.40 at the "
             "chemist's on Tuesday, nothing since.")
    ctx = ReplyContext(locale="en", stage="inquiry", customer=customer,
                       facts={"card_tail": "3390", "last_payment": "8.40 at the chemist's on Tuesday"})
    assert score_reply(reply, ctx).listening.level == 2


@pytest.mark.xfail(strict=True, reason="known scorer error (round 9 model): the model reads it as not answering")
def test_owning_the_interruption_and_explaining_the_charge_is_listening_at_least_1():
    """After the trainee talked over her, the caller said "你听我说完！…钱是不多，可你们这么干就是不讲理！";
    the reply owns the interruption, confirms her account and gives the cause. The trainer who
    reviewed it in trial 17 gave listening 2; the model reads 0 ("没有回应客户说的、问的", on "您没记错"),
    which kept her in the state (the scenario now has her ask about the money then)."""
    customer = "你听我说完！我话还没说完呢。钱是不多，可你们这么干就是不讲理！"
    reply = ("对不起刘阿姨，是我抢话了，您说得对。您5月31号晚上就在APP上取消了，您没记错；是我们系统处理慢了半个小时，"
             "6月1号0点先扣了月租，才多扣了您这3块钱。")
    ctx = ReplyContext(locale="zh", stage="venting", customer=customer,
                       history=(Turn("customer", "喂，我跟你们反映个事。上个月底我就把那个'来电提醒'取消了，在你们APP上取消的，"
                                                 "这个月你们照样扣了我3块钱！你们是不是专门欺负我们老年人不懂？"),
                                Turn("agent", "刘阿姨您好")),
                       facts={"service": "来电提醒", "fee": 3, "cancelled_at": "5月31日晚上11点40分"})
    assert score_reply(reply, ctx).listening.level >= 1


def test_a_cancel_done_and_what_follows_from_it_is_no_landmine():
    """Found by the library's concern test: said to the Daily Tips caller as his first reply, the
    round 10 model named it `overpromise` ("I've cancelled it, so …" read clean), its fallback
    for a reply that holds some landmine, at a probability far under the category's bar."""
    from simulator.loader import bundled_dir, load_scenario
    from simulator.session import Session

    call = Session(load_scenario(bundled_dir() / "vas-sms-tips-en.yaml"), seed=0)
    assert call.reply("Cancelled, so there will be no more 6.00 charges.").score.landmine_categories == ()


@pytest.mark.xfail(strict=True, reason="known scorer error (round 22 model): a plain answer read as argue")
def test_the_plain_answer_to_why_the_payment_failed_typed_as_one_sentence_is_no_landmine():
    """Trial 30: the library caller's first question, answered flatly with the facts, reads `argue`
    (round 21's model read it `threaten`); after "Sorry for the worry" it reads clean."""
    from simulator.loader import bundled_dir, load_scenario
    from simulator.session import Session

    call = Session(load_scenario(bundled_dir() / "autopay-failed-en.yaml"), seed=0)
    turn = call.reply("The direct debit is still set up on your old account ending 4417, that account was closed "
                      "on 20 Feb so the payment came back unpaid.")
    assert turn.score.landmine_categories == ()
