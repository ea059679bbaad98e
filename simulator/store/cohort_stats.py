"""What the cohort report shows, worked out in SQL over the stored calls (simulator/report/ draws it).

Every figure is an aggregate the database computes; Python only reads the results. A call a
trainer reviewed counts with its reviewed scores (store.reviewed_scores, as on the leaderboard):
the few reviewed calls are read again and the aggregates corrected for them.
  - pass rate: over attempts (calls completed or left: records.FINISH_STATUSES; abandoned calls
    are the machine's fault), those that pass by the debrief's rule (simulator.debrief.verdict:
    an ending that is not a hang-up or an escalation, with at least PASS_MARK points);
  - score distributions: completed calls per band of ten points, for each dimension;
  - service levels: completed calls per level reached (0-5);
  - each trainee's progress: the overall score of their completed calls in time order (read from
    the leaderboard's covering index ix_sessions_trend);
  - landmines per completed call: as the leaderboard counts them (a reviewed call's as reviewed);
  - landmines by category per trainee, in every reply, calls left included: counted per set of categories (each turn's `mines`
    column); turns recorded before version 8 have none there, and only those are read again,
    their categories taken from the texts their detail refers to (records.landmine_categories);
    a reviewed reply counts with the trainer's landmines in place of the machine's;
  - where calls go wrong: per scenario state, replies that set off a landmine, replies that
    spiked the caller's anger, and the replies after which the caller hung up or escalated.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlalchemy as sa

from simulator.plaintext import plain
from simulator.store import schema as S
from simulator.store.records import (COMPLETED, FINISH_STATUSES, landmine_categories, landmine_category,
                                     landmine_text_ids)

if TYPE_CHECKING:
    from simulator.store.store import Store

DIMENSIONS = ("overall", "listening", "empathy", "policy")
BINS = 10  # bands of ten points: 0-9, 10-19, ..., 90-100
LEVELS = 6  # service levels 0 (failed call) to 5 (innovate)
# A rise in anger this large in one reply comes from a landmine (+20), talking over the caller or
# leaving them waiting (+10 each, with a cold reply on top): not from a caller simply staying cross.
ANGER_SPIKE = 15
TROUBLE_STATES = 10  # the states listed under "where calls go wrong"


@dataclass(frozen=True)
class TraineeStats:
    """One trainee's line in the report."""

    name: str
    attempts: int                    # calls completed or left (records.FINISH_STATUSES)
    completed: int                   # calls that reached an ending: the scored ones
    passed: int
    best_level: int | None           # highest service level of a completed call
    mean_overall: float | None       # over completed calls
    progress: tuple[float, ...]      # overall of each completed call, oldest first
    landmines: dict[str, int] = field(default_factory=dict)  # category -> replies that set it off

    @property
    def left(self) -> int:
        """Calls the trainee left before an ending."""
        return self.attempts - self.completed

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.attempts if self.attempts else None


@dataclass(frozen=True)
class StateTrouble:
    """A scenario state and how often calls went wrong there."""

    scenario_id: str
    state: str
    replies: int       # replies given in this state
    landmines: int     # replies with at least one landmine
    spikes: int        # replies that raised anger by ANGER_SPIKE or more
    lost: int          # replies after which the caller hung up or escalated
    title: str = ""    # the scenario's title, as stored with its calls
    stage: str = ""    # the state's stage (venting, refund, ...)

    @property
    def events(self) -> int:
        return self.landmines + self.spikes + self.lost


@dataclass(frozen=True)
class DimensionAgreement:
    """Trainers' reviewed levels against the machine's on one dimension."""

    turns: int         # reviewed turns with a level on this dimension
    same_level: int    # of them, where the trainer kept the machine's level


@dataclass(frozen=True)
class ReviewAgreement:
    """How far trainers agree with the machine, over the reviewed turns of the cohort."""

    reviewed_turns: int
    dimensions: dict[str, DimensionAgreement]  # listening, empathy, policy


