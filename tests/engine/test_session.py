"""The engine: transitions, mood, lines, limits, serialisation and replay."""
from __future__ import annotations

import json

import pytest

from simulator.session import CallOver, ReplyRejected, Session, clean_reply
from tests.engine.conftest import scripted_score


def session(sc, seed=0):
    return Session(sc, seed=seed, scorer=scripted_score)


def test_opening_line_fills_facts_and_uses_mood_band(mini):
    s = session(mini)
    assert s.state == "venting"
    assert s.opening == "You took 5 for Tips."  # anger 60 is 'angry', so the 'any' line


def test_first_matching_transition_fires(mini):
    s = session(mini)
    t = s.reply("ack warm")
    assert (t.state_before, t.state_after) == ("venting", "cancel")
    assert t.customer_line == "Cancel it."
    assert [c["to"] for c in t.candidates] == ["escalated", "cancel"]
    assert t.transition["to"] == "cancel"
    t = s.reply("offer cancel")
    assert s.ending == "resolved" and s.over
    assert t.customer_line == "Thanks."


def test_landmine_escalates_and_reaction_is_not_needed_at_an_ending(mini):
    s = session(mini)
    t = s.reply("threat")
    assert s.ending == "escalated"
    assert t.customer_line == "Supervisor, now."


def test_no_transition_holds_stays_and_says_again_line(mini):
    s = session(mini)
    t = s.reply("plain")  # no acknowledge: stays
    assert t.state_after == "venting" and t.transition is None
    assert t.customer_line == "And another thing."


def test_turns_in_state_fallback_ends_the_call(mini):
    s = session(mini)
    for _ in range(3):
        s.reply("plain")
    assert s.ending == "hung_up"


def test_mood_moves_with_scores_and_persona(mini):
    s = session(mini)
    t = s.reply("plain cold")  # listening 1 (0), empathy 0 (+8 x steady 0.8)
    assert t.mood_after == pytest.approx(60 + 8 * 0.8)
    causes = {c.cause: c.delta for c in t.mood_changes}
    assert causes == {"empathy level 0": pytest.approx(6.4)}


def test_warm_reply_calms_scaled_by_patience(mini):
    s = session(mini)
    t = s.reply("ack warm")  # listening 2 (-6), empathy 2 (-10), patience 3/3
    assert t.mood_after == pytest.approx(60 - 16)


def test_interruption_is_passed_to_scoring_and_angers(mini):
    s = session(mini)
    t = s.reply("ack warm", interrupted=True)
    assert t.score.listening.level == 0  # the scorer saw ctx.interrupted
    assert "talked over the caller" in {c.cause for c in t.mood_changes}
    assert t.customer_line.startswith("Don't cut me off!")


def test_silence_raises_anger_and_caller_says_so(mini):
    s = session(mini)
    t = s.silence()
    assert t.kind == "silence" and t.mood_after > t.mood_before
    assert "there" in t.customer_line


def test_a_silence_keeps_the_line_the_caller_was_waiting_on(mini):
    s = session(mini)
    t = s.silence()
    assert t.customer_before == s.opening  # what he said before the silence, not his "hello?"
    assert t.customer_line != s.opening
    after = s.reply("plain")
    assert after.customer_before == t.customer_line  # the next reply answers the prompt


def test_silence_at_full_anger_hangs_up(mini):
    mini.mood.start = 95
    s = session(mini)
    s.silence()
    assert s.ending == "hung_up"


def test_max_turns_makes_the_caller_give_up(mini):
    mini.max_turns = 2
    mini.states["venting"].transitions = mini.states["venting"].transitions[:2]
    s = session(mini)
    s.reply("plain")
    s.reply("plain")
    assert s.ending == "hung_up"


def test_hint_returns_model_answer_and_is_counted(mini):
    s = session(mini)
    assert s.hint() == "I hear you, five a month for nothing."
    s.reply("ack warm")
    s.reply("offer cancel")
    summary = s.summary()
    assert summary["hints"] == 1
    assert summary["overall"] is not None


def test_only_the_reply_right_after_a_hint_is_marked_as_after_a_hint(mini):
    s = session(mini)
    s.hint()
    s.silence()  # a silence is not a reply: the hint still waits for one
    first = s.reply("plain")
    second = s.reply("plain")
    assert first.state_before == second.state_before  # same state: hints_before stays 1 on both
    assert (first.after_hint, second.after_hint) == (True, False)
    assert first.to_dict()["after_hint"] is True
    replayed = Session.replay(mini, s.to_json(), scorer=scripted_score)  # as it was played
    assert [t.after_hint for t in replayed.turns] == [t.after_hint for t in s.turns]


def test_reply_limits(mini):
    s = session(mini)
    with pytest.raises(ReplyRejected, match="empty"):
        s.reply("   \n ")
    with pytest.raises(ReplyRejected, match="characters"):
        s.reply("x" * 100_000)
    assert s.turns == []  # a refused reply changes nothing
    s.reply("threat")
    with pytest.raises(CallOver):
        s.reply("hello?")


def test_control_characters_and_escapes_are_stripped():
    assert clean_reply("\x1b[31mred\x1b[0m\x07 ok\x00") == "red ok"
    assert clean_reply("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ b\u2066c\u2069") == "alink bc"
    assert clean_reply("[bold]x[/]") == "[bold]x[/]"  # markup is kept as text; the UI shows it literally


def test_same_seed_same_session_and_json_round_trip(mini):
    replies = ["plain", "ack warm", "plain", "offer cancel"]
    a, b = session(mini, seed=7), session(mini, seed=7)
    for r in replies:
        a.reply(r)
        b.reply(r)
    assert json.dumps(a.to_json()) == json.dumps(b.to_json())
    data = json.loads(json.dumps(a.to_json()))
    c = Session.replay(mini, data, scorer=scripted_score)
    assert c.to_json() == a.to_json()


def test_replay_refuses_another_scenarios_session(mini):
    with pytest.raises(ValueError, match="scenario"):
        Session.replay(mini, {"scenario_id": "other", "events": []})


def test_sessions_share_one_machine_that_never_holds_them(mini):
    import gc
    import weakref

    from simulator.session import machine_for

    s1, s2 = session(mini), session(mini)
    m = machine_for(mini)
    assert s1.machine is s2.machine is m
    assert s1 not in m.models and s2 not in m.models
    s1.reply("ack warm")  # transitions still fire for a session the machine does not hold
    s2.reply("threat")
    assert s2.over and not s1.over
    left_mid_call = weakref.ref(s1)
    del s1
    gc.collect()
    assert left_mid_call() is None  # a call dropped without an ending is freed


def test_escape_codes_bidi_and_odd_line_breaks_never_reach_a_transcript(mini):
    s = session(mini)
    t = s.reply("\x1b]0;PWNED\x07ack\u202e warm\u2028ok\x9b31m")
    assert t.reply == "ack warm\nok"


def test_scenario_lexicon_reaches_the_real_scorer(mini):
    """A company's own forbidden phrase, declared in the scenario, is caught as a landmine."""
    from simulator.loader import check_text
    from tests.engine.conftest import MINI

    sc, diags = check_text(MINI + "lexicon:\n  families:\n    threaten: [report you to the bureau]\n", "s.yaml")
    assert sc is not None, [str(d) for d in diags]
    s = Session(sc)  # the real scorer
    t = s.reply("Keep this up and I will report you to the bureau.")
    assert "threaten" in t.score.landmine_categories
    assert s.ending == "escalated"
