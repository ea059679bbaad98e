"""The live class's delivery time: from the guest's send to the line reaching the trainee's side.

The guest (this process) sends caller lines through a LiveLink, as the guest console does on
Enter; the trainee's side is another process with its own store connection and LiveLink, as
`mystery-guest join` has. Its reader hands each event over the moment it reads it, and the time
from send() to that hand-over is measured (both processes read CLOCK_MONOTONIC, one clock on one
machine). The lines are the bundled scenarios' own caller lines, English and Chinese, sent at a
person's pace (0.05-0.25 s apart, so the poll's phase varies). The first lines are a warm-up.
Goals (issue 12): p95 <= 300 ms on SQLite, <= 100 ms on PostgreSQL. Asserts nothing.

    python benchmarks/bench_live.py                 # SQLite, 200 lines after 20 of warm-up
    python benchmarks/bench_live.py --n 500
    python benchmarks/bench_live.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres
        (--pg defaults to $MYSTERY_GUEST_TEST_PG; a scratch database is created and dropped)
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator.loader import bundled_dir, load_scenario, scenario_files  # noqa: E402
from simulator.store import live  # noqa: E402
from simulator.store.store import Store  # noqa: E402

GOALS_MS = {"sqlite": 300.0, "postgresql": 100.0}


def caller_lines() -> list[str]:
    """Every line the bundled scenarios give their callers (states' lines, reactions, endings)."""
    lines: list[str] = []

    def walk(value) -> None:
        if isinstance(value, str):
            lines.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for path in scenario_files([bundled_dir()]):
        sc = load_scenario(path)
        for st in sc.states.values():
            walk(st.say)
            walk(st.again)
            walk(st.reactions)
        walk(sc.reactions)
        for e in sc.endings.values():
            walk(e.say)
    return lines


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def receive(url: str, call_id: int) -> None:
    """The trainee's side: print "seq monotonic-time" for every event, as it is delivered."""
    store = Store.open(url)
    call = live.newest_call(store, "bench")  # a fresh database: the one call
    assert call is not None and call.id == call_id
    out = sys.stdout

    def deliver(events) -> None:
        now = time.monotonic()
        for e in events:
            out.write(f"{e.seq} {now}\n")
        out.flush()

    link = live.LiveLink(store, call, deliver).start()
    sys.stdin.read()  # until the guest is done
    link.close()
    store.close()


def run(url: str, n: int, warmup: int, label: str) -> None:
    store = Store.open(url)
    call = live.open_call(store, cohort="bench", trainee="Bench Trainee", scenario_id="bench", caller="human")
    child = subprocess.Popen([sys.executable, __file__, "--receive", url, str(call.id)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    seen: dict[int, float] = {}
    ready = threading.Event()

    def read() -> None:
        for line in child.stdout:
            seq, at = line.split()
            seen[int(seq)] = float(at)
            ready.set()

    threading.Thread(target=read, daemon=True).start()
    guest = live.LiveLink(store, call, lambda events: None).start()  # it reads its own lines too, as the console does
    guest.send("joined", trainee="Bench Trainee")  # seq 1: wait until the trainee's side is reading
    if not ready.wait(30):
        raise SystemExit("the trainee's side never started")
    rng = random.Random(12)
    lines = caller_lines()
    sent: dict[int, float] = {}
    for i in range(warmup + n):
        sent[i + 2] = time.monotonic()
        guest.send("caller", text=rng.choice(lines))
        time.sleep(rng.uniform(0.05, 0.25))
    deadline = time.monotonic() + 10
    while len([s for s in sent if s in seen]) < len(sent) and time.monotonic() < deadline:
        time.sleep(0.05)
    child.stdin.close()
    child.wait(10)
    guest.close()
    store.close()
    measured = [(seen[s] - sent[s]) * 1000 for s in sorted(sent)[warmup:] if s in seen]
    lost = n - len(measured)
    goal = GOALS_MS[label]
    p95 = pct(measured, 95)
    print(f"{label:10s} n={len(measured)} (warm-up {warmup})  p50 {pct(measured, 50):6.1f} ms  "
          f"p95 {p95:6.1f} ms  p99 {pct(measured, 99):6.1f} ms  max {max(measured):6.1f} ms   "
          f"goal p95 <= {goal:.0f} ms: {'met' if p95 <= goal else 'MISSED'}" + (f"  ({lost} not delivered)" if lost else ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200, help="lines measured (after the warm-up)")
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--pg", default=os.environ.get("MYSTERY_GUEST_TEST_PG"), help="a PostgreSQL server URL")
    ap.add_argument("--receive", nargs=2, metavar=("URL", "CALL"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.receive:
        receive(args.receive[0], int(args.receive[1]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{Path(tmp) / 'live.sqlite3'}", args.n, args.warmup, "sqlite")
    if not args.pg:
        print("(PostgreSQL skipped: pass --pg URL or set MYSTERY_GUEST_TEST_PG)")
        return
    admin = sa.create_engine(args.pg, isolation_level="AUTOCOMMIT")
    name = f"mg_bench_live_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        run(sa.engine.make_url(args.pg).set(database=name).render_as_string(hide_password=False),
            args.n, args.warmup, "postgresql")
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    main()