@dataclass(frozen=True)
class CohortStats:
    cohort: str
    locale: str | None                # the language most of the cohort's calls were in
    calls: int                        # every call, whatever its status
    attempts: int                     # completed or left (records.FINISH_STATUSES)
    completed: int                    # reached an ending: the scored calls
    passed: int
    pass_mark: int
    histograms: dict[str, tuple[int, ...]]   # dimension -> completed calls per band of ten
    means: dict[str, float | None]           # dimension -> mean over completed calls
    service_levels: tuple[int, ...]          # completed calls per level 0..5
    trainees: list[TraineeStats]             # by name
    categories: tuple[str, ...]              # landmine categories seen, most frequent first
    trouble: list[StateTrouble]              # the states where most went wrong, worst first
    agreement: ReviewAgreement | None = None  # None: no trainer has reviewed a call of the cohort
    reviewed_calls: int = 0                   # completed calls counted with their reviewed scores
    completed_landmines: int = 0              # landmines in completed calls (the leaderboard's per-call figure)

    @property
    def left(self) -> int:
        """Calls the trainees left before an ending."""
        return self.attempts - self.completed

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.attempts if self.attempts else None


def _band(col) -> sa.Case:
    """The band of ten a 0-100 score falls in (100 joins 90-99); portable, unlike CAST or FLOOR."""
    return sa.case(*[(col < (i + 1) * 10, i) for i in range(BINS - 1)], else_=BINS - 1)


def band(score: float) -> int:
    """_band in Python, for a reviewed score."""
    return next((i for i in range(BINS - 1) if score < (i + 1) * 10), BINS - 1)


def passing(columns) -> sa.ColumnElement:
    """The debrief's pass rule (simulator.debrief.passes) in SQL, for a completed call: an ending
    that is not a hang-up or an escalation, with at least PASS_MARK points. The report and the
    leaderboard count passes with it, so they agree with the debrief and with each other."""
    from simulator.debrief import FAILING_OUTCOMES, PASS_MARK  # the pass rule, defined once

    return sa.and_(columns.outcome.not_in(FAILING_OUTCOMES), columns.overall >= PASS_MARK)  # sessions.c


