"""The complaint arc as a track: passed stages ticked, the current one highlighted."""
from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static


class StageTrack(Static):
    """Shows `stages` (display names by stage id) with `current` highlighted."""

    current: reactive[str] = reactive("")
    """The stage the call is in now (a stage id such as `refund`)."""

    def __init__(self, stages: list[str], names: dict[str, str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.stages = stages
        self.names = names
        self.reached: set[str] = set()

    def watch_current(self, stage: str) -> None:
        self.reached.add(stage)

    def render(self) -> Text:
        text = Text()
        for i, stage in enumerate(self.stages):
            if i:
                text.append(" › ", style="dim")
            name = self.names.get(stage, stage)
            if stage == self.current:
                text.append(f" {name} ", style="bold reverse")
            elif stage in self.reached:
                text.append(f"✓{name}", style="green")
            else:
                text.append(name, style="dim")
        if self.current and self.current not in self.stages:
            text.append(f"  ({self.names.get(self.current, self.current)})", style="italic")
        return text
