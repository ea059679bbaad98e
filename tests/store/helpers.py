"""Test helpers for the store: a tiny scenario, a scorer we control, and a subprocess worker.

The scorer reads its scores from the reply so tests can say exactly what a call is worth:
"L80 E60 P100 close" scores listening 80, empathy 60, policy 100 and performs the act `close`
(which ends the test scenario as resolved); "mine" adds a `threaten` landmine (ends it as escalated).
Run as a script (`python -m tests.store.helpers MODE URL ...`) it is the process the
crash and concurrency tests start.
"""
from __future__ import annotations

import re
import sys
import time

from scoring.types import DimensionScore, Evidence, LandmineHit, ReplyScore
from simulator.loader import check_text
from simulator.session import Session

SCENARIO_YAML = """
version: 1
id: {id}
title: "Store test <b>call</b> & co"
locale: en
persona:
  name: "Tess <i>Tester</i>"
policy:
  allow: [cancel]
states:
  venting:
    stage: venting
    say: ["I am <angry> & *loud*!"]
    model_answers: ["Mm, I hear you."]
    transitions:
      - to: resolved
        when: {{acts: [close]}}
      - to: escalated
        when: {{landmine: true}}
endings:
  resolved: {{outcome: resolved, service_level: 3, say: ["Thanks, bye."]}}
  escalated: {{outcome: escalated, service_level: 0, say: ["Get me your supervisor!"]}}
  hung_up: {{outcome: hung_up, service_level: 0, say: ["Forget it."]}}
max_turns: 20
"""
_SCENARIOS: dict[str, object] = {}


def without_columns_since(conn, version: int) -> None:
    """Make a copy of today's tables look like schema `version`: drop the columns added after it."""
    if version < 10:
        conn.exec_driver_sql("ALTER TABLE sessions DROP COLUMN ending_title")
    if version < 8:
        conn.exec_driver_sql("ALTER TABLE turns DROP COLUMN mines")
    if version < 6:
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_sessions_human")
        conn.exec_driver_sql("ALTER TABLE sessions DROP COLUMN human_caller")


def scenario(scenario_id: str = "store-test-en"):
    """The test scenario under this id (cached: sessions share one machine per scenario)."""
    if scenario_id not in _SCENARIOS:
        sc, diags = check_text(SCENARIO_YAML.format(id=scenario_id), f"{scenario_id}.yaml")
        assert sc is not None, [str(d) for d in diags]
        sc.file_hash = "f" * 64
        _SCENARIOS[scenario_id] = sc
    return _SCENARIOS[scenario_id]


def _level(score: int, top: int = 2) -> int:
    if top == 1:
        return 1 if score >= 50 else 0
    return 2 if score >= 70 else 1 if score >= 40 else 0


def fake_scorer(reply: str, ctx) -> ReplyScore:
    """Scores taken from the reply text (see the module docstring)."""
    def grab(letter: str, default: int) -> int:
        m = re.search(rf"\b{letter}(\d+)\b", reply)
        return int(m.group(1)) if m else default

    dims = {}
    for letter, name in (("L", "listening"), ("E", "empathy"), ("P", "policy")):
        score = grab(letter, 50)
        m = re.search(rf"\b{letter}\d+\b", reply)
        ev = (Evidence(m.start(), m.end(), f"{name} token", f"the test said {name} {score}"),) if m else ()
        dims[name] = DimensionScore(score, _level(score, 1 if name == "policy" else 2), ev)
    mines = ()
    if (m := re.search(r"\bmine\b", reply)):
        mines = (LandmineHit("threaten", m.start(), m.end(), "a test landmine"),)
    acts = ("close",) if re.search(r"\bclose\b", reply) else ()
    return ReplyScore(dims["listening"], dims["empathy"], dims["policy"], acts=acts, landmines=mines)


def new_session(scenario_id: str = "store-test-en", seed: int = 0) -> Session:
    return Session(scenario(scenario_id), seed=seed, scorer=fake_scorer)


def play(store, trainee: str, cohort: str, replies: list[str], *, scenario_id: str = "store-test-en",
         hints: int = 0, status: str | None = None, mode: str = "live"):
    """Record a whole call; `hints` are taken before the first reply. Returns (session id, Session).
    status None: completed if an ending was reached, else left; "open": leave it in progress."""
    session = new_session(scenario_id)
    sid = store.start_session(trainee=trainee, cohort=cohort, session=session, mode=mode)
    for _ in range(hints):
        session.hint()
    for text in replies:
        if session.over:
            break
        store.record_turn(sid, session.reply(text))
    if status != "open":
        store.finish_session(sid, session, status or ("completed" if session.over else "left"))
    return sid, session


def _crash_worker(url: str, turns: int) -> None:
    """Start a call, commit some turns, say so, then hang until killed."""
    from simulator.store.store import Store

    store = Store.open(url)
    sid, _ = play(store, "Crashy", "crash-cohort", [f"L{60 + i} E60 P100 turn {i}" for i in range(turns)],
                  status="open")
    print(f"ready {sid}", flush=True)
    time.sleep(600)


def _writer_worker(url: str, worker: int, calls: int, start_at: float) -> None:
    """Record `calls` complete calls, writing every turn twice (as a retry would)."""
    from simulator.store.store import Store

    while time.time() < start_at:  # all workers begin together
        time.sleep(0.005)
    store = Store.open(url)
    for c in range(calls):
        session = new_session()
        sid = store.start_session(trainee=f"trainee-{worker % 5}", cohort=f"cohort-{worker % 2}",
                                  session=session, mode="replay")
        replies = [f"L{50 + c} E{40 + worker} P100 w{worker} c{c} t{t}" for t in range(4)]
        replies.append(f"L90 E90 P100 close w{worker} c{c}")
        for text in replies:
            turn = session.reply(text)
            store.record_turn(sid, turn)
            store.record_turn(sid, turn)  # a duplicate write must not duplicate the turn
        store.finish_session(sid, session, "completed")
    store.close()
    print(f"done {worker}", flush=True)


if __name__ == "__main__":
    mode, url, *rest = sys.argv[1:]
    if mode == "crash":
        _crash_worker(url, int(rest[0]))
    elif mode == "write":
        _writer_worker(url, int(rest[0]), int(rest[1]), float(rest[2]))
    else:
        raise SystemExit(f"unknown mode {mode}")
