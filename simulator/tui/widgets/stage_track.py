"""The complaint arc as a track: the current stage highlighted, stages passed cleanly ticked,
stages where a reply broke policy or set off a landmine crossed (a tick there would read as
"handled well" after, say, a refund over the cap). A stage the call went past without stopping
in (a cancel offered while the caller was still venting, so the call went on to the refund) is
passed too: it is ticked, not left grey as if it were still to come."""
from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static


class StageTrack(Static):
    """Shows `stages` (display names by stage id) with `current` highlighted."""

    current: reactive[str] = reactive("")
    """The stage the call is in now (a stage id such as `refund`)."""

    def __init__(self, stages: list[str], names: dict[str, str], legend: str = "", judged: bool = True,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        # `judged` False (an exam): stages passed are shown, not how they went; nothing is judged
        # before the debrief (trial 30: a ✗ had told an exam candidate a reply was a landmine).
        self.judged = judged
        self.tooltip = (legend or None) if judged else None  # what ✓ and ✗ mean (the pause screen says it too)
        self.stages = stages
        self.names = names
        self.reached: set[str] = set()
        self.slipped: set[str] = set()  # stages where a reply broke policy or set off a landmine

    def watch_current(self, stage: str) -> None:
        self.reached.add(stage)

    def note_turn(self, turn) -> None:
        """The turn's stage was reached (a console opened again mid-call replays the call's turns
        at once, and only the last stage had become `current`: trial 29); cross it when its reply
        broke policy or set off a landmine."""
        if turn.stage and turn.stage not in self.reached:
            self.reached.add(turn.stage)
            self.refresh()
        score = turn.score
        if score is not None and (score.landmines or score.policy.level == 0) and turn.stage not in self.slipped:
            self.slipped.add(turn.stage)
            self.refresh()

    def render(self) -> Text:
        text = Text()
        furthest = max((self.stages.index(s) for s in self.reached if s in self.stages), default=-1)
        for i, stage in enumerate(self.stages):
            if i:
                text.append(" › ", style="dim")
            name = self.names.get(stage, stage)
            if stage == self.current:
                text.append(f" {name} ", style="bold reverse")
            elif not self.judged and (stage in self.reached or i < furthest):
                text.append(name)
            elif stage in self.slipped:
                text.append(f"✗{name}", style="red")
            elif stage in self.reached or i < furthest:
                text.append(f"✓{name}", style="green")
            else:
                text.append(name, style="dim")
        if self.current and self.current not in self.stages:
            text.append(f"  ({self.names.get(self.current, self.current)})", style="italic")
        return text
