"""The class console (`mystery-guest class --cohort C`): the trainer runs a live class.

The roster is the cohort's trainees in the store plus names typed in. Lots are drawn for the next
trainee (nobody twice until everyone has gone) and for the scenario (or the trainer picks one);
the trainer chooses who plays the caller (themselves or the machine) and starts the call, whose
short code the trainee types to join (`mystery-guest join CODE`) and the projector to watch.
"""
from __future__ import annotations

import random

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from simulator.settings import NAME_MAX, clean_name
from simulator.tui.keys import relabel, type_into

CLASS_HOURS = 12  # live calls this recent belong to the class now running
# The roster is read again this often, and when the console comes back from another screen: a
# trainee who joins the cohort meanwhile (a first call in the browser, `serve`) is on it.
ROSTER_REFRESH_SECONDS = 20.0


class Lots:
    """Drawing lots for who goes next: nobody twice until everyone has gone, then a new round."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.gone: set[str] = set()

    def draw(self, names: list[str]) -> str | None:
        if not names:
            return None
        left = [n for n in names if n not in self.gone]
        if not left:  # everyone has gone: a new round
            self.gone.clear()
            left = list(names)
        return self.rng.choice(left)


class ClassScreen(Screen):
    """The trainer's console for `cohort`."""

    BINDINGS = [
        Binding("d", "draw_trainee", "Draw trainee"),
        Binding("r", "draw_scenario", "Draw scenario"),
        Binding("g", "toggle_guest", "Guest"),
        Binding("s", "start_call", "Start call"),
        Binding("v", "review_calls", "Review calls"),
        Binding("q", "quit_app", "Quit"),
    ]

    def __init__(self, cohort: str) -> None:
        super().__init__()
        self.cohort = cohort
        self.tr = self.app.catalog()
        self.names: list[str] = []
        self.lots = Lots(self.app._lots)
        self.trainee: str | None = None
        self.scenario = None
        self.caller = "human"  # who plays the caller of the next call
        self.code: str | None = None

    def compose(self) -> ComposeResult:
        tr = self.tr
        yield Static(id="class-bar")
        with Horizontal(id="class-body"):
            with Vertical(id="class-roster"):
                yield Static(Text(tr("live.roster"), style="bold"))
                yield OptionList(id="roster")
                yield Input(placeholder=tr("live.add_name"), id="new-name", select_on_focus=False)
            with Vertical(id="class-scenarios"):
                yield Static(Text(tr("live.scenarios"), style="bold"))
                yield OptionList(*[Option(Text(sc.title), id=sc.id) for sc in self.app.library], id="class-library")
        yield Static(id="class-next")
        yield Footer()

    def on_mount(self) -> None:
        relabel(self, self.tr)
        self.query_one("#new-name", Input).cursor_blink = self.app.settings.cursor_blink
        self._show()
        self.query_one("#roster").focus()  # a name typed there goes to the name box (on_key)
        self._reload_roster()
        self.set_interval(ROSTER_REFRESH_SECONDS, self._reload_roster)

    def on_screen_resume(self) -> None:
        self._reload_roster()

    _reading = False  # a read is under way: a slow store gets no second one on top
    _read_once = False  # a read has succeeded: from then on the console keeps who has gone itself
    _said_unavailable = False

    def _reload_roster(self) -> None:
        if not self._reading:
            self._reading = True
            self.app.run_worker(lambda: self._load_roster(not self._read_once), thread=True, group="roster",
                                exit_on_error=False)

    def _load_roster(self, first: bool = True) -> None:
        from datetime import timedelta

        from simulator.store.live import roster, trainees_called
        from simulator.store.store import utcnow

        try:
            names = roster(self.app.store, self.cohort)
            # a console restarted during a class remembers who has gone (calls of the last CLASS_HOURS);
            # once running it keeps count itself (a new round of lots must not be undone by a reload)
            gone = trainees_called(self.app.store, self.cohort, utcnow() - timedelta(hours=CLASS_HOURS)) if first else []
        except Exception as exc:  # noqa: BLE001 - the class can go on with typed names
            error = type(exc).__name__
            self.app.call_from_thread(lambda: self._not_read(error))
            return
        self.app.call_from_thread(lambda: self._loaded(names, gone))

    def _not_read(self, error: str) -> None:
        self._reading = False
        if not self._read_once and not self._said_unavailable:
            self._said_unavailable = True  # said once; the reloads try again quietly
            self.notify(self.tr("live.unavailable", error=error), severity="warning", markup=False)

    def _loaded(self, names: list[str], gone: list[str]) -> None:
        self._reading, self._read_once = False, True
        gone_now = {n for n in gone if n in names} - self.lots.gone
        if not gone_now and all(clean_name(n) in self.names for n in names):
            return  # nothing new: the list is not redrawn under the trainer's cursor
        self.lots.gone.update(gone_now)
        self.add_names(names)
        if self.focused is None and self.names:  # the empty roster could not hold the focus
            self.query_one("#roster").focus()

    def add_names(self, names: list[str]) -> None:
        for name in names:
            name = clean_name(name)
            if name and name not in self.names:
                self.names.append(name)
        self._show()

    # ------------------------------------------------------------------ what the trainer sees
    def _show(self) -> None:
        tr = self.tr
        roster = self.query_one("#roster", OptionList)
        at = roster.highlighted
        roster.clear_options()
        for name in self.names:
            label = Text("✓ " if name in self.lots.gone else "  ", style="green")
            label.append(name, style="bold" if name == self.trainee else "")
            roster.add_option(Option(label, id=name))
        if self.names:
            roster.highlighted = min(at or 0, len(self.names) - 1)
        bar = Text(no_wrap=True, overflow="ellipsis")
        bar.append(f" {tr('live.class_title')} ", style="bold reverse")
        bar.append(f"  {tr('picker.cohort')} ", style="bold")
        bar.append(self.cohort)
        bar.append(f"  {tr('live.caller')} ", style="bold")
        bar.append(tr("live.caller_human" if self.caller == "human" else "live.caller_machine"), style="bold #4fc3f7")
        self.query_one("#class-bar", Static).update(bar)
        nxt = Text()
        nxt.append(tr("live.next") + " ", style="bold")
        nxt.append(self.trainee or "—", style="bold #4fc3f7")
        nxt.append("  ·  ")
        nxt.append(self.scenario.title if self.scenario else "—", style="bold")
        if self.code:
            nxt.append("\n" + tr("live.join_with") + " ", style="bold")
            nxt.append(f" {self.code} ", style="bold reverse #ffd54f")
            nxt.append("   mystery-guest join " + self.code, style="dim")
        self.query_one("#class-next", Static).update(nxt)

    # ------------------------------------------------------------------ the trainer acts
    def on_key(self, event: events.Key) -> None:
        """A name typed on the lists goes into the name box (the console's own keys are lowercase
        letters, and a name starts with a capital: "Lin Mei"); Esc leaves the box for the roster."""
        box = self.query_one("#new-name", Input)
        if self.focused is box and event.key == "escape":
            (self.query_one("#roster") if self.names else self.query_one("#class-library")).focus()
            event.stop()
            return
        # A printable key that reaches the screen while the box has the focus was sent to a list
        # before the box took it (keys typed fast arrive together): it is part of the name, even
        # a console key ("Wang Fang" had lost its g's to "Guest").
        typing = self.focused is box
        if event.is_printable and event.character and (typing or event.key not in {b.key for b in self.BINDINGS}):
            type_into(box, event)

    @on(Input.Submitted, "#new-name")
    def _name_typed(self, event: Input.Submitted) -> None:
        name = clean_name(event.value)
        if name:
            self.add_names([name])
            if name != event.value.strip():
                self.notify(self.tr("live.name_cleaned", name=name, max=NAME_MAX), markup=False)
            # The keys go back to the roster, where the footer's keys work ("d" had typed a d into
            # the box: trial 21); another name, capital first, still goes into the box (on_key).
            self.query_one("#roster").focus()
        event.input.clear()

    @on(OptionList.OptionSelected, "#roster")
    def _trainee_picked(self, event: OptionList.OptionSelected) -> None:
        self.trainee = event.option.id
        self._show()

    @on(OptionList.OptionSelected, "#class-library")
    def _scenario_picked(self, event: OptionList.OptionSelected) -> None:
        self.scenario = self.app.scenario_named(event.option.id)
        self._show()

    def action_draw_trainee(self) -> None:
        self.trainee = self.lots.draw(self.names)
        if self.trainee is None:
            self.notify(self.tr("live.no_names"), markup=False)
        self._show()

    def action_draw_scenario(self) -> None:
        if self.app.library:
            self.scenario = self.app.library[self.app.draw_lots()]
            self._show()

    def action_toggle_guest(self) -> None:
        self.caller = "machine" if self.caller == "human" else "human"
        self._show()

    def action_start_call(self) -> None:
        """Open the live call for the chosen trainee and scenario, then the guest console."""
        if not self.trainee or self.scenario is None:
            self.notify(self.tr("live.choose_first"), markup=False)
            return
        from simulator.store.live import open_call

        trainee, sc, caller, store = self.trainee, self.scenario, self.caller, self.app.store
        seed = self.app.new_seed()

        def start() -> None:
            try:
                call = open_call(store, cohort=self.cohort, trainee=trainee, scenario_id=sc.id, caller=caller,
                                 seed=seed)
            except Exception as exc:  # noqa: BLE001 - the database: one line, the class goes on
                self.app.call_from_thread(lambda: self.notify(
                    self.tr("live.unavailable", error=type(exc).__name__), severity="error", markup=False))
                return
            self.app.call_from_thread(lambda: self._started(call))

        self.app.run_worker(start, thread=True, group="live-start", exit_on_error=False)

    def _started(self, call) -> None:
        from simulator.tui.guest_screen import GuestScreen

        self.code = call.code
        self.lots.gone.add(call.trainee)
        self._show()
        self.app.push_screen(GuestScreen(self.scenario, call))

    def call_done(self, call) -> None:
        """The guest console saw the call end: the next trainee is drawn afresh, and the ended
        call's join code is no longer offered."""
        self.trainee = None
        if self.code == call.code:
            self.code = None
        self._show()

    def action_review_calls(self) -> None:
        """The cohort's leaderboard, from which the trainer opens a trainee's calls and reviews them."""
        from simulator.tui.leaderboard_screen import LeaderboardScreen

        self.app.push_screen(LeaderboardScreen(self.tr, self.cohort, trainer=True))

    def action_quit_app(self) -> None:
        self.app.exit()
