"""The cohort's leaderboard, from the store's query (never a second copy of the scores).

It says its rule in one line (docs/store.md, "The ranking rule"), and for the highlighted
trainee it lists the calls behind "Best": their top score on each scenario, whose mean it is."""
from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from simulator.scores import shown_rate
from simulator.tui.keys import relabel


# The store's columns shown, in this order (the rest stay in `mystery-guest leaderboard`).
# `scenarios` sits beside `best` because best is a mean over that many scenarios.
SHOWN = ("rank", "trainee", "best", "scenarios", "average", "completed", "sessions", "resolved_rate", "pass_rate",
         "hints")


def row_mapping(row) -> dict:
    """A leaderboard row as a dict (the store may give dicts, dataclasses or SQLAlchemy rows)."""
    if isinstance(row, dict):
        return row
    if hasattr(row, "to_dict"):
        return row.to_dict()
    if hasattr(row, "_mapping"):
        return dict(row._mapping)
    if hasattr(row, "__dataclass_fields__"):
        return {k: getattr(row, k) for k in row.__dataclass_fields__}
    return dict(vars(row))


def cell(value, col: str = "", row: dict | None = None) -> Text:
    if col == "human_caller":
        return Text("✓" if value else "", justify="center")
    if col == "best" and isinstance(value, (int, float)) and (row or {}).get("best_used_hints"):
        # the best call behind it used hints; † a trainer's review counts in it
        return Text(f"{value:.1f}*" + ("†" if (row or {}).get("reviewed") else ""), justify="right")
    if col == "best" and isinstance(value, (int, float)) and (row or {}).get("reviewed"):
        return Text(f"{value:.1f}†", justify="right")
    if col in ("resolved_rate", "pass_rate") and isinstance(value, (int, float)):
        return Text(shown_rate(value), justify="right")
    if isinstance(value, float):  # one decimal everywhere: "70" beside "70.0" read as two kinds of figure
        return Text(f"{value:.1f}", justify="right")
    if isinstance(value, int):
        return Text(str(value), justify="right")
    return Text("—" if value is None else str(value), no_wrap=True, overflow="ellipsis")


