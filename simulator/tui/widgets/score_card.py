"""Coach mode's score card: the last reply's levels and evidence, shown as it is sent."""
from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from simulator.session import TurnResult
from simulator.tui.widgets.folded import folded
from simulator.tui.widgets.turn_view import evidence_lines, scores_line


class ScoreCard(Static):
    """Shows `turn` (a TurnResult) or a placeholder; `evidence_rows` caps the lines shown; the
    `scenario` names its own actions in the evidence."""

    def __init__(self, tr, evidence_rows: int = 3, *, scenario=None, waiting: str = "call.score_waiting",
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.tr = tr
        self.waiting = waiting  # the catalogue key shown before the first reply
        self.scenario = scenario
        self.evidence_rows = evidence_rows
        self.show(None)

    def show(self, turn: TurnResult | None) -> None:
        if turn is None:
            self.update(Text(self.tr(self.waiting), style="dim italic"))
            return
        self.update(card_text(turn, self.tr, self.evidence_rows, self.scenario))


def card_text(turn: TurnResult, tr, evidence_rows: int, scenario=None):
    """The card for a scored turn: its levels, then its evidence, folded so that a Chinese reason
    breaks between characters and not away from its bullet (trial 30: "−" alone on a line)."""
    text = scores_line(turn, tr)
    evidence = evidence_lines(turn, tr, limit=evidence_rows, sc=scenario)
    if evidence.plain:
        text.append("\n")
        text.append_text(evidence)
    return folded(text)
