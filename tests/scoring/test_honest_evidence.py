"""Evidence stays honest (issue 10, item 4): nothing is credited that is not there.

- a detail read off the agent's screen (the case's facts, or a stage direction in the caller's
  line) is never "a detail the caller gave"; it may still answer the caller's question;
- a question about the caller's problem is not ignoring them;
- a plain report of what happened to the call or a system is no landmine;
- an acknowledgement token inside another word acknowledges nothing;
- one word is credited once: the action word of an offer is not also a restated detail.
"""
import pytest

from scoring import score_reply
from scoring.scorer import _plain_report
from scoring.lexicon import get_lexicon
from tests.scoring.conftest import make_ctx

CALLER_DETAIL = "fact"


def _quoted(result, reply, label):
    """The reply text of every listening evidence span with this label."""
    return [reply[e.start:e.end] for e in result.listening.evidence if e.label == label and e.end > e.start]


# ---- screen facts are not the caller's details ---------------------------------------------

SCREEN = {"order": "KX4471920", "dispatched": "14 June", "depot": "Leeds"}


@pytest.mark.parametrize("scorer", ["rules", "hybrid"])
def test_a_screen_fact_the_caller_never_said_is_not_credited_as_their_detail(score, scorer):
    customer = "Where on earth is my parcel? I've waited a whole week for it!"
    reply = "Order KX4471920 left the Leeds depot on 14 June, so it should be with you tomorrow."
    ctx = dict(locale="en", stage="inquiry", customer=customer, facts=SCREEN)
    r = score(reply, **ctx) if scorer == "rules" else score_reply(reply, make_ctx(**ctx))
    credited = " ".join(_quoted(r, reply, CALLER_DETAIL))
    for detail in ("KX4471920", "Leeds", "14 June"):
        assert detail not in credited
    reasons = " ".join(e.reason for e in r.listening.evidence)
    assert "detail the caller gave" not in reasons


def test_the_same_detail_said_by_the_caller_is_credited(score):
    customer = "Where is order KX4471920? It was meant to come from Leeds a week ago!"
    reply = "Order KX4471920 left the Leeds depot on 14 June, so it should be with you tomorrow."
    r = score(reply, locale="en", stage="inquiry", customer=customer, facts=SCREEN)
    credited = " ".join(_quoted(r, reply, CALLER_DETAIL))
    assert "KX4471920" in credited and "Leeds" in credited
    assert "14 June" not in credited  # the date is only on the screen


def test_a_restated_detail_is_quoted_as_the_whole_word_the_caller_said(score):
    customer = "We ran out on the 19th and I was cut off on the way to a job interview!"
    reply = "I'm so sorry. Running out on the 19th, on the way to an interview, that's awful."
    r = score(reply, locale="en", stage="venting", customer=customer)
    credited = _quoted(r, reply, CALLER_DETAIL)
    assert "19th" in credited and "19" not in credited  # not a number cut out of its word


@pytest.mark.parametrize("customer, reply, quoted", [
    ("我4月1日交的钱，到现在都没到账！", "您4月1日交的那笔钱我马上帮您查，确实让您等太久了。", "4月1日"),
    ("我在营业厅排了三个小时的队！", "排了三个小时的队还没办成，太折腾您了。", "三个小时"),
    ("你们这个月多扣了我58元！", "这58元是重复收费，我们查到了，真抱歉。", "58元"),
    ("孩子在你们这学了半年英语，单词一个都没记住！", "花了半年时间孩子还是记不住单词，换谁都着急。", "半年"),
])
def test_a_chinese_number_is_quoted_with_its_unit_not_cut_out_of_it(score, customer, reply, quoted):
    r = score(reply, locale="zh", stage="venting", customer=customer)
    credited = _quoted(r, reply, CALLER_DETAIL)
    assert any(quoted in c for c in credited), credited
    assert quoted[0] not in credited  # not the number alone: "4", "三", "58", "半"


def test_a_number_s_unit_is_not_taken_from_the_next_word(score):
    reply = "您打10086号码一直没人接，让您着急了，真抱歉。"
    r = score(reply, locale="zh", stage="venting", customer="我打了10086好几次都没人接！")
    credited = _quoted(r, reply, CALLER_DETAIL)
    assert any("10086" in c for c in credited) and not any("10086号" in c for c in credited), credited


