"""Listening (倾听力), level 0-2, following LABELING.md.

2: takes in THIS caller's message (restates a fact, demand or concern, or asks a relevant
   question) and responds to what was said or asked; while venting, stays short.
1: generic acknowledgement, or answers only part / only the surface, or acknowledges and
   then pushes a rule or solution while the caller is still venting.
0: ignores the message, answers something else, argues, lectures a venting caller, a canned
   line that fits any call, or the same line as before.
"""
from __future__ import annotations

from dataclasses import replace

from scoring.analysis import Analysis
from scoring.normalise import normalise
from scoring.signals import Signals
from scoring.types import Evidence

# Landmines that mean the reply fought the caller's account instead of taking it in.
_HOSTILE = {"threaten", "retaliate", "dismiss", "accuse"}
REFLECT_MIN = 2.0  # reflection score that counts as restating this caller's content


def _ev(a: Analysis, label: str, s: int, e: int, effect: str = "+", **values) -> Evidence:
    os_, oe = a.span(s, e)
    return Evidence(os_, oe, label, a.lex.reason(label, a.reply[os_:oe], **values), effect)


def _whole(a: Analysis, label: str, effect: str = "-", reason: str | None = None) -> Evidence:
    """Evidence about the reply as a whole; `reason` names another wording of the same judgement."""
    return Evidence(0, 0, label, a.lex.reason(reason or label, ""), effect)


def credited_as_action(a: Analysis, sig: Signals) -> list[tuple[int, int]]:
    """Restated words that name the action the reply offers or declines ("cancelled" in "I've
    cancelled it", "退订" in "已经帮您退订了"). They are credited as meeting (or refusing) the
    demand; counting them again as "a detail the caller gave" would count one word twice."""
    spans = [(m.start, m.end) for m in sig.mentions]
    if not spans:
        return []
    out = []
    for (s, e), _ in sig.reflection.units:
        if any(ms < e and s < me for ms, me in spans) and any(
                p.search(a.text, s, e) for p in a.lex.actions.values()):
            out.append((s, e))
    return out


def restates(a: Analysis, sig: Signals, action_words: list[tuple[int, int]] | None = None) -> bool:
    """Does the reply restate this caller's content (not the screen's, not just the action word)?"""
    refl = sig.reflection
    if a.hits.get("paraphrase_frame"):
        return True
    if refl.parroting:
        return False
    taken = credited_as_action(a, sig) if action_words is None else action_words
    return (refl.score_outside(taken) if taken else refl.score) >= REFLECT_MIN


def score(a: Analysis, sig: Signals, mine_categories: set[str]) -> tuple[int, list[Evidence]]:
    ev: list[Evidence] = []
    refl = sig.reflection
    action_words = credited_as_action(a, sig)
    reflects = restates(a, sig, action_words)
    acked = bool(a.hits.get("acknowledge") or a.hits.get("listen_invite"))
    # A reply with this caller's specifics (their words, or their account's facts) fits no other call.
    specific = reflects or _specific(sig, action_words)
    canned = sig.script_coverage >= 0.5 or (bool(a.hits.get("upsell")) and not specific)
    if canned and sig.stage in ("cancel", "refund", "compensation") and sig.offers and sig.addresses_demand:
        canned = False  # "I can cancel it; could I take your account number?" does the job, then asks
    engaged = reflects or refl.score >= 1 or acked  # took up something the caller said

    # Evidence for what the reply picked up.
    for s, e in a.hits.get("paraphrase_frame", [])[:1]:
        ev.append(_ev(a, "paraphrase_frame", s, e))
    if reflects and not a.hits.get("paraphrase_frame"):
        # Only the caller's own content: a detail read off the agent's screen is not "a detail
        # the caller gave" (it may count as answering, see _inquiry), nor is the action word.
        for s, e in refl.phrases(a.text, without=action_words)[:3]:
            # The caller's point in the agent's own word ("月租" for "扣了我3块钱"): said as such, since
            # "a detail the caller gave" beside a word they never used reads as false (trial 20).
            own = any(cs < e and s < ce for cs, ce in refl.concepts)
            ev.append(_ev(a, "fact", s, e) if not own else
                      replace(_ev(a, "fact", s, e), reason=a.lex.reason("fact_own_words", a.original(s, e))))
    if refl.parroting:
        ev.append(_whole(a, "copy"))
    for s, e in sig.questions_relevant[:2]:
        ev.append(_ev(a, "question", s, e))
    for s, e in sig.questions_script[:1]:
        ev.append(_ev(a, "question_script", s, e, "-"))
    for family in ("listen_invite", "acknowledge"):
        for s, e in a.hits.get(family, [])[:1]:
            ev.append(_ev(a, family, s, e))

    stage = sig.stage
    level: int
    if sig.repeat:
        if sig.repeat_whole:  # what it took up was credited the first time: now it is only a repeat
            ev = [e for e in ev if e.effect == "-"]
        ev.append(_whole(a, "repeat" if sig.repeat_whole else "repeat_part"))
        level = 0
    elif stage == "venting" and sig.lecture:
        # Talking over a venting caller: 0 even when the lecture repeats their words.
        ev.append(_whole(a, "lecture"))
        level = 0
    elif "argue" in mine_categories:
        # Contradicting the caller's account ignores it; at closing there is no account left to
        # argue with, so contradicting a parting remark still answers it.
        level = 1 if stage == "closing" else 0
    elif "defy" in mine_categories:
        level = 0 if stage == "venting" else 1  # it responded, only by daring them
    elif mine_categories & _HOSTILE:
        level = _hostile(a, sig, mine_categories, reflects, engaged)
    elif canned:
        script = (a.hits.get("script") or a.hits.get("upsell") or a.hits.get("close") or [(0, 0)])[0]
        ev.append(_ev(a, "script", *script, "-"))
        level = 0
    elif stage == "venting":
        level = _venting(a, sig, reflects, acked, ev)
    elif stage in ("cancel", "refund", "compensation"):
        level = _demand(a, sig, reflects or _specific(sig, action_words), acked, ev)
    elif stage == "inquiry":
        level = _inquiry(a, sig, reflects, ev, _specific(sig, action_words))
    elif stage == "closing":
        level = _closing(a, sig, reflects, acked, ev)
    else:
        level = 2 if reflects or sig.questions_relevant else (1 if acked or sig.content_chars else 0)

    if level >= 1 and sig.parts_missed and stage in ("cancel", "refund", "compensation", "inquiry"):
        # Took up one of two requests: "answers the request but ignores part of it" (LABELING).
        ev.append(_whole(a, "part_ignored"))
        level = 1
    if ("deflect" in mine_categories and not sig.repeat and not (stage == "venting" and sig.lecture)
            and not mine_categories & {"retaliate", "threaten", "argue"}):
        # Passing the buck answers the topic (whose job it is), so never 0, never more than 1.
        level = 1
    if a.ctx.interrupted:
        ev.append(_whole(a, "interrupted"))
        level = min(level, interruption_cap(stage))
    return level, ev


