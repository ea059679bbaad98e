"""The review in the app: from the class console's leaderboard, a trainee's calls, one call reply by
reply, and a trainer's levels, landmines and note for a reply, by key presses; the board then ranks
with them. In the trainee app the same screens only read: a trainee never reviews a call."""
from __future__ import annotations

from simulator.store.store import Store
from simulator.tui.app import make_app
from simulator.tui.class_screen import ClassScreen
from simulator.tui.leaderboard_screen import LeaderboardScreen
from simulator.tui.review_screen import CallsScreen, ReviewScreen, ReviewTurnScreen
from tests.store.helpers import play
from tests.tui.conftest import DRILLS, screen_text, stub_scorer, wait_for


def board_rows(screen) -> list[tuple[str, str]]:
    table = screen.query_one("#leaderboard")
    keys = [str(c.key.value) for c in table.columns.values()]
    rows = [dict(zip(keys, map(str, table.get_row_at(i)))) for i in range(table.row_count)]
    return [(r["trainee"], r["best"]) for r in rows]


async def test_a_trainer_reviews_a_reply_from_the_class_console_and_the_board_reranks(
        settings, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'calls.sqlite3'}"
    with Store.open(url) as store:
        ann, _ = play(store, "Ann Lee", "A1", ["L80 E80 P100 you did it yourself", "L80 E80 P100 close"])
        play(store, "Ben", "A1", ["L70 E70 P100 I hear you", "L70 E70 P100 close"])
    monkeypatch.setattr("simulator.store.recorder.login_name", lambda: "Tina Trainer")  # the trainer's login
    settings.cohort = "another cohort"  # the console's cohort is the class's, not this computer's trainee's
    app = make_app(DRILLS, db_url=url, settings=settings, scorer=stub_scorer, live=("class", "A1"))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ClassScreen) and app.screen.names, "the class roster")
        await pilot.press("v")
        board = app.screen
        assert isinstance(board, LeaderboardScreen)
        await wait_for(pilot, lambda: board.query_one("#leaderboard").row_count == 2, "the board")
        assert board_rows(board) == [("Ann Lee", "80.0"), ("Ben", "74.0")]
        await pilot.press("c")  # Ann's calls
        await wait_for(pilot, lambda: isinstance(app.screen, CallsScreen)
                       and app.screen.query_one("#calls").row_count == 1, "Ann's calls")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.turns, "the call")
        review = app.screen
        assert "you did it yourself" in screen_text(app) and "Machine: listening 80 (level 2)" in screen_text(app)
        await pilot.press("enter")  # the first reply
        assert isinstance(app.screen, ReviewTurnScreen)
        await pilot.press("l", "e", "2")  # listening 2 -> 0, empathy 2 -> 0, landmine 2 (accuse): policy 0
        await pilot.press("n", *"Never say he did it", "enter", "s")
        await wait_for(pilot, lambda: app.screen is review and review.detail.reviews, "the saved review")
        text = screen_text(app)
        assert "Trainer's note: Never say he did it" in text
        assert "Reviewed by Tina Trainer" in text and "Trainer's landmines: accusation" in text
        assert "Overall 52.0† (machine 80.0)" in text
        await pilot.press("escape")  # the calls list shows the reviewed figure (trial 25: it kept 80)
        calls = app.screen
        assert isinstance(calls, CallsScreen)
        await wait_for(pilot, lambda: "52.0†" in str(calls.query_one("#calls").get_row_at(0)[-1]), "the reviewed call")
        assert str(calls.query_one("#calls").get_row_at(0)[-1]) == "52.0† (80.0)"
        await pilot.press("escape")
        assert app.screen is board
        await wait_for(pilot, lambda: board_rows(board)[0][0] == "Ben", "the new order")
        assert board_rows(board) == [("Ben", "74.0"), ("Ann Lee", "52.0†")]
        assert "counts a trainer's review" in screen_text(app)
    with Store.open(url) as store:
        [(index, saved)] = store.reviews([ann])[ann].items()
    assert (index, saved.listening, saved.empathy, saved.policy, saved.landmines) == (0, 0, 0, 0, ("accuse",))
    assert saved.reviewer == "Tina Trainer"


async def test_escape_leaves_a_reply_unreviewed(settings, tmp_path):
    url = f"sqlite:///{tmp_path / 'calls.sqlite3'}"
    with Store.open(url) as store:
        ann, _ = play(store, "Ann Lee", "A1", ["L80 E80 P100 close"])
    app = make_app(DRILLS, db_url=url, settings=settings, scorer=stub_scorer)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.store is not None, "an open store")
        app.push_screen(ReviewScreen(app.catalog(), ann, trainer=True))
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.turns, "the call")
        await pilot.press("enter", "l", "p", "n", "x", "escape")  # Esc in the note ends the note only
        await pilot.pause()
        assert isinstance(app.screen, ReviewTurnScreen) and app.screen.query_one("#review-note").value == "x"
        await pilot.press("escape")  # Esc again leaves the reply unreviewed
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
    with Store.open(url) as store:
        assert store.reviews([ann]) == {}


