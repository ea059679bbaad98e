"""A stored call rendered for the debrief: Markdown or a self-contained HTML page for the projector.

In the call's language unless a catalogue is passed (`--lang`): a Chinese call reads in Chinese.
Every piece of trainee or scenario text goes through `md_text` or `html.escape`: a reply such as
`<script>` or `**bold**` is shown exactly as typed, never interpreted.
"""
from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any, Mapping

from rich.cells import cell_len  # a Chinese label takes two columns on a terminal

from simulator.scores import shown
from simulator.store.reviews import Review, reviewed_score
from simulator.tui.i18n import Catalog
from simulator.tui.names import mood_cause, quote_for

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


def catalog_of(row: SessionRow, lang: str | None = None) -> Catalog:
    """The transcript's language: `lang` when given, else the call's own."""
    return Catalog(lang or row.locale or "en")


def named(tr: Catalog, group: str, value: str | None) -> str:
    """A stored word (status, outcome, stage, landmine) in the transcript's language: English shows
    the stored word itself, as it always has."""
    if not value:
        return "-"
    return value if tr.lang == "en" else tr.get(f"{group}.{value}", value)


def _duration(row: SessionRow, tr: Catalog) -> str:
    d = row.duration
    if d is None:
        return "-"
    m, s = divmod(int(round(d)), 60)
    return tr("transcript.duration_value", m=m, s=f"{s:02d}")


def _facts(row: SessionRow, reviewed: dict[str, Any] | None, tr: Catalog) -> list[tuple[str, str]]:
    """The call's facts; a reviewed call shows its reviewed scores with the machine's beside them."""
    def fact(key: str) -> str:
        return tr(f"transcript.fact.{key}")

    def score(name: str) -> tuple[str, str]:
        machine = getattr(row, name)
        f = _fmt if name == "landmines" else shown  # a count, or a score with its one decimal
        if reviewed is None:
            return fact(name), f(machine)
        if reviewed[name] == machine:  # the review left this score as it was (a note, a kept level)
            return tr("transcript.fact.reviewed", label=fact(name)), f(machine)
        return (tr("transcript.fact.reviewed", label=fact(name)),
                tr("transcript.fact.reviewed_value", value=f(reviewed[name]), machine=f(machine)))

    return [
        (fact("session"), str(row.id)), (fact("trainee"), row.trainee), (fact("cohort"), row.cohort),
        (fact("scenario"), f"{row.scenario_title} ({row.scenario_id})"), (fact("seed"), str(row.seed)),
        (fact("mode"), named(tr, "mode", row.mode)), (fact("status"), named(tr, "calls.status", row.status)),
        (fact("started"), row.started_at.strftime("%Y-%m-%d %H:%M:%S")), (fact("duration"), _duration(row, tr)),
        (fact("ending"), _ending(row, tr)),
        score("overall"), score("listening"), score("empathy"), score("policy"),
        (fact("hints"), str(row.hints)), score("landmines"), (fact("interruptions"), str(row.interruptions)),
        *([(fact("caller"), tr("transcript.fact.caller_person"))] if row.human_caller else []),
    ]


def _ending(row: SessionRow, tr: Catalog) -> str:
    """The ending by the title the trainee saw (stored since schema 10), then its name and outcome."""
    if not row.ending:
        return "-"
    values = dict(ending=row.ending, outcome=named(tr, "outcome", row.outcome), level=_fmt(row.service_level))
    if row.ending_title and row.ending_title != row.ending:
        return tr("transcript.fact.ending_value_titled", title=row.ending_title, **values)
    return tr("transcript.fact.ending_value", **values)


def _acts(score: Mapping[str, Any], tr: Catalog) -> str:
    """The acts the scorer heard, in the transcript's language: English shows the scorer's own
    names, as it always has; Chinese names them ("复述, 提出退订") instead of "paraphrase, offer:cancel"."""
    acts = score.get("acts", [])
    if not acts:
        return "-"
    if tr.lang == "en":
        return ", ".join(acts)

    def name(act: str) -> str:
        kind, _, action = act.partition(":")
        if not action:
            return tr.get(f"act.{kind}", kind)
        what = tr.get(f"action.{action}", action.replace("_", " "))
        return tr.get(f"act.{kind}_action", act).format(action=what)

    return tr("transcript.list_sep").join(name(a) for a in acts)


def _caller(row: SessionRow, tr: Catalog, turn: dict[str, Any] | None = None) -> str:
    """Who said a caller's line: the persona, marked when a person played it (the live class).
    `turn`: the line answering that turn (the trainer may have handed the caller to the machine
    and back, F8); None: the opening, a person's when the call was opened without the machine's."""
    person = row.human_caller and (bool(turn.get("human_caller")) if turn is not None else not row.opening)
    return tr("transcript.persona_person", persona=row.persona) if person else row.persona


