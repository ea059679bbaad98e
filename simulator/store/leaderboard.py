"""The cohort leaderboard: a query over stored per-session scores (never a second copy of them).

The ranking rule (docs/store.md repeats it for trainers):
1. Only **completed** calls (an ending was reached) are scored. Calls the trainee left, calls
   skipped (left before a reply) and calls abandoned by a dead process count as sessions, never
   as scores.
2. A trainee's **score** is their best overall score on each scenario, averaged over the scenarios
   they completed (with --scenario, simply their best call on it). Hints already cost points in
   the overall score (simulator.session.HINT_COST per hint), and the `hints` column shows them.
3. A trainee needs at least `min_completed` completed calls to be ranked; others are listed
   after the ranked ones with no rank.
4. Ties: scores equal to one decimal share a rank (1, 2, 2, 4); within a tie, names alphabetically.
Other columns: `average` = mean overall of all completed calls; listening / empathy / policy =
their means over completed calls; landmines per completed call; resolved rate = calls ending
`resolved` over calls completed or left (abandoned calls are the machine's fault, not the
trainee's); pass rate = calls that pass by the debrief's rule (resolved, or any ending but a
hang-up or an escalation, with at least debrief.PASS_MARK points) over the same calls, as the
cohort report counts it; trend = mean overall of the later half of completed calls minus the earlier half
(the middle call of an odd count is left out), None with fewer than two; human_caller = at least
one completed call was played by a person (the live class): a flag beside the rank, not a ranking.
5. A call a trainer reviewed (simulator/store/reviews.py, read by store.reviewed_scores) counts
   with its reviewed scores in every column, and the trainee's row is marked `reviewed`; the
   machine's scores stay in the store.
"""
from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from simulator.store import schema as S

if TYPE_CHECKING:
    from simulator.store.store import Store

COLUMNS = ("rank", "trainee", "sessions", "completed", "scenarios", "best", "average", "listening",
           "empathy", "policy", "landmines_per_call", "resolved_rate", "hints", "best_used_hints", "trend",
           "human_caller", "reviewed", "pass_rate")  # pass_rate last: CSV readers by position keep working


@dataclass(frozen=True)
class LeaderboardRow:
    """One trainee's line on the board. Scores are 0-100 (None when nothing was completed)."""

    rank: int | None           # None: not ranked (fewer completed calls than the minimum)
    trainee: str
    sessions: int              # every call, whatever its status
    completed: int             # calls that reached an ending
    scenarios: int             # distinct scenarios completed
    best: float | None         # the ranking score (rule above)
    average: float | None
    listening: float | None
    empathy: float | None
    policy: float | None
    landmines_per_call: float | None
    resolved_rate: float | None  # 0-1
    hints: int                 # hints used over all calls
    best_used_hints: bool      # a best call behind the score used hints
    trend: float | None        # later half minus earlier half of completed calls
    human_caller: bool = False  # a completed call was played by a person (the live class)
    reviewed: bool = False     # a call behind these figures has a trainer's review (rule 5)
    pass_rate: float | None = None  # 0-1: calls passed by the debrief's rule over calls completed or left

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _r(x: float | None, nd: int = 1) -> float | None:
    return None if x is None else round(x, nd)


# The scores summed and counted per (scenario, trainee, status). The sums add each group's calls
# in time order (ix_sessions_scores keeps that order): the order version 3 added them in, so a
# mean that sits on a rounding edge still rounds the same way.
DIMENSIONS = ("overall", "listening", "empathy", "policy")
# Most halves one statement reads (SQLite allows 500 terms in a UNION ALL).
HALVES_PER_QUERY = 200


