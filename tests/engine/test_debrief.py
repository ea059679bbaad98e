"""What a call taught (simulator/debrief.py): pass or fail, the next service level, the things
to fix first with their turns, and the model answer shown beside a weak turn."""
from __future__ import annotations

import pytest

from simulator import debrief
from simulator.scenario import Condition, Ending, Transition
from simulator.session import Session
from tests.engine.conftest import scripted_score


def session(sc, scorer=scripted_score) -> Session:
    return Session(sc, seed=1, scorer=scorer)


def play(sc, *replies, hints_first: int = 0) -> Session:
    s = session(sc)
    for _ in range(hints_first):
        s.hint()
    for r in replies:
        if r == "(silence)":
            s.silence()
        elif r.startswith("!"):
            s.reply(r[1:], interrupted=True)
        else:
            s.reply(r)
    return s


def ends_on_apology(sc, ending: str):
    """The first transition of venting sends an apology to `ending`: a good reply, a bad end."""
    sc.states["venting"].transitions.insert(0, Transition(to=ending, when=Condition(acts=["apologize"])))
    return sc


# ---------------------------------------------------------------------------- pass or fail
def test_a_resolved_call_at_or_above_the_pass_mark_passes(mini):
    s = play(mini, "ack warm", "offer cancel")
    v = debrief.verdict(s)
    assert s.summary()["outcome"] == "resolved" and v.overall >= debrief.PASS_MARK
    assert (v.passed, v.reason) == (True, "resolved")


def test_a_resolved_call_below_the_pass_mark_fails(mini):
    s = play(mini, "ack warm", "offer cancel", hints_first=4)  # each hint costs points
    v = debrief.verdict(s)
    assert v.overall < debrief.PASS_MARK
    assert (v.passed, v.reason) == (False, "below_mark")


@pytest.mark.parametrize("ending", ["escalated", "hung_up"])
def test_an_escalated_or_hung_up_call_fails_whatever_its_points(mini, ending):
    s = play(ends_on_apology(mini, ending), "ack warm sorry")
    v = debrief.verdict(s)
    assert s.ending == ending and v.overall >= debrief.PASS_MARK  # top marks for the one reply...
    assert (v.passed, v.reason) == (False, ending)  # ...and still a fail


def test_an_unfinished_call_does_not_pass(mini):
    v = debrief.verdict(play(mini, "ack warm"))
    assert (v.passed, v.reason) == (False, "unfinished")


# ---------------------------------------------------------------------------- the service ladder
def test_the_next_level_names_this_scenarios_ending_there(mini):
    s = play(mini, "ack warm", "offer cancel")
    assert debrief.next_level(s) == debrief.NextLevel(4, None)  # mini has no level-4 ending
    mini.endings["extended"] = Ending(outcome="resolved", service_level=4, title="One step further")
    assert debrief.next_level(s) == debrief.NextLevel(4, "One step further")


def test_a_failed_call_is_pointed_at_level_one_and_the_top_has_no_next(mini):
    failed = play(mini, "threat")
    assert failed.ending == "escalated" and debrief.next_level(failed).level == 1
    mini.endings["resolved"].service_level = 5
    assert debrief.next_level(play(mini, "ack warm", "offer cancel")) is None


# ---------------------------------------------------------------------------- what to fix first
def test_landmines_come_first_then_the_most_repeated_problem_each_with_its_turns(mini):
    s = play(mini, "plain cold", "plain cold", "threat cold")
    fixes = debrief.things_to_fix(s)
    assert [(f.kind, f.name) for f in fixes][:2] == [("landmine", "threaten"), ("level", "empathy")]
    assert fixes[0].turn == 2 and fixes[0].quote == "threat" and fixes[0].reason == "warned about the recording"
    assert fixes[1].turns == (0, 1, 2)  # empathy at 0 on all three replies: said once, with its turns
    assert len(fixes) <= 3


