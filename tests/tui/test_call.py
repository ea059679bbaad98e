"""Pilot tests: whole calls played by key presses, interruption, silence, pause, hints, debrief."""
from __future__ import annotations

import pytest
from textual import events

from simulator.session import HINT_COST, MAX_REPLY_CHARS, WEIGHTS
from simulator.tui.call_screen import CallScreen
from simulator.tui.debrief_screen import DebriefScreen
from simulator.tui.pause_screen import PauseScreen
from simulator.tui.picker_screen import PickerScreen
from simulator.tui.widgets.reply_input import ReplyInput
from simulator.tui.widgets.score_card import ScoreCard
from simulator.tui.widgets.stage_track import StageTrack
from tests.tui.conftest import screen_text, type_text, wait_for


async def open_call(pilot, scenario_id: str = "drill-en") -> CallScreen:
    app = pilot.app
    await pilot.pause()
    assert isinstance(app.screen, PickerScreen)
    index = [s.id for s in app.library].index(scenario_id)
    for _ in range(index):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, CallScreen)
    return app.screen


async def say(pilot, text: str, *, typed: bool = False) -> None:
    """Send a reply: typed key by key, or (faster) put in the box, then Enter."""
    if typed:
        await type_text(pilot, text)
    else:
        pilot.app.screen.query_one(ReplyInput).value = text
    await pilot.press("enter")
    await pilot.pause()


async def test_resolved_call_by_key_presses(make):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        assert "charging me for Daily Tips" in screen_text(app)
        await say(pilot, "I understand, I am sorry", typed=True)
        assert call.session.state == "demand_cancel"
        assert call.stage == "cancel"
        await say(pilot, "I will cancel it now", typed=True)
        assert call.session.ending == "resolved"
        assert "Call ended: Resolved" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        text = screen_text(app)
        assert "Ending: Resolved" in text
        assert "Service level 3" in text
        assert f"{WEIGHTS['listening']:g}×Listening" in text


async def test_esc_after_the_call_has_ended_opens_the_debrief_not_the_pause_box(make):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        await say(pilot, "I understand, I am sorry")
        await say(pilot, "I will cancel it now")
        assert call.session.over
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)


async def test_escalated_call_and_debrief_contents(make):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        call = await open_call(pilot)
        await say(pilot, "Sir, this call is recorded", typed=True)
        assert call.session.ending == "escalated"
        assert call.anger > 80  # the landmine made him angrier
        await pilot.press("enter")
        await pilot.pause()
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        text = screen_text(app)
        assert "Ending: Escalated" in text and "(escalated)" in text
        assert "landmine: threat" in text and "“recorded”" in text
        # the weak turn has the state's model answer beside it
        assert "A stronger reply here:" in text
        assert "I understand, that is really frustrating." in text
        assert "Caller's anger over the call" in text
        assert f"80 → {call.session.turns[0].mood_after:.0f}" in text
        summary = call.session.summary()
        assert f"= {summary['overall']}" in text
        # the landmine span is highlighted in the reply
        turn_static = debrief.query(".turn-text").first()
        spans = [s for s in turn_static.content.spans if "b71c1c" in str(s.style)]
        assert spans, "landmine not highlighted"


async def test_interruption_is_detected_and_reacted_to(make, settings, clock):
    settings.animate = True
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        clock.advance(1.0)  # 4 words/s: the opening line is ~13 words, so he is still talking
        await pilot.pause()
        assert call.speech is not None
        await say(pilot, "I understand")
        turn = call.session.turns[-1]
        assert turn.interrupted is True
        assert any("talked over" in c.cause for c in turn.mood_changes)
        assert turn.customer_line.startswith("Don't cut me off!")  # the engine's default reaction
        assert turn.score.listening.level == 0
        assert "(you talked over the caller" in screen_text(app)
        # once he has finished, a reply is not an interruption
        clock.advance(30.0)
        call._tick()
        assert call.speech is None
        await say(pilot, "I understand")
        assert call.session.turns[-1].interrupted is False


async def test_pause_stops_the_clock_and_resume_goes_on(make, clock):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        clock.advance(5)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PauseScreen)
        assert call.paused
        clock.advance(600)  # far beyond silence_seconds: no penalty while paused
        call._tick()
        assert call.session.turns == []
        assert "Paused" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is call and not call.paused
        assert "00:05" in screen_text(app)
        clock.advance(14)  # 19 s of waiting in all: still within the 20 s
        call._tick()
        assert call.session.turns == []
        clock.advance(2)
        call._tick()
        assert [t.kind for t in call.session.turns] == ["silence"]


