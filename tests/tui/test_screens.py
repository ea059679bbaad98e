"""Pilot tests of what the screens show around a call: the transcript keeps the newest line in
view, the debrief keeps every caller line and marks only the reply that followed a hint, and the
leaderboard states its rule with numbers that lead back to the calls behind them."""
from __future__ import annotations

from simulator.loader import load_scenario
from simulator.tui.debrief_screen import DebriefScreen
from simulator.tui.widgets.reply_input import ReplyInput
from simulator.tui.widgets.transcript import Transcript
from tests.tui.conftest import DRILLS, screen_text, wait_for
from tests.tui.test_call import open_call

# Long enough to wrap onto several rows of the transcript at 80 columns.
LONG_LINE = ("Fine, but listen to me carefully because I am not going to say this twice: I want it "
             "stopped today, not next week, not after another bill, and I want you to tell me what "
             "happens to the money you already took from me for months of texts I never asked for, "
             "and the last word of this sentence is PINEAPPLE")


def drill_with_a_long_second_line():
    sc = load_scenario(DRILLS / "drill-en.yaml")
    sc.states["demand_cancel"].say = [LONG_LINE]
    return sc


async def send(pilot, text: str) -> None:
    pilot.app.screen.query_one(ReplyInput).value = text
    await pilot.press("enter")
    await pilot.pause()


def transcript_rows(app) -> str:
    """The rows of the screen inside the transcript's border (what the trainee can read there)."""
    region = app.screen.query_one(Transcript).content_region
    rows = screen_text(app).splitlines()[region.y:region.bottom]
    return "\n".join(row[region.x:region.right] for row in rows)


async def test_the_newest_caller_line_is_shown_in_full_at_80x24_as_it_is_spoken(make, settings, clock):
    settings.animate = True  # word by word, as in the app
    app = make(library=[drill_with_a_long_second_line()])
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot, "drill-en")
        while call.speech is not None:  # the opening line
            clock.advance(0.5)
            call._tick()
        for _ in range(2):  # no listening: he stays in venting, and the transcript outgrows its box
            await send(pilot, "hello")
            while call.speech is not None:
                clock.advance(0.5)
                call._tick()
        await send(pilot, "I understand, I am sorry")  # on to demand_cancel: the long line
        assert call.session.state == "demand_cancel"
        words = LONG_LINE.split()
        while call.speech is not None:
            clock.advance(1.0)
            call._tick()
            await pilot.pause()
            shown = call.speech.shown(clock()) if call.speech else len(words)
            # the word just said is on screen, whatever row the line has wrapped onto
            assert words[shown - 1] in transcript_rows(app), (shown, transcript_rows(app))
        assert "the last word of this sentence is PINEAPPLE" in " ".join(transcript_rows(app).split())
        transcript = call.query_one(Transcript)
        assert transcript.scroll_y == transcript.max_scroll_y > 0


async def test_the_newest_line_is_in_view_when_it_arrives_whole(make):
    app = make(library=[drill_with_a_long_second_line()])  # not animated: each line arrives whole
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot, "drill-en")
        await send(pilot, "hello")
        await send(pilot, "hello")
        await send(pilot, "I understand, I am sorry")
        assert call.session.state == "demand_cancel"
        assert "the last word of this sentence is PINEAPPLE" in " ".join(transcript_rows(app).split())
        transcript = call.query_one(Transcript)
        assert transcript.scroll_y == transcript.max_scroll_y > 0


async def test_opening_the_brief_panel_keeps_the_newest_line_in_view(make):
    app = make(library=[drill_with_a_long_second_line()])
    async with app.run_test(size=(80, 24)) as pilot:
        call = await open_call(pilot, "drill-en")
        await send(pilot, "I understand, I am sorry")
        transcript = call.query_one(Transcript)
        assert transcript.max_scroll_y == 0  # it all fits, at full width
        await pilot.press("f4")  # the brief panel takes a third of the width: the lines wrap more
        await pilot.pause()
        assert transcript.max_scroll_y > 0
        assert "the last word of this sentence is PINEAPPLE" in " ".join(transcript_rows(app).split())


async def test_the_debrief_keeps_the_callers_line_after_a_silence(make, clock):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        call = await open_call(pilot, "drill-en")
        opening = call.session.opening
        clock.advance(20)  # drill-en's caller waits 20 s
        call._tick()
        await pilot.pause()
        prompt = call.session.turns[0].customer_line
        assert call.session.turns[0].kind == "silence" and prompt != opening
        await send(pilot, "I understand, sorry")
        await send(pilot, "I will cancel it")
        assert call.session.ending == "resolved"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        blocks = [str(s.content) for s in app.screen.query(".turn-text")]
        assert opening in blocks[0] and prompt not in blocks[0]  # the line he was waiting on
        assert prompt in blocks[1]  # his "hello?" is what the next reply answered
        said = [opening, prompt, call.session.turns[1].customer_line, call.session.turns[2].customer_line]
        assert said[-1] == "Good. Goodbye."
        for line in said:  # every caller line, his last words included
            assert any(line in block for block in blocks), line