async def test_the_trainee_app_shows_reviews_but_gives_no_way_to_make_one(settings, tmp_path):
    url = f"sqlite:///{tmp_path / 'calls.sqlite3'}"
    with Store.open(url) as store:
        ann, _ = play(store, "Ann Lee", "A1", ["L80 E80 P100 you did it yourself", "L80 E80 P100 close"])
        store.save_review(ann, 0, listening=0, empathy=0, landmines=["accuse"], note="Never say he did it",
                          reviewer="Tina Trainer")
    app = make_app(DRILLS, db_url=url, settings=settings, scorer=stub_scorer)  # Ann Lee's own app
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.store is not None, "an open store")
        await pilot.press("l")
        board = app.screen
        await wait_for(pilot, lambda: board.query_one("#leaderboard").row_count == 1, "the board")
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, CallsScreen)
                       and app.screen.query_one("#calls").row_count == 1, "her calls")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.turns, "the call")
        review = app.screen
        text = screen_text(app)
        assert "Trainer's note: Never say he did it" in text and "Reviewed by Tina Trainer" in text
        assert "Read only" in text
        await pilot.press("enter")  # what opened the trainer's review before
        await pilot.pause()
        assert app.screen is review
        await pilot.press("l", "e", "p", "1", "s")
        await pilot.pause()
    with Store.open(url) as store:
        [(index, kept)] = store.reviews([ann])[ann].items()
    assert (index, kept.reviewer, kept.listening, kept.landmines) == (0, "Tina Trainer", 0, ("accuse",))


async def test_the_trainer_s_note_comes_before_the_machine_s_reasons(settings, tmp_path):
    """A reply with many reasons pushed the note out of the panel, where the trainee could not
    read it; the trainer's word now comes right after the reply, and the reasons scroll below."""
    url = f"sqlite:///{tmp_path / 'calls.sqlite3'}"
    with Store.open(url) as store:
        ann, _ = play(store, "Ann Lee", "A1", ["L80 E80 P100 you did it yourself", "L80 E80 P100 close"])
        store.save_review(ann, 0, listening=0, empathy=0, note="Never say he did it", reviewer="Tina Trainer")
    app = make_app(DRILLS, db_url=url, settings=settings, scorer=stub_scorer)
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_for(pilot, lambda: app.store is not None, "an open store")
        app.push_screen(ReviewScreen(app.catalog(), ann))
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.turns, "the call")
        text = screen_text(app)
        assert "Trainer's note: Never say he did it" in text
        assert text.index("Reviewed by Tina Trainer") < text.index("Trainer's note") < text.index("Machine:")


async def test_the_picker_marks_a_best_score_that_is_a_trainer_s_review(settings, tmp_path):
    """The debrief showed the machine's score; the picker's Best is the reviewed one: it says so."""
    url = f"sqlite:///{tmp_path / 'calls.sqlite3'}"
    with Store.open(url) as store:
        ann, _ = play(store, "Ann Lee", "A1", ["L80 E80 P100 close"], scenario_id="drill-en")
        store.save_review(ann, 0, listening=1, empathy=1, reviewer="Tina Trainer")
        reviewed = store.best_scores("Ann Lee", "A1")["drill-en"].best
    app = make_app(DRILLS, db_url=url, settings=settings, scorer=stub_scorer)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "drill-en" in app.best_scores(), "the stored best scores")
        await pilot.pause()
        table = app.screen.query_one("#scenarios")
        cells = [str(c) for c in table.get_row("drill-en")]
        assert f"{reviewed:.1f}†" in cells
        table.move_cursor(row=table.get_row_index("drill-en"))
        await pilot.pause()
        assert "counts a trainer's review" in screen_text(app)


async def test_each_turn_s_review_opens_at_its_top(settings, tmp_path):
    """Scrolling one turn's long reasons must not leave the next turn's trainer note scrolled away."""
    url = f"sqlite:///{tmp_path / 'calls.sqlite3'}"
    with Store.open(url) as store:
        ann, _ = play(store, "Ann Lee", "A1", ["L80 E80 P100 you did it yourself", "L80 E80 P100 close"])
        store.save_review(ann, 1, listening=1, empathy=1, note="Close warmer", reviewer="Tina Trainer")
    app = make_app(DRILLS, db_url=url, settings=settings, scorer=stub_scorer)
    async with app.run_test(size=(100, 14)) as pilot:  # a short window: the reasons scroll
        await wait_for(pilot, lambda: app.store is not None, "an open store")
        app.push_screen(ReviewScreen(app.catalog(), ann))
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.turns, "the call")
        detail = app.screen.query_one("#review-detail")
        detail.scroll_end(animate=False)
        await pilot.pause()
        assert detail.scroll_y > 0  # the first turn's panel did scroll
        await pilot.press("down")
        await pilot.pause()
        assert detail.scroll_y == 0
