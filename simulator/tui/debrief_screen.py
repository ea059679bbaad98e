"""The debrief: pass or fail, the ending and its service level with what the next level would
have needed, the three things to fix first (each with its turn), the scores with their formula,
the anger curve, and every turn with its evidence, landmines highlighted and a model answer
beside each weak turn. What it says comes from simulator/debrief.py; this screen words it."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from simulator import debrief
from simulator.scores import shown
from simulator.session import HINT_COST, WEIGHTS, Session, TurnResult
from simulator.tui.keys import relabel
from simulator.tui.names import quote_for, scorer_text
from simulator.tui.widgets.anger_meter import anger_style
from simulator.tui.widgets.folded import folded
from simulator.tui.widgets.transcript import said_by, utterance
from simulator.tui.widgets.turn_view import (DIMENSIONS, LANDMINE_STYLE, addressed_line, breaking_line,
                                             evidence_lines, is_weak, mood_line, reply_with_landmines,
                                             scores_line)

OUTCOME_STYLE = {"resolved": "bold green", "escalated": "bold red", "hung_up": "bold #ff9800"}


def anger_curve(session: Session) -> list[float]:
    """Anger at the start and after every turn."""
    return [float(session.scenario.mood.start)] + [t.mood_after for t in session.turns]


BLOCKS = " ▁▂▃▄▅▆▇█"


def anger_sparkline(values: list[float], width: int = 60) -> Text:
    """The anger curve on a fixed 0-100 scale (so a calm call looks calm), coloured by anger."""
    each = max(1, min(6, width // max(1, len(values))))
    text = Text()
    for v in values:
        level = round(max(0.0, min(100.0, v)) / 100 * (len(BLOCKS) - 1))
        text.append(BLOCKS[max(1, level)] * each, style=anger_style(v))
    return text


def formula_text(summary: dict, tr) -> Text:
    """The overall score's formula (from simulator.session.WEIGHTS / HINT_COST) and its numbers."""
    names = {**{d: tr("dim." + d) for d in DIMENSIONS}, "service": tr("debrief.service_points")}
    terms = " + ".join(f"{WEIGHTS[k]:g}×{names[k]}" for k in WEIGHTS)
    text = Text.assemble((tr("debrief.formula") + " ", "bold"))
    text.append(f"{terms} − {HINT_COST}×{tr('debrief.hints')}")
    values = {d: summary.get(d) for d in DIMENSIONS}
    level = summary.get("service_level")
    if None not in values.values() and level is not None:
        values["service"] = level * 20  # the service level as points: see summarise()
        numbers = " + ".join(f"{WEIGHTS[k]:g}×{shown(values[k])}" for k in WEIGHTS)
        text.append(f"\n  = {numbers} − {HINT_COST}×{summary.get('hints', 0)}")
        text.append(f" = {summary.get('overall')}", style="bold")
    return text


def verdict_text(session: Session, tr) -> Text:
    """PASS or FAIL, in one line with the reason (simulator.debrief.verdict)."""
    v = debrief.verdict(session)
    text = Text(f" {tr('debrief.pass' if v.passed else 'debrief.fail')} ",
                style="bold white on #2e7d32" if v.passed else "bold white on #b71c1c")
    overall = shown(v.overall, "—")
    text.append("  " + tr("verdict." + v.reason, overall=overall, mark=v.mark), style="bold")
    return text


def service_text(session: Session, tr) -> Text:
    """The service level reached, and one line on what the next level would have needed."""
    level = session.service_level
    text = Text.assemble((tr("debrief.service_level", level=level, name=tr(f"service.{level}")), "bold"))
    step = debrief.next_level(session)
    text.append("\n")
    if step is None:  # the ladder's top, or the most this scenario asks for (trial 17: 4 is not the top)
        text.append(tr("debrief.top_level" if (level or 0) >= debrief.TOP_LEVEL else "debrief.top_for_call"),
                    style="italic")
        return text
    if step.concerns:  # what this caller still needed, in the scenario's words
        need = tr("debrief.list_sep").join(step.concerns)
        text.append(tr("debrief.next_concerns", level=step.level, name=tr(f"service.{step.level}"), need=need),
                    style="italic")
        return text
    text.append(tr("debrief.next_level", level=step.level, name=tr(f"service.{step.level}"),
                   need=tr(f"service_need.{step.level}")), style="italic")
    if step.ending_title:
        text.append(tr("debrief.next_ending", title=step.ending_title), style="italic")
    return text


