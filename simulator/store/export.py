"""Exports for other systems: xAPI statements for an LMS/LRS, CSV for spreadsheets.

xAPI (1.0.3): one statement per call (verb completed / terminated / exited / abandoned / attempted, the
scenario as the activity, result.score.scaled = overall / 100) and one `responded` statement per
reply (result.response = the reply, score scaled from the mean of listening, empathy, policy),
linked by the same context.registration. A call's result.success is the debrief's pass rule (as
the report's pass rate counts it; false for a call the trainee left), and a reply's `turn`
extension numbers it from 1, as transcripts and CSV do. Statement ids are UUID 5 of the session
and turn (and FORMAT), so exporting twice and posting both files to an LRS does not create
duplicates. (FORMAT "/v2" came with the pass rule and the numbering from 1, "/v3" with the
service level, the ending's title and the cohort named in the call's language: an LRS holding
statements exported before gets these as new ones, not as conflicts, since a known id with other
content may be refused.)

A call a trainer reviewed (simulator/store/reviews.py) is exported with its reviewed scores: in
xAPI as result.score, with extension `reviewed: true` and the machine's scores beside them
(`machine-overall`, ...); its statement ids also carry the time of the latest review, so an LRS
that already holds the machine's statement takes the reviewed one as new rather than as a
conflict. In CSV, the machine's columns stay as they were and `reviewed_*` columns follow
(`reviewed` yes / no; the others empty for a call or turn no trainer reviewed);
`passed` (and `reviewed_passed`) say yes / no by the pass rule for calls completed or left. Per
turn, `caller_before` is the caller's line the reply answered (the opening, for the first) and
`customer_line` the caller's answer to it; `interrupted` says yes / no like the other flags.
"""
from __future__ import annotations

import csv
import io
import uuid
from typing import TYPE_CHECKING, Any, Iterable
from urllib.parse import quote

from simulator.store.reviews import reviewed_call, reviewed_score

if TYPE_CHECKING:  # type hints only: rendering needs no database driver
    from simulator.store.reviews import Review
    from simulator.store.store import SessionRow

DEFAULT_BASE_IRI = "http://mystery-guest.invalid/"  # .invalid: replace with your centre's address
VERBS = {
    "completed": ("http://adlnet.gov/expapi/verbs/completed", "completed"),
    "left": ("http://adlnet.gov/expapi/verbs/terminated", "terminated"),
    "abandoned": ("https://w3id.org/xapi/adl/verbs/abandoned", "abandoned"),
    "skipped": ("http://adlnet.gov/expapi/verbs/exited", "exited"),  # left before answering: no attempt
    "in_progress": ("http://adlnet.gov/expapi/verbs/attempted", "attempted"),
}
RESPONDED = ("http://adlnet.gov/expapi/verbs/responded", "responded")
# In statement ids: what the statements say changed (success by the pass rule, turns numbered
# from 1), so they are new statements to an LRS that holds the earlier ones, not conflicts.
FORMAT = "/v3"
DIMENSIONS = ("listening", "empathy", "policy")


def _iso(dt) -> str | None:
    return dt.isoformat(timespec="milliseconds") + "Z" if dt else None


def _duration(seconds: float | None) -> str | None:
    return None if seconds is None else f"PT{max(0.0, seconds):.2f}S"


def _verb(pair: tuple[str, str]) -> dict[str, Any]:
    return {"id": pair[0], "display": {"en-US": pair[1]}}


def _scaled(score: float | None) -> dict[str, Any] | None:
    if score is None:
        return None
    score = max(0.0, min(100.0, float(score)))
    return {"scaled": round(score / 100, 4), "raw": round(score, 2), "min": 0, "max": 100}


def _reviewed(row: SessionRow, turns: list[dict[str, Any]], reviews: dict[int, Review]) -> dict[str, Any] | None:
    return reviewed_call(turns, reviews, ending=row.ending, service_level=row.service_level, hints=row.hints)


