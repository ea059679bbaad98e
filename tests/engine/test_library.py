"""The bundled scenario library: clean under lint, every story passes, as a trainer's CI would check."""
from __future__ import annotations

import itertools
import re

import pytest

from simulator.debrief import ending_texts
from simulator.loader import bundled_dir, check_file, scenario_files
from simulator.scenario import StoryReply
from simulator.conditions import moves_on_a_repeat
from simulator.session import DEFAULT_REACTIONS, Session, fill
from simulator.stories import run_story, walk_model_answers

FILES = scenario_files([bundled_dir()])
LIBRARY = [(f, check_file(f)) for f in FILES]


def test_library_has_scenarios_in_both_languages():
    locales = [sc.locale for _, (sc, _) in LIBRARY if sc]
    assert locales.count("zh") >= 4 and locales.count("en") >= 4, locales


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_scenario_lints_clean(path):
    sc, diags = check_file(path)
    assert [str(d) for d in diags] == []
    assert len(sc.states) >= 6 and len(sc.endings) >= 3
    assert {e.outcome for e in sc.endings.values()} >= {"resolved", "escalated", "hung_up"}


STORIES = [(sc, story) for _, (sc, _) in LIBRARY if sc for story in sc.stories]


@pytest.mark.parametrize("sc,story", STORIES, ids=[f"{sc.id}:{st.name}" for sc, st in STORIES])
def test_story(sc, story):
    result = run_story(sc, story)
    assert result.passed, f"{result.problem}; path {' -> '.join(result.path)}"


def test_every_scenario_has_a_skilled_and_a_failing_story():
    for _, (sc, _) in LIBRARY:
        if sc is None:
            continue
        outcomes = {sc.endings[s.ending].outcome for s in sc.stories}
        assert "resolved" in outcomes, sc.id
        assert outcomes & {"escalated", "hung_up"}, sc.id


# A first landmine is survivable in every library call (mood.breaking_point ends calls, not one slip).
TURN_ONE_LANDMINES = {
    "en": [("threaten", "Sir, please mind your language, this call is being recorded."),
           ("dismiss", "Calm down, it's only a few pounds."),
           ("accuse", "Well, you must have signed up for it yourself.")],
    "zh": [("threaten", "请您注意用语，我们的通话是有录音的。"),
           ("dismiss", "您先冷静一下，就这么点钱。"),
           ("accuse", "肯定是您自己订的，手机在您手上。")],
}
TURN_ONE = [(sc, category, text) for _, (sc, _) in LIBRARY if sc
            for category, text in TURN_ONE_LANDMINES[sc.locale]]


@pytest.mark.parametrize("sc,category,text", TURN_ONE, ids=[f"{sc.id}:{c}" for sc, c, _ in TURN_ONE])
def test_a_landmine_on_turn_one_leaves_every_library_call_open_with_its_reaction(sc, category, text):
    from simulator.session import Session

    session = Session(sc)
    turn = session.reply(text)
    assert category in turn.score.landmine_categories  # the scorer still sees it
    assert not session.over, f"one {category} ended the call in {turn.state_after}"
    assert turn.mood_after > turn.mood_before
    start = sc.states[sc.start_state]
    reaction = start.reactions.get(category) or sc.reactions.get(category) or []
    assert reaction, f"{sc.id} has no reaction line for {category}"
    # the caller reacts to the landmine (to another one the reply also holds, if it comes first)
    said = [line for c in turn.score.landmine_categories
            for line in (start.reactions.get(c) or sc.reactions.get(c) or [])]
    assert any(line.split("{")[0] in turn.customer_line for line in said), turn.customer_line


def _landmine_replies(result) -> list[bool]:
    return [bool(t.score.landmine_categories) for t in result.turns]


def test_every_scenario_has_a_landmine_then_recovery_and_a_landmine_then_another_story():
    for _, (sc, _) in LIBRARY:
        if sc is None:
            continue
        results = [run_story(sc, story) for story in sc.stories]
        recovered = [r for r in results if r.passed and _landmine_replies(r)[:1] == [True]
                     and sc.endings[r.ending].outcome == "resolved"]
        broken = [r for r in results if r.passed and _landmine_replies(r)[:2] == [True, True]
                  and len(r.turns) == 2 and sc.endings[r.ending].outcome in ("escalated", "hung_up")]
        assert recovered, f"{sc.id}: no story survives a turn-1 landmine and resolves"
        assert broken, f"{sc.id}: no story where a second landmine ends the call"