def interruption_cap(stage: str) -> int:
    """The most listening a reply sent over the caller can earn: 0 while they vent, else 1. The
    rules apply it here; the product scorer keeps it whatever the model reads (scorer.py)."""
    return 0 if stage == "venting" else 1


def _hostile(a: Analysis, sig: Signals, mines: set[str], reflects: bool, engaged: bool) -> int:
    """Hostile replies (LABELING): 1 when they still respond to what was said, else 0.

    Venting: a jab or a threat (retaliate, threaten) answers nothing; blaming the caller
    (accuse) or minimising after an acknowledgement (dismiss) responds to their account.
    Elsewhere: a threat answers the caller's own threat or demand; other jabs count only
    when they still respond to the request.
    """
    if sig.stage == "venting":
        if mines & {"retaliate", "threaten"}:
            return 0
        if "accuse" in mines:
            return 1
        return 1 if engaged or sig.questions_relevant else 0
    if mines & {"retaliate", "dismiss", "accuse"} or sig.stage not in ("cancel", "refund", "compensation"):
        return 1 if _responsive(a, sig, reflects) or engaged else 0
    return 1  # a threat in reply to a demand (or to the caller's own threat) still answers it


def _responsive(a: Analysis, sig: Signals, reflects: bool) -> bool:
    """Whether a hostile reply still responded to the request (LABELING: 1 rather than 0)."""
    if sig.stage in ("cancel", "refund", "compensation"):
        return sig.addresses_demand
    if sig.stage == "inquiry":
        return bool(a.hits.get("explain"))
    if sig.stage == "closing":
        return True
    return reflects


def _venting(a: Analysis, sig: Signals, reflects: bool, acked: bool, ev: list[Evidence]) -> int:
    if sig.offers or a.hits.get("rule") or a.hits.get("overpromise"):
        # Acknowledged, then pushed to a solution or a rule while the caller still vents.
        spot = sig.offers[0] if sig.offers else None
        if spot is not None:
            ev.append(_ev(a, "offer_early", spot.start, spot.end, "-"))
        else:
            ev.append(_ev(a, "offer_early", *(a.hits.get("rule") or a.hits["overpromise"])[0], "-"))
        return 1 if (acked or reflects or a.hits.get("validate") or a.hits.get("apology")) else 0
    warm = acked or any(a.hits.get(f) for f in ("validate", "feeling", "apology", "apology_sincere", "formula"))
    explained = a.hits.get("explain") or a.hits.get("rule")
    long_reply = sig.content_chars >= (45 if _zh(a.text) else 120)
    if (explained or long_reply) and not warm and not sig.questions_relevant:
        # Straight into the records or the mechanism, no sign the caller was heard: talking over them.
        ev.append(_ev(a, "explain_early", *(explained or [(0, 0)])[0], "-"))
        return 0
    if reflects or sig.questions_relevant:
        return 2
    if acked or a.hits.get("validate") or a.hits.get("apology") or a.hits.get("feeling"):
        return 1
    return 0


