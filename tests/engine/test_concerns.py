"""The caller's concerns: which a reply addresses, what the caller says once they are addressed,
the service level they earn, and what lint says about bad ones (file:line:col)."""
from __future__ import annotations

import pytest

from scoring import ReplyContext
from simulator import concerns
from simulator.debrief import concern_status, ending_texts, next_level
from simulator.loader import bundled_dir, check_text, load_scenario
from simulator.scenario import StoryReply
from simulator.session import Session
from simulator.stories import run_story
from tests.engine.conftest import MINI, scripted_score

# MINI with concerns: cancelling (resolve), the fee said back (answer), an extra (extend).
WITH_CONCERNS = MINI.replace("states:\n", """\
concerns:
  heard:
    label: Her fee said back
    level: answer
    facts: [fee]
  stopped:
    label: Cancel it
    level: resolve
    offers: [cancel]
  tip:
    label: A tip
    level: extend
    phrases: [a tip for you]
states:
""", 1).replace("""\
      - to: cancel
        when: {acts: [acknowledge], levels: {empathy: 1}}""", """\
      - to: resolved
        when: {met: [heard, stopped]}
      - to: cancel
        when: {acts: [acknowledge], levels: {empathy: 1}}""", 1).replace("""\
    say: ["Cancel it."]
""", """\
    say: ["Cancel it."]
    again: ["Cancel it, I said."]
    variants:
      - met: [stopped]
        again: ["Cancelled, fine. Anything else?"]
""", 1).replace("""\
  resolved: {outcome: resolved, service_level: 3, say: ["Thanks."]}""", """\
  resolved:
    outcome: resolved
    service_level: 4
    say: ["Thanks."]
    debrief: Something was done.
    variants:
      - met: [tip]
        debrief: And a tip on top.
      - unmet: [heard, stopped]
        debrief: You did none of it.""", 1).replace("""\
    states: [venting, cancel, resolved]
""", """\
    states: [venting, cancel, resolved]
    met: [stopped]
""", 1)


@pytest.fixture
def sc():
    sc, diags = check_text(WITH_CONCERNS, "mini.yaml")
    assert sc is not None, [str(d) for d in diags]
    return sc


def session(sc, seed=0):
    return Session(sc, seed=seed, scorer=scripted_score)


# ---------------------------------------------------------------------------- what a reply addresses
def test_each_turn_records_the_concerns_it_addressed_first(sc):
    s = session(sc)
    first = s.reply("ack warm, 5 a month")
    assert first.concerns_met == ["heard"]
    again = s.reply("ack warm, 5 again")  # already addressed: not recorded twice
    assert again.concerns_met == [] and s.met == ["heard"]
    assert first.to_dict()["concerns_met"] == ["heard"]


def test_a_number_fact_counts_only_as_a_whole_number(sc):
    s = session(sc)
    assert s.reply("ack warm, 15 a month").concerns_met == []
    assert s.reply("ack warm, 5.5 a month").concerns_met == []
    assert s.reply("ack warm, it was 5, sorry").concerns_met == ["heard"]


@pytest.mark.parametrize("fact, said, counts", [
    ("1,203.50", "1203.50", True), ("1,203.50", "1,203.50", True), ("1,203.50", "1203.5", True),
    ("1,203.50", "11203.50", False), ("1,203.50", "1203", False),
    ("99,999.99", "99999.99", True), ("99,999.99", "100000", False),  # never a rounded form
    ("1,234,567.00", "1234567", True), ("123,456.78", "123457", False)])
def test_a_grouped_number_fact_counts_typed_without_its_separator(fact, said, counts):
    """Trial 21: "余额只有1203.50" did not say the balance "1,203.50" on the agent's screen."""
    from simulator.concerns import _fact_forms, _says, _plain

    reply = f"卡里余额只有{said} 本期要还"
    assert any(_says(reply, _plain(reply, "zh"), form) for form in _fact_forms(fact)) is counts


