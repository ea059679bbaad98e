"""The store keeps every call and every turn: round trips, idempotent writes, abandoned calls,
crashes, many writers at once, and schema upgrades (SQLite and PostgreSQL)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from simulator.store import schema as S
from simulator.store.schema import SchemaError
from simulator.store.store import Store, resolve_url, utcnow
from tests.store.helpers import new_session, play, without_columns_since

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


# ---------------------------------------------------------------------------- round trip
def test_a_call_round_trips_with_every_turn_and_the_engine_summary(store):
    replies = ["L80 E60 P100 first", "L70 E90 P100 second", "L90 E90 P100 close"]
    sid, session = play(store, "Li Na", "2024-06", replies)
    detail = store.session_detail(sid)
    row = detail.session
    assert (row.trainee, row.cohort, row.status, row.mode) == ("Li Na", "2024-06", "completed", "live")
    assert (row.scenario_id, row.scenario_hash, row.seed) == ("store-test-en", "f" * 64, 0)
    assert row.opening == session.opening and row.persona == "Tess <i>Tester</i>"
    summary = session.summary()  # the engine's formula is the only one
    for key in ("overall", "listening", "empathy", "policy", "ending", "outcome", "service_level",
                "hints", "landmines", "interruptions"):
        assert getattr(row, key) == summary[key], key
    assert row.turns == 3 and row.ended_at is not None
    stored = [{k: v for k, v in t.items() if k != "recorded_at"} for t in detail.turns]
    assert stored == [t.to_dict() for t in session.turns]
    assert all(t["recorded_at"] for t in detail.turns)
    assert detail.turns[0]["score"]["listening"]["evidence"][0]["reason"] == "the test said listening 80"


def test_writing_the_same_turn_twice_keeps_one_row(store):
    session = new_session()
    sid = store.start_session(trainee="A", cohort="c", session=session)
    turn = session.reply("L50 E50 P100 hello")
    store.record_turn(sid, turn)
    store.record_turn(sid, turn)
    detail = store.session_detail(sid)
    assert len(detail.turns) == 1 and detail.session.turns == 1


def test_finishing_without_an_ending_is_left_not_completed(store):
    sid, _ = play(store, "A", "c", ["L50 E50 P100 still talking"], status="completed")
    row = store.session_detail(sid).session
    assert row.status == "left" and row.overall is None and row.listening == 50


def test_bad_status_and_missing_names_are_refused(store):
    session = new_session()
    with pytest.raises(ValueError):
        store.start_session(trainee=" ", cohort="c", session=session)
    sid = store.start_session(trainee="A", cohort="c", session=session)
    with pytest.raises(ValueError):
        store.finish_session(sid, session, "won")


def test_best_scores_for_the_picker(store):
    play(store, "A", "c", ["L60 E60 P100 close"])
    play(store, "A", "c", ["L90 E90 P100 close"], hints=1)
    play(store, "A", "c", ["L90 E90 P100 unfinished"], status="open")
    play(store, "A", "c", ["L90 E90 P100 close"], scenario_id="other-en")
    best = store.best_scores("A", "c")
    assert set(best) == {"store-test-en", "other-en"}
    b = best["store-test-en"]
    assert (b.attempts, b.completed, b.best_used_hints) == (3, 2, True)
    assert b.best == 0.3 * 90 + 0.3 * 90 + 0.2 * 100 + 0.2 * 3 * 20 - 5  # hint costs 5
    assert best["other-en"].best_used_hints is False
    assert store.best_scores("nobody", "c") == {}


# ---------------------------------------------------------------------------- abandoned calls
def test_a_call_whose_process_was_killed_is_abandoned_with_its_turns(db_url):
    store = Store.open(db_url)  # create the schema before the child starts
    proc = subprocess.Popen([sys.executable, "-m", "tests.store.helpers", "crash", db_url, "3"],
                            stdout=subprocess.PIPE, text=True, env=_env(), cwd=ROOT)
    try:
        line = proc.stdout.readline()
        assert line.startswith("ready"), line
        sid = int(line.split()[1])
        assert store.session_detail(sid).session.status == "in_progress"  # alive: still in progress
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)  # reaped, so its pid is really gone
    assert proc.returncode == -signal.SIGKILL
    detail = store.session_detail(sid)
    assert detail.session.status == "abandoned"
    assert [t["reply"] for t in detail.turns] == [f"L{60 + i} E60 P100 turn {i}" for i in range(3)]
    assert detail.session.ended_at == detail.session.updated_at  # ended at its last sign of life
    assert [r.status for r in store.sessions("crash-cohort")] == ["abandoned"]
    store.close()


def test_a_quiet_call_on_another_machine_is_abandoned_after_the_stale_time(store):
    t = S.sessions.c
    quiet, _ = play(store, "A", "c", ["L50 E50 P100 hello"], status="open")
    busy, _ = play(store, "B", "c", ["L50 E50 P100 hello"], status="open")
    mine, _ = play(store, "C", "c", ["L50 E50 P100 hello"], status="open")
    now = utcnow()
    with store.engine.begin() as conn:
        conn.execute(S.sessions.update().where(t.id == quiet).values(
            host="other-machine", updated_at=now - store.stale - timedelta(minutes=1)))
        conn.execute(S.sessions.update().where(t.id == busy).values(
            host="other-machine", updated_at=now - store.stale + timedelta(minutes=1)))
        # mine: this host, this (live) process, quiet for a day: still in progress
        conn.execute(S.sessions.update().where(t.id == mine).values(updated_at=now - timedelta(days=1)))
    assert store.mark_abandoned() == 1
    status = {r.id: r.status for r in store.sessions("c")}
    assert status == {quiet: "abandoned", busy: "in_progress", mine: "in_progress"}


def test_a_call_cut_off_before_its_end_still_counts_its_landmines_and_interruptions(store):
    sid, session = play(store, "A", "c", ["L50 E50 P100 hello"], status="open")
    store.record_turn(sid, session.reply("L50 E50 P100 sorry, go on", interrupted=True))  # trial 23
    store.record_turn(sid, session.reply("L20 E20 P0 mine"))
    with store.engine.begin() as conn:
        conn.execute(S.sessions.update().where(S.sessions.c.id == sid).values(
            host="other-machine", updated_at=utcnow() - store.stale - timedelta(minutes=1)))
    assert store.mark_abandoned() == 1
    row = store.sessions("c")[0]
    assert (row.status, row.landmines, row.interruptions) == ("abandoned", 1, 1)
    store.record_turn(sid, new_session().reply("L50 E50 P100 hello"))  # a turn written twice counts once
    assert store.sessions("c")[0].landmines == 1


def test_a_turn_arriving_for_a_call_marked_abandoned_revives_it(store):
    session = new_session()
    sid = store.start_session(trainee="A", cohort="c", session=session)
    with store.engine.begin() as conn:
        conn.execute(S.sessions.update().where(S.sessions.c.id == sid).values(status="abandoned"))
    store.record_turn(sid, session.reply("L50 E50 P100 I am still here"))
    assert store.session_detail(sid).session.status == "in_progress"


# ---------------------------------------------------------------------------- many writers
def test_twenty_processes_writing_at_once_lose_and_duplicate_nothing(db_url):
    Store.open(db_url).close()  # schema first; the workers also race on cohorts and trainees
    workers, calls = 20, 3
    start_at = time.time() + 3.0
    procs = [subprocess.Popen([sys.executable, "-m", "tests.store.helpers", "write", db_url, str(w), str(calls),
                               str(start_at)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=_env(), cwd=ROOT) for w in range(workers)]
    outputs = [p.communicate(timeout=240) for p in procs]
    for p, (out, err) in zip(procs, outputs):
        assert p.returncode == 0, err[-2000:]
        assert "locked" not in err
    with Store.open(db_url) as store:
        rows = store.sessions()
        assert len(rows) == workers * calls
        assert {r.status for r in rows} == {"completed"}
        assert sorted(store.cohorts()) == ["cohort-0", "cohort-1"]
        with store.engine.connect() as conn:
            n_turns = conn.execute(sa.select(sa.func.count()).select_from(S.turns)).scalar()
            n_trainees = conn.execute(sa.select(sa.func.count()).select_from(S.trainees)).scalar()
            replies = set(conn.execute(sa.select(S.turns.c.reply)).scalars())
        assert n_turns == workers * calls * 5
        assert n_trainees == 10  # trainee-0..4 in cohort-0 and cohort-1, each created once
        expected = {f"L{50 + c} E{40 + w} P100 w{w} c{c} t{t}" for w in range(workers) for c in range(calls)
                    for t in range(4)} | {f"L90 E90 P100 close w{w} c{c}" for w in range(workers) for c in range(calls)}
        assert replies == expected
        assert all(r.turns == 5 for r in rows)


# ---------------------------------------------------------------------------- schema versions
def _v1_layout(conn: sa.Connection) -> None:
    """The version-1 tables as they were: no mode, host, pid, updated_at, recorded_at, no board index."""
    md = sa.MetaData()
    sa.Table("meta", md, sa.Column("key", sa.String(64), primary_key=True),
             sa.Column("value", sa.String(255), nullable=False))
    sa.Table("cohorts", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("name", sa.String(200), nullable=False, unique=True),
             sa.Column("created_at", sa.DateTime, nullable=False))
    sa.Table("trainees", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("cohort_id", sa.Integer, sa.ForeignKey("cohorts.id"), nullable=False),
             sa.Column("name", sa.String(200), nullable=False), sa.Column("created_at", sa.DateTime, nullable=False),
             sa.UniqueConstraint("cohort_id", "name"))
    keep = {"mode", "host", "pid", "updated_at", "call_key", "human_caller"}  # columns added after version 1
    sa.Table("sessions", md, *[sa.Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable,
                                         server_default=c.server_default.arg if c.server_default is not None
                                         else None)
                               for c in S.sessions.columns if c.name not in keep])
    sa.Table("turns", md, *[sa.Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable,
                                      autoincrement=False, server_default=c.server_default.arg
                                      if c.server_default is not None else None)
                            for c in S.turns.columns if c.name not in ("recorded_at", "mines")])
    md.create_all(conn)
    now = utcnow()
    conn.exec_driver_sql("INSERT INTO meta (key, value) VALUES ('schema_version', '1')")
    conn.execute(sa.text("INSERT INTO cohorts (id, name, created_at) VALUES (1, 'old', :t)"), {"t": now})
    conn.execute(sa.text("INSERT INTO trainees (id, cohort_id, name, created_at) VALUES (1, 1, 'Veteran', :t)"),
                 {"t": now})
    for sid, status, overall, started in ((1, "completed", 77.5, now - timedelta(days=3)),
                                         (2, "in_progress", None, now - timedelta(days=2))):
        conn.execute(sa.text(
            "INSERT INTO sessions (id, cohort_id, trainee_id, scenario_id, status, started_at, ended_at, "
            "turn_count, overall, outcome, ending) VALUES (:id, 1, 1, 'store-test-en', :st, :t, :end, 1, :o, "
            ":outcome, :ending)"),
            {"id": sid, "st": status, "t": started, "end": started if overall else None, "o": overall,
             "outcome": "resolved" if overall else None, "ending": "resolved" if overall else None})
        conn.execute(sa.text(
            "INSERT INTO turns (session_id, idx, kind, reply, state_before, state_after, stage, mood_before, "
            "mood_after, detail) VALUES (:id, 0, 'reply', 'an old reply', 'venting', 'venting', 'venting', 70, 60, "
            ":d)"), {"id": sid, "d": '{"index": 0, "kind": "reply", "reply": "an old reply"}'})
    if conn.dialect.name == "postgresql":  # explicit ids: move the sequences past them
        conn.exec_driver_sql("SELECT setval('sessions_id_seq', 2)")
        conn.exec_driver_sql("SELECT setval('cohorts_id_seq', 1)")
        conn.exec_driver_sql("SELECT setval('trainees_id_seq', 1)")


def test_a_version_1_database_is_upgraded_with_its_data(db_url):
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        _v1_layout(conn)
    engine.dispose()
    with Store.open(db_url) as store:
        with store.engine.connect() as conn:
            assert S.read_version(conn) == S.SCHEMA_VERSION == 10
            cols = {c["name"] for c in sa.inspect(conn).get_columns("sessions")}
            assert {"mode", "host", "pid", "updated_at", "call_key", "human_caller", "ending_title"} <= cols
            assert {"live_calls", "live_events", "reviews"} <= set(sa.inspect(conn).get_table_names())
            indexes = {i["name"] for i in sa.inspect(conn).get_indexes("sessions")}
            assert {"ix_sessions_scores", "ix_sessions_trend", "ix_sessions_recent", "ix_sessions_call_key",
                    "ix_sessions_human"} <= indexes
            assert "ix_sessions_board" not in indexes
        rows = {r.id: r for r in store.sessions("old")}
        # the v1 call that never finished has no owner: stale for two days, so abandoned, turns kept
        assert rows[2].status == "abandoned" and rows[2].mode == "live"
        assert rows[1].status == "completed" and rows[1].updated_at == rows[1].ended_at
        assert not rows[1].human_caller  # calls from before the live class were played by the machine
        assert rows[1].ending_title is None  # not stored before version 10: shown by the ending's name
        assert store.session_detail(2).turns[0]["reply"] == "an old reply"
        assert [(r.trainee, r.best) for r in store.leaderboard("old")] == [("Veteran", 77.5)]
        sid, _ = play(store, "Veteran", "old", ["L90 E90 P100 close"])  # new calls still go in
        assert sid == 3
    with Store.open(db_url) as again:  # opening an up-to-date store changes nothing
        assert len(again.sessions("old")) == 3


def _v3_layout(conn: sa.Connection) -> None:
    """A version-3 database: today's columns, the version 2 leaderboard index, and calls to rank."""
    md = sa.MetaData()
    for table in (S.meta, S.cohorts, S.trainees, S.sessions, S.turns):
        table.to_metadata(md)
    for index in list(md.tables["sessions"].indexes):
        if index.name in S.V4_INDEXES:
            md.tables["sessions"].indexes.discard(index)
    sessions = md.tables["sessions"]
    sa.Index("ix_sessions_board", sessions.c.cohort_id, sessions.c.status, sessions.c.scenario_id)
    md.create_all(conn)
    without_columns_since(conn, 3)
    now = utcnow()
    conn.exec_driver_sql("INSERT INTO meta (key, value) VALUES ('schema_version', '3')")
    conn.execute(sa.text("INSERT INTO cohorts (id, name, created_at) VALUES (1, 'v3', :t)"), {"t": now})
    for tid, name in ((1, "Ann"), (2, "Ben")):
        conn.execute(sa.text("INSERT INTO trainees (id, cohort_id, name, created_at) VALUES (:id, 1, :n, :t)"),
                     {"id": tid, "n": name, "t": now})
    calls = [  # trainee, scenario, status, overall, hints, outcome
        (1, "s1", "completed", 70.0, 1, "resolved"), (1, "s1", "completed", 70.0, 0, "resolved"),
        (1, "s1", "completed", 60.5, 0, "escalated"), (1, "s2", "completed", 81.0, 2, "resolved"),
        (1, "s2", "left", None, 0, None), (2, "s1", "completed", 75.2, 1, "resolved"),
        (2, "s1", "abandoned", None, 0, None), (2, "s1", "completed", 50.0, 0, "hung_up"),
    ]
    for sid, (tid, scenario, status, overall, hints, outcome) in enumerate(calls, 1):
        conn.execute(sa.text(
            "INSERT INTO sessions (id, cohort_id, trainee_id, scenario_id, status, started_at, updated_at, "
            "ended_at, turn_count, overall, listening, empathy, policy, hints, landmines, outcome, call_key) "
            "VALUES (:id, 1, :tid, :sc, :st, :t, :t, :t, 1, :o, :o, :o, :o, :h, 0, :outcome, :key)"),
            {"id": sid, "tid": tid, "sc": scenario, "st": status, "t": now - timedelta(hours=10 - sid), "o": overall,
             "h": hints, "outcome": outcome, "key": f"call-{sid}"})
        if status == "left":  # left after a reply: an attempt (one left before any is skipped, schema 9)
            conn.execute(sa.text(
                "INSERT INTO turns (session_id, idx, kind, reply, state_before, state_after, stage, mood_before, "
                "mood_after, detail) VALUES (:id, 0, 'reply', 'a reply', 'venting', 'venting', 'venting', 70, 60, "
                ":d)"), {"id": sid, "d": '{"index": 0, "kind": "reply", "reply": "a reply"}'})
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT setval('sessions_id_seq', {len(calls)})")
        conn.exec_driver_sql("SELECT setval('cohorts_id_seq', 1)")
        conn.exec_driver_sql("SELECT setval('trainees_id_seq', 2)")


