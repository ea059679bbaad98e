"""Pilot tests: what the call screen shows and decides by itself, with no key pressed. The screen
has no fixed tick: it wakes when something is due (the caller's next word, the call clock's next
second, the end of the silence the caller allows). Time is the ManualClock in the app's settings;
the tests let the app run until the screen has woken, and never time it."""
from __future__ import annotations

import pytest

from simulator.settings import Settings
from simulator.tui.widgets.reply_input import ReplyInput
from simulator.tui.widgets.transcript import TranscriptLine
from tests.tui.conftest import screen_text, type_text, wait_for
from tests.tui.test_call import open_call

SILENCE_LIMIT = 20  # the drills' persona.silence_seconds


def bar(app) -> str:
    return str(app.screen.query_one("#call-bar").render())


@pytest.mark.parametrize("drill, your_turn", [("drill-en", "your turn"), ("drill-zh", "该你了")])
async def test_the_call_clock_moves_on_by_itself_and_the_bar_is_redrawn_only_when_it_changes(
        make, clock, drill, your_turn):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot, drill)
        assert "00:00" in bar(app) and your_turn in bar(app)
        drawn = []
        bar_widget = call.query_one("#call-bar")
        update = bar_widget.update
        bar_widget.update = lambda *a, **k: (drawn.append(a), update(*a, **k))[1]
        wakes = []
        woken = call._woken
        call._woken = lambda: (wakes.append(clock()), woken())[1]

        clock.advance(1.0)
        await wait_for(pilot, lambda: "00:01" in bar(app), "the next second")
        assert len(drawn) == 1
        await wait_for(pilot, lambda: len(wakes) >= 3, "the screen waking again")
        assert len(drawn) == 1  # the clock stood still: nothing to redraw

        clock.advance(64.0)  # a minute on: past the silence the caller allows, too
        await wait_for(pilot, lambda: "01:05" in bar(app), "a minute on")
        assert [t.kind for t in call.session.turns] == ["silence"]


async def test_the_clock_stands_still_while_paused_and_goes_on_after(make, clock):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        clock.advance(3.0)
        await wait_for(pilot, lambda: "00:03" in bar(app), "three seconds")
        await pilot.press("escape")
        await pilot.pause()
        clock.advance(600)
        await pilot.pause(0.1)
        assert call._wake is None  # nothing is due while paused: the screen sleeps
        await pilot.press("enter")  # resume
        await wait_for(pilot, lambda: app.screen is call, "the call again")
        assert "00:03" in bar(app)
        clock.advance(1.0)
        await wait_for(pilot, lambda: "00:04" in bar(app), "the clock going on")
        assert call.session.turns == []  # the pause cost no silence


@pytest.mark.parametrize("drill", ["drill-en", "drill-zh"])
async def test_the_callers_line_is_said_to_the_end_and_then_it_is_the_trainees_turn(
        make, settings, clock, drill):
    settings.animate = True  # word by word (character by character in zh), as in the app
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot, drill)
        opening = call.session.opening
        assert call.speech is not None
        before = str(call.query(TranscriptLine).last().content)
        clock.advance(0.5)
        shown = call.speech.units_shown
        await wait_for(pilot, lambda: call.speech.units_shown > shown, "his next words")
        ends = call.speech.started + call.speech.duration
        clock.advance(ends + 5 - clock())  # five seconds after his last word
        await wait_for(pilot, lambda: call.speech is None, "the end of his line")
        await pilot.pause()
        said = call.query(TranscriptLine).last()
        assert str(said.content).endswith(opening) and opening not in before  # all of it, now
        assert call.waiting_since == ends  # the silence clock started when he stopped, not now
        assert "[talking" not in bar(app) and "正在说" not in bar(app)
        assert call.session.turns == []