SCENARIOS = [sc for _, (sc, _) in LIBRARY if sc]


@pytest.mark.parametrize("sc", SCENARIOS, ids=[sc.id for sc in SCENARIOS])
def test_typing_each_states_model_answer_wins_the_call(sc):
    """The hint is the best reply a trainer wrote for the state: a trainee who types it, turn
    after turn, resolves the call, never scores 0 on any dimension (stories.walk_model_answers,
    which `mystery-guest test` runs for every scenario) and, in the library, mostly listens at level 2."""
    walk = walk_model_answers(sc)
    assert walk.passed, (walk.problems, walk.path)
    assert sum(t.score.listening.level == 2 for t in walk.turns) * 2 > len(walk.turns)

@pytest.mark.parametrize("sc", SCENARIOS, ids=[sc.id for sc in SCENARIOS])
def test_saying_the_last_answer_again_word_for_word_moves_no_call_on_by_what_it_does(sc):
    """Pasting the previous model answer into the next state tells the caller nothing new: only a
    transition for what goes wrong or for the caller's patience can fire on it (never one for what
    it does or settles, nor an unconditional one to the ending), and the caller says it was said."""
    said: list[str] = []
    session = Session(sc, seed=0)
    while not session.over and len(said) < sc.max_turns:
        if said:
            again = Session(sc, seed=0)
            for line in said:
                again.reply(line)
            turn = again.reply(said[-1])
            assert turn.score.repeated and turn.score.listening.level == 0
            fired = turn.transition
            assert fired is None or moves_on_a_repeat(sc.states[turn.state_before].transitions[fired["index"]].when), \
                (turn.state_before, fired)
            if turn.state_after == turn.state_before and not turn.score.landmines:
                repeat = sc.states[turn.state_before].reactions.get("repeat") or sc.reactions.get("repeat")
                expected = [fill(r, sc.facts) for r in repeat] if repeat else [DEFAULT_REACTIONS[sc.locale]["repeat"]]
                assert any(turn.customer_line.startswith(r) for r in expected), turn.customer_line
        said.append(session.hint())
        session.reply(said[-1])
    assert len(said) >= 3



BLAND = {"zh": ["嗯。", "好的。", "是这样啊。", "我在听。"], "en": ["Mm.", "Okay.", "I see.", "Right, yes."]}


@pytest.mark.parametrize("sc", SCENARIOS, ids=[sc.id for sc in SCENARIOS])
def test_a_caller_kept_in_a_state_never_says_the_same_line_twice_in_a_row(sc):
    """Replies that move nothing, one after another: the caller's next line is never word for
    word the one before while the state has another (trial 17: after an interruption she said
    "钱是不多，可你们这么干就是不讲理！" twice running, her one line for a furious caller)."""
    for seed, interrupted in itertools.product(range(5), (False, True)):
        session = Session(sc, seed=seed)
        said = [session.history[-1].text]
        for i, reply in enumerate(BLAND[sc.locale]):
            if session.over:
                break
            session.reply(reply, interrupted=interrupted and i == 0)
            said.append(session.history[-1].text)
        repeats = [(a, b) for a, b in zip(said, said[1:]) if b == a or b.endswith(a) or a.endswith(b)]
        assert not repeats, repeats


def test_once_every_line_is_said_the_caller_alternates_rather_than_repeat_one_back_to_back():
    """The review's cases: a band with one line and one for any mood (X, Y, X, X, X... before),
    and a reaction picked between two again lines, which had let the earlier one come back."""
    session = Session(BY_ID["small-charge-dispute-zh"], seed=1)
    picks = [session._pick({session.band: ["X"], "any": ["Y"]}) for _ in range(8)]
    assert all(a != b for a, b in zip(picks, picks[1:])), picks
    for seed in range(20):
        session = Session(BY_ID["small-charge-dispute-zh"], seed=seed)
        session._pick(["A", "B"])
        last = session._pick(["A", "B"])  # both said now
        session._pick(["R"])  # an interruption's reaction, before the next again line
        assert session._pick(["A", "B"]) != last