def xapi_statements(rows: Iterable[SessionRow], turns: dict[int, list[dict[str, Any]]],
                    base_iri: str = DEFAULT_BASE_IRI,
                    reviews: dict[int, dict[int, Review]] | None = None) -> list[dict[str, Any]]:
    """xAPI statements for these calls (`turns`: session id -> stored turns; `reviews`: session id ->
    turn index -> Review, for the calls a trainer reviewed)."""
    from simulator.debrief import passes  # the pass rule, defined once (loads the engine: only here)

    reviews = reviews or {}
    base = base_iri if base_iri.endswith("/") else base_iri + "/"
    ext = base + "xapi/extensions/"
    out: list[dict[str, Any]] = []
    for row in rows:
        lang = "zh-CN" if row.locale == "zh" else "en-US"
        registration = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base}sessions/{row.id}"))
        actor = {"objectType": "Agent", "name": row.trainee,
                 "account": {"homePage": base, "name": f"{row.cohort}/{row.trainee}"}}
        scenario = {"objectType": "Activity", "id": f"{base}scenarios/{quote(row.scenario_id, safe='')}",
                    "definition": {"name": {lang: row.scenario_title or row.scenario_id},
                                   "type": "http://adlnet.gov/expapi/activities/simulation"}}
        cohort = {"objectType": "Activity", "id": f"{base}cohorts/{quote(row.cohort, safe='')}",
                  "definition": {"name": {lang: row.cohort}}}  # named as the call is (trial 17: "T17班" as en-US)
        marks = reviews.get(row.id, {})
        reviewed = _reviewed(row, turns.get(row.id, []), marks)
        scores = reviewed or {d: getattr(row, d) for d in ("overall", *DIMENSIONS, "landmines")}
        result: dict[str, Any] = {"completion": row.status == "completed"}
        if row.status in ("completed", "left"):  # passed by the debrief's rule, as the report counts it
            result["success"] = passes(row.status, row.outcome, scores["overall"])
        if (score := _scaled(scores["overall"])) is not None:
            result["score"] = score
        if (duration := _duration(row.duration)) is not None:
            result["duration"] = duration
        result["extensions"] = {
            ext + "listening": scores["listening"], ext + "empathy": scores["empathy"],
            ext + "policy": scores["policy"], ext + "ending": row.ending, ext + "outcome": row.outcome,
            ext + "service-level": row.service_level,
            **({ext + "ending-title": row.ending_title} if row.ending_title else {}),
            ext + "hints": row.hints, ext + "landmines": scores["landmines"], ext + "interruptions": row.interruptions,
        }
        # A reviewed statement is a new statement: its id carries the latest review's time.
        stamp = f"/reviewed/{max(r.reviewed_at for r in marks.values()).isoformat()}" if marks else ""
        if reviewed is not None:
            result["extensions"].update({ext + "reviewed": True, ext + "machine-overall": row.overall,
                                         **{ext + f"machine-{d}": getattr(row, d) for d in (*DIMENSIONS, "landmines")}})
        session_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base}sessions/{row.id}/statement{FORMAT}{stamp}"))
        out.append({
            "id": session_id, "actor": actor, "verb": _verb(VERBS.get(row.status, VERBS["in_progress"])),
            "object": scenario, "result": result,
            "context": {"registration": registration, "language": lang,
                        "contextActivities": {"grouping": [cohort]},
                        "extensions": {ext + "seed": row.seed, ext + "scenario-hash": row.scenario_hash,
                                       ext + "mode": row.mode, ext + "session": row.id,
                                       # a person played the caller (the live class); absent otherwise
                                       **({ext + "human-caller": True} if row.human_caller else {})}},
            "timestamp": _iso(row.ended_at or row.updated_at or row.started_at),
        })
        for t in turns.get(row.id, []):
            if t.get("kind") != "reply" or not t.get("score"):
                continue  # a silence is not a response
            s = t["score"]
            review = marks.get(t["index"])
            machine = {d: (s.get(d) or {}).get("score") for d in DIMENSIONS}
            machine_mines = list(dict.fromkeys(m.get("category") for m in s.get("landmines", [])))  # categories, once
            if review is not None:
                r = reviewed_score(s, review)
                dims, mines = {d: r[d]["score"] for d in DIMENSIONS}, r["landmines"]
            else:
                dims, mines = machine, machine_mines
            known = [v for v in dims.values() if v is not None]
            turn_result: dict[str, Any] = {"response": t.get("reply", "")}
            if known and (score := _scaled(sum(known) / len(known))) is not None:
                turn_result["score"] = score
            turn_result["extensions"] = {
                **{ext + d: v for d, v in dims.items()},
                ext + "landmines": mines,
                ext + "acts": list(s.get("acts", [])),
                ext + "interrupted": bool(t.get("interrupted")),
                ext + "anger": t.get("mood_after"),
            }
            if review is not None:
                turn_result["extensions"].update({
                    ext + "reviewed": True, ext + "reviewer": review.reviewer, ext + "review-note": review.note,
                    **{ext + f"machine-{d}": v for d, v in machine.items()}, ext + "machine-landmines": machine_mines})
            if t.get("latency") is not None:
                turn_result["duration"] = _duration(t["latency"])
            state_iri = f"{scenario['id']}/states/{quote(str(t.get('state_before', '')), safe='')}"
            out.append({
                "id": str(uuid.uuid5(uuid.NAMESPACE_URL,
                                     f"{base}sessions/{row.id}/turns/{t['index']}{FORMAT}{stamp}")),
                "actor": actor, "verb": _verb(RESPONDED),
                "object": {"objectType": "Activity", "id": state_iri,
                           "definition": {"name": {"en-US": str(t.get("state_before", ""))},
                                          "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                                          "interactionType": "long-fill-in"}},
                "result": turn_result,
                "context": {"registration": registration, "language": lang,
                            "contextActivities": {"parent": [scenario], "grouping": [cohort]},
                            "statement": {"objectType": "StatementRef", "id": session_id},
                            "extensions": {ext + "turn": t["index"] + 1, ext + "stage": t.get("stage"),
                                           **({ext + "human-caller": True} if t.get("human_caller") else {})}},
                "timestamp": t.get("recorded_at") or _iso(row.started_at),
            })
    return out


# ---------------------------------------------------------------------------- CSV
SESSION_COLUMNS = ("session", "cohort", "trainee", "scenario_id", "scenario_title", "mode", "status",
                   "started_at", "ended_at", "duration_s", "turns", "ending", "outcome", "service_level",
                   "overall", "listening", "empathy", "policy", "hints", "landmines", "interruptions", "seed",
                   "passed", "reviewed", "reviewed_overall", "reviewed_listening", "reviewed_empathy", "reviewed_policy",
                   "reviewed_landmines", "reviewed_passed",
                   "ending_title", "human_caller")  # added last: readers by position keep working
TURN_COLUMNS = ("session", "cohort", "trainee", "scenario_id", "turn", "kind", "stage", "state_before",
                "state_after", "reply", "interrupted", "latency_s", "listening", "empathy", "policy",
                "landmines", "acts", "anger_before", "anger_after", "customer_line", "recorded_at",
                "reviewed", "reviewed_listening", "reviewed_empathy", "reviewed_policy", "reviewed_landmines",
                "reviewer", "review_note", "caller_before",  # added last: readers by position keep working
                # the levels the app shows (listening and empathy 0-2, policy 0-1) beside the points
                "listening_level", "empathy_level", "policy_level",
                "reviewed_listening_level", "reviewed_empathy_level", "reviewed_policy_level")


def spreadsheet_safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_text(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(list(header))
    for r in rows:
        w.writerow(["" if v is None else spreadsheet_safe(v) for v in r])
    return buf.getvalue()


def _yes_no(row: SessionRow, overall: float | None) -> str | None:
    """Passed by the debrief's rule: yes / no for a call completed or left, empty for one not over."""
    from simulator.debrief import passes

    if row.status not in ("completed", "left"):
        return None
    return "yes" if passes(row.status, row.outcome, overall) else "no"


def sessions_csv(rows: Iterable[SessionRow], reviewed: dict[int, dict[str, Any]] | None = None) -> str:
    """One line per call (`reviewed`: session id -> reviewed scores, Store.reviewed_calls)."""
    reviewed = reviewed or {}

    def line(r: SessionRow) -> list[Any]:
        rv = reviewed.get(r.id)
        marks = ["yes", *(rv[k] for k in ("overall", *DIMENSIONS, "landmines")),
                 _yes_no(r, rv["overall"])] if rv else ["no"] + [None] * 6
        return [r.id, r.cohort, r.trainee, r.scenario_id, r.scenario_title, r.mode, r.status, _iso(r.started_at),
                _iso(r.ended_at), None if r.duration is None else round(r.duration, 1), r.turns, r.ending, r.outcome,
                r.service_level, r.overall, r.listening, r.empathy, r.policy, r.hints, r.landmines, r.interruptions,
                r.seed, _yes_no(r, r.overall), *marks, r.ending_title, "yes" if r.human_caller else "no"]

    return csv_text(SESSION_COLUMNS, (line(r) for r in rows))


def turns_csv(rows: Iterable[SessionRow], turns: dict[int, list[dict[str, Any]]],
              reviews: dict[int, dict[int, Review]] | None = None) -> str:
    """One line per turn (`reviews`: session id -> turn index -> Review)."""
    reviews = reviews or {}

    def marks(t: dict[str, Any], review: Review | None) -> list[Any]:
        if review is None or not t.get("score"):
            return ["no"] + [None] * 6
        r = reviewed_score(t["score"], review)
        return ["yes", *(r[d]["score"] for d in DIMENSIONS), " ".join(review.landmines), review.reviewer, review.note]

    def levels(t: dict[str, Any], review: Review | None) -> list[Any]:
        return [None] * 3 if review is None or not t.get("score") else [review.level(d) for d in DIMENSIONS]

    def lines():
        for r in rows:
            for t in turns.get(r.id, []):
                s = t.get("score") or {}
                yield [r.id, r.cohort, r.trainee, r.scenario_id, t["index"] + 1, t["kind"], t.get("stage"),
                       t.get("state_before"), t.get("state_after"), t.get("reply"),
                       "yes" if t.get("interrupted") else "no",
                       t.get("latency"), *[(s.get(d) or {}).get("score") for d in DIMENSIONS],
                       " ".join(dict.fromkeys(m.get("category", "") for m in s.get("landmines", []))),
                       " ".join(s.get("acts", [])), t.get("mood_before"), t.get("mood_after"),
                       t.get("customer_line"), t.get("recorded_at"),
                       *marks(t, reviews.get(r.id, {}).get(t["index"])), t.get("customer_before"),
                       *[(s.get(d) or {}).get("level") for d in DIMENSIONS], *levels(t, reviews.get(r.id, {}).get(t["index"]))]
    return csv_text(TURN_COLUMNS, lines())
