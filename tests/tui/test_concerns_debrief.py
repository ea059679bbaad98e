"""Pilot tests: the debrief says what the caller needed, and its text matches what the call did:
each concern with the turn that addressed it or "not addressed", the level earned from them, and
what the next level would have needed, in the language of the call."""
from __future__ import annotations

from simulator.loader import bundled_dir, load_scenario
from simulator.tui.debrief_screen import DebriefScreen
from tests.tui.test_call import open_call
from tests.tui.test_screens import send


def bundled_app(make, scenario_id):
    sc = load_scenario(bundled_dir() / f"{scenario_id}.yaml")
    return make(library=[sc], scorer=None), sc  # scorer=None: the real scorer


async def the_debrief_text(pilot) -> str:
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, DebriefScreen)
    return str(pilot.app.screen.query_one("#debrief-ending").content)


async def test_the_debrief_lists_each_concern_with_its_turn_or_says_it_was_not_addressed(make):
    app, sc = bundled_app(make, "autopay-failed-en")
    story = next(s for s in sc.stories if s.name.startswith("level 1"))
    async with app.run_test(size=(120, 50)) as pilot:
        call = await open_call(pilot, sc.id)
        for reply in story.replies:
            await send(pilot, reply)
        assert call.session.ending == "answered_only" and call.session.met == ["why_failed"]
        text = await the_debrief_text(pilot)
        everything = " ".join(str(s.content) for s in app.screen.query("Static"))
    assert "What the caller needed (1 of 6 addressed)" in text
    assert "✓ Why the payment failed (the old, closed account) — turn 1" in text
    for cid in ("late_fee", "pay_now", "credit_file", "stop_repeat", "reminder"):
        assert f"✗ {sc.concerns[cid].label} — not addressed" in text
    assert "Service level 1: answer" in text
    assert ("Level 2 (resolve) would have needed, for this caller: The 12.00 late fee (told of it, or waived "
            "once), How to pay this month's instalment now.") in text
    # Turn 1's own evidence says what it dealt with; turn 2 dealt with nothing.
    assert everything.count("✓ dealt with:") == 1
    assert "✓ dealt with: Why the payment failed (the old, closed account)" in everything
    # The ending's words match the call: only the answer was given.
    assert "You answered exactly what he asked: level 1." in text


async def test_a_call_that_handles_every_concern_at_once_says_so_in_chinese(make, settings):
    settings.trainee = "李娜"
    app, sc = bundled_app(make, "pro-complainer-zh")
    story = next(s for s in sc.stories if s.name.startswith("一句话办完所有事"))
    async with app.run_test(size=(120, 50)) as pilot:
        call = await open_call(pilot, sc.id)
        await send(pilot, story.replies[0])
        assert call.session.ending == "resolved_extended"
        text = await the_debrief_text(pilot)
    assert "客户的诉求（办到 6 / 6 条）" in text
    for concern in sc.concerns.values():
        assert f"✓ {concern.label} —— 第 1 轮" in text
    assert "✗" not in text and "服务层级 4：" in text
    assert "一条都没当场办" not in text


async def test_a_hung_up_call_says_none_was_handled_only_when_none_was(make, settings):
    settings.trainee = "李娜"
    app, sc = bundled_app(make, "pro-complainer-zh")
    async with app.run_test(size=(120, 50)) as pilot:
        call = await open_call(pilot, sc.id)
        await send(pilot, "赵先生，我听明白了：4月1号您的套餐从58元被改成了78元，没有经过您本人确认，这两个月多收了您40块。碰到这种事谁都有气。")
        assert call.session.state == "states_demands"
        for _ in range(3):
            await send(pilot, "您别着急，我这边再看一下。")
        assert call.session.ending == "hung_up", call.session.state
        text = await the_debrief_text(pilot)
    assert "一条都没当场办" in text
    assert "✓ 承认套餐是在没有他确认的情况下被改的 —— 第 1 轮" in text
    assert "✗ 套餐改回原来的58元基础套餐 —— 没有回应" in text


def test_a_call_at_the_most_its_scenario_asks_for_is_not_called_the_top_of_the_ladder():
    """Small-charge asks for nothing above level 4 (extend): reaching it is all this call asks,
    not "the top of the service ladder", which is 5 (trial 17 read the debrief's "最高一级")."""
    from simulator.session import Session
    from simulator.tui.debrief_screen import service_text
    from simulator.tui.i18n import Catalog

    sc = load_scenario(bundled_dir() / "small-charge-dispute-zh.yaml")
    story = next(s for s in sc.stories if s.ending == "resolved_extended")
    session = Session(sc, seed=story.seed)
    for reply in story.replies:
        session.reply(reply)
    assert session.service_level == 4
    text = str(service_text(session, Catalog("zh")))
    assert "这通电话能达到的最高服务层级就是这一级" in text and "服务层级的最高一级" not in text
