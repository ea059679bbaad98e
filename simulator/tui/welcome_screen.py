"""First run: the trainee gives a name and a cohort once; the app remembers them."""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from simulator.settings import NAME_MAX, clean_name
from simulator.tui.keys import relabel


class WelcomeScreen(Screen[tuple[str, str] | None]):
    """Asks for name and cohort; dismisses with (name, cohort), or None on escape if one is known."""

    BINDINGS = [Binding("escape", "cancel", "Back")]

    def __init__(self, tr, name: str = "", cohort: str = "") -> None:
        super().__init__()
        self.tr = tr
        self.initial = (name, cohort)

    def compose(self) -> ComposeResult:
        tr = self.tr
        with Vertical(id="welcome-box"):
            yield Static(Text(tr("app.title"), style="bold"), id="welcome-title")
            yield Static(Text(tr("welcome.intro")), id="welcome-intro")
            yield Static(Text(tr("welcome.name")), classes="field-label")
            yield Input(self.initial[0], placeholder=tr("welcome.name_placeholder"),
                        max_length=NAME_MAX, id="name")
            yield Static(Text(tr("welcome.cohort")), classes="field-label")
            yield Input(self.initial[1], placeholder=tr("welcome.cohort_placeholder"),
                        max_length=NAME_MAX, id="cohort")
            yield Static(id="welcome-error")
            yield Static(Text(tr("welcome.keys"), style="italic"), id="welcome-keys")
        yield Footer()

    def on_mount(self) -> None:
        relabel(self, self.tr)
        for field in self.query(Input):
            field.cursor_blink = self.app.settings.cursor_blink
        if self.focused is None:  # a Tab typed before this ran has already moved on: keep it there
            self.query_one("#name", Input).focus()

    @on(Input.Submitted, "#name")
    def _name_done(self) -> None:
        if self.query_one("#cohort", Input).value.strip():  # both given: Enter starts, as the hint says
            self._cohort_done()
        else:
            self.query_one("#cohort", Input).focus()

    @on(Input.Submitted, "#cohort")
    def _cohort_done(self) -> None:
        boxes = self.query_one("#name", Input), self.query_one("#cohort", Input)
        name, cohort = (clean_name(box.value) for box in boxes)
        changed = [box for box, clean in zip(boxes, (name, cohort)) if clean != box.value.strip()]
        if changed:  # say so, show what will be saved, and let the trainee look before going on
            for box, clean in zip(boxes, (name, cohort)):
                box.value = clean
            self.query_one("#welcome-error", Static).update(
                Text(self.tr("welcome.cleaned", max=NAME_MAX), style="bold yellow"))
            changed[0].focus()
            return
        if not name or not cohort:
            self.query_one("#welcome-error", Static).update(Text(self.tr("welcome.need_name"), style="bold red"))
            self.query_one("#name" if not name else "#cohort", Input).focus()
            return
        self.dismiss((name, cohort))

    def check_action(self, action: str, parameters) -> bool | None:
        # "Back" only makes sense when there is a remembered name to go back with.
        return bool(self.initial[0]) if action == "cancel" else True

    def action_cancel(self) -> None:
        if self.initial[0]:
            self.dismiss(None)