@functools.lru_cache(maxsize=None)
def _totals_query(by_scenario: bool) -> sa.Select:
    """Per scenario, trainee and status: calls, sums, the best overall and, for completed calls,
    the fewest hints among the calls at that best. One pass over ix_sessions_scores (and one seek
    per group for the hints); bound values: cohort_id, and scenario when by_scenario."""
    from simulator.store.cohort_stats import passing  # the pass rule, as the report counts it

    s = S.sessions
    where = [s.c.cohort_id == sa.bindparam("cohort_id")]
    if by_scenario:
        where.append(s.c.scenario_id == sa.bindparam("scenario"))
    groups = (
        sa.select(
            s.c.trainee_id, s.c.scenario_id, s.c.status,
            sa.func.count().label("calls"),
            sa.func.count(sa.case((s.c.outcome == "resolved", 1))).label("resolved"),
            sa.func.count(sa.case((passing(s.c), 1))).label("passed"),  # used for the completed group
            sa.func.max(s.c.overall).label("best"),
            *[sa.func.sum(s.c[d]).label(f"sum_{d}") for d in DIMENSIONS],
            *[sa.func.count(s.c[d]).label(f"n_{d}") for d in DIMENSIONS],
            sa.func.sum(s.c.landmines).label("landmines"),
            sa.func.sum(s.c.hints).label("hints"),
        ).where(*where).group_by(s.c.scenario_id, s.c.trainee_id, s.c.status)
    ).subquery()
    at_best = S.sessions.alias("at_best")
    best_hints = (
        sa.select(sa.func.min(at_best.c.hints))
        .where(at_best.c.cohort_id == sa.bindparam("cohort_id"), at_best.c.trainee_id == groups.c.trainee_id,
               at_best.c.scenario_id == groups.c.scenario_id, at_best.c.status == "completed",
               at_best.c.overall == groups.c.best)
        .scalar_subquery()
    )
    return sa.select(groups, sa.case((groups.c.status == "completed", best_hints)).label("best_hints"))


@functools.lru_cache(maxsize=64)
def _halves_query(parts: int, by_scenario: bool) -> sa.CompoundSelect:
    """The mean overall of `parts` runs of a trainee's completed calls in time order: part i is
    calls o{i} + 1 .. o{i} + k{i} of trainee t{i} (one index range each, read in time order)."""
    s = S.sessions
    selects = []
    for i in range(parts):
        where = [s.c.cohort_id == sa.bindparam("cohort_id"), s.c.status == "completed",
                 s.c.trainee_id == sa.bindparam(f"t{i}"), s.c.overall.is_not(None)]
        if by_scenario:
            where.append(s.c.scenario_id == sa.bindparam("scenario"))
        calls = (sa.select(s.c.overall).where(*where).order_by(s.c.started_at, s.c.id)
                 .limit(sa.bindparam(f"k{i}", type_=sa.Integer))
                 .offset(sa.bindparam(f"o{i}", type_=sa.Integer)).subquery())
        selects.append(sa.select(sa.literal_column(str(i), sa.Integer).label("part"),
                                 sa.func.avg(calls.c.overall).label("mean")))
    return sa.union_all(*selects)


