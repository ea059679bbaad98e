"""A stored call rendered for the debrief: Markdown or a self-contained HTML page for the projector.

Every piece of trainee or scenario text goes through `md_text` or `html.escape`: a reply such as
`<script>` or `**bold**` is shown exactly as typed, never interpreted.
"""
from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any, Mapping

from simulator.store.reviews import Review, reviewed_score
from simulator.tui.names import quote_for

if TYPE_CHECKING:  # type hints only: rendering needs no database driver
    from simulator.store.store import SessionDetail, SessionRow

DIMENSIONS = ("listening", "empathy", "policy")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")


def md_text(text: Any) -> str:
    """Plain text safe inside Markdown: punctuation that means something is backslash-escaped
    (CommonMark allows escaping any ASCII punctuation) and line breaks become spaces."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _fmt(x: Any) -> str:
    if x is None:
        return "-"
    return f"{x:g}" if isinstance(x, float) else str(x)


def _duration(row: SessionRow) -> str:
    d = row.duration
    if d is None:
        return "-"
    m, s = divmod(int(round(d)), 60)
    return f"{m} min {s:02d} s"


def _facts(row: SessionRow, reviewed: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    """The call's facts; a reviewed call shows its reviewed scores with the machine's beside them."""
    def score(name: str, label: str) -> tuple[str, str]:
        machine = getattr(row, name)
        if reviewed is None:
            return label, _fmt(machine)
        return f"{label} (reviewed)", f"{_fmt(reviewed[name])} (machine {_fmt(machine)})"

    return [
        ("Session", str(row.id)), ("Trainee", row.trainee), ("Cohort", row.cohort),
        ("Scenario", f"{row.scenario_title} ({row.scenario_id})"), ("Seed", str(row.seed)),
        ("Mode", row.mode), ("Status", row.status),
        ("Started (UTC)", row.started_at.strftime("%Y-%m-%d %H:%M:%S")), ("Duration", _duration(row)),
        ("Ending", f"{row.ending or '-'} ({row.outcome or '-'}, service level {_fmt(row.service_level)})"),
        score("overall", "Overall"), score("listening", "Listening"), score("empathy", "Empathy"),
        score("policy", "Policy"), ("Hints used", str(row.hints)), score("landmines", "Landmines"),
        ("Interruptions", str(row.interruptions)),
        *([("Caller", "played by a person (live class)")] if row.human_caller else []),
    ]


def _caller(row: SessionRow) -> str:
    """Who said the caller's lines: the persona, marked when a person played it (the live class)."""
    return f"{row.persona} (played by a person)" if row.human_caller else row.persona


def _opening(detail: SessionDetail) -> str:
    """The caller's first words: a person's come after the call was opened, so the first turn has them."""
    if detail.session.opening or not detail.turns:
        return detail.session.opening
    return detail.turns[0].get("customer_before", "")


