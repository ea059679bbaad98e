"""Recorded calls and their reviews, in the app: from the leaderboard, `c` lists the highlighted
trainee's calls (CallsScreen); Enter opens one (ReviewScreen): every reply with the machine's
levels and, where a trainer reviewed it, theirs and their note (what the trainee reads).

A review outranks the machine's score (leaderboards, exports, `cases export --reviewed`), so only
a trainer gives one: in the trainee app these screens are read-only; from the trainer's class
console (`mystery-guest class`, `v`) Enter on a reply opens ReviewTurnScreen to set the levels,
landmines and note. In a terminal, trainers use `mystery-guest review`.

The store does the work (Store.save_review, simulator/store/reviews.py); every text from people
is shown as plain text (rich.text.Text), never as markup."""
from __future__ import annotations

from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Static

from simulator.scores import shown
from simulator.tui.keys import relabel
from simulator.tui.names import quote_for

DIMENSIONS = ("listening", "empathy", "policy")
REVIEWED = "†"


def _landmines() -> tuple[str, ...]:
    from scoring.types import LANDMINES

    return LANDMINES


def _one_line(text: Any, width: int | None = None) -> str:
    """`text` on one line, cut to `width` terminal cells (a Chinese character takes two)."""
    line = " ".join(str(text or "").split())
    if width is None or cell_len(line) <= width:
        return line
    return set_cell_size(line, width - 1).rstrip() + "…"


def fill_table(table: DataTable, tr, prefix: str, columns: tuple[str, ...], rows: list[tuple[Text, ...]]) -> None:
    """Columns as wide as their widest cell or heading in terminal cells, so Chinese headings and
    values are never cut (a column sized by its heading alone showed "中途" for "中途离开")."""
    table.clear(columns=True)
    headings = [Text(tr(prefix + col), style="bold") for col in columns]
    for i, (col, heading) in enumerate(zip(columns, headings)):
        width = max([heading.cell_len] + [row[i].cell_len for row in rows])
        table.add_column(heading, key=col, width=width)
    for row in rows:
        table.add_row(*row)


def reviewer_name(app) -> str:
    """Who reviews: the trainer's login name, as `mystery-guest review` takes by default (the class
    console asks no name; the remembered trainee name on this computer is a trainee's)."""
    from simulator.store.recorder import login_name

    return login_name()


# ---------------------------------------------------------------------------- a trainee's calls
class CallsScreen(Screen):
    """One trainee's recorded calls in the cohort, newest first; Enter opens one (to review it when
    `trainer`)."""

    BINDINGS = [Binding("escape,q", "back", "Back")]

    def __init__(self, tr, trainee: str, cohort: str | None = None, *, trainer: bool = False) -> None:
        super().__init__()
        self.tr = tr
        self.trainee = trainee
        self._cohort = cohort
        self.trainer = trainer
        self.ids: list[int] = []

    @property
    def cohort(self) -> str:
        return self._cohort if self._cohort is not None else self.app.settings.cohort

    def compose(self) -> ComposeResult:
        yield Static(id="calls-bar")
        yield DataTable(id="calls", cursor_type="row", zebra_stripes=True)
        yield Static(id="calls-note")
        yield Footer()

    def on_mount(self) -> None:
        relabel(self, self.tr)
        bar = Text(f" {self.tr('calls.title', trainee=self.trainee)} ", style="bold reverse")
        bar.append("  " + (self.cohort or ""))
        self.query_one("#calls-bar", Static).update(bar)
        self.query_one(DataTable).focus()
        self._note(self.tr("calls.loading"))
        self.load()

    @work(thread=True, exclusive=True, group="calls")
    def load(self) -> None:
        store = self.app.store
        try:
            rows = store.sessions(self.cohort, trainee=self.trainee)
            reviewed = store.reviewed_calls(rows)
        except Exception as exc:  # a busy or unreachable database: a notice, not a traceback
            self.app.call_from_thread(self._note, self.tr("calls.failed", error=type(exc).__name__))
            return
        self.app.call_from_thread(self.show_rows, rows, reviewed)

    def show_rows(self, rows, reviewed: dict[int, dict]) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row  # read again after a review: the trainer stays on the call they reviewed
        self.ids = [r.id for r in rows]
        cells = []
        for r in rows:
            rv = reviewed.get(r.id)
            if rv is None:
                overall = shown(r.overall, "—")
            else:
                overall = shown(rv["overall"], "—") + f"{REVIEWED} ({shown(r.overall, '—')})"
            cells.append((Text(str(r.id), justify="right"), Text(r.started_at.strftime("%Y-%m-%d %H:%M")),
                          Text(_one_line(r.scenario_title or r.scenario_id, 40)),
                          Text(self.tr.get("calls.status." + r.status, r.status)), Text(overall, justify="right")))
        fill_table(table, self.tr, "calls.col.", ("id", "started", "scenario", "status", "overall"), cells)
        if 0 < row < table.row_count:
            table.move_cursor(row=row)
        self._note(self.tr("calls.empty") if not rows else self.tr("calls.reviewed"))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.ids):
            self.app.push_screen(ReviewScreen(self.tr, self.ids[event.cursor_row], trainer=self.trainer))

    def on_screen_resume(self) -> None:
        if self.ids and self.app.store is not None:  # back from a review: a call's scores may have changed
            self.load()

    def _note(self, message: str) -> None:
        self.query_one("#calls-note", Static).update(Text(message, style="italic"))

    def action_back(self) -> None:
        self.app.pop_screen()


