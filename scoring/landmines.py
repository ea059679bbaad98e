"""Language landmines (DOMAIN.md §3): the eight categories, from lexicon phrases and structure.

Lexicon phrases find most of them; structure finds the rest: shouting in capitals or
'!!!' (retaliate), a bare refusal with no alternative and no empathy (defy), and offers
that break policy (overpromise, see scoring.policy). A promise that is itself negated
("I can't promise", "我不能保证") is not an overpromise.
"""
from __future__ import annotations

from dataclasses import dataclass

from scoring.analysis import Analysis
from scoring.signals import Signals
from scoring.types import LANDMINES

_PHRASE_CATEGORIES = ("threaten", "accuse", "argue", "retaliate", "defy", "dismiss", "deflect", "overpromise")
_EMPATHY_OR_COURTESY = ("validate", "feeling", "apology_sincere", "apology", "formula", "politeness")


@dataclass(frozen=True)
class Mine:
    category: str
    start: int  # span in the ORIGINAL reply
    end: int
    reason: str  # trainee-readable, in the reply's locale


def detect(a: Analysis, sig: Signals) -> list[Mine]:
    mines: list[Mine] = []
    for category in _PHRASE_CATEGORIES:
        for s, e in a.hits.get(category, ()):
            if category == "overpromise" and _negated_before(a, s):
                continue
            if category in ("threaten", "defy") and _is_complaint_log(a, s, e):
                continue
            mines.append(Mine(category, *a.span(s, e), a.lex.reason(category, a.original(s, e))))
    for s, e in sig.shouting:
        mines.append(Mine("retaliate", s, e, a.lex.reason("shouting", a.reply[s:e])))
    if _bare_refusal(a, sig):
        d = sig.declines[0]
        mines.append(Mine("defy", *a.span(d.start, d.end), a.lex.reason("bare_refusal", a.original(d.start, d.end))))
    assert all(m.category in LANDMINES for m in mines)
    return mines


def _negated_before(a: Analysis, pos: int) -> bool:
    cs, _ = a.clause_of(pos)
    return any(e <= pos + 1 for _, e in a.find_in("negation", cs, pos + 1))


def _is_complaint_log(a: Analysis, s: int, e: int) -> bool:
    """'I'm logging a complaint for you' / '给您登记投诉' is service, not a dare."""
    cs, ce = a.clause_of(s)
    return a.any_in("complaint_log", cs, ce)


def _bare_refusal(a: Analysis, sig: Signals) -> bool:
    """Refusing with no alternative, no explanation of a way forward and no empathy (LABELING.md)."""
    if not sig.declines or sig.offers:
        return False
    if any(a.hits.get(f) for f in _EMPATHY_OR_COURTESY):
        return False
    if a.hits.get("proactive") or sig.questions_relevant or sig.questions_confirm:
        return False
    zh = any("\u4e00" <= ch <= "\u9fff" for ch in a.text)
    return sig.content_chars <= (30 if zh else 80)
