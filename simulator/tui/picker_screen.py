"""The scenario picker: title, language, difficulty, summary and the trainee's best score."""
from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from simulator.plaintext import plain
from simulator.scores import shown
from simulator.tui.keys import relabel



def broken_files_note(problems, tr) -> str:
    """How many scenario files were left out, and the lint command that names their errors: in
    their folder (a bare `mystery-guest lint` checks the bundled library, not theirs)."""
    files = sorted({str(d.file) for d in problems})
    folders = {str(Path(f).parent) for f in files}
    where = folders.pop() if len(folders) == 1 else " ".join(files)
    return tr("picker.broken", n=len(files), where=plain(where, lines=False))

class PickerScreen(Screen):
    """Choose a scenario (Enter) or draw lots (d); m switches coach/exam mode."""

    BINDINGS = [
        Binding("enter", "start", "Start", priority=True),
        Binding("d", "draw_lots", "Draw lots"),
        Binding("j", "join_live", "Join a live call"),
        Binding("m", "toggle_mode", "Mode"),
        Binding("l", "leaderboard", "Leaderboard"),
        Binding("n", "change_name", "Name"),
        Binding("t", "toggle_lang", "Language", show=False),  # shown in the bar
        Binding("q", "quit_app", "Quit"),
        # the first and last scenario (the table's own Home / End scroll sideways, which moves nothing here)
        Binding("home", "first_row", "First", show=False, priority=True),
        Binding("end", "last_row", "Last", show=False, priority=True),
    ]

    def __init__(self, row: int = 0) -> None:
        super().__init__()
        self.tr = self.app.catalog()
        self._start_row = row

    def compose(self) -> ComposeResult:
        yield Static(id="picker-bar")
        yield DataTable(id="scenarios", cursor_type="row", zebra_stripes=True)
        yield Static(id="summary")
        yield Footer()

    def on_mount(self) -> None:
        relabel(self, self.tr)
        table = self.query_one(DataTable)
        for key in ("title", "lang", "difficulty", "best"):
            table.add_column(Text(self.tr("picker." + key), style="bold"), key=key)
        self.refresh_rows()
        if self._start_row:
            table.move_cursor(row=min(self._start_row, len(self.app.library) - 1))
        table.focus()

    def on_screen_resume(self) -> None:
        self.refresh_rows()

    def refresh_rows(self) -> None:
        """Rebuild the table (best scores change after each call)."""
        app = self.app
        table = self.query_one(DataTable)
        if not table.columns:
            return  # not mounted yet: on_mount fills it
        row = table.cursor_row
        table.clear()
        best = app.best_scores()
        for sc in app.library:
            score = best.get(sc.id)
            table.add_row(
                Text(sc.title, no_wrap=True, overflow="ellipsis"),
                Text(self.tr("lang." + sc.locale)),
                Text("★" * sc.difficulty + "☆" * (5 - sc.difficulty), style="#ffd54f"),
                Text(shown(score, "—") + ("†" if score is not None and app.best_is_reviewed(sc.id) else ""),
                     justify="right"),
                key=sc.id)
        if app.library:
            table.move_cursor(row=min(row, len(app.library) - 1))
        self._update_bar()
        self._update_summary()

    def _update_bar(self) -> None:
        s = self.app.settings
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f" {self.tr('app.title')} ", style="bold reverse")
        text.append(f"  {self.tr('picker.trainee')} ", style="bold")
        text.append(s.trainee or "—")
        if s.cohort:
            text.append(f"  {self.tr('picker.cohort')} ", style="bold")
            text.append(s.cohort)
        text.append(f"  {self.tr('picker.mode')} ", style="bold")
        text.append(self.tr("mode." + s.mode), style="bold #4fc3f7")
        # the language switch lives here, in both languages' words, not in a full footer
        text.append(f"  {self.tr('picker.switch_lang')}", style="dim")
        self.query_one("#picker-bar", Static).update(text)

    def _update_summary(self) -> None:
        sc = self.current()
        summary = self.query_one("#summary", Static)
        if sc is None:
            summary.update(Text(self.tr("picker.empty"), style="italic"))
            return
        text = Text.assemble((sc.title + "\n", "bold"))
        text.append((sc.summary or "").strip())
        if sc.tags:
            text.append("\n" + " · ".join(sc.tags), style="dim")
        text.append("\n" + self.tr("mode.help." + self.app.settings.mode), style="italic #4fc3f7")
        if self.app.best_is_reviewed(sc.id):
            text.append("\n" + self.tr("picker.best_reviewed"), style="dim")
        if self.app.problems:
            text.append("\n" + broken_files_note(self.app.problems, self.tr), style="yellow")
        summary.update(text)

    def action_toggle_lang(self) -> None:
        """English <-> Chinese for the app's own screens, remembered; a call still speaks its
        scenario's language (the terminal's locale or the library chose it before)."""
        app = self.app
        app.ui_choice = app.settings.ui_lang = "en" if app.ui_lang == "zh" else "zh"
        app.settings.save()
        app.switch_screen(PickerScreen(row=self.query_one(DataTable).cursor_row))  # the same scenario highlighted

    def action_first_row(self) -> None:
        self.query_one(DataTable).move_cursor(row=0)

    def action_last_row(self) -> None:
        self.query_one(DataTable).move_cursor(row=len(self.app.library) - 1)

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._update_summary()

    def current(self):
        table = self.query_one(DataTable)
        if not self.app.library or table.row_count == 0:
            return None
        return self.app.library[min(table.cursor_row, len(self.app.library) - 1)]

    def action_start(self) -> None:
        sc = self.current()
        if sc is not None:
            self.app.start_call(sc)

    def action_draw_lots(self) -> None:
        """Pick a scenario at random, as a cohort draws lots for who faces the guest."""
        if not self.app.library:
            return
        index = self.app.draw_lots()
        self.query_one(DataTable).move_cursor(row=index)
        self.app.start_call(self.app.library[index])

    def action_join_live(self) -> None:
        """Join a live call of the class by its code (the trainer shows it)."""
        from simulator.tui.join_screen import JoinScreen

        def joined(code: str | None) -> None:
            if code:
                self.app.open_live("join", code)

        self.app.push_screen(JoinScreen(self.tr), joined)

    def action_toggle_mode(self) -> None:
        s = self.app.settings
        s.mode = "exam" if s.mode == "coach" else "coach"
        s.save()
        self._update_bar()
        self._update_summary()

    def action_leaderboard(self) -> None:
        from simulator.tui.leaderboard_screen import LeaderboardScreen

        self.app.push_screen(LeaderboardScreen(self.tr))

    def action_change_name(self) -> None:
        self.app.ask_name()

    def action_quit_app(self) -> None:
        self.app.exit()
