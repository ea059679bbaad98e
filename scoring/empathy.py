"""Empathy (换位思考 / 移情回应), level 0-2, following LABELING.md.

2: names or validates this caller's feeling, or apologises sincerely for their experience
   while showing it took in their situation; not undercut in the same breath.
1: a polite formula, or empathy that is then undercut ("I understand, but rules are
   rules"), or hollow (the same phrase the agent already used earlier in the call).
0: cold or purely transactional while the caller is upset; dismissive, blaming, hostile.
"""
from __future__ import annotations

import bisect
import re

from scoring.analysis import Analysis
from scoring.normalise import normalise
from scoring.signals import Signals, merge_spans
from scoring.types import Evidence

_HOSTILE = {"accuse", "retaliate", "dismiss", "defy"}
_CAP_ONE = {"argue", "threaten", "deflect"}
_NON_CONTENT = re.compile(r"[\s\W_]+")


def _ev(a: Analysis, label: str, s: int, e: int, effect: str = "+") -> Evidence:
    os_, oe = a.span(s, e)
    return Evidence(os_, oe, label, a.lex.reason(label, a.reply[os_:oe]), effect)


def _hollow_phrases(a: Analysis) -> set[str]:
    """Empathy phrases the agent already used in this call (normalised)."""
    agent = [t.text for t in a.ctx.history if t.speaker == "agent"]
    if not agent:
        return set()
    said = _NON_CONTENT.sub("", normalise(" ".join(agent)).text)
    found = set()
    for family in ("validate", "feeling", "apology_sincere", "apology", "formula"):
        for s, e in a.hits.get(family, ()):
            ss, se = a.clause_of(s)
            clause = _NON_CONTENT.sub("", a.text[ss:se])
            if len(clause) >= 4 and clause in said:
                found.add(f"{s}:{e}")
    return found


def _undercut(a: Analysis, sig: Signals, s: int) -> tuple[int, int] | None:
    """A 'but' after the empathy in the same sentence, not followed by an offer."""
    ss, se = a.sentence_of(s)
    for cs, ce in a.find_in("contrast", ss, se):
        if cs <= s:
            continue
        if not _offer_between(sig, ce, se):
            return cs, ce
    return None


def _offer_between(sig: Signals, start: int, end: int) -> bool:
    starts = sig.offer_starts
    i = bisect.bisect_left(starts, start)
    return i < len(starts) and starts[i] < end


def score(a: Analysis, sig: Signals, mine_categories: set[str]) -> tuple[int, list[Evidence]]:
    ev: list[Evidence] = []
    hollow = _hollow_phrases(a)
    hollow_spans: list[tuple[int, int]] = []  # shown once each, merged below
    strong = sincere = polite = False
    undercut_at: tuple[int, int] | None = None
    for family in ("validate", "feeling", "apology_sincere"):
        for s, e in a.hits.get(family, ()):
            if f"{s}:{e}" in hollow:
                hollow_spans.append((s, e))
                polite = True
                continue
            cut = _undercut(a, sig, s)
            if cut is not None:
                undercut_at = cut
                polite = True
                continue
            if family == "apology_sincere":
                sincere = True
            else:
                strong = True
            ev.append(_ev(a, family, s, e))
    # "Tell me more" / "go on" is a listening invite (listening.py), not polite wording.
    for family in ("formula", "apology", "politeness"):
        for s, e in a.hits.get(family, ())[:1]:
            key = f"{s}:{e}"
            if key in hollow:
                hollow_spans.append((s, e))
            elif not any(x.start <= a.span(s, e)[0] < x.end for x in ev) and \
                    not any(hs <= s < he for hs, he in hollow_spans):
                ev.append(_ev(a, family, s, e))
            polite = True
    # "I'm so sorry", "sorry about that" and "sorry" said again are one repeated phrase, one line
    for s, e in merge_spans(hollow_spans):
        ev.append(_ev(a, "hollow", s, e, "-"))
    if a.hits.get("listen_invite"):
        polite = True  # a warm "go on, I'm listening" is courteous; its evidence is under listening
    if undercut_at is None:
        # "I understand, but ..." also undercuts a plain acknowledgement of feeling.
        for s, e in a.hits.get("formula", ()):
            undercut_at = _undercut(a, sig, s) or undercut_at
    if undercut_at is not None:
        ev.append(_ev(a, "undercut", *undercut_at, "-"))

    # This caller's concrete situation, in their words or their account's (LABELING: "naming the
    # caller's concrete situation counts")
    refl = sig.reflection
    reflects = refl.score + refl.screen_score >= 2.0 or bool(a.hits.get("paraphrase_frame"))
    if "threaten" in mine_categories and not (strong or sincere or polite):
        # A bare warning of consequences to an upset caller is hostile (LABELING: 0);
        # with real warmth beside it, it only undercuts the empathy (capped at 1 below).
        ev.append(Evidence(0, 0, "hostile", a.lex.reason("hostile"), "-"))
        level = 0
    elif mine_categories & _HOSTILE:
        ev.append(Evidence(0, 0, "hostile", a.lex.reason("hostile"), "-"))
        level = 0
    elif sig.lecture:
        acked = bool(a.hits.get("acknowledge") or a.hits.get("listen_invite"))
        level = 1 if (strong or sincere or polite or acked) else 0
    elif strong and (reflects or sincere or a.hits.get("validate")):
        level = 2
    elif sincere and reflects:
        level = 2
    elif strong or sincere or polite:
        level = 1
    elif not sig.customer_upset:
        level = 1  # a neutral, businesslike reply to a calm caller is not cold
    else:
        ev.append(Evidence(0, 0, "cold", a.lex.reason("cold"), "-"))
        level = 0
    if mine_categories & _CAP_ONE:
        level = min(level, 1)
    return level, ev
