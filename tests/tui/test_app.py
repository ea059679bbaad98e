"""Pilot tests of the app around the call: first run, picker, languages, store, leaderboard,
the play-test panel, and the bundled library played with the real scorer."""
from __future__ import annotations

import shutil
import threading

from simulator.loader import load_library
from simulator.session import Session
from simulator.settings import Settings
from simulator.tui.app import make_app
from simulator.tui.call_screen import CallScreen
from simulator.tui.debrief_screen import DebriefScreen
from simulator.tui.leaderboard_screen import LeaderboardScreen
from simulator.tui.picker_screen import PickerScreen
from simulator.tui.welcome_screen import WelcomeScreen
from simulator.tui.widgets.reply_input import ReplyInput
from tests.tui.conftest import DRILLS, screen_text, stub_scorer, type_text


async def send(pilot, text: str) -> None:
    pilot.app.screen.query_one(ReplyInput).value = text
    await pilot.press("enter")
    await pilot.pause()


async def play_the_en_drill_to_its_end(pilot) -> None:
    """From the picker: the English drill, two replies that resolve it."""
    await pilot.pause()
    await pilot.press("down", "enter")
    await pilot.pause()
    await send(pilot, "I understand, sorry")
    await send(pilot, "I will cancel it")
    assert pilot.app.screen.session.over


async def wait_for_rows(pilot, seconds: float = 5.0) -> None:
    """The leaderboard loads in a thread worker; wait until its rows are in the table."""
    for _ in range(int(seconds / 0.05)):
        if pilot.app.screen.query_one("#leaderboard").row_count:
            return
        await pilot.pause(0.05)
    raise AssertionError("the leaderboard never showed rows")


async def test_first_run_asks_name_and_cohort_once(make, settings, tmp_path):
    settings.trainee = settings.cohort = ""
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        await type_text(pilot, "Li Na")
        await pilot.press("enter", "enter")  # name done; cohort empty: refused
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        assert "name and your cohort" in screen_text(app)
        await type_text(pilot, "B2")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert "Li Na" in screen_text(app)
    again = Settings.load(settings.config_dir)
    assert (again.trainee, again.cohort) == ("Li Na", "B2")
    app = make(settings=again)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)  # remembered: no question this time


async def test_enter_in_the_name_starts_when_the_cohort_is_already_filled(make, settings):
    """Trial 17: the hint says "Enter: start", but Enter in the name only moved to the cohort."""
    settings.trainee = settings.cohort = ""
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("tab")
        await type_text(pilot, "B2")
        await pilot.press("shift+tab")
        await type_text(pilot, "Li Na")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
    assert (Settings.load(settings.config_dir).trainee, Settings.load(settings.config_dir).cohort) == ("Li Na", "B2")


async def test_control_characters_pasted_into_a_name_are_taken_out_with_a_word_before_it_is_saved(make, settings):
    """A name pasted with a bell and a colour code: Enter shows what will be saved and says why,
    and a second Enter saves that (it used to be saved changed without a word)."""
    from textual.events import Paste

    settings.trainee = settings.cohort = ""
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        name = app.screen.query_one("#name")
        name.post_message(Paste("Wang Fang\x07\x1b[31m"))
        await pilot.pause()
        assert "\x07" in name.value  # as pasted: nothing is changed behind the trainee's back yet
        await pilot.press("enter")
        await type_text(pilot, "B2")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        assert "Tidied: control characters and extra spaces out" in screen_text(app)
        assert name.value == "Wang Fang" and app.screen.focused is name
        await pilot.press("enter")  # the name checked, the cohort given: go on
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
    assert (Settings.load(settings.config_dir).trainee, Settings.load(settings.config_dir).cohort) == ("Wang Fang", "B2")


async def test_picker_lists_scenarios_and_draws_lots(make):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Drill: the unwanted texts" in text and "练习：不想要的短信" in text
        assert "★★☆☆☆" in text and "Chinese" in text
        assert "A short drill used by the app's tests." in text or "应用测试使用的短练习。" in text
        await pilot.press("m")
        assert app.settings.mode == "exam"
        assert "Exam mode" in screen_text(app)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, CallScreen)
        assert app.screen.scenario.id in {"drill-en", "drill-zh"}


