"""Pilot tests: a Chinese call is Chinese throughout. The brief panel names facts by their
`fact_labels` and fills the brief's placeholders; action names, transcript labels, the debrief,
the welcome screen and the Ctrl+C notice all come from the zh catalogue."""
from __future__ import annotations

import re

import pytest

from simulator.loader import load_scenario
from simulator.tui.widgets.facts_panel import FactsPanel
from tests.tui.conftest import DRILLS, screen_text
from tests.tui.test_call import open_call

# An English word of three or more letters: what must not appear on a zh screen (key names as printed on the keys aside).
ENGLISH_WORD = re.compile(r"(?<![A-Za-z])(?!(?:Esc|Enter|Ctrl|Tab)(?![A-Za-z]))[A-Za-z]{3,}")


def drill_zh(**changes):
    sc = load_scenario(DRILLS / "drill-zh.yaml")
    for key, value in changes.items():
        setattr(sc, key, value)
    return sc


async def test_the_brief_panel_of_a_zh_call_names_facts_in_chinese_and_fills_placeholders(make):
    sc = drill_zh(brief="{service}每月扣费{monthly_fee}，客户说从没订过。")
    app = make(library=[sc])
    async with app.run_test(size=(120, 40)) as pilot:
        call = await open_call(pilot, "drill-zh")
        panel = str(call.query_one(FactsPanel).content)
        assert "生活小贴士每月扣费6元，客户说从没订过。" in panel  # placeholders filled
        assert "业务名称：生活小贴士" in panel and "月费：6元" in panel
        assert not ENGLISH_WORD.search(panel), panel
        text = screen_text(app)
        assert "monthly fee" not in text and "service:" not in text and "{service}" not in text


async def test_a_fact_without_a_label_is_shown_as_its_key_in_words(make):
    sc = drill_zh(fact_labels={"service": "业务名称"})
    app = make(library=[sc])
    async with app.run_test(size=(120, 40)) as pilot:
        call = await open_call(pilot, "drill-zh")
        panel = str(call.query_one(FactsPanel).content)
        assert "monthly fee：6元" in panel and "monthly_fee" not in panel


FLAGSHIP = "pro-complainer-zh"  # declares its own actions (restore_plan, log_complaint)


def english_on(app) -> list[str]:
    """English words on the screen, the footer's key names (esc, f2...) left out."""
    rows = screen_text(app).splitlines()[:-1]
    return ENGLISH_WORD.findall("\n".join(rows))


async def test_a_zh_call_and_its_debrief_show_no_english_fact_keys_or_action_names(make, settings):
    from simulator.loader import bundled_dir
    from simulator.tui.debrief_screen import DebriefScreen
    from tests.tui.test_screens import send

    settings.trainee = "李娜"
    sc = load_scenario(bundled_dir() / f"{FLAGSHIP}.yaml")
    app = make(library=[sc], scorer=None)  # the real scorer writes the evidence
    async with app.run_test(size=(120, 40)) as pilot:
        call = await open_call(pilot, FLAGSHIP)
        assert english_on(app) == []
        await send(pilot, "赵先生，您说得对，没经过您确认就改套餐是我们的问题，我马上为您恢复原套餐。")
        turn = call.session.turns[-1]
        # the scorer names the scenario's own action by its Chinese phrase, not its id ("restore plan")
        assert any("恢复" in e.reason for e in turn.score.policy.evidence)
        assert not any("restore" in e.reason for e in turn.score.policy.evidence)
        assert english_on(app) == [], english_on(app)
        assert "恢复原套餐" in str(call.query_one("#score-card").content)
        await pilot.press("f2")
        await pilot.pause()
        assert "恢复原套餐" in screen_text(app) and "restore" not in screen_text(app)
        await pilot.press("escape")
        for _ in range(8):
            if call.session.over:
                break
            await send(pilot, "你们这个问题我也没办法，系统就是这么设置的，你去投诉吧。")
        assert call.session.over
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        text = " ".join(str(s.content) for s in app.screen.query("Static"))
        assert "恢复原套餐" in text
        assert not ENGLISH_WORD.findall(text), ENGLISH_WORD.findall(text)


