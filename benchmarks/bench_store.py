"""Store speed and size: leaderboard and review queries over a large store, turn-write latency,
and bytes per stored turn.

Seeds a fresh database with --sessions calls of --turns turns (half of the calls in one big
cohort of 40 trainees, the rest in cohorts of about 1,000 calls). The turns are real: the
bundled scenarios played with their stories' replies and with trainee replies from the scorer's
corpus (scoring/corpus/), about 1 in 30 a silence, each stored as the recorder stores it
(records.turn_row); the calls' summaries are real too. Then it times, each after a warm-up run:
  - the leaderboard for the big cohort (with and without a scenario) and for a typical cohort,
  - a trainee's best scores (the scenario picker), the 50 newest calls of a cohort, one transcript,
  - the cohort report's figures for the big cohort (store/cohort_stats.py),
  - turn writes through Store.record_turn (one committed transaction each), from one writer and
    from --writers threads at once,
and prints the size of the database per stored turn. Each figure is printed beside its goal
(issue "Fast where a person waits"); asserts nothing.

    python benchmarks/bench_store.py                       # SQLite, 10,000 calls / 100,000 turns
    python benchmarks/bench_store.py --sessions 100000     # 100,000 calls / 1,000,000 turns
    python benchmarks/bench_store.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres
        (--pg defaults to $MYSTERY_GUEST_TEST_PG; a scratch database is created and dropped)
"""
from __future__ import annotations

import argparse
import dataclasses
import glob
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator.loader import bundled_dir, load_scenario, scenario_files  # noqa: E402
from simulator.session import Session  # noqa: E402
from simulator.stories import StoryReply  # noqa: E402
from simulator.store import schema as S  # noqa: E402
from simulator.store.cohort_stats import cohort_stats  # noqa: E402
from simulator.store.records import turn_row  # noqa: E402
from simulator.store.store import Store, utcnow  # noqa: E402

SCENARIOS = [f"bench-scenario-{i}" for i in range(6)]
BATCH = 5000
GOAL_BOARD_MS = 100.0      # leaderboard of a 50,000-call cohort in 100k calls / 1M turns (SQLite)
GOAL_BYTES_PER_TURN = 600  # store size per turn
GOAL_REPORT_MS = 2000.0    # the cohort report's figures (cohort_stats) for the big cohort


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def figure(name: str, ms: list[float], goal: float | None = None) -> None:
    p50, p99 = pct(ms, 50), pct(ms, 99)
    if goal is None:
        note = "goal: none in the issue"
    else:
        note = f"goal p99 <= {goal:g} ms: {'meets the goal' if p99 <= goal else 'MISSES the goal'}"
    print(f"  {name:<44} p50 {p50:8.2f} ms   p99 {p99:8.2f} ms   (n={len(ms)})   {note}", flush=True)


# ---------------------------------------------------------------------------- real turns
def _corpus_replies() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"en": [], "zh": []}
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for path in sorted(glob.glob(str(ROOT / "scoring" / "corpus" / "*" / "*.yaml"))):
        with open(path, encoding="utf-8") as fh:
            for case in (yaml.load(fh, Loader=loader) or {}).get("cases", []):
                if case.get("locale") in out and case.get("reply"):
                    out[case["locale"]].append(case["reply"])
    return out


def real_calls(n_calls: int, rng: random.Random) -> list[Session]:
    """The library's stories played as written, then calls of corpus replies (10 turns at most)."""
    scenarios = [load_scenario(f) for f in scenario_files([bundled_dir()])]
    replies = _corpus_replies()
    calls = []
    for sc in scenarios:
        for story in sc.stories:
            session = Session(sc, seed=story.seed)
            for item in story.replies:
                if not session.over:
                    session.reply(item.text if isinstance(item, StoryReply) else item)
            calls.append(session)
    while len(calls) < n_calls:
        sc = rng.choice(scenarios)
        session = Session(sc, seed=rng.randrange(1000))
        while not session.over and len(session.turns) < 10:
            if rng.random() < 1 / 30:
                session.silence()
            else:
                session.reply(rng.choice(replies[sc.locale]),
                              interrupted=rng.random() < 0.05, latency=round(rng.uniform(0.5, 12), 2))
        calls.append(session)
    return calls


def texts_report(records: list[dict]) -> None:
    """The shared texts of the real turns, and how fast new ones still came (the seeded turns are
    copies of these, so the store's `texts` table holds only these: real use adds more)."""
    seen: dict[str, int] = {}
    growth = []
    for row in records:
        before = sum(seen.values())
        for text in row["detail"].get("texts", ()):
            seen.setdefault(text, len(text.encode("utf-8")))
        growth.append(sum(seen.values()) - before)
    last = growth[-1000:]
    print(f"  shared texts of those turns: {len(seen):,}, {sum(seen.values()) / 1e3:,.0f} kB; the last "
          f"{len(last):,} turns still added {sum(last) / len(last):.0f} B per turn", flush=True)