# ---------------------------------------------------------------------------- one call
class ReviewScreen(Screen):
    """One recorded call, reply by reply, with the machine's levels and a trainer's review; a trainer
    (`trainer`, from the class console) reviews a reply with Enter, anyone else only reads."""

    BINDINGS = [Binding("escape,q", "back", "Back")]

    def __init__(self, tr, session_id: int, *, trainer: bool = False) -> None:
        super().__init__()
        self.tr = tr
        self.session_id = session_id
        self.trainer = trainer
        self.detail = None
        self.turns: list[dict] = []

    def compose(self) -> ComposeResult:
        yield Static(id="review-bar")
        yield Static(Text(self.tr("review.help" if self.trainer else "review.help_read_only"), style="italic"),
                     id="review-help")
        yield DataTable(id="review-turns", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="review-detail"):  # a long list of reasons scrolls (mouse wheel)
            yield Static(id="review-detail-text")
        yield Footer()

    def on_mount(self) -> None:
        relabel(self, self.tr)
        self.query_one(DataTable).focus()
        self._bar(self.tr("review.loading"))
        self.load()

    @work(thread=True, exclusive=True, group="review")
    def load(self) -> None:
        try:
            detail = self.app.store.session_detail(self.session_id)
        except Exception as exc:
            self.app.call_from_thread(self._bar, self.tr("review.failed", error=type(exc).__name__))
            return
        self.app.call_from_thread(self.show_call, detail)

    def _bar(self, extra: str) -> None:
        bar = Text(f" {self.tr('review.title')} ", style="bold reverse")
        bar.append("  " + extra)
        self.query_one("#review-bar", Static).update(bar)

    def show_call(self, detail) -> None:
        self.detail = detail
        row, reviewed = detail.session, detail.reviewed
        fmt = lambda x: shown(x, "—")  # noqa: E731
        if reviewed is None:
            overall = self.tr("review.overall", overall=fmt(row.overall))
        elif reviewed["overall"] == row.overall:  # a note alone: nothing to set beside the machine's
            overall = self.tr("review.overall", overall=fmt(row.overall) + REVIEWED)
        else:
            overall = self.tr("review.overall_reviewed", overall=fmt(reviewed["overall"]), machine=fmt(row.overall))
        self._bar(f"#{row.id} · {row.trainee} · {_one_line(row.scenario_title or row.scenario_id, 40)} · {overall}")
        table = self.query_one(DataTable)
        keep = table.cursor_row
        self.turns = list(detail.turns)
        cells = []
        for t in self.turns:
            score, review = t.get("score") or {}, detail.reviews.get(t["index"])
            machine = "·".join(str((score.get(d) or {}).get("level", "-")) for d in DIMENSIONS) if score else "—"
            if score.get("landmines"):
                machine += " !"
            mine = "—" if review is None else "·".join(str(review.level(d)) for d in DIMENSIONS) + (
                " !" if review.landmines else "")
            reply = t["reply"] if t["kind"] == "reply" else self.tr("review.silence")
            cells.append((Text(str(t["index"] + 1), justify="right"), Text(self.tr.get("stage." + t["stage"], t["stage"])),
                          Text(_one_line(reply, 48)), Text(machine), Text(mine, style="bold" if review else ""),
                          Text("✎" if review is not None and review.note else "")))
        fill_table(table, self.tr, "review.col.", ("turn", "stage", "reply", "machine", "reviewed", "note"), cells)
        if self.turns:
            table.move_cursor(row=min(max(keep, 0), len(self.turns) - 1))
            self.show_turn(table.cursor_row)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_turn(event.cursor_row)

    def show_turn(self, index: int) -> None:
        if self.detail is None or not 0 <= index < len(self.turns):
            return
        self.query_one("#review-detail-text", Static).update(
            turn_text(self.tr, self.turns[index], self.detail.reviews.get(self.turns[index]["index"])))
        self.query_one("#review-detail", VerticalScroll).scroll_home(animate=False)  # each turn from its top

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if not self.trainer or self.detail is None or not 0 <= event.cursor_row < len(self.turns):
            return  # the trainee app only reads reviews
        turn = self.turns[event.cursor_row]
        if turn["kind"] != "reply":
            return  # a silence has no reply to review
        review = self.detail.reviews.get(turn["index"])
        self.app.push_screen(ReviewTurnScreen(self.tr, turn, review), lambda values: self._save(turn, values))

    def _save(self, turn: dict, values: dict | None) -> None:
        if values is not None:
            self.save(turn["index"], values)

    @work(thread=True, exclusive=True, group="review-save")
    def save(self, index: int, values: dict) -> None:
        from simulator.store.reviews import ReviewError

        try:
            self.app.store.save_review(self.session_id, index, reviewer=reviewer_name(self.app), **values)
        except ReviewError as exc:
            self.app.call_from_thread(self.notify, self.tr("review.edit.not_saved", error=exc.said(self.tr)),
                                      severity="error", markup=False)
            return
        except Exception as exc:  # the database went away: say so, keep the screen
            self.app.call_from_thread(self.notify, self.tr("review.edit.not_saved", error=type(exc).__name__),
                                      severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, self.tr("review.edit.saved", n=index + 1), markup=False)
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()