def test_a_reply_with_a_landmine_addresses_nothing(sc):
    s = session(sc)
    t = s.reply("threat: 5 a month, offer cancel")
    assert t.concerns_met == [] and s.met == []
    # The debrief says it was said, beside a landmine, rather than "not addressed" (trial 19).
    assert [(c.id, c.turn, c.masked) for c in concern_status(s)] == [
        ("heard", None, 0), ("stopped", None, 0), ("tip", None, None)]


def test_an_offer_above_policy_does_not_count_within_caps():
    lib = load_scenario(bundled_dir() / "vas-sms-tips-en.yaml")
    s = Session(lib)
    t = s.reply("Don't worry, I'll cancel it and refund all five months, the full 30.00.")
    assert "offer:refund" in t.score.acts and t.score.policy.level == 0
    assert "money_back" not in s.met


# ---------------------------------------------------------------------------- what the caller says
def test_a_transition_can_skip_what_was_already_done(sc):
    s = session(sc)
    s.reply("ack warm, 5 a month, offer cancel")
    assert s.ending == "resolved"


def test_the_caller_does_not_ask_again_for_what_was_done(sc):
    s = session(sc)
    s.reply("ack warm")  # -> cancel, which asks to cancel
    assert s.state == "cancel"
    t = s.reply("offer cancel but stay")  # scripted: offer:cancel fires the transition to resolved
    assert s.ending == "resolved" and t.concerns_met == ["stopped"]
    s2 = session(sc)
    s2.reply("ack warm")
    s2.met.append("stopped")  # as if cancelled earlier: the state's line for staying changes
    assert s2.reply("cold").customer_line == "Cancelled, fine. Anything else?"


def test_a_state_answers_the_trainees_question():
    sc = load_scenario(bundled_dir() / "autopay-failed-en.yaml")
    s = Session(sc)
    # asked after a word for the trouble, as a trainer would; the bare question is a known scorer
    # error (tests/scoring/test_known_errors.py)
    t = s.reply("Sorry about that, let's find out what happened. Did you change banks recently?")
    assert "question" in t.score.acts and not t.score.landmines
    assert t.customer_line == sc.states["why_failed"].reactions["question"][0]


def test_an_overpromise_gets_its_own_line_not_a_complaint_that_it_is_too_small():
    sc = load_scenario(bundled_dir() / "vas-sms-tips-zh.yaml")
    story = next(st for st in sc.stories if st.name.startswith("许诺全额退费："))
    s = Session(sc, seed=story.seed)
    for text in story.replies[:4]:
        t = s.reply(text if isinstance(text, str) else text.text)
    assert t.customer_line.startswith(sc.reactions["overpromise"][0])
    assert "就这" not in t.customer_line and "打发" not in t.customer_line


def test_once_the_fee_and_credit_file_are_covered_the_caller_does_not_ask_about_them_again():
    sc = load_scenario(bundled_dir() / "autopay-failed-en.yaml")
    s = Session(sc)
    s.reply("Yes, that would be it. The direct debit was still on your old account ending 4417, which was "
            "closed on 20 February, so the payment came back.")
    t = s.reply("One more thing: a late fee of 12.00 was added, but as it's your first missed payment I've "
                "waived it. If you pay the 245.50 by 8 March, nothing goes on your credit file.")
    assert {"late_fee", "credit_file"} <= set(t.concerns_met)
    assert "credit file" not in t.customer_line and "A fee?" not in t.customer_line
    assert "stop this happening again" in t.customer_line


# ---------------------------------------------------------------------------- the level earned
def test_the_service_level_is_earned_step_by_step_and_capped_by_the_ending(sc):
    assert concerns.ladder_level(sc, []) == 0
    assert concerns.ladder_level(sc, ["stopped"]) == 0  # the answer step is not climbed
    assert concerns.ladder_level(sc, ["heard"]) == 1
    assert concerns.ladder_level(sc, ["heard", "stopped"]) == 2  # no complete step: passed over
    assert concerns.ladder_level(sc, ["heard", "stopped", "tip"]) == 4
    assert concerns.level_reached(sc, "escalated", ["heard", "stopped", "tip"]) == 0
    sc.endings["resolved"].service_level = 2
    assert concerns.level_reached(sc, "resolved", ["heard", "stopped", "tip"]) == 2


