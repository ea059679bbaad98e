"""What a new trainee's first trial of the app found: each test presses the keys they pressed."""
from __future__ import annotations

import pytest
from textual.widgets import Input

from simulator.tui.pause_screen import PauseScreen
from simulator.tui.picker_screen import PickerScreen
from simulator.tui.welcome_screen import WelcomeScreen
from tests.tui.conftest import screen_text, type_text
from tests.tui.test_call import open_call


@pytest.mark.parametrize("key", ["l", "L"])
async def test_the_pause_screen_leaves_with_the_key_it_names(make, key):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_call(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PauseScreen)
        assert "l: leave the call" in screen_text(app)
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)


@pytest.mark.parametrize("lang, hint", [("en", "Tab: next field"), ("zh", "Tab：下一项")])
async def test_the_first_run_screen_says_tab_moves_on_and_enter_starts(make, settings, lang, hint):
    settings.trainee = settings.cohort = ""
    settings.lang = lang
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        assert hint in screen_text(app)
        await type_text(pilot, "Li")
        await pilot.press("tab")  # the hint's promise: Tab goes to the cohort
        assert app.focused is app.screen.query_one("#cohort", Input)
        await type_text(pilot, "B2")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)


PASTE = "I hear you \x1b[31mMrs Whitaker\x1b[0m\x07 tab\there \x08\x7f done"


async def test_a_paste_with_escape_and_control_characters_is_cleaned_where_it_lands(make):
    from textual import events

    from simulator.tui.widgets.reply_input import ReplyInput

    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        reply = call.query_one(ReplyInput)
        reply.focus()
        await type_text(pilot, "Well, ")
        reply.post_message(events.Paste(PASTE))
        await pilot.pause()
        assert reply.value == "Well, I hear you Mrs Whitaker tab here done"
        assert reply.cursor_position == len(reply.value)
        await type_text(pilot, " now")  # typing goes on at the end, not in the middle
        assert reply.value == "Well, I hear you Mrs Whitaker tab here done now"
        await pilot.press("enter")
        await pilot.pause()
        assert call.session.turns[-1].reply == "Well, I hear you Mrs Whitaker tab here done now"


async def test_a_paste_over_the_limit_is_still_refused_after_cleaning(make):
    from textual import events

    from simulator.tui.widgets.reply_input import ReplyInput

    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot)
        reply = call.query_one(ReplyInput)
        reply.focus()
        reply.post_message(events.Paste("\x1b[1m" + "x" * 2_001))
        await pilot.pause()
        assert reply.value == ""
        assert "Paste refused" in screen_text(app)
