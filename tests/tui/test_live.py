"""The live class, played by key presses: the class console (with the guest console), a trainee's
app and a watch view, three apps in one process meeting through one database, as three terminals
would. Each app opens the store itself, as a separate process does."""
from __future__ import annotations

import asyncio
import csv
import io
import contextlib
import random
import time

import pytest
import sqlalchemy as sa
from textual.pilot import Pilot

from simulator.settings import Settings
from simulator.store import live
from simulator.store.store import Store
from simulator.tui.app import make_app
from simulator.tui.call_screen import CallScreen
from simulator.tui.class_screen import ClassScreen, Lots
from simulator.tui.debrief_screen import DebriefScreen
from simulator.tui.guest_screen import ChooseScreen, GuestScreen
from simulator.tui.pause_screen import PauseScreen
from simulator.tui.watch_screen import WatchScreen
from simulator.tui.widgets.reply_input import ReplyInput
from tests.store.conftest import pg_url  # noqa: F401 - the PostgreSQL fixture
from tests.tui.conftest import DRILLS, screen_text, stub_scorer, type_text

SIZE = (120, 36)


def app_for(url: str, tmp_path, name: str, clock, live_start, trainee: str = ""):
    settings = Settings(trainee=trainee, cohort="A1" if trainee else "", config_dir=tmp_path / name, seed=11,
                        clock=clock, animate=False, cursor_blink=False)
    return make_app(DRILLS, db_url=url, settings=settings, scorer=stub_scorer, live=live_start)


@pytest.fixture(autouse=True)
def pilots_in_their_own_app(monkeypatch):
    """Three apps in one test: each pilot's pause runs in its own app's context. Textual's
    Pilot.pause repaints the app's screen from the caller's context, and inside `async with
    a.run_test(), b.run_test()` that context is b's; a repaint timer first made there asks b
    whether a's screen is showing (never), and nothing new is ever laid out on a's screen."""
    original = Pilot.pause

    async def pause(self, delay=None):
        with self.app._context():
            await original(self, delay)

    monkeypatch.setattr(Pilot, "pause", pause)


async def until(condition, *pilots, timeout: float = 30.0) -> None:
    """Let every app run until `condition()` holds (events cross the database by polling)."""
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("timed out waiting for the live call")
        for pilot in pilots:
            await pilot.pause(0.02)


def a_guest_and_a_trainee(url: str, tmp_path, clock, caller: str):
    """A live call for Li Na on the English drill, with the apps of its guest console and its trainee."""
    with Store.open(url) as store:
        call = live.open_call(store, cohort="A1", trainee="Li Na", scenario_id="drill-en", caller=caller, seed=3)
    return (call, app_for(url, tmp_path, "guest", clock, ("guest", call.code)),
            app_for(url, tmp_path, "trainee", clock, ("join", call.code), trainee="Li Na"))


def both_on_the_call(guest_app, trainee):
    """Both screens are up and linked to the call's log (a screen shows before its link opens)."""
    return lambda: (isinstance(guest_app.screen, GuestScreen) and guest_app.screen.link is not None
                    and isinstance(trainee.screen, CallScreen) and trainee.screen.joined)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'class.sqlite3'}"


