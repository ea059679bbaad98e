"""Plain-text rendering of a call, for `replay` and the plain-terminal player, in the language
of the messages passed (`--lang`, else the scenario's own: a Chinese call reads in Chinese)."""
from __future__ import annotations

from simulator.debrief import ending_texts
from simulator.scenario import Scenario
from simulator.session import Session, TurnResult
from simulator.tui.i18n import Catalog
from simulator.tui.names import quote_for


def catalog_for(sc: Scenario, lang: str | None = None) -> Catalog:
    return Catalog(lang or sc.locale)


def render_turn(sc: Scenario, t: TurnResult, tr: Catalog | None = None) -> str:
    tr = tr or catalog_for(sc)
    lines: list[str] = []
    if t.kind == "silence":
        lines.append("  " + tr("text.silence"))
    else:
        s = t.score
        lines.append(tr("text.agent", flag=tr("text.interrupted") if t.interrupted else "", reply=t.reply))
        lines.append("  " + tr("text.scores", acts=", ".join(s.acts) or "-", **{
            key: value for dim in ("listening", "empathy", "policy")
            for key, value in ((dim, s.dimension(dim).level), (f"{dim}_score", s.dimension(dim).score))}))
        for dim in ("listening", "empathy", "policy"):
            for e in s.dimension(dim).evidence:
                quote = t.reply[e.start:e.end] if quote_for(t.reply[e.start:e.end], e.reason) else ""
                lines.append("    " + tr("text.evidence_quoted" if quote else "text.evidence", effect=e.effect,
                                         dim=tr(f"text.dim.{dim}"), quote=quote, reason=e.reason))
        for m in s.landmines:
            category = tr.get(f"landmine.{m.category}", m.category) if tr.lang != "en" else m.category
            quote = t.reply[m.start:m.end] if quote_for(t.reply[m.start:m.end], m.reason) else ""
            lines.append("    " + tr("text.landmine" if quote else "text.landmine_bare", category=category,
                                   quote=quote, reason=m.reason))
    if t.concerns_met:
        labels = [sc.concerns[c].label if c in sc.concerns else c for c in t.concerns_met]
        lines.append("  " + tr("text.addressed", concerns=tr("text.list_sep").join(labels)))
    before, after = f"{t.mood_before:.0f}", f"{t.mood_after:.0f}"
    if t.state_after != t.state_before:
        lines.append("  " + tr("text.moved", before=before, after=after,
                               state_before=t.state_before, state_after=t.state_after))
    else:
        lines.append("  " + tr("text.stayed", before=before, after=after, state=t.state_after))
    if t.customer_line:
        lines.append(tr("text.says", name=sc.persona.name, line=t.customer_line))
    return "\n".join(lines)


def render_summary(session: Session, tr: Catalog | None = None) -> str:
    s = session.summary()
    sc = session.scenario
    tr = tr or catalog_for(sc)
    if not session.over:
        return tr("text.unfinished", state=session.state, turns=s["turns"])
    ending = sc.endings[session.ending]
    met = tr("text.met", met=len(session.met), total=len(sc.concerns)) if sc.concerns else ""
    outcome = tr.get(f"outcome.{ending.outcome}", ending.outcome) if tr.lang != "en" else ending.outcome
    title, _ = ending_texts(session)  # the variant for this call's concerns and last anger
    return (tr("text.ending", ending=session.ending, title=title, outcome=outcome,
               level=session.service_level, met=met) + "\n"
            + tr("text.totals", listening=s["listening"], empathy=s["empathy"], policy=s["policy"],
                 overall=s["overall"], hints=s["hints"], landmines=s["landmines"]))


def render_turns(session: Session, tr: Catalog | None = None) -> str:
    sc = session.scenario
    tr = tr or catalog_for(sc)
    parts = [tr("text.header", title=sc.title, id=sc.id, seed=session.seed), 
             tr("text.says", name=sc.persona.name, line=session.opening)]
    parts += [render_turn(sc, t, tr) for t in session.turns]
    parts.append(render_summary(session, tr))
    return "\n".join(parts)
