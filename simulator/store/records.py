"""A call as plain records: what the recorder journals and the store writes.

Three kinds, each a JSON-ready dict carrying the call's key (a UUID the recorder gives the call
before any database has seen it):

    {"event": "start",  "call": key, "trainee", "cohort", "mode", "scenario_*", "opening", ...}
    {"event": "turn",   "call": key, "row": {...the turns table's columns...}}
    {"event": "finish", "call": key, "status", "at", "values": {...the session's results...}}

Built here from engine objects, once; the store and the journal only move the dicts around.

A turn's `detail` is compact (format 2, below): what the row's columns already hold is not
repeated, and the wording a turn shares with thousands of others (the caller's lines, the notes
and clauses of the transitions checked, the scorer's reasons with the quoted reply taken out, the
causes of mood changes) is listed once per turn in `texts`, which the store keeps once per
database. `turn_dict` turns a row back into exactly `TurnResult.to_dict()`; `turn_row` checks
that on every turn it builds and keeps the full dict (format 1, as before) when it would not.
"""
from __future__ import annotations

import json
import os
import re
import socket
import uuid
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from simulator.plaintext import plain

if TYPE_CHECKING:
    from simulator.session import Session, TurnResult

# How a call ends in the store, one definition for every figure (docs/store.md):
#   completed: an ending was reached. Only these calls are scored; "completed" / "finished" /
#              "完成" in any text a person reads means this, and nothing else;
#   left:      the trainee left before an ending. Not scored, but an attempt: pass and resolved
#              rates count it, as not passed.
#   skipped:   the trainee left before replying at all (a wrong scenario picked, the brief read
#              for a while): not an attempt, as the pause screen promises; only a session.
# (abandoned, a call whose process died, is the machine's fault and counts nowhere.)
FINISH_STATUSES = ("completed", "left")
COMPLETED = FINISH_STATUSES[0]
SKIPPED = "skipped"


def _now() -> str:
    from simulator.store.store import utcnow

    return utcnow().isoformat()


def start_record(session: "Session", *, trainee: str, cohort: str, mode: str = "live",
                 call: str | None = None) -> dict[str, Any]:
    sc = session.scenario
    trainee, cohort = plain(trainee, lines=False), plain(cohort, lines=False)
    if not trainee or not cohort:
        raise ValueError("a session needs a trainee name and a cohort name")
    return {
        "event": "start", "call": call or str(uuid.uuid4()), "trainee": trainee, "cohort": cohort,
        "mode": mode, "scenario_id": sc.id, "scenario_title": sc.title, "scenario_hash": sc.file_hash or "",
        "locale": sc.locale, "persona": sc.persona.name, "opening": session.opening,
        "seed": int(session.seed), "started_at": _now(), "host": socket.gethostname(), "pid": os.getpid(),
        "human_caller": session.caller == "human",
    }


def turn_row(turn: "TurnResult") -> dict[str, Any]:
    """The turns table's columns for one turn; `detail` is the compact format 2 (or, when that
    would not give back TurnResult.to_dict() exactly, the full dict, format 1)."""
    d = json.loads(json.dumps(turn.to_dict(), default=str))
    s = turn.score
    row = {
        "idx": turn.index, "kind": turn.kind, "reply": turn.reply,
        "interrupted": bool(turn.interrupted), "latency": turn.latency,
        "state_before": turn.state_before, "state_after": turn.state_after, "stage": turn.stage,
        "mood_before": d["mood_before"], "mood_after": d["mood_after"],
        "listening": s.listening.score if s else None, "empathy": s.empathy.score if s else None,
        "policy": s.policy.score if s else None, "landmines": len(s.landmine_categories) if s else 0,
        "mines": mines_column(s.landmine_categories) if s else None,
        "hints_before": turn.hints_before, "ending": turn.ending, "recorded_at": _now(),
    }
    try:
        compact = _compact(d)
        if compact is not None and _same(turn_dict(row, compact, compact["texts"]), d):
            return {**row, "detail": compact}
    except (KeyError, IndexError, TypeError, ValueError):
        pass  # a shape _compact does not know
    # Something the compact form cannot say (a new key, a value of another type): keep it all.
    return {**row, "customer_before": turn.customer_before, "customer_line": turn.customer_line, "detail": d}