def test_a_number_read_off_the_screen_is_quoted_with_its_unit(score):
    reply = "您这个月的账单是128元，7月12号出的。"
    r = score(reply, locale="zh", stage="inquiry", customer="我这个月账单多少钱？",
              facts={"bill": "128元", "issued": "7月12号"})
    shown = _quoted(r, reply, "screen_fact")
    assert "128元" in shown and "7月12号" in shown


def test_a_detail_the_caller_gave_earlier_in_the_call_is_theirs(score):
    reply = "I've found order KX4471920, and it left Leeds on 14 June."
    r = score(reply, locale="en", stage="inquiry", customer="So where is it then?", facts=SCREEN,
              history=[("customer", "My order number is KX4471920."), ("agent", "Thank you, one moment.")])
    assert "KX4471920" in " ".join(_quoted(r, reply, CALLER_DETAIL))


def test_answering_with_the_screen_facts_still_answers_the_question(score):
    reply = "It left the Leeds depot on 14 June."
    r = score(reply, locale="en", stage="inquiry", customer="When was it sent out?", facts=SCREEN)
    labels = {e.label for e in r.listening.evidence}
    assert "answer" in labels and "no_answer" not in labels
    assert "14 June" in " ".join(_quoted(r, reply, "screen_fact"))


def test_reading_the_screen_to_a_venting_caller_is_not_restating_them(score):
    reply = "Account ending 8812, Gold 30 plan, renewed on 2 May."
    r = score(reply, locale="en", stage="venting", customer="I'm livid, you've taken money off me again!",
              facts={"account": "ending 8812", "plan": "Gold 30", "renewed": "2 May"})
    assert r.listening.level < 2
    assert "paraphrase" not in r.acts
    assert not _quoted(r, reply, CALLER_DETAIL)


def test_zh_screen_ticket_number_is_not_the_callers_detail(score):
    reply = "工单号是RQ5520931，三个工作日内会有专人给您回电。"
    r = score(reply, locale="zh", stage="closing", customer="那工单号是多少？多久有人回我？",
              facts={"ticket_no": "RQ5520931", "callback_days": 3})
    assert "RQ5520931" not in " ".join(_quoted(r, reply, CALLER_DETAIL))
    assert "RQ5520931" in " ".join(_quoted(r, reply, "screen_fact"))


def test_a_stage_direction_in_the_callers_line_is_not_their_words(score):
    customer = "And the new card, will it come by... [The line crackles and goes dead. Her number, 07911 223344, is on your screen.]"
    reply = "I'll ring you straight back on 07911 223344."
    r = score(reply, locale="en", stage="inquiry", customer=customer)
    credited = " ".join(_quoted(r, reply, CALLER_DETAIL))
    assert "07911" not in credited and "223344" not in credited


# ---- a question about the caller's problem is not ignoring them ----------------------------

@pytest.mark.parametrize("locale, customer, reply", [
    ("en", "Why was my card declined at the supermarket this morning?", "Was it a contactless payment or chip and PIN?"),
    ("en", "Why has my broadband been so slow every evening this week?", "Does it happen on every device in the house, or mainly one?"),
    ("zh", "为什么我的信用卡今天在超市刷不了？", "请问是挥卡支付还是插卡输密码的？"),
    ("zh", "这个月的燃气费怎么一下子多了两百？", "请问您家这个月是不是多了取暖的用气？"),
])
def test_a_bare_question_about_the_problem_scores_listening_one_not_zero(score, locale, customer, reply):
    r = score(reply, locale=locale, stage="inquiry", customer=customer)
    labels = {e.label for e in r.listening.evidence}
    assert r.listening.level == 1
    assert "question" in labels and "no_answer" not in labels and "question_first" in labels


@pytest.mark.parametrize("locale, customer, reply", [
    ("en", "Why was my card declined at the supermarket this morning?",
     "That's embarrassing at a till, I'm sorry. Was it a contactless payment or chip and PIN?"),
    ("zh", "为什么我的信用卡今天在超市刷不了？", "在超市结账时卡用不了，确实让人着急。请问是挥卡支付还是插卡输密码的？"),
])
def test_a_question_after_taking_in_the_problem_scores_listening_two(score, locale, customer, reply):
    r = score(reply, locale=locale, stage="inquiry", customer=customer)
    assert r.listening.level == 2


def test_a_phrase_the_caller_said_is_quoted_once_as_that_phrase(score):
    """Trial 21: "restated a detail the caller gave ('date')" and again "('birth')"."""
    customer = "Oh, thank you. Date of birth fourteenth of April, nineteen fifty-four, if you need it."
    reply = "Thank you for the date of birth, that's you confirmed."
    r = score(reply, locale="en", stage="inquiry", customer=customer)
    assert _quoted(r, reply, CALLER_DETAIL) == ["date of birth"]


