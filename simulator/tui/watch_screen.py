"""The watch view of a live call, for the projector: the transcript with every reply's scores as
they appear, the anger meter and the stage, then the debrief; it follows the class to its next call.

The screen keeps its own Session and replays the call's events into it (simulator/live.py), so
what it shows is what the trainee's screen and the guest console show. The guest console
(guest_screen.py) is this view plus the caller's controls.
"""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Static

from scoring.types import STAGES
from simulator.debrief import ending_texts
from simulator.live import apply
from simulator.scenario import Scenario
from simulator.session import Session, TurnResult
from simulator.tui.debrief_screen import DebriefScreen
from simulator.tui.keys import relabel
from simulator.tui.widgets.anger_meter import AngerMeter
from simulator.tui.widgets.score_card import ScoreCard
from simulator.tui.widgets.stage_track import StageTrack
from simulator.tui.widgets.transcript import Transcript, said_by, utterance
from simulator.tui.widgets.turn_view import LANDMINE_STYLE, breaking_line, mood_line, scores_line

FOLLOW_SECONDS = 1.0  # how often a finished watch view looks for the class's next call


class WatchDebrief(DebriefScreen, inherit_bindings=False):
    """The debrief on the projector: no keys that would start a call of the watcher's own."""

    BINDINGS = [Binding("q", "quit_app", "Quit")]


class WatchScreen(Screen):
    """Shows live call `call` (a LiveCall) of `scenario`."""

    BINDINGS = [Binding("q", "quit_app", "Quit")]

    status: reactive[str] = reactive("")
    """Who is where: waiting for the trainee, joined, paused, left, ended (a catalogue key)."""

    def __init__(self, scenario: Scenario, call) -> None:
        super().__init__()
        self.scenario = scenario
        self.call = call
        self.tr = self.app.catalog(scenario.locale)
        self.session = Session(scenario, seed=call.seed, caller=call.caller, **self.app.session_kwargs())
        self.link = None
        self.status = "live.waiting"
        self.status_values: dict[str, str] = {}  # values the status message names ({ending})

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        tr, sc = self.tr, self.scenario
        yield Static(id="live-bar")
        with Horizontal(id="meters"):
            yield AngerMeter(tr("call.anger"), id="anger")
            names = {s: tr.get("stage." + s, s) for s in [*STAGES, *sc.stage_track]}
            yield StageTrack(sc.stage_track, names, tr("pause.track"), id="stages")
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield Transcript(id="transcript")
        yield ScoreCard(self.tr, evidence_rows=4, scenario=self.scenario, waiting="live.score_waiting",
                        id="score-card")

    def on_mount(self) -> None:
        relabel(self, self.tr)
        self._mirror()
        if not self.session.human:
            self._caller_line(self.session.opening)
        self.link = self.app.live_link(self.call, self.on_live_events)
        self.linked()

    def linked(self) -> None:
        """Hook for the guest console: the call's log is open."""

    def on_unmount(self) -> None:
        link, self.link = self.link, None  # events still on their way find no link: ignored
        if link is not None:
            link.close_in_background()

    # ------------------------------------------------------------------ what the screen shows
    def _mirror(self) -> None:
        meter = self.query_one(AngerMeter)
        meter.anger = self.session.mood
        meter.band = self.tr.get("band." + self.session.band, self.session.band)
        self.query_one(StageTrack).current = self.session.stage
        self._bar()

    def watch_status(self, _status: str) -> None:
        if self.is_mounted:
            self._bar()

    def _bar(self) -> None:
        tr, call = self.tr, self.call
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f" {tr(self.BAR_TITLE)} ", style="bold reverse")
        text.append(f"  {tr('live.code')} ", style="bold")
        text.append(call.code, style="bold #ffd54f")
        text.append(f"  {call.trainee}", style="bold #4fc3f7")
        text.append(f"  ☎ {self.scenario.persona.name}", style="bold #ff8a65")
        who = tr("live.caller_human" if self.session.human else "live.caller_machine")
        text.append(f"  ({who})  ", style="italic")
        text.append(tr(self.status, **self.status_values), style="bold")
        text.append(f"  {self.scenario.title}")
        self.query_one("#live-bar", Static).update(text)

    BAR_TITLE = "live.watch_title"

    def _line(self, who: str, name: str, body) -> None:
        self.query_one(Transcript).add_line(who, utterance(who, said_by(name, self.tr) if name else "", body))

    def _caller_line(self, line: str) -> None:
        if line:
            self._line("customer", self.scenario.persona.name, line)

    def _show_turn(self, turn: TurnResult) -> None:
        self.query_one(StageTrack).note_turn(turn)
        if turn.kind == "reply":
            self._line("agent", self.call.trainee, turn.reply)
            scored = scores_line(turn, self.tr)
            for category in turn.score.landmine_categories:  # one mention each; the reasons are in the card
                scored.append(" " + self.tr("turn.landmine", category=self.tr("landmine." + category)),
                              style=LANDMINE_STYLE)
            self._line("note", "", scored)
            self.query_one(ScoreCard).show(turn)
        else:
            self._line("note", "", self.tr("call.silence_note"))
        self._line("note", "", mood_line(turn, self.tr))
        broke = breaking_line(turn, self.tr)
        if broke is not None:
            self._line("note", "", broke)

    # ------------------------------------------------------------------ the call's log
    def on_live_events(self, events) -> None:
        if self.link is None:
            return  # this screen has left the call (replaced or closed) while its link closes
        was_over = self.session.over
        for event in events:
            if event.kind == "joined":
                self.status = "live.joined"
            elif event.kind == "left":
                self.status = "live.left"
            elif event.kind == "pause":
                self.status = "live.trainee_paused" if event.body.get("by") == "trainee" else "live.paused"
            elif event.kind == "resume":
                self.status = "live.joined"
            elif event.kind == "trainer":
                continue  # the guest console opened or closed: the call itself is unchanged
            else:
                self._apply(event.kind, event.body)
        self._mirror()
        if self.session.over and not was_over:
            # the values first: setting `status` redraws the bar; the title fits the call (EndingVariant)
            title = ending_texts(self.session)[0] if self.session.ending in self.scenario.endings else ""
            self.status_values = {"ending": title or self.session.ending or ""}
            self.status = "live.bar_ended"
            self.call_ended()

    def _apply(self, kind: str, body: dict) -> None:
        done = apply(self.session, kind, body)
        if done.refused:
            return
        if done.turn is not None:
            self._show_turn(done.turn)
            self._caller_line(done.turn.customer_line)
        elif kind == "hint":
            self._line("note", "", self.tr("live.took_hint"))
        elif kind == "move":
            target = self.session.state
            name = (self.scenario.endings[target].title or target) if target in self.scenario.endings else target
            self._line("note", "", self.tr("live.moved", to=name))
            self._caller_line(done.line)
        elif kind == "caller":
            self._caller_line(done.line)
        elif kind == "hand_over":
            self._line("note", "", self.tr("live.now_human" if self.session.human else "live.now_machine"))
            self._caller_line(done.line)
        self.after_event(kind)

    def after_event(self, kind: str) -> None:
        """Hook for the guest console (suggestions, the machine's move)."""

    def call_ended(self) -> None:
        """The call reached its ending: the debrief, then the class's next call when it starts."""
        self.app.switch_screen(WatchDebrief(self.session, trainee=self.call.trainee))
        self.app.follow_class(self.call)

    def action_quit_app(self) -> None:
        self.app.exit()
