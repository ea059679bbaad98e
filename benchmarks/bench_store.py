"""Store speed: leaderboard and review queries over a large store, and turn-write latency.

Seeds a fresh database with --sessions calls (10 turns each by default), half of them in one big
cohort and the rest in cohorts of about 1,000 calls, then times:
  - leaderboard for the big cohort and for a typical cohort (Store.leaderboard),
  - a trainee's best scores (the scenario picker), the 50 newest calls of a cohort, one transcript,
  - turn writes through Store.record_turn (one committed transaction each), from one writer and
    from --writers threads at once.
Prints p50/p99 figures; asserts nothing.

    python benchmarks/bench_store.py                       # SQLite, 10,000 calls / 100,000 turns
    python benchmarks/bench_store.py --sessions 100000     # 100,000 calls / 1,000,000 turns
    python benchmarks/bench_store.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres
        (--pg defaults to $MYSTERY_GUEST_TEST_PG; a scratch database is created and dropped)
"""
from __future__ import annotations

import argparse
import dataclasses
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator.loader import bundled_dir, load_scenario  # noqa: E402
from simulator.session import Session  # noqa: E402
from simulator.store import schema as S  # noqa: E402
from simulator.store.store import Store, utcnow  # noqa: E402

SCENARIOS = [f"bench-scenario-{i}" for i in range(6)]
BATCH = 5000


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def figure(name: str, ms: list[float]) -> None:
    print(f"  {name:<44} p50 {pct(ms, 50):8.2f} ms   p99 {pct(ms, 99):8.2f} ms   (n={len(ms)})", flush=True)


def sample_turn():
    """A real TurnResult from the flagship scenario (its to_dict() is what every stored turn holds)."""
    sc = load_scenario(bundled_dir() / "vas-sms-tips-en.yaml")
    session = Session(sc, seed=1)
    return session, session.reply("Mm, I hear you. Five months of charges you never asked for, "
                                  "I understand why you're angry, Mr Harper.")


def seed(store: Store, n_sessions: int, turns_per: int, rng: random.Random) -> tuple[str, str, str]:
    """Bulk-insert calls and turns; returns (big cohort, typical cohort, a trainee of the big one)."""
    _, turn = sample_turn()
    detail = turn.to_dict()
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
            "summary": None,
        })
        for i in range(turns_per):
            turns.append({
                "session_id": sid, "idx": i, "kind": "reply", "reply": detail["reply"], "interrupted": False,
                "latency": 4.2, "state_before": "venting", "state_after": "venting", "stage": "venting",
                "customer_before": detail["customer_before"], "customer_line": detail["customer_line"],
                "mood_before": 70.0, "mood_after": 64.0, "listening": 80, "empathy": 70, "policy": 100,
                "landmines": 0, "hints_before": 0, "ending": None, "recorded_at": started, "detail": detail,
            })
        if len(turns) >= BATCH * 4 or sid == n_sessions:
            with store.engine.begin() as conn:
                conn.execute(S.sessions.insert(), sessions)
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
    return "bench-big", cohort_names[-1] if small else "bench-big", trainees[0]["name"]


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def run(url: str, label: str, args) -> None:
    print(f"\n== {label}: {args.sessions:,} calls, {args.sessions * args.turns:,} turns", flush=True)
    rng = random.Random(7)
    store = Store.open(url)
    t0 = time.perf_counter()
    big, small, trainee = seed(store, args.sessions, args.turns, rng)
    print(f"  seeded in {time.perf_counter() - t0:.1f} s", flush=True)
    rows = store.leaderboard(big)
    print(f"  big cohort: {sum(r.sessions for r in rows):,} calls, {len(rows)} trainees; "
          f"typical cohort: {sum(r.sessions for r in store.leaderboard(small)):,} calls", flush=True)
    figure(f"leaderboard, big cohort ({big})", timed(lambda: store.leaderboard(big), args.repeat))
    figure(f"leaderboard, big cohort, one scenario", timed(lambda: store.leaderboard(big, SCENARIOS[0]), args.repeat))
    figure(f"leaderboard, typical cohort ({small})", timed(lambda: store.leaderboard(small), args.repeat))
    figure("best scores of one trainee (picker)", timed(lambda: store.best_scores(trainee, big), args.repeat))
    figure("50 newest calls of the big cohort", timed(lambda: store.sessions(big, limit=50), args.repeat))
    mid = args.sessions // 2
    figure("one transcript (session_detail)", timed(lambda: store.session_detail(mid), args.repeat))

    session, turn = sample_turn()
    sid = store.start_session(trainee="bench writer", cohort=small, session=session, mode="bench")
    lat = []
    for i in range(args.writes):
        t = dataclasses.replace(turn, index=i)
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
            t = dataclasses.replace(turn, index=i)
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
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        print(f"  database file: {os.path.getsize(path) / 1e6:,.0f} MB", flush=True)
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=10_000, help="calls to seed (default 10,000)")
    ap.add_argument("--turns", type=int, default=10, help="turns per call (default 10)")
    ap.add_argument("--repeat", type=int, default=15, help="runs of each query")
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