def cohort_stats(store: "Store", cohort: str) -> CohortStats | None:
    """Everything the report shows of `cohort`; None when the cohort has no calls."""
    from simulator.debrief import FAILING_OUTCOMES, PASS_MARK

    s, t = S.sessions.c, S.turns.c
    done = s.status == COMPLETED
    attempted = s.status.in_(FINISH_STATUSES)
    passed = sa.and_(done, passing(s))

    def count(cond) -> sa.ColumnElement:
        return sa.func.count(sa.case((cond, 1)))

    def read(conn: sa.Connection):
        cohort_id = conn.execute(sa.select(S.cohorts.c.id).where(S.cohorts.c.name == cohort)).scalar()
        if cohort_id is None:
            return None
        here = s.cohort_id == cohort_id
        out: dict = {"cohort_id": cohort_id}
        out["per_trainee"] = conn.execute(
            sa.select(s.trainee_id, sa.func.count().label("calls"), count(attempted).label("attempts"),
                      count(done).label("completed"), count(passed).label("passed"),
                      sa.func.max(sa.case((done, s.service_level))).label("best_level"),
                      sa.func.sum(sa.case((done, s.overall))).label("sum"),
                      sa.func.count(sa.case((done, s.overall))).label("n"))
            .where(here).group_by(s.trainee_id)).all()
        out["names"] = dict(conn.execute(sa.select(S.trainees.c.id, S.trainees.c.name)
                                         .where(S.trainees.c.cohort_id == cohort_id)).all())
        out["bands"] = {d: dict(conn.execute(
            sa.select(_band(s[d]).label("band"), sa.func.count())
            .where(here, done, s[d].is_not(None)).group_by("band")).all()) for d in DIMENSIONS}
        out["sums"] = conn.execute(sa.select(*[sa.func.sum(s[d]).label(d) for d in DIMENSIONS],
                                             sa.func.sum(s.landmines).label("landmines"),
                                             *[sa.func.count(s[d]).label(f"n_{d}") for d in DIMENSIONS])
                                   .where(here, done)).one()._mapping
        out["levels"] = dict(conn.execute(sa.select(s.service_level, sa.func.count())
                                          .where(here, done, s.service_level.is_not(None))
                                          .group_by(s.service_level)).all())
        out["locales"] = conn.execute(sa.select(s.locale, sa.func.count()).where(here)
                                      .group_by(s.locale)).all()
        # ix_sessions_trend holds every column of this: (cohort, status, trainee, time, id, overall).
        out["progress"] = conn.execute(
            sa.select(s.trainee_id, s.id, s.overall).where(here, done, s.overall.is_not(None))
            .order_by(s.trainee_id, s.started_at, s.id)).all()
        out["reviewed"] = _reviewed(conn, here, done)
        lost = sa.and_(t.ending.is_not(None), s.outcome.in_(FAILING_OUTCOMES))
        turns = S.turns.join(S.sessions, S.sessions.c.id == t.session_id)
        out["trouble"] = conn.execute(
            sa.select(s.scenario_id, t.state_before, sa.func.max(s.scenario_title).label("title"),
                      sa.func.max(t.stage).label("stage"), sa.func.count().label("replies"),
                      count(t.landmines > 0).label("landmines"),
                      count(t.mood_after - t.mood_before >= ANGER_SPIKE).label("spikes"),
                      count(lost).label("lost"))
            .select_from(turns).where(here).group_by(s.scenario_id, t.state_before)).all()
        # Each trainee's landmines, per set of categories (the `mines` column, version 8); a NULL
        # set with landmines is a turn recorded before, whose categories only its detail holds.
        grouped = conn.execute(sa.select(s.trainee_id, t.mines, sa.func.count()).select_from(turns)
                               .where(here, t.landmines > 0).group_by(s.trainee_id, t.mines)).all()
        out["mines"] = [(tid, int(n), mines.split(",")) for tid, mines, n in grouped if mines]
        if any(mines is None for _, mines, _ in grouped):
            found = _landmine_turns(conn, here)
            ids = sorted({i for _, _, text_ids, detail in found
                          for i in (text_ids if detail is None else landmine_text_ids(detail))})
            categories: dict[int, str] = {}  # texts id -> category: each landmine text read once
            for start in range(0, len(ids), 500):
                categories.update((i, landmine_category(body)) for i, body in conn.execute(
                    sa.select(S.texts.c.id, S.texts.c.body).where(S.texts.c.id.in_(ids[start:start + 500]))))
            out["mines"] += [(tid, n, list(dict.fromkeys(categories[i] for i in text_ids)) if detail is None
                              else landmine_categories(detail, categories)) for tid, n, text_ids, detail in found]
        out["reviewed_mines"] = _reviewed_mines(conn, here)
        out["agreement"] = review_agreement(conn, cohort_id)
        return out

    data = store._read(read)
    if data is None or not data["per_trainee"]:
        return None
    # The reviewed calls' corrections: their machine scores out, their reviewed scores in.
    reviewed = data["reviewed"]
    sums = {d: float(data["sums"][d] or 0) for d in DIMENSIONS}
    completed_landmines = int(data["sums"]["landmines"] or 0) + sum(c["landmines"] for c in reviewed.values())
    counts = {d: int(data["sums"][f"n_{d}"]) for d in DIMENSIONS}
    bands = {d: dict(data["bands"][d]) for d in DIMENSIONS}
    per_trainee = {r.trainee_id: {"sum": float(r.sum or 0), "n": int(r.n), "passed": int(r.passed)}
                   for r in data["per_trainee"]}
    for call in reviewed.values():
        mine = per_trainee[call["trainee_id"]]
        for d in DIMENSIONS:
            for value, sign in ((call["machine"][d], -1), (call["reviewed"][d], 1)):
                if value is not None:
                    sums[d] += sign * value
                    counts[d] += sign
                    bands[d][band(value)] = bands[d].get(band(value), 0) + sign
                    if d == "overall":
                        mine["sum"] += sign * value
                        mine["n"] += sign
        mine["passed"] += call["passes"] - call["passed_before"]

    progress: dict[int, list[float]] = {}
    for tid, sid, overall in data["progress"]:
        if sid in reviewed:
            overall = reviewed[sid]["reviewed"]["overall"]
        if overall is not None:
            progress.setdefault(tid, []).append(float(overall))
    mines: dict[int, Counter] = {}
    for tid, n, categories in data["mines"]:
        mines.setdefault(tid, Counter()).update({c: n for c in categories})
    mined_replies: Counter = Counter()  # (scenario, state) -> replies a review gave or took a landmine
    for tid, machine, trainer, where in data["reviewed_mines"]:  # a trainer's landmines count, not the machine's
        mine = mines.setdefault(tid, Counter())
        mine.subtract(machine)
        mine.update(trainer)
        mined_replies[where] += bool(trainer) - bool(machine)
    mines = {tid: +c for tid, c in mines.items()}  # drop the categories a review took to none
    trainees = []
    for r in data["per_trainee"]:
        name = plain(data["names"].get(r.trainee_id, f"#{r.trainee_id}"), lines=False)
        mine = per_trainee[r.trainee_id]
        trainees.append(TraineeStats(
            name=name, attempts=int(r.attempts), completed=int(r.completed), passed=mine["passed"],
            best_level=r.best_level, mean_overall=mine["sum"] / mine["n"] if mine["n"] else None,
            progress=tuple(progress.get(r.trainee_id, ())), landmines=dict(mines.get(r.trainee_id, {}))))
    trainees.sort(key=lambda x: (x.name.casefold(), x.name))
    every = Counter()
    for c in mines.values():
        every.update(c)
    trouble = [StateTrouble(plain(r.scenario_id, lines=False), plain(r.state_before, lines=False), int(r.replies),
                            int(r.landmines) + mined_replies[(r.scenario_id, r.state_before)], int(r.spikes),
                            int(r.lost), plain(r.title or "", lines=False), plain(r.stage or "", lines=False))
               for r in data["trouble"]]
    trouble = sorted((x for x in trouble if x.events), key=lambda x: (-x.events, x.scenario_id, x.state))
    locales = sorted(data["locales"], key=lambda r: (-r[1], r[0] or ""))
    return CohortStats(
        cohort=plain(cohort, lines=False),
        locale=locales[0][0] if locales and locales[0][0] else None,
        calls=sum(int(r.calls) for r in data["per_trainee"]),
        attempts=sum(x.attempts for x in trainees), completed=sum(x.completed for x in trainees),
        passed=sum(x.passed for x in trainees), pass_mark=PASS_MARK,
        histograms={d: tuple(int(bands[d].get(i, 0)) for i in range(BINS)) for d in DIMENSIONS},
        means={d: sums[d] / counts[d] if counts[d] else None for d in DIMENSIONS},
        service_levels=tuple(int(data["levels"].get(i, 0)) for i in range(LEVELS)),
        trainees=trainees,
        categories=tuple(c for c, _ in sorted(every.items(), key=lambda kv: (-kv[1], kv[0]))),
        trouble=trouble[:TROUBLE_STATES],
        agreement=data["agreement"],
        reviewed_calls=len(reviewed),
        completed_landmines=completed_landmines,
    )


