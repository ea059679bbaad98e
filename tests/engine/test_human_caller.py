"""A session whose caller is played by a person (the live class): scored and moved by the
machine, spoken and ended by the person, replayed to the same turns."""
from __future__ import annotations

import pytest

from simulator import live
from simulator.loader import load_scenario
from simulator.session import CallOver, ReplyRejected, Session
from simulator.store.records import turn_dict, turn_row
from tests.tui.conftest import DRILLS, stub_scorer


@pytest.fixture
def drill():
    return load_scenario(DRILLS / "drill-en.yaml")


def human(sc) -> Session:
    return Session(sc, seed=5, caller="human", scorer=stub_scorer)


def test_the_person_opens_the_call_and_answers_each_reply(drill):
    s = human(drill)
    assert s.opening == "" and s.last_customer_line == ""
    s.caller_says("Why am I paying for Daily Tips?")
    assert s.opening == "Why am I paying for Daily Tips?"
    turn = s.reply("I understand, I am sorry")
    assert turn.customer_line == "" and turn.human_caller  # the machine does not speak for them
    assert turn.customer_before == "Why am I paying for Daily Tips?"
    assert s.state == "demand_cancel"  # the machine still moves between states
    s.caller_says("Then stop it.")
    s.caller_says("\x1b[31mToday!\x07")  # escapes and control characters never reach the transcript
    assert s.turns[-1].customer_line == "Then stop it. Today!"


def test_an_ending_the_machine_would_take_is_left_to_the_person(drill):
    s = human(drill)
    s.caller_says("Hello?")
    turn = s.reply("This call is recorded")
    assert turn.held_ending == "escalated" and not s.over and s.state == "venting"
    assert live.machine_move(s) == ("venting", "escalated")
    s.move_to("hung_up")  # the person chose another ending
    assert s.over and s.ending == "hung_up" and s.turns[-1].ending == "hung_up"
    assert s.summary()["outcome"] == "hung_up"
    with pytest.raises(CallOver):
        s.caller_says("too late")


def test_a_moved_state_is_the_last_turns_outcome_and_replays(drill):
    s = human(drill)
    s.caller_says("Hello?")
    s.reply("no")  # listening 0: the machine stays
    assert live.machine_move(s) is None
    s.move_to("demand_cancel")
    assert s.turns[-1].state_after == "demand_cancel" and s.turns_in_state == 0
    s.caller_says("Cancel it.")
    s.reply("I will cancel it")  # resolved would end the call: held for the person
    s.move_to("resolved")
    again = Session.replay(drill, s.to_json(), scorer=stub_scorer)
    assert again.ending == "resolved"
    assert [t.to_dict() for t in again.turns] == [t.to_dict() for t in s.turns]


def test_a_person_played_turn_is_stored_compact_and_reads_back_the_same(drill):
    s = human(drill)
    s.caller_says("Hello?")
    s.reply("This call is recorded")
    s.caller_says("Recorded? Right.")
    row = turn_row(s.turns[-1])
    assert row["detail"]["v"] == 2 and row["detail"]["p"] == ["escalated"]
    assert turn_dict(row, row["detail"], row["detail"]["texts"]) == s.turns[-1].to_dict()


def test_machine_played_sessions_keep_their_turn_dicts(drill):
    s = Session(drill, seed=5, scorer=stub_scorer)
    assert "human_caller" not in s.reply("I understand").to_dict()
    with pytest.raises(ValueError):
        s.caller_says("only a person's call takes lines")
    line = s.move_to("resolved")  # the machine says the ending's line itself
    assert line == "Good. Goodbye." and s.over


def test_empty_or_unknown_input_is_refused(drill):
    s = human(drill)
    with pytest.raises(ReplyRejected):
        s.caller_says("   \x00 ")
    with pytest.raises(ValueError):
        s.move_to("nowhere")
    assert live.apply(s, "move", {"to": "nowhere"}).refused
    assert live.apply(s, "caller", {"text": "x" * 5000}).line == "x" * 2000  # a 100 KB paste is cut, not lost


def test_suggestions_follow_the_state_band_and_last_reply(drill):
    s = human(drill)
    first = live.suggestions(s)
    assert first[0].text == "You have been charging me for Daily Tips and I never asked for it!"
    s.caller_says(first[0].text)
    s.reply("I understand, I am sorry", interrupted=True)
    lines = live.suggestions(s)
    assert lines[0].source == "interrupted"  # the reaction that fits comes first
    assert any(l.text == "Are you even listening to me?" for l in lines)  # talked over: no move, the state again


# ---------------------------------------------------------------------------- changing hands
def test_handed_back_the_machine_answers_the_reply_the_person_left_and_every_one_after(drill):
    s = human(drill)
    s.caller_says("Why am I paying for Daily Tips?")
    first = s.reply("I understand, I am sorry")  # the machine moved the call on; the person has not answered
    line = s.hand_over("machine")
    assert line and first.customer_line == line and not first.human_caller  # the machine's words, marked so
    assert s.caller == "machine" and not s.over
    second = s.reply("no")
    assert second.customer_line and not second.human_caller
    again = Session.replay(drill, s.to_json(), scorer=stub_scorer)  # a replay starts with the person
    assert [t.to_dict() for t in again.turns] == [t.to_dict() for t in s.turns]


def test_handed_back_after_the_person_answered_the_machine_waits_for_the_next_reply(drill):
    s = human(drill)
    s.caller_says("Hello?")
    s.reply("I understand, I am sorry")
    s.caller_says("Then stop it.")
    assert s.hand_over("machine") == ""
    assert s.turns[-1].customer_line == "Then stop it." and s.turns[-1].human_caller


def test_handed_back_with_an_ending_held_for_the_person_the_machine_takes_it(drill):
    s = human(drill)
    s.caller_says("Hello?")
    s.reply("This call is recorded")
    assert s.held_ending == "escalated"
    s.hand_over("machine")
    assert s.over and s.ending == "escalated" and s.turns[-1].ending == "escalated"


def test_a_trainer_takes_over_from_the_machine_and_says_what_comes_next(drill):
    s = Session(drill, seed=5, scorer=stub_scorer)
    s.reply("I understand, I am sorry")
    assert s.hand_over("human") == "" and s.human
    turn = s.reply("no")
    assert turn.customer_line == "" and turn.human_caller
    s.caller_says("Are you even listening?")
    again = Session.replay(drill, s.to_json(), scorer=stub_scorer)
    assert again.human and [t.to_dict() for t in again.turns] == [t.to_dict() for t in s.turns]
    with pytest.raises(ValueError):
        s.hand_over("nobody")
    with pytest.raises(ValueError, match="already plays"):  # a second F8 before the first came back
        s.hand_over("human")


def test_handed_back_after_the_person_kept_a_held_ending_open_the_call_goes_on_with_their_words(drill):
    """The review: F8 after the trainer had answered past an ending the machine held ended the
    call and put the machine's words over the trainer's."""
    s = human(drill)
    s.caller_says("Hello?")
    s.reply("This call is recorded")
    assert s.held_ending == "escalated"
    s.caller_says("Fine, one more chance.")
    assert s.hand_over("machine") == ""
    assert not s.over and s.turns[-1].customer_line == "Fine, one more chance." and s.turns[-1].human_caller
    assert s.reply("I understand, I am sorry").customer_line  # the machine answers from here