def leaderboard(store: "Store", cohort: str, scenario: str | None = None, *,
                min_completed: int = 1) -> list[LeaderboardRow]:
    """Ranked rows for `cohort` (optionally one scenario id), best first; unranked trainees last.

    Reads the cohort from two indexes that hold every column needed (schema v4): the totals
    per trainee, scenario and status in one pass, then the trend's halves (the first and last
    n // 2 completed calls of each trainee, n known from the totals) as index ranges."""
    by_scenario = scenario is not None

    def read(conn: sa.Connection):
        cohort_id = conn.execute(sa.select(S.cohorts.c.id).where(S.cohorts.c.name == cohort)).scalar()
        if cohort_id is None:
            return [], {}, {}, set(), set()
        params: dict[str, Any] = {"cohort_id": cohort_id, "scenario": scenario}
        groups = [dict(g._mapping) for g in conn.execute(_totals_query(by_scenario), params)]
        reviewed = _reviewed_calls(conn, cohort_id, scenario)
        if reviewed:  # those trainees' totals again, from their calls, the reviewed ones as reviewed
            groups = [g for g in groups if g["trainee_id"] not in reviewed] + _groups(reviewed)
        counts: dict[int, int] = {}
        for g in groups:
            if g["status"] == "completed" and g["trainee_id"] not in reviewed:
                counts[g["trainee_id"]] = counts.get(g["trainee_id"], 0) + int(g["n_overall"] or 0)
        halves = [(tid, part, skip, n // 2) for tid, n in counts.items() if n >= 2
                  for part, skip in (("early", 0), ("late", n - n // 2))]
        means: dict[int, dict[str, float | None]] = {}
        for start in range(0, len(halves), HALVES_PER_QUERY):
            chunk = halves[start:start + HALVES_PER_QUERY]
            values = dict(params)
            for i, (tid, _, skip, k) in enumerate(chunk):
                values.update({f"t{i}": tid, f"k{i}": k, f"o{i}": skip})
            for r in conn.execute(_halves_query(len(chunk), by_scenario), values):
                tid, part = chunk[r.part][:2]
                means.setdefault(tid, {})[part] = r.mean
        for tid, calls in reviewed.items():
            means[tid] = _trend_halves(calls)
        names = dict(conn.execute(sa.select(S.trainees.c.id, S.trainees.c.name)
                                  .where(S.trainees.c.cohort_id == cohort_id)).all())
        s = S.sessions.c
        live = sa.select(s.trainee_id).where(s.cohort_id == cohort_id, s.human_caller == sa.true(),
                                             s.status == "completed").distinct()
        if by_scenario:
            live = live.where(s.scenario_id == scenario)
        was_reviewed = {tid for tid, calls in reviewed.items() if any(c["reviewed"] for c in calls)}
        return groups, means, names, set(conn.execute(live).scalars()), was_reviewed

    groups, means, name_of, human, reviewed_trainees = store._read(read)
    trends = {tid: float(m["late"]) - float(m["early"]) for tid, m in means.items()
              if m.get("early") is not None and m.get("late") is not None}

    # Per (trainee, scenario); each trainee's scenarios in order, as the rule has always summed them.
    per_scenario: dict[tuple[int, str], dict[str, Any]] = {}
    for g in groups:
        row = per_scenario.setdefault((g["trainee_id"], g["scenario_id"]), {
            "scenario_id": g["scenario_id"], "sessions": 0, "completed": 0, "left": 0, "resolved": 0, "passed": 0,
            "best": None,
            "landmines": 0, "hints": 0, "best_hints": None,
            **{f"sum_{d}": None for d in DIMENSIONS}, **{f"n_{d}": 0 for d in DIMENSIONS}})
        row["sessions"] += g["calls"]
        row["hints"] += int(g["hints"] or 0)
        if g["status"] == "left":
            row["left"] = g["calls"]
        elif g["status"] == "completed":
            row.update(completed=g["calls"], resolved=g["resolved"], passed=g["passed"], best=g["best"], landmines=g["landmines"],
                       best_hints=g["best_hints"], **{f"sum_{d}": g[f"sum_{d}"] for d in DIMENSIONS},
                       **{f"n_{d}": g[f"n_{d}"] for d in DIMENSIONS})
    by_trainee: dict[int, list[dict[str, Any]]] = {}
    for (tid, _), row in per_scenario.items():
        by_trainee.setdefault(tid, []).append(row)
    for rs in by_trainee.values():
        # Scenario ids in code point order whatever the database's collation: a mean's last digit
        # can depend on the order of its terms, so SQLite and PostgreSQL add them in one order.
        rs.sort(key=lambda r: r["scenario_id"])

    out: list[LeaderboardRow] = []
    for tid, rs in by_trainee.items():
        def total(key: str) -> float:
            return sum(float(r[key] or 0) for r in rs)

        def mean(key: str) -> float | None:
            n = total(f"n_{key}")
            return total(f"sum_{key}") / n if n else None

        bests = [float(r["best"]) for r in rs if r["best"] is not None]
        completed = int(total("completed"))
        finished = completed + int(total("left"))
        out.append(LeaderboardRow(
            rank=None, trainee=name_of.get(tid, f"#{tid}"), sessions=int(total("sessions")), completed=completed,
            scenarios=len(bests), best=_r(sum(bests) / len(bests)) if bests else None,
            average=_r(mean("overall")), listening=_r(mean("listening")), empathy=_r(mean("empathy")),
            policy=_r(mean("policy")),
            landmines_per_call=_r(total("landmines") / completed, 2) if completed else None,
            resolved_rate=_r(total("resolved") / finished, 3) if finished else None,
            hints=int(total("hints")),
            best_used_hints=any((r["best_hints"] or 0) > 0 for r in rs if r["best"] is not None),
            trend=_r(trends.get(tid)), human_caller=tid in human, reviewed=tid in reviewed_trainees,
            pass_rate=_r(total("passed") / finished, 3) if finished else None,
        ))
    return rank_rows(out, min_completed)


# ---------------------------------------------------------------------------- reviewed calls (rule 5)
def _reviewed_calls(conn: sa.Connection, cohort_id: int, scenario: str | None) -> dict[int, list[dict[str, Any]]]:
    """Every call (on the scenario, if one) of each trainee with a reviewed call in the cohort, in
    the totals' order, with the reviewed calls' scores as reviewed: trainee id -> calls. Empty,
    after one look at the reviews, when nobody was reviewed (the usual case: the indexes do it all)."""
    from simulator.debrief import passes
    from simulator.store.store import reviewed_scores

    s, rv = S.sessions.c, S.reviews.c
    where = [s.cohort_id == cohort_id] + ([s.scenario_id == scenario] if scenario is not None else [])
    ids = conn.execute(sa.select(s.id, s.trainee_id).where(
        *where, s.id.in_(sa.select(rv.session_id).distinct()))).all()
    if not ids:
        return {}
    trainees = sorted({tid for _, tid in ids})
    calls = [dict(r._mapping) for r in conn.execute(
        sa.select(s.id, s.trainee_id, s.scenario_id, s.status, s.started_at, s.outcome, s.ending, s.service_level,
                  s.hints, s.landmines, *[s[d] for d in DIMENSIONS])
        .where(*where, s.trainee_id.in_(trainees))
        .order_by(s.scenario_id, s.trainee_id, s.status, s.started_at, s.id))]
    scores = reviewed_scores(conn, [sid for sid, _ in ids])
    out: dict[int, list[dict[str, Any]]] = {}
    for call in calls:
        reviewed = scores.get(call["id"])
        call["reviewed"] = reviewed is not None
        if reviewed is not None:
            call.update({k: reviewed[k] for k in (*DIMENSIONS, "landmines")})
        call["passes"] = passes(call["status"], call["outcome"], call["overall"])  # by the reviewed score
        out.setdefault(call["trainee_id"], []).append(call)
    return out


def _groups(reviewed: dict[int, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The totals query's groups (per scenario, trainee and status), summed in Python from calls."""
    out: dict[tuple, dict[str, Any]] = {}
    for calls in reviewed.values():
        for c in calls:
            g = out.setdefault((c["scenario_id"], c["trainee_id"], c["status"]), {
                "trainee_id": c["trainee_id"], "scenario_id": c["scenario_id"], "status": c["status"], "calls": 0,
                "resolved": 0, "passed": 0, "best": None, "landmines": 0, "hints": 0, "best_hints": None,
                **{f"sum_{d}": None for d in DIMENSIONS}, **{f"n_{d}": 0 for d in DIMENSIONS}})
            g["calls"] += 1
            g["resolved"] += c["outcome"] == "resolved"
            g["passed"] += c["passes"]
            g["landmines"] += c["landmines"] or 0
            g["hints"] += c["hints"] or 0
            for d in DIMENSIONS:
                if c[d] is not None:
                    g[f"sum_{d}"] = (g[f"sum_{d}"] or 0.0) + c[d]
                    g[f"n_{d}"] += 1
            if c["overall"] is not None and (g["best"] is None or c["overall"] > g["best"]):
                g["best"] = c["overall"]
    for g in out.values():
        if g["status"] == "completed" and g["best"] is not None:
            g["best_hints"] = min(c["hints"] for c in reviewed[g["trainee_id"]] if c["status"] == "completed"
                                  and c["scenario_id"] == g["scenario_id"] and c["overall"] == g["best"])
    return list(out.values())


def _trend_halves(calls: list[dict[str, Any]]) -> dict[str, float]:
    """The halves query's means for one trainee, from their calls."""
    done = sorted((c for c in calls if c["status"] == "completed" and c["overall"] is not None),
                  key=lambda c: (c["started_at"], c["id"]))
    k = len(done) // 2
    if k == 0:
        return {}
    return {"early": sum(c["overall"] for c in done[:k]) / k, "late": sum(c["overall"] for c in done[-k:]) / k}


def rank_rows(rows: list[LeaderboardRow], min_completed: int = 1) -> list[LeaderboardRow]:
    """Order and number rows by the ranking rule (shared ranks for ties, unranked last)."""
    eligible = [r for r in rows if r.best is not None and r.completed >= max(1, min_completed)]
    others = [r for r in rows if r not in eligible]
    eligible.sort(key=lambda r: (-r.best, r.trainee.casefold(), r.trainee))
    ranked: list[LeaderboardRow] = []
    for i, r in enumerate(eligible):
        tied = ranked and ranked[-1].best == r.best
        ranked.append(replace(r, rank=ranked[-1].rank if tied else i + 1))
    others.sort(key=lambda r: (r.trainee.casefold(), r.trainee))
    return ranked + [replace(r, rank=None) for r in others]
