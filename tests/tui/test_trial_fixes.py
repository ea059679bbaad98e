"""What a new trainee's first trial of the app found: each test presses the keys they pressed."""
from __future__ import annotations

import pytest
from textual.widgets import Input

from simulator.tui.pause_screen import PauseScreen
from simulator.tui.picker_screen import PickerScreen
from simulator.tui.welcome_screen import WelcomeScreen
from tests.tui.conftest import screen_text, type_text, wait_for
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


def _type_ahead(app, keys: list[str]) -> None:
    """Keys that reach the app in one burst, as keys typed while it starts up or is busy do."""
    from textual import events

    for key in keys:
        app._driver.send_message(events.Key(key, key if len(key) == 1 else None))


@pytest.mark.parametrize("between", ["tab", "enter"])
async def test_a_name_and_cohort_typed_ahead_in_one_burst_land_in_their_own_fields(make, settings, between):
    settings.trainee = settings.cohort = ""
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        _type_ahead(app, [*"Tomás", between, *"dec", "enter"])
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen), "the scenario list")
        assert (settings.trainee, settings.cohort) == ("Tomás", "dec")


async def test_enter_typed_before_the_terminal_left_line_mode_still_starts(make, settings):
    """Name, Tab, cohort, Enter typed as the app starts: the terminal, still in line mode, turns the
    Enter into a newline, which Textual reads as Ctrl+J (the first screen had stayed open)."""
    from textual._xterm_parser import XTermParser

    settings.trainee = settings.cohort = ""
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        keys = list(XTermParser().feed("Ann Lee\tc1\n"))
        assert keys[-1].key == "ctrl+j"
        for key in keys:
            app._driver.send_message(key)
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen), "the scenario list")
        assert (settings.trainee, settings.cohort) == ("Ann Lee", "c1")


@pytest.mark.parametrize("keys, name", [
    ([*"abc", "backspace", "d"], "abd"),
    ([*"Old", "ctrl+u", *"Sam"], "Sam"),  # trial 22: Ctrl+U then a name, at once, had left the box empty
])
async def test_editing_keys_typed_ahead_act_in_the_order_typed(make, settings, keys, name):
    settings.trainee = settings.cohort = ""
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        _type_ahead(app, [*keys, "tab", *"dec", "enter"])
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen), "the scenario list")
        assert (settings.trainee, settings.cohort) == (name, "dec")


async def test_a_paste_typed_ahead_behind_a_tab_lands_in_the_next_field(make, settings):
    from textual import events

    settings.trainee = settings.cohort = ""
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        _type_ahead(app, [*"Tomás", "tab"])
        app._driver.send_message(events.Paste("dec-b"))  # pasted before the Tab had moved the focus
        _type_ahead(app, ["enter"])
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen), "the scenario list")
        assert (settings.trainee, settings.cohort) == ("Tomás", "dec-b")


async def test_keys_typed_at_once_on_the_scenario_list_start_the_scenario_they_reach(make):
    """Trial 22: Enter (a priority key) acted before "Down Down" reached the list."""
    from simulator.tui.call_screen import CallScreen

    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen) and app.screen.query("DataTable"), "the list")
        await pilot.pause()
        assert len(app.library) >= 2
        _type_ahead(app, ["home", "down", "enter"])
        await wait_for(pilot, lambda: isinstance(app.screen, CallScreen), "a call")
        assert app.screen.scenario.id == app.library[1].id


async def test_a_name_typed_straight_after_the_key_that_opens_the_name_box_lands_in_it(make, settings):
    """Trial 27: "n" then a name in one burst on the scenario list: the box opened with the old name
    and the letters were lost (they had gone to the list)."""
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen) and app.screen.query("DataTable"), "the list")
        await pilot.pause()
        _type_ahead(app, ["n", *"Wen Li", "enter"])
        await wait_for(pilot, lambda: settings.trainee == "Wen Li", "the new name")
        assert isinstance(app.screen, PickerScreen)


PASTE = "I hear you \x1b[31mMrs Whitaker\x1b[0m\x07 tab\there \x08\x7f done"


async def _focused_reply_box(pilot):
    from simulator.tui.widgets.reply_input import ReplyInput

    call = await open_call(pilot)
    reply = call.query_one(ReplyInput)
    reply.focus()
    return call, reply


async def test_a_paste_with_escape_and_control_characters_is_cleaned_where_it_lands(make):
    from textual import events

    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call, reply = await _focused_reply_box(pilot)
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

    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        _, reply = await _focused_reply_box(pilot)
        reply.post_message(events.Paste("\x1b[1m" + "x" * 2_001))
        await pilot.pause()
        assert reply.value == ""
        assert "Paste refused" in screen_text(app)


@pytest.mark.parametrize("lang, during, board, after", [
    ("en", "is read-only: calls are kept on this computer only", "1 call(s) of yours from this session are kept",
     "saved the first time Mystery Guest starts with the store writable again"),
    ("zh", "是只读的：通话只保存在本机", "你这次打的 1 通电话暂存在本机", "等记录库可以写入后"),
])
async def test_a_read_only_store_is_named_during_the_call_on_the_board_and_the_quit_message_is_true(
        make, settings, tmp_path, lang, during, board, after):
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
        await pilot.press("l")  # the leaderboard says the call is not on it yet (trial 23)
        await wait_for(pilot, lambda: board in str(app.screen.query_one("#leaderboard-note").content), "the note")
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