def _opening(detail: SessionDetail) -> str:
    """The caller's first words: a person's come after the call was opened, so the first turn has them."""
    if detail.session.opening or not detail.turns:
        return detail.session.opening
    return detail.turns[0].get("customer_before", "")


def _evidence(turn: dict[str, Any], tr: Catalog) -> list[tuple[str, str, str, str]]:
    """(effect, dimension, quoted span, reason) for every piece of evidence and landmine, each once.

    The scorer gives a piece of evidence for every place a phrase occurs (its span is what the
    HTML transcript highlights), so a reply that says "I'm sorry" thirty times has thirty equal
    pieces; a list shows such a piece once, with how many times it was found."""
    score = turn.get("score") or {}
    reply = turn.get("reply", "")
    found: dict[tuple[str, str, str, str], int] = {}
    for dim in DIMENSIONS:
        for e in (score.get(dim) or {}).get("evidence", []):
            key = (e.get("effect", "+"), _dim(tr, dim), reply[e["start"]:e["end"]], e.get("reason", ""))
            found[key] = found.get(key, 0) + 1
    for m in score.get("landmines", []):
        key = ("!", tr("transcript.landmine", category=named(tr, "landmine", m["category"])),
               reply[m["start"]:m["end"]], m.get("reason", ""))
        found[key] = found.get(key, 0) + 1
    return [(effect, dim, quote, reason + (tr("transcript.found", n=n) if n > 1 else ""))
            for (effect, dim, quote, reason), n in found.items()]


def _dim(tr: Catalog, dim: str) -> str:
    return dim if tr.lang == "en" else tr(f"text.dim.{dim}")


def _heading(turn: dict[str, Any], tr: Catalog) -> str:
    if turn.get("moved_by_trainer"):  # the trainer's F6 / F7 in the live class, not the reply
        move = tr("transcript.moved_by_trainer", before=turn["state_before"], after=turn["state_after"])
    elif turn["state_after"] != turn["state_before"]:
        move = tr("transcript.moved", before=turn["state_before"], after=turn["state_after"])
    else:
        move = tr("transcript.stays", state=turn["state_after"])
    timing = tr("transcript.latency", s=f"{turn['latency']:.1f}") if turn.get("latency") is not None else ""
    return tr("transcript.heading", n=turn["index"] + 1, stage=named(tr, "stage", turn["stage"]), move=move,
              before=f"{turn['mood_before']:g}", after=f"{turn['mood_after']:g}", timing=timing)


def _scores(score: dict[str, Any], tr: Catalog) -> str:
    return tr("transcript.list_sep").join(
        tr("transcript.dim_score", dim=_dim(tr, d), score=_fmt((score.get(d) or {}).get("score")),
           level=_fmt((score.get(d) or {}).get("level"))) for d in DIMENSIONS)


def _mines(tr: Catalog, categories) -> str:
    return tr("transcript.list_sep").join(named(tr, "landmine", c) for c in dict.fromkeys(categories)) \
        or tr("review.none")


def review_lines(turn: dict[str, Any], review: Review | None, tr: Catalog | None = None, *,
                 machine: bool = True) -> list[str]:
    """A reviewed turn's trainer's word, plain text: the reviewed scores, the machine's beside them,
    the landmines and the note (empty for a turn nobody reviewed)."""
    if review is None or not turn.get("score"):
        return []
    tr = tr or Catalog("en")
    score = turn["score"]
    lines = [tr("transcript.reviewed_by", reviewer=review.reviewer, at=f"{review.reviewed_at:%Y-%m-%d %H:%M}",
                scores=_scores(reviewed_score(score, review), tr), mines=_mines(tr, review.landmines))]
    if machine:
        lines.append(tr("transcript.machine", scores=_scores(score, tr),
                        mines=_mines(tr, (m["category"] for m in score.get("landmines", [])))))
    if review.note:
        lines.append(tr("review.note", note=review.note))
    return lines


# ---------------------------------------------------------------------------- plain text
def _line(text: Any) -> str:
    """One line of stored text for a terminal: no control characters, no line breaks."""
    return "".join(c if c.isprintable() else " " for c in " ".join(str(text).split()))


def _addressed(turn: dict[str, Any], concerns: Mapping[str, str] | None, tr: Catalog) -> str:
    """The caller's concerns the turn dealt with, by their labels when the scenario is at hand
    (`concerns`: id -> label), else by id; empty for none (or a call recorded before concerns)."""
    return tr("transcript.list_sep").join((concerns or {}).get(c, c) for c in turn.get("concerns_met") or ())


