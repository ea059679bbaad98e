"""Pilot tests: a survivable landmine, like a veteran guest. On both flagships, with the real
scorer, a landmine on the first reply leaves the call open and the caller says the scenario's
reaction for it; a recovering reply moves the call on; a second landmine ends it, and the
transcript, the debrief and the play-test panel say why."""
from __future__ import annotations

import pytest

from simulator.loader import bundled_dir, load_scenario
from simulator.tui.debrief_screen import DebriefScreen
from simulator.tui.i18n import Catalog
from simulator.tui.widgets.debug_panel import turn_debug_text
from simulator.tui.widgets.reply_input import ReplyInput
from simulator.tui.widgets.stage_track import StageTrack
from simulator.tui.widgets.transcript import Transcript
from tests.tui.test_call import open_call

FLAGSHIPS = {
    "vas-sms-tips-en": {
        "landmine": ("threaten", "Sir, please mind your language, this call is being recorded."),
        "recovery": "I'm sorry, Mr Harper, that was the wrong thing to say. Five months of charges for "
                    "something you never asked for, of course you're angry.",
        "another": "Calm down, it's only 6.00 a month.",
        "moves_to": "demand_cancel",
    },
    "pro-complainer-zh": {
        "landmine": ("threaten", "请您注意用语，我们的通话是有录音的。"),
        "recovery": "对不起赵先生，刚才那句话是我说错了。4月1号您的套餐没经您本人确认就从58元改成了78元，"
                    "两个月多收了40块，您生气完全在理。",
        "another": "您这么说，我也没办法，系统就是这么改的。",
        "moves_to": "states_demands",
    },
}


def flagship_app(make, scenario_id):
    sc = load_scenario(bundled_dir() / f"{scenario_id}.yaml")
    return make(library=[sc], scorer=None), sc  # scorer=None: the real scorer


def transcript_lines(app) -> list[tuple[str, str]]:
    return [(line.who, str(line.content)) for line in app.screen.query_one(Transcript).children]


async def send(pilot, text: str) -> None:
    pilot.app.screen.query_one(ReplyInput).value = text
    await pilot.press("enter")
    await pilot.pause()


@pytest.mark.parametrize("scenario_id", FLAGSHIPS)
async def test_a_landmine_on_turn_one_of_a_flagship_leaves_the_call_open_and_plays_its_reaction(
        make, scenario_id):
    plan = FLAGSHIPS[scenario_id]
    category, text = plan["landmine"]
    app, sc = flagship_app(make, scenario_id)
    async with app.run_test(size=(120, 40)) as pilot:
        call = await open_call(pilot, scenario_id)
        start = call.anger
        await send(pilot, text)
        turn = call.session.turns[-1]
        assert category in turn.score.landmine_categories
        assert not call.session.over and call.session.state == sc.start_state
        assert call.anger > start
        reaction = (sc.states[sc.start_state].reactions.get(category) or sc.reactions[category])
        assert turn.customer_line in reaction
        said_by = Catalog(sc.locale)("app.label", name=sc.persona.name)  # "赵志刚：" in a zh call
        assert ("customer", f"{said_by}{turn.customer_line}") in transcript_lines(app)
        assert "Call ended" not in str(call.query_one("#call-status").render())
        # ... and the call goes on: a recovering reply calms him and moves the call forward
        await send(pilot, plan["recovery"])
        turn = call.session.turns[-1]
        assert "recovery" in {c.kind for c in turn.mood_changes}
        assert turn.mood_after < turn.mood_before
        assert call.session.state == plan["moves_to"] and not call.session.over
        # the stage the landmine went off in is crossed on the track, not ticked as passed
        track = call.query_one(StageTrack)
        first = sc.states[sc.start_state].stage
        name = track.names.get(first, first)
        assert f"✗{name}" in str(track.render()) and f"✓{name}" not in str(track.render())


@pytest.mark.parametrize("scenario_id", FLAGSHIPS)
async def test_a_hint_after_an_unrepaired_landmine_says_to_repair_first(make, scenario_id):
    plan = FLAGSHIPS[scenario_id]
    app, sc = flagship_app(make, scenario_id)
    repair_first = Catalog(sc.locale)("call.hint_repair", answer="")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_call(pilot, scenario_id)
        await send(pilot, plan["landmine"][1])
        await pilot.press("f3")
        await pilot.pause()
        hints = [text for who, text in transcript_lines(app) if who == "hint"]
        assert len(hints) == 1 and repair_first in hints[0]
        await send(pilot, plan["recovery"])  # repaired: the next state's answer as it is written
        await pilot.press("f3")
        await pilot.pause()
        hints = [text for who, text in transcript_lines(app) if who == "hint"]
        assert len(hints) == 2 and repair_first not in hints[1]


@pytest.mark.parametrize("scenario_id", FLAGSHIPS)
async def test_a_second_landmine_ends_a_flagship_call_and_the_app_says_why(make, scenario_id):
    plan = FLAGSHIPS[scenario_id]
    app, sc = flagship_app(make, scenario_id)
    async with app.run_test(size=(120, 40)) as pilot:
        call = await open_call(pilot, scenario_id)
        await send(pilot, plan["landmine"][1])
        await send(pilot, plan["another"])
        assert call.session.ending == "escalated"
        assert call.session.turns[-1].broke_off == "landmines"
        why = Catalog(sc.locale)("breaking.landmines")
        assert ("note", why) in transcript_lines(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        assert why in str(app.screen.query_one("#debrief-ending").content)


def test_the_play_test_panel_shows_the_breaking_point_instead_of_transitions():
    from simulator.session import Session
    from tests.engine.conftest import scripted_score
    from tests.engine.test_mood import load

    s = Session(load(), scorer=scripted_score)
    s.reply("threat")
    first = turn_debug_text(s.turns[-1], Catalog("en")).plain
    assert "The caller has had enough" not in first and "stays in 'venting'" in first
    s.reply("sorry warm, threat")
    text = turn_debug_text(s.turns[-1], Catalog("en")).plain
    assert "The caller has had enough: another landmine" in text
    assert "No transition checked." not in text
    assert "venting → escalated" in text
    s2 = Session(load(), scorer=scripted_score)
    s2.reply("threat")
    assert "repaired the landmine (−10)" in turn_debug_text(s2.reply("sorry warm"), Catalog("en")).plain


def test_a_stage_the_call_went_past_without_stopping_is_ticked_not_left_grey():
    """Trial 17: unsubscribing while the caller still vented took the call from 谩骂宣泄 straight
    to 要求退费; the track had left 要求退订 grey, as if still to come."""
    track = StageTrack(["venting", "cancel", "refund", "closing"],
                       {"venting": "谩骂宣泄", "cancel": "要求退订", "refund": "要求退费", "closing": "结束"})
    track.current = "venting"
    track.watch_current("venting")
    track.current = "refund"
    track.watch_current("refund")
    shown = str(track.render())
    assert "✓谩骂宣泄" in shown and "✓要求退订" in shown and "✓结束" not in shown and "结束" in shown


def test_stages_replayed_at_once_are_ticked_by_their_turns():
    """Trial 29: a guest console opened again mid-call replays the call in one go; only the last
    stage had become current, and the stages the turns were in stayed unticked after the first."""
    from types import SimpleNamespace

    track = StageTrack(["venting", "cancel", "refund", "compensation", "closing"], {})
    for stage in ("venting", "cancel", "refund"):
        track.note_turn(SimpleNamespace(stage=stage, score=None))
    shown = str(track.render())
    assert "✓venting" in shown and "✓cancel" in shown and "✓refund" in shown and "✓compensation" not in shown