async def test_the_pause_screen_says_what_the_stage_tracks_marks_mean(make):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        assert "✗" in str(call.query_one("#stages").tooltip)  # on hover, too
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PauseScreen)
        legend = str(app.screen.query_one("#pause-track").render())
        assert "✓ a stage handled cleanly" in legend and "✗ a reply there broke policy" in legend


async def test_in_an_exam_neither_the_track_nor_the_pause_screen_speaks_of_marks(make, settings):
    settings.mode = "exam"
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        assert call.query_one("#stages").tooltip is None
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PauseScreen)
        assert not app.screen.query("#pause-track") and "✗" not in screen_text(app)


async def test_pause_then_leave_returns_to_picker_without_a_score(make):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        await pilot.press("escape", "l")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert app.best_scores() == {}
        assert call.finished_recorded


async def test_silence_makes_the_caller_angrier(make, clock):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        before = call.anger
        clock.advance(20)
        await wait_for(pilot, lambda: call.session.turns, "the silence")  # the screen wakes by itself
        await pilot.pause()
        assert [t.kind for t in call.session.turns] == ["silence"]
        assert call.anger > before
        assert "silence" in screen_text(app)


async def test_hint_shows_a_model_answer_and_costs_points(make):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        await pilot.press("f3")
        await pilot.pause()
        assert call.session.hints_used == 1
        assert f"Model answer (-{HINT_COST} points)" in screen_text(app)
        await say(pilot, "I understand, sorry")
        await say(pilot, "I will cancel it")
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "Hints used: 1" in text
        assert f"− {HINT_COST}×1" in text


async def test_coach_mode_scores_each_reply_and_exam_mode_hides_them(make, settings):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_call(pilot)
        await say(pilot, "I understand")
        card = app.screen.query_one(ScoreCard)
        assert "Listening 2/2" in str(card.content)
    settings.mode = "exam"
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_call(pilot)
        await say(pilot, "I understand")
        assert not app.screen.query(ScoreCard)
        assert "Listening" not in screen_text(app)


@pytest.mark.parametrize("mode,crossed", [("coach", True), ("exam", False)])
async def test_the_stage_track_marks_a_landmine_in_coach_mode_only(make, settings, mode, crossed):
    """An exam judges nothing before the debrief: not even a ✗ on the stage track."""
    settings.mode = mode
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_call(pilot)
        await say(pilot, "Sir, this call is recorded")
        track = str(app.screen.query_one(StageTrack).render())
        assert ("✗" in track) is crossed
        assert "venting" in track and (crossed or "✓" not in track)  # the stage passed, shown unjudged


async def test_policy_card_opens_on_a_key(make):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_call(pilot)
        await pilot.press("f2")
        await pilot.pause()
        text = screen_text(app)
        assert "Policy card" in text and "Never offer compensation." in text
        assert "Never: compensation" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CallScreen)


async def test_user_text_is_shown_as_plain_text(make, settings):
    settings.trainee = "[bold red]x[/]"
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        call = await open_call(pilot)
        await say(pilot, "[bold red]I understand[/] \x1b[31m sorry")
        text = screen_text(app)
        assert "[bold red]x[/]: [bold red]I understand[/]" in text
        assert "\x1b" not in call.session.turns[0].reply


async def test_a_huge_paste_is_refused_with_a_message(make):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        reply = call.query_one(ReplyInput)
        reply.post_message(events.Paste("x" * 100_000))
        await pilot.pause()
        assert reply.value == ""
        assert "Paste refused: 100000 characters" in screen_text(app)
        assert reply.max_length == MAX_REPLY_CHARS
        await pilot.press("enter")
        await pilot.pause()
        assert call.session.turns == []


async def test_typing_up_to_the_reply_limit_says_that_nothing_more_fits(make):
    """Keys typed (not pasted) past the limit are dropped by the box: the trainee is told why."""
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        reply = call.query_one(ReplyInput)
        reply.value = "y" * (MAX_REPLY_CHARS - 1)
        reply.cursor_position = len(reply.value)
        await pilot.press("z", "z")
        await pilot.pause()
        assert len(reply.value) == MAX_REPLY_CHARS
        assert f"at the limit of {MAX_REPLY_CHARS} characters" in screen_text(app)
        await pilot.press("backspace")  # shorter again: the warning goes
        await pilot.pause()
        assert "at the limit" not in screen_text(app)


def _box_near_the_limit(call, short_by: int) -> tuple[ReplyInput, list[float]]:
    """The reply box filled to `short_by` characters under the cap, on a clock the test moves."""
    reply = call.query_one(ReplyInput)
    now = [100.0]
    reply.clock = lambda: now[0]
    reply.value = "y" * (MAX_REPLY_CHARS - short_by)
    reply.cursor_position = len(reply.value)
    return reply, now