async def test_the_picker_counts_broken_files_not_errors_and_names_their_folder_for_lint(make, tmp_path):
    """Trial 26: one file with two errors counted as two files, and "run: mystery-guest lint"
    checked the bundled library, not the trainer's folder."""
    import shutil

    folder = tmp_path / "mine"
    shutil.copytree(DRILLS, folder)
    (folder / "syntax.yaml").write_text("id: x\nstates: [oops\n", encoding="utf-8")
    (folder / "types.yaml").write_text("version: 1\nid: y\ntitle: Y\nlocale: fr\npersona: {patience: very}\n",
                                       encoding="utf-8")
    app = make(scenario_dir=folder)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        assert len(app.problems) > 2  # more errors than files
        text = " ".join(screen_text(app).split())
        assert f"2 scenario file(s) have errors and are not listed (run: mystery-guest lint {folder})." in text


async def test_end_and_home_move_to_the_last_and_first_scenario(make):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("DataTable")
        await pilot.press("end")
        assert table.cursor_row == len(app.library) - 1 > 0
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("end", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CallScreen) and app.screen.scenario.id == app.library[-1].id


async def test_t_on_the_scenario_list_switches_the_app_s_language_and_remembers_it(make, settings):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "Scenario" in screen_text(app) and "中文" in screen_text(app)  # the key names the other language
        await pilot.press("end", "t")
        await pilot.pause()
        text = screen_text(app)
        assert isinstance(app.screen, PickerScreen) and "场景" in text and "排行榜" in text and "English" in text
        await pilot.press("enter")  # the scenario highlighted before; a call still speaks its own language
        await pilot.pause()
        assert isinstance(app.screen, CallScreen) and app.screen.scenario.id == app.library[-1].id
        assert app.screen.tr.lang == app.screen.scenario.locale
    assert Settings.load(settings.config_dir).ui_lang == "zh"
    again = make(settings=Settings.load(settings.config_dir, clock=settings.clock, animate=False))
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "场景" in screen_text(again)
        await pilot.press("t")
        await pilot.pause()
        assert "Scenario" in screen_text(again)


async def test_the_language_switch_leaves_lang_in_force_for_calls(make, settings):
    settings.lang = "en"  # mystery-guest --lang en
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert "场景" in screen_text(app)
        await pilot.press("t")
        await pilot.pause()
        assert "Scenario" in screen_text(app)
        await pilot.press("home", "enter")
        await pilot.pause()
        assert app.screen.scenario.locale == "zh" and app.screen.tr.lang == "en"


async def test_best_score_shows_in_the_picker_after_a_call(make):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")  # drill-en is second (sorted by difficulty)
        await pilot.pause()
        assert app.screen.scenario.id == "drill-en"
        await send(pilot, "I understand, sorry")
        await send(pilot, "I will cancel it")
        overall = app.screen.session.summary()["overall"]
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert f"{overall:g}" in screen_text(app)


async def test_chinese_call_follows_the_scenario_locale(make):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # drill-zh is first
        await pilot.pause()
        call = app.screen
        assert call.scenario.id == "drill-zh"
        text = screen_text(app)
        assert "怒气" in text and "谩骂宣泄" in text and "暂停" in text
        await send(pilot, "我明白，抱歉")
        await send(pilot, "我现在就为您退订")
        assert call.session.ending == "resolved"
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "结局：" in text and "服务层级 3" in text


