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


@pytest.mark.parametrize("lang, during, after", [
    ("en", "is read-only: this call is kept on this computer only",
     "saved the first time Mystery Guest starts with the store writable again"),
    ("zh", "是只读的：这通电话只保存在本机", "等记录库可以写入后"),
])
async def test_a_read_only_store_is_named_during_the_call_and_the_quit_message_is_true(
        make, settings, tmp_path, lang, during, after):
    from simulator.store.store import Store
    from tests.tui.conftest import wait_for

    path = tmp_path / "calls.sqlite3"
    Store.open(f"sqlite:///{path}").close()
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"  # how SQLite sees an immutable (chattr +i) file
    settings.lang = lang
    app = make(db_url=read_only)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.store is not None, "an open store")
        await open_call(pilot)
        await wait_for(pilot, lambda: any(during in n.message for n in app._notifications), "the read-only notice")
        assert not any("not answering" in n.message or "没有响应" in n.message for n in app._notifications)
        await pilot.press("escape", "l")
        await pilot.pause()
        app.exit()
    message = app.exit_message()
    assert after in message and "--db" in message
    assert "next time Mystery Guest starts" not in message and "下次启动 Mystery Guest 时自动写入。" not in message


@pytest.mark.parametrize("drill, lang, start", [
    ("drill-en.yaml", "en", "Starts in 'venting'; the first reply is checked against, in order:"),
    ("drill-zh.yaml", "zh", "从 'venting' 开始；第一句回复按顺序检查这些转移："),
])
async def test_the_play_test_panel_shows_the_starting_state_and_its_transitions_before_any_reply(
        settings, tmp_path, drill, lang, start):
    import shutil

    from simulator.tui.app import make_app
    from simulator.tui.call_screen import CallScreen
    from tests.tui.conftest import DRILLS, stub_scorer

    path = tmp_path / drill
    shutil.copy(DRILLS / drill, path)
    settings.lang = lang
    app = make_app(debug_scenario=path, settings=settings, scorer=stub_scorer)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CallScreen) and app.screen.session.turns == []
        text = app.screen.query_one("#debug").query("Static").last().render().plain
        assert start in text
        assert "→ escalated" in text and "· a landmine" in text
        assert "→ demand_cancel" in text and "· listening level >= 1" in text