def turn_record(call: str, turn: "TurnResult") -> dict[str, Any]:
    return {"event": "turn", "call": call, "row": turn_row(turn)}


def finish_record(call: str, session: "Session", status: str = "completed") -> dict[str, Any]:
    """status "completed" (an ending was reached) or "left" (the trainee hung up or quit)."""
    if status not in FINISH_STATUSES:
        raise ValueError(f"status must be one of {', '.join(FINISH_STATUSES)}, not {status!r}")
    if status == "completed" and not session.over:
        status = "left"  # no ending reached: it cannot count as a completed call
    if status == "left" and not any(t.kind == "reply" for t in session.turns):
        status = SKIPPED  # nothing was said: not an attempt
    summary = session.summary()
    values = dict(
        ending=summary["ending"], ending_title=summary.get("ending_title"), outcome=summary["outcome"], service_level=summary["service_level"],
        overall=summary["overall"], listening=summary["listening"], empathy=summary["empathy"],
        policy=summary["policy"], hints=summary["hints"], landmines=summary["landmines"],
        interruptions=summary["interruptions"], turn_count=len(session.turns),
        # played by a person if one said any of the caller's lines or was to answer any reply
        human_caller=session.person_spoke or any(t.human_caller for t in session.turns),
        summary=json.loads(json.dumps(summary, default=str)),
    )
    return {"event": "finish", "call": call, "status": status, "at": _now(), "values": values}


# ---------------------------------------------------------------------------- the compact turn
# Format 2 of a turn's detail (format 1 is the whole TurnResult.to_dict(), as stored before):
#   {"v": 2, "texts": [...],            # wording, each once ("t": [text ids] in the database);
#                                       # texts[0] and texts[1]: the caller's lines before and after
#    "s": [level x3 (listening, empathy, policy), acts, evidence x3, [offers...], landmines]
#         acts: texts[i] is the reply's acts as JSON; evidence, per dimension, a flat list of
#         start, end, i for each piece: texts[i] is ["label", "reason", "effect"] with the quote of
#         the reply in the reason written as QUOTE (the span stripped, or the whole reply for an
#         empty span) or QUOTE_CUT (its first 37 characters, as the scorer shortens a long quote);
#         offers inline; landmines flat start, end, i with texts[i] ["category", "reason"],
#    "m": [i, deltas...]: texts[i] is [["cause", "kind", detail], ...] of the mood changes, each
#         delta a whole number when it is one,
#    "c": [i, numbers...]: texts[i] is the transitions checked as JSON with each run of digits
#         written as DIGITS, the numbers (the values the clauses saw) in order,
#    "b": broke_off (left out when None), "h": 1 when the reply came after a hint (else left out),
#    "k": the ids of the caller's concerns the reply addressed first (left out when none),
#    "p": [held_ending] when a person played the caller (simulator/live.py; else left out),
#    "mv": 1 when the trainer moved the call after the turn (Session.move_to; else left out)}
# A format 2 turn recorded before concerns has no "k" and reads back with concerns_met [].
# Scores, levels' dimensions, the reply, states, mood and the rest are the row's own columns.
FORMAT = 2
QUOTE, QUOTE_CUT, DIGITS = "\ue000", "\ue001", "\ue002"  # private-use characters: never in our texts
_MARKS = re.compile(f"[{QUOTE}{QUOTE_CUT}{DIGITS}]")
_DIGIT_RUN = re.compile(r"\d+")
DIMENSIONS = ("listening", "empathy", "policy")
_KEYS = ("index", "kind", "reply", "interrupted", "latency", "state_before", "stage", "customer_before", "score",
         "mood_before", "mood_after", "mood_changes", "candidates", "state_after", "customer_line", "ending",
         "hints_before", "after_hint", "broke_off", "concerns_met")
