"""The guest console: the trainer plays the caller of a live call (or lets the machine).

It is the watch view (the trainee's replies with their scores, evidence and landmines, the anger
meter and the stage) plus the caller's controls: the scenario's lines for where the call is and
the caller's mood (Enter sends one, Ctrl+E puts it in the box to edit), a box to type any line,
what the machine would do next, F6 to move the call to another state, F7 to end it with a chosen
ending, F5 to pause it for everyone, F8 to hand the caller to the machine or take it back. The
machine still scores every reply and moves the mood.
"""
from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from simulator.debrief import ending_texts
from simulator.live import machine_move, suggestions
from simulator.session import MAX_REPLY_CHARS, clean_reply
from simulator.tui.keys import relabel, type_into
from simulator.tui.watch_screen import WatchScreen
from simulator.tui.widgets.score_card import ScoreCard
from simulator.tui.widgets.transcript import Transcript


class ChooseScreen(ModalScreen[str]):
    """Pick one of `choices` ((key, label) pairs); dismisses with the key, or None on Esc."""

    BINDINGS = [Binding("escape", "cancel", "Back")]

    def __init__(self, tr, title: str, choices: list[tuple[str, str]], highlight: str | None = None) -> None:
        super().__init__()
        self.tr, self.title_text, self.choices, self.highlight = tr, title, choices, highlight

    def compose(self) -> ComposeResult:
        with Vertical(id="choose-box"):
            yield Static(Text(self.title_text, style="bold"))
            yield OptionList(*[Option(Text(label), id=key) for key, label in self.choices], id="choose-list")
        yield Footer()

    def on_mount(self) -> None:
        relabel(self, self.tr)
        options = self.query_one(OptionList)
        keys = [k for k, _ in self.choices]
        if self.highlight in keys:
            options.highlighted = keys.index(self.highlight)
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class GuestScreen(WatchScreen, inherit_bindings=False):
    """The trainer's console for live call `call`."""

    BINDINGS = [
        Binding("f5", "pause_all", "Pause all"),
        Binding("f6", "move", "Move to"),
        Binding("f7", "end_call", "End call"),
        # one key, named for what it does now: hand the caller to the machine, or take it back
        Binding("f8", "hand_to_machine", "Machine plays"),
        Binding("f8", "take_over", "I play"),
        Binding("ctrl+e", "edit_line", "Edit line"),
        Binding("escape", "back", "Back"),
        # inherit_bindings=False drops the Screen's own Tab keys: between the lines and the box
        Binding("tab", "app.focus_next", show=False),
        Binding("shift+tab", "app.focus_previous", show=False),
    ]
    BAR_TITLE = "live.guest_title"

    def __init__(self, scenario, call) -> None:
        super().__init__(scenario, call)
        self.paused = False  # the trainer paused the call for everyone
        self.trainee_paused = False  # the trainee paused it on their screen (the safe word)
        self.trainee_left = False  # the trainee's screen left the call: it is kept as left, nothing more to play

    def compose_body(self) -> ComposeResult:
        tr = self.tr
        with Horizontal(id="guest-body"):
            yield Transcript(id="transcript")
            with Vertical(id="guest-side"):
                yield Static(id="machine-move")
                yield Static(Text(tr("live.lines_title"), style="bold"), id="lines-title")
                yield OptionList(id="suggestions")
        yield ScoreCard(tr, evidence_rows=4, scenario=self.scenario, waiting="live.score_waiting",
                        id="score-card")
        yield Static(id="guest-status")
        yield Input(placeholder=tr("live.line_placeholder" if self.session.human else "live.machine_plays"),
                    max_length=MAX_REPLY_CHARS, id="caller-line", disabled=not self.session.human,
                    select_on_focus=False)  # Ctrl+E puts a line here to change, not to replace

    def linked(self) -> None:
        self.link.send("trainer", here=True)  # a trainee told the console had closed hears it is back

    def on_mount(self) -> None:  # after WatchScreen.on_mount: Textual calls each class's handler
        self.query_one("#caller-line", Input).cursor_blink = self.app.settings.cursor_blink
        self.query_one("#guest-status").display = False
        self._refresh_controls()
        (self.query_one("#suggestions") if self.session.human else self.query_one("#transcript")).focus()

    _CALL_ACTIONS = ("pause_all", "move", "end_call", "edit_line", "hand_to_machine", "take_over")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The caller's controls go from the footer once the call is over (Esc remains); F8 is
        "machine plays" while you play the caller and "I play" while the machine does."""
        if action in self._CALL_ACTIONS and self.closed:
            return False
        if action == "hand_to_machine":
            return self.session.human
        if action == "take_over":
            return not self.session.human
        return True

    @property
    def closed(self) -> bool:
        """Nothing more to play: the call reached its ending, or the trainee left it."""
        return self.session.over or self.trainee_left

    def on_key(self, event: events.Key) -> None:
        """On the list of suggested lines, 1-9 highlight that line (Enter sends it); any other
        character starts your own line: the box takes the focus and the key, so Enter sends what
        you typed, not the highlighted suggestion (a space on an empty box starts nothing)."""
        box = self.query_one("#caller-line", Input)
        options = self.query_one("#suggestions", OptionList)
        if not (event.is_printable and event.character) or box.disabled:
            return
        if self.focused is box:  # sent to the list before the box took the focus (keys typed fast)
            type_into(box, event)
            return
        if self.focused is not options:
            return
        if event.character in "123456789" or (event.character.isspace() and not box.value):
            event.stop()
            event.prevent_default()
            if event.character.isdigit() and int(event.character) <= options.option_count:
                options.highlighted = int(event.character) - 1
            return
        type_into(box, event)

    # ------------------------------------------------------------------ what the guest is offered
    def after_event(self, kind: str) -> None:
        self._refresh_controls()
        if kind == "hand_over":
            box = self.query_one("#caller-line", Input)
            box.disabled = not self.session.human
            box.placeholder = self.tr("live.line_placeholder" if self.session.human else "live.machine_plays")
            self.refresh_bindings()
            self._bar()
            self._back_to_lines()

    def _refresh_controls(self) -> None:
        tr, sc = self.tr, self.scenario
        move = machine_move(self.session)
        text = Text.assemble((tr("live.machine") + " ", "bold"))
        if self.session.over:
            text.append(tr("live.over"), style="italic")
        elif move is None:
            text.append(tr("live.machine_stays", state=self._named(self.session.state)))
        elif move[1] in sc.endings:
            text.append(tr("live.machine_would_end", ending=sc.endings[move[1]].title or move[1]),
                        style="bold #ff5252")
        else:
            text.append(tr("live.machine_moved", source=self._named(move[0]), target=self._named(move[1])),
                        style="#4fc3f7")
        text.append("\n" + tr("live.now_in", state=self._named(self.session.state), band=tr.get(
            "band." + self.session.band, self.session.band)), style="dim")
        self.query_one("#machine-move", Static).update(text)
        options = self.query_one("#suggestions", OptionList)
        options.clear_options()
        if self.session.human and not self.closed:
            for i, s in enumerate(suggestions(self.session)):
                label = Text(f"{i + 1}. ", style="bold")
                label.append(f"[{tr.get('live.source.' + s.source, s.source)}] ", style="dim")
                label.append(s.text)
                options.add_option(Option(label, id=str(i)))
            if options.option_count:
                options.highlighted = 0
        self._lines = [s.text for s in suggestions(self.session)] if self.session.human else []

    def _named(self, state: str) -> str:
        """A state by its id and, in the console's language, its stage ("venting（发泄）"): the ids
        are the scenario author's words, often English in a Chinese call."""
        st = self.scenario.states.get(state)
        if st is None:
            return state
        stage = self.tr.get("stage." + st.stage, st.stage)
        return state if stage == state else self.tr("live.state_named", state=state, stage=stage)

    def _status(self, message: str, style: str = "bold") -> None:
        status = self.query_one("#guest-status", Static)
        status.update(Text(message, style=style))
        status.display = bool(message)

    # ------------------------------------------------------------------ the guest acts
    def send_line(self, text: str) -> bool:
        """Say `text` as the caller; False (and why) when it cannot be sent."""
        if not self.session.human or self.closed:
            return False
        line = clean_reply(text)
        if not line:
            self._status(self.tr("live.empty_line"), "italic")
            return False
        self.link.send("caller", text=line[:MAX_REPLY_CHARS])
        self._status("")
        return True

    @on(OptionList.OptionSelected, "#suggestions")
    def _suggestion_chosen(self, event: OptionList.OptionSelected) -> None:
        self.send_line(self._lines[int(event.option.id)])

    @on(Input.Submitted, "#caller-line")
    def _typed_line(self, event: Input.Submitted) -> None:
        line = event.value
        options = self.query_one("#suggestions", OptionList)
        if not clean_reply(line) and options.highlighted is not None and self._lines:
            # Enter sends the highlighted suggestion, as the README says, even from an empty box
            # (trial 21: Tab, then Enter, said "type what the caller says first")
            line = self._lines[options.highlighted]
        if self.send_line(line):
            event.input.clear()
            self._back_to_lines()

    def _back_to_lines(self) -> None:
        """The keys go back to the suggested lines: digits pick one, Enter sends it, Ctrl+E edits
        it, and any other character starts a line of your own again (on_key)."""
        options = self.query_one("#suggestions", OptionList)
        (options if options.option_count else self.query_one("#transcript")).focus()

    def action_edit_line(self) -> None:
        """Put the highlighted suggestion in the box, to change before sending."""
        options = self.query_one("#suggestions", OptionList)
        if options.highlighted is None or not self._lines:
            return
        box = self.query_one("#caller-line", Input)
        box.value = self._lines[options.highlighted]
        box.focus()
        box.cursor_position = len(box.value)

    def action_hand_to_machine(self) -> None:
        if self.session.human and not self.session.over:
            self.link.send("hand_over", caller="machine")

    def action_take_over(self) -> None:
        if not self.session.human and not self.session.over:
            self.link.send("hand_over", caller="human")

    def action_pause_all(self) -> None:
        if not self.session.over:
            self.link.send("resume" if self.paused else "pause")

    def action_move(self) -> None:
        if self.session.over:
            return
        choices = [(name, f"{name}  ({self.tr.get('stage.' + st.stage, st.stage)})")
                   for name, st in self.scenario.states.items()]
        self.app.push_screen(ChooseScreen(self.tr, self.tr("live.move_title"), choices, self.session.state),
                             self._moved)

    def action_end_call(self) -> None:
        if self.session.over:
            return
        move = machine_move(self.session)
        held = move[1] if move and move[1] in self.scenario.endings else None
        choices = [(name, f"{e.title or name}  ({self.tr('outcome.' + e.outcome)})")
                   for name, e in self.scenario.endings.items()]
        self.app.push_screen(ChooseScreen(self.tr, self.tr("live.end_title"), choices, held), self._moved)

    def _moved(self, target: str | None) -> None:
        if target is not None and not self.session.over:
            self.link.send("move", to=target)

    def action_back(self) -> None:
        """Out of your own line back to the suggested ones; else leave the console: when the call
        is over, back to the class (or out)."""
        if self.focused is self.query_one("#caller-line", Input) and not self.closed:
            self._back_to_lines()  # what was typed stays in the box
            return
        if not self.closed:
            self._status(self.tr("live.end_first"), "italic")
            return
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()

    # ------------------------------------------------------------------ the log
    def on_live_events(self, events) -> None:
        if self.link is None:
            return  # this screen has left the call (replaced or closed) while its link closes
        left = False
        for event in events:
            if event.kind in ("pause", "resume") and event.body.get("by") == "trainee":
                self.trainee_paused = event.kind == "pause"  # the safe word: the trainer should know
            elif event.kind in ("pause", "resume"):
                self.paused = event.kind == "pause"
            elif event.kind == "left":
                left = True
        super().on_live_events(events)
        if left and not self.closed:
            self._trainee_left()
        if self.closed:
            return
        if self.trainee_paused:
            self._status(self.tr("live.trainee_paused_long"), "bold reverse")
        elif self.paused:
            self._status(self.tr("live.paused_all"), "bold reverse")
        else:
            self._status("")

    def _trainee_left(self) -> None:
        """The trainee's screen left (trial 29: lines were still "sent" to nobody, and F7 asked for an
        ending the store never took): the call is kept as left, so the console stops playing it."""
        from simulator.store.live import end_call

        self.trainee_left = True
        box = self.query_one("#caller-line", Input)
        box.disabled = True
        self._refresh_controls()
        self.refresh_bindings()
        self._status(self.tr("live.trainee_left_long"), "bold reverse")
        store, call_id = self.app.store, self.call.id
        self.app.run_worker(lambda: end_call(store, call_id), thread=True, group="live-end", exit_on_error=False)
        self.app.live_call_ended(self.call, self.session)

    def call_ended(self) -> None:
        """The guest stays on the console: the call is marked ended for the class."""
        from simulator.store.live import end_call

        self._status(self.tr("live.ended", ending=ending_texts(self.session)[0]), "bold reverse")
        self.query_one("#caller-line", Input).disabled = True
        self.refresh_bindings()
        store, call_id = self.app.store, self.call.id
        self.app.run_worker(lambda: end_call(store, call_id), thread=True, group="live-end", exit_on_error=False)
        self.app.live_call_ended(self.call, self.session)
