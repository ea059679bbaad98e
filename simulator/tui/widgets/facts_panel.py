"""What the agent's screen shows: the brief and the account facts."""
from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from simulator.scenario import Scenario
from simulator.session import fill
from simulator.tui.widgets.folded import folded


def facts_text(sc: Scenario, tr) -> Text:
    """The brief with its {placeholders} filled in, then each fact under its label."""
    text = Text()  # not Text(heading, style=...): that style would be the base of every line after it
    text.append(tr("call.brief") + "\n", style="bold underline")
    text.append(fill((sc.brief or "-").strip(), sc.facts) + "\n\n")
    if sc.facts:
        text.append(tr("call.facts") + "\n", style="bold underline")
        for key, value in sc.facts.items():
            text.append(tr("app.label", name=sc.fact_label(key)), style="bold")
            text.append(f"{value}\n")
    return text


class FactsPanel(Static):
    """The brief/facts panel of the call screen (plain text from the scenario file)."""

    def __init__(self, sc: Scenario, tr, **kwargs) -> None:
        super().__init__(folded(facts_text(sc, tr)), **kwargs)  # "11点40分" is never split