async def test_silence_after_the_callers_limit_brings_his_nudge(make, clock):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        opening = call.session.opening
        clock.advance(SILENCE_LIMIT - 1)
        await wait_for(pilot, lambda: f"00:{SILENCE_LIMIT - 1}" in bar(app), "19 seconds")
        assert call.session.turns == []
        clock.advance(1)
        await wait_for(pilot, lambda: call.session.turns, "the silence")
        await pilot.pause()
        turn = call.session.turns[0]
        assert turn.kind == "silence" and turn.customer_line and turn.customer_line != opening
        assert "silence" in screen_text(app)
        assert turn.customer_line.split()[0] in screen_text(app)  # his nudge is on screen
        # the silence clock starts again from the nudge: the next silence is a whole limit later
        clock.advance(SILENCE_LIMIT - 1)
        await wait_for(pilot, lambda: f"00:{2 * SILENCE_LIMIT - 1}" in bar(app), "another 19 seconds")
        assert len(call.session.turns) == 1


async def test_the_bar_warns_in_the_last_seconds_before_a_silence_counts(make, clock):
    app = make()
    async with app.run_test(size=(120, 24)) as pilot:
        call = await open_call(pilot)
        clock.advance(SILENCE_LIMIT - 10)
        await wait_for(pilot, lambda: f"00:{SILENCE_LIMIT - 10:02d}" in bar(app), "ten seconds to go")
        assert "waiting" not in bar(app)
        clock.advance(7)
        await wait_for(pilot, lambda: "the caller is waiting: 3 s" in bar(app), "the warning")
        assert call.session.turns == []
        await type_text(pilot, "I")  # typing is an answer under way: the warning goes (at the next second)
        clock.advance(1)
        await wait_for(pilot, lambda: "waiting" not in bar(app), "the warning gone")
        assert call.session.turns == []


async def test_typing_is_not_silence_even_when_the_screen_wakes_by_itself(make, clock):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        await type_text(pilot, "I und")
        clock.advance(5 * SILENCE_LIMIT)  # the trainee stops to think, the draft still in the box
        await wait_for(pilot, lambda: "01:40" in bar(app), "100 seconds on")
        assert call.session.turns == []
        call.query_one(ReplyInput).value = ""  # the draft deleted: the silence clock runs again
        await pilot.pause()
        clock.advance(SILENCE_LIMIT)
        await wait_for(pilot, lambda: call.session.turns, "the silence")
        assert [t.kind for t in call.session.turns] == ["silence"]


async def test_a_reply_sent_long_after_its_last_keystroke_is_not_followed_by_a_silence(make, clock):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        await type_text(pilot, "I understand")
        clock.advance(SILENCE_LIMIT + 5)  # the trainee reads the draft over before sending it
        await wait_for(pilot, lambda: "00:25" in bar(app), "25 seconds on")
        await pilot.press("enter")
        await pilot.pause()
        assert [t.kind for t in call.session.turns] == ["reply"]


async def test_the_cursor_stays_drawn_in_the_reply_box_while_the_trainee_thinks(tmp_path, clock):
    from simulator.tui.app import make_app
    from tests.tui.conftest import DRILLS, stub_scorer

    settings = Settings(trainee="Ann Lee", cohort="A1", config_dir=tmp_path / "config", seed=7,
                        clock=clock, animate=False)  # the app's own cursor setting
    app = make_app(scenario_dir=DRILLS, scorer=stub_scorer, settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        reply = call.query_one(ReplyInput)
        cursor = reply.get_component_rich_style("input--cursor")

        def cursor_drawn() -> bool:
            return any(seg.style is not None and cursor.bgcolor is not None and seg.style.bgcolor == cursor.bgcolor
                       for seg in reply.render_line(0))

        for _ in range(4):  # over a second: a blinking cursor (0.5 s) would be off in one of these
            assert cursor_drawn()
            await pilot.pause(0.3)
        await type_text(pilot, "I und")
        assert cursor_drawn()


async def test_the_call_clock_stops_when_the_call_ends(make, clock):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        clock.advance(5.0)
        await wait_for(pilot, lambda: "00:05" in bar(app), "five seconds")
        call.query_one(ReplyInput).value = "I understand, I am sorry"
        await pilot.press("enter")
        await pilot.pause()
        call.query_one(ReplyInput).value = "I will cancel it now"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Call ended" in screen_text(app), "the call's end")
        assert call._wake is None  # nothing left to wake for: the screen sleeps
        clock.advance(90.0)  # the trainee reads the ending before opening the debrief
        call._tick()  # were it woken anyway, the bar keeps the call's length
        await pilot.pause()
        assert "00:05" in bar(app) and "01:35" not in bar(app)