class LeaderboardScreen(Screen):
    """Rows of store.leaderboard(cohort) for the trainee's cohort (or the class console's); loaded
    in a thread. `trainer`: opened from the class console, whose calls the trainer may review."""

    BINDINGS = [Binding("escape,q,l", "back", "Back"), Binding("c", "calls", "Calls")]

    def __init__(self, tr, cohort: str | None = None, *, trainer: bool = False) -> None:
        super().__init__()
        self.tr = tr
        self._cohort = cohort
        self.trainer = trainer
        self.rows: list[dict] = []

    @property
    def cohort(self) -> str:
        """The class console's cohort, else the trainee's."""
        return self._cohort if self._cohort is not None else self.app.settings.cohort

    def compose(self) -> ComposeResult:
        yield Static(id="leaderboard-bar")
        from simulator.debrief import PASS_MARK  # the pass rule, defined once

        yield Static(Text(self.tr("leaderboard.rule", mark=PASS_MARK), style="italic"), id="leaderboard-rule")
        yield DataTable(id="leaderboard", cursor_type="row", zebra_stripes=True)
        yield Static(id="leaderboard-detail")
        yield Static(id="leaderboard-note")
        yield Footer()

    def on_mount(self) -> None:
        relabel(self, self.tr)
        cohort = self.cohort
        bar = Text(f" {self.tr('leaderboard.title')} ", style="bold reverse")
        bar.append("  ")
        bar.append(cohort or self.tr("leaderboard.no_cohort"))
        self.query_one("#leaderboard-bar", Static).update(bar)
        self.query_one(DataTable).focus()
        if self.app.store is None:
            self._note(self.tr("leaderboard.no_store"))
            return
        self._note(self.tr("leaderboard.loading"))
        self.load(cohort)

    @work(thread=True, exclusive=True, group="leaderboard")
    def load(self, cohort: str) -> None:
        try:
            rows = [row_mapping(r) for r in self.app.store.leaderboard(cohort)]
        except Exception as exc:  # a busy or unreachable database: a notice, not a traceback
            self.app.call_from_thread(self._note, self.tr("leaderboard.failed", error=type(exc).__name__))
            return
        self.app.call_from_thread(self.show_rows, rows)

    def show_rows(self, rows: list[dict]) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        self.rows = rows
        if not rows:
            self._note("\n".join([self.tr("leaderboard.empty")] + self._waiting()))
            return
        columns = [c for c in SHOWN if c in rows[0]] or list(rows[0])
        if any(r.get("human_caller") for r in rows):  # a live class: whose calls a person played
            columns.append("human_caller")
        for col in columns:
            table.add_column(Text(self.tr.get("leaderboard.col." + col, col), style="bold"), key=col)
        for row in rows:
            table.add_row(*(cell(row.get(c), col=c, row=row) for c in columns))
        notes = [self.tr("leaderboard.hinted")] if any(r.get("best_used_hints") for r in rows) else []
        if any(r.get("reviewed") for r in rows):
            notes.append(self.tr("leaderboard.reviewed"))
        self._note("\n".join(notes + self._waiting()))

    def _waiting(self) -> list[str]:
        """A line for calls of this run kept on this computer, not on the board yet (trial 23)."""
        recorder = getattr(self.app, "recorder", None)
        waiting = recorder.calls_waiting() if recorder is not None else 0
        return [self.tr("leaderboard.waiting", n=waiting)] if waiting else []

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.rows) and self.app.store is not None:
            self.load_detail(self.cohort, str(self.rows[event.cursor_row].get("trainee", "")))

    @work(thread=True, exclusive=True, group="leaderboard-detail")
    def load_detail(self, cohort: str, trainee: str) -> None:
        """The highlighted trainee's top score on each scenario: the calls "Best" is the mean of."""
        try:
            bests = self.app.store.best_scores(trainee, cohort) or {}
        except Exception:  # the row is still right; only its breakdown is missing
            bests = {}
        self.app.call_from_thread(self.show_detail, trainee, bests)

    def show_detail(self, trainee: str, bests: dict) -> None:
        titles = {sc.id: sc.title for sc in self.app.library}
        done = [(titles.get(sid, sid), b) for sid, b in sorted(bests.items())
                if getattr(b, "best", None) is not None]
        detail = self.query_one("#leaderboard-detail", Static)
        if not done:
            detail.update("")
            return
        text = Text.assemble((self.tr("app.label", name=self.tr("leaderboard.best_of", trainee=trainee)), "bold"))
        for i, (title, b) in enumerate(done):
            if i:
                text.append(" · ", style="dim")
            text.append(f"{title} ")
            text.append(f"{b.best:.1f}" + ("*" if getattr(b, "best_used_hints", False) else ""), style="bold")
        mean = round(sum(float(b.best) for _, b in done) / len(done), 1)
        text.append(self.tr("leaderboard.mean", mean=f"{mean:.1f}"))
        detail.update(text)

    def _note(self, message: str) -> None:
        self.query_one("#leaderboard-note", Static).update(Text(message, style="italic"))

    def on_screen_resume(self) -> None:
        if self.rows and self.app.store is not None:  # back from a review: its scores may have changed
            self.load(self.cohort)

    def action_calls(self) -> None:
        """The highlighted trainee's calls, to open one (review_screen.py): to read its reviews, or
        from the class console to review it."""
        table = self.query_one(DataTable)
        if self.app.store is None or not 0 <= table.cursor_row < len(self.rows):
            return
        from simulator.tui.review_screen import CallsScreen

        self.app.push_screen(CallsScreen(self.tr, str(self.rows[table.cursor_row].get("trainee", "")),
                                         self.cohort, trainer=self.trainer))

    def action_back(self) -> None:
        self.app.pop_screen()