def _zh(text: str) -> bool:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") >= max(2, len(text) // 5)


def _demand(a: Analysis, sig: Signals, reflects: bool, acked: bool, ev: list[Evidence]) -> int:
    if not sig.addresses_demand:
        if sig.questions_relevant and reflects:
            return 2
        if sig.parts_missed:
            return 1  # did the other part of a two-part request ("part_ignored" added by score())
        ev.append(_whole(a, "demand_ignored"))
        return 0
    ev.append(_whole(a, "demand_met", "+"))
    _screen_evidence(a, sig, ev)
    answered_amount = sig.customer_asked_amount and sig.specific_amount
    proactive = bool(a.hits.get("proactive"))
    if reflects or sig.questions_relevant or answered_amount or proactive:
        for s, e in a.hits.get("proactive", [])[:1]:
            ev.append(_ev(a, "proactive", s, e))
        return 2
    return 1


def _inquiry(a: Analysis, sig: Signals, reflects: bool, ev: list[Evidence], specific: bool = False) -> int:
    if not sig.answered:
        if sig.questions_relevant:
            # A question about the caller's problem ("Did you change banks recently?") is how an
            # answer starts, not ignoring them (LABELING: "asks a question that follows from it").
            # With the problem taken in (a word of theirs, acknowledged, felt for) it is 2; bare, 1.
            took_in = reflects or sig.reflection.score >= 1 or any(a.hits.get(f) for f in _TOOK_IN)
            if not took_in:
                ev.append(_whole(a, "question_first"))
            return 2 if took_in else 1
        ev.append(_whole(a, "no_answer"))
        return 0
    terms_only = sig.answered_by == "terms"
    ev.append(_whole(a, "answer", "+", reason=_ANSWER_REASON.get(sig.answered_by)))
    _screen_evidence(a, sig, ev)
    if (sig.offers or a.hits.get("proactive") or sig.questions_relevant or a.hits.get("paraphrase_frame")
            or ((reflects or specific) and not sig.parts_missed)):
        for s, e in a.hits.get("proactive", [])[:1]:
            ev.append(_ev(a, "proactive", s, e))
        return 2
    ev.append(_whole(a, "surface_answer", reason="no_answer_given" if terms_only else None))
    return 1


# How an inquiry counted as answered, where "answered what the caller asked" would not be true:
# only the caller's own words taken up (labellers count it; an apology that restates "why did my
# payment fail?" answers nothing), or an offer ("我马上帮您查一下": a next step, maybe the answer).
_ANSWER_REASON = {"terms": "took_up_question", "offer": "answer_next_step"}


def _specific(sig: Signals, action_words: list[tuple[int, int]]) -> bool:
    """The request dealt with in this caller's specifics: their own content, or the facts of
    their account read off the screen (the amount, the date, the card ending 4476). Answering
    with the facts counts where the caller wants something done or asked something; it is
    never shown as "a detail the caller gave" (see _screen_evidence)."""
    refl = sig.reflection
    return not refl.parroting and refl.score_outside(action_words) + refl.screen_score >= REFLECT_MIN


# Signs that a reply took in the caller's problem before asking about it.
_TOOK_IN = ("acknowledge", "listen_invite", "validate", "feeling", "apology_sincere", "apology")


def _screen_evidence(a: Analysis, sig: Signals, ev: list[Evidence]) -> None:
    """Details read off the agent's screen, shown as part of the answer (never as listening). The
    caller's name is how the reply addresses them, not a detail of the answer ("陈女士")."""
    name = normalise(str(a.ctx.facts.get("customer_name") or "")).text.strip()
    details = [(s, e) for s, e in sig.reflection.screen_phrases(a.text) if not (name and a.text[s:e] in name)]
    for s, e in details[:2]:
        ev.append(_ev(a, "screen_fact", s, e))


def _closing(a: Analysis, sig: Signals, reflects: bool, acked: bool, ev: list[Evidence]) -> int:
    if sig.customer_asked and not sig.answered and not acked:
        if sig.questions_relevant:
            ev.append(_whole(a, "question_first"))
            return 1  # asked about what they asked rather than ignoring it
        ev.append(_whole(a, "no_answer"))
        return 0
    if sig.customer_asked and sig.answered:
        _screen_evidence(a, sig, ev)
    if reflects or a.hits.get("proactive") or sig.offers or sig.questions_relevant:
        for s, e in a.hits.get("proactive", [])[:1]:
            ev.append(_ev(a, "proactive", s, e))
        return 2
    return 1 if (acked or sig.content_chars) else 0
