"""Joining a live call from the picker: the trainee types the code the trainer shows."""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from simulator.tui.keys import relabel


class JoinScreen(ModalScreen[str]):
    """Asks for a live call's code; dismisses with it (normalised), or None on Esc."""

    BINDINGS = [Binding("escape", "cancel", "Back")]

    def __init__(self, tr) -> None:
        super().__init__()
        self.tr = tr

    def compose(self) -> ComposeResult:
        with Vertical(id="join-box"):
            yield Static(Text(self.tr("live.join_title"), style="bold"))
            yield Static(Text(self.tr("live.join_prompt")))
            yield Input(max_length=12, id="join-code")
        yield Footer()

    def on_mount(self) -> None:
        relabel(self, self.tr)
        box = self.query_one(Input)
        box.cursor_blink = self.app.settings.cursor_blink
        box.focus()

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        from simulator.store.live import normal_code

        code = normal_code(event.value)
        if code:
            self.dismiss(code)

    def action_cancel(self) -> None:
        self.dismiss(None)