def test_the_small_charge_caller_answers_an_explanation_that_did_not_move_her_with_the_money_question():
    """Trial 17: after an interruption, an apology that explained the late system kept the call
    in 'complain' (the scorer read listening 0; a trainer gave 2) and she said her last line
    again. Whatever keeps her there, once the cause is explained she asks about the money."""
    from dataclasses import replace

    from scoring import score_reply
    from scoring.types import DimensionScore

    sc = BY_ID["small-charge-dispute-zh"]
    session = Session(sc, seed=0, scorer=lambda reply, ctx: replace(score_reply(reply, ctx),
                                                                    listening=DimensionScore(16, 0)))
    session.reply("刘阿姨您好", interrupted=True)
    session.reply("对不起刘阿姨，是我抢话了，您说得对。您5月31号晚上就在APP上取消了，您没记错；"
                  "是我们系统处理慢了半个小时，6月1号0点先扣了月租，才多扣了您这3块钱。")
    assert session.state == "complain" and session.met == ["why_charged"]
    variant = next(v for v in sc.states["complain"].variants if v.met == ["why_charged"])
    assert session.history[-1].text in [fill(line, sc.facts) for line in variant.again["any"]]


@pytest.mark.parametrize("sc", SCENARIOS, ids=[sc.id for sc in SCENARIOS])
def test_a_caller_still_furious_at_a_resolved_ending_does_not_thank_the_agent(sc):
    """The model answers resolve the call; when the caller is in the top band as it ends (anger
    pushed up before the last reply), the last words and the debrief are the ending's furious
    variant, never the grateful ones a calm caller says."""
    calm, angry = Session(sc, seed=0), Session(sc, seed=0)
    while not calm.over:
        answer = calm.hint()
        before = calm.ending
        calm.reply(answer)
        if calm.over and before is None:
            angry.mood = 100.0  # as if a landmine had just set them off
        angry.reply(answer)
    assert calm.ending == angry.ending and sc.endings[calm.ending].outcome == "resolved"
    furious = next(v for v in sc.endings[angry.ending].variants if v.mood_above is not None)
    assert angry.mood > furious.mood_above >= calm.mood
    assert angry.history[-1].text in [fill(line, sc.facts) for line in furious.say]
    assert calm.history[-1].text not in [fill(line, sc.facts) for line in furious.say]
    assert ending_texts(angry) == (furious.title, furious.debrief.strip()) != ending_texts(calm)


def test_the_lost_card_caller_does_not_ask_whether_the_card_is_stopped_once_it_was():
    """Trial 18: after "I'm blocking your card ending 3390", she read out the digits and asked
    "Is it stopped now?"."""
    session = Session(BY_ID["lost-card-callback-en"], seed=0)
    session.reply("Mrs Whitaker, it's the bank calling you back, we got cut off.")
    session.reply("That's a horrible shock, I'm so sorry. I'm blocking your card ending 3390 right now.")
    said = session.history[-1].text
    assert session.state == "verify" and "card_blocked" in session.met
    assert "Is it stopped" not in said and "ending 3390" not in said, said


# how the library's debriefs say an extra was not done
MISSING = ("would have been", "would also have", "One step further", "要是再多一句", "再往前一步", "再主动多帮一步")


@pytest.mark.parametrize("sc", [sc for sc in SCENARIOS if sc.concerns], ids=lambda sc: sc.id)
def test_a_debrief_never_says_an_extra_was_missing_when_it_was_done(sc):
    """Trial 18: a trainer ended a live call at "resolved" (F7) after the trainee had offered the
    usage alerts; the debrief ticked them and still said "Telling her about usage alerts would
    have been extended service". Whatever ending a call reaches with everything done, its debrief
    does not call something missing."""
    for name, ending in sc.endings.items():
        if ending.outcome != "resolved":
            continue
        session = Session(sc, seed=0)
        session.ending, session.met, session.mood = name, list(sc.concerns), 10.0
        _, debrief = ending_texts(session)
        assert not any(m in debrief for m in MISSING), (name, debrief)


def test_a_landmine_at_the_small_charge_wrap_up_leaves_her_furious_and_her_last_words_say_so():
    sc = BY_ID["small-charge-dispute-zh"]
    session = Session(sc, seed=0)
    while session.state != "wrap_up":
        session.reply(session.hint())
    session.reply("你冷静点，就几块钱的事，至于吗。")
    session.reply("还有别的事吗")
    assert sc.endings[session.ending].outcome == "resolved" and session.band == "furious"
    title, debrief = ending_texts(session)
    assert title == "钱退了，气没消" and "谢谢" not in session.history[-1].text


