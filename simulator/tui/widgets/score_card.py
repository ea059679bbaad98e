"""Coach mode's score card: the last reply's levels and evidence, shown as it is sent."""
from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from simulator.session import TurnResult
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
        text = scores_line(turn, self.tr)
        evidence = evidence_lines(turn, self.tr, limit=self.evidence_rows, sc=self.scenario)
        if evidence.plain:
            text.append("\n")
            text.append_text(evidence)
        self.update(text)