_HUMAN_KEYS = ("human_caller", "held_ending")  # only in a turn whose caller was a person


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _Texts:
    """The texts a turn refers to, each listed once after the two caller's lines (0 and 1)."""

    def __init__(self, before: str, line: str) -> None:
        self.items: list[str] = [before, line]
        self._index: dict[str, int] = {}

    def ref(self, text: str) -> int:
        if text not in self._index:
            self._index[text] = len(self.items)
            self.items.append(text)
        return self._index[text]


def _quoted(reply: str, start: int, end: int) -> str:
    """What a reason may quote of the reply: the evidence's span, or the whole reply when the
    evidence is about the reply as a whole (an empty span)."""
    return (reply[start:end] if end > start else reply).strip()


def _quote_out(reason: str, reply: str, start: int, end: int) -> str:
    """The reason with its quote of the reply replaced by a mark (unchanged if it has none)."""
    quoted = _quoted(reply, start, end)
    if not quoted or _MARKS.search(reason):
        return reason
    if quoted in reason:
        return reason.replace(quoted, QUOTE)
    if len(quoted) > 40 and quoted[:37] in reason:  # the scorer shortens a long quote
        return reason.replace(quoted[:37], QUOTE_CUT)
    return reason


def _quote_in(reason: str, reply: str, start: int, end: int) -> str:
    if QUOTE not in reason and QUOTE_CUT not in reason:
        return reason
    quoted = _quoted(reply, start, end)
    return reason.replace(QUOTE, quoted).replace(QUOTE_CUT, quoted[:37])


def _whole(x: float) -> float | int:
    """-6.0 as -6 (two bytes fewer in every stored turn); turn_dict makes it a float again."""
    return int(x) if isinstance(x, float) and x.is_integer() and abs(x) < 2 ** 53 else x


def _number(digits: str) -> int | str:
    return int(digits) if str(int(digits)) == digits else digits  # "07" stays text


def _compact(d: dict[str, Any]) -> dict[str, Any] | None:
    """Format 2 of a TurnResult.to_dict() (already JSON-plain); None when it has other keys."""
    if tuple(k for k in d if k != "moved_by_trainer") not in (_KEYS, _KEYS + _HUMAN_KEYS):
        return None
    texts = _Texts(d["customer_before"], d["customer_line"])
    out: dict[str, Any] = {"v": FORMAT, "texts": texts.items}
    reply, score = d["reply"], d["score"]
    if score is not None:
        def pieces(items: list[dict[str, Any]], key: str, *extra: str) -> list[int]:
            flat: list[int] = []
            for e in items:
                reason = _quote_out(e["reason"], reply, e["start"], e["end"])
                flat += [e["start"], e["end"], texts.ref(_json([e[key], reason, *[e[x] for x in extra]]))]
            return flat

        offers = [[o["action"], o["months"], o["amount"], o["all_charges"], o["start"], o["end"]]
                  for o in score["offers"]]
        out["s"] = [*[score[dim]["level"] for dim in DIMENSIONS], texts.ref(_json(score["acts"])),
                    *[pieces(score[dim]["evidence"], "label", "effect") for dim in DIMENSIONS], offers,
                    pieces(score["landmines"], "category")]
    changes = d["mood_changes"]
    out["m"] = [texts.ref(_json([[m["cause"], m["kind"], m["detail"]] for m in changes])),
                *[_whole(m["delta"]) for m in changes]]
    checked = _json(d["candidates"])
    if DIGITS in checked:
        return None
    out["c"] = [texts.ref(_DIGIT_RUN.sub(DIGITS, checked)), *map(_number, _DIGIT_RUN.findall(checked))]
    if d["broke_off"] is not None:
        out["b"] = d["broke_off"]
    if d.get("after_hint"):
        out["h"] = 1
    if d["concerns_met"]:
        out["k"] = list(d["concerns_met"])
    if d.get("human_caller"):
        out["p"] = [d["held_ending"]]  # a person played the caller (and the ending left to them)
    if d.get("moved_by_trainer"):
        out["mv"] = 1
    return out