async def _play_a_live_class(url: str, tmp_path, clock) -> None:
    with Store.open(url) as store:  # a trainee the cohort already has in the store
        store._write(lambda conn: store._trainee_ids(conn, "Bea Wu", "A1"))

    trainer = app_for(url, tmp_path, "trainer", clock, ("class", "A1"))
    async with trainer.run_test(size=SIZE) as tp:
        await until(lambda: isinstance(trainer.screen, ClassScreen) and trainer.screen.names, tp)
        console = trainer.screen
        assert console.names == ["Bea Wu"]
        # a name typed in joins the roster
        console.query_one("#new-name").focus()
        await type_text(tp, "Cal Ng")
        await tp.press("enter")
        assert console.names == ["Bea Wu", "Cal Ng"]
        console.query_one("#roster").focus()
        await tp.press("d")  # lots for the trainee
        drawn = console.trainee
        assert drawn in ("Bea Wu", "Cal Ng")
        console.query_one("#class-library").focus()  # the scenario picked by hand
        for _ in range([sc.id for sc in trainer.library].index("drill-en")):
            await tp.press("down")
        await tp.press("enter")
        assert console.scenario.id == "drill-en"
        await tp.press("s")
        await until(lambda: isinstance(trainer.screen, GuestScreen), tp)
        guest = trainer.screen
        code = guest.call.code
        assert code in screen_text(trainer) and drawn in screen_text(trainer)

        trainee = app_for(url, tmp_path, "trainee", clock, ("join", code), trainee="Someone Else")
        watcher = app_for(url, tmp_path, "watch", clock, ("watch", code))
        async with trainee.run_test(size=SIZE) as sp, watcher.run_test(size=SIZE) as wp:
            pilots = (tp, sp, wp)
            await until(lambda: isinstance(trainee.screen, CallScreen) and isinstance(watcher.screen, WatchScreen),
                        *pilots)
            call, watch = trainee.screen, watcher.screen
            await until(lambda: "on the call" in screen_text(trainer), *pilots)

            # 1. the guest sends the scenario's suggested opening line with Enter
            assert call.caller_turn  # the trainee waits for the caller's first words: no silence clock
            assert "[the caller's turn]" in screen_text(trainee)
            guest.query_one("#suggestions").focus()
            await tp.press("enter")
            opening = "You have been charging me for Daily Tips and I never asked for it!"
            await until(lambda: opening in screen_text(trainee) and opening in screen_text(watcher), *pilots)

            # 2. the trainee answers; every screen scores it the same
            reply_box = trainee.screen.query_one(ReplyInput)
            reply_box.focus()
            await type_text(sp, "I understand, I am sorry")  # typed key by key (keys are slow with three apps)
            await sp.press("enter")
            await until(lambda: len(guest.session.turns) == 1 and len(watch.session.turns) == 1, *pilots)
            assert call.session.state == guest.session.state == "demand_cancel"  # the machine moved it
            assert "venting → demand_cancel" in screen_text(trainer)
            assert "Listening 2/" in screen_text(trainer) and "Listening 2/" in screen_text(watcher)

            # 3. the guest edits a suggested line (Ctrl+E) and sends it
            await tp.press("ctrl+e")
            box = guest.query_one("#caller-line")
            assert box.value == "Fine. Just stop it today."
            assert trainer.screen.focused is box
            await tp.press(*["backspace"] * len("today."))
            await type_text(tp, "now!")
            await tp.press("enter")
            await until(lambda: "Fine. Just stop it now!" in screen_text(trainee), *pilots)

            # 4. the guest pauses everyone, then resumes
            await tp.press("f5")
            await until(lambda: isinstance(trainee.screen, PauseScreen) and watch.status == "live.paused", *pilots)
            await sp.press("enter")  # the trainee cannot resume what the trainer paused
            assert isinstance(trainee.screen, PauseScreen)
            assert "Resume" not in screen_text(trainee)  # nor does the footer offer it
            assert "Leave" in screen_text(trainee)
            await tp.press("f5")
            await until(lambda: isinstance(trainee.screen, CallScreen), *pilots)
            await sp.press("escape")  # the trainee's own pause (the safe word): the trainer is told
            await until(lambda: "The trainee paused the call" in screen_text(trainer), *pilots)
            await sp.press("enter")
            await until(lambda: not guest.trainee_paused and isinstance(trainee.screen, CallScreen), *pilots)

            # 5. a landmine: the machine would end the call, the guest decides
            reply_box.value = "Sir this call is recorded"  # the box filled at once, as a paste
            await sp.press("enter")
            await until(lambda: len(guest.session.turns) == 2, *pilots)
            assert guest.session.turns[-1].held_ending == "escalated" and not guest.session.over
            assert "would end the call: Escalated" in screen_text(trainer)

            # 6. a line typed freely on the list of suggestions (the box takes the keys, Enter sends
            # what was typed), then a forced ending the machine did not choose
            guest.query_one("#suggestions").focus()
            assert guest.query_one("#suggestions").option_count >= 2
            await tp.press("2", "space")  # a digit picks that suggestion; a space starts no line
            assert guest.query_one("#suggestions").highlighted == 1
            assert guest.query_one("#caller-line").value == ""
            await type_text(tp, "Recorded? I am done with you people.")
            assert guest.query_one("#caller-line").value == "Recorded? I am done with you people."
            await tp.press("enter")
            await until(lambda: "I am done with you people." in screen_text(watcher), *pilots)
            # the keys are back on the suggested lines: a digit picks one again, Esc leaves a line
            # of your own for the lines without sending or losing it, Tab goes to the box and back
            assert trainer.screen.focused is guest.query_one("#suggestions")
            await tp.press("1")
            assert guest.query_one("#suggestions").highlighted == 0 and guest.query_one("#caller-line").value == ""
            await type_text(tp, "Hold on")
            await tp.press("escape")
            assert trainer.screen.focused is guest.query_one("#suggestions")
            assert guest.query_one("#caller-line").value == "Hold on" and isinstance(trainer.screen, GuestScreen)
            await tp.press("tab")
            assert trainer.screen.focused is guest.query_one("#caller-line")
            await tp.press("shift+tab")
            assert trainer.screen.focused is guest.query_one("#suggestions")
            guest.query_one("#caller-line").value = ""
            await tp.press("f7")
            await until(lambda: isinstance(trainer.screen, ChooseScreen), tp)
            keys = [k for k, _ in trainer.screen.choices]
            for _ in range(keys.index("hung_up") - keys.index("escalated")):
                await tp.press("down")
            await tp.press("enter")
            await until(lambda: call.session.over and guest.session.over and watch.session.over, *pilots)

            # all three screens hold the same call
            assert call.session.ending == guest.session.ending == watch.session.ending == "hung_up"
            mine = [t.to_dict() for t in call.session.turns]
            assert mine == [t.to_dict() for t in guest.session.turns] == [t.to_dict() for t in watch.session.turns]
            assert mine[-1]["customer_line"] == "Recorded? I am done with you people."
            assert "Call ended: Hung up" in screen_text(trainee)
            await until(lambda: isinstance(watcher.screen, DebriefScreen), *pilots)
            assert "Ending: Hung up" in screen_text(watcher)
            await until(lambda: "Esc: back to the class" in screen_text(trainer), *pilots)
            assert "call ended: Hung up" in screen_text(trainer) and "{ending}" not in screen_text(trainer)
            assert "f7 End call" not in screen_text(trainer)  # the caller's controls are gone with the call
            await tp.press("escape")
            assert isinstance(trainer.screen, ClassScreen) and trainer.screen.trainee is None
            assert code not in screen_text(trainer)  # the ended call's join code is not offered any more
            assert drawn in trainer.screen.lots.gone
            await tp.press("v")  # the cohort's leaderboard marks whose call a person played
            await until(lambda: "Live guest" in screen_text(trainer) and "✓" in screen_text(trainer), tp)
            await tp.press("escape")
            await sp.press("enter")  # the trainee's debrief
            assert isinstance(trainee.screen, DebriefScreen)
            trainee.exit()

    # the call is stored as the drawn trainee's, marked as played by a person
    with Store.open(url) as store:
        (row,) = store.sessions("A1")
        assert (row.trainee, row.status, row.ending, row.human_caller) == (drawn, "completed", "hung_up", True)
        detail = store.session_detail(row.id)
        assert [t["reply"] for t in detail.turns] == ["I understand, I am sorry", "Sir this call is recorded"]
        assert detail.turns[0]["customer_line"] == "Fine. Just stop it now!"
        assert all(t["human_caller"] for t in detail.turns)
        board = store.leaderboard("A1")
        assert [(r.trainee, r.human_caller) for r in board if r.completed] == [(drawn, True)]
        from simulator.store.export import sessions_csv, xapi_statements
        from simulator.store.transcript import render_markdown

        text = render_markdown(detail)
        assert "**Rex Moody (played by a person):** You have been charging me" in text  # the first words too
        assert "Recorded? I am done with you people." in text
        # the trainer's F7 ended it after the second reply: the transcript does not blame the reply
        assert detail.turns[-1].get("moved_by_trainer") and not detail.turns[0].get("moved_by_trainer")
        assert text.count("(moved there by the trainer)") == 1
        statements = xapi_statements([row], store.turns_for([row.id]))
        assert all(any(k.endswith("/human-caller") for k in st["context"]["extensions"]) for st in statements)
        assert next(csv.DictReader(io.StringIO(sessions_csv([row]))))["human_caller"] == "yes"  # trial 18
        assert live.find_call(store, code).status == "ended"