_LEVEL_CLAIM = re.compile(r"\bLevel (\d)\b|第\s*(\d)\s*层")


@pytest.mark.parametrize("sc,story", STORIES, ids=[f"{sc.id}:{st.name}" for sc, st in STORIES])
def test_an_ending_text_names_a_service_level_only_when_the_call_earned_it(sc, story):
    """The ending's title and debrief say "Level 4" / "第4层" only where the concerns met reach it."""
    session = Session(sc, seed=story.seed)
    for item in story.replies:
        if session.over:
            break
        reply = item if isinstance(item, StoryReply) else StoryReply(text=item)
        session.reply(reply.text, interrupted=reply.interrupted)
    if not session.over:
        return
    claimed = {int(a or b) for a, b in _LEVEL_CLAIM.findall(" ".join(ending_texts(session)))}
    assert claimed <= {session.summary()["service_level"]}, (claimed, session.summary()["service_level"])


# Right answers trainees gave in their own words (a new-user trial), each with the replies that
# lead to the state it was given in: the concern it settles must count.
BY_ID = {sc.id: sc for sc in SCENARIOS}
_LOST_CARD = ["That's a horrible shock, I'm so sorry. I'm going to block your card right now.",
              "I've blocked the card ending 3390; the last payment was 8.40 at the chemist's on Tuesday, "
              "nothing since.",
              "A replacement card is on its way; it takes 3 to 5 working days."]
_SMALL_CHARGE = ["刘阿姨，您月底就把来电提醒取消了，结果这个月还扣了3块钱，换谁都觉得窝火。我先帮您查一下是怎么回事。",
                 "我查到了：您是5月31日晚上11点40分取消的，系统6月1日凌晨0点30分才处理完，正好赶上月初扣费，所以多扣了这3块。"
                 "这3块钱我现在就给您减免，下个月话费里直接抵掉，您不用再跑一趟。"]
IN_OTHER_WORDS = [
    ("lost-card-callback-en", [], "Oh no, I'm so sorry. I'm blocking your card ending 3390 right now.", "card_blocked"),
    ("lost-card-callback-en", [], "I'm so sorry, that's frightening. I've blocked your card, nobody can use it now.",
     "card_blocked"),
    ("vas-sms-tips-en", [], "I've cancelled Daily Tips now, so from next month there's no fee.", "no_repeat"),
    ("vas-sms-tips-en", [], "I've cancelled it, and from next month there will be no 6.00 fee on your bill.", "no_repeat"),
    ("vas-sms-tips-en", [], "I've cancelled it, so there will be no more 6.00 charges.", "no_repeat"),
    ("vas-sms-tips-en", [], "I've cancelled it: from next month your bill won't show it at all.", "no_repeat"),
    ("pro-complainer-zh", [], "我现在马上给您恢复成58元基础套餐，多收的40元全额退还。", "plan_restored"),
    ("pro-complainer-zh", [], "投诉我也给您登记正式工单，48小时内专人回电。", "complaint_logged"),
    ("lost-card-callback-en", _LOST_CARD, "I call her back straight away on 07700 900461", "called_back"),
    ("lost-card-callback-en", _LOST_CARD, "Ring Mrs Whitaker back on 07700 900461", "called_back"),
    ("lost-card-callback-en", _LOST_CARD, "Hello Mrs Whitaker, it's the bank again, we got cut off", "called_back"),
    # a hurried trainee's typing (trial 15): an input-method slip, "都", a start date
    ("small-charge-dispute-zh", [], "真报歉阿姨 系统1号凌晨才处里完 赶上扣费了 这3块我给您减免", "why_charged"),
    ("small-charge-dispute-zh", ["3块钱我给您减免了"], "不会了阿姨 取消已经生效 以后都不扣了", "no_repeat"),
    ("small-charge-dispute-zh", ["3块钱我给您减免了"], "下个月开始就不扣了", "no_repeat"),
    # the extra check in her words for it (trial 17): a few characters between "别的" and "收费"
    ("small-charge-dispute-zh", _SMALL_CHARGE, "我也顺便帮您查了一下，您号码上没有别的增值业务收费了", "checked_others"),
    # texting shorthand (trial 25): "ur", "acct", "dd", spelt out as the lexicon's `shorthand:`
    ("autopay-failed-en", [], "pls update ur direct debit to the new acct in the app under payments", "stop_repeat"),
    ("autopay-failed-en", [], "ill set up the dd on ur new bank acct today", "stop_repeat"),
    ("autopay-failed-en", [], "can u move ur dd to ur new bank? payments > direct debit in the app", "stop_repeat"),
]