def test_extend_takes_any_one_extra():
    sc = load_scenario(bundled_dir() / "small-charge-dispute-zh.yaml")
    base = ["why_charged", "fee_back", "no_repeat"]
    assert concerns.ladder_level(sc, base) == 3
    assert concerns.ladder_level(sc, base + ["timing_tip"]) == 4
    assert concerns.ladder_level(sc, base + ["checked_others"]) == 4


def test_a_scenario_without_concerns_keeps_the_endings_level(mini):
    s = Session(mini, scorer=scripted_score)
    s.reply("ack warm")
    s.reply("offer cancel")
    assert s.ending == "resolved" and s.service_level == 3 == s.summary()["service_level"]


def test_the_summary_and_the_debrief_use_the_level_earned(sc):
    s = session(sc)
    s.reply("ack warm, 5 a month, offer cancel")
    assert s.service_level == 2 == s.summary()["service_level"]
    assert s.summary()["concerns_met"] == ["heard", "stopped"]
    step = next_level(s)
    assert step.level == 4 and step.concerns == ("A tip",)  # the next step with concerns: extend (no complete step)
    assert [(c.id, c.turn) for c in concern_status(s)] == [("heard", 0), ("stopped", 0), ("tip", None)]
    everything = session(sc)
    everything.reply("ack warm, 5 a month, offer cancel, and a tip for you")
    # the scenario asks for nothing above extend: no "Level 5 would have needed" no call could meet
    assert everything.service_level == 4 and next_level(everything) is None


def test_ending_texts_never_contradict_the_call(sc):
    s = session(sc)
    s.reply("ack warm, 5 a month, offer cancel")
    assert ending_texts(s)[1] == "Something was done."
    one_done = session(sc)
    one_done.reply("ack warm")
    one_done.reply("offer cancel")  # cancelled, but the fee never said back
    assert one_done.met == ["stopped"] and ending_texts(one_done)[1] == "Something was done."
    nothing = session(sc)
    nothing.ending = "resolved"  # an ending reached with nothing addressed
    assert ending_texts(nothing)[1] == "You did none of it."


def test_the_pro_complainers_hang_up_says_none_were_handled_only_when_none_were():
    sc = load_scenario(bundled_dir() / "pro-complainer-zh.yaml")
    s = Session(sc)
    s.ending = "hung_up"
    assert "一条都没当场办" in ending_texts(s)[1]
    s.met = ["admitted", "plan_restored"]
    assert "一条都没当场办" not in ending_texts(s)[1]


# ---------------------------------------------------------------------------- stories
def test_a_story_checks_the_level_and_the_concerns(sc):
    story = sc.stories[0]
    good = type(story)(name="x", replies=["I hear you, 5 a month for Tips, I'll cancel it for you right now."],
                       ending="resolved", service_level=2, met=["heard", "stopped"])
    result = run_story(sc, good)
    assert result.passed, result.problem
    wrong_level = type(story)(name="y", replies=good.replies, ending="resolved", service_level=4)
    assert run_story(sc, wrong_level).problem == ("expected service level 4 but the call reached 2 "
                                                  "(concerns met: [heard, stopped])")
    wrong_met = type(story)(name="z", replies=good.replies, ending="resolved", met=["tip"])
    assert run_story(sc, wrong_met).problem == "expected concerns met [tip] but the call met [heard, stopped]"


def test_a_story_can_pin_the_title_a_caller_still_furious_at_the_end_gets():
    """The same replies reach `resolved` whether or not the wrap-up jibe set her off; only the
    title (the furious variant's) tells the two calls apart, so a story can pin it."""
    sc = load_scenario(bundled_dir() / "small-charge-dispute-zh.yaml")
    story = next(s for s in sc.stories if s.title == "钱退了，气没消")
    assert run_story(sc, story).passed
    calm = type(story)(name="calm", replies=story.replies[:2] + ["不会了，取消已经生效，以后都不扣了。"],
                       ending="resolved", title="钱退了，气没消")
    result = run_story(sc, calm)
    assert result.ending == "resolved" and not result.passed
    assert result.problem.startswith("expected the ending titled '钱退了，气没消' but the call showed '当场解决' "
                                     "(anger at the end ")