def concerns_text(session: Session, tr) -> Text | None:
    """The caller's concerns, each with the turn that addressed it or a mark that none did; None
    for a scenario that declares none."""
    status = debrief.concern_status(session)
    if not status:
        return None
    met = sum(1 for c in status if c.turn is not None)
    # The heading carries its style, not the Text: a Text's own style runs into all appended to it.
    text = Text.assemble((tr("debrief.concerns", met=met, total=len(status)), "bold underline"))
    for c in status:
        text.append("\n")
        if c.turn is None:
            text.append("✗ ", style="bold #ff9800")
            text.append(c.label)
            if c.masked is not None:  # said, but beside a landmine: "not addressed" would be false
                text.append(tr("debrief.concern_masked", n=c.masked + 1), style="italic")
            else:
                text.append(tr("debrief.concern_open"), style="italic")
        else:
            text.append("✓ ", style="bold #4caf50")
            text.append(c.label)
            text.append(tr("debrief.concern_met", n=c.turn + 1), style="italic")
    return text


def fix_line(fix: debrief.Fix, session: Session, tr) -> Text:
    """One thing to fix: the turn it comes from (and the others like it), then what went wrong."""
    where = tr("debrief.fix_turn", n=fix.turn + 1)
    if fix.also:
        where += tr("debrief.fix_also", turns=tr("debrief.list_sep").join(str(t + 1) for t in fix.also))
    text = Text.assemble((tr("debrief.fix_at", where=where), "bold"))
    sc = session.scenario
    reason = scorer_text(fix.reason, sc)
    if fix.kind == "landmine":
        text.append(tr("turn.landmine", category=tr("landmine." + fix.name)), style=LANDMINE_STYLE)
        text.append(" ")
    elif fix.kind == "evidence":
        text.append(tr("app.label", name=tr("dim." + fix.name)), style="bold")
    elif fix.kind == "level":
        text.append(tr("fix.level." + fix.name))
    else:
        text.append(tr("fix." + fix.kind))
    text.append(quote_for(fix.quote, reason))
    if reason:
        text.append(reason, style="italic")
    return text


def fixes_text(session: Session, tr) -> Text:
    """The three things to fix first, numbered, or a word that nothing stood out."""
    fixes = debrief.things_to_fix(session)
    text = Text.assemble((tr("debrief.fixes"), "bold underline"))
    if not fixes:
        text.append("\n" + tr("debrief.no_fixes"), style="italic")
    for i, fix in enumerate(fixes, 1):
        text.append(f"\n{i}. ")
        text.append_text(fix_line(fix, session, tr))
    return text


def turn_block(session: Session, turn: TurnResult, tr, trainee: str) -> Text:
    """One turn: what the caller said, the reply (landmines highlighted), scores, evidence, anger;
    the last turn also has the caller's answer to it, so every line the caller said is here."""
    name = said_by(session.scenario.persona.name, tr)
    text = Text.assemble((tr("debrief.turn", n=turn.index + 1, stage=tr("stage." + turn.stage)),
                          "bold underline"))
    if turn.interrupted:
        text.append("  " + tr("debrief.interrupted"), style="bold #ff9800")
    text.append("\n")
    text.append_text(utterance("customer", name, turn.customer_before))
    text.append("\n")
    if turn.kind == "silence":
        text.append(tr("turn.silence"), style="italic #ff9800")
    else:
        if turn.after_hint:
            text.append(tr("debrief.hint_used") + " ", style="bold #ffd54f")
        speaker = Text(said_by(trainee, tr), style="bold #4fc3f7")
        text.append_text(speaker)
        text.append_text(reply_with_landmines(turn))
        text.append("\n")
        text.append_text(scores_line(turn, tr))
        evidence = evidence_lines(turn, tr, sc=session.scenario)
        if evidence.plain:
            text.append("\n")
            text.append_text(evidence)
        addressed = addressed_line(turn, tr, session.scenario)
        if addressed is not None:
            text.append("\n")
            text.append_text(addressed)
    text.append("\n")
    text.append_text(mood_line(turn, tr))
    if turn is session.turns[-1] and turn.customer_line:
        text.append("\n")
        text.append_text(utterance("customer", name, turn.customer_line))
    return text


def compare_text(before, now, tr) -> Text:
    """This try beside the last one: points and service level, and which way the points went."""
    def level(x) -> str:
        return "—" if x is None else str(x)

    delta = ""
    if before.overall is not None and now.overall is not None:
        change = round(now.overall - before.overall, 1)
        delta = tr("debrief.compare_delta", delta=f"{change:+.1f}" if change else "±0")
    text = Text(tr("debrief.compare", before=shown(before.overall, "—"), level_before=level(before.service_level),
                   now=shown(now.overall, "—"), delta=delta, level_now=level(now.service_level)), style="bold")
    if now.passed and not before.passed:
        text.append(tr("debrief.compare_passed"), style="bold green")
    return text


