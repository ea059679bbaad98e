"""The call: the caller talks word by word, the trainee replies, every reply is scored.

The screen holds the `Session` and mirrors it into widgets. Time comes from
`settings.clock` (tests pass a ManualClock), so the word reveal, the silence penalty and the
call timer all follow one clock and stop together when the trainee pauses.

Time that fits typing: a reply is timed to the trainee's first keystroke, not to Enter (typing
a long Chinese reply is answering, not silence); the silence clock runs only while the reply
box is empty, the trainee is not typing and the policy card (F2) is closed; and a reply begun before the caller's current line
started is not an interruption of that line.

A live call (`live=`, simulator/live.py) is the same screen: the trainee's replies, silences and
hints go into the call's log and come back in the log's order with the guest's lines and moves, so
this screen's session matches the guest's and the watchers'. With a person as the caller the
silence clock waits for their first words and runs only after each line they say.
"""
from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Static

from scoring.types import STAGES
from simulator import debrief
from simulator.scenario import Scenario
from simulator.session import MAX_REPLY_CHARS, CallOver, ReplyRejected, Session, TurnResult, clean_reply
from simulator.tui.keys import relabel
from simulator.tui.widgets.anger_meter import AngerMeter
from simulator.tui.widgets.debug_panel import DebugPanel
from simulator.tui.widgets.facts_panel import FactsPanel
from simulator.tui.widgets.reply_input import ReplyInput
from simulator.tui.widgets.score_card import ScoreCard
from simulator.tui.widgets.stage_track import StageTrack
from simulator.tui.widgets.transcript import Transcript, TranscriptLine, said_by, utterance
from simulator.tui.widgets.turn_view import breaking_line

WIDE = 100  # at this width and above the brief/facts panel is open from the start
MAX_SLEEP = 1.0  # the call clock shows whole seconds: the screen wakes at least once a second
LATE = 0.01  # wake this long after a moment is due (a timer may fire a little early)
SILENCE_WARNING = 5.0  # seconds before the caller's patience with silence runs out that the bar warns
_WORDS = re.compile(r"\S+\s*")


def speech_tokens(line: str, locale: str) -> list[str]:
    """What the caller says one unit at a time: words (en) or characters (zh)."""
    if locale == "zh":
        return list(line)
    return _WORDS.findall(line) or [line]


def clock_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


@dataclass
class Speech:
    """A caller's line being spoken: which widget, its units, when it started, how fast."""

    line: TranscriptLine
    speaker: str  # the label before the words ("Rex: ")
    tokens: list[str]
    started: float
    rate: float
    units_shown: int = 1  # the line is added showing its first unit


    def shown(self, now: float) -> int:
        return min(len(self.tokens), 1 + int((now - self.started) * self.rate))

    @property
    def duration(self) -> float:
        return len(self.tokens) / self.rate


