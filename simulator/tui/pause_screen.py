"""The pause / safe-word screen: everything stops, nothing is counted, the trainee chooses."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from simulator.tui.keys import relabel


class PauseScreen(ModalScreen[str]):
    """Dismisses with "resume" or "leave"."""

    BINDINGS = [
        Binding("escape,enter,r", "resume", "Resume"),
        Binding("l,q", "leave", "Leave"),
    ]

    def __init__(self, tr, over: bool = False) -> None:
        super().__init__()
        self.tr = tr
        self.over = over

    def compose(self) -> ComposeResult:
        tr = self.tr
        with Vertical(id="pause-box"):
            yield Static(Text(tr("pause.title"), style="bold"), id="pause-title")
            yield Static(Text(tr("pause.body")), id="pause-body")
            yield Static(Text(tr("pause.keys"), style="bold"), id="pause-keys")
        yield Footer()

    def on_mount(self) -> None:
        relabel(self, self.tr)

    def action_resume(self) -> None:
        self.dismiss("resume")

    def action_leave(self) -> None:
        self.dismiss("leave")