async def test_lang_option_overrides_the_scenario_locale(make):
    app = make(lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.scenario.id == "drill-zh"
        text = screen_text(app)
        assert "Anger" in text and "venting" in text and "怒气" not in text


class FlakyStore:
    """An in-memory store whose writes fail `busy` times first (a locked database)."""

    def __init__(self, busy: int = 0):
        self.busy = busy
        self.sessions: dict[int, dict] = {}
        self.keys: dict[str, int] = {}
        self.lock = threading.Lock()

    def _maybe_fail(self):
        with self.lock:
            if self.busy > 0:
                self.busy -= 1
                raise RuntimeError("database is locked")

    def write(self, rec):
        """The recorder's API: start, turn and finish records of a call keyed by `call`."""
        self._maybe_fail()
        if rec["event"] == "start":
            sid = len(self.sessions) + 1
            self.keys[rec["call"]] = sid
            self.sessions[sid] = {"trainee": rec["trainee"], "cohort": rec["cohort"],
                                  "scenario": rec["scenario_id"], "mode": rec["mode"], "turns": [],
                                  "status": "in_progress"}
        elif rec["event"] == "turn":
            self.sessions[self.keys[rec["call"]]]["turns"].append(rec["row"]["idx"])
        else:
            self.sessions[self.keys[rec["call"]]]["status"] = rec["status"]
        return True

    def session_id_for(self, call):
        return self.keys.get(call)

    def close(self):
        pass

    def best_scores(self, trainee, cohort):
        return {}

    def leaderboard(self, cohort, scenario=None):
        return [{"rank": 1, "trainee": "[red]Zoe[/]", "best": 88.5, "resolved_rate": 0.5}]


class FrozenStore(FlakyStore):
    """Writes that never come back until `thaw` is set: a frozen disk or a hung server raises nothing."""

    def __init__(self):
        super().__init__()
        self.thaw = threading.Event()

    def write(self, rec):
        self.thaw.wait()
        return super().write(rec)


async def test_a_store_that_never_answers_is_told_and_does_not_hold_up_leaving(make, monkeypatch):
    """Trial 29: on a frozen disk nothing said the call was not in the store, and q left a blank
    screen for minutes (closing the store waited on the stuck write), Ctrl+C ignored."""
    import time

    monkeypatch.setattr("simulator.store.recorder.STALL_SECONDS", 0.2)
    store = FrozenStore()
    app = make(store=store)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await play_the_en_drill_to_its_end(pilot)
            for _ in range(200):
                if any("has not answered for" in n.message for n in app._notifications):
                    break
                await pilot.pause(0.02)
            assert any("has not answered for" in n.message for n in app._notifications)
            assert app.store_trouble == "call.store_waiting"
            began = time.monotonic()
            app.exit()
        assert time.monotonic() - began < 6.0
        assert app.exit_report.stuck and app.exit_report.unsaved_calls == 1
    finally:
        store.thaw.set()


def test_a_real_run_with_a_stuck_store_ends_soon_after_leaving(tmp_path):
    """The whole way, in a process of its own: app.run() returns, the message is printed and the
    process ends, while the store's write is still stuck (the review: a Textual thread worker had
    kept app.run() waiting at exit for the stuck write)."""
    import subprocess
    import sys
    import textwrap
    import time
    from pathlib import Path

    script = textwrap.dedent(f"""
        import functools, threading
        from simulator.settings import Settings
        from simulator.tui import launch
        from simulator.tui.app import make_app
        from tests.tui.conftest import DRILLS, stub_scorer
        from tests.tui.test_app import FrozenStore

        settings = Settings(trainee="Ann", cohort="c1", config_dir={str(tmp_path)!r}, seed=1,
                            animate=False, cursor_blink=False)
        app = make_app(DRILLS, store=FrozenStore(), settings=settings, scorer=stub_scorer)
        app.run = functools.partial(app.run, headless=True)
        threading.Timer(1.5, lambda: app.call_from_thread(lambda: app.start_call(app.library[0]))).start()
        threading.Timer(3.0, lambda: app.call_from_thread(app.exit)).start()
        raise SystemExit(launch._run(app))
    """)
    began = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[2],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 3, done.stderr[-2000:]
    assert time.monotonic() - began < 20
    assert "could not reach the session store" in done.stderr


def test_leaving_with_a_stuck_store_ends_the_process_without_waiting_for_it(monkeypatch, capsys):
    """The interpreter would join the stuck writer thread at exit: the launcher leaves at once,
    after the message (os._exit, faked here), with the exit code for calls kept on this computer."""
    from simulator.store.recorder import CloseReport
    from simulator.tui import launch

    class App:
        return_code = None
        exit_report = CloseReport(unsaved_calls=1, stuck=True)

        def run(self):
            pass

        def exit_message(self):
            return "1 call(s) could not reach the session store."

    left = []
    monkeypatch.setattr(launch.os, "_exit", lambda code: left.append(code))
    launch._run(App())
    assert left == [3] and "could not reach" in capsys.readouterr().err


async def test_every_turn_reaches_a_busy_store(make, monkeypatch):
    monkeypatch.setattr("simulator.store.recorder.RETRY_DELAYS", (0.01,))
    store = FlakyStore(busy=3)
    app = make(store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await play_the_en_drill_to_its_end(pilot)
        for _ in range(100):
            if store.sessions and store.sessions[1]["status"] != "in_progress":
                break
            await pilot.pause(0.02)
        notices = [n.message for n in app._notifications]
        assert any("not answering" in m for m in notices)
    assert store.sessions[1]["turns"] == [0, 1]
    assert store.sessions[1]["status"] == "completed"
    assert store.sessions[1]["mode"] == "coach"


async def test_leaving_a_call_records_it_as_left(make):
    store = FlakyStore()
    app = make(store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await send(pilot, "我明白")
        await pilot.press("escape", "l")
        await pilot.pause()
    assert store.sessions[1]["status"] == "left"
    assert store.sessions[1]["turns"] == [0]


async def test_a_call_whose_browser_tab_closes_is_recorded_as_left(make):
    from textual import messages

    store = FlakyStore()
    app = make(store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await send(pilot, "我明白")
        app.post_message(messages.ExitApp())  # what Textual's web driver posts when the tab closes
        await pilot.pause()
        assert store.sessions[1]["status"] == "left"  # before the test harness shuts the app down
    assert store.sessions[1]["turns"] == [0]


async def test_leaderboard_shows_the_cohort_rows_as_plain_text(make):
    app = make(store=FlakyStore())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LeaderboardScreen)
        await wait_for_rows(pilot)
        text = screen_text(app)
        assert "[red]Zoe[/]" in text and "88.5" in text and "50%" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)


async def test_real_store_records_a_call_and_ranks_it(settings, tmp_path):
    from simulator.store.store import Store

    url = f"sqlite:///{tmp_path / 'calls.sqlite3'}"
    app = make_app(DRILLS, db_url=url, settings=settings, scorer=stub_scorer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        await send(pilot, "I understand, sorry")
        await send(pilot, "I will cancel it")
        await pilot.press("enter", "escape", "l")
        await pilot.pause()
        await wait_for_rows(pilot)
        assert "Ann Lee" in screen_text(app)
    with Store.open(url) as store:
        rows = store.sessions(cohort="A1")
        assert [(r.status, r.turns, r.ending) for r in rows] == [("completed", 2, "resolved")]


async def test_debug_panel_explains_turns_and_reloads_on_save(settings, tmp_path):
    path = tmp_path / "drill.yaml"
    shutil.copy(DRILLS / "drill-en.yaml", path)
    app = make_app(debug_scenario=path, settings=settings, scorer=stub_scorer)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        call = app.screen
        assert isinstance(call, CallScreen) and call.debug_path == path
        await send(pilot, "I understand")
        text = screen_text(app)
        assert "Acts: acknowledge" in text
        assert "listening level 2 (−6)" in text  # the mood change and its cause
        assert "→ demand_cancel" in text and "✓ listening level >= 1" in text
        # a broken save: lint problems shown, the old scenario kept
        path.write_text(path.read_text().replace("to: resolved", "to: resolvd"))
        call._mtime = -1
        call._check_reload()
        await pilot.pause()
        assert app.screen is call
        assert "Reload failed" in screen_text(app) and "resolvd" in screen_text(app)
        # a good save: the call restarts on the new file
        path.write_text((DRILLS / "drill-en.yaml").read_text().replace("Rex Moody", "Rex Jolly"))
        call._mtime = -1
        call._check_reload()
        await pilot.pause()
        assert app.screen is not call and app.screen.scenario.persona.name == "Rex Jolly"
        assert "Reloaded drill.yaml" in screen_text(app)


async def test_bundled_stories_play_the_same_in_the_app_as_in_the_engine(tmp_path, clock):
    """The app adds nothing to the engine: each bundled scenario's first story, typed into the
    app with the real scorer, ends where a plain Session with the same seed ends."""
    library, _ = load_library()
    assert library
    for sc in library:
        if not sc.stories:
            continue
        story = sc.stories[0]
        replies = [r if isinstance(r, str) else r.text for r in story.replies]
        engine = Session(sc, seed=story.seed)
        for text in replies:
            if engine.over:
                break
            engine.reply(text)
        settings = Settings(trainee="T", cohort="C", config_dir=tmp_path, seed=story.seed,
                            clock=clock, animate=False, cursor_blink=False)
        app = make_app(settings=settings, library=[sc])
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            call = app.screen
            for text in replies:
                if call.session.over:
                    break
                await send(pilot, text)
            assert [t.state_after for t in call.session.turns] == [t.state_after for t in engine.turns], sc.id
            assert call.session.ending == engine.ending
            if call.session.over:
                await pilot.press("enter")
                await pilot.pause()
                assert isinstance(app.screen, DebriefScreen)


async def test_a_save_during_a_pause_reloads_after_resuming(settings, tmp_path):
    path = tmp_path / "drill.yaml"
    shutil.copy(DRILLS / "drill-en.yaml", path)
    app = make_app(debug_scenario=path, settings=settings, scorer=stub_scorer)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        call = app.screen
        await pilot.press("escape")
        await pilot.pause()
        path.write_text(path.read_text().replace("Rex Moody", "Rex Jolly"))
        call._mtime = -1
        call._check_reload()
        await pilot.pause()
        assert type(app.screen).__name__ == "PauseScreen"  # the pause is never swept away
        await pilot.press("enter")
        await pilot.pause()
        call._check_reload()
        await pilot.pause()
        assert app.screen is not call and app.screen.scenario.persona.name == "Rex Jolly"


async def test_a_call_the_database_cannot_take_is_kept_and_the_trainee_is_told_where(make, _own_journal):
    app = make(db_url="postgresql+psycopg://mg:secret@127.0.0.1:1/nowhere")
    async with app.run_test(size=(80, 24)) as pilot:
        await play_the_en_drill_to_its_end(pilot)
        for _ in range(50):
            if app._notifications:
                break
            await pilot.pause(0.05)
        notices = " ".join(n.message for n in app._notifications)
        assert "cannot be opened" in notices and "kept on this computer" in notices
        assert "secret" not in notices
        app.exit()
    message = app.exit_message()
    assert "1 call(s) could not reach the session store" in message and str(_own_journal) in message
    # which store: the next start with another one does not save them (trial 23); no password shown
    assert "127.0.0.1:1/nowhere" in message and "next time Mystery Guest starts with that store" in message
    assert "secret" not in message
    assert len(list(_own_journal.glob("*.jsonl"))) == 1


def test_the_app_leaves_when_its_terminal_has_gone(make, monkeypatch):
    """Run through su or sudo, the app is not sent the hang-up when its terminal closes, and
    Textual's input thread then reads end-of-file at full CPU for ever (seen after `tmux
    kill-session`); the app checks every 2 s and leaves, recording the call as on a hang-up."""
    import os
    import sys

    master, slave = os.openpty()
    terminal = os.fdopen(slave, "r")
    monkeypatch.setattr(sys, "__stdin__", terminal)
    app = make()
    left = []
    monkeypatch.setattr(app, "exit", lambda *a, **k: left.append(True))
    try:
        app._check_terminal()
        assert left == []  # the terminal is there
        os.close(master)  # the terminal window closes
        app._check_terminal()
        assert left == [True]
    finally:
        terminal.close()