async def test_the_hint_mark_is_on_the_reply_after_the_hint_only(make):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        call = await open_call(pilot, "drill-en")
        await pilot.press("f3")
        await pilot.pause()
        await send(pilot, "hello")  # the reply right after the hint
        await send(pilot, "hello")  # same state, no new hint
        await send(pilot, "I understand, sorry")
        await send(pilot, "I will cancel it")
        assert call.session.ending == "resolved" and call.session.hints_used == 1
        await pilot.press("enter")
        await pilot.pause()
        blocks = [str(s.content) for s in app.screen.query(".turn-text")]
        marked = [i for i, block in enumerate(blocks) if "[after a hint]" in block]
        assert marked == [0]
        assert screen_text(app).count("[after a hint]") == 1


async def test_the_leaderboard_says_its_rule_and_its_numbers_lead_back_to_the_calls(settings, tmp_path):
    from simulator.store.store import Store
    from simulator.tui.app import make_app
    from simulator.tui.leaderboard_screen import LeaderboardScreen
    from tests.tui.conftest import stub_scorer

    url = f"sqlite:///{tmp_path / 'calls.sqlite3'}"
    app = make_app(DRILLS, db_url=url, settings=settings, scorer=stub_scorer)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_call(pilot, "drill-en")
        await send(pilot, "I understand, sorry")
        await send(pilot, "I will cancel it")  # drill-en, resolved
        await pilot.press("enter", "r")
        await pilot.pause()
        await pilot.press("f3")  # the same scenario again, with a hint: a lower score
        await send(pilot, "I understand")
        await send(pilot, "cancel")
        await pilot.press("enter", "n")
        await pilot.pause()
        await send(pilot, "this is 录音")  # drill-zh: a landmine, escalated
        await pilot.press("enter", "r")
        await pilot.pause()
        await pilot.press("escape", "l")  # a call left at once: counted in Calls only
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, LeaderboardScreen)
        table = board.query_one("#leaderboard")
        await wait_for(pilot, lambda: table.row_count == 1)
        row = {str(col.key.value): str(cell) for col, cell in zip(table.columns.values(), table.get_row_at(0))}
        rule = str(board.query_one("#leaderboard-rule").content)
        await wait_for(pilot, lambda: str(board.query_one("#leaderboard-detail").content))
        detail = " ".join(str(board.query_one("#leaderboard-detail").content).split())
    assert rule == ("Calls = every call started · Done = reached an ending · Best = mean of each scenario's top "
                    "call · Average = all done calls · Resolved, Passed = share of calls done or left · "
                    "Passed = resolved with 60+ points")
    with Store.open(url) as store:
        calls = store.sessions(cohort="A1")
    done = [c for c in calls if c.status == "completed"]
    tops = {sid: max(c.overall for c in done if c.scenario_id == sid) for sid in {c.scenario_id for c in done}}
    assert len(calls) == 4 and len(done) == 3 and len(tops) == 2
    best = round(sum(tops.values()) / len(tops), 1)
    average = round(sum(c.overall for c in done) / len(done), 1)
    assert row["best"] == f"{best:.1f}" and row["scenarios"] == "2"
    assert row["average"] == f"{average:.1f}"
    assert (row["completed"], row["sessions"], row["hints"]) == ("3", "4", "1")
    finished = [c for c in calls if c.status in ("completed", "left")]
    passed = [c for c in done if c.outcome == "resolved" and c.overall >= 60]
    assert row["pass_rate"] == f"{len(passed) / len(finished):.0%}"
    assert f"Drill: the unwanted texts {tops['drill-en']:.1f}" in detail
    assert f"练习：不想要的短信 {tops['drill-zh']:.1f}" in detail
    assert f"→ mean {best:.1f}" in detail


def test_a_best_that_needed_hints_is_starred_on_the_leaderboard():
    from simulator.tui.leaderboard_screen import cell

    assert str(cell(72.5, "best", {"best_used_hints": True})) == "72.5*"
    assert str(cell(72.5, "best", {"best_used_hints": False})) == "72.5"
    assert str(cell(72.5, "average", {"best_used_hints": True})) == "72.5"
    assert str(cell(70.0, "best", {})) == "70.0" == str(cell(70.0, "average", {}))  # trial 24: "70" beside "70.0"


def test_the_brief_panel_styles_its_headings_only():
    from simulator.tui.i18n import Catalog
    from simulator.tui.widgets.facts_panel import facts_text

    sc = load_scenario(DRILLS / "drill-en.yaml")
    tr = Catalog("en")
    text = facts_text(sc, tr)
    assert not text.style  # no base style running under the brief and the facts
    styled = {text.plain[span.start:span.end].strip() for span in text.spans if "underline" in str(span.style)}
    assert styled == {tr("call.brief"), tr("call.facts")} - {""}