async def test_a_live_class_call_on_sqlite(sqlite_url, tmp_path, clock):
    await _play_a_live_class(sqlite_url, tmp_path, clock)


async def test_a_live_class_call_on_postgresql(pg_url, tmp_path, clock):  # noqa: F811
    await _play_a_live_class(pg_url, tmp_path, clock)


async def test_names_typed_straight_away_on_an_empty_roster_join_it(sqlite_url, tmp_path, clock):
    trainer = app_for(sqlite_url, tmp_path, "trainer", clock, ("class", "B2"))
    async with trainer.run_test(size=SIZE) as tp:
        await until(lambda: isinstance(trainer.screen, ClassScreen), tp)
        await tp.pause(0.3)  # the (empty) roster has loaded
        await type_text(tp, "Dee Vasquez")  # d, v, s, q are the console's keys on the roster
        await tp.press("enter")
        assert trainer.screen.names == ["Dee Vasquez"] and isinstance(trainer.screen, ClassScreen)
        assert trainer.screen.trainee is None  # nothing was drawn


@contextlib.asynccontextmanager
async def class_console_with_sam(url: str, tmp_path, clock, cohort: str):
    """The class console of `cohort`, whose roster already holds Sam Trial (the list has the keys)."""
    with Store.open(url) as store:
        store._write(lambda conn: store._trainee_ids(conn, "Sam Trial", cohort))
    trainer = app_for(url, tmp_path, "trainer", clock, ("class", cohort))
    async with trainer.run_test(size=SIZE) as tp:
        await until(lambda: isinstance(trainer.screen, ClassScreen) and trainer.screen.names, tp)
        await tp.pause(0.1)
        yield trainer, tp, trainer.screen