def test_lint_reports_a_story_title_its_ending_never_shows():
    text = WITH_CONCERNS.replace("    met: [stopped]\n", "    met: [stopped]\n    title: Sorted\n", 1)
    assert problems(text) == [f"{where(text, 'Sorted')}: error: story 'good' expects the title 'Sorted', which "
                              "ending 'resolved' never shows (its titles: 'resolved')"]


@pytest.mark.parametrize("name, prefix", [("pro-complainer-zh", "一句话办完所有事"),
                                          ("vas-sms-tips-en", "every concern in a single reply"),
                                          ("vas-sms-tips-zh", "一句话办完所有事"),
                                          ("autopay-failed-en", "every concern in a single reply"),
                                          ("autopay-failed-zh", "一句话办完所有事")])
def test_a_flagship_handled_in_one_reply_ends_there_at_the_top_level(name, prefix):
    sc = load_scenario(bundled_dir() / f"{name}.yaml")
    story = next(st for st in sc.stories if st.name.startswith(prefix))
    s = Session(sc, seed=story.seed)
    t = s.reply(story.replies[0] if isinstance(story.replies[0], str) else story.replies[0].text)
    assert t.concerns_met == list(sc.concerns)  # every concern, in one reply
    assert s.over and s.service_level == 4  # nothing left for the caller to ask
    assert not any(isinstance(r, StoryReply) for r in story.replies)


# ---------------------------------------------------------------------------- lint
def problems(text: str) -> list[str]:
    return [str(d) for d in check_text(text, "s.yaml")[1]]


def where(text: str, needle: str) -> str:
    for n, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return f"s.yaml:{n}:{line.index(needle) + 1}"
    raise AssertionError(needle)


def test_lint_accepts_the_concerns_example():
    assert problems(WITH_CONCERNS) == []


def test_lint_reports_unknown_acts_actions_and_facts_in_a_concern():
    text = (WITH_CONCERNS.replace("offers: [cancel]", "offers: [cancle]\n    acts: [apologise]")
            .replace("facts: [fee]", "facts: [fees]"))
    out = problems(text)
    assert f"{where(text, 'cancle')}: error: unknown action 'cancle' (did you mean 'cancel'?)" in out
    assert f"{where(text, 'apologise')}: error: unknown act 'apologise' (did you mean 'apologize'?)" in out
    assert f"{where(text, 'fees')}: error: unknown fact 'fees' (did you mean 'fee'?)" in out


def test_lint_reports_an_unknown_concern_in_a_condition_a_variant_or_a_story():
    text = (WITH_CONCERNS.replace("when: {met: [heard, stopped]}", "when: {met: [heard, stoped]}")
            .replace("      - met: [stopped]\n", "      - met: [stoppd]\n")
            .replace("    met: [stopped]\n", "    met: [heard, stopped, tips]\n"))
    out = problems(text)
    assert f"{where(text, 'stoped')}: error: unknown concern 'stoped' (did you mean 'stopped'?)" in out
    assert f"{where(text, 'stoppd')}: error: unknown concern 'stoppd' (did you mean 'stopped'?)" in out
    assert f"{where(text, 'tips]')}: error: unknown concern 'tips' (did you mean 'tip'?)" in out


def test_lint_reports_a_concern_nothing_refers_to_and_one_no_reply_can_address():
    text = WITH_CONCERNS.replace("""\
  tip:
    label: A tip
    level: extend
    phrases: [a tip for you]
""", """\
  tip:
    label: A tip
    level: extend
    phrases: [a tip for you]
  loose:
    label: Never used
    phrases: [whatever]
  empty:
    label: No signs
""")
    out = problems(text)
    assert (f"{where(text, 'loose:')}: error: concern 'loose' is never referenced by a transition, a variant "
            "or a story's `met`: the caller never reacts to it and no story pins it") in out
    assert (f"{where(text, 'empty:')}: error: concern 'empty' has no acts, offers, facts or phrases: no reply "
            "can ever address it") in out


