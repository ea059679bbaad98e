"""score_reply: one trainee reply in its context -> ReplyScore (the contract in scoring.types).

Pipeline: analyse (normalise, segment, lexicon hits) -> shared signals (acts, offers,
reflection, questions, scripts) -> landmines and policy -> listening and empathy levels
-> scores and evidence. Pure and deterministic: no I/O after the lexicons are cached.
"""
from __future__ import annotations

from scoring import empathy, landmines, listening, policy, rubric
from scoring.analysis import analyse
from scoring.signals import Signals, compute
from scoring.types import Evidence, LandmineHit, ReplyContext, ReplyScore


def score_reply(reply: str, ctx: ReplyContext) -> ReplyScore:
    """Score one trainee reply for listening, empathy and policy (see docs/lexicons.md)."""
    a = analyse(reply or "", ctx)
    sig = compute(a)
    mines = landmines.detect(a, sig)
    checked = policy.check(a, sig)
    mines = _dedupe(mines + checked.mines)
    categories = {m.category for m in mines}

    lis_level, lis_ev = listening.score(a, sig, categories)
    emp_level, emp_ev = empathy.score(a, sig, categories)
    pol_level = 0 if mines else 1
    pol_ev = [Evidence(m.start, m.end, m.category, m.reason, "-") for m in mines]
    pol_ev += [e for e in checked.evidence if e.effect == "+"]
    if pol_level and not pol_ev:
        pol_ev.append(Evidence(0, 0, "policy_ok", a.lex.reason("policy_ok"), "+"))

    return ReplyScore(
        listening=rubric.dimension(lis_level, lis_ev),
        empathy=rubric.dimension(emp_level, emp_ev),
        policy=rubric.policy_dimension(pol_level, pol_ev),
        acts=_acts(a, sig),
        offers=tuple(checked.offers),
        landmines=tuple(LandmineHit(m.category, m.start, m.end, m.reason) for m in mines),
    )


def _dedupe(mines: list[landmines.Mine]) -> list[landmines.Mine]:
    out: list[landmines.Mine] = []
    seen: set[tuple[str, int, int]] = set()
    for m in sorted(mines, key=lambda m: (m.start, m.category)):
        key = (m.category, m.start, m.end)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def _acts(a, sig: Signals) -> tuple[str, ...]:
    """The closed vocabulary of acts the engine's transitions read (types.ACTS)."""
    acts: list[str] = []
    hits = a.hits
    if hits.get("acknowledge") or hits.get("listen_invite"):
        acts.append("acknowledge")
    if hits.get("paraphrase_frame") or (sig.reflection.score >= listening.REFLECT_MIN
                                        and not sig.reflection.parroting):
        acts.append("paraphrase")
    if sig.questions_relevant or sig.questions_confirm:
        acts.append("question")
    if hits.get("validate") or hits.get("feeling") or hits.get("formula"):
        acts.append("empathize")
    if hits.get("apology") or hits.get("apology_sincere"):
        acts.append("apologize")
    if hits.get("explain") or hits.get("rule"):
        acts.append("explain")
    for m in sig.mentions:
        if m.kind in ("offer", "decline"):
            act = f"{m.kind}:{m.action}"
            if act not in acts:
                acts.append(act)
    if hits.get("proactive") or hits.get("complaint_log"):
        acts.append("proactive")
    if hits.get("close"):
        acts.append("close")
    return tuple(acts)
