"""The pause / safe-word screen: everything stops, nothing is counted, the trainee chooses."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from simulator.tui.keys import relabel
from simulator.tui.widgets.folded import folded


class PauseScreen(ModalScreen[str]):
    """Dismisses with "resume" or "leave". `by_trainer`: the trainer paused a live call for
    everyone; only their resume ends it (the trainee may still leave: the safe word stays)."""

    BINDINGS = [
        Binding("escape,enter,r", "resume", "Resume"),
        Binding("l,L,q", "leave", "Leave"),  # Shift held (or Caps Lock) leaves too
    ]

    def __init__(self, tr, by_trainer: bool = False, judged: bool = True) -> None:
        super().__init__()
        self.tr = tr
        self.by_trainer = by_trainer
        self.judged = judged  # False in an exam: the stage track shows no ✓ or ✗ to explain

    def compose(self) -> ComposeResult:
        tr = self.tr
        with Vertical(id="pause-box"):
            key = "pause.by_trainer" if self.by_trainer else "pause"
            yield Static(Text(tr(key + ".title"), style="bold"), id="pause-title")
            # folded (widgets/folded.py): a Chinese line never starts with "。"
            yield Static(folded(Text(tr(key + ".body"))), id="pause-body")
            if not self.by_trainer and self.judged:  # the one place a trainee stops to read: what the track's marks mean
                yield Static(folded(Text(tr("pause.track"), style="dim")), id="pause-track")
            yield Static(Text(tr(key + ".keys"), style="bold"), id="pause-keys")
        yield Footer()

    def on_mount(self) -> None:
        relabel(self, self.tr)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only the trainer resumes a call they paused: the footer does not offer Esc for it."""
        return not (action == "resume" and self.by_trainer)

    def action_resume(self) -> None:
        if not self.by_trainer:
            self.dismiss("resume")

    def action_leave(self) -> None:
        self.dismiss("leave")