async def test_a_name_typed_on_a_full_roster_joins_it_and_the_keys_go_back_to_the_roster(sqlite_url, tmp_path, clock):
    async with class_console_with_sam(sqlite_url, tmp_path, clock, "B3") as (trainer, tp, console):
        await type_text(tp, "Lin Mei")  # on the roster: the capital L starts a name, not a key
        await tp.press("enter")
        assert console.names == ["Sam Trial", "Lin Mei"] and console.trainee is None
        assert trainer.focused is console.query_one("#roster")  # the footer's keys work (trial 21)
        await tp.press("d")
        assert console.trainee in ("Sam Trial", "Lin Mei")
        await type_text(tp, "Bo")  # a name started and left with Esc: kept in the box, keys back
        await tp.press("escape")
        assert trainer.focused is console.query_one("#roster")
        assert console.query_one("#new-name").value == "Bo"


async def test_a_name_added_with_control_characters_says_what_was_added(sqlite_url, tmp_path, clock):
    async with class_console_with_sam(sqlite_url, tmp_path, clock, "B5") as (trainer, tp, console):
        box = console.query_one("#new-name")
        box.focus()
        box.value = "Lin\x1b[31m Mei\x07"
        await tp.press("enter")
        await tp.pause()
        assert console.names == ["Sam Trial", "Lin Mei"]
        assert any("Added as “Lin Mei”: control characters and extra spaces are taken out" in str(n.message)
                   for n in trainer._notifications)


async def test_a_name_typed_faster_than_the_screen_redraws_keeps_every_letter(sqlite_url, tmp_path, clock):
    """Keys that arrive together (a fast typist, a terminal paste) all go into the name box: none
    of its one-letter keys (d, g, r, s, v, q) is taken as the console's command on the way."""
    from textual import events

    async with class_console_with_sam(sqlite_url, tmp_path, clock, "B4") as (trainer, tp, console):
        for ch in "Wang Fang Rosa Diaz":  # queued at once, before the app handles the first
            trainer.post_message(events.Key(ch if ch != " " else "space", ch))
        await tp.pause(0.3)
        assert console.query_one("#new-name").value == "Wang Fang Rosa Diaz"
        assert console.trainee is None and console.caller == "human"  # nothing drawn, the guest not toggled