class DebriefScreen(Screen):
    """What the call taught: shown when a call ends (r: try again, n: next scenario)."""

    BINDINGS = [
        Binding("r", "try_again", "Try again"),
        Binding("n", "next_scenario", "Next scenario"),
        Binding("escape,b", "back", "Scenarios"),
        Binding("q", "quit_app", "Quit"),
    ]

    def __init__(self, session: Session, trainee: str | None = None, previous=None) -> None:
        super().__init__()
        self.session = session
        self.trainee = trainee  # the live call's trainee (else the app's)
        self.previous = previous  # debrief.Attempt: this run's last finished call of the scenario
        self.tr = self.app.catalog(session.scenario.locale)

    def compose(self) -> ComposeResult:
        s, tr = self.session, self.tr
        summary = s.summary()
        with VerticalScroll(id="debrief"):
            yield Static(Text(s.scenario.title, style="bold"), id="debrief-title")
            # Chinese text is folded between characters (widgets/folded.py): a name, a bullet or a
            # number is never left alone at a line's end
            yield Static(folded(verdict_text(s, tr)), id="debrief-verdict")
            yield Static(folded(self._ending_text(summary)), id="debrief-ending")
            if self.previous is not None and s.ending is not None:
                yield Static(folded(compare_text(self.previous, debrief.attempt(s), tr)), id="debrief-compare")
            if s.turns:
                yield Static(folded(fixes_text(s, tr)), id="debrief-fixes")
            yield Static(self._scores_text(summary), id="debrief-scores")
            curve = Text.assemble((tr("debrief.anger_curve") + "  ", "bold"))
            curve.append_text(anger_sparkline(anger_curve(s)))
            curve.append("\n" + " → ".join(f"{v:.0f}" for v in anger_curve(s)))
            yield Static(curve, id="debrief-curve")
            trainee = self.trainee or self.app.settings.trainee or tr("call.you")
            for turn in s.turns:
                weak = is_weak(turn)
                with Horizontal(classes="debrief-turn" + (" -weak" if weak else "")):
                    yield Static(folded(turn_block(s, turn, tr, trainee)), classes="turn-text")
                    answer = debrief.model_answer(s, turn) if weak else None
                    if answer:
                        model = Text.assemble((tr("debrief.model_answer") + "\n", "bold green"))
                        model.append(answer)
                        yield Static(folded(model), classes="model-answer")
            if not s.turns:
                yield Static(Text(tr("debrief.no_turns"), style="italic"))
        yield Footer()

    def on_mount(self) -> None:
        relabel(self, self.tr)
        self.query_one("#debrief").focus()

    def _ending_text(self, summary: dict) -> Text:
        tr, sc = self.tr, self.session.scenario
        text = Text()
        if self.session.ending is None:
            text.append(tr("debrief.unfinished"), style="bold #ff9800")
            return text
        ending = sc.endings[self.session.ending]
        title, said = debrief.ending_texts(self.session)
        text.append(tr("app.label", name=tr("debrief.ending")), style="bold")
        text.append(title, style=OUTCOME_STYLE.get(ending.outcome, "bold"))
        text.append(tr("debrief.outcome", outcome=tr("outcome." + ending.outcome)))
        text.append("\n")
        text.append_text(service_text(self.session, tr))
        broke = breaking_line(self.session.turns[-1], tr) if self.session.turns else None
        if broke is not None:
            text.append("\n")
            text.append_text(broke)
        if said:
            text.append("\n" + said, style="italic")
        listed = concerns_text(self.session, tr)
        if listed is not None:
            text.append("\n")
            text.append_text(listed)
        return text

    def _scores_text(self, summary: dict) -> Text:
        tr = self.tr
        text = Text()
        for dim in DIMENSIONS:
            value = summary.get(dim)
            text.append(f"{tr('dim.' + dim)} ", style="bold")
            text.append(shown(value, "—"))
            text.append("   ")
        overall = summary.get("overall")
        text.append(tr("debrief.overall") + " ", style="bold")
        text.append(shown(overall, "—"), style="bold reverse")
        text.append("\n" + tr("debrief.counts", hints=summary.get("hints", 0),
                              landmines=summary.get("landmines", 0),
                              interruptions=summary.get("interruptions", 0)))
        text.append("\n")
        text.append_text(formula_text(summary, tr))
        return text

    def action_try_again(self) -> None:
        self.app.start_call(self.session.scenario, replace=self)

    def action_next_scenario(self) -> None:
        self.app.start_call(self.app.next_scenario(self.session.scenario), replace=self)

    def action_back(self) -> None:
        self.app.back_to_picker()

    def action_quit_app(self) -> None:
        self.app.exit()