def _scores_text(tr, score: dict) -> str:
    return tr("review.scores", **{d: tr("review.level", score=(score.get(d) or {}).get("score", "-"),
                                          level=(score.get(d) or {}).get("level", "-")) for d in DIMENSIONS})


def _mines_text(tr, categories) -> str:
    names = [tr.get("landmine." + c, c) for c in categories]
    return tr("debrief.list_sep").join(names) if names else tr("review.none")


def turn_text(tr, turn: dict, review) -> Text:
    """One turn as the review shows it: the caller's line, the reply, the machine's levels and
    reasons, and the trainer's review and note (all plain text)."""
    from simulator.store.reviews import reviewed_score

    text = Text()
    text.append(tr("app.label", name=tr("review.caller")), style="bold")
    text.append(_one_line(turn.get("customer_before")) + "\n")
    if turn["kind"] != "reply":
        text.append(tr("review.silence"), style="italic")
        return text
    text.append(tr("app.label", name=tr("review.trainee")), style="bold")
    text.append(_one_line(turn["reply"]) + "\n")
    score = turn.get("score") or {}
    if review is not None:  # the trainer's word first: it is what the trainee opened this to read
        text.append(tr("review.by", reviewer=review.reviewer, at=f"{review.reviewed_at:%Y-%m-%d %H:%M}",
                       scores=_scores_text(tr, reviewed_score(score, review))) + "\n", style="bold")
        text.append(tr("review.mines", mines=_mines_text(tr, review.landmines)) + "\n", style="bold")
        if review.note:
            text.append(tr("review.note", note=review.note) + "\n", style="bold")
    text.append(tr("review.machine", scores=_scores_text(tr, score)) + "\n")
    reply = turn["reply"]
    for dim in DIMENSIONS:
        for e in (score.get(dim) or {}).get("evidence", [])[:3]:
            quote = reply[e["start"]:e["end"]]
            text.append(f"  {e.get('effect', '+')} {tr('dim.' + dim)}{tr('transcript.colon')}", style="dim")
            text.append(quote_for(_one_line(quote, 60), e.get("reason")) + _one_line(e.get("reason"), 120) + "\n",
                        style="dim")
    mines = list(dict.fromkeys(m["category"] for m in score.get("landmines", [])))
    text.append(tr("review.machine_mines", mines=_mines_text(tr, mines)))
    return text