_LOST_CARD = {"en": "Someone has taken money out of my account!", "zh": "我的卡丢了，有人在刷我的钱！"}


@pytest.mark.parametrize("locale, reply, asks", [
    ("en", "Thank you for the date of birth, that's you confirmed.", False),
    ("en", "Can I take your date of birth, please?", True),
    ("en", "And your date of birth", True),  # said as a request, without the question mark
    ("en", "Please give me the account number.", True),
    ("en", "Could you read me the card number on the front?", True),
    ("en", "I can confirm the date of birth matches our records.", False),
    ("en", "Thanks, and your date of birth matches our records.", False),
    ("en", "I've read the account number back to the system and it's blocked.", False),
    ("zh", "您的卡号已经冻结了。", False),
    ("zh", "您尾号3390的卡号已经冻结了，谁也用不了。", False),
    ("zh", "麻烦您报一下卡号。", True),
    ("zh", "请提供一下您的身份证号", True),
])
def test_naming_an_account_detail_is_a_verification_question_only_when_it_asks(score, locale, reply, asks):
    r = score(reply, locale=locale, stage="venting", customer=_LOST_CARD[locale])
    assert any(e.label == "question_script" for e in r.listening.evidence) is asks


def test_a_script_question_still_ignores_the_caller(score):
    r = score("Is there anything else I can help you with today?", locale="en", stage="inquiry",
              customer="Why was my card declined at the supermarket this morning?")
    assert r.listening.level == 0


# ---- a plain report of what happened is no landmine ----------------------------------------

@pytest.mark.parametrize("locale, stage, customer, reply", [
    ("en", "inquiry", "So will the card come by post, and on Friday do I... [The line goes dead.]", "The line dropped."),
    ("en", "venting", "I waited forty minutes and then you just cut me off!", "The call got cut off."),
    ("en", "inquiry", "Why couldn't I log in to pay my bill this morning?", "Our website was down for an hour this morning."),
    ("zh", "inquiry", "刚才怎么突然没声音了？", "电话刚才断了。"),
    ("zh", "inquiry", "我上午怎么一直登不上你们的APP？", "系统上午出了故障。"),
    ("en", "inquiry", "Is my money safe? Can somebody take it all?",
     "Your card ending 3390 is now blocked. Nobody has used it: the last payment was 8.40 at the chemist's on "
     "Tuesday, nothing since."),
    ("zh", "inquiry", "我的钱还在吗？会不会被人刷走？", "这张卡已经冻结了。之后就没有任何消费了，最后一笔是周二在药店的8.40元。"),
])
def test_a_plain_report_of_what_happened_to_the_call_or_system_is_no_landmine(locale, stage, customer, reply):
    r = score_reply(reply, make_ctx(locale=locale, stage=stage, customer=customer))
    assert not set(r.landmine_categories) & {"accuse", "argue", "retaliate", "threaten"}


@pytest.mark.parametrize("locale, sentence, plain", [
    ("en", "The line dropped.", True),
    ("en", "Looks like the connection was lost.", True),
    ("en", "Nobody hung up on you, the line dropped.", False),    # disputes what the caller said
    ("en", "You dropped the call yourself.", False),
    ("en", "The refund was processed.", False),                   # not about the call or a system
    ("zh", "系统刚才卡住了。", True),
    ("zh", "不是我挂的，是您那边信号断了。", False),
    ("en", "Nobody has used it.", True),                           # what happened on the account
    ("en", "Nobody has used it, you must have spent it yourself.", False),
    ("zh", "之后就没有任何消费了。", True),
])
def test_only_a_report_that_says_nothing_about_the_caller_is_plain(locale, sentence, plain):
    assert _plain_report(get_lexicon(locale, None), sentence) is plain


@pytest.mark.parametrize("locale, customer, reply", [
    ("en", "You've been charging me for a service I never wanted, for months!", "I do need to put you on a brief hold."),
    ("en", "This is the third time I've called about this bill!", "Could you spell your surname for me, please?"),
    ("zh", "你们凭什么乱扣我的钱！我根本没开通过！", "请您稍等，我帮您查一下。"),
    ("zh", "我都打了三次电话了，到底有没有人管？", "麻烦您提供一下您的手机号。"),
])
def test_a_plain_step_of_handling_the_call_is_no_hostile_landmine(locale, customer, reply):
    r = score_reply(reply, make_ctx(locale=locale, stage="venting", customer=customer))
    assert not set(r.landmine_categories) & {"accuse", "argue", "retaliate", "threaten"}