def test_lint_reports_a_concern_met_and_unmet_at_once():
    text = WITH_CONCERNS.replace("when: {met: [heard, stopped]}", "when: {met: [heard], unmet: [heard]}")
    assert any("this transition can never fire: concern 'heard' is both met and not met" in p
               for p in problems(text))


def test_test_explain_shows_what_each_reply_addressed_and_conditions_see_the_concerns(sc):
    from simulator.authoring.explain import explain, facts_of

    story = type(sc.stories[0])(name="y", replies=["I hear you, 5 a month for Tips, I'll cancel it for you right now."],
                                ending="resolved", service_level=4)
    result = run_story(sc, story)
    assert not result.passed
    lines = "\n".join(explain(sc, result))
    assert "addressed: heard, stopped" in lines and "left the expected path" not in lines
    assert facts_of(result.turns, 0).met == {"heard", "stopped"}


def test_the_question_line_answers_when_the_call_stays_and_the_next_state_answers_when_it_moves(sc):
    from dataclasses import replace

    def asking(reply, ctx):  # the scripted scorer, plus the act `question` for a reply with "?"
        score = scripted_score(reply, ctx)
        return replace(score, acts=score.acts + (("question",) if "?" in reply else ()))

    sc.reactions["question"] = ["Since Tuesday, if you must know."]
    stays = Session(sc, scorer=asking)
    assert stays.reply("cold, when did it start?").customer_line == "Since Tuesday, if you must know."
    moves = Session(sc, scorer=asking)
    t = moves.reply("ack warm, when did it start?")
    assert t.state_after == "cancel" and t.customer_line == "Cancel it."


# ---------------------------------------------------------------------------- concern phrases
@pytest.mark.parametrize("phrase, reply, addressed", [
    ("a tip for you", "ack warm, here is a tip for you", True),           # a plain phrase, as before
    ("a tip for you", "ack warm, A  TIP for you!", True),                 # case and spacing set aside
    ("block* (your|the) card", "ack warm, I'm blocking your card now", True),
    ("block* (your|the) card", "ack warm, I've blocked the card", True),
    ("block* (your|the) card", "ack warm, I'll unblock your card", False),  # whole words in English
    ("call* ... back", "ack warm, I call her straight back", True),        # a gap within the sentence
    ("call* ... back", "ack warm, I'll call. Back to your bill", False),   # never across a sentence end
    ("系统.{0,4}(晚|慢)", "ack warm, 是系统处理晚了", True),                   # Chinese: anywhere in the text
])
def test_concern_phrases_use_the_scorer_s_phrase_syntax(phrase, reply, addressed):
    text = WITH_CONCERNS.replace("phrases: [a tip for you]", f"phrases: [{phrase!r}]")
    sc, diags = check_text(text, "mini.yaml")
    assert sc is not None, [str(d) for d in diags]
    assert (session(sc).reply(reply).concerns_met == ["tip"]) is addressed


@pytest.mark.parametrize("reply, addressed", [
    ("ack warm, you want a tip for you and your family", False),          # the caller's wish said back
    ("ack warm, you'd like a tip for you. Here is a tip for you", True),   # then given, in its own sentence
    ("ack warm, your request is clear: a refund, a tip for you, an apology", False),  # listed after a colon
    ("ack warm, a refund, a tip for you, that's what you want", False),    # listed before, pointed back at
    ("ack warm, a tip for you is what you want.", False),
    ("ack warm, as you asked I've got a tip for you right here", True),    # said to them, and done
    ("ack warm, you wanted it at 10:30, a tip for you is ready", True),    # a time's colon opens no list
    ("ack warm, we're hoping for a tip for you", True),                    # not the caller's wish
    ("ack warm, you said nobody gave a tip for you", False),               # the caller's account said back
    ("ack warm, you're saying a tip for you never came", False),
    ("ack warm, like you said I've got a tip for you right here", True),    # agreeing, and done
])
def test_a_concern_phrase_inside_the_callers_wish_said_back_does_not_count(reply, addressed):
    assert (session(sc_with_tip()).reply(reply).concerns_met == ["tip"]) is addressed