def render_turn_text(turn: dict[str, Any], persona: str, review: Review | None = None,
                     concerns: Mapping[str, str] | None = None, *, answer: bool = True,
                     tr: Catalog | None = None) -> str:
    """One stored turn for the terminal (`review`, `transcript --format text`): the caller's line it
    answered, the reply, the machine's levels and landmines with their reasons, and the review;
    then the caller's answer, unless the next turn of a whole call shows it (`answer=False`)."""
    tr = tr or Catalog("en")
    lines = [tr("transcript.text.heading", n=turn["index"] + 1, stage=named(tr, "stage", turn["stage"])),
             "  " + tr("transcript.text.says", who=_line(persona), line=_line(turn.get("customer_before", "")))]
    if turn["kind"] == "silence":
        lines.append("  " + tr("transcript.silence"))
    else:
        flag = tr("transcript.talked_over") if turn.get("interrupted") else ""
        lines.append("  " + tr("transcript.text.trainee", flag=flag, reply=_line(turn["reply"])))
        score = turn.get("score") or {}
        lines.append("  " + tr("transcript.text.machine", scores=_scores(score, tr),
                               mines=_mines(tr, (m["category"] for m in score.get("landmines", [])))))
        if addressed := _addressed(turn, concerns, tr):
            lines.append("  " + tr("transcript.text.addressed", concerns=_line(addressed)))
        for effect, dim, quote, reason in _evidence(turn, tr):
            lines.append(f"    {effect} " + _line(_evidence_line(dim, quote, reason, tr)))
        for line in review_lines(turn, review, tr, machine=False):  # a note's own line breaks are kept
            lines += [("  " if i == 0 else "    ") + _line(part) for i, part in enumerate(line.splitlines() or [""])]
    if answer and turn.get("customer_line"):
        lines.append("  " + tr("transcript.text.says", who=_line(persona), line=_line(turn["customer_line"])))
    return "\n".join(lines)


def render_text(detail: SessionDetail, concerns: Mapping[str, str] | None = None, tr: Catalog | None = None) -> str:
    """The call for a terminal: its facts (reviewed scores beside the machine's), then every turn."""
    row = detail.session
    tr = tr or catalog_of(row)
    facts = _facts(row, detail.reviewed, tr)
    width = max(cell_len(k) for k, _ in facts)
    lines = [tr("transcript.title", title=_line(row.scenario_title))]
    lines += [f"  {k}{' ' * (width - cell_len(k))}  {_line(v)}" for k, v in facts]
    turns = detail.turns
    # Each caller line once: a turn shows the line it answered, so a line is not shown again
    # before it (the opening) or after the turn before (its answer) when it is that same line.
    said_first = turns[0].get("customer_before") if turns else None
    if said_first != _opening(detail):
        lines += ["", tr("transcript.text.says", who=_line(_caller(row, tr)), line=_line(_opening(detail)))]
    lines.append("")
    lines += [render_turn_text(t, _caller(row, tr, t), detail.reviews.get(t["index"]), concerns, tr=tr,
                               answer=i + 1 == len(turns) or turns[i + 1].get("customer_before") != t.get("customer_line"))
              + "\n" for i, t in enumerate(turns)]
    return "\n".join(lines)


# ---------------------------------------------------------------------------- Markdown
def render_markdown(detail: SessionDetail, concerns: Mapping[str, str] | None = None,
                    tr: Catalog | None = None) -> str:
    """The call as Markdown: facts, the opening line, then each turn with scores and evidence."""
    row = detail.session
    tr = tr or catalog_of(row)
    lines = [f"# {md_text(tr('transcript.title', title=row.scenario_title))}", ""]
    lines += ["| | |", "|---|---|"] + [f"| {md_text(k)} | {md_text(v)} |"
                                        for k, v in _facts(row, detail.reviewed, tr)] + [""]
    lines += [f"## {md_text(tr('transcript.opening'))}", "",
              tr("transcript.md.says", who=md_text(_caller(row, tr)), line=md_text(_opening(detail))), ""]
    for t in detail.turns:
        lines += [f"## {md_text(_heading(t, tr))}", ""]
        if t["kind"] == "silence":
            lines += [f"*{md_text(tr('transcript.silence'))}*", ""]
        else:
            flag = f" *{md_text(tr('transcript.talked_over').strip())}*" if t.get("interrupted") else ""
            lines += [tr("transcript.md.trainee", flag=flag, reply=md_text(t["reply"])), ""]
            score = t.get("score") or {}
            lines += [md_text(tr("transcript.scores", scores=_scores(score, tr),
                                 acts=_acts(score, tr))), ""]
            if addressed := _addressed(t, concerns, tr):  # a call recorded before concerns has none
                lines += [md_text(tr("transcript.addressed", concerns=addressed)), ""]
            for effect, dim, quote, reason in _evidence(t, tr):
                lines.append(f"- `{effect}` " + md_text(_evidence_line(dim, quote, reason, tr)))
            if _evidence(t, tr):
                lines.append("")
            reviewed = review_lines(t, detail.reviews.get(t["index"]), tr)
            lines += [f"> {md_text(line)}" + ("  " if i < len(reviewed) - 1 else "") for i, line in enumerate(reviewed)]
            if reviewed:
                lines.append("")
        for m in t.get("mood_changes", []):
            lines.append("- " + md_text(_anger(m, tr)))
        if t.get("mood_changes"):
            lines.append("")
        if t.get("customer_line"):
            lines += [tr("transcript.md.says", who=md_text(_caller(row, tr, t)), line=md_text(t["customer_line"])), ""]
    if row.status != "completed":
        lines += [f"*{md_text(_unfinished(row, detail, tr))}*", ""]
    return "\n".join(lines)


