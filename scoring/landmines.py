"""Language landmines (DOMAIN.md §3): the eight categories, from lexicon phrases and structure.

Lexicon phrases find most of them; the rest come from raised voice in capitals or '!!!'
(retaliate, scoring.shouting), a bare refusal with no alternative and no empathy (defy), offers
that break policy (overpromise, see scoring.policy), and blame, jibes, contradiction and the
other moves in new wordings by sentence shape (scoring.structure, rules in lexicons/shapes.yaml). A promise that is itself negated
("I can't promise", "我不能保证") is not an overpromise.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from scoring import structure
from scoring.analysis import Analysis
from scoring.reflection import asks
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
            if category == "threaten" and _on_record_of_complaint(a, s, e):
                continue
            if category == "threaten" and _answers_recording_question(a, s, e):
                continue
            mines.append(Mine(category, *a.span(s, e), a.lex.reason(category, a.original(s, e))))
    mines.extend(_contextual(a))
    mines.extend(_structural(a, mines, sig.shouting))
    if _bare_refusal(a, sig):
        d = sig.declines[0]
        mines.append(Mine("defy", *a.span(d.start, d.end), a.lex.reason("bare_refusal", a.original(d.start, d.end))))
    assert all(m.category in LANDMINES for m in mines)
    return _once_per_place(mines)


def _once_per_place(mines: list[Mine]) -> list[Mine]:
    """A hit inside another hit of its category says the same thing again ("投诉随便" inside
    "您要投诉随便投", trial 30): the outer one stands for both. Hits elsewhere in the reply stay."""
    def inside(m: Mine, o: Mine) -> bool:
        return o.category == m.category and o.start <= m.start and m.end <= o.end
    return [m for i, m in enumerate(mines)
            if not any(inside(m, o) and ((o.end - o.start) > (m.end - m.start) or j < i)
                       for j, o in enumerate(mines) if j != i)]


def _structural(a: Analysis, found: list[Mine], shouting: list[tuple[int, int]]) -> list[Mine]:
    """Blame, jibes, contradiction... by sentence shape (scoring/structure.py) and raised voice (scoring/shouting.py).

    A shape hit inside a phrase hit of the same category adds nothing: the phrase already explains it.
    """
    out: list[Mine] = []
    def covered(cat: str, s: int, e: int) -> bool:
        return any(m.category == cat and m.start <= s < m.end for m in found + out)
    for f in structure.detect(a):
        s, e = a.span(f.start, f.end)
        if not covered(f.category, s, e):
            out.append(Mine(f.category, s, e, a.lex.reason(f.label, a.original(f.start, f.end))))
    for s, e in shouting:  # scoring/shouting.py
        if not covered("retaliate", s, e):
            out.append(Mine("retaliate", s, e, a.lex.reason("shouting", a.reply[s:e])))
    return out


# Soft words and the landmine they become in the wrong context.
_SOFT = {"argue_soft": "argue", "dismiss_soft": "dismiss", "sarcasm_soft": "retaliate"}
_SOFT_OK_REACH = 20  # characters after a soft word in which an offer/reassurance still cancels it


def _contextual(a: Analysis) -> list[Mine]:
    """Words that are landmines only in context (docs/lexicons.md, "Soft words").

    - argue_soft ("actually", "其实") and dismiss_soft ("relax", "而已") count unless a
      reassurance or an offer (`soft_ok`) sits in the same clause or just after:
      "actually, I can refund that" and "只要发个短信而已" are not landmines;
    - sarcasm_soft ("wow", "哟") counts only beside a sarcasm cue or another jab;
    - a staff ID (`staff_id`) is a dare only when the reply also talks of complaining
      (`complaint_dare`) outside a logged complaint; giving it when asked is fine.
    """
    mines: list[Mine] = []
    asked = asks(a.ctx.customer)  # so an 'actually'/'其实' answer explains
    for family, category in _SOFT.items():
        for s, e in a.hits.get(family, ()):
            ss, se = a.sentence_of(s)
            cs, _ = a.clause_of(s)
            if family == "sarcasm_soft":
                jab = (a.hits.get("sarcasm_cue") or a.hits.get("rhetorical")
                       or a.hits.get("retaliate") or a.hits.get("dismiss"))
                if not jab:
                    continue
            elif family == "argue_soft" and asked:
                continue  # "Actually, it's the yearly price rise" answers a question: nothing to contradict
            elif family == "argue_soft" and a.hits.get("concede"):
                continue  # "You're right, it was actually approved": the word backs the caller up
            elif a.any_in("soft_ok", cs, min(se, e + _SOFT_OK_REACH)):
                continue
            mines.append(Mine(category, *a.span(s, e), a.lex.reason(category, a.original(s, e))))
    mines.extend(_cold_jab(a))
    ids = a.hits.get("staff_id", ())
    if ids and not a.hits.get("complaint_log"):  # handing over the ID while logging the complaint is service
        dares = [(s, e) for s, e in a.hits.get("complaint_dare", ()) if not _is_complaint_log(a, s, e)]
        if dares:
            # quote the dare ("您要打12300那是您的权利"), not the ID the caller may have asked for
            s, e = a.clause_of(dares[0][0])
            mines.append(Mine("defy", *a.span(s, e), a.lex.reason("defy", a.original(s, e))))
    return mines


def _cold_jab(a: Analysis) -> list[Mine]:
    """A rhetorical jab ("Monkeys, is it?", "怎么不说") with no warmth anywhere is sarcasm,
    unless its sentence already holds another landmine that the jab only drives home.

    With empathy or courtesy around it, a tag question is usually a plain check
    ("That's the second time, isn't it? I'm so sorry"), so it stays harmless.
    """
    hits = a.hits.get("rhetorical", ())
    if not hits or any(a.hits.get(f) for f in _EMPATHY_OR_COURTESY):
        return []
    s, e = hits[0]
    ss, se = a.sentence_of(s)
    if any(a.any_in(c, ss, se) for c in _PHRASE_CATEGORIES):
        return []  # the jab serves another landmine ("Hardly worth it, is it?" is dismiss)
    return [Mine("retaliate", *a.span(s, e), a.lex.reason("retaliate", a.original(s, e)))]


_RECORDING = re.compile(r"record|录音|录下")


def _answers_recording_question(a: Analysis, s: int, e: int) -> bool:
    """'Yes, this call is recorded' answers a caller who asked about recording: not a threat."""
    return bool(_RECORDING.search(a.text[s:e]) and _RECORDING.search((a.ctx.customer or "").lower()))


_ON_RECORD = re.compile(r"on record|备案|留档")


def _on_record_of_complaint(a: Analysis, s: int, e: int) -> bool:
    """'I've logged your complaint, so it's on record' keeps the caller's feedback safe: not a threat.

    Only the 'on record' wording is excused, and only with a logged complaint in the same
    sentence; 'calls are recorded' or 'you'll get flagged' stay threats wherever they sit.
    """
    if not _ON_RECORD.search(a.text[s:e]):
        return False
    ss, se = a.sentence_of(s)
    return a.any_in("complaint_log", ss, se)


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
