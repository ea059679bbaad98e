"""Listening rules of this round, with our own sentences: content terms only, concerns weigh
more, lectures while venting, verification and rhetorical questions, half-answered requests,
rule-based declines and evidence polish."""
import pytest

from scoring import Policy, ReplyContext
from scoring.analysis import analyse
from scoring.reflection import reflect, units
from tests.scoring.conftest import make_ctx

ALL = Policy(allow=("cancel", "refund", "explain_charges", "escalate", "callback", "fee_waiver"),
             refund_max_months=1)


def _reflection(reply, customer, locale="zh", stage="venting"):
    return reflect(analyse(reply, make_ctx(locale=locale, stage=stage, customer=customer)))


# ---- Chinese content terms -------------------------------------------------------------

def test_zh_function_fragments_are_not_content():
    a = analyse("好的", make_ctx(locale="zh"))
    u = units("给我算了利息，这个工单", a.lex)
    assert "了利" not in u.stems and "个工" not in u.stems
    assert "利息" in u.stems and "工单" in u.stems


def test_zh_shared_fragments_do_not_make_a_restatement():
    # Only function-character fragments are shared: not a restatement.
    customer = "我的快递到了没有？"
    r = _reflection("您好，这个是我们的规定，您了解一下吧。", customer)
    assert r.score == 0


def test_zh_restated_word_and_amount_count():
    customer = "上个月宽带费多扣了我四十块，我根本没用过那个加速包！"
    r = _reflection("多扣的四十块宽带费，还是您压根没用过的加速包。", customer)
    assert r.score >= 2.0


def test_zh_lone_yi_is_not_a_fact():
    r = _reflection("我查一下。", "我一个月被扣两次。")
    assert r.numbers == []


def test_concern_weighs_more_than_a_noun():
    customer = "I'm worried this will hit my credit file."
    concern = _reflection("This won't touch your credit record.", customer, locale="en")
    noun = _reflection("This won't touch your file.", customer, locale="en")
    assert concern.score > noun.score


def test_restated_neighbours_merge_into_one_phrase(score):
    r = score("Eight weeks of late deliveries, that's a lot.", locale="en", stage="venting",
              customer="My deliveries have been late for eight weeks!")
    facts = [e for e in r.listening.evidence if e.label == "fact"]
    texts = ["Eight weeks of late deliveries, that's a lot."[e.start:e.end] for e in facts]
    assert "Eight weeks" in texts
    assert all(t == t.strip() for t in texts)


# ---- venting: lectures and jabs ----------------------------------------------------------

def test_long_fraud_rule_lecture_while_venting_is_zero(score):
    customer = "My card got declined at the till in front of everyone! Why was my card declined?"
    reply = ("Card payments can be declined when our fraud system spots unusual activity on the card. "
             "Under our security policy, a declined card stays blocked until the customer passes the "
             "identity checks, which is standard procedure for all accounts.")
    r = score(reply, locale="en", stage="venting", customer=customer)
    assert r.listening.level == 0
    assert any(e.label == "lecture" for e in r.listening.evidence)


def test_zh_policy_lecture_while_venting_is_zero(score):
    customer = "我在超市结账，卡被拒了，后面排了一长串人，丢死人了！"
    reply = ("卡被拒一般是因为风控系统检测到异常交易，按规定会先冻结卡片。根据我行的安全政策，"
             "冻结后需要持卡人本人携带身份证到网点办理解冻手续，这是标准流程。")
    assert score(reply, locale="zh", stage="venting", customer=customer).listening.level == 0


def test_short_acknowledgement_while_venting_is_not_a_lecture(score):
    customer = "My card got declined at the till in front of everyone!"
    r = score("Declined at the till with a queue behind you, that's mortifying. Go on, I'm listening.",
              locale="en", stage="venting", customer=customer)
    assert r.listening.level == 2