# ---------------------------------------------------------------------------- zh layout
ZH_LINE = ("Ann / Lee：喂？可算有人接了！我跟你说，我闺女帮我查话费详单，她5月31日晚上11点40分"
           "在APP上取消了“来电提醒”（每月3元），系统6月1日凌晨0点30分才处理完。")


@pytest.mark.parametrize("width", range(12, 41))
def test_folding_zh_keeps_numbers_with_units_and_the_speaker_on_one_line_within_the_width(width):
    from rich.cells import cell_len
    from rich.text import Text

    from simulator.tui.widgets.folded import fold

    lines = fold(Text(ZH_LINE), width, keep=len("Ann / Lee：")).plain.split("\n")
    assert "".join(lines) == ZH_LINE  # nothing lost, nothing added (no spaces at the breaks here)
    assert all(cell_len(line) <= width for line in lines)
    assert lines[0].startswith("Ann / Lee：")
    for kept in ("5月31日", "11点40分", "3元", "6月1日", "0点30分", "APP"):
        assert any(kept in line for line in lines), (kept, lines)
    assert not any(line.startswith(("，", "。", "）", "！", "？")) for line in lines)


async def test_the_zh_brief_panel_never_splits_a_time_from_its_unit(make, settings):
    from simulator.loader import bundled_dir
    from simulator.loader import load_scenario
    from simulator.tui.widgets.facts_panel import FactsPanel

    settings.lang = "zh"
    sc = load_scenario(bundled_dir() / "small-charge-dispute-zh.yaml")
    app = make(library=[sc])
    async with app.run_test(size=(120, 40)) as pilot:
        call = await open_call(pilot, sc.id)
        assert call.query_one(FactsPanel).display
        text = screen_text(app)
        assert "11点40分" in text and "0点30分" in text


async def test_a_trainee_name_with_spaces_stays_on_one_line_in_a_zh_call(make, settings):
    from tests.tui.test_call import say

    settings.lang = "zh"
    settings.trainee = "Ann / Lee"
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_call(pilot, "drill-zh")
        await say(pilot, "我明白您的心情，真的非常抱歉，这件事我马上帮您查清楚，您先别着急，好吗")
        assert "Ann / Lee：" in screen_text(app)


async def test_the_zh_calls_list_columns_fit_their_chinese_text(settings, tmp_path):
    from rich.cells import cell_len

    from simulator.store.store import Store
    from simulator.tui.app import make_app
    from simulator.tui.review_screen import CallsScreen
    from tests.store.helpers import play
    from tests.tui.conftest import DRILLS, stub_scorer, wait_for

    url = f"sqlite:///{tmp_path / 'calls.sqlite3'}"
    with Store.open(url) as store:
        play(store, "Ann Lee", "A1", ["L80 E80 P100 我明白", "L80 E80 P100 close"])
    settings.lang = "zh"
    app = make_app(DRILLS, db_url=url, settings=settings, scorer=stub_scorer)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.store is not None, "an open store")
        await pilot.press("l")
        await wait_for(pilot, lambda: app.screen.query_one("#leaderboard").row_count == 1, "the board")
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, CallsScreen)
                       and app.screen.query_one("#calls").row_count == 1, "the calls")
        table = app.screen.query_one("#calls")
        for i, column in enumerate(table.columns.values()):
            cells = [table.get_row_at(r)[i] for r in range(table.row_count)] + [column.label]
            assert column.width >= max(cell_len(str(c)) for c in cells), column.label


@pytest.mark.parametrize("chunks", [
    [f"\x1b[200~{PASTE}\x1b[201~"],  # one read
    ["\x1b[200~I hear you \x1b[3", "1mMrs Whitaker\x1b[0m\x07 tab\there \x08\x7f done\x1b[20", "1~"],  # cut reads
])
def test_the_terminal_parser_delivers_a_paste_with_escape_codes_as_one_paste(chunks):
    from textual import events
    from textual._xterm_parser import XTermParser

    from simulator.tui.paste import guard_pastes

    guard_pastes()
    parser = XTermParser()
    got = [e for chunk in chunks for e in parser.feed(chunk)]
    assert [type(e) for e in got] == [events.Paste]  # no key presses replayed from inside the paste
    assert got[0].text == "I hear you Mrs Whitaker\x07 tab\there \x08\x7f done"
    assert [type(e) for e in parser.feed("\x1b")] == [] and parser._mg_held == ""  # Esc is not held back


@pytest.mark.parametrize("scenario_id", ["design-flaw-feedback-en", "pro-complainer-zh"])
async def test_the_brief_panel_keeps_its_border_and_scrolls_when_the_score_card_appears(make, scenario_id):
    from simulator.loader import bundled_dir, load_scenario
    from tests.tui.test_landmines import send

    sc = load_scenario(bundled_dir() / f"{scenario_id}.yaml")
    app = make(library=[sc], scorer=None)
    async with app.run_test(size=(120, 40)) as pilot:
        call = await open_call(pilot, scenario_id)
        await send(pilot, "I understand." if sc.locale == "en" else "我明白。")
        facts, body = call.query_one("#facts"), call.query_one("#call-body")
        assert facts.region.bottom <= body.region.bottom  # the whole panel, bottom border included
