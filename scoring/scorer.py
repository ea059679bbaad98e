"""PLACEHOLDER scorer so the engine can run; the scoring issue replaces this module."""
from __future__ import annotations

from scoring.types import DimensionScore, Evidence, LandmineHit, ReplyContext, ReplyScore

_ACK = ("i see", "i understand", "明白", "理解", "嗯")
_SORRY = ("sorry", "apolog", "抱歉", "对不起")
_CANCEL = ("cancel", "退订", "取消")
_REFUND = ("refund", "退费", "退还")
_THREAT = ("recorded", "录音")


def score_reply(reply: str, ctx: ReplyContext) -> ReplyScore:
    low = reply.lower()
    acts: list[str] = []
    ev_l: list[Evidence] = []
    ev_e: list[Evidence] = []
    mines: list[LandmineHit] = []
    for w in _ACK:
        if (i := low.find(w)) >= 0:
            acts.append("acknowledge")
            ev_l.append(Evidence(i, i + len(w), "acknowledge", "acknowledged the caller"))
            break
    for w in _SORRY:
        if (i := low.find(w)) >= 0:
            acts.append("apologize")
            ev_e.append(Evidence(i, i + len(w), "apologize", "apologised"))
            break
    for words, act in ((_CANCEL, "offer:cancel"), (_REFUND, "offer:refund")):
        if any(w in low for w in words):
            acts.append(act)
    for w in _THREAT:
        if (i := low.find(w)) >= 0:
            mines.append(LandmineHit("threaten", i, i + len(w), "mentions the recording as a warning"))
    lis = 2 if ev_l and len(reply) > 20 else (1 if ev_l else 0)
    emp = 2 if ev_e and ev_l else (1 if ev_e else 0)
    pol = 0 if mines else 1
    return ReplyScore(
        listening=DimensionScore(lis * 50, lis, tuple(ev_l)),
        empathy=DimensionScore(emp * 50, emp, tuple(ev_e)),
        policy=DimensionScore(pol * 100, pol, ()),
        acts=tuple(acts),
        landmines=tuple(mines),
    )