def _reviewed_mines(conn: sa.Connection, here) -> list[tuple[int, list[str], list[str], tuple[str, str]]]:
    """(trainee id, the machine's landmine categories, the trainer's, (scenario, state)) for every
    reviewed reply of the cohort: the report counts a reviewed reply's landmines as the leaderboard
    does, the trainer's, in the heatmap and in where calls go wrong alike."""
    from simulator.store.store import _TURN_COLUMNS, _turns

    r, t = S.reviews.c, S.turns.c
    joined = S.reviews.join(S.turns, sa.and_(t.session_id == r.session_id, t.idx == r.idx)).join(
        S.sessions, S.sessions.c.id == r.session_id)
    rows = conn.execute(sa.select(S.sessions.c.trainee_id, S.sessions.c.scenario_id, r.landmines.label("reviewed"),
                                  *_TURN_COLUMNS).select_from(joined).where(here)).all()
    out = []
    for row, turn in zip(rows, _turns(conn, rows)):
        machine = [m.get("category") for m in (turn.get("score") or {}).get("landmines", [])]
        out.append((row.trainee_id, list(dict.fromkeys(machine)), list(dict.fromkeys(_json(row.reviewed) or [])),
                    (row.scenario_id, row.state_before)))
    return out


def _reviewed(conn: sa.Connection, here, done) -> dict[int, dict]:
    """The cohort's completed calls a trainer reviewed: session id -> trainee_id, their machine
    and reviewed scores per dimension, and whether they pass by each (one look at the reviews
    when there are none)."""
    from simulator.debrief import passes
    from simulator.store.store import reviewed_scores

    s = S.sessions.c
    rows = conn.execute(sa.select(s.id, s.trainee_id, s.outcome, s.landmines, *[s[d] for d in DIMENSIONS]).where(
        here, done, s.id.in_(sa.select(S.reviews.c.session_id).distinct()))).all()
    scores = reviewed_scores(conn, [r.id for r in rows])
    out = {}
    for r in rows:
        if r.id not in scores:
            continue
        machine = {d: r._mapping[d] for d in DIMENSIONS}
        mine = {d: scores[r.id][d] for d in DIMENSIONS}

        out[r.id] = {"trainee_id": r.trainee_id, "machine": machine, "reviewed": mine,
                     "landmines": int(scores[r.id]["landmines"]) - int(r.landmines or 0),  # the review's change
                     "passed_before": int(passes(COMPLETED, r.outcome, machine["overall"])),
                     "passes": int(passes(COMPLETED, r.outcome, mine["overall"]))}
    return out


