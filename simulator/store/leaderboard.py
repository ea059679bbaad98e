"""The cohort leaderboard: a query over stored per-session scores (never a second copy of them).

The ranking rule (docs/store.md repeats it for trainers):
1. Only **completed** calls (an ending was reached) are scored. Calls the trainee left and calls
   abandoned by a dead process count as sessions, never as scores.
2. A trainee's **score** is their best overall score on each scenario, averaged over the scenarios
   they completed (with --scenario, simply their best call on it). Hints already cost points in
   the overall score (simulator.session.HINT_COST per hint), and the `hints` column shows them.
3. A trainee needs at least `min_completed` completed calls to be ranked; others are listed
   after the ranked ones with no rank.
4. Ties: scores equal to one decimal share a rank (1, 2, 2, 4); within a tie, names alphabetically.
Other columns: `average` = mean overall of all completed calls; listening / empathy / policy =
their means over completed calls; landmines per completed call; resolved rate = calls ending
`resolved` over calls completed or left (abandoned calls are the machine's fault, not the
trainee's); trend = mean overall of the later half of completed calls minus the earlier half
(the middle call of an odd count is left out), None with fewer than two.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from simulator.store import schema as S

if TYPE_CHECKING:
    from simulator.store.store import Store

COLUMNS = ("rank", "trainee", "sessions", "completed", "scenarios", "best", "average", "listening",
           "empathy", "policy", "landmines_per_call", "resolved_rate", "hints", "best_used_hints", "trend")


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _r(x: float | None, nd: int = 1) -> float | None:
    return None if x is None else round(x, nd)


def leaderboard(store: "Store", cohort: str, scenario: str | None = None, *,
                min_completed: int = 1) -> list[LeaderboardRow]:
    """Ranked rows for `cohort` (optionally one scenario id), best first; unranked trainees last."""
    s, tr, co = S.sessions, S.trainees, S.cohorts
    done = s.c.status == "completed"

    def when(cond, value):
        return sa.case((cond, value))

    where = [co.c.name == cohort]
    if scenario is not None:
        where.append(s.c.scenario_id == scenario)
    joined = s.join(co, co.c.id == s.c.cohort_id)

    per_scenario = (
        sa.select(
            s.c.trainee_id, s.c.scenario_id,
            sa.func.count().label("sessions"),
            sa.func.count(when(done, 1)).label("completed"),
            sa.func.count(when(s.c.status == "left", 1)).label("left"),
            sa.func.count(when(done & (s.c.outcome == "resolved"), 1)).label("resolved"),
            sa.func.max(when(done, s.c.overall)).label("best"),
            sa.func.sum(when(done, s.c.overall)).label("sum_overall"),
            sa.func.count(when(done, s.c.overall)).label("n_overall"),
            *[sa.func.sum(when(done, s.c[d])).label(f"sum_{d}") for d in ("listening", "empathy", "policy")],
            *[sa.func.count(when(done, s.c[d])).label(f"n_{d}") for d in ("listening", "empathy", "policy")],
            sa.func.sum(when(done, s.c.landmines)).label("landmines"),
            sa.func.sum(s.c.hints).label("hints"),
        ).select_from(joined).where(*where).group_by(s.c.trainee_id, s.c.scenario_id)
    )
    best = per_scenario.subquery()
    # Did the best call use hints? The fewest hints among completed calls at the best score.
    best_hints = (
        sa.select(s.c.trainee_id, s.c.scenario_id, sa.func.min(s.c.hints).label("hints"))
        .select_from(joined.join(best, (best.c.trainee_id == s.c.trainee_id)
                                 & (best.c.scenario_id == s.c.scenario_id) & (best.c.best == s.c.overall)))
        .where(*where, done).group_by(s.c.trainee_id, s.c.scenario_id)
    )
    # Trend: completed calls numbered in time order per trainee.
    numbered = (
        sa.select(
            s.c.trainee_id, s.c.overall,
            sa.func.row_number().over(partition_by=s.c.trainee_id, order_by=(s.c.started_at, s.c.id)).label("rn"),
            sa.func.count().over(partition_by=s.c.trainee_id).label("n"),
        ).select_from(joined).where(*where, done, s.c.overall.is_not(None))
    ).subquery()
    half = numbered.c.n // 2
    trend = (
        sa.select(
            numbered.c.trainee_id,
            sa.func.avg(when(numbered.c.rn <= half, numbered.c.overall)).label("early"),
            sa.func.avg(when(numbered.c.rn > numbered.c.n - half, numbered.c.overall)).label("late"),
        ).where(numbered.c.n >= 2).group_by(numbered.c.trainee_id)
    )
    names = sa.select(tr.c.id, tr.c.name).join(co, co.c.id == tr.c.cohort_id).where(co.c.name == cohort)

    def read(conn: sa.Connection):
        return (conn.execute(per_scenario).all(), conn.execute(best_hints).all(),
                conn.execute(trend).all(), dict(conn.execute(names).all()))

    rows, hint_rows, trend_rows, name_of = store._read(read)
    hinted = {(r.trainee_id, r.scenario_id) for r in hint_rows if (r.hints or 0) > 0}
    trends = {r.trainee_id: (float(r.late) - float(r.early)) for r in trend_rows
              if r.early is not None and r.late is not None}

    by_trainee: dict[int, list] = {}
    for r in rows:
        by_trainee.setdefault(r.trainee_id, []).append(r)

    out: list[LeaderboardRow] = []
    for tid, rs in by_trainee.items():
        def total(key: str) -> float:
            return sum(float(getattr(r, key) or 0) for r in rs)

        def mean(key: str) -> float | None:
            n = total(f"n_{key}")
            return total(f"sum_{key}") / n if n else None

        bests = [float(r.best) for r in rs if r.best is not None]
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
            best_used_hints=any((tid, r.scenario_id) in hinted for r in rs if r.best is not None),
            trend=_r(trends.get(tid)),
        ))
    return rank_rows(out, min_completed)


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
