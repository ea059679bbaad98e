"""The policy card: what the agent may do in this scenario (opened on a key during the call)."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from simulator.scenario import Scenario
from simulator.tui.keys import relabel
from simulator.tui.names import action_name
from simulator.tui.widgets.folded import folded


def policy_text(sc: Scenario, tr) -> Text:
    """The card's text, the allowed and forbidden actions and the caps, as plain text."""
    p = sc.policy
    text = Text.assemble((tr("policy.title") + "\n", "bold underline"))
    if p.card:
        text.append(p.card.strip() + "\n")
    sep = tr("debrief.list_sep")  # "、" in Chinese
    text.append("\n" + tr("app.label", name=tr("policy.allow")), style="bold green")
    text.append(sep.join(action_name(a, sc, tr) for a in p.allow) or "-")
    text.append("\n" + tr("app.label", name=tr("policy.forbid")), style="bold red")
    text.append(sep.join(action_name(a, sc, tr) for a in p.forbid) or "-")
    if p.refund_max_months is not None:
        text.append("\n" + tr("policy.refund_cap", months=f"{p.refund_max_months:g}"), style="bold")
    if p.refund_max_amount is not None:
        text.append("\n" + tr("policy.refund_cap_amount", amount=f"{p.refund_max_amount:g}"), style="bold")
    if p.compensation_max_amount is not None:
        text.append("\n" + tr("policy.compensation_cap", amount=f"{p.compensation_max_amount:g}"), style="bold")
    return text


class PolicyScreen(ModalScreen[None]):
    """A modal with the policy card; the call goes on behind it (the call clock runs, the caller's
    line keeps coming), but checking the policy, like typing, is not silence (CallScreen)."""

    BINDINGS = [Binding("escape,f2,enter,q", "close", "Close")]

    def __init__(self, scenario: Scenario, tr) -> None:
        super().__init__()
        self.scenario = scenario
        self.tr = tr

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="policy-box"):
            # folded like the transcript (widgets/folded.py): a Chinese bullet keeps its text
            yield Static(folded(policy_text(self.scenario, self.tr)), id="policy-card")
        yield Footer()

    def on_mount(self) -> None:
        relabel(self, self.tr)

    def action_close(self) -> None:
        self.dismiss(None)