def _evidence_line(dim: str, quote: str, reason: str, tr: Catalog) -> str:
    """"listening: “quote” reason", the quote left out where the reason already quotes it."""
    return tr("transcript.evidence", dim=dim, quote=quote_for(quote, reason), reason=reason)


def _anger(change: Mapping[str, Any], tr: Catalog) -> str:
    cause = str(change.get("cause", "")) if tr.lang == "en" else mood_cause(change, tr)
    return tr("transcript.anger", delta=f"{change.get('delta', 0):+g}", cause=cause)


def _unfinished(row: SessionRow, detail: SessionDetail, tr: Catalog) -> str:
    status = row.status.replace("_", " ") if tr.lang == "en" else named(tr, "calls.status", row.status)
    return tr("transcript.unfinished", status=status, n=len(detail.turns))


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


def render_html(detail: SessionDetail, concerns: Mapping[str, str] | None = None, tr: Catalog | None = None) -> str:
    """A self-contained HTML page (no scripts, no external files); all text escaped."""
    row = detail.session
    tr = tr or catalog_of(row)
    e = html.escape
    caller = e(_caller(row, tr))
    title = tr("transcript.title", title=row.scenario_title)
    parts = [
        "<!DOCTYPE html>", f'<html lang="{tr.lang}">', "<head>", '<meta charset="utf-8">',
        f"<title>{e(row.trainee)} — {e(row.scenario_title)}</title>", f"<style>{_CSS}</style>", "</head>",
        "<body>", f"<h1>{e(title)}</h1>", '<table class="facts">',
    ]
    parts += [f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in _facts(row, detail.reviewed, tr)]
    parts += ["</table>", f"<h2>{e(tr('transcript.opening'))}</h2>",
              f'<p class="line caller"><span class="who">{caller}{e(tr("transcript.colon"))}</span> {e(_opening(detail))}</p>']
    for t in detail.turns:
        parts.append(f"<h2>{e(_heading(t, tr))}</h2>")
        if t["kind"] == "silence":
            parts.append(f'<p class="note">{e(tr("transcript.silence"))}</p>')
        else:
            flag = f' <span class="note">{e(tr("transcript.talked_over").strip())}</span>' if t.get("interrupted") else ""
            parts.append(f'<p class="line trainee"><span class="who">{e(tr("transcript.trainee"))}{e(tr("transcript.colon"))}'
                         f'</span>{flag} {_marked_reply(t["reply"], t)}</p>')
            score = t.get("score") or {}
            scores = tr("transcript.scores", scores=_scores(score, tr), acts=_acts(score, tr))
            parts.append(f'<p class="scores">{e(scores)}</p>')
            if addressed := _addressed(t, concerns, tr):
                parts.append(f'<p class="scores">{e(tr("transcript.addressed", concerns=addressed))}</p>')
            ev = _evidence(t, tr)
            if ev:
                parts.append('<ul class="evidence">')
                for effect, dim, quote, reason in ev:
                    parts.append(f'<li><span class="eff">{e(effect)}</span> {e(_evidence_line(dim, quote, reason, tr))}</li>')
                parts.append("</ul>")
            reviewed = review_lines(t, detail.reviews.get(t["index"]), tr)
            if reviewed:
                parts.append('<div class="review">' + "".join(f"<p>{e(line)}</p>" for line in reviewed) + "</div>")
        changes = t.get("mood_changes", [])
        if changes:
            parts.append('<ul class="evidence">' + "".join(f"<li>{e(_anger(m, tr))}</li>" for m in changes) + "</ul>")
        if t.get("customer_line"):
            parts.append(f'<p class="line caller"><span class="who">{e(_caller(row, tr, t))}'
                         f'{e(tr("transcript.colon"))}</span> {e(t["customer_line"])}</p>')
    if row.status != "completed":
        parts.append(f'<p class="note">{e(_unfinished(row, detail, tr))}</p>')
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)
