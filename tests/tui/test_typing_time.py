"""Pilot tests: time that fits typing. A reply is timed to the trainee's first keystroke, the
silence clock stands still while the trainee types or has a draft, and a reply begun before
the caller's current line started does not count as talking over it. Time is the ManualClock
in the app's settings; `call._tick()` is the screen's own timer tick, run on demand."""
from __future__ import annotations

import pytest

from simulator.loader import load_scenario
from simulator.tui.widgets.reply_input import ReplyInput
from tests.tui.conftest import DRILLS, screen_text
from tests.tui.test_call import open_call

KEYS = {" ": "space", ",": "comma"}
SILENCE_LIMIT = 20  # drill-en's persona.silence_seconds


async def type_slowly(pilot, call, clock, text: str, seconds_per_key: float) -> None:
    """One key at a time, the clock moving between keys and the screen ticking as it would."""
    for ch in text:
        await pilot.press(KEYS.get(ch, ch))
        clock.advance(seconds_per_key)
        call._tick()


async def wait_for_the_caller(call, clock) -> None:
    """Let the caller finish his line (drill-en speaks at 4 words a second)."""
    while call.speech is not None:
        clock.advance(0.5)
        call._tick()


async def test_typing_slowly_for_30_seconds_before_enter_costs_no_silence_and_is_no_interruption(
        make, settings, clock):
    settings.animate = True  # the caller speaks word by word, as in the app
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        await wait_for_the_caller(call, clock)
        finished = call.waiting_since
        clock.advance(2.5)  # thinking before the first keystroke
        first_key = clock()
        reply = "I understand, I am sorry"
        await type_slowly(pilot, call, clock, reply, 1.5)
        assert clock() - first_key >= 30 > SILENCE_LIMIT
        assert call.session.turns == []  # no silence prompt while typing
        anger = call.anger
        await pilot.press("enter")
        await pilot.pause()
        turns = call.session.turns
        assert [t.kind for t in turns] == ["reply"]
        turn = turns[0]
        assert turn.reply == reply
        assert turn.interrupted is False
        assert turn.latency == pytest.approx(first_key - finished)  # to the first keystroke, not to Enter
        assert "silence" not in {c.kind for c in turn.mood_changes}
        assert turn.mood_before == anger
        assert "silence" not in screen_text(app) and "talked over" not in screen_text(app)


async def test_a_draft_left_in_the_box_stops_the_silence_clock(make, clock):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        await type_slowly(pilot, call, clock, "I und", 0.2)
        clock.advance(5 * SILENCE_LIMIT)  # the trainee stops to think, the draft still in the box
        call._tick()
        assert call.session.turns == []


async def test_silence_still_costs_when_the_trainee_says_nothing(make, clock):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        clock.advance(SILENCE_LIMIT - 1)
        call._tick()
        assert call.session.turns == []
        clock.advance(1)
        call._tick()
        assert [t.kind for t in call.session.turns] == ["silence"]
        assert "silence" in {c.kind for c in call.session.turns[0].mood_changes}


async def test_deleting_the_draft_restarts_the_silence_clock_from_the_last_keystroke(make, clock):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        await type_slowly(pilot, call, clock, "abc", 1)
        clock.advance(60)
        call._tick()
        await pilot.press("backspace", "backspace", "backspace")
        await pilot.pause()
        assert call.query_one(ReplyInput).value == ""
        clock.advance(SILENCE_LIMIT - 1)
        call._tick()
        assert call.session.turns == []  # the last keystroke was 19 s ago
        clock.advance(1)
        call._tick()
        assert [t.kind for t in call.session.turns] == ["silence"]


async def test_spaces_alone_are_no_answer(make, clock):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        await pilot.press("space", "space")
        await pilot.pause()
        clock.advance(SILENCE_LIMIT)
        call._tick()
        assert [t.kind for t in call.session.turns] == ["silence"]


async def test_a_reply_begun_before_the_callers_line_started_is_no_interruption(make, settings, clock):
    settings.animate = True
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        await wait_for_the_caller(call, clock)
        await type_slowly(pilot, call, clock, "I understand", 0.5)
        # The caller speaks up while the trainee is typing; the trainee sends before he finishes.
        call._say("And another thing, you never even told me what it was!")
        clock.advance(1)
        call._tick()
        assert call.speech is not None
        line = call.speech.line
        await pilot.press("enter")
        await pilot.pause()
        turn = call.session.turns[-1]
        assert turn.kind == "reply" and turn.interrupted is False
        assert "talked over" not in {c.cause for c in turn.mood_changes}
        # his line was crossed, not cut off: it is shown whole, nothing dimmed as unheard
        assert str(line.content).endswith("what it was!")


async def test_starting_to_type_while_the_caller_talks_and_sending_before_he_ends_is_an_interruption(
        make, settings, clock):
    settings.animate = True
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        clock.advance(1)
        call._tick()
        assert call.speech is not None
        await type_slowly(pilot, call, clock, "I und", 0.1)
        await pilot.press("enter")
        await pilot.pause()
        turn = call.session.turns[-1]
        assert turn.interrupted is True and turn.latency is None


async def test_exam_mode_can_be_stricter_about_silence_than_coach_mode(make, settings, clock):
    drill = load_scenario(DRILLS / "drill-en.yaml")
    drill.persona.exam_silence_seconds = 8
    for mode, expected in (("coach", []), ("exam", ["silence"])):
        settings.mode = mode
        app = make(library=[drill])
        async with app.run_test(size=(80, 24)) as pilot:
            call = await open_call(pilot)
            clock.advance(10)
            call._tick()
            assert [t.kind for t in call.session.turns] == expected, mode


async def test_pausing_mid_draft_keeps_the_reply_timed_from_its_first_keystroke(make, clock):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        clock.advance(3)
        await type_slowly(pilot, call, clock, "I und", 0.5)
        await pilot.press("escape")
        await pilot.pause()
        clock.advance(300)
        await pilot.press("enter")  # resume
        await pilot.pause()
        await type_slowly(pilot, call, clock, "erstand", 0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert call.session.turns[-1].latency == pytest.approx(3)


async def test_reading_the_policy_card_is_not_silence_and_the_clock_restarts_when_it_closes(make, clock):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert type(app.screen).__name__ == "PolicyScreen"
        clock.advance(3 * SILENCE_LIMIT)  # reading the card for a minute
        call._tick()
        assert call.session.turns == []
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is call
        clock.advance(SILENCE_LIMIT - 1)
        call._tick()
        assert call.session.turns == []  # the card closed 19 s ago
        clock.advance(1)
        call._tick()
        assert [t.kind for t in call.session.turns] == ["silence"]