def test_lots_draw_nobody_twice_until_everyone_has_gone():
    lots = Lots(random.Random(3))
    names = ["Ann", "Bea", "Cal", "Dan"]
    first_round = []
    for _ in names:
        who = lots.draw(names)
        assert who not in first_round
        first_round.append(who)
        lots.gone.add(who)
    assert sorted(first_round) == names
    assert lots.draw(names) in names and lots.gone == set()  # a new round begins
    assert Lots(random.Random(1)).draw([]) is None


async def test_the_class_console_speaks_chinese(sqlite_url, tmp_path, clock):
    app = app_for(sqlite_url, tmp_path, "zh", clock, ("class", "二班"))
    app.settings.lang = "zh"
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: isinstance(app.screen, ClassScreen), pilot)
        await pilot.pause(0.2)  # mounted, the roster read
        app.screen.query_one("#class-library").focus()  # (on an empty roster the name box has the keys)
        await pilot.press("s")  # nobody drawn yet: one line says what to do first
        assert [n.message for n in app._notifications] == ["请先抽取或选择学员和场景。"]
        text = screen_text(app)
        assert "课堂" in text and "抽学员" in text and "二班" in text


async def test_an_unknown_code_closes_the_guest_console_with_one_line(sqlite_url, tmp_path, clock):
    app = app_for(sqlite_url, tmp_path, "guest", clock, ("guest", "ZZZZ9"))
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: app.return_code is not None, pilot)
    assert app.return_code == 2
    assert app.exit_message() == "No live call has the code ZZZZ9."  # printed after the terminal is back


async def test_a_trainee_joining_an_unknown_code_stays_on_the_picker(sqlite_url, tmp_path, clock):
    from simulator.tui.picker_screen import PickerScreen

    app = app_for(sqlite_url, tmp_path, "trainee", clock, None, trainee="Li Na")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        await type_text(pilot, "nope9")
        await pilot.press("enter")
        await until(lambda: any("NOPE9" in n.message for n in app._notifications), pilot)
        assert isinstance(app.screen, PickerScreen)


async def test_a_trainee_joining_a_call_the_trainer_already_ended_is_told_so_and_nothing_is_recorded(
        sqlite_url, tmp_path, clock):
    from simulator.tui.picker_screen import PickerScreen

    with Store.open(sqlite_url) as store:
        call = live.open_call(store, cohort="A1", trainee="Li Na", scenario_id="drill-en", caller="human", seed=3)
        live.end_call(store, call.id)
    app = app_for(sqlite_url, tmp_path, "trainee", clock, ("join", call.code), trainee="Li Na")
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: any(f"{call.code} has ended" in n.message for n in app._notifications), pilot)
        assert isinstance(app.screen, PickerScreen)
    with Store.open(sqlite_url) as store:
        assert store.sessions("A1") == []  # no empty 'abandoned' call under her name


async def test_a_second_screen_joining_the_same_call_only_watches_it(sqlite_url, tmp_path, clock):
    with Store.open(sqlite_url) as store:  # the machine plays the caller: no guest console needed
        call = live.open_call(store, cohort="A1", trainee="Li Na", scenario_id="drill-en", caller="machine", seed=3)
    first = app_for(sqlite_url, tmp_path, "first", clock, ("join", call.code), trainee="Li Na")
    second = app_for(sqlite_url, tmp_path, "second", clock, ("join", call.code), trainee="Bo Yu")
    async with first.run_test(size=SIZE) as fp:
        await until(lambda: isinstance(first.screen, CallScreen) and first.screen.joined, fp)
        async with second.run_test(size=SIZE) as sp:
            # the notice is a message of its own: wait for it as for the screen
            await until(lambda: isinstance(second.screen, WatchScreen)
                        and any("Li Na is already on this call" in n.message for n in second._notifications), fp, sp)
            first.screen.query_one(ReplyInput).value = "I understand, I am sorry"
            await fp.press("enter")
            await until(lambda: len(second.screen.session.turns) == 1, fp, sp)  # it follows the call
            assert second.screen.session.state == first.screen.session.state == "demand_cancel"
    with Store.open(sqlite_url) as store:  # only the trainee's call is recorded, not one for the watcher
        assert [r.trainee for r in store.sessions("A1")] == ["Li Na"]