@pytest.mark.parametrize("locale, sentence, plain", [
    ("en", "I do need to put you on a brief hold.", True),
    ("en", "Could you confirm your date of birth?", True),
    ("en", "Hold on. Stop shouting at me.", False),                # a rebuke, not a step
    ("en", "Bear with me, you clearly didn't read the terms.", False),
    ("zh", "请您稍等，我帮您查一下。", True),
    ("zh", "您稍等，别嚷嚷。", False),
    ("zh", "稍等，您自己开通的还来问？", False),
])
def test_only_a_step_that_says_nothing_else_to_the_caller_is_plain(locale, sentence, plain):
    assert _plain_report(get_lexicon(locale, None), sentence) is plain


# ---- a token inside another word is no acknowledgement -------------------------------------

@pytest.mark.parametrize("locale, reply, acknowledges", [
    ("zh", "您以后收到这类短信，直接删掉就行。", False),
    ("zh", "您能收到验证码吗？", False),
    ("zh", "收到，我马上帮您查。", True),
    ("zh", "收到 我马上帮您查", True),  # typed fast, a space for the comma
    ("zh", "收到扣款失败的短信，您肯定着急了。", False),  # trial 24: receiving, at a clause's start
    ("zh", "收到就好，让您久等了。", False),  # "glad it arrived"
    # "行行行" brushes the caller off (trial 17: "行行行，别嚷了" was credited "回应了客户（行行）")
    ("zh", "行行行，别嚷了。", False),
    ("zh", "行吧行吧，别吵了。", False),
    ("zh", "行吧，行吧，别吵了。", False),
    ("zh", "行吧，我这就给您办。", True),
    ("zh", "行行，我知道了，马上给您查。", True),
    ("en", "I can sort that right now.", False),
    ("en", "Right, let me look at that charge.", True),
])
def test_an_acknowledgement_counts_only_where_a_clause_begins(locale, reply, acknowledges):
    from scoring.analysis import analyse

    a = analyse(reply, make_ctx(locale=locale, stage="venting", customer="你们又乱扣费！" if locale == "zh" else "You charged me twice!"))
    assert bool(a.hits.get("acknowledge")) is acknowledges


@pytest.mark.parametrize("reply, validates", [
    ("希望您能理解，这是公司的规定。", False),  # asks the caller for understanding; gives none (trial 17)
    ("请你能理解一下我们的难处。", False),
    ("希望能理解，规定就是这样。", False),
    ("希望您也能理解我们的难处。", False),
    ("希望您们能理解。", False),
    ("希望您们也能理解我们的难处", False),  # the second review's forms
    ("相信您一定能理解", False),
    ("您应该能理解我们的规定吧", False),
    ("希望大家能理解", False),
    ("我也能理解您为什么生气。", True),
    ("您的损失我们能理解。", True),
    ("您想干脆拿现金也能理解。", True),
    ("您这么着急，我完全能理解。", True),
    ("这种情况换谁都能理解。", True),
])
def test_asking_the_caller_to_understand_is_not_understanding_them(reply, validates):
    from scoring.analysis import analyse

    a = analyse(reply, make_ctx(locale="zh", stage="refund", customer="凭什么不给我退？"))
    assert bool(a.hits.get("validate")) is validates


# ---- one word, one credit --------------------------------------------------------------------

@pytest.mark.parametrize("locale, customer, reply", [
    ("en", "Cancel my gym membership, I've moved house.", "Done, that's cancelled."),
    ("zh", "把我的视频会员退订了，不想再扣钱了。", "好的，已经帮您退订了。"),
])
def test_the_action_word_of_an_offer_is_not_also_a_restated_detail(score, locale, customer, reply):
    r = score(reply, locale=locale, stage="cancel", customer=customer)
    labels = [e.label for e in r.listening.evidence]
    assert "demand_met" in labels
    assert CALLER_DETAIL not in labels
    assert r.listening.level == 1


@pytest.mark.parametrize("locale, customer, reply", [
    ("en", "Cancel my gym membership, I've moved house.", "Done, your gym membership is cancelled, with the move that makes sense."),
    ("zh", "把我的视频会员退订了，不想再扣钱了。", "好的，视频会员已经帮您退订了，下个月起不会再扣钱。"),
])
def test_an_offer_that_also_restates_the_callers_details_scores_two(score, locale, customer, reply):
    r = score(reply, locale=locale, stage="cancel", customer=customer)
    assert r.listening.level == 2
    assert CALLER_DETAIL in [e.label for e in r.listening.evidence]


