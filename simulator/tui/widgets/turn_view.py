"""How one scored turn reads: levels, evidence quoted from the reply, landmines in red.

Plain functions returning rich Text, shared by the coach's score card, the debrief and the
play-test panel. Quotes come from the trainee's reply and are appended as plain text.
"""
from __future__ import annotations


from rich.text import Text

from scoring.types import MAX_LEVEL
from simulator.scenario import Scenario
from simulator.session import TurnResult
from simulator.tui.names import mood_cause, quote_for, scorer_text

DIMENSIONS = ("listening", "empathy", "policy")
LANDMINE_STYLE = "bold white on #b71c1c"


def level_style(level: int, dim: str) -> str:
    if level >= MAX_LEVEL[dim]:
        return "bold green"
    return "bold yellow" if level > 0 else "bold red"


def is_weak(turn: TurnResult) -> bool:
    """A turn worth a model answer: a landmine, an interruption, or any dimension at level 0."""
    s = turn.score
    if s is None:
        return turn.kind == "silence"
    return bool(s.landmines) or turn.interrupted or any(s.dimension(d).level == 0 for d in DIMENSIONS)


def scores_line(turn: TurnResult, tr) -> Text:
    """`listening 2 (85)  empathy 1 (60)  policy 1 (100)` coloured by level."""
    text = Text()
    if turn.score is None:
        return Text(tr("turn.silence"), style="italic")
    for dim in DIMENSIONS:
        ds = turn.score.dimension(dim)
        text.append(f"{tr('dim.' + dim)} ", style="bold")
        text.append(f"{ds.level}/{MAX_LEVEL[dim]}", style=level_style(ds.level, dim))
        text.append(f" ({ds.score})  ")
    return text


def reply_with_landmines(turn: TurnResult) -> Text:
    """The reply with its landmine spans highlighted (the reply itself stays plain text)."""
    text = Text(turn.reply)
    if turn.score:
        for hit in turn.score.landmines:
            if 0 <= hit.start < hit.end <= len(turn.reply):
                text.stylize(LANDMINE_STYLE, hit.start, hit.end)
    return text


def evidence_lines(turn: TurnResult, tr, limit: int | None = None, sc: Scenario | None = None) -> Text:
    """One line per piece of evidence and per landmine: landmines first, then what lowered the
    score, then what raised it (what to fix comes first); repeated lines are shown once. With the
    scenario `sc`, its own actions are named in the call's language (simulator/tui/names.py)."""
    out = Text()
    if turn.score is None:
        return out
    rows: list[Text] = []
    seen: set[str] = set()
    for hit in turn.score.landmines:
        row = Text("✗ ", style="bold red")
        row.append(tr("turn.landmine", category=tr("landmine." + hit.category)), style=LANDMINE_STYLE)
        reason = scorer_text(hit.reason, sc)
        quote = quote_for(turn.reply[hit.start:hit.end], reason)
        if quote:
            row.append(" " + quote.rstrip())
        if reason:
            row.append(f" {reason}", style="italic")
        rows.append(row)
    for effect in ("-", "+"):
        for dim in DIMENSIONS:
            for ev in turn.score.dimension(dim).evidence:
                if ev.effect != effect:
                    continue
                good = ev.effect == "+"
                row = Text("+ " if good else "− ", style="bold green" if good else "bold red")
                row.append(tr("app.label", name=tr("dim." + dim)), style="bold")
                reason = scorer_text(ev.reason, sc)
                row.append(quote_for(turn.reply[ev.start:ev.end], reason))
                row.append(reason or ev.label, style="italic")
                if row.plain not in seen:
                    seen.add(row.plain)
                    rows.append(row)
    shown = rows if limit is None else rows[:limit]
    for i, row in enumerate(shown):
        if i:
            out.append("\n")
        out.append_text(row)
    if limit is not None and len(rows) > limit:
        out.append("\n" + tr("turn.more", n=len(rows) - limit), style="dim")
    return out


def addressed_line(turn: TurnResult, tr, sc: Scenario) -> Text | None:
    """The caller's concerns this turn dealt with first, by their labels (None when none)."""
    if not turn.concerns_met:
        return None
    labels = [sc.concerns[c].label if c in sc.concerns else c for c in turn.concerns_met]
    return Text(tr("turn.addressed", concerns=tr("debrief.list_sep").join(labels)), style="#4caf50")


def breaking_line(turn: TurnResult, tr) -> Text | None:
    """Why the caller broke off the call on this turn (mood.breaking_point), or None."""
    if not turn.broke_off:
        return None
    return Text(tr("breaking." + turn.broke_off), style="bold #ff5252")


def mood_line(turn: TurnResult, tr) -> Text:
    """`anger 80 → 64 · listening level 2 (−6) · empathy level 2 (−10)`: each cause with what it did
    to the anger in brackets (a bare "level 2 -6" read like a range)."""
    text = Text(tr("turn.anger", before=f"{turn.mood_before:.0f}", after=f"{turn.mood_after:.0f}"),
                style="bold")
    for change in turn.mood_changes:
        sign = "+" if change.delta > 0 else "−"
        text.append(" · ", style="dim")
        text.append(f"{mood_cause(change, tr)} ({sign}{abs(change.delta):.0f})",
                    style="red" if change.delta > 0 else "green")
    return text