async def test_the_watch_view_follows_the_class_to_its_next_call(sqlite_url, tmp_path, clock):
    watcher = app_for(sqlite_url, tmp_path, "watch", clock, ("watch", "A1"))  # a cohort: its calls in turn
    async with watcher.run_test(size=SIZE) as wp:
        await until(lambda: "Waiting for the first call of A1" in screen_text(watcher), wp)
        with Store.open(sqlite_url) as store:
            first = live.open_call(store, cohort="A1", trainee="Li Na", scenario_id="drill-en", caller="machine")
        await until(lambda: isinstance(watcher.screen, WatchScreen) and watcher.screen.call == first, wp)
        with Store.open(sqlite_url) as store:  # the call ends (the trainee's screen sent these)
            live.append(store, first.id, "joined", {"trainee": "Li Na"})
            live.append(store, first.id, "reply", {"text": "Sir this call is recorded"})
            second = live.open_call(store, cohort="A1", trainee="Bo Yu", scenario_id="drill-zh", caller="human")
        await until(lambda: isinstance(watcher.screen, WatchScreen) and watcher.screen.call == second
                    and "Bo Yu" in screen_text(watcher), wp)  # the next call's screen, drawn


async def test_talking_over_a_person_is_an_interruption_as_with_the_machine(sqlite_url, tmp_path, clock):
    call, guest_app, trainee = a_guest_and_a_trainee(sqlite_url, tmp_path, clock, caller="human")
    trainee.settings.animate = True  # the caller's line is said word by word on the frozen clock
    async with guest_app.run_test(size=SIZE) as gp, trainee.run_test(size=SIZE) as sp:
        await until(lambda: isinstance(guest_app.screen, GuestScreen) and isinstance(trainee.screen, CallScreen)
                    and trainee.screen.joined, gp, sp)
        guest = guest_app.screen
        assert guest.send_line("You charged me for texts I never ordered and I want answers now")
        await until(lambda: trainee.screen.speech is not None, gp, sp)  # still being said: the clock stands
        trainee.screen.query_one(ReplyInput).value = "I understand"
        await sp.press("enter")
        await until(lambda: len(guest.session.turns) == 1, gp, sp)
        assert guest.session.turns[0].interrupted and trainee.screen.session.turns[0].interrupted
        assert "talked over the caller" in screen_text(trainee)


async def test_a_restarted_class_console_remembers_who_has_gone(sqlite_url, tmp_path, clock):
    with Store.open(sqlite_url) as store:
        for name in ("Bea Wu", "Cal Ng"):
            store._write(lambda conn, n=name: store._trainee_ids(conn, n, "A1"))
        live.open_call(store, cohort="A1", trainee="Bea Wu", scenario_id="drill-en", caller="human")
    app = app_for(sqlite_url, tmp_path, "trainer", clock, ("class", "A1"))
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: isinstance(app.screen, ClassScreen) and app.screen.names, pilot)
        assert app.screen.lots.gone == {"Bea Wu"}
        await pilot.press("d")
        assert app.screen.trainee == "Cal Ng"  # Bea has had her turn in this class


