"""Plain-text rendering of a call, for `replay` and the plain-terminal player."""
from __future__ import annotations

from simulator.scenario import Scenario
from simulator.session import Session, TurnResult


def render_turn(sc: Scenario, t: TurnResult) -> str:
    lines: list[str] = []
    if t.kind == "silence":
        lines.append("  (silence)")
    else:
        s = t.score
        flag = " [interrupted]" if t.interrupted else ""
        lines.append(f"agent{flag}: {t.reply}")
        lines.append(f"  listening {s.listening.level} ({s.listening.score})  empathy {s.empathy.level} "
                     f"({s.empathy.score})  policy {s.policy.level} ({s.policy.score})  "
                     f"acts: {', '.join(s.acts) or '-'}")
        for dim in ("listening", "empathy", "policy"):
            for e in s.dimension(dim).evidence:
                quote = t.reply[e.start:e.end]
                where = f" \"{quote}\"" if quote else ""
                lines.append(f"    {e.effect} {dim}:{where} {e.reason}")
        for m in s.landmines:
            lines.append(f"    ! landmine {m.category}: \"{t.reply[m.start:m.end]}\" {m.reason}")
    if t.concerns_met:
        labels = [sc.concerns[c].label if c in sc.concerns else c for c in t.concerns_met]
        lines.append(f"  addressed: {'; '.join(labels)}")
    move = f"{t.state_before} -> {t.state_after}" if t.state_after != t.state_before else f"stays in {t.state_after}"
    lines.append(f"  anger {t.mood_before:.0f} -> {t.mood_after:.0f}; {move}")
    if t.customer_line:
        lines.append(f"{sc.persona.name}: {t.customer_line}")
    return "\n".join(lines)


def render_summary(session: Session) -> str:
    s = session.summary()
    sc = session.scenario
    if not session.over:
        return f"call not finished (in '{session.state}' after {s['turns']} replies)"
    ending = sc.endings[session.ending]
    met = f"; concerns addressed {len(session.met)} of {len(sc.concerns)}" if sc.concerns else ""
    return (f"ENDING: {session.ending} ({ending.outcome}, service level {session.service_level}{met})\n"
            f"scores: listening {s['listening']}, empathy {s['empathy']}, policy {s['policy']}, "
            f"overall {s['overall']} (hints {s['hints']}, landmines {s['landmines']})")


def render_turns(session: Session) -> str:
    sc = session.scenario
    parts = [f"{sc.title} [{sc.id}, seed {session.seed}]", f"{sc.persona.name}: {session.opening}"]
    parts += [render_turn(sc, t) for t in session.turns]
    parts.append(render_summary(session))
    return "\n".join(parts)