async def test_transcript_labels_of_a_zh_call_use_the_chinese_colon(make, settings):
    from tests.tui.test_screens import send

    settings.trainee = "李娜"
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_call(pilot, "drill-zh")
        await pilot.press("f3")  # the hint is a transcript line with its own label
        await pilot.pause()
        await send(pilot, "我明白")
        text = screen_text(app)
        assert "王先生：你们一直扣我" in text and "李娜：我明白" in text
        assert "示范回答（扣5分）：" in text
        assert "王先生: " not in text and "李娜: " not in text


async def test_ctrl_c_says_how_to_quit_in_the_language_on_screen(make):
    from tests.tui.test_screens import send

    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_call(pilot, "drill-zh")
        await send(pilot, "我明白")
        await send(pilot, "我现在就为您退订")
        await pilot.press("enter")  # the debrief: no text box there, so Ctrl+C is not "copy"
        await pilot.pause()
        await pilot.press("ctrl+c")
        await pilot.pause()
        [note] = list(app._notifications)
        assert note.title == "要退出吗？" and note.message == "按 Ctrl+Q 退出神秘嘉宾。"
        assert "Do you want to quit" not in screen_text(app)


async def test_the_welcome_screen_follows_a_zh_library_when_the_terminal_does_not_say(
        make, settings, monkeypatch):
    from simulator.tui.welcome_screen import WelcomeScreen

    monkeypatch.setenv("LANG", "C.UTF-8")  # a container's locale: no language preference
    settings.trainee = settings.cohort = ""
    app = make(library=[load_scenario(DRILLS / "drill-zh.yaml")])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        text = screen_text(app)
        assert "你的名字" in text and "你的批次" in text
        assert english_on(app) == []


def test_the_terminal_language_is_read_from_the_locale_and_c_says_nothing(monkeypatch):
    from simulator.tui.i18n import system_language

    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    assert system_language() is None
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert system_language() == "zh"
    monkeypatch.setenv("LC_ALL", "C")  # says nothing: LANG still counts
    assert system_language() == "zh"
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")
    assert system_language() == "en"


async def test_no_line_of_the_zh_pause_box_starts_with_closing_punctuation(make):
    app = make()
    for width in (60, 80, 120):
        async with app.run_test(size=(width, 30)) as pilot:
            await open_call(pilot, "drill-zh")
            await pilot.press("escape")
            await pilot.pause()
            assert type(app.screen).__name__ == "PauseScreen"
            lines = [line.strip(" │┃▏▕|█▌▐") for line in screen_text(app).splitlines()]
            assert "已暂停" in screen_text(app)
            assert not [line for line in lines if line and line[0] in "，。、；：！？）"], (width, lines)
        app = make()


@pytest.mark.parametrize("text", [
    '来电人：刘阿姨。上个月底她就在APP上取消了"来电提醒"（每月3元），这个月照样被扣了。',
    '屏幕是6"的，她在APP上取消了"来电提醒"（每月3元），这个月照样被扣了。',      # an inch mark first (review)
    '他说："hello world" 然后又说"退订"吧，这个月照样被扣了三块钱。',           # a quote between Latin words
    '她在APP上取消了“来电提醒”（每月3元），这个月照样被扣了。',                   # curly quotes as written
])
def test_a_quote_in_chinese_text_never_ends_or_starts_a_line_on_the_wrong_side(text):
    """Trial 29: the brief panel broke '…取消了"来电提醒' / '"（每月3元）', the closing quote first;
    the review: an opening quote could end a line, and one stray quote flipped the pairs after it."""
    from rich.text import Text

    from simulator.tui.widgets.folded import fold

    for width in range(6, 40):
        lines = fold(Text(text), width).plain.split("\n")
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert not any(line.startswith(('"（', '"吧', "”")) for line in lines), (width, lines)
        assert not any(line.endswith(("了\"", "说\"", "“")) for line in lines), (width, lines)
