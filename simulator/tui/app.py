"""The trainee app: `make_app(...)` builds it for the CLI, the tests and the benchmarks.

Nothing happens at import time: the factory loads the scenario library; the database (if
any) is opened in a thread worker after the first screen is up, and every turn is written
through the CallRecorder (simulator/store/recorder.py) in that worker, so the call never
waits on the database and a call the database cannot take is kept in the local journal.
"""
from __future__ import annotations

import gc
import os
import random
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive

from simulator.scenario import Scenario
from simulator.settings import Settings
from simulator.tui.i18n import Catalog, system_language
from simulator.store.recorder import CallRecorder


class StoreNotice(Message):
    """The recorder has something to tell the trainee (posted from its thread)."""

    def __init__(self, key: str, values: dict[str, Any]) -> None:
        super().__init__()
        self.key = key
        self.values = values


class ReleaseKeys(Message):
    """Sent after a Tab or Enter: the keys typed behind it go on once the focus has settled."""

    def __init__(self, deadline: float) -> None:
        super().__init__()
        self.deadline = deadline  # they go on by then in any case


# Keys that may move the focus (to the next field, a new screen, the pause screen); keys behind
# them, or behind any other bound key that is not typed (Backspace), wait until they have acted.
FOCUS_KEYS = frozenset({"tab", "shift+tab", "enter", "escape"})
HOLD_KEYS_AT_MOST = 0.5  # seconds: a screen that never settles (a clock ticking) still gets its keys