def test_sarcastic_tag_question_is_not_a_relevant_question(score):
    customer = "Why am I getting gardening tips by text? I live in a flat with no garden!"
    r = score("Well, you could always get a window box, couldn't you?", locale="en", stage="venting",
              customer=customer)
    assert r.listening.level == 0
    assert "question" not in r.acts


def test_real_question_still_counts(score):
    customer = "Why am I getting gardening tips by text? I live in a flat with no garden!"
    r = score("When did the first gardening text arrive?", locale="en", stage="venting", customer=customer)
    assert r.listening.level == 2


def test_zh_rhetorical_question_is_not_relevant(score):
    r = score("难道这点小事也要我们负责吗？", locale="zh", stage="venting", customer="你们的短信一天发十条，烦死了！")
    assert "question" not in r.acts


# ---- verification questions --------------------------------------------------------------

def test_account_number_needed_to_act_is_relevant(score):
    r = score("Happy to close it for you. Could I take your card number so I can find the account?",
              locale="en", stage="cancel", customer="Close my store card, I never use it.", policy=ALL)
    assert r.listening.level == 2
    assert not any(e.label == "question_script" for e in r.listening.evidence)


def test_account_number_while_venting_is_still_script(score):
    r = score("Could I take your account number please?", locale="en", stage="venting",
              customer="Three engineers, three no-shows, I've had enough of you!")
    assert r.listening.level == 0


def test_zh_card_number_request_to_close_account(score):
    r = score("可以给您销户，麻烦提供一下卡号后四位，我核实后马上办。", locale="zh", stage="cancel",
              customer="这张信用卡我不用了，给我销户。", policy=ALL)
    assert r.listening.level == 2
    assert "offer:cancel" in r.acts


# ---- two-part requests -------------------------------------------------------------------

def test_half_of_two_part_request_is_one(score):
    r = score("I've cancelled the magazine subscription for you now, so it's all stopped.",
              locale="en", stage="refund", customer="Cancel the magazine and refund the last issue I paid for!",
              policy=ALL)
    assert r.listening.level == 1
    assert any(e.label == "part_ignored" for e in r.listening.evidence)


def test_action_already_done_is_not_a_missing_part(score):
    r = score("Since the magazine is stopped, I'll refund the last issue, £4.99, onto your card today.",
              locale="en", stage="refund", customer="The magazine's cancelled now, but I want a refund of the last issue.",
              policy=ALL)
    assert not any(e.label == "part_ignored" for e in r.listening.evidence)


def test_zh_done_action_not_a_missing_part(score):
    r = score("两个月的二十块我给您退回话费里。", locale="zh", stage="refund",
              customer="业务已经取消了，那两个月的二十块钱给我退回来！", policy=ALL)
    assert not any(e.label == "part_ignored" for e in r.listening.evidence)


@pytest.mark.parametrize("locale,customer,reply", [
    ("zh", "光退订不行，扣的四十块钱你们得给我退款！", "四十块我这边没法全退，实在抱歉，能给您退一个月的5块钱。"),
    ("en", "A refund of the standing charge isn't enough, I want proper compensation.",
     "I'm sorry. I can add £30 of goodwill credit, which is the most I'm able to give."),
])
def test_an_action_the_caller_calls_not_enough_is_not_a_missing_part(score, locale, customer, reply):
    """"光退订不行" / "a refund isn't enough": the caller wants more than it, not it as well."""
    r = score(reply, locale=locale, stage="compensation" if locale == "en" else "refund", customer=customer, policy=ALL)
    labels = [e.label for e in r.listening.evidence]
    assert "demand_met" in labels and "part_ignored" not in labels


@pytest.mark.parametrize("locale,stage,customer", [
    # the review: "not enough" about something else, or a double negative, leaves the part owed
    ("en", "cancel", "Cancel the service and I want a refund because sorry is not enough."),
    ("zh", "cancel", "马上给我退订，扣的钱必须退款，不退不行！"),
    ("zh", "cancel", "马上给我退订！连退款都不行吗？"),
])
def test_not_enough_said_of_something_else_leaves_the_part_owed(score, locale, stage, customer):
    reply = "好的，我现在就给您退订。" if locale == "zh" else "Of course, I'll cancel the service for you now."
    r = score(reply, locale=locale, stage=stage, customer=customer, policy=ALL)
    assert any(e.label == "part_ignored" for e in r.listening.evidence)


