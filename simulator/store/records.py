"""A call as plain records: what the recorder journals and the store writes.

Three kinds, each a JSON-ready dict carrying the call's key (a UUID the recorder gives the call
before any database has seen it):

    {"event": "start",  "call": key, "trainee", "cohort", "mode", "scenario_*", "opening", ...}
    {"event": "turn",   "call": key, "row": {...the turns table's columns...}}
    {"event": "finish", "call": key, "status", "at", "values": {...the session's results...}}

Built here from engine objects, once; the store and the journal only move the dicts around.
"""
from __future__ import annotations

import json
import os
import socket
import uuid
from typing import TYPE_CHECKING, Any

from simulator.plaintext import plain

if TYPE_CHECKING:
    from simulator.session import Session, TurnResult

FINISH_STATUSES = ("completed", "left")


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
    }


def turn_row(turn: "TurnResult") -> dict[str, Any]:
    """The turns table's columns for one turn (detail: TurnResult.to_dict())."""
    d = turn.to_dict()
    s = turn.score
    return {
        "idx": turn.index, "kind": turn.kind, "reply": turn.reply,
        "interrupted": bool(turn.interrupted), "latency": turn.latency,
        "state_before": turn.state_before, "state_after": turn.state_after, "stage": turn.stage,
        "customer_before": turn.customer_before, "customer_line": turn.customer_line,
        "mood_before": d["mood_before"], "mood_after": d["mood_after"],
        "listening": s.listening.score if s else None, "empathy": s.empathy.score if s else None,
        "policy": s.policy.score if s else None, "landmines": len(s.landmine_categories) if s else 0,
        "hints_before": turn.hints_before, "ending": turn.ending, "recorded_at": _now(),
        "detail": json.loads(json.dumps(d, default=str)),
    }


def turn_record(call: str, turn: "TurnResult") -> dict[str, Any]:
    return {"event": "turn", "call": call, "row": turn_row(turn)}


def finish_record(call: str, session: "Session", status: str = "completed") -> dict[str, Any]:
    """status "completed" (an ending was reached) or "left" (the trainee hung up or quit)."""
    if status not in FINISH_STATUSES:
        raise ValueError(f"status must be one of {', '.join(FINISH_STATUSES)}, not {status!r}")
    if status == "completed" and not session.over:
        status = "left"  # no ending reached: it cannot count as a completed call
    summary = session.summary()
    values = dict(
        ending=summary["ending"], outcome=summary["outcome"], service_level=summary["service_level"],
        overall=summary["overall"], listening=summary["listening"], empathy=summary["empathy"],
        policy=summary["policy"], hints=summary["hints"], landmines=summary["landmines"],
        interruptions=summary["interruptions"], turn_count=len(session.turns),
        summary=json.loads(json.dumps(summary, default=str)),
    )
    return {"event": "finish", "call": call, "status": status, "at": _now(), "values": values}