@pytest.mark.parametrize("reply, refunded", [
    ("您的三个要求我都记下了：第一恢复原来的套餐，第二退还多收的费用，第三给您一个投诉单号。", False),
    ("恢复原来的套餐、退还多收的费用、给您一个投诉单号，这三个要求我都记下了。", False),
    ("您希望全额退还多收的钱。", False),
    ("多收的费用我现在就给您全额退还。", True),
    ("您希望全额退还：我现在就给您退还多收的40元。", True),     # the colon opens the answer
    ("您要的退款我已经给您全额退还了。", True),                 # the wish said back, and done
    ("按照您的要求我已经把多收的40元全额退还了。", True),
    ("我想要先给您全额退还多收的40元。", True),                 # the agent's own wish
    ("我已经要求财务今天就给您退还多收的40元。", True),
    ("您希望10:30回电，我已经给您全额退还了。", True),          # a time's colon opens no list
])
def test_saying_the_pro_complainers_demands_back_is_not_meeting_them(reply, refunded):
    sc = load_scenario(bundled_dir() / "pro-complainer-zh.yaml")
    score = scripted_score("", ReplyContext(locale="zh", stage="refund"))
    assert ("overcharge_refunded" in concerns.addressed(sc, score, reply)) is refunded


@pytest.mark.parametrize("reply, conceded", [
    # trial 28: his account said back as his is listening, not an admission
    ("赵先生您好，您说4月1日没经过您本人确认，就把套餐改了，我完全理解您为什么生气。", False),
    ("您刚才讲没经您同意就改了套餐，我这就核实。", False),
    ("您说得对确实没经过您本人确认就改了套餐，是我们的问题。", True),       # agreeing, no comma between
    ("您说得很对确实没经您同意就改了。", True),
    ("就像您说的确实是没经您同意就改了。", True),
    ("我帮您说明一下没经您同意就改套餐的原因。", True),                  # the agent explaining
    ("我跟您说实话，系统里查不到您确认的记录，是我们没经您同意就改了。", True),
    ("系统里查不到您确认的记录，确实是没经您同意就改的。", True),
])
def test_the_callers_account_said_back_as_his_is_not_conceding_it(reply, conceded):
    sc = load_scenario(bundled_dir() / "pro-complainer-zh.yaml")
    concern = next(cid for cid, c in sc.concerns.items() if "没经您确认" in c.phrases)
    score = scripted_score("", ReplyContext(locale="zh", stage="venting"))
    assert (concern in concerns.addressed(sc, score, reply)) is conceded


@pytest.mark.parametrize("reply, said", [
    ("不会的 已经退订成功了 您下个月查账单就能看到", True),   # trial 29: the answer and its reason
    ("不会了，已经帮您退订了。", True),
    ("不会的。", False),                                       # an answer with nothing behind it
    ("退订不会影响您的其他业务。", False),
    ("不会的，退订不了。", False),                            # no, and no cancel either
    ("不会了，您要是想退订可以发TD。", False),                 # a cancel offered, not done
    ("不会的，您已经退订失败了。", False),                      # the review's: failed, asked, impossible
    ("不会的，您是已经退订了吗？", False),
    ("不会的，已经退订不了了。", False),
    ("不会，已经帮你退订了。", True),
    ("不会啦，已经为您退订了。", True),
    ("不会的，我已经帮您把它退订了。", True),
])
def test_no_and_the_cancel_done_tells_the_daily_tips_caller_it_will_not_come_back(reply, said):
    sc = load_scenario(bundled_dir() / "vas-sms-tips-zh.yaml")
    score = scripted_score("", ReplyContext(locale="zh", stage="closing"))
    assert ("no_repeat" in concerns.addressed(sc, score, reply)) is said