@pytest.mark.parametrize("customer, reply, light", [
    ("I never set up this direct debit and you took £40!",
     "You never set up the direct debit, and we took £40 from you anyway.", "set"),
    ("You kept me on hold for an hour!", "Sorry, I kept the notes open for you, an hour is far too long.", "kept"),
])
def test_a_light_verb_the_caller_used_is_not_a_detail_they_gave(score, customer, reply, light):
    r = score(reply, locale="en", stage="venting", customer=customer)
    credited = _quoted(r, reply, CALLER_DETAIL)
    assert light not in credited


@pytest.mark.parametrize("customer, reply, credited, not_credited", [
    # trial 18: "Calm down" had been "restated a detail the caller gave ('down')", the outage
    ("I've been offline for three days because of your outage!", "Calm down, sir, it was three days.",
     "three days", "down"),
    ("I've been offline for three days because of your outage!", "That's your fault, not ours.", None, "fault"),
    # ... while the outage said in other words still is
    ("There's an outage in my area and I've no internet!", "I'm sorry your broadband's down, I'll check the area.",
     "down", None),
    ("There's a fault on my line and nobody will fix it!", "I'm sorry the line's still faulty, I'll book an engineer.",
     "faulty", None),
])
def test_down_and_fault_are_the_caller_s_outage_only_in_that_sense(customer, reply, credited, not_credited):
    from scoring.scorer import score_rules

    said = _quoted(score_rules(reply, make_ctx(locale="en", stage="venting", customer=customer)), reply, CALLER_DETAIL)
    assert credited is None or credited in said, said
    assert not_credited is None or not_credited not in said, said


def test_so_a_is_not_reflecting_back_what_the_caller_said(score):
    reply = "Delivery dates are estimates, so a delay can happen with large orders."
    r = score(reply, locale="en", stage="venting", customer="You said six weeks and now it's four months!")
    assert "paraphrase_frame" not in {e.label for e in r.listening.evidence}


def test_a_quote_starts_at_the_first_word_not_at_the_sentence_mark_before_it(score):
    reply = "That was our mistake. I'm so sorry."
    r = score(reply, locale="en", stage="venting", customer="You charged me twice!")
    quotes = [reply[e.start:e.end] for e in r.empathy.evidence if e.end > e.start]
    assert quotes and not any(q[0] in ".,;:!? " for q in quotes), quotes


# ---- every level says why, and a model's 1 does not deny what the rules found ----------------

@pytest.mark.parametrize("locale, customer, reply", [
    ("en", "Hello? Anyone there?", "hi um let me chek ur acount"),
    ("en", "I need to know about my mortgage letter.", "I understand, with a remortgage coming that matters"),
    ("zh", "喂？有人吗？", "嗯 我看看"),
])
def test_every_level_of_a_reply_comes_with_a_reason(locale, customer, reply):
    r = score_reply(reply, make_ctx(locale=locale, stage="inquiry", customer=customer))
    for dim in (r.listening, r.empathy, r.policy):
        assert dim.evidence and all(e.reason for e in dim.evidence), (dim.level, dim.evidence)


def test_a_model_one_keeps_the_callers_details_the_rules_credited():
    """Where the model's level (1) is below the rules' (2), the details the rules found are shown
    and the 1's reason does not deny them ("nothing specific from the caller")."""
    from scoring import scorer

    customer = "It's the debit card ending 3390. Is it stopped now? Has anybody used it?"
    reply = "Your card ending 3390 is now blocked. Nobody has used it: the last payment was on Tuesday, nothing since."
    ctx = make_ctx(locale="en", stage="inquiry", customer=customer)
    rules = scorer.score_rules(reply, ctx).listening
    assert rules.level == 2 and "card ending 3390" in _quoted(_Scored(rules), reply, CALLER_DETAIL)

    class ReadsOne:  # the model's reading of this reply in the shipped model: listening 1
        def level(self, head):
            return 1

        def clause(self, head, text):
            return (0, text.index("."))

    lex = get_lexicon("en")
    dim = scorer._level(reply, lex, "listening", ReadsOne(), rules)
    assert dim.level == 1 and dim.score == scorer.rubric.dimension(1, dim.evidence[-1:]).score
    assert "card ending 3390" in _quoted(_Scored(dim), reply, CALLER_DETAIL)
    assert not any("nothing specific" in e.reason for e in dim.evidence)
    assert dim.evidence[-1].effect == "-" and "only part of what they said or asked" in dim.evidence[-1].reason