def test_talking_over_and_leaving_the_caller_waiting_are_things_to_fix(mini):
    s = play(mini, "(silence)", "!ack warm")
    kinds = {f.kind: f for f in debrief.things_to_fix(s)}
    assert kinds["silence"].turn == 0 and kinds["interrupted"].turn == 1


def test_a_line_said_again_is_one_thing_to_fix_not_one_per_dimension():
    """Trial 18: one word-for-word repeat filled two of the three slots, as listening and as
    empathy, with the same reason."""
    from simulator.loader import bundled_dir, load_scenario

    session = Session(load_scenario(bundled_dir() / "lost-card-callback-en.yaml"), seed=0)
    line = "Oh no, I'm so sorry, that's frightening. I'm blocking your card right now."
    session.reply(line)
    session.reply(line)
    repeats = [f for f in debrief.things_to_fix(session) if "word for word" in f.reason]
    assert len(repeats) == 1 and repeats[0].turn == 1


def test_turns_share_a_thing_to_fix_only_when_their_reasons_say_the_same(mini):
    """Trial 20: the model's line for listening 0 ("not answering") and for 1 ("nothing specific")
    are the same kind of evidence; one had been shown with the other's turns as "also"."""
    from dataclasses import replace

    from scoring.types import Evidence

    reasons = {"a": "reads as not answering what the caller said or asked ('{}')",
               "b": "responds, but takes up nothing specific the caller said ('{}')"}

    def score(reply, ctx):
        base = scripted_score("ack warm", ctx)
        line = Evidence(0, len(reply), "model_listening", reasons[reply[0]].format(reply), "-")
        return replace(base, listening=replace(base.listening, level=1, evidence=(line,)))

    s = session(mini, scorer=score)
    for reply in ("a one", "b two", "b three"):
        s.reply(reply)
    fixes = [f for f in debrief.things_to_fix(s) if f.kind == "evidence"]
    assert [(f.turns, f.quote) for f in fixes] == [((1, 2), "b two"), ((0,), "a one")]


def test_a_reason_that_opens_with_its_quote_still_groups_the_turns_it_fits(mini):
    """The review: "'…' was already said earlier in the call" kept the quoted words in the key,
    so three hollow repeats filled the whole list."""
    from dataclasses import replace

    from scoring.types import Evidence

    def score(reply, ctx):
        base = scripted_score("ack", ctx)
        line = Evidence(0, len(reply), "hollow", f"'{reply}' was already said earlier in the call", "-")
        return replace(base, empathy=replace(base.empathy, level=1, evidence=(line,)))

    s = session(mini, scorer=score)
    for reply in ("I'm sorry", "so sorry", "really sorry"):
        s.reply(reply)
    fixes = [f for f in debrief.things_to_fix(s) if f.kind == "evidence"]
    assert [f.turns for f in fixes] == [(0, 1, 2)]


def test_a_line_against_a_turn_that_still_got_full_marks_is_not_a_thing_to_fix(mini):
    """Trial 21: "a script question ('Thank you for the date of birth, ...')" led the list, from a
    turn scored listening 2/2."""
    from dataclasses import replace

    from scoring.types import Evidence

    def score(reply, ctx):
        base = scripted_score("ack warm", ctx)
        line = Evidence(0, 9, "question_script", "a script question ('Thank you')", "-")
        return replace(base, listening=replace(base.listening, evidence=(line,)))

    s = session(mini, scorer=score)
    s.reply("Thank you for the date of birth")
    assert s.turns[0].score.listening.level == 2
    assert debrief.things_to_fix(s) == []


def test_a_reason_that_left_a_dimension_at_0_comes_before_one_that_left_it_at_1(mini):
    """Trial 21: a mild "neither cold nor warm" (empathy 1) on turn 1 was listed above a cold
    reply's reason (empathy 0) on turn 2."""
    from dataclasses import replace

    from scoring.types import Evidence

    def score(reply, ctx):
        base = scripted_score("ack", ctx)
        level = 0 if "cold" in reply else 1
        line = Evidence(0, 4, "model_empathy", f"{reply} ('{reply}')", "-")
        return replace(base, empathy=replace(base.empathy, level=level, evidence=(line,)))

    s = session(mini, scorer=score)
    s.reply("mild")
    s.reply("cold")
    fixes = [f for f in debrief.things_to_fix(s) if f.kind == "evidence"]
    assert [f.turn for f in fixes] == [1, 0]


