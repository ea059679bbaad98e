"""Pilot tests: a debrief that teaches. Pass or fail first, the service level and what the next one
would have needed, the three things to fix with their turns, then every turn; the model answer
beside a weak turn is never the trainee's own reply."""
from __future__ import annotations

from simulator.loader import load_scenario
from simulator.scenario import Condition, Transition
from simulator.tui.debrief_screen import DebriefScreen
from tests.tui.conftest import DRILLS, screen_text
from tests.tui.test_call import open_call
from tests.tui.test_screens import send


async def to_the_debrief(pilot) -> DebriefScreen:
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, DebriefScreen)
    return pilot.app.screen


async def test_a_resolved_call_above_the_mark_passes_and_shows_its_service_level_first(make):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot, "drill-en")
        await send(pilot, "I understand, sorry")
        await send(pilot, "I will cancel it")
        overall = call.session.summary()["overall"]
        await to_the_debrief(pilot)
        text = " ".join(screen_text(app).split())  # the first screenful at 80x24, nothing scrolled
        assert "PASS" in text and f"Resolved, with {overall:.1f} points (the pass mark is 60)." in text
        assert "Service level 3: complete" in text
        assert "Level 4 (extend) would have needed offering something the caller did not ask for" in text


async def test_an_escalated_call_fails_whatever_its_points(make):
    sc = load_scenario(DRILLS / "drill-en.yaml")  # an apology that sends him over your head
    sc.states["venting"].transitions.insert(0, Transition(to="escalated", when=Condition(acts=["apologize"])))
    app = make(library=[sc])
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot, "drill-en")
        await send(pilot, "I understand, sorry")
        assert call.session.ending == "escalated"
        assert call.session.summary()["overall"] >= 60
        await to_the_debrief(pilot)
        text = " ".join(screen_text(app).split())
        assert "FAIL" in text and "PASS" not in text
        assert "went over your head: a call that ends this way fails, whatever its points" in text
        assert "Service level 0: below answer" in text
        assert "Level 1 (answer) would have needed" in text


async def test_the_three_things_to_fix_each_name_their_turn(make):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_call(pilot, "drill-en")
        await send(pilot, "hello")  # no listening, no empathy
        await send(pilot, "hello")
        await send(pilot, "this call is recorded")  # a landmine
        debrief = await to_the_debrief(pilot)
        fixes = str(debrief.query_one("#debrief-fixes").content).splitlines()
        assert fixes[0] == "Fix these first"
        assert fixes[1].startswith("1. Turn 3 — landmine: threat “recorded” the recording used as a warning")
        assert fixes[2].startswith("2. Turn 1 (again in turn 2, 3) — no sign you heard the caller")
        assert fixes[3].startswith("3. Turn 1 (again in turn 2, 3) — no empathy")
        assert len(fixes) == 4
        text = screen_text(app)  # then the turns, as before
        assert text.index("Fix these first") < text.index("Turn 1 (venting)")


async def test_a_hint_typed_back_gets_no_copy_of_itself_as_the_stronger_reply(make):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        call = await open_call(pilot, "drill-en")
        await pilot.press("f3")
        await pilot.pause()
        answer = call.session.scenario.states["venting"].model_answers[0]
        await send(pilot, answer.upper())  # the hint, shouted back: no empathy found, a weak turn
        await send(pilot, "this call is recorded")
        assert call.session.over
        debrief = await to_the_debrief(pilot)
        first, second = debrief.query(".debrief-turn")
        assert "-weak" in first.classes
        assert not first.query(".model-answer")  # the only model answer is the reply itself
        assert second.query(".model-answer")  # the next turn's is a different reply: shown


async def test_a_chinese_debrief_keeps_names_bullets_and_numbers_whole(make):
    """Folded like the transcript (widgets/folded.py): "Sam Trial：" is not split from its reply,
    a bullet is not left alone on a line, "10668826" is not broken (seen in a trainee trial)."""
    from simulator.session import Session

    sc = load_scenario(DRILLS / "drill-zh.yaml")
    session = Session(sc)
    session.reply("王先生，真是对不起，这个业务是短号10668826发来的，八个月一共扣了四十块，您一点都不知道，"
                  "换谁都生气。我现在就给您退订，以后不会再扣了。")
    for width in (52, 61, 70):
        app = make(library=[sc])
        async with app.run_test(size=(width, 60)) as pilot:
            app.push_screen(DebriefScreen(session, trainee="Sam Trial"))
            await pilot.pause()
            await pilot.pause()
            lines = [ln.strip(" │▎▊▐▌") for ln in screen_text(app).splitlines()]
            assert any("Trial" in ln for ln in lines)
            assert not [ln for ln in lines if ln.strip() in ("−", "+", "✗")], lines
            assert not [ln for ln in lines if ln.rstrip().endswith("Sam")], lines
            assert not [ln for ln in lines if "1066" in ln and "10668826" not in ln], lines


def test_a_heading_s_underline_stops_at_the_heading():
    """Trial 25: the whole debrief showed underlined in the browser: each heading's style had
    been given to its whole block, so every line appended after it inherited the underline."""
    from rich.console import Console

    from simulator.session import Session
    from simulator.tui.debrief_screen import fixes_text, turn_block
    from simulator.tui.i18n import Catalog
    from simulator.tui.policy_screen import policy_text

    sc = load_scenario(DRILLS / "drill-en.yaml")
    session = Session(sc, seed=1)
    session.reply("whatever")  # something to fix, and a turn to show
    tr, console = Catalog("en"), Console()
    for text in (fixes_text(session, tr), turn_block(session, session.turns[0], tr, "Ana"), policy_text(sc, tr)):
        last = len(text.plain) - 1
        assert text.get_style_at_offset(console, 0).underline, text.plain[:40]
        assert not text.get_style_at_offset(console, last).underline, text.plain[-40:]