def test_a_version_3_database_gets_the_leaderboard_indexes_and_the_same_board(db_url):
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        _v3_layout(conn)
    engine.dispose()
    with Store.open(db_url) as store:
        with store.engine.connect() as conn:
            assert S.read_version(conn) == S.SCHEMA_VERSION
            indexes = {i["name"] for i in sa.inspect(conn).get_indexes("sessions")}
        assert set(S.V4_INDEXES) <= indexes and "ix_sessions_board" not in indexes
        rows = [r.to_dict() for r in store.leaderboard("v3")]
        # Ann: bests 70.0 (s1; one of the two 70s took no hint) and 81.0 (s2, with hints).
        assert rows[0] == {
            "rank": 1, "trainee": "Ann", "sessions": 5, "completed": 4, "scenarios": 2, "best": 75.5,
            "average": round((70 + 70 + 60.5 + 81) / 4, 1), "listening": round((70 + 70 + 60.5 + 81) / 4, 1),
            "empathy": round((70 + 70 + 60.5 + 81) / 4, 1), "policy": round((70 + 70 + 60.5 + 81) / 4, 1),
            "landmines_per_call": 0.0, "resolved_rate": round(3 / 5, 3), "hints": 3, "best_used_hints": True,
            "trend": round((60.5 + 81) / 2 - (70 + 70) / 2, 1), "human_caller": False, "reviewed": False,
            "pass_rate": round(3 / 5, 3)}
        assert rows[1] == {
            "rank": 2, "trainee": "Ben", "sessions": 3, "completed": 2, "scenarios": 1, "best": 75.2,
            "average": 62.6, "listening": 62.6, "empathy": 62.6, "policy": 62.6, "landmines_per_call": 0.0,
            "resolved_rate": 0.5, "hints": 1, "best_used_hints": True, "trend": round(50.0 - 75.2, 1),
            "human_caller": False, "reviewed": False, "pass_rate": 0.5}  # 75.2 resolved passes; 50.0 hung up
        ben_s1, ann_s1 = store.leaderboard("v3", "s1")
        assert (ann_s1.rank, ann_s1.trainee, ann_s1.best, ann_s1.best_used_hints) == (2, "Ann", 70.0, False)
        assert (ben_s1.rank, ben_s1.best, ben_s1.sessions) == (1, 75.2, 3)
        sid, _ = play(store, "Ben", "v3", ["L90 E90 P100 close"])  # new calls still go in and count
        assert sid == 9 and {r.trainee: r.sessions for r in store.leaderboard("v3")} == {"Ann": 5, "Ben": 4}