def _evidence(turn: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(effect, dimension, quoted span, reason) for every piece of evidence and landmine, each once.

    The scorer gives a piece of evidence for every place a phrase occurs (its span is what the
    HTML transcript highlights), so a reply that says "I'm sorry" thirty times has thirty equal
    pieces; a list shows such a piece once, with how many times it was found."""
    score = turn.get("score") or {}
    reply = turn.get("reply", "")
    found: dict[tuple[str, str, str, str], int] = {}
    for dim in DIMENSIONS:
        for e in (score.get(dim) or {}).get("evidence", []):
            key = (e.get("effect", "+"), dim, reply[e["start"]:e["end"]], e.get("reason", ""))
            found[key] = found.get(key, 0) + 1
    for m in score.get("landmines", []):
        key = ("!", f"landmine: {m['category']}", reply[m["start"]:m["end"]], m.get("reason", ""))
        found[key] = found.get(key, 0) + 1
    return [(effect, dim, quote, reason + (f" (found {n} times)" if n > 1 else ""))
            for (effect, dim, quote, reason), n in found.items()]


def _heading(turn: dict[str, Any]) -> str:
    move = (f"{turn['state_before']} → {turn['state_after']}" if turn["state_after"] != turn["state_before"]
            else f"stays in {turn['state_after']}")
    timing = f", replied after {turn['latency']:.1f} s" if turn.get("latency") is not None else ""
    return (f"Turn {turn['index'] + 1} — stage {turn['stage']}, {move}, "
            f"anger {turn['mood_before']:g} → {turn['mood_after']:g}{timing}")


def _scores(score: dict[str, Any]) -> str:
    return ", ".join(f"{d} {_fmt((score.get(d) or {}).get('score'))} (level {_fmt((score.get(d) or {}).get('level'))})"
                     for d in DIMENSIONS)


def review_lines(turn: dict[str, Any], review: Review | None, *, machine: bool = True) -> list[str]:
    """A reviewed turn's trainer's word, plain text: the reviewed scores, the machine's beside them,
    the landmines and the note (empty for a turn nobody reviewed)."""
    if review is None or not turn.get("score"):
        return []
    score = turn["score"]
    mines = ", ".join(review.landmines) or "none"
    machine_mines = ", ".join(dict.fromkeys(m["category"] for m in score.get("landmines", []))) or "none"
    lines = [f"Reviewed by {review.reviewer} ({review.reviewed_at:%Y-%m-%d %H:%M} UTC): "
             f"{_scores(reviewed_score(score, review))}; landmines: {mines}."]
    if machine:
        lines.append(f"Machine: {_scores(score)}; landmines: {machine_mines}.")
    if review.note:
        lines.append(f"Trainer's note: {review.note}")
    return lines


# ---------------------------------------------------------------------------- plain text
def _line(text: Any) -> str:
    """One line of stored text for a terminal: no control characters, no line breaks."""
    return "".join(c if c.isprintable() else " " for c in " ".join(str(text).split()))


def _addressed(turn: dict[str, Any], concerns: Mapping[str, str] | None) -> str:
    """The caller's concerns the turn dealt with, by their labels when the scenario is at hand
    (`concerns`: id -> label), else by id; empty for none (or a call recorded before concerns)."""
    return ", ".join((concerns or {}).get(c, c) for c in turn.get("concerns_met") or ())


def render_turn_text(turn: dict[str, Any], persona: str, review: Review | None = None,
                     concerns: Mapping[str, str] | None = None, *, answer: bool = True) -> str:
    """One stored turn for the terminal (`review`, `transcript --format text`): the caller's line it
    answered, the reply, the machine's levels and landmines with their reasons, and the review;
    then the caller's answer, unless the next turn of a whole call shows it (`answer=False`)."""
    lines = [f"Turn {turn['index'] + 1} [{turn['stage']}]", f"  {_line(persona)}: {_line(turn.get('customer_before', ''))}"]
    if turn["kind"] == "silence":
        lines.append("  (the trainee said nothing; the caller was left waiting)")
    else:
        flag = " (talked over the caller)" if turn.get("interrupted") else ""
        lines.append(f"  trainee{flag}: {_line(turn['reply'])}")
        score = turn.get("score") or {}
        mines = ", ".join(dict.fromkeys(m["category"] for m in score.get("landmines", []))) or "none"
        lines.append(f"  machine: {_scores(score)}; landmines: {mines}")
        if addressed := _addressed(turn, concerns):
            lines.append(f"  addressed the caller's concerns: {_line(addressed)}")
        for effect, dim, quote, reason in _evidence(turn):
            q = f" \"{_line(quote)}\"" if quote_for(quote, reason) else ""  # not when the reason quotes it
            lines.append(f"    {effect} {dim}:{q} {_line(reason)}")
        lines += [f"  {_line(line)}" for line in review_lines(turn, review, machine=False)]
    if answer and turn.get("customer_line"):
        lines.append(f"  {_line(persona)}: {_line(turn['customer_line'])}")
    return "\n".join(lines)


def render_text(detail: SessionDetail, concerns: Mapping[str, str] | None = None) -> str:
    """The call for a terminal: its facts (reviewed scores beside the machine's), then every turn."""
    row = detail.session
    width = max(len(k) for k, _ in _facts(row, detail.reviewed))
    lines = [f"Call transcript: {_line(row.scenario_title)}"]
    lines += [f"  {k:<{width}}  {_line(v)}" for k, v in _facts(row, detail.reviewed)]
    turns = detail.turns
    # Each caller line once: a turn shows the line it answered, so a line is not shown again
    # before it (the opening) or after the turn before (its answer) when it is that same line.
    said_first = turns[0].get("customer_before") if turns else None
    if said_first != _opening(detail):
        lines += ["", f"{_line(_caller(row))}: {_line(_opening(detail))}"]
    lines.append("")
    lines += [render_turn_text(t, _caller(row), detail.reviews.get(t["index"]), concerns,
                               answer=i + 1 == len(turns) or turns[i + 1].get("customer_before") != t.get("customer_line"))
              + "\n" for i, t in enumerate(turns)]
    return "\n".join(lines)


# ---------------------------------------------------------------------------- Markdown
def render_markdown(detail: SessionDetail, concerns: Mapping[str, str] | None = None) -> str:
    """The call as Markdown: facts, the opening line, then each turn with scores and evidence."""
    row = detail.session
    lines = [f"# Call transcript: {md_text(row.scenario_title)}", ""]
    lines += ["| | |", "|---|---|"] + [f"| {k} | {md_text(v)} |" for k, v in _facts(row, detail.reviewed)] + [""]
    lines += ["## Opening", "", f"**{md_text(_caller(row))}:** {md_text(_opening(detail))}", ""]
    for t in detail.turns:
        lines += [f"## {md_text(_heading(t))}", ""]
        if t["kind"] == "silence":
            lines += ["*(the trainee said nothing; the caller was left waiting)*", ""]
        else:
            flag = " *(talked over the caller)*" if t.get("interrupted") else ""
            lines += [f"**Trainee:**{flag} {md_text(t['reply'])}", ""]
            score = t.get("score") or {}
            dims = _scores(score)
            lines += [f"Scores: {dims}. Acts: {md_text(', '.join(score.get('acts', [])) or '-')}.", ""]
            if addressed := _addressed(t, concerns):  # a call recorded before concerns has none
                lines += [f"Addressed the caller's concerns: {md_text(addressed)}.", ""]
            for effect, dim, quote, reason in _evidence(t):
                q = f" “{md_text(quote)}”" if quote else ""
                lines.append(f"- `{effect}` {md_text(dim)}:{q} {md_text(reason)}")
            if _evidence(t):
                lines.append("")
            reviewed = review_lines(t, detail.reviews.get(t["index"]))
            lines += [f"> {md_text(line)}" + ("  " if i < len(reviewed) - 1 else "") for i, line in enumerate(reviewed)]
            if reviewed:
                lines.append("")
        for m in t.get("mood_changes", []):
            lines.append(f"- anger {m.get('delta', 0):+g}: {md_text(m.get('cause', ''))}")
        if t.get("mood_changes"):
            lines.append("")
        if t.get("customer_line"):
            lines += [f"**{md_text(_caller(row))}:** {md_text(t['customer_line'])}", ""]
    if row.status != "completed":
        lines += [f"*Call {row.status.replace('_', ' ')} after {len(detail.turns)} turn(s).*", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------- HTML
_CSS = """
body { font: 20px/1.5 system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif; margin: 2em auto;
       max-width: 60em; padding: 0 1em; color: #1b1b1b; background: #fff; }
h1 { font-size: 1.6em; } h2 { font-size: 1.1em; margin-top: 1.6em; border-top: 2px solid #ddd; padding-top: .6em; }
table.facts td { padding: .1em 1em .1em 0; vertical-align: top; } table.facts td:first-child { color: #555; }
.who { font-weight: 700; } .caller .who { color: #8a1c1c; } .trainee .who { color: #1c4f8a; }
p.line { margin: .4em 0; white-space: pre-wrap; }
mark.pos { background: #d7f5d7; } mark.neg { background: #ffe2b8; } mark.mine { background: #ffb3b3; }
ul.evidence { margin: .2em 0 .6em; } .eff { font-family: monospace; font-weight: 700; }
.scores { color: #333; } .note { color: #666; font-style: italic; }
.review { border-left: 4px solid #1c4f8a; padding: .1em .8em; background: #eef3fa; } .review p { margin: .2em 0; }
"""


def _marked_reply(reply: str, turn: dict[str, Any]) -> str:
    """The reply, escaped, with evidence spans highlighted (landmines red, minus orange, plus green)."""
    score = turn.get("score") or {}
    spans: list[tuple[int, int, str]] = []
    for dim in DIMENSIONS:
        for e in (score.get(dim) or {}).get("evidence", []):
            spans.append((e["start"], e["end"], "neg" if e.get("effect") == "-" else "pos"))
    spans += [(m["start"], m["end"], "mine") for m in score.get("landmines", [])]
    cuts = sorted({0, len(reply), *[max(0, min(len(reply), p)) for s in spans for p in s[:2]]})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        kinds = {k for s, e, k in spans if s <= a and b <= e and s < e}
        piece = html.escape(reply[a:b])
        kind = "mine" if "mine" in kinds else "neg" if "neg" in kinds else "pos" if kinds else None
        out.append(f'<mark class="{kind}">{piece}</mark>' if kind else piece)
    return "".join(out)


def render_html(detail: SessionDetail, concerns: Mapping[str, str] | None = None) -> str:
    """A self-contained HTML page (no scripts, no external files); all text escaped."""
    row = detail.session
    e = html.escape
    lang = row.locale if row.locale in ("zh", "en") else "en"
    parts = [
        "<!DOCTYPE html>", f'<html lang="{lang}">', "<head>", '<meta charset="utf-8">',
        f"<title>{e(row.trainee)} — {e(row.scenario_title)}</title>", f"<style>{_CSS}</style>", "</head>",
        "<body>", f"<h1>Call transcript: {e(row.scenario_title)}</h1>", '<table class="facts">',
    ]
    parts += [f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in _facts(row, detail.reviewed)]
    parts += ["</table>", "<h2>Opening</h2>",
              f'<p class="line caller"><span class="who">{e(_caller(row))}:</span> {e(_opening(detail))}</p>']
    for t in detail.turns:
        parts.append(f"<h2>{e(_heading(t))}</h2>")
        if t["kind"] == "silence":
            parts.append('<p class="note">(the trainee said nothing; the caller was left waiting)</p>')
        else:
            flag = ' <span class="note">(talked over the caller)</span>' if t.get("interrupted") else ""
            parts.append(f'<p class="line trainee"><span class="who">Trainee:</span>{flag} '
                         f'{_marked_reply(t["reply"], t)}</p>')
            score = t.get("score") or {}
            dims = _scores(score)
            parts.append(f'<p class="scores">Scores: {e(dims)}. Acts: {e(", ".join(score.get("acts", [])) or "-")}.</p>')
            if addressed := _addressed(t, concerns):
                parts.append(f'<p class="scores">Addressed the caller\'s concerns: {e(addressed)}.</p>')
            ev = _evidence(t)
            if ev:
                parts.append('<ul class="evidence">')
                for effect, dim, quote, reason in ev:
                    q = f" “{e(quote)}”" if quote else ""
                    parts.append(f'<li><span class="eff">{e(effect)}</span> {e(dim)}:{q} {e(reason)}</li>')
                parts.append("</ul>")
            reviewed = review_lines(t, detail.reviews.get(t["index"]))
            if reviewed:
                parts.append('<div class="review">' + "".join(f"<p>{e(line)}</p>" for line in reviewed) + "</div>")
        changes = t.get("mood_changes", [])
        if changes:
            parts.append('<ul class="evidence">' + "".join(
                f"<li>anger {m.get('delta', 0):+g}: {e(str(m.get('cause', '')))}</li>" for m in changes) + "</ul>")
        if t.get("customer_line"):
            parts.append(f'<p class="line caller"><span class="who">{e(_caller(row))}:</span> '
                         f'{e(t["customer_line"])}</p>')
    if row.status != "completed":
        parts.append(f'<p class="note">Call {e(row.status.replace("_", " "))} after {len(detail.turns)} turn(s).</p>')
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)
