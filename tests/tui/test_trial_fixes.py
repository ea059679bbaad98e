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