async def test_the_trainer_hands_the_caller_to_the_machine_mid_call_and_takes_it_back(sqlite_url, tmp_path, clock):
    async with class_console_with_sam(sqlite_url, tmp_path, clock, "B6") as (trainer, tp, console):
        await tp.press("d")
        console.query_one("#class-library").focus()
        for _ in range([sc.id for sc in trainer.library].index("drill-en")):
            await tp.press("down")
        await tp.press("enter")
        await tp.press("s")
        await until(lambda: isinstance(trainer.screen, GuestScreen), tp)
        guest = trainer.screen
        assert "f8 Machine plays" in screen_text(trainer)
        trainee = app_for(sqlite_url, tmp_path, "trainee", clock, ("join", guest.call.code), trainee="Sam Trial")
        async with trainee.run_test(size=SIZE) as sp:
            await until(lambda: isinstance(trainee.screen, CallScreen) and "on the call" in screen_text(trainer),
                        tp, sp)
            call = trainee.screen
            guest.query_one("#suggestions").focus()
            await tp.press("tab")  # in the empty box, Enter still sends the highlighted line (trial 21)
            assert trainer.screen.focused is guest.query_one("#caller-line")
            await tp.press("enter")  # the trainer opens the call
            await until(lambda: "Daily Tips" in screen_text(trainee), tp, sp)
            call.query_one(ReplyInput).value = "I understand, I am sorry"
            await sp.press("enter")
            await until(lambda: len(guest.session.turns) == 1, tp, sp)

            await tp.press("f8")  # before answering: the machine answers that reply itself
            await until(lambda: not call.session.human and call.session.turns[0].customer_line, tp, sp)
            machine_line = call.session.turns[0].customer_line
            await until(lambda: machine_line in screen_text(trainee), tp, sp)
            assert "(the machine plays the caller from here)" in screen_text(trainee)
            assert "f8 I play" in screen_text(trainer) and guest.query_one("#caller-line").disabled
            call.query_one(ReplyInput).value = "no"
            await sp.press("enter")  # answered by the machine at once, on every screen
            await until(lambda: len(guest.session.turns) == 2, tp, sp)
            assert call.session.turns[1].customer_line and not call.session.turns[1].human_caller

            await tp.press("f8")  # the trainer takes the caller back
            await until(lambda: call.session.human and "(the trainer plays the caller from here)"
                        in screen_text(trainee), tp, sp)
            assert not guest.query_one("#caller-line").disabled
            guest.query_one("#caller-line").value = "Still here, are you?"  # added to the machine's answer
            guest.query_one("#caller-line").focus()
            await tp.press("enter")
            await until(lambda: call.session.turns[1].customer_line.endswith("Still here, are you?"), tp, sp)
            await tp.press("f7")
            await until(lambda: isinstance(trainer.screen, ChooseScreen), tp)
            await tp.press("enter")
            await until(lambda: call.session.over and guest.session.over, tp, sp)
            assert [t.to_dict() for t in call.session.turns] == [t.to_dict() for t in guest.session.turns]
            await sp.press("escape")  # after the end, Esc is the way to the debrief, not a pause (trial 30)
            await until(lambda: isinstance(trainee.screen, DebriefScreen), tp, sp)
            trainee.exit()

    with Store.open(sqlite_url) as store:
        (row,) = store.sessions("B6")
        assert row.human_caller  # the trainer played part of it
        detail = store.session_detail(row.id)
        assert detail.turns[0]["customer_line"] == machine_line
        assert detail.turns[1]["customer_line"].endswith("Still here, are you?")  # written with what was added
        assert [bool(t.get("human_caller")) for t in detail.turns] == [False, True]
        from simulator.store.transcript import render_markdown

        text = render_markdown(detail)  # each caller line by who said it (trial 22)
        assert f"**Rex Moody:** {machine_line}" in text
        assert "**Rex Moody (played by a person):** " in text


async def test_a_trainee_who_joins_the_cohort_during_the_class_appears_on_the_roster(sqlite_url, tmp_path, clock,
                                                                                       monkeypatch):
    """Trial: a trainee whose first call was in the browser was not on the console until it was
    restarted. The roster is read again every few seconds and when the console comes back."""
    from simulator.tui import class_screen

    monkeypatch.setattr(class_screen, "ROSTER_REFRESH_SECONDS", 0.2)
    async with class_console_with_sam(sqlite_url, tmp_path, clock, "B6") as (trainer, tp, console):
        with Store.open(sqlite_url) as store:  # as the browser app records a new trainee's first call
            store._write(lambda conn: store._trainee_ids(conn, "Web Wen", "B6"))
        await until(lambda: "Web Wen" in console.names, tp, timeout=10)
        assert console.names == ["Sam Trial", "Web Wen"]
        assert "Web Wen" in screen_text(trainer)