def test_a_newer_schema_is_refused_not_used(db_url):
    Store.open(db_url).close()
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(S.meta.update().values(value=str(S.SCHEMA_VERSION + 1)))
    engine.dispose()
    with pytest.raises(SchemaError, match="newer"):
        Store.open(db_url)


def test_session_tables_without_meta_are_refused(sqlite_url):
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE sessions (id INTEGER PRIMARY KEY)")
    engine.dispose()
    with pytest.raises(SchemaError, match="not made by"):
        Store.open(sqlite_url)


# ---------------------------------------------------------------------------- where the database is
def test_default_database_is_a_sqlite_file_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("MYSTERY_GUEST_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    url = resolve_url(None)
    assert url == f"sqlite:///{tmp_path / 'data' / 'mystery-guest' / 'mystery-guest.sqlite3'}"
    with Store.open() as store:
        play(store, "A", "c", ["L50 E50 P100 close"])
    assert (tmp_path / "data" / "mystery-guest" / "mystery-guest.sqlite3").exists()
    monkeypatch.setenv("MYSTERY_GUEST_DB", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    assert resolve_url(None).endswith("env.sqlite3")
    assert resolve_url(str(tmp_path / "plain.db")) == f"sqlite:///{tmp_path / 'plain.db'}"


def test_sqlite_runs_in_wal_mode(sqlite_url):
    with Store.open(sqlite_url) as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 30000


def test_a_read_only_copy_can_still_be_listed(tmp_path):
    path = tmp_path / "ro.sqlite3"
    with Store.open(str(path)) as store:
        play(store, "A", "c", ["L50 E50 P100 close"])
        play(store, "B", "c", ["L50 E50 P100 open"], status="open")
    with Store.open(str(path)) as store, store.engine.begin() as conn:
        conn.execute(S.sessions.update().values(host="elsewhere", updated_at=utcnow() - timedelta(days=1),
                                                pid=None).where(S.sessions.c.status == "in_progress"))
    ro = Store(sa.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true"), f"sqlite:///{path}")
    rows = ro.sessions("c")  # the sweep cannot write here; the list still comes
    assert sorted(r.status for r in rows) == ["completed", "in_progress"]
    ro.close()


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder nothing can be written in, as a mounted backup is: a read-only bind mount when we
    are root (chmod does not stop root), else a folder without write permission."""
    folder = tmp_path / "backup"
    folder.mkdir()
    if os.geteuid() != 0:
        yield folder, lambda: folder.chmod(0o555)
        folder.chmod(0o755)
        return
    mounted = []

    def freeze():
        for cmd in (["mount", "--bind", str(folder), str(folder)], ["mount", "-o", "remount,bind,ro", str(folder)]):
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode != 0:
                pytest.skip(f"cannot make a read-only folder here ({' '.join(cmd)}: {done.stderr.strip()})")
            mounted.append(cmd)

    yield folder, freeze
    if mounted:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_database_in_a_read_only_folder_can_still_be_listed_and_exported(read_only_folder, capsys):
    """A WAL database needs a -shm file beside it, which a read-only folder cannot hold: it had
    failed with "cannot open ... you may write to it" (trial 17); it is read as it is."""
    from simulator.cli import main

    folder, freeze = read_only_folder
    path = folder / "备份 #1" / "db.sqlite3"  # a '#' would end a URI filename unless escaped
    path.parent.mkdir()
    with Store.open(str(path)) as store:
        play(store, "A", "c", ["L50 E50 P100 close"])
    freeze()
    with pytest.raises(OSError):
        (folder / "probe").write_text("x")
    url = f"sqlite:///{path}"
    assert main(["sessions", "--db", url]) == 0 and " A " in capsys.readouterr().out
    assert main(["export", "--cohort", "c", "--format", "csv", "--db", url]) == 0
    assert capsys.readouterr().out.count("\n") == 2  # the header and the one call
    with Store.open(url) as store, pytest.raises(sa.exc.OperationalError, match="readonly"):
        play(store, "B", "c", ["L50 E50 P100 close"])


def test_a_database_whose_file_and_folder_may_not_be_written_can_still_be_listed():
    """`chmod -R a-w` on the data folder: SQLite then says "attempt to write a readonly database"
    even to read a WAL file (it cannot make the -shm), not "unable to open"; `sessions`, `export`
    and `transcript` had refused (trial 19). Root ignores permissions, so as root the reading
    runs in a child process that has become `nobody`."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="mg-no-write-"))
    try:
        path = folder / "db.sqlite3"
        with Store.open(str(path)) as store:
            play(store, "A", "c", ["L50 E50 P100 close"])
        assert path.read_bytes()[18:20] == b"\x02\x02"  # a WAL database, no -wal or -shm left
        for p in (path, folder):
            p.chmod(0o555 if p.is_dir() else 0o444)
        if os.geteuid() != 0:
            with Store.open(str(path)) as store:
                assert [r.trainee for r in store.sessions("c")] == ["A"]
            return
        pid = os.fork()
        if pid == 0:  # the child: become nobody, read, report by the exit status
            status = 1
            try:
                os.setgid(65534)
                os.setuid(65534)
                with Store.open(str(path)) as store:
                    status = 0 if [r.trainee for r in store.sessions("c")] == ["A"] else 3
            except BaseException:  # noqa: BLE001 - any failure is the test's failure
                status = 2
            finally:
                os._exit(status)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        folder.chmod(0o755)
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()


def test_a_backup_with_its_wal_file_in_a_read_only_folder_shows_every_call(read_only_folder, tmp_path):
    """A backup taken while the app ran holds the database and its -wal (calls committed but not
    yet copied into the file) without -shm: reading the file alone would leave the last calls
    out without a word (the review found it); every call is listed."""
    import shutil

    folder, freeze = read_only_folder
    live = tmp_path / "live" / "db.sqlite3"
    live.parent.mkdir()
    with Store.open(str(live)) as store:
        play(store, "A", "c", ["L50 E50 P100 close"])
    with Store.open(str(live)) as store:
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
        play(store, "B", "c", ["L50 E50 P100 close"])
        assert Path(f"{live}-wal").stat().st_size > 0
        for suffix in ("", "-wal"):  # as a backup copies them, the app still running
            shutil.copy(f"{live}{suffix}", f"{folder / 'db.sqlite3'}{suffix}")
    freeze()
    with Store.open(str(folder / "db.sqlite3")) as backup:
        assert sorted(r.trainee for r in backup.sessions("c")) == ["A", "B"]
        scratch = Path(backup._scratch)
        assert scratch.is_dir()
    assert not scratch.exists()  # the copy goes when the store closes, not at exit


def test_a_busy_database_is_retried_with_backoff_then_reported(sqlite_url, monkeypatch):
    monkeypatch.setattr("simulator.store.store.time.sleep", lambda s: waits.append(s))
    waits: list[float] = []
    calls = {"n": 0}

    def flaky(conn):
        calls["n"] += 1
        if calls["n"] <= 3:
            raise sa.exc.OperationalError("INSERT ...", {}, Exception("database is locked"))
        return "written"

    with Store.open(sqlite_url) as store:
        assert store._write(flaky) == "written"
        assert calls["n"] == 4 and len(waits) == 3
        assert waits[0] < waits[2]  # the waits grow
        calls["n"] = -100  # never succeeds within the tries: the error comes out, not a hang
        with pytest.raises(sa.exc.OperationalError):
            store._write(flaky)
        with pytest.raises(sa.exc.IntegrityError):  # a real error is not retried
            store._write(lambda conn: (_ for _ in ()).throw(
                sa.exc.IntegrityError("INSERT ...", {}, Exception("UNIQUE constraint failed"))))


def test_messages_name_a_database_as_typed_without_its_password():
    from simulator.store.store import safe_url

    ro = "sqlite:///file:/tmp/copy.sqlite3?mode=ro&uri=true"
    assert safe_url(ro) == ro  # trial 20 saw "file%3A/tmp/…"
    assert safe_url("postgresql+psycopg://mg:s3cret@db/centre") == "postgresql+psycopg://mg:***@db/centre"
