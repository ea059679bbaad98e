"""The play-test panel for trainers: why each reply did what it did.

At the start: the starting state and the transitions the first reply will be checked against.
Per reply: detected acts, evidence, the mood change and its causes, and every transition
checked with its clauses (✓/✗) and which one fired. Also shows lint problems after a reload.
"""
from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from simulator.session import TurnResult
from simulator.tui.widgets.turn_view import breaking_line, evidence_lines, mood_line, scores_line


def _offer(offer, tr) -> str:
    """"refund (amount 18, 0.45 months)": what the policy check read of an offer (trial 23 had
    "refund 0.45m 18")."""
    sizes = ([tr("debug.amount", n=f"{offer.amount:g}")] if offer.amount else []) + \
            ([tr("debug.months", n=f"{round(offer.months, 2):g}")] if offer.months else [])
    return offer.action + (f" ({', '.join(sizes)})" if sizes else "")


def turn_debug_text(turn: TurnResult, tr) -> Text:
    """Everything the engine decided for one turn, as plain text with colour."""
    text = Text.assemble((tr("debug.turn", n=turn.index + 1, state=turn.state_before), "bold reverse"))
    text.append("\n")
    text.append_text(scores_line(turn, tr))
    if turn.score is not None:
        text.append("\n" + tr("debug.acts") + " ", style="bold")
        text.append(", ".join(turn.score.acts) or "-")
        if turn.score.offers:
            text.append("\n" + tr("debug.offers") + " ", style="bold")
            text.append(", ".join(_offer(o, tr) for o in turn.score.offers))
        if turn.concerns_met:  # by id: what a trainer writes in `met:`
            text.append("\n" + tr("debug.concerns") + " ", style="bold")
            text.append(", ".join(turn.concerns_met), style="green")
        evidence = evidence_lines(turn, tr)
        if evidence.plain:
            text.append("\n")
            text.append_text(evidence)
    text.append("\n")
    text.append_text(mood_line(turn, tr))
    broke = breaking_line(turn, tr)
    if broke is not None:  # checked before the transitions, so none was
        text.append("\n")
        text.append_text(broke)
    for cand in turn.candidates:
        fired = cand["fired"]
        text.append("\n" + ("▶ " if fired else "  "), style="bold green" if fired else "dim")
        text.append(f"→ {cand['to']}", style="bold green" if fired else "")
        if cand.get("note"):
            text.append(f"  ({cand['note']})", style="italic dim")
        if not cand["clauses"]:
            text.append("\n     " + tr("debug.always"), style="dim")
        for clause, ok in cand["clauses"]:
            text.append(f"\n     {'✓' if ok else '✗'} ", style="green" if ok else "red")
            text.append(str(clause))
    if not turn.candidates and turn.kind == "reply" and broke is None:
        text.append("\n" + tr("debug.no_transitions"), style="dim")
    move = (f"{turn.state_before} → {turn.state_after}" if turn.state_after != turn.state_before
            else tr("debug.stays", state=turn.state_after))
    text.append("\n" + move, style="bold")
    return text


def state_debug_text(scenario, state: str, tr) -> Text:
    """Where the call stands before a reply: the state and the transitions the next reply is
    checked against, in order, with their clauses (not yet evaluated)."""
    from simulator.conditions import clause_texts

    text = Text.assemble((tr("debug.start", state=state), "bold reverse"))
    node = scenario.states.get(state)
    if node is None or not node.transitions:
        text.append("\n" + tr("debug.no_transitions"), style="dim")
        return text
    for t in node.transitions:
        text.append(f"\n  → {t.to}", style="bold")
        if t.note:
            text.append(f"  ({t.note})", style="italic dim")
        parts = clause_texts(t.when)
        if not parts:
            text.append("\n     " + tr("debug.always"), style="dim")
        for clause in parts:
            text.append(f"\n     · {clause}")
    return text


class DebugPanel(VerticalScroll):
    """Side panel of `play --debug`: newest turn at the bottom."""

    can_focus = False

    def __init__(self, tr, **kwargs) -> None:
        super().__init__(**kwargs)
        self.tr = tr

    def show_state(self, scenario, state: str) -> None:
        """The call's start: the panel stays at its top, or a state with many transitions would
        push its own header (and the play-test note above it) out of sight."""
        self._add(state_debug_text(scenario, state, self.tr), "debug-turn")
        self.call_after_refresh(self.scroll_home, animate=False)

    def show_turn(self, turn: TurnResult) -> None:
        self._add(turn_debug_text(turn, self.tr), "debug-turn")

    def show_note(self, message: str) -> None:
        self._add(Text(message, style="bold #ce93d8"), "debug-note")

    def show_diagnostics(self, diagnostics) -> None:
        # The latest reload is the one that matters: an earlier "Reloaded: the call has restarted"
        # or an earlier failure left above this one would contradict it.
        self.query(".debug-note, .debug-errors").remove()
        text = Text(self.tr("debug.reload_failed"), style="bold red")
        for d in diagnostics:
            text.append("\n")
            text.append(str(d), style="red" if d.severity == "error" else "yellow")
        self._add(text, "debug-errors")

    def _add(self, content: Text, cls: str) -> None:
        self.mount(Static(content, classes=cls))
        self.call_after_refresh(self.scroll_end, animate=False)