class CallScreen(Screen):
    """One live call on `scenario`; `debug_path` adds the play-test panel and reload on save."""

    BINDINGS = [
        Binding("escape", "pause", "Pause"),
        Binding("f2", "policy", "Policy"),
        Binding("f3", "hint", "Hint"),
        Binding("f4", "toggle_facts", "Brief"),
    ]

    anger: reactive[float] = reactive(0.0)
    """The caller's anger, mirrored from Session.mood."""
    stage: reactive[str] = reactive("")
    """The current stage, mirrored from Session.stage."""
    paused: reactive[bool] = reactive(False)
    """True while the pause screen is open: no timer runs, no silence penalty."""

    class TurnScored(Message):
        """A reply (or a silence) was scored by the engine; `turn` is the TurnResult."""

        def __init__(self, turn: TurnResult) -> None:
            super().__init__()
            self.turn = turn

    class CallEnded(Message):
        """The call reached an ending (`session.ending`)."""

        def __init__(self, session: Session) -> None:
            super().__init__()
            self.session = session

    def __init__(self, scenario: Scenario, *, debug_path: Path | None = None, note: str = "", live=None) -> None:
        super().__init__()
        self.live = live  # a LiveCall (simulator/store/live.py) this screen joined, or None
        self.link = None  # its LiveLink, once mounted
        self._full_said = False  # the status line says the reply box is full
        self.scenario = scenario
        self.debug_path = debug_path
        self.debug_note = note
        settings = self.app.settings
        self.clock = settings.clock
        self.mode = settings.mode
        self.tr = self.app.catalog(scenario.locale)
        self.session = Session(scenario, seed=live.seed if live else self.app.new_seed(),
                               caller=live.caller if live else "machine", **self.app.session_kwargs())
        # A person plays the caller: it is their turn first, and again after each reply.
        self.caller_turn = self.session.human
        self.unrecorded: TurnResult | None = None  # a person's answer may still come for this turn
        self.paused_by_trainer = False
        # The first screen to join a live call is the trainee's; one that joins after it only watches.
        self.join_token = uuid.uuid4().hex if live else ""
        self.joined = live is None
        self.trainer_here = True  # the guest console of a live call is open (its "trainer" events)
        self.speech: Speech | None = None
        self.call_started = self.clock()
        self.waiting_since = self.call_started  # the caller's last line ended: the trainee's turn began
        self.last_typed: float | None = None  # the trainee's last keystroke in the reply box
        self.reading_policy = False  # the policy card is open: looking something up, not silence
        self.draft_started: float | None = None  # when the text now in the box was begun
        self.paused_at: float | None = None
        self.paused_total = 0.0
        self.store_call: int | None = None
        self.finished_recorded = False
        self.ended_after: float | None = None  # the call's length when it ended: the call clock stops there
        self._mtime = self._file_mtime()
        self._bar_shown: tuple | None = None  # what the call bar showed when last drawn (_advance)
        self._wake = None  # the one-shot timer for the next moment something is due (_schedule)

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        tr, sc = self.tr, self.scenario
        yield Static(id="call-bar")
        with Horizontal(id="meters"):
            yield AngerMeter(tr("call.anger"), id="anger")
            names = {s: tr.get("stage." + s, s) for s in [*STAGES, *sc.stage_track]}
            yield StageTrack(sc.stage_track, names, tr("pause.track"), judged=self.mode == "coach", id="stages")
        with Horizontal(id="call-body"):
            yield Transcript(id="transcript")
            yield FactsPanel(sc, tr, id="facts")
            if self.debug_path:
                yield DebugPanel(tr, id="debug")
        if self.mode == "coach":
            yield ScoreCard(tr, scenario=sc, id="score-card")
        yield Static(id="call-status")
        reply = ReplyInput(placeholder=tr("call.placeholder"), max_length=MAX_REPLY_CHARS, id="reply")
        reply.clock = self.clock  # the screen's one clock (tests pass a ManualClock)
        yield reply
        yield Footer()

    def on_mount(self) -> None:
        tr = self.tr
        relabel(self, tr)
        reply = self.query_one(ReplyInput)
        reply.cursor_blink = self.app.settings.cursor_blink
        reply.focus()
        self.query_one("#call-status").display = False
        self.watch(self.app, "store_trouble", lambda _: self._tick(), init=False)  # the bar says it at once
        facts = self.query_one(FactsPanel)
        # the play-test panel needs the room: there the brief opens on F4
        facts.display = self.app.size.width >= WIDE and not self.debug_path
        if self.debug_path:
            panel = self.query_one(DebugPanel)
            panel.show_note(self.debug_note or tr("debug.watching", file=self.debug_path.name))
            panel.show_state(self.scenario, self.session.state)  # what the first reply will be checked against
            self.set_interval(0.5, self._check_reload)
        self._mirror()
        if self.live is None:
            self.store_call = self.app.record_start(self.session, self.mode)
        else:  # recorded once this screen's "joined" comes back first (on_live_events)
            self.link = self.app.live_link(self.live, self.on_live_events)
            self.link.send("joined", trainee=self.live.trainee, screen=self.join_token)
        # While the caller speaks, load what scoring this call needs (its own lexicon phrases).
        self.run_worker(self.session.warm_up, thread=True, group="warm-up", exit_on_error=False)
        self._say(self.session.opening)
        self._tick()

    # ------------------------------------------------------------------ mirror the session
    def _mirror(self) -> None:
        self.anger = self.session.mood
        self.stage = self.session.stage

    def watch_anger(self, anger: float) -> None:
        meter = self.query_one(AngerMeter)
        meter.anger = anger
        meter.band = self.tr.get("band." + self.session.band, self.session.band)

    def watch_stage(self, stage: str) -> None:
        self.query_one(StageTrack).current = stage

    def _bar_text(self) -> Text:
        sc = self.scenario
        elapsed = self._now_in_call()
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f" ⏱ {clock_text(elapsed)} ", style="bold reverse")
        mode = self.tr("mode." + self.mode)
        text.append(f" {mode} ", style="bold")
        text.append(f"☎ {sc.persona.name} ", style="bold #ff8a65")
        # who has the floor: talking now means Enter interrupts
        if self.speech is not None:
            text.append(f"[{self.tr('call.talking')}] ", style="bold #ff8a65")
        elif self.caller_turn and not self.session.over:  # a person is about to speak
            text.append(f"[{self.tr('call.caller_turn')}] ", style="bold #ff8a65")
        elif not self.session.over:
            text.append(f"[{self.tr('call.your_turn')}] ", style="bold #4fc3f7")
            deadline = self._silence_deadline()
            if deadline is not None and deadline - self.clock() <= SILENCE_WARNING:
                # the caller's patience is nearly out: say so before the silence counts against you
                left = max(1, math.ceil(deadline - self.clock()))
                text.append(f"[{self.tr('call.waiting', seconds=left)}] ", style="bold reverse #ff5252")
        trouble = getattr(self.app, "store_trouble", None)
        if trouble:
            text.append(f" {self.tr(trouble)} ", style="bold reverse #ff5252")
        text.append(" " + sc.title)
        return text

    def _now_in_call(self) -> float:
        if self.ended_after is not None:
            return self.ended_after
        now = self.paused_at if self.paused_at is not None else self.clock()
        return now - self.call_started - self.paused_total

    def _status(self, message: str, style: str = "bold") -> None:
        status = self.query_one("#call-status", Static)
        status.update(Text(message, style=style))
        status.display = bool(message)

    # ------------------------------------------------------------------ the caller speaks
    def _say(self, line: str) -> None:
        """Start the caller's line; it is revealed unit by unit on ticks (at once if not animated)."""
        if not line:
            return
        name = said_by(self.scenario.persona.name, self.tr)
        tokens = speech_tokens(line, self.scenario.locale)
        transcript = self.query_one(Transcript)
        if not self.app.settings.animate or self.scenario.persona.speech_rate <= 0:
            transcript.add_line("customer", utterance("customer", name, line))
            self.speech = None
            self.waiting_since = self.clock()
            return
        widget = transcript.add_line("customer", utterance("customer", name, tokens[0]))
        self.speech = Speech(widget, name, tokens, self.clock(), self.scenario.persona.speech_rate)
        self._schedule()  # his next word is due sooner than the next second

    def _cut_speech(self) -> None:
        """The trainee talked over the caller: the rest of the line shows dimmed, unheard."""
        sp = self.speech
        if sp is None:
            return
        n = sp.shown(self.clock())
        said, rest = "".join(sp.tokens[:n]), "".join(sp.tokens[n:])
        self.query_one(Transcript).update_line(
            sp.line, utterance("customer", sp.speaker, said, dim_tail=rest and f"{rest}"))
        self.speech = None

    def _finish_speech(self) -> None:
        """The caller's line is shown whole at once (a reply crossed it without cutting it off)."""
        sp = self.speech
        if sp is not None:
            self.query_one(Transcript).update_line(
                sp.line, utterance("customer", sp.speaker, "".join(sp.tokens)))
            self.speech = None

    # ------------------------------------------------------------------ time: woken when something is due
    # No fixed tick: the screen sleeps until the next moment that changes what it shows or decides
    # (the caller's next word, the call clock's next second, the end of the silence the caller
    # allows). Idle between lines that is one wake and one one-row redraw a second. Handlers that
    # change the floor (a reply, a line, the ending, a resume) call _tick() so the bar and the
    # next wake follow at once.
    def _tick(self) -> None:
        """Bring the screen up to the clock, then sleep until the next thing is due."""
        self._advance()
        self._schedule()

    def _schedule(self) -> None:
        if self._wake is not None:
            self._wake.stop()
            self._wake = None
        delay = self._next_due()
        if delay is not None:
            self._wake = self.set_timer(delay, self._woken, name="call-wake")

    def _woken(self) -> None:
        self._wake = None  # this timer has fired: nothing left to stop
        self._tick()

    def _next_due(self) -> float | None:
        """Seconds until the next thing is due (at most MAX_SLEEP); None while paused: resume() wakes the screen."""
        if self.paused:
            return None
        now = self.clock()
        if self.ended_after is not None:  # the call clock has stopped: only his last words may be due
            if self.speech is None:
                return None
            return max(0.0, self.speech.started + self.speech.units_shown / self.speech.rate - now) + LATE
        due = 1.0 - self._now_in_call() % 1.0  # the call clock's next second
        if self.speech is not None:  # his next word
            due = min(due, self.speech.started + self.speech.units_shown / self.speech.rate - now)
        elif (deadline := self._silence_deadline()) is not None:
            due = min(due, deadline - now)
        return min(MAX_SLEEP, max(0.0, due)) + LATE

    def _silence_deadline(self) -> float | None:
        """When (on the clock) the caller's patience with silence runs out; None while the silence
        clock stands still: he is speaking, a person is to speak, a draft is in the box or the policy
        card is open, the call is over or paused, or he never minds."""
        if self.paused or self.session.over or self.speech is not None or self.caller_turn:
            return None
        limit = self.scenario.persona.silence_limit(self.mode)
        if not limit or self.draft_started is not None or self.reading_policy:
            return None  # the trainee is composing an answer or checking the policy: that is not silence
        return max(self.waiting_since, self.last_typed or self.waiting_since) + limit

    def _advance(self) -> None:
        """Advance the word reveal, the call timer and the silence penalty from the clock.
        Only what changed is redrawn: the bar once a second, the caller's line word by word."""
        if not self.paused:
            now = self.clock()
            if self.speech is not None:
                self._reveal(now)
            elif (deadline := self._silence_deadline()) is not None and now >= deadline:
                self._silence()
        shown = (int(self._now_in_call()), self.speech is None, self.caller_turn, self.session.over,
                 getattr(self.app, "store_trouble", None))
        if shown != self._bar_shown:  # what the bar says
            self._bar_shown = shown
            self.query_one("#call-bar", Static).update(self._bar_text(), layout=False)  # one row, always

    def _reveal(self, now: float) -> None:
        sp = self.speech
        n = sp.shown(now)
        if n != sp.units_shown:
            sp.units_shown = n
            self.query_one(Transcript).update_line(
                sp.line, utterance("customer", sp.speaker, "".join(sp.tokens[:n])))
        if n >= len(sp.tokens):
            self.speech = None
            self.waiting_since = sp.started + sp.duration

    # ------------------------------------------------------------------ the trainee acts
    @on(ReplyInput.Changed)
    def _typed(self, event: ReplyInput.Changed) -> None:
        """A keystroke (or paste) changed the draft: note when it was begun and last touched."""
        now = self.clock()
        self.last_typed = now
        if not event.value.strip():
            self.draft_started = None  # emptied (or only spaces): no answer under way
        elif self.draft_started is None:
            self.draft_started = now
        if len(event.value) >= MAX_REPLY_CHARS:  # the box takes no more: say so, not drop keys silently
            self._status(self.tr("call.reply_full", max=MAX_REPLY_CHARS), "bold red")
            self._full_said = True
        elif self._full_said:  # shortened again: the warning no longer holds
            self._status("")
            self._full_said = False

    @on(ReplyInput.ReplySubmitted)
    def _reply_submitted(self, event: ReplyInput.ReplySubmitted) -> None:
        if self.paused:
            return
        if self.session.over:
            self.app.show_debrief(self)
            return
        text = event.text
        if not text.strip():
            self._status(self.tr("call.empty"), "italic")
            return
        now = self.clock()
        began = self.draft_started if self.draft_started is not None else now
        speech = self.speech
        # Talking over the caller means starting to answer while this line was being said; a reply
        # begun earlier (the caller spoke up mid-typing) crossed the line, it did not cut it off.
        interrupted = speech is not None and began >= speech.started
        latency = None if interrupted else round(max(0.0, began - self.waiting_since), 2)
        if not self.joined:
            return  # a moment after opening: this screen is not on the call yet
        if self.link is not None:
            clean = clean_reply(text)  # the engine's own checks, before the reply leaves this screen
            if not clean or len(clean) > MAX_REPLY_CHARS:
                self._status(self.tr("call.empty") if not clean else self.tr(
                    "call.paste_refused", n=len(clean), max=MAX_REPLY_CHARS), "bold red")
                return
            self.caller_turn = self.session.human
            self.link.send("reply", text=clean, interrupted=interrupted, latency=latency)
        elif not self._apply_reply(text, interrupted, latency):
            return
        if interrupted:
            self._cut_speech()
        elif speech is not None:
            self._finish_speech()
        self.draft_started = None
        self.last_typed = now  # Enter is a keystroke: the silence clock starts again from it
        self.query_one(ReplyInput).clear()
        self._status("")
        self._tick()

    def _apply_reply(self, text: str, interrupted: bool, latency: float | None) -> bool:
        """Score a reply and show it; False (and why, on screen) when the engine refuses it."""
        try:
            turn = self.session.reply(text, interrupted=interrupted, latency=latency)
        except (ReplyRejected, CallOver) as exc:
            self._status(self.tr("call.rejected", reason=str(exc)), "bold red")
            return False
        self.query_one(Transcript).add_line(
            "agent", utterance("agent", said_by(self._trainee_name(), self.tr), turn.reply))
        self.post_message(self.TurnScored(turn))
        return True

    def _trainee_name(self) -> str:
        return (self.live.trainee if self.live else self.app.settings.trainee) or self.tr("call.you")

    @on(ReplyInput.ReplyRefused)
    def _reply_refused(self, event: ReplyInput.ReplyRefused) -> None:
        self._status(self.tr("call.paste_refused", n=event.length, max=MAX_REPLY_CHARS), "bold red")

    @on(ReplyInput.ReplyCut)
    def _reply_cut(self, event: ReplyInput.ReplyCut) -> None:
        if self.session.over:  # Enter after the end opens the debrief, whatever the box holds
            self.app.show_debrief(self)
            return
        self._status(self.tr("call.reply_cut", max=MAX_REPLY_CHARS), "bold red")
        self._full_said = True  # the "at the limit" line goes with it when the reply is shortened

    def _silence(self) -> None:
        if not self.joined:
            return
        if self.link is not None:
            self.waiting_since = self.clock()  # counted once: the log brings it back
            self.caller_turn = self.session.human
            self.link.send("silence")
            return
        self._apply_silence()

    def _apply_silence(self) -> None:
        turn = self.session.silence()
        # The silence clock starts again now, not when TurnScored is handled: a tick already
        # queued before that must not count the same silence twice.
        self.waiting_since = self.clock()
        self.query_one(Transcript).add_line("note", utterance("note", "", self.tr("call.silence_note")))
        self.post_message(self.TurnScored(turn))

    # ------------------------------------------------------------------ a live call's log
    def on_live_events(self, events) -> None:
        """The call's events, in the log's order (the trainee's own come back this way too)."""
        from simulator.live import apply

        if self.link is None:
            return  # this screen has left the call (replaced or closed) while its link closes

        for event in events:
            if event.kind == "joined" and not self.joined:
                if event.body.get("screen") != self.join_token:
                    # Off this call: events still on their way (this screen's own "joined" among
                    # them) must not start recording it (a phantom call of 0 turns, trial 27).
                    link, self.link = self.link, None
                    link.close_in_background()
                    holder = event.body.get("trainee", "")
                    if any(e.kind == "left" for e in events):  # that screen has left the call since
                        self._left_already(holder)
                    else:
                        self._watch_instead(holder)
                    return
                self.joined = True
                self.store_call = self.app.record_start(self.session, self.mode, live=self.live)
                continue
            if event.kind in ("pause", "resume"):
                if event.body.get("by") != "trainee":  # the trainee's own pause is already on screen
                    self._trainer_pause(event.kind == "pause")
                continue
            if event.kind == "trainer":
                self._trainer_here(bool(event.body.get("here")))
                continue
            if event.kind not in ("reply", "silence", "hint", "caller", "move", "hand_over") or self.session.over:
                continue
            if event.kind == "reply":
                body = event.body
                self._apply_reply(str(body.get("text", "")), bool(body.get("interrupted")), body.get("latency"))
            elif event.kind == "silence":
                self._apply_silence()
            elif event.kind == "hint":
                self._show_hint(apply(self.session, "hint", {}).hint)
            else:
                done = apply(self.session, event.kind, event.body)
                if done.refused:
                    continue
                if event.kind == "caller":
                    self.caller_turn = False
                    self._finish_speech()  # a person's second line follows the first
                    self._say(done.line)
                elif event.kind == "hand_over":
                    self._handed_over(done.line)
                elif done.line:
                    self._say(done.line)
                self._mirror()
                if self.session.over:
                    self.post_message(self.CallEnded(self.session))
        self._tick()

    def _handed_over(self, line: str) -> None:
        """The trainer handed the caller to the machine (which may answer the last reply now) or
        took it over; the trainee is told who plays the caller from here."""
        self.query_one(Transcript).add_line("note", utterance("note", "", self.tr(
            "live.now_human" if self.session.human else "live.now_machine")))
        if not self.session.human:
            self.caller_turn = False  # the turn is written with the next one, as every live turn is
        if line:
            self._say(line)

    def _watch_instead(self, trainee: str) -> None:
        """Someone joined this call first (the trainee, or this trainee's earlier screen): watch it."""
        from simulator.tui.watch_screen import WatchScreen

        self.app.notify(self.tr("live.already_joined", trainee=trainee), markup=False)
        self.app.switch_screen(WatchScreen(self.scenario, self.live))

    def _trainer_here(self, here: bool) -> None:
        """The trainer's console closed mid-call (the trainee would wait for a caller who is not
        there), or opened again after that."""
        if here == self.trainer_here or self.session.over:
            return
        self.trainer_here = here
        if not self.session.human:
            return  # the machine plays the caller: the call goes on without the console
        self.query_one(Transcript).add_line("note", utterance("note", "", self.tr(
            "live.trainer_back" if here else "live.trainer_gone")))

    def _left_already(self, trainee: str) -> None:
        """The trainee's screen on this call closed (its terminal too, perhaps): the call was kept
        as left with every reply, and is not taken up again from here; back to the list."""
        self.app.notify(self.tr("live.left_already", trainee=trainee), severity="warning", markup=False,
                        timeout=12)
        self.app.back_to_picker()

    def _trainer_pause(self, on: bool) -> None:
        """The trainer paused (or resumed) the call for everyone."""
        from simulator.tui.pause_screen import PauseScreen

        if on and not self.paused:
            self.paused, self.paused_at, self.paused_by_trainer = True, self.clock(), True
            self._schedule()
            self.app.push_screen(PauseScreen(self.tr, by_trainer=True), self._after_pause)
        elif not on and self.paused_by_trainer and isinstance(self.app.screen, PauseScreen):
            self.app.screen.dismiss("resume")

    def on_unmount(self) -> None:
        link, self.link = self.link, None  # events still on their way find no link: ignored
        if link is not None:
            link.close_in_background()

    def on_call_screen_turn_scored(self, event: TurnScored) -> None:
        turn = event.turn
        self.query_one(StageTrack).note_turn(turn)
        self._mirror()
        if self.mode == "coach" and turn.kind == "reply":
            self.query_one(ScoreCard).show(turn)
            if turn.interrupted:
                self.query_one(Transcript).add_line(
                    "note", utterance("note", "", self.tr("call.interrupted_note")))
        if self.debug_path:
            self.query_one(DebugPanel).show_turn(turn)
        # A person's answer belongs to this turn: write it when it is complete. In a live call that
        # holds for a turn the machine answered too: the trainer may take the caller back (F8) and
        # add to that answer before the next reply.
        if self.session.human or self.live is not None:
            if self.unrecorded is not None:
                self.app.record_turn(self.store_call, self.unrecorded)
            self.unrecorded = turn
            self.caller_turn = self.session.human
        else:
            self.app.record_turn(self.store_call, turn)
        self._say(turn.customer_line)
        self.waiting_since = self.clock() if self.speech is None else self.waiting_since
        self._tick()
        if self.session.over:
            self.post_message(self.CallEnded(self.session))

    def on_call_screen_call_ended(self, event: CallEnded) -> None:
        if self.ended_after is None:
            self.ended_after = self._now_in_call()  # the bar keeps the call's length
        last = self.session.turns[-1] if self.session.turns else None
        broke = breaking_line(last, self.tr) if last is not None else None
        if broke is not None:
            self.query_one(Transcript).add_line("note", utterance("note", "", broke))
        title, _ = debrief.ending_texts(self.session)
        self._status(self.tr("call.ended", ending=title), "bold reverse")
        self.query_one(ReplyInput).placeholder = self.tr("call.ended_placeholder")
        if self.unrecorded is not None:
            self.app.record_turn(self.store_call, self.unrecorded)
            self.unrecorded = None
        self.app.record_finish(self.store_call, self.session, "finished")
        self.finished_recorded = True
        self.app.note_score(self.scenario.id, self.session.summary().get("overall"))
        self._tick()

    def action_hint(self) -> None:
        if self.session.over or self.paused:
            return
        if self.link is not None:
            self.link.send("hint")
            return
        self._show_hint(self.session.hint())

    def _show_hint(self, answer: str | None) -> None:
        if answer is None:
            self._status(self.tr("call.no_hint"), "italic")
            return
        if self.session.strain.unrepaired:  # the state's answer assumes a caller not just stung by a landmine
            answer = self.tr("call.hint_repair", answer=answer)
        self.query_one(Transcript).add_line(
            "hint", utterance("hint", said_by(self.tr("call.hint_label", cost=self._hint_cost()), self.tr),
                              answer))

    @staticmethod
    def _hint_cost() -> int:
        from simulator.session import HINT_COST

        return HINT_COST

    def action_policy(self) -> None:
        from simulator.tui.policy_screen import PolicyScreen

        self.reading_policy = True
        self._tick()
        self.app.push_screen(PolicyScreen(self.scenario, self.tr), self._policy_closed)

    def _policy_closed(self, _=None) -> None:
        """Back from the card: the silence clock starts again from now, as after a keystroke."""
        self.reading_policy = False
        self.last_typed = self.clock()
        self._tick()

    def action_toggle_facts(self) -> None:
        self.query_one("#call-status").display = False
        facts = self.query_one(FactsPanel)
        facts.display = not facts.display

    # ------------------------------------------------------------------ pause / safe word
    def action_pause(self) -> None:
        """Stop everything at once; the trainee can resume or leave, with no penalty either way."""
        if self.paused:
            return
        if self.session.over:
            # Nothing is left to pause: Esc goes on to the debrief as Enter does (trial 30: the pause
            # box offered "leave the call", which lost the debrief of a call already kept).
            self.app.show_debrief(self)
            return
        from simulator.tui.pause_screen import PauseScreen

        self.paused = True
        self.paused_at = self.clock()
        self._schedule()  # nothing is due while paused: resume() wakes the screen
        if self.link is not None:
            self.link.send("pause", by="trainee")  # the trainer sees the safe word was used
        self.app.push_screen(PauseScreen(self.tr, judged=self.mode == "coach"), self._after_pause)

    def _after_pause(self, choice: str | None) -> None:
        if self.link is not None and not self.paused_by_trainer and not self.session.over:
            self.link.send("resume", by="trainee")
        self.paused_by_trainer = False
        if choice == "leave":
            self.leave()
            return
        self.resume()

    def resume(self) -> None:
        """Carry on as if no time had passed while paused."""
        if not self.paused:
            return
        gap = self.clock() - (self.paused_at or self.clock())
        self.paused_total += gap
        self.waiting_since += gap
        if self.last_typed is not None:
            self.last_typed += gap
        if self.draft_started is not None:
            self.draft_started += gap
        if self.speech is not None:
            self.speech.started += gap
        self.paused_at = None
        self.paused = False
        self.query_one(ReplyInput).focus()
        self._tick()

    def leave(self) -> None:
        """Leave the call (it is kept as abandoned, not scored against the trainee)."""
        if not self.session.over and not self.finished_recorded:
            if self.unrecorded is not None:
                self.app.record_turn(self.store_call, self.unrecorded)
                self.unrecorded = None
            self.app.record_finish(self.store_call, self.session, "abandoned")
            self.finished_recorded = True
            if self.link is not None:
                self.link.send("left")
        self.app.leave_call(self)

    # ------------------------------------------------------------------ play-test reload
    def _file_mtime(self) -> float | None:
        try:
            return self.debug_path.stat().st_mtime if self.debug_path else None
        except OSError:
            return None

    def _check_reload(self) -> None:
        """On save: reload the scenario; errors are shown and the old scenario is kept."""
        mtime = self._file_mtime()
        if mtime is None or mtime == self._mtime or self.app.screen is not self:
            return  # unchanged, or the pause / policy screen is open: reload when back
        self._mtime = mtime
        from simulator.loader import check_file

        scenario, diagnostics = check_file(self.debug_path)
        if scenario is None:
            self.query_one(DebugPanel).show_diagnostics(
                [d for d in diagnostics if d.severity == "error"] or diagnostics)
            return
        note = self.tr("debug.reloaded", file=self.debug_path.name)
        if diagnostics:
            note += "\n" + "\n".join(str(d) for d in diagnostics)
        self.app.restart_call(self, scenario, note=note)