# ---- hostile replies ---------------------------------------------------------------------

def test_deflect_still_answers_the_topic(score):
    r = score("Billing isn't my department, you'd have to ring them.", locale="en", stage="inquiry",
              customer="Why has my bill doubled this month?")
    assert r.listening.level == 1


def test_threat_while_venting_is_zero(score):
    r = score("Keep talking like that and I'll end the call.", locale="en", stage="venting",
              customer="You lot are thieves, every last one of you!")
    assert r.listening.level == 0


# ---- rule-based declines -----------------------------------------------------------------

def test_rule_limited_credit_is_a_decline(score):
    r = score("We only credit outages longer than a week, so I can't add anything this time.",
              locale="en", stage="refund", customer="Four days without broadband, I want money back!", policy=ALL)
    assert "decline:refund" in r.acts and "offer:refund" not in r.acts


def test_rule_limited_credit_without_cant(score):
    r = score("I'm sorry, we only refund outages over fourteen days.", locale="en", stage="refund",
              customer="Ten days offline, refund me!", policy=ALL)
    assert "decline:refund" in r.acts


def test_zh_rule_limited_refund_is_a_decline(score):
    r = score("按规定只能退一个月的费用。", locale="zh", stage="refund", customer="三个月的钱都给我退了！", policy=ALL)
    assert "decline:refund" in r.acts


def test_zh_rule_limit_then_doing_it_is_an_offer(score):
    r = score("按规定只能退一个月，我现在就给您申请。", locale="zh", stage="refund",
              customer="三个月的钱都给我退了！", policy=ALL)
    assert "offer:refund" in r.acts


def test_plain_offer_is_not_a_decline(score):
    r = score("I'll refund last month's £8 today.", locale="en", stage="refund",
              customer="Refund me for last month!", policy=ALL)
    assert "offer:refund" in r.acts and "decline:refund" not in r.acts


# ---- evidence polish ---------------------------------------------------------------------

def test_tell_me_more_is_a_listening_invite_not_politeness(score):
    r = score("That sounds awful. Tell me more.", locale="en", stage="venting",
              customer="The courier threw my parcel over the gate!")
    assert any(e.label == "listen_invite" for e in r.listening.evidence)
    assert not any(e.label == "politeness" and "tell me more" in e.reason.lower() for e in r.empathy.evidence)


def test_evidence_is_deduplicated(score):
    r = score("Five months, five months of texts you never wanted.", locale="en", stage="venting",
              customer="Five months of texts I never wanted!")
    for dim in (r.listening, r.empathy, r.policy):
        keys = [(e.start, e.end, e.label) for e in dim.evidence]
        assert len(keys) == len(set(keys))


def test_action_span_has_no_edge_spaces(score):
    reply = "Right, I'll stop the Weekly Quiz texts for you now."
    r = score(reply, locale="en", stage="cancel", customer="Stop the quiz texts!", policy=ALL)
    assert "offer:cancel" in r.acts
    for e in r.policy.evidence:
        if e.end > e.start:
            assert reply[e.start:e.end] == reply[e.start:e.end].strip()


@pytest.mark.parametrize("reply", [
    "Right now I can look at that for you.",
    "Right away, I'll send the form.",
    "Right here on your account I can see the charge.",
])
def test_right_as_an_adverb_is_not_an_acknowledgement(reply):
    from scoring.analysis import analyse

    a = analyse(reply, ReplyContext("en", "venting", customer="You charged me twice!"))
    assert "acknowledge" not in a.hits


def test_right_said_as_a_marker_still_acknowledges():
    from scoring.analysis import analyse

    a = analyse("Right, I see. Twice in one month.", ReplyContext("en", "venting", customer="You charged me twice!"))
    assert "acknowledge" in a.hits