def test_a_model_one_below_the_rules_answer_says_it_answered_not_that_it_took_up_nothing():
    """Trial 26: "+ answered what the caller asked" beside "− responds, but takes up nothing
    specific the caller said". Where the rules credited an answer (and no words said back), the
    model's 1 says the request was answered and nothing else the caller said was taken up."""
    from scoring import scorer
    from scoring.types import Evidence

    reply = "The direct debit was still on the old account, so the payment came back unpaid."
    rules = scorer.rubric.dimension(2, [Evidence(0, 0, "answer", "answered what the caller asked", "+")])

    class ReadsOne:
        def level(self, head):
            return 1

        def clause(self, head, text):
            return None

    for locale in ("en", "zh"):
        lex = get_lexicon(locale)
        dim = scorer._level(reply, lex, "listening", ReadsOne(), rules)
        assert dim.level == 1 and dim.evidence[0].label == "answer"
        assert dim.evidence[-1].reason == lex.reason("model_listening_1_answered", reply)
        denial = lex.reason("model_listening_1", "").split("（")[0].split(" (")[0]
        assert not any(denial in e.reason for e in dim.evidence)


@pytest.mark.parametrize("locale, customer, reply", [
    ("zh", "我这个月的自动还款怎么没扣成功啊？我卡里明明存了钱的。",
     "陈女士您好，您别着急，我马上帮您查一下这期自动还款为什么没有扣成功。"),
    ("en", "Why did my payment fail? I had money in the account!",
     "I can hear how worried you are. Let me check why the payment failed."),
])
def test_a_model_one_below_the_rules_warmth_does_not_deny_the_warmth_it_shows(locale, customer, reply):
    """Trial 17: "+ 点出了客户的感受（着急）" beside "− 不冷也不暖：没有顾及客户的感受". Where the
    model's empathy 1 is below the rules' 2, the warmth the rules credited stays, and the 1's
    reason says the rest of the reply does not carry it, never that there is none."""
    from scoring import scorer

    ctx = make_ctx(locale=locale, stage="inquiry", customer=customer)
    rules = scorer.score_rules(reply, ctx).empathy
    assert rules.level == 2 and any(e.effect == "+" for e in rules.evidence)

    class ReadsOne:
        def level(self, head):
            return 1

        def clause(self, head, text):
            return None

    lex = get_lexicon(locale)
    dim = scorer._level(reply, lex, "empathy", ReadsOne(), rules)
    assert dim.level == 1 and any(e.effect == "+" for e in dim.evidence)
    assert dim.evidence[-1].reason == lex.reason("model_empathy_1_partial", reply)
    denial = lex.reason("model_empathy_1", "").split("（")[0].split(" (")[0]
    assert not any(denial in e.reason for e in dim.evidence)


class _Scored:
    """A dimension where _quoted looks for listening evidence."""
    def __init__(self, listening):
        self.listening = listening


def test_a_chinese_detail_is_quoted_as_the_whole_run_the_caller_said_not_a_fragment(score):
    customer = "上个月底我就把那个来电提醒取消了，这个月你们照样扣了我3块钱！"
    reply = "刘阿姨，您的来电提醒已经取消，多扣的3块钱我给您减免。"
    r = score(reply, locale="zh", stage="refund", customer=customer)
    quoted = _quoted(r, reply, CALLER_DETAIL)
    assert "来电提醒" in quoted and "电提醒" not in quoted, quoted
    assert "3块钱" in quoted and "块钱" not in quoted, quoted


@pytest.mark.parametrize("reply, invites", [
    ("Go on, I'm listening.", True),
    ("Please, carry on.", True),
    ("Paid by the 8th, it won't go on your credit file.", False),
    ("If you carry on calling my colleagues cowboys I will end this call.", False),
])
def test_go_on_invites_the_caller_only_where_it_ends_the_clause(score, reply, invites):
    r = score(reply, locale="en", stage="venting", customer="I have had it with you people!")
    assert ("listen_invite" in {e.label for e in r.listening.evidence + r.empathy.evidence}) is invites


def test_a_number_is_not_widened_into_a_different_number_the_caller_said(score):
    r = score("多扣的3块钱我给您退。", locale="zh", stage="refund", customer="你们扣了我13块钱！")
    assert "3块钱" not in _quoted(r, "多扣的3块钱我给您退。", CALLER_DETAIL)


