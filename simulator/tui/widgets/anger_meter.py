"""The caller's anger (0-100) as a bar with the mood band's name."""
from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static


def anger_style(anger: float) -> str:
    if anger >= 75:
        return "bold red"
    if anger >= 50:
        return "#ff9800"
    if anger >= 25:
        return "yellow"
    return "green"


class AngerMeter(Static):
    """A bar filled in proportion to `anger`, labelled with `label` (e.g. "Anger") and `band`."""

    anger: reactive[float] = reactive(0.0)
    """The caller's anger, 0-100."""
    band: reactive[str] = reactive("")
    """The mood band's display name (furious, angry...)."""

    def __init__(self, label: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.label = label

    BAND_CELLS = 10  # room kept for the band's name, so the bar keeps its length as the band changes

    def render(self) -> Text:
        band_cells = max(self.BAND_CELLS, cell_len(self.band))
        width = max(5, self.size.width - cell_len(self.label) - band_cells - 7)
        filled = round(width * max(0.0, min(100.0, self.anger)) / 100)
        text = Text(f"{self.label} ", style="bold")
        text.append("█" * filled, style=anger_style(self.anger))
        text.append("░" * (width - filled), style="dim")
        text.append(f" {self.anger:3.0f} ", style="bold")
        text.append(self.band, style=anger_style(self.anger))
        return text