async def test_a_trainee_whose_terminal_closes_keeps_the_reply_the_caller_had_not_answered(sqlite_url, tmp_path, clock):
    """Trial 27: the trainee's window was closed after a reply the person playing the caller had
    not answered yet. That reply is held in memory for the caller's line, and the hang-up ended
    the process at once: the reply was lost and the call sat as abandoned. Now the hang-up leaves
    as `q` does: the reply is written and the call kept as left."""
    import os
    import signal

    call, guest_app, trainee = a_guest_and_a_trainee(sqlite_url, tmp_path, clock, caller="human")
    async with guest_app.run_test(size=SIZE) as gp, trainee.run_test(size=SIZE) as sp:
        await until(both_on_the_call(guest_app, trainee), gp, sp)
        guest = guest_app.screen
        assert guest.send_line("You charged me for texts I never ordered")
        await until(lambda: "texts I never ordered" in screen_text(trainee), gp, sp)
        trainee.screen.query_one(ReplyInput).value = "I'm sorry, that's not on. Let me stop them now."
        await sp.press("enter")
        await until(lambda: len(guest.session.turns) == 1, gp, sp)  # scored on both screens, not yet answered
        assert trainee.screen.unrecorded is not None
        trainee._catch_hang_up()  # as in a terminal (a test's app is headless and does not)
        os.kill(os.getpid(), signal.SIGHUP)
        await until(lambda: not trainee.is_running, gp, sp)
        # the trainer sees the trainee has gone (it had still said "on the call"), and the console
        # stops playing the call (trial 29: lines were "sent" to nobody, F7 asked for an ending)
        await until(lambda: "the trainee left the call" in screen_text(guest_app), gp)
        await until(lambda: "it is kept as left" in screen_text(guest_app), gp)
        assert not guest.send_line("Hello? Are you there?")
        assert guest.check_action("end_call", ()) is False and guest.query_one("#caller-line").disabled
        # the same code typed again: told the call was kept, back on the list (it had opened a
        # watch view saying Li Na "is already on this call")
        again = app_for(sqlite_url, tmp_path, "again", clock, ("join", call.code), trainee="Li Na")
        async with again.run_test(size=SIZE) as ap:
            await until(lambda: any("left this call" in n.message for n in again._notifications), gp, ap)
            assert not isinstance(again.screen, (CallScreen, WatchScreen))
    with Store.open(sqlite_url) as store:
        (row,) = store.sessions("A1")  # one call: the second try recorded nothing
        assert row.status == "left"
        assert [t["reply"] for t in store.session_detail(row.id).turns] == [
            "I'm sorry, that's not on. Let me stop them now."]


async def test_the_trainee_is_told_when_the_trainer_s_console_closes_and_when_it_is_back(sqlite_url, tmp_path, clock):
    """Trial 27: the trainer's terminal closed mid-call and the trainee's screen went on saying
    "[the caller's turn]" for as long as they waited, with nothing else."""
    call, guest_app, trainee = a_guest_and_a_trainee(sqlite_url, tmp_path, clock, caller="human")
    async with trainee.run_test(size=SIZE) as sp:
        async with guest_app.run_test(size=SIZE) as gp:
            await until(both_on_the_call(guest_app, trainee), gp, sp)
            assert guest_app.screen.send_line("You charged me for texts I never ordered")
            await until(lambda: "texts I never ordered" in screen_text(trainee), gp, sp)
            assert "console has closed" not in screen_text(trainee)  # its opening is no news
            guest_app.exit()
        await until(lambda: "The trainer's console has closed" in screen_text(trainee), sp)
        again = app_for(sqlite_url, tmp_path, "guest-again", clock, ("guest", call.code))
        async with again.run_test(size=SIZE) as ap:
            await until(lambda: "The trainer is back on the call" in screen_text(trainee), ap, sp)
            assert isinstance(again.screen, GuestScreen) and "texts I never ordered" in screen_text(again)


async def test_when_the_machine_plays_the_caller_a_closed_console_is_no_news_to_the_trainee(sqlite_url, tmp_path, clock):
    call, guest_app, trainee = a_guest_and_a_trainee(sqlite_url, tmp_path, clock, caller="machine")
    async with trainee.run_test(size=SIZE) as sp:
        async with guest_app.run_test(size=SIZE) as gp:
            await until(both_on_the_call(guest_app, trainee), gp, sp)
            guest_app.exit()
        await until(lambda: not trainee.screen.trainer_here, sp)  # it heard the console close
        trainee.screen.query_one(ReplyInput).value = "I understand, I am sorry"
        await sp.press("enter")
        await until(lambda: len(trainee.screen.session.turns) == 1, sp)  # the machine answers as before
        assert "console has closed" not in screen_text(trainee)