def test_a_model_one_claims_the_callers_details_only_where_the_rules_found_some():
    from scoring import scorer

    reply = "I see. Could you tell me more about what happened?"
    ctx = make_ctx(locale="en", stage="venting", customer="This is a disgrace!")
    rules = scorer.score_rules(reply, ctx).listening
    assert rules.level == 2 and not {e.label for e in rules.evidence} & scorer._CALLER_SPECIFICS

    class ReadsOne:
        def level(self, head):
            return 1

        def clause(self, head, text):
            return None

    dim = scorer._level(reply, get_lexicon("en"), "listening", ReadsOne(), rules)
    assert not any("caller's details" in e.reason for e in dim.evidence)


@pytest.mark.parametrize("locale, history, customer, reply", [
    ("en", [("customer", "My internet has been down three days!"), ("agent", "I'm so sorry about that.")],
     "Sorry doesn't fix anything! I work from home!", "I'm so sorry about that."),
    ("zh", [("customer", "网断了三天了！"), ("agent", "非常抱歉给您带来不便。")],
     "抱歉有什么用！我在家上班的！", "非常抱歉给您带来不便。"),
])
def test_an_earlier_line_said_again_word_for_word_is_listening_zero_in_the_product_scorer(
        locale, history, customer, reply):
    """The model reads one turn and cannot see a repeat; the rules can, and their 0 stands."""
    r = score_reply(reply, make_ctx(locale=locale, stage="venting", customer=customer, history=history))
    assert r.listening.level == 0
    assert [e.label for e in r.listening.evidence] == ["repeat"]


def test_a_line_said_again_is_credited_with_nothing_it_took_up_the_first_time():
    """Its details were credited when it was first said: now the evidence is the repeat alone,
    not "+ restated a detail the caller gave" beside a listening 0 (trial 16)."""
    caller = "Your bank bounced my payment and now there's a fee on my account!"
    line = "Your bank returned the payment because the account it was set up on was closed."
    history = [("customer", caller), ("agent", line)]
    r = score_reply(line, make_ctx(locale="en", stage="inquiry", customer="So what now?", history=history))
    assert r.listening.level == 0
    assert [e.label for e in r.listening.evidence if e.effect == "+"] == []
    assert "repeat" in [e.label for e in r.listening.evidence]


def test_part_of_an_earlier_line_said_again_to_a_new_question_is_not_called_a_repeat_in_the_product_scorer():
    history = [("customer", "退款怎么退？"), ("agent", "这笔钱我给您退，三到五个工作日退回您的卡上，您放心。")]
    ctx = make_ctx(locale="zh", stage="inquiry", customer="那钱什么时候到账？", history=history)
    r = score_reply("三到五个工作日退回您的卡上", ctx)
    assert r.listening.level >= 1 and not any(e.label == "repeat" for e in r.listening.evidence)


@pytest.mark.parametrize("locale, customer, reply", [
    ("en", "And? Sorry doesn't get me online!",
     "I'm so sorry, three days without internet when you work from home is awful."),
    ("zh", "抱歉有什么用！", "真的很抱歉，三天没网，您在家上班肯定急坏了。"),
])
def test_warmth_said_again_word_for_word_is_hollow_empathy_one(locale, customer, reply):
    first = score_reply(reply, make_ctx(locale=locale, stage="venting", customer=customer))
    assert first.empathy.level == 2  # the same words, said the first time
    history = [("customer", customer), ("agent", reply)]
    again = score_reply(reply, make_ctx(locale=locale, stage="venting", customer=customer, history=history))
    assert (again.listening.level, again.empathy.level) == (0, 1)
    assert [e.label for e in again.empathy.evidence] == ["repeat"]


@pytest.mark.parametrize("locale, history, reply, quoted", [
    ("en", [("agent", "I'm so sorry about that.")],
     "I'm so sorry about that, three days offline when you work from home is awful.", "I'm so sorry about that"),
    ("zh", [("agent", "非常抱歉给您带来不便。")],
     "非常抱歉给您带来不便，三天没网您在家没法上班，太耽误事了。", "非常抱歉给您带来不便"),
])
def test_an_apology_said_again_is_one_hollow_line_not_one_per_word_in_it(score, locale, history, reply, quoted):
    customer = "Three days offline and I work from home!" if locale == "en" else "三天没网，我在家上班的！"
    r = score(reply, locale=locale, stage="venting", customer=customer, history=history)
    hollow = [reply[e.start:e.end] for e in r.empathy.evidence if e.label == "hollow"]
    assert hollow == [quoted]