async def test_a_paste_typed_in_as_keys_past_the_limit_is_not_sent_by_its_own_newline(make):
    """A terminal without bracketed paste types a paste in, newlines as Enter (trial 17: 55,000
    characters were cut at 2,000 mid-word and scored without a word). The Enter that comes with
    the dropped keys does not send; the trainee is told, and a later Enter sends it as it is."""
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        reply, now = _box_near_the_limit(call, 1)
        await pilot.press("a", "b", "c", "enter", "d", "enter")  # one burst: the paste goes on
        await pilot.pause()
        assert call.session.turns == [] and len(reply.value) == MAX_REPLY_CHARS
        assert "Not sent: your reply stopped at 2000 characters" in screen_text(app)
        now[0] += 5  # the trainee reads the line, then presses Enter on purpose
        await pilot.press("enter")
        await pilot.pause()
        assert len(call.session.turns) == 1 and call.session.turns[0].reply == "y" * (MAX_REPLY_CHARS - 1) + "a"


async def test_a_paste_typed_in_past_the_limit_rings_the_bell_once_not_for_every_dropped_key(make):
    """Trial 26: 98,000 keys dropped from a 100 KB paste each rang the terminal's bell."""
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        reply, now = _box_near_the_limit(call, 0)
        rung = []
        app.bell = lambda: rung.append(now[0])
        await pilot.press(*"abcdefghij")  # one burst
        assert len(rung) == 1
        now[0] += 5  # a key pressed on purpose later is told again
        await pilot.press("k")
        assert len(rung) == 2


async def test_try_again_and_next_scenario_from_the_debrief(make):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        await say(pilot, "this is recorded")
        await pilot.press("enter", "r")
        await pilot.pause()
        again = app.screen
        assert isinstance(again, CallScreen) and again is not call
        assert again.scenario.id == call.scenario.id and again.session.turns == []
        await say(pilot, "recorded")
        await pilot.press("enter", "n")
        await pilot.pause()
        assert isinstance(app.screen, CallScreen) and app.screen.scenario.id != call.scenario.id
        await pilot.press("escape", "l")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)


async def test_trying_again_sets_the_new_debrief_beside_the_last_try(make):
    app = make()
    async with app.run_test(size=(100, 40)) as pilot:
        await open_call(pilot)
        await say(pilot, "Sir, this call is recorded")  # escalated at once
        await pilot.press("enter")
        await pilot.pause()
        first = app.screen
        assert isinstance(first, DebriefScreen) and "Last try" not in screen_text(app)
        await pilot.press("r")
        await pilot.pause()
        await say(pilot, "I understand, I am sorry")
        await say(pilot, "I will cancel it now")
        await pilot.press("enter")
        await pilot.pause()
        second = app.screen
        assert isinstance(second, DebriefScreen) and second is not first
        before, now = first.session.summary()["overall"], second.session.summary()["overall"]
        assert now > before
        text = " ".join(screen_text(app).split())
        assert (f"Last try: {before:.1f} points, service level {first.session.service_level}. "
                f"This try: {now:.1f} points (+{round(now - before, 1):.1f}), service level {second.session.service_level}.") in text


async def test_the_call_bar_says_the_call_is_not_in_the_store_for_as_long_as_that_lasts(make, clock):
    """Trial 26: with the store down mid-call, a five-second notice was the only sign; typing, the
    trainee never saw it. The bar says it until the store is back."""
    from simulator.tui.app import StoreNotice

    app = make()
    async with app.run_test(size=(120, 30)) as pilot:
        await open_call(pilot)
        assert "not in the store yet" not in screen_text(app)
        app.post_message(StoreNotice("store.busy", {"error": "OperationalError"}))
        clock.advance(1.0)
        await pilot.pause(0.3)
        assert "⚠ not in the store yet: kept on this computer" in screen_text(app)
        app.post_message(StoreNotice("store.nowhere", {"error": "PermissionError"}))
        app.post_message(StoreNotice("store.busy", {"error": "OperationalError"}))  # the worse news stays
        clock.advance(1.0)
        await pilot.pause(0.3)
        assert "⚠ this call cannot be saved" in screen_text(app)
        app.post_message(StoreNotice("store.recovered", {}))
        clock.advance(1.0)
        await pilot.pause(0.3)
        assert "⚠" not in screen_text(app)
        # the best scores not read says nothing about saving calls (the review: the bar stuck on)
        app.post_message(StoreNotice("store.scores_unread", {"error": "OperationalError"}))
        await pilot.pause(0.3)
        assert app.store_trouble is None