class MysteryGuestApp(App):
    """Picker -> call -> debrief, plus the leaderboard; or straight into a play-test call."""

    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = False
    TITLE = "Mystery Guest"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True)]

    def __init__(self, library: list[Scenario] | Callable[[], tuple[list[Scenario], list]], *,
                 settings: Settings, problems=(),
                 store=None, open_store: Callable[[], Any] | None = None, journal=None,
                 debug_scenario: Path | None = None,
                 scorer: Callable | None = None, live: tuple[str, str] | None = None) -> None:
        """`library`: the scenarios, or a function that loads them (and their problems) on first use."""
        super().__init__()
        from simulator.tui.paste import guard_pastes

        guard_pastes()  # a paste with escape codes arrives as one paste, not as scrambled key presses
        self.live = live  # ("class", cohort) | ("guest", code) | ("join", code) | ("watch", code or cohort)
        self.settings = settings
        self._load_library = library if callable(library) else None
        self._library: list[Scenario] | None = None if callable(library) else library
        self._problems = list(problems)
        self.store = store  # for reading (best scores, leaderboard) once the recorder has opened it
        self.debug_scenario = debug_scenario
        self.scorer = scorer
        self.recorder: CallRecorder | None = None
        self.exit_report = None  # the recorder's CloseReport, printed after the terminal is released
        self.live_error: str | None = None  # why a live screen could not open (printed the same way)
        if store is not None or open_store is not None:
            self.recorder = CallRecorder(store, open_store=open_store, journal=journal,
                                         notice=self._store_notice)
        self._catalogs: dict[str, Catalog] = {}
        self._best_here: dict[str, float] = {}  # best scores of this run
        self._best_stored: dict[str, float] = {}  # best scores read from the store
        self._best_reviewed: set[str] = set()  # scenarios whose stored best is a trainer's review
        self.ui_choice: str | None = None  # the language chosen with t on the scenario list this run
        self._last_try: dict[str, Any] = {}  # scenario id -> debrief.Attempt of this run's last finished call
        self._lots = random.Random(settings.seed)
        self._frozen = False  # start-up's objects are out of the cyclic GC's sight (gc.freeze)
        self._signals: list = []  # (event loop, signal) handlers to take off again (_catch_hang_up)
        self._held_keys: list[events.Event] | None = None  # keys and pastes behind a Tab/Enter not yet settled
        self._releasing = False

    # ------------------------------------------------------------------ the library
    @property
    def library(self) -> list[Scenario]:
        """The scenarios, loaded on first use: the first-run screen does not wait for them."""
        if self._library is None:
            self._library, problems = self._load_library()
            self._problems = list(problems)
        return self._library

    @library.setter
    def library(self, scenarios: list[Scenario]) -> None:
        self._library = scenarios

    @property
    def problems(self) -> list:
        """The library's broken files (their error diagnostics)."""
        self.library  # noqa: B018 - loads them with the library
        return self._problems

    # ------------------------------------------------------------------ language
    @property
    def ui_lang(self) -> str:
        """Language of screens not tied to one scenario (welcome, picker, leaderboard): the one chosen
        on the scenario list this run (t), else --lang, else the one chosen there before
        (remembered), else the terminal's locale, else,
        when the terminal does not say, the language every scenario of the library shares (a zh
        library opens in Chinese), else English."""
        return (self.ui_choice or self.settings.lang or self.settings.ui_lang or system_language()
                or self._library_language() or "en")

    def _library_language(self) -> str | None:
        locales = {sc.locale for sc in self.library}
        return locales.pop() if len(locales) == 1 else None

    def catalog(self, locale: str | None = None) -> Catalog:
        """Messages for a screen: a call's (`locale`: its scenario's) in --lang, else in its own
        language; any other screen's in ui_lang."""
        lang = (self.settings.lang or locale) if locale else self.ui_lang
        if lang not in self._catalogs:
            self._catalogs[lang] = Catalog(lang)
        return self._catalogs[lang]

    # ------------------------------------------------------------------ typing ahead
    # Keys typed while the app starts or is busy arrive in one burst, and Textual picks each key's
    # widget as it arrives, before an earlier Tab or Enter has moved the focus: the cohort typed
    # after "name, Tab" lands in the name. So the keys behind a focus key wait until no message is
    # left on their way on the screen (the focus has moved by then), and go on in the order typed;
    # a paste behind them waits with them. (A held key reaches its widget up to HOLD_KEYS_AT_MOST
    # late: the call screen's typing clock may start that much after the key was pressed.)
    # A key with a priority binding (Enter on the scenario list, Home) acts as soon as the app reads
    # it, before the keys typed ahead of it have reached their widget ("Down Down Enter" started the
    # first scenario): it waits for them the same way.
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and event.key == "ctrl+j" and not event.is_forwarded:
            # Enter pressed while the app starts, before the terminal leaves line mode, is turned
            # into a newline by the terminal and arrives as Ctrl+J: the name and cohort typed at once
            # with it never started. Ctrl+J is Enter as a shell's line editor reads it, too.
            event = events.Key("enter", "\r")
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded and self._held_keys is not None:
            self._held_keys.append(event)
            return
        if isinstance(event, events.Key) and not event.is_forwarded:
            if not self._releasing and self._priority_key(event.key) and self._in_flight():
                self._hold([event])
                return
            if event.key in FOCUS_KEYS or self._bound_late(event):
                self._hold([])
        await super().on_event(event)

    def _hold(self, keys: list[events.Event]) -> None:
        """From now on keys wait (after `keys`) until the screen has settled, or HOLD_KEYS_AT_MOST."""
        self._held_keys = keys
        self.post_message(ReleaseKeys(time.monotonic() + HOLD_KEYS_AT_MOST))

    async def _on_release_keys(self, message: ReleaseKeys) -> None:
        if not self.screen_stack:  # closing
            return
        if not self._settled() and time.monotonic() < message.deadline:
            self.set_timer(0.005, lambda: self.post_message(ReleaseKeys(message.deadline)))
            return
        held, self._held_keys = self._held_keys or [], None
        self._releasing = True  # they have waited: none is held again for what is in flight
        try:
            for index, key in enumerate(held):
                await self.on_event(key)
                if self._held_keys is not None:  # another focus key: the rest wait again
                    self._held_keys.extend(held[index + 1:])
                    return
        finally:
            self._releasing = False

    def _in_flight(self) -> bool:
        """A message waits in some queue of the screen's widgets (a key on its way, say)."""
        # A key being handled is always in one of these queues between two steps of the event loop:
        # a widget done with it posts it to its parent before it lets another task run.
        return any(node.message_queue_size for node in self.screen.walk_children(with_self=True))

    def _settled(self) -> bool:
        """Nothing waits in the app's queue or in any queue of the screen's widgets."""
        return not self.message_queue_size and not self._in_flight()

    def _bound_late(self, event: events.Key) -> bool:
        """A key that is not typed but bound (Backspace, Ctrl+U in a text box): its action runs once
        the key has come back up to the app, after letters typed behind it went into the box
        ("abc", Backspace, "d" had left "abc"; Ctrl+U then a name, an empty box: trial 22). Where no
        text box has the focus a letter is such a key too: "n" on the scenario list opens the name
        box, and the name typed behind it had gone to the list (trial 27)."""
        if event.is_printable and self._typing_into_a_box():
            return False
        return any(bindings.key_to_bindings.get(event.key) for _, bindings in self.screen._modal_binding_chain)

    def _typing_into_a_box(self) -> bool:
        from textual.widgets import Input, TextArea

        return isinstance(self.screen.focused, (Input, TextArea))

    def _priority_key(self, key: str) -> bool:
        """Whether `key` has a priority binding here: it acts before the focused widget sees it."""
        return any(b.priority for _, bindings in self.screen._binding_chain for b in bindings.key_to_bindings.get(key, ()))

    # ------------------------------------------------------------------ start-up
    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.title = self.catalog()("app.title")
        # Opening the database (SQLAlchemy) and loading the scorer wait until the first screen has
        # been drawn: in threads beside it they would slow it down (they hold the GIL while importing).
        self.call_after_refresh(self._after_first_paint)
        if self.debug_scenario is not None:
            from simulator.tui.call_screen import CallScreen

            self.push_screen(CallScreen(self.library[0], debug_path=self.debug_scenario))
            return
        if self.live is not None and self.live[0] != "join":
            self.open_live(*self.live)  # the trainer's and the projector's screens need no name
            return
        if self.live is not None:  # join: the live call opens over the picker
            self._open_picker()
            self.open_live(*self.live)
            return
        if not self.settings.trainee:
            self.ask_name()  # first run: the picker opens once a name is given (a quicker first screen)
            return
        self._open_picker()

    def _open_picker(self) -> bool:
        """Open the picker unless it is open already; True when it was opened (it fills itself)."""
        from simulator.tui.picker_screen import PickerScreen

        if any(isinstance(screen, PickerScreen) for screen in self.screen_stack):
            return False
        self.push_screen(PickerScreen())
        return True

    def action_help_quit(self) -> None:
        """Ctrl+C does not quit (in a text box it copies): say how to quit, in the screen's language."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                tr = getattr(self.screen, "tr", None) or self.catalog()
                shown = "+".join(part.capitalize() for part in key.split("+"))
                self.notify(tr("app.quit_hint", keys=shown), title=tr("app.quit_title"), markup=False)
                return

    def _after_first_paint(self) -> None:
        from simulator.tui.launch import resume_gc

        resume_gc()  # off since the launch began (a run from the terminal): see pause_gc_for_start_up
        self.library  # noqa: B018 - loaded now (if the first screen did not need it), before the threads
        if not self.is_headless and sys.__stdin__ is not None and sys.__stdin__.isatty():
            self.set_interval(2.0, self._check_terminal, name="terminal-check")
            self._catch_hang_up()
        if self.recorder is not None:
            # A daemon thread, not a Textual worker: a worker runs in asyncio's default executor,
            # which app.run() waits for at exit with no time limit, stuck writes and all (trial 29).
            threading.Thread(target=self._store_loop, name="mystery-guest-store", daemon=True).start()
            # a write that never comes back raises nothing: looked at from here (trial 29, a frozen disk)
            self.set_interval(2.0, self.recorder.tell_if_stalled, name="store-stall")
        self.run_worker(self._warm_up_scorer, thread=True, group="warm-up", exit_on_error=False)

    def _warm_up_scorer(self) -> None:
        """Score a throwaway reply per language once, off screen, so the trainee's first real
        reply does not pay for loading the lexicons and models (about 300 ms). Then everything
        start-up made is frozen out of the cyclic GC's sight: a full collection during a call
        would otherwise walk the models, the library and Textual each time (100-200 ms)."""
        from scoring import ReplyContext, score_reply

        scorer = self.scorer or score_reply
        for locale in sorted({sc.locale for sc in self.library}):
            scorer("ok", ReplyContext(locale=locale, stage="venting"))
        gc.collect()
        gc.freeze()
        self._frozen = True

    def _store_loop(self) -> None:
        """The store's thread: the recorder opens the store (retrying), saves journalled calls,
        reads best scores once it is open, then writes records in order until it is stopped
        (CallRecorder.stop: the app's unmount, or close() on leaving)."""
        recorder = self.recorder

        def when_open() -> None:
            while not recorder.store_ready.wait(1.0):  # the recorder retries a store that is down
                if recorder.stopping:
                    return
            self.store = recorder.store
            self._load_best_scores()

        threading.Thread(target=when_open, name="mystery-guest-best", daemon=True).start()
        recorder.run()

    def _load_best_scores(self) -> None:
        try:
            raw = self.store.best_scores(self.settings.trainee, self.settings.cohort)
        except Exception as exc:
            # a read that failed says nothing about saving calls: not the bar's "not in the store"
            self._store_notice("store.scores_unread", error=type(exc).__name__)
            return
        # {scenario_id: BestScore(best=..., attempts=...)}; best is None until a call is completed
        self._best_stored = {sid: float(b.best) for sid, b in (raw or {}).items()
                             if getattr(b, "best", None) is not None}
        self._best_reviewed = {sid for sid, b in (raw or {}).items() if getattr(b, "best_reviewed", False)}
        try:
            self.call_from_thread(self._refresh_picker)
        except RuntimeError:
            pass  # the app is closing

    def _store_notice(self, key: str, **values) -> None:
        self.post_message(StoreNotice(key, values))  # thread-safe; never blocks the writer

    # While the store is not taking calls, the call screen's bar says so for as long as it lasts
    # (trial 26: a five-second notice was missed mid-reply, and the picker showed a new best as if saved).
    STORE_TROUBLE = {"store.busy": "call.store_waiting", "store.stalled": "call.store_waiting",
                     "store.unavailable": "call.store_waiting",
                     "store.corrupt": "call.store_waiting", "store.read_only": "call.store_waiting",
                     "store.nowhere": "call.store_nowhere"}
    store_trouble: reactive[str | None] = reactive(None)  # the bar's line (a catalog key); None: being saved

    def on_store_notice(self, event: StoreNotice) -> None:
        if event.key in self.STORE_TROUBLE:
            if self.store_trouble != "call.store_nowhere":  # the worse news stays until the store is back
                self.store_trouble = self.STORE_TROUBLE[event.key]
        elif event.key in ("store.recovered", "store.recovered_calls", "store.rejected"):  # it answers again
            self.store_trouble = None
        if event.key in ("store.read_only", "store.nowhere"):  # nothing saved until someone acts: shown longer
            self.notify(self.catalog()(event.key, **event.values), severity="error", timeout=20, markup=False)
            return
        self.notify(self.catalog()(event.key, **event.values), severity="warning", markup=False)

    # ------------------------------------------------------------------ trainee
    def ask_name(self) -> None:
        from simulator.tui.welcome_screen import WelcomeScreen

        def done(result: tuple[str, str] | None) -> None:
            if result is None:
                return
            if result != (self.settings.trainee, self.settings.cohort):
                self._best_here.clear()  # someone else's scores
                self._best_stored, self._best_reviewed = {}, set()
            self.settings.trainee, self.settings.cohort = result
            self.settings.save()
            if self.store is not None:
                self.run_worker(self._load_best_scores, thread=True, group="best", exit_on_error=False)
            if not self._open_picker():
                self._refresh_picker()

        self.push_screen(WelcomeScreen(self.catalog(), self.settings.trainee, self.settings.cohort), done)

    def best_scores(self) -> dict[str, float]:
        """Best overall score per scenario id: the store's, or better ones from this run."""
        best = dict(self._best_stored)
        for key, value in self._best_here.items():
            best[key] = max(value, best.get(key, value))
        return best

    def best_is_reviewed(self, scenario_id: str) -> bool:
        """The best score on this scenario is a trainer's review of a call (not beaten since)."""
        return (scenario_id in self._best_reviewed and
                self._best_here.get(scenario_id, -1.0) < self._best_stored.get(scenario_id, 0.0))

    def note_score(self, scenario_id: str, overall: float | None) -> None:
        if overall is not None:
            self._best_here[scenario_id] = max(overall, self._best_here.get(scenario_id, overall))

    def _refresh_picker(self) -> None:
        from simulator.tui.picker_screen import PickerScreen

        for screen in self.screen_stack:
            if isinstance(screen, PickerScreen):
                screen.refresh_rows()

    # ------------------------------------------------------------------ the live class
    def open_live(self, what: str, value: str) -> None:
        """Open a live screen once the store is open: the class console for a cohort, or the guest
        console, the trainee's call or the watch view of a call code (watch: a cohort's newest call)."""
        from simulator.tui.live import open_live_screen

        self.run_worker(lambda: open_live_screen(self, what, value), thread=True, group="live",
                        exit_on_error=False)

    def wait_for_store(self, timeout: float | None = None):
        """The open store (blocking: call from a thread), or None without one."""
        if self.recorder is None:
            return self.store
        self.recorder.store_ready.wait(timeout)
        if self.recorder.store_ready.is_set():
            self.store = self.store or self.recorder.store
            return self.store
        return None

    def live_link(self, call, deliver):
        """A started LiveLink to `call` whose events reach `deliver` on the app's thread, in order."""
        from simulator.store.live import LiveLink

        def hand_over(events) -> None:
            try:
                self.call_from_thread(deliver, events)
            except RuntimeError:
                pass  # the app is closing

        return LiveLink(self.store, call, hand_over, notice=self._store_notice).start()

    def follow_class(self, call) -> None:
        """After `call`, open the watch view of the cohort's next live call as soon as it starts."""
        from simulator.tui.live import follow

        self.run_worker(lambda: follow(self, call), thread=True, group="follow", exclusive=True,
                        exit_on_error=False)

    def live_call_ended(self, call, session) -> None:
        """A live call reached its ending: the class console (if open) prepares the next one."""
        from simulator.tui.class_screen import ClassScreen

        for screen in self.screen_stack:
            if isinstance(screen, ClassScreen):
                screen.call_done(call)

    def scenario_named(self, scenario_id: str) -> Scenario | None:
        return next((sc for sc in self.library if sc.id == scenario_id), None)

    # ------------------------------------------------------------------ calls
    def new_seed(self) -> int:
        return self.settings.seed if self.settings.seed is not None else random.randrange(2**31)

    def session_kwargs(self) -> dict[str, Any]:
        return {"scorer": self.scorer} if self.scorer is not None else {}

    def draw_lots(self) -> int:
        return self._lots.randrange(len(self.library))

    def next_scenario(self, sc: Scenario) -> Scenario:
        ids = [s.id for s in self.library]
        if sc.id not in ids:
            return sc
        return self.library[(ids.index(sc.id) + 1) % len(self.library)]

    def start_call(self, sc: Scenario, replace=None) -> None:
        from simulator.tui.call_screen import CallScreen

        screen = CallScreen(sc, debug_path=self.debug_scenario)
        if replace is not None:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def restart_call(self, old, sc: Scenario, note: str = "") -> None:
        """The play-test file changed: a fresh call on the reloaded scenario."""
        from simulator.tui.call_screen import CallScreen

        if not old.session.over and not old.finished_recorded:
            self.record_finish(old.store_call, old.session, "abandoned")
            old.finished_recorded = True
        self.library = [sc if s.id == sc.id else s for s in self.library] if self.debug_scenario is None else [sc]
        self.switch_screen(CallScreen(sc, debug_path=self.debug_scenario, note=note))

    def show_debrief(self, call) -> None:
        from simulator import debrief
        from simulator.tui.debrief_screen import DebriefScreen

        scenario_id = call.session.scenario.id
        previous = self._last_try.get(scenario_id)  # "try again" is set beside the try before it
        if call.session.ending is not None:
            self._last_try[scenario_id] = debrief.attempt(call.session)
        self.switch_screen(DebriefScreen(call.session, trainee=call.live.trainee if call.live else None,
                                         previous=previous))

    def leave_call(self, call) -> None:
        if self.debug_scenario is not None:
            self.exit()
            return
        self.back_to_picker()

    def back_to_picker(self) -> None:
        from simulator.tui.picker_screen import PickerScreen

        if self.debug_scenario is not None:
            self.exit()
            return
        while len(self.screen_stack) > 1 and not isinstance(self.screen, PickerScreen):
            self.pop_screen()

    # ------------------------------------------------------------------ the store
    def record_start(self, session, mode: str, live=None) -> str | None:
        """Start recording a call: under the trainee and cohort of the settings, or of a live call."""
        trainee, cohort = (live.trainee, live.cohort) if live else (self.settings.trainee, self.settings.cohort)
        if self.recorder is None or not (trainee and cohort):
            return None  # the store files every call under a trainee and a cohort
        return self.recorder.start(trainee=trainee, cohort=cohort, session=session, mode=mode)

    def record_turn(self, call: str | None, turn) -> None:
        if self.recorder is not None and call is not None:
            self.recorder.turn(call, turn)

    def record_finish(self, call: str | None, session, status: str) -> None:
        if self.recorder is not None and call is not None:
            self.recorder.finish(call, session, status)

    def exit(self, *args, **kwargs) -> None:
        """Leave the app: an unfinished call is kept as left, queued records are written first."""
        self._leave()
        self._unfreeze()
        super().exit(*args, **kwargs)

    async def _on_exit_app(self) -> None:
        # Textual's ExitApp comes without exit() when a browser tab closes (textual-serve's
        # "quit" to the web driver) or on SIGTERM: the call is left all the same.
        self._leave()
        await super()._on_exit_app()

    def _catch_hang_up(self) -> None:
        """A closed terminal window (SIGHUP) or a plain `kill` (SIGTERM) leaves as `q` does: by
        default either ends the process at once, and a live call's last reply, held in memory for
        the caller's answer (CallScreen.unrecorded), was lost with it (trial 27)."""
        import asyncio
        import signal

        loop = asyncio.get_running_loop()
        for name in ("SIGHUP", "SIGTERM"):
            try:
                loop.add_signal_handler(getattr(signal, name), self.exit)
            except (AttributeError, NotImplementedError, RuntimeError, ValueError):  # not on Windows
                continue
            self._signals.append((loop, getattr(signal, name)))

    def _check_terminal(self) -> None:
        """Leave when the terminal has gone. A process started through su or sudo is not sent the
        hang-up when its terminal closes, and Textual's input thread then reads end-of-file at full
        CPU for ever (seen after `tmux kill-session`): a closed pseudo-terminal has no name left
        (st_nlink 0). The call is recorded as abandoned, as on a hang-up."""
        try:
            gone = os.fstat(sys.__stdin__.fileno()).st_nlink == 0
        except (OSError, ValueError, AttributeError):
            gone = True
        if gone:
            self.exit()

    def _leave(self) -> None:
        from simulator.tui.call_screen import CallScreen
        from simulator.tui.guest_screen import GuestScreen

        for screen in self.screen_stack:
            if isinstance(screen, GuestScreen) and not screen.session.over and screen.link is not None:
                link, screen.link = screen.link, None  # the trainee is told the caller's console closed
                link.send("trainer", here=False)
                link.close(timeout=2.0)
            if (isinstance(screen, CallScreen) and not screen.session.over and not screen.finished_recorded
                    and screen.joined):  # a live screen not yet on its call leaves nothing (and says nothing)
                if screen.unrecorded is not None:
                    self.record_turn(screen.store_call, screen.unrecorded)
                self.record_finish(screen.store_call, screen.session, "abandoned")
                screen.finished_recorded = True
                link, screen.link = screen.link, None
                if link is not None:  # a live call: the trainer's console shows the trainee has gone
                    link.send("left")
                    link.close(timeout=2.0)
        if self.recorder is not None and self.exit_report is None:
            self.exit_report = self.recorder.close(timeout=3.0)

    def on_unmount(self) -> None:
        for loop, signum in self._signals:
            loop.remove_signal_handler(signum)
        self._signals.clear()
        if self.recorder is not None:
            self.recorder.stop()  # its idle writer sleeps until woken: wake it to stop
        self._unfreeze()

    def _unfreeze(self) -> None:
        if self._frozen:  # the app's objects can be collected again (tests run many apps in one process)
            gc.unfreeze()
            self._frozen = False

    def exit_message(self) -> str | None:
        """One line for the terminal after the app has closed: where the trainee's calls are."""
        report = self.exit_report
        if report is None:
            return self.live_error
        tr = self.catalog()
        lines = [self.live_error] if self.live_error else []
        if report.unsaved_calls:
            lines.append(tr(report.unsaved_key, n=report.unsaved_calls, path=report.journal, where=report.store))
        elif report.saved_calls:
            lines.append(tr("store.saved"))
        return "\n".join(lines) or None


def make_app(scenario_dir: str | Path | None = None, db_url: str | None = None,
             settings: Settings | None = None, *, record: bool = False, store=None,
             debug_scenario: str | Path | None = None, scorer: Callable | None = None,
             lang: str | None = None, library: list[Scenario] | None = None,
             live: tuple[str, str] | None = None) -> MysteryGuestApp:
    """Build the app.

    scenario_dir: the library folder (default: the bundled scenarios).
    db_url / record: record sessions in the store at db_url (None with record=True: the store's
        default SQLite file); without either, nothing is recorded. `store` passes an open store.
    settings: remembered trainee + per-run knobs (clock, seed, animation); default: load from disk.
    debug_scenario: open a play-test call on this file with the debug panel, reloading on save.
    scorer: replaces scoring.score_reply (tests).
    library: scenarios already loaded (instead of reading scenario_dir).
    live: open a live-class screen first: ("class", cohort), ("guest", code), ("join", code) or
        ("watch", code or cohort); these need a store (db_url, record or store).
    """
    from simulator.loader import ScenarioError, check_file, load_library

    settings = settings if settings is not None else Settings.load()
    if lang:
        settings.lang = lang
    problems: list = []
    if debug_scenario is not None:
        debug_scenario = Path(debug_scenario)
        sc, diags = check_file(debug_scenario)
        if sc is None:
            raise ScenarioError(diags)
        library = [sc]
    elif library is None:
        def library():  # noqa: F811 - loaded by the app on first use (after the first screen when it can)
            found, problems = load_library(scenario_dir)
            found.sort(key=lambda s: (s.difficulty, s.title))
            return found, problems
    open_store: Callable[[], Any] | None = None
    journal = None
    if store is None and (record or db_url):
        # The URL is checked now (a bad one is one line before the app starts, see cli.py);
        # the database itself is opened by the recorder's thread after the first screen.
        from simulator.store.recorder import store_opener

        open_store, journal = store_opener(db_url)
    return MysteryGuestApp(library, settings=settings, problems=problems, store=store,
                           open_store=open_store, journal=journal, debug_scenario=debug_scenario,
                           scorer=scorer, live=live)