def _json(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value


# Landmines per reply the grouped read below looks up; a reply with more is read whole (rare).
MINES_GROUPED = 3


def _landmine_turns(conn: sa.Connection, here) -> list[tuple[int, int, list[int], dict | None]]:
    """The cohort's turns with a landmine recorded before version 8 (no `mines` value), as
    (trainee id, how many such turns, the `texts` ids of their landmines, None) or, for a turn
    read whole, (trainee id, 1, [], its detail).

    Decoding every detail in Python costs ~35 µs a turn, so on SQLite and PostgreSQL the database
    looks up the text ids of a format 2 detail itself (records.py: landmine k is texts id
    t[s[-1][3k + 2]]) and counts identical lookups per trainee, so far fewer rows come back (on the
    benchmark's big cohort, 26,000 landmine turns as 5,400 rows). Format 1 details (older turns),
    replies with more than MINES_GROUPED landmines and other databases are read whole."""
    s, t = S.sessions.c, S.turns.c
    d = t.detail
    turns = S.turns.join(S.sessions, S.sessions.c.id == t.session_id)
    mine = [here, t.landmines > 0, t.mines.is_(None)]  # recorded before version 8: no `mines` value
    k = sa.literal_column  # constants written into the SQL: GROUP BY must see the same expressions
    keys = (s.trainee_id, t.session_id, t.idx)
    # Each detail is parsed once per part into a materialized table (an expression used four times
    # would otherwise parse the whole detail four times); the lookups then read the short parts.
    if conn.dialect.name == "sqlite":
        part = (sa.select(*keys, *[sa.func.json_extract(d, k(f"'{path}'")).label(name)
                                   for name, path in (("v", "$.v"), ("m", "$.s[#-1]"), ("t", "$.t"))])
                .select_from(turns).where(*mine).cte("landmine_parts").prefix_with("MATERIALIZED"))
        version, marks, texts = part.c.v, part.c.m, part.c.t
        length = sa.func.json_array_length(marks)
        spots = [sa.func.json_extract(marks, k(f"'$[{3 * n + 2}]'")) for n in range(MINES_GROUPED)]
        ids = [sa.case((i.is_not(None), sa.func.json_extract(texts, sa.func.printf(k("'$[%d]'"), i))))
               for i in spots]
    elif conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import JSONB  # binary JSON: a lookup does not parse again

        part = (sa.select(*keys, sa.cast(d, JSONB).label("j")).select_from(turns).where(*mine)
                .cte("landmine_parts").prefix_with("MATERIALIZED"))
        version = part.c.j.op("->>")(k("'v'"))
        marks, texts = part.c.j.op("->")(k("'s'")).op("->")(k("-1")), part.c.j.op("->")(k("'t'"))
        length = sa.func.jsonb_array_length(marks)
        ids = [sa.cast(texts.op("->>")(sa.cast(marks.op("->>")(k(str(3 * n + 2))), sa.Integer)), sa.Integer)
               for n in range(MINES_GROUPED)]
    else:
        part = None
    whole_keys = None
    rows: list[tuple[int, int, list[int], dict | None]] = []
    if part is not None:
        # Read whole: format 1 (no "v"), no landmine list, or more landmines than are looked up.
        whole = sa.or_(version.is_(None), marks.is_(None), length > 3 * MINES_GROUPED)
        flag = sa.case((whole, 1), else_=0)
        try:
            grouped = conn.execute(
                sa.select(part.c.trainee_id, flag, sa.func.count(), *ids)
                .group_by(part.c.trainee_id, k("2"), *[k(str(n + 4)) for n in range(MINES_GROUPED)])).all()
            if any(w for _, w, *_ in grouped):
                whole_keys = conn.execute(sa.select(part.c.session_id, part.c.idx).where(whole)).all()
        except sa.exc.OperationalError:  # an SQLite without its JSON functions or MATERIALIZED (< 3.35)
            part = None
        else:
            rows += [(tid, int(n), [int(i) for i in found if i is not None], None)
                     for tid, w, n, *found in grouped if not w]
            if not whole_keys:
                return rows
    query = sa.select(s.trainee_id, d).select_from(turns).where(*mine)
    if whole_keys is None:
        rows += [(tid, 1, [], _json(detail)) for tid, detail in conn.execute(query)]
    for start in range(0, len(whole_keys or ()), 500):
        chunk = [tuple(key) for key in whole_keys[start:start + 500]]
        rows += [(tid, 1, [], _json(detail)) for tid, detail in conn.execute(
            query.where(sa.tuple_(t.session_id, t.idx).in_(chunk)))]
    return rows


def review_agreement(conn: sa.Connection, cohort_id: int) -> ReviewAgreement | None:
    """Trainers' reviewed levels against the machine's (simulator/store/reviews.py), over the
    cohort's reviewed turns; None when nobody reviewed one."""
    from simulator.store.store import _TURN_COLUMNS, _reviews, _turns

    s = S.sessions.c
    ids = list(conn.execute(sa.select(S.reviews.c.session_id).distinct().join(
        S.sessions, s.id == S.reviews.c.session_id).where(s.cohort_id == cohort_id)).scalars())
    reviews = _reviews(conn, ids)
    if not reviews:
        return None
    rows = conn.execute(sa.select(S.turns.c.session_id, *_TURN_COLUMNS).where(S.turns.c.session_id.in_(ids))
                        .order_by(S.turns.c.session_id, S.turns.c.idx)).all()
    machine = {(r.session_id, turn["index"]): turn.get("score") or {} for r, turn in zip(rows, _turns(conn, rows))}
    dims = {d: [0, 0] for d in ("listening", "empathy", "policy")}
    turns = 0
    for sid, marks in reviews.items():
        for idx, review in marks.items():
            score = machine.get((sid, idx))
            if not score:
                continue
            turns += 1
            for d, counts in dims.items():
                counts[0] += 1
                counts[1] += review.level(d) == (score.get(d) or {}).get("level")
    if not turns:
        return None
    return ReviewAgreement(turns, {d: DimensionAgreement(n, same) for d, (n, same) in dims.items()})