def turn_dict(row: Mapping[str, Any], detail: Mapping[str, Any], texts: Sequence[str]) -> dict[str, Any]:
    """TurnResult.to_dict() of a stored turn: `row` holds the turns table's columns, `detail` is
    its detail (format 1 or 2) and `texts` the texts a format 2 detail refers to, in its order."""
    if detail.get("v") != FORMAT:
        return dict(detail)  # format 1: the whole dict, as recorded before format 2
    reply = row["reply"]
    score = None
    if "s" in detail:
        *levels, acts, ev_l, ev_e, ev_p, offers, mines = detail["s"]

        def pieces(flat: list[int]) -> list[tuple[int, int, list]]:
            return [(flat[k], flat[k + 1], json.loads(texts[flat[k + 2]])) for k in range(0, len(flat), 3)]

        score = {}
        for dim, level, flat in zip(DIMENSIONS, levels, (ev_l, ev_e, ev_p)):
            score[dim] = {"score": row[dim], "level": level, "evidence": [
                {"start": start, "end": end, "label": label, "reason": _quote_in(reason, reply, start, end),
                 "effect": effect} for start, end, (label, reason, effect) in pieces(flat)]}
        score["acts"] = json.loads(texts[acts])
        score["offers"] = [{"action": a, "months": mo, "amount": am, "all_charges": al, "start": st, "end": en}
                           for a, mo, am, al, st, en in offers]
        score["landmines"] = [{"category": category, "start": start, "end": end,
                               "reason": _quote_in(reason, reply, start, end)}
                              for start, end, (category, reason) in pieces(mines)]
    causes, *deltas = detail["m"]
    changes = [{"cause": cause, "delta": float(delta), "kind": kind, "detail": what}
               for (cause, kind, what), delta in zip(json.loads(texts[causes]), deltas)]
    template, *numbers = detail["c"]
    pieces = texts[template].split(DIGITS)
    checked = "".join(p + (str(numbers[i]) if i < len(numbers) else "") for i, p in enumerate(pieces))
    candidates = json.loads(checked)
    return {
        "index": row["idx"], "kind": row["kind"], "reply": reply, "interrupted": bool(row["interrupted"]),
        "latency": row["latency"], "state_before": row["state_before"], "stage": row["stage"],
        "customer_before": texts[0], "score": score, "mood_before": row["mood_before"],
        "mood_after": row["mood_after"], "mood_changes": changes, "candidates": candidates,
        "state_after": row["state_after"], "customer_line": texts[1], "ending": row["ending"],
        "hints_before": row["hints_before"], "after_hint": bool(detail.get("h")), "broke_off": detail.get("b"),
        "concerns_met": list(detail.get("k") or []),
        **({"human_caller": True, "held_ending": detail["p"][0]} if "p" in detail else {}),
        **({"moved_by_trainer": True} if detail.get("mv") else {}),
    }


def _same(a: Any, b: Any) -> bool:
    """Equal, key order and number types included (what a JSON reader of either would see)."""
    return json.dumps(a, ensure_ascii=False) == json.dumps(b, ensure_ascii=False)


# ---------------------------------------------------------------------------- landmines of a stored turn
def mines_column(categories) -> str | None:
    """The turns table's `mines`: the distinct landmine categories, comma-joined; None for none."""
    return ",".join(dict.fromkeys(plain(c, lines=False) for c in categories)) or None


def landmine_text_ids(detail: Mapping[str, Any]) -> list[int]:
    """The `texts` ids a stored turn's landmines refer to (format 2; none for format 1)."""
    if detail.get("v") != FORMAT or "s" not in detail:
        return []
    flat = detail["s"][-1]
    return [detail["t"][flat[k + 2]] for k in range(0, len(flat), 3)]


def landmine_category(body: str) -> str:
    """The category of a landmine text (its ["category", "reason"]), as plain text."""
    return plain(json.loads(body)[0], lines=False)


def landmine_categories(detail: Mapping[str, Any], categories: Mapping[int, str]) -> list[str]:
    """The distinct landmine categories of a stored turn (as its `landmines` column counts them);
    `categories`: texts id -> landmine_category(body), for at least landmine_text_ids(detail)."""
    if detail.get("v") == FORMAT:
        found = [categories[i] for i in landmine_text_ids(detail)]
    else:
        found = [plain(m["category"], lines=False) for m in ((detail.get("score") or {}).get("landmines") or [])]
    return list(dict.fromkeys(found))