@pytest.mark.parametrize("locale, customer, reply, shown", [
    # only the caller's own words taken up: it does not answer "why"
    ("zh", "我这个月的自动还款怎么没扣成功啊？", "真的很抱歉，自动还款没扣成还被收了滞纳金，换谁都着急。", "接住了客户问的事"),
    ("en", "Why did my direct debit for the gym fail this month?",
     "I'm sorry your gym direct debit failed this month, that's stressful.", "took up what the caller asked about"),
    # an offer to look into it: a next step
    ("zh", "你们那边能查到原因吧？为什么扣款失败？", "我马上帮您查一下", "针对客户的问题给出了下一步"),
])
def test_an_inquiry_met_without_an_answer_is_not_shown_as_answered(score, locale, customer, reply, shown):
    r = score(reply, locale=locale, stage="inquiry", customer=customer)
    reasons = [e.reason for e in r.listening.evidence]
    assert shown in reasons and not any(x in reasons for x in ("answered what the caller asked", "回答了客户问的问题"))


def test_an_inquiry_answered_with_the_reason_is_shown_as_answered(score):
    r = score("It failed because your bank returned it on the 3rd.", stage="inquiry",
              customer="Why did my direct debit fail this month?")
    assert "answered what the caller asked" in [e.reason for e in r.listening.evidence]


@pytest.mark.parametrize("locale, customer, reply, name, detail", [
    ("zh", "我这个月的自动还款怎么没扣成功啊？", "陈女士，扣款时卡里只有1,203.50元，不够本期的，所以没扣成功。",
     "陈女士", "1,203.50"),
    ("en", "Why did my direct debit fail?", "Mr Osei, on the 3rd your account held 41.20, short of the 58.00 due.",
     "Mr Osei", "41.20"),
])
def test_the_callers_name_from_the_screen_is_not_shown_as_a_detail_of_the_answer(score, locale, customer, reply,
                                                                                 name, detail):
    facts = {"customer_name": name, "balance": detail}
    r = score(reply, locale=locale, stage="inquiry", customer=customer, facts=facts)
    shown = [reply[e.start:e.end] for e in r.listening.evidence if e.label == "screen_fact"]
    assert any(detail in x for x in shown) and not any(name in x or x in name for x in shown), shown



def test_working_days_and_a_greeting_said_back_are_not_details_the_caller_gave():
    """Trial 30, in the library's calls: "five to ten working days" was credited as the caller's
    detail because he had said "I'll pay it tonight" ("pay" stood in the lexicon's `work` concept),
    and "Hello Mrs Whitaker", ringing back, because she had said "hello?" as the line dropped."""
    from simulator.loader import bundled_dir, load_scenario
    from simulator.session import Session

    def credited(scenario, replies):
        call = Session(load_scenario(bundled_dir() / f"{scenario}.yaml"), seed=0)
        for reply in replies:
            turn = call.reply(reply)
        return " ".join(reply[e.start:e.end] for e in turn.score.listening.evidence
                        if e.label == CALLER_DETAIL and e.end > e.start)

    said = credited("autopay-failed-en", [
        "Sorry for the worry Mr Osei. It looks like the direct debit is still on your old account ending 4417, "
        "which was closed on 20 February, so the payment came back.",
        "Great. One more thing so this doesnt cost you anything: a 12.00 late fee was added on 4 March, but since "
        "its your first missed payment I can waive it. And if the 245.50 is paid by 8 March nothing gets reported "
        "to the credit agencies. Shall I take you through how to pay it now?",
        "To prevent recurrence a new direct debit mandate must be completed. This is done in the online portal "
        "under Account, Payments, Direct Debit, or by returning the paper mandate form by post. Processing takes "
        "five to ten working days. Until the new mandate is active payments must be made manually. The next "
        "instalment is due on 3 April."])
    assert "working" not in said and "through" not in said
    caller = ("So the card comes by post, and on Friday I take my... hello? [The line crackles and goes dead. "
              "Her number, 07700 900461, is on your screen.]")
    reply = ("Hello Mrs Whitaker, its Wen from the bank, we got cut off. I wanted to make sure you heard the bit "
             "about Friday: photo ID at the High Street branch and you can take your pension out as cash.")
    r = score_reply(reply, make_ctx(locale="en", stage="closing", customer=caller, facts={"phone": "07700 900461"}))
    assert "Hello" not in _quoted(r, reply, CALLER_DETAIL)