def test_the_model_answer_typed_back_is_not_listed_as_a_thing_to_fix(mini):
    """Trial 24: "fix these first" quoted the hint the trainee had just been shown and typed."""
    from dataclasses import replace

    from scoring.types import Evidence

    def score(reply, ctx):  # the same middling empathy, whatever the words
        base = scripted_score("ack", ctx)
        line = Evidence(0, 6, "model_empathy", "neither cold nor warm ('I hear')", "-")
        return replace(base, empathy=replace(base.empathy, level=1, evidence=(line,)))

    followed = session(mini, scorer=score)
    followed.hint()
    followed.reply("I hear you - five a month, for nothing")  # the hint, near enough
    assert followed.turns[0].score.empathy.level == 1
    assert [f for f in debrief.things_to_fix(followed) if f.kind == "evidence"] == []
    own = session(mini, scorer=score)
    own.reply("I hear you, that is annoying")
    assert [f.name for f in debrief.things_to_fix(own) if f.kind == "evidence"] == ["empathy"]


def test_a_call_with_nothing_wrong_has_nothing_to_fix(mini):
    assert debrief.things_to_fix(play(mini, "ack warm")) == []


# ---------------------------------------------------------------------------- the model answer
def test_similarity_sets_aside_case_width_punctuation_and_spacing():
    assert debrief.similarity("I hear you, five a month for nothing.",
                              "i hear you five a month for nothing") == 1.0
    assert debrief.similarity("我明白，这确实让人很生气。", "我明白 这确实让人很生气") == 1.0
    assert debrief.similarity("I hear you, five a month for nothing.", "Calm down, it's only five.") < 0.8


def test_a_model_answer_near_identical_to_the_reply_is_not_shown(mini):
    answer = mini.states["venting"].model_answers[0]
    s = play(mini, "!" + answer.lower().rstrip("."))  # the hint typed back, but over the caller
    assert debrief.model_answer(s, s.turns[0]) is None  # the state has no other
    mini.states["venting"].model_answers.append("ack warm: that is five a month for nothing, I see.")
    assert debrief.model_answer(s, s.turns[0]) == "ack warm: that is five a month for nothing, I see."


def test_no_model_answer_is_shown_that_scores_worse_than_the_trainees_reply(mini):
    mini.states["venting"].model_answers = ["Okay.", "plain cold"]
    s = play(mini, "!warm words")  # said over the caller (listening 0), but warmer than either answer
    assert debrief.model_answer(s, s.turns[0]) is None
    mini.states["venting"].model_answers.append("ack warm, I see why.")
    assert debrief.model_answer(s, s.turns[0]) == "ack warm, I see why."
    # compared word for word: "ack, noted." is listening 2 only because it was not said over him
    mini.states["venting"].model_answers = ["ack, noted."]
    s = play(mini, "!warm words, sorry")
    assert debrief.model_answer(s, s.turns[0]) is None


def test_the_model_answer_shown_is_the_one_that_scores_best_in_the_turns_place(mini):
    mini.states["venting"].model_answers = ["Okay.", "ack warm, {fee} a month for {service}, I see why."]
    seen = []

    def spy(reply, ctx):
        seen.append((reply, ctx.interrupted, ctx.customer))
        return scripted_score(reply, ctx)

    s = session(mini, scorer=spy)
    s.reply("plain cold", interrupted=True)
    seen.clear()
    assert debrief.model_answer(s, s.turns[0]) == "ack warm, 5 a month for Tips, I see why."  # facts filled
    assert {(interrupted, customer) for _, interrupted, customer in seen} == {(False, s.opening)}