def seed(store: Store, n_sessions: int, turns_per: int, rng: random.Random):
    """Bulk-insert calls and turns; returns (big cohort, typical cohort, a trainee of the big one,
    the real turns the stored ones were copied from)."""
    t0 = time.perf_counter()
    calls = real_calls(1500, rng)
    pool = [turn for call in calls for turn in call.turns]
    summaries = [call.summary() for call in calls]
    records = [turn_row(t) for t in pool]
    rows = store.turn_values(records)  # as the store writes them
    print(f"  {len(pool):,} real turns from {len(calls)} played calls ({time.perf_counter() - t0:.1f} s)", flush=True)
    texts_report(records)
    now = utcnow()
    big_n = n_sessions // 2
    small = max(1, (n_sessions - big_n) // 1000)
    cohort_names = ["bench-big"] + [f"bench-{i:03d}" for i in range(small)]
    with store.engine.begin() as conn:
        conn.execute(S.cohorts.insert(), [{"id": i + 1, "name": n, "created_at": now}
                                          for i, n in enumerate(cohort_names)])
        trainees = []
        for cid in range(1, len(cohort_names) + 1):
            for t in range(40 if cid == 1 else 30):
                trainees.append({"id": len(trainees) + 1, "cohort_id": cid, "name": f"trainee {cid}-{t}",
                                 "created_at": now})
        conn.execute(S.trainees.insert(), trainees)
    by_cohort: dict[int, list[int]] = {}
    for tr in trainees:
        by_cohort.setdefault(tr["cohort_id"], []).append(tr["id"])

    t0 = time.perf_counter()
    sessions, turns = [], []
    for sid in range(1, n_sessions + 1):
        cid = 1 if sid <= big_n else 2 + (sid - big_n - 1) % small
        roll = rng.random()
        status = "completed" if roll < 0.85 else "left" if roll < 0.95 else "abandoned"
        overall = round(rng.uniform(20, 95), 1) if status == "completed" else None
        started = now - timedelta(minutes=n_sessions - sid)
        sessions.append({
            "id": sid, "cohort_id": cid, "trainee_id": rng.choice(by_cohort[cid]),
            "scenario_id": rng.choice(SCENARIOS), "scenario_title": "Bench", "scenario_hash": "0" * 64,
            "locale": "en", "persona": "Caller", "opening": "Hello?", "seed": sid, "mode": "replay",
            "status": status, "started_at": started, "updated_at": started + timedelta(minutes=4),
            "ended_at": started + timedelta(minutes=4), "host": "bench", "pid": 1, "turn_count": turns_per,
            "ending": "resolved" if status == "completed" else None,
            "outcome": rng.choice(["resolved", "resolved", "escalated", "hung_up"]) if status == "completed" else None,
            "service_level": 3, "overall": overall,
            "listening": rng.uniform(0, 100), "empathy": rng.uniform(0, 100), "policy": rng.uniform(0, 100),
            "hints": rng.choice([0, 0, 0, 1, 2]), "landmines": rng.choice([0, 0, 1]), "interruptions": 0,
            "summary": summaries[sid % len(summaries)] if status != "abandoned" else None,
            "call_key": str(uuid.UUID(int=sid)),
        })
        first = rng.randrange(len(rows))
        for i in range(turns_per):
            row = rows[(first + i) % len(rows)]
            turns.append({**row, "session_id": sid, "idx": i, "recorded_at": started + timedelta(seconds=20 * i)})
        if len(turns) >= BATCH * 4 or len(sessions) >= BATCH * 4 or sid == n_sessions:
            with store.engine.begin() as conn:
                conn.execute(S.sessions.insert(), sessions)
                if turns:
                    conn.execute(S.turns.insert(), turns)
            sessions, turns = [], []
            done = sid / n_sessions
            print(f"\r  seeding: {sid:,} calls ({done:.0%}), {time.perf_counter() - t0:.0f} s", end="", flush=True)
    print()
    with store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # explicit ids were used: move the sequences on
            for table in ("sessions", "cohorts", "trainees"):
                conn.exec_driver_sql(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
        conn.exec_driver_sql("ANALYZE")
    if store.engine.dialect.name == "postgresql":
        # As autovacuum leaves a table after a bulk load: the visibility map lets index-only scans
        # skip the table (VACUUM cannot run inside a transaction).
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM sessions")
    return "bench-big", cohort_names[-1] if small else "bench-big", trainees[0]["name"], pool


def timed(fn, repeat: int) -> list[float]:
    fn()  # warm-up: the page cache and the statement caches
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def size_report(store: Store, url: str, n_turns: int) -> None:
    """Bytes per stored turn: the whole database, and the turns table with its index."""
    with store.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            path = sa.engine.make_url(url).database
            total = os.path.getsize(path) + (os.path.getsize(path + "-wal") if os.path.exists(path + "-wal") else 0)
            try:
                parts = dict(conn.exec_driver_sql("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").all())
            except sa.exc.DBAPIError:
                parts = {}
            turn_parts = {k: v for k, v in parts.items() if k in ("turns", "texts") or "turns" in k or "texts" in k}
        else:
            total = conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
            names = [n for n in ("turns", "texts") if conn.exec_driver_sql(
                f"SELECT to_regclass('{n}') IS NOT NULL").scalar()]
            turn_parts = {n: conn.exec_driver_sql(f"SELECT pg_total_relation_size('{n}')").scalar() for n in names}
    per_turn = total / n_turns
    verdict = "meets the goal" if per_turn <= GOAL_BYTES_PER_TURN else "MISSES the goal"
    print(f"  database: {total / 1e6:,.0f} MB, {per_turn:,.0f} B per turn   goal <= {GOAL_BYTES_PER_TURN} B per "
          f"turn: {verdict}", flush=True)
    if turn_parts:
        print("    of which " + ", ".join(f"{k} {v / n_turns:,.0f} B" for k, v in sorted(turn_parts.items()))
              + " per turn", flush=True)


def run(url: str, label: str, args) -> None:
    print(f"\n== {label}: {args.sessions:,} calls, {args.sessions * args.turns:,} turns", flush=True)
    rng = random.Random(7)
    store = Store.open(url)
    t0 = time.perf_counter()
    big, small, trainee, pool = seed(store, args.sessions, args.turns, rng)
    print(f"  seeded in {time.perf_counter() - t0:.1f} s", flush=True)
    size_report(store, url, args.sessions * args.turns)
    rows = store.leaderboard(big)
    print(f"  big cohort: {sum(r.sessions for r in rows):,} calls, {len(rows)} trainees; "
          f"typical cohort: {sum(r.sessions for r in store.leaderboard(small)):,} calls", flush=True)
    goal_note = "" if args.sessions >= 100_000 else " (goal set for 100,000 calls)"
    figure(f"leaderboard, big cohort ({big}){goal_note}", timed(lambda: store.leaderboard(big), args.repeat),
           GOAL_BOARD_MS)
    figure("leaderboard, big cohort, one scenario", timed(lambda: store.leaderboard(big, SCENARIOS[0]), args.repeat),
           GOAL_BOARD_MS)
    figure(f"leaderboard, typical cohort ({small})", timed(lambda: store.leaderboard(small), args.repeat),
           GOAL_BOARD_MS)
    figure("best scores of one trainee (picker)", timed(lambda: store.best_scores(trainee, big), args.repeat))
    figure("50 newest calls of the big cohort", timed(lambda: store.sessions(big, limit=50), args.repeat))
    figure(f"cohort report figures, big cohort (cohort_stats){goal_note}",
           timed(lambda: cohort_stats(store, big), args.report_repeat), GOAL_REPORT_MS)
    mids = [rng.randrange(1, args.sessions + 1) for _ in range(args.repeat + 1)]
    figure("one transcript (session_detail)", timed(lambda: store.session_detail(mids.pop()), args.repeat))

    session = Session(load_scenario(bundled_dir() / "vas-sms-tips-en.yaml"), seed=1)
    sid = store.start_session(trainee="bench writer", cohort=small, session=session, mode="bench")
    lat = []
    for i in range(args.writes):
        t = dataclasses.replace(pool[i % len(pool)], index=i)
        t0 = time.perf_counter()
        store.record_turn(sid, t)
        lat.append((time.perf_counter() - t0) * 1000)
    figure("turn write, one writer", lat)

    lat_all: list[float] = []
    lock = threading.Lock()

    def writer(w: int) -> None:
        own = store.start_session(trainee=f"bench writer {w}", cohort=small, session=session, mode="bench")
        mine = []
        for i in range(args.writes // args.writers):
            t = dataclasses.replace(pool[(w * 97 + i) % len(pool)], index=i)
            t0 = time.perf_counter()
            store.record_turn(own, t)
            mine.append((time.perf_counter() - t0) * 1000)
        with lock:
            lat_all.extend(mine)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(args.writers)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    figure(f"turn write, {args.writers} writers at once", lat_all)
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=10_000, help="calls to seed (default 10,000)")
    ap.add_argument("--turns", type=int, default=10, help="turns per call (default 10)")
    ap.add_argument("--repeat", type=int, default=100, help="timed runs of each query, after one warm-up")
    ap.add_argument("--report-repeat", type=int, default=100,
                    help="timed runs of the cohort report's figures (a batch job, read once per report)")
    ap.add_argument("--writes", type=int, default=400, help="turn writes timed")
    ap.add_argument("--writers", type=int, default=8, help="threads writing at once")
    ap.add_argument("--pg", default=os.environ.get("MYSTERY_GUEST_TEST_PG"),
                    help="PostgreSQL server URL (default $MYSTERY_GUEST_TEST_PG); 'none' to skip")
    ap.add_argument("--no-sqlite", action="store_true", help="skip SQLite")
    args = ap.parse_args()

    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", "SQLite (WAL, synchronous=FULL)", args)
    if args.pg and args.pg != "none":
        admin = sa.create_engine(args.pg, isolation_level="AUTOCOMMIT")
        name = f"mg_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            url = sa.engine.make_url(args.pg).set(database=name).render_as_string(hide_password=False)
            run(url, "PostgreSQL", args)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()
    else:
        print("\n(PostgreSQL skipped: pass --pg URL or set MYSTERY_GUEST_TEST_PG)")


if __name__ == "__main__":
    main()