@pytest.mark.parametrize("reply, checked", [
    ("其他的扣费项目我都帮您查了一遍，没有别的。", True),
    ("其他的扣费项目我没法帮您查。", False),                      # said, and turned down
    ("其他扣费我这边查不了。", False),
    ("现金我没法退，不过其他的扣费项目我都帮您查了一遍。", True),   # the refusal is another clause's
])
def test_a_concern_phrase_in_a_clause_that_refuses_it_does_not_count(reply, checked):
    sc = load_scenario(bundled_dir() / "small-charge-dispute-zh.yaml")
    score = scripted_score("", ReplyContext(locale="zh", stage="refund"))
    assert ("checked_others" in concerns.addressed(sc, score, reply)) is checked


@pytest.mark.parametrize("scenario, reply, concern, addressed", [
    # a negation that explains what happened, or belongs to another thought, refuses nothing
    ("autopay-failed-zh", "非常抱歉，扣款那天卡里余额不够扣不了，所以这期没扣成功。", "why_failed", True),
    ("autopay-failed-en", "We were unable to take the payment as the direct debit was still on your old account.",
     "why_failed", True),
    ("autopay-failed-en", "I cannot speak for other lenders and nothing will go on your credit file if you pay by "
     "8 March.", "credit_file", True),
    ("vas-sms-tips-zh", "退款这个我办不了 以后不会再扣费了", "no_repeat", True),
    ("vas-sms-tips-en", "I can't refund it and you won't be charged again", "no_repeat", True),
    # the caller's inability inside the phrase, and the caller's question said back, do not count
    ("autopay-failed-zh", "如果您现在没办法还清的话，我这边也帮不了您", "pay_now", False),
    ("autopay-failed-zh", "您是想知道会不会影响征信对吧，我先帮您查一下", "credit_file", False),
    ("autopay-failed-zh", "如果这个月钱不够还，可以先还一部分", "why_failed", False),
])
def test_only_a_refusal_of_the_thing_itself_keeps_a_concern_open(scenario, reply, concern, addressed):
    sc = load_scenario(bundled_dir() / f"{scenario}.yaml")
    score = scripted_score("", ReplyContext(locale=sc.locale, stage="inquiry"))
    assert (concern in concerns.addressed(sc, score, reply)) is addressed


@pytest.mark.parametrize("reply, tipped", [
    ("ack warm, here is a tip for you", True),
    ("ack warm, I can't give a tip for you today", False),
    ("ack warm, I'm unable to send a tip for you", False),
    ("ack warm, I can't believe it, here's a tip for you", True),   # sympathy, not a refusal
])
def test_an_english_concern_phrase_next_to_a_refusal_does_not_count(reply, tipped):
    assert (session(sc_with_tip()).reply(reply).concerns_met == ["tip"]) is tipped


def sc_with_tip():
    sc, diags = check_text(WITH_CONCERNS, "mini.yaml")
    assert sc is not None, [str(d) for d in diags]
    return sc


def test_lint_reports_a_concern_phrase_that_is_not_valid_phrase_syntax():
    text = WITH_CONCERNS.replace("phrases: [a tip for you]", "phrases: [a tip for you, \"a (tip\"]")
    out = problems(text)
    at = where(text, '"a (tip')
    assert len(out) == 1 and out[0].startswith(f"{at}: error: phrase 'a (tip' is not valid phrase syntax "
                                               "(docs/lexicons.md): bad phrase (missing )")


@pytest.mark.parametrize("reply, pays", [
    ("Sorry about this, Mr Osei. I can take the 245.50 now by debit card if that helps.", True),
    ("By card on this call, 245.50 today.", True),
    ("I'll take a look at it now.", False),
])
def test_taking_the_payment_on_the_call_tells_the_autopay_caller_how_to_pay_now(reply, pays):
    """Trial 22: two turns that took the payment by card left "how to pay now" not addressed."""
    from simulator.loader import bundled_dir, load_scenario

    call = Session(load_scenario(bundled_dir() / "autopay-failed-en.yaml"), seed=1)
    assert ("pay_now" in call.reply(reply).concerns_met) is pays