def test_a_concern_phrase_written_in_shorthand_still_matches():
    """The reply's shorthand is spelt out before the concern's phrases are tried, so a phrase an
    author writes in it ("cancel* the dd") must be spelt out too, or it could never match."""
    from simulator import concerns

    pattern = concerns.phrase_pattern("en", ("cancel* the dd",))
    for reply in ("I'll cancel the DD now", "I'll cancel the direct debit now"):
        assert pattern.search(concerns._plain(reply, "en")), reply


# What looks like those words but does not settle the concern: it must not count.
NOT_IN_THESE_WORDS = [
    ("small-charge-dispute-zh", ["3块钱我给您减免了"], "取消还没生效，要等下个月", "no_repeat"),
    ("small-charge-dispute-zh", ["3块钱我给您减免了"], "您的取消未生效", "no_repeat"),
    ("small-charge-dispute-zh", [], "您月底前就取消了，对吧？", "no_repeat"),
    ("small-charge-dispute-zh", _SMALL_CHARGE, "其他没法查，费用就按账单来。", "checked_others"),
    # naming the amount due is not telling him how to pay it (trial 16)
    ("autopay-failed-en", [], "It bounced because the account was closed; the 245.50 is still owed.", "pay_now"),
]


@pytest.mark.parametrize("scenario_id,before,reply,concern", NOT_IN_THESE_WORDS)
def test_a_concern_does_not_count_for_words_that_say_the_opposite(scenario_id, before, reply, concern):
    session = Session(BY_ID[scenario_id], seed=0)
    for text in before:
        session.reply(text)
    turn = session.reply(reply)
    assert concern not in turn.concerns_met and concern not in session.met


@pytest.mark.parametrize("scenario_id,before,reply,concern", IN_OTHER_WORDS,
                         ids=[(p.values if hasattr(p, "values") else p)[2] for p in IN_OTHER_WORDS])
def test_a_concern_counts_when_a_trainee_settles_it_in_other_words(scenario_id, before, reply, concern):
    session = Session(BY_ID[scenario_id], seed=0)
    for text in before:
        session.reply(text)
    assert concern not in session.met
    turn = session.reply(reply)
    assert concern in turn.concerns_met, (turn.state_before, turn.score.acts, turn.score.landmine_categories)


@pytest.mark.parametrize("reply", ["您没有搞错，是系统处理晚了。", "是我们系统处理得慢了半个小时", "系统那边延迟了"])
def test_the_small_charge_callers_why_is_answered_by_the_system_being_late_in_any_words(reply):
    """The phrases only: the scorer currently hears a landmine in some of these replies (reported
    to the scorer's owners), and a reply with a landmine addresses nothing by design."""
    from scoring.normalise import normalise_phrase
    from simulator.concerns import phrase_pattern

    sc = BY_ID["small-charge-dispute-zh"]
    assert phrase_pattern(sc.locale, tuple(sc.concerns["why_charged"].phrases)).search(normalise_phrase(reply))


def test_a_chinese_callers_lines_run_on_without_a_space_and_an_english_callers_are_spaced():
    """A reaction and the next line are said one after another: "好，你说的。行，我的要求三条"
    in Chinese, "Fine. And another thing." in English (a space after 。 reads as a typo)."""
    joined = {"zh": 0, "en": 0}
    for sc, story in STORIES:
        session = Session(sc, seed=0)
        for reply in story.replies:
            if session.over:
                break
            line = session.reply(reply).customer_line
            if sc.locale == "zh":
                assert not re.search(r"[。！？…]\s+\S", line), line
                joined["zh"] += bool(re.search(r"[。！？][^\s。！？”」）]", line))
            else:
                joined["en"] += bool(re.search(r"[.!?] [A-Z]", line))
    assert joined["zh"] and joined["en"], joined  # both kinds of joined lines were seen