# ---------------------------------------------------------------------------- one reply
class ReviewTurnScreen(ModalScreen[dict | None]):
    """The trainer's levels, landmines and note for one reply; dismisses with the values to store,
    or None. Starts from the earlier review, else from the machine's word."""

    BINDINGS = [
        Binding("l", "cycle_listening", "Listening"), Binding("e", "cycle_empathy", "Empathy"),
        Binding("p", "cycle_policy", "Policy"), Binding("n", "note", "Note"), Binding("s", "save", "Save"),
        Binding("escape", "cancel", "Back"),
        *[Binding(str(i), f"mine({i})", show=False) for i in range(1, 9)],
    ]

    def __init__(self, tr, turn: dict, review=None) -> None:
        super().__init__()
        self.tr = tr
        self.turn = turn
        from simulator.store.review_commands import _base

        self.values = _base(turn, review)

    def compose(self) -> ComposeResult:
        with Vertical(id="review-edit"):
            yield Static(Text(self.tr("review.edit.title", n=self.turn["index"] + 1), style="bold"))
            yield Static(turn_text(self.tr, self.turn, None), id="review-edit-turn")
            yield Static(id="review-edit-draft")
            note = Input(self.values["note"], placeholder=self.tr("review.edit.note"), id="review-note")
            note.can_focus = False  # the keys change levels until the trainer chooses to write the note (n)
            yield note
            yield Static(Text(self.tr("review.edit.keys"), style="italic"))
        yield Footer()

    def on_mount(self) -> None:
        relabel(self, self.tr)
        self.query_one(Input).cursor_blink = self.app.settings.cursor_blink
        self.show_draft()


    def show_draft(self) -> None:
        from scoring.types import MAX_LEVEL

        text = Text()
        for key, dim in zip("lep", DIMENSIONS):
            text.append(f"{self.tr('dim.' + dim)} ({key}) ", style="bold")
            text.append(f"{self.values[dim]}/{MAX_LEVEL[dim]}   ")
        text.append("\n")
        for i, cat in enumerate(_landmines(), 1):
            on_ = cat in self.values["landmines"]
            text.append(f"{i} [{'x' if on_ else ' '}] {self.tr.get('landmine.' + cat, cat)}  ",
                        style="bold red" if on_ else "")
        self.query_one("#review-edit-draft", Static).update(text)

    def action_cycle_listening(self) -> None:
        self.cycle("listening")

    def action_cycle_empathy(self) -> None:
        self.cycle("empathy")

    def action_cycle_policy(self) -> None:
        self.cycle("policy")

    def cycle(self, dim: str) -> None:
        """The next level of a dimension (after the top, 0 again)."""
        from scoring.types import MAX_LEVEL

        self.values[dim] = (self.values[dim] + 1) % (MAX_LEVEL[dim] + 1)
        if dim == "policy" and self.values["policy"] == 1:
            self.values["landmines"] = []  # keeping to policy means no landmine (the labelling rules)
        self.show_draft()

    def action_mine(self, number: int) -> None:
        cat = _landmines()[number - 1]
        mines = self.values["landmines"]
        if cat in mines:
            mines.remove(cat)
        else:
            mines.append(cat)
        self.values["policy"] = 0 if mines else 1
        self.show_draft()

    def action_note(self) -> None:
        note = self.query_one(Input)
        note.can_focus = True
        note.focus()

    @on(Input.Submitted, "#review-note")
    def _note_done(self) -> None:
        self.query_one(Input).can_focus = False
        self.set_focus(None)

    def action_save(self) -> None:
        self.dismiss({**self.values, "note": self.query_one(Input).value})

    def action_cancel(self) -> None:
        if self.focused is self.query_one(Input):  # Esc in the note ends the note, keeping it
            self._note_done()
            return
        self.dismiss(None)
