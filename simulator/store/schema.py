"""The store's tables and how an older database is brought up to date.

Schema history (the `meta` table's `schema_version`):
  1  cohorts, trainees, sessions, turns: the first layout.
  2  sessions gain `mode`, `host`, `pid` and `updated_at` (the heartbeat that tells a live call
     from one whose process died), turns gain `recorded_at`; indexes for the leaderboard, the
     newest calls of a cohort and the calls still in progress.
  3  sessions gain `call_key`, the id the recorder gives a call before the database does, so a
     call kept in the local journal is written once however often it is replayed.
  4  the leaderboard reads two indexes that hold every column it needs (`ix_sessions_scores`,
     `ix_sessions_trend`) instead of the index of version 2 and the rows behind it.
  5  `texts`: wording turns share (the caller's lines, transition notes and clauses, the scorer's
     reasons, mood causes), each stored once; a turn's detail refers to it by id (records.py,
     format 2). Turns recorded before keep their whole detail (format 1) and read as before.
  6  the live class (simulator/live.py): `live_calls` (a call others join by a short code) and
     `live_events` (what happened in it, in order: replies, the caller's lines, moves, pauses);
     sessions gain `human_caller`, set when a person played the caller (and an index for the
     leaderboard's flag).
  7  `reviews`: a trainer's levels, landmines and note for a turn, with who and when
     (store/reviews.py). The machine's scores in `turns` and `sessions` are never changed.
  8  turns gain `mines`, the landmine categories of the reply ("accuse,argue"), so the cohort
     report counts them per trainee without reading every landmine turn's detail (2.4 s for a
     50,000-call cohort). Turns recorded before keep NULL and are read from their detail.
  9  a call left before a single reply is `skipped`, not `left` (records.py: no attempt); the
     calls stored as `left` with no reply become `skipped`.

Upgrades are plain functions run in order inside one locked transaction when a store is opened,
so two processes opening an old file at once cannot both upgrade it. We keep this list instead
of Alembic: two tables' worth of changes do not justify a second tool and a script folder, and
the upgrade must run unattended on a trainee's machine (no `alembic upgrade` step).
"""
from __future__ import annotations

from typing import Callable

import sqlalchemy as sa

SCHEMA_VERSION = 10

metadata = sa.MetaData()

meta = sa.Table(
    "meta", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(255), nullable=False),
)

cohorts = sa.Table(
    "cohorts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

trainees = sa.Table(
    "trainees", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("cohort_id", sa.Integer, sa.ForeignKey("cohorts.id"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("cohort_id", "name", name="uq_trainee_in_cohort"),
)

sessions = sa.Table(
    "sessions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    # cohort_id repeats the trainee's cohort so the leaderboard filters one table.
    sa.Column("cohort_id", sa.Integer, sa.ForeignKey("cohorts.id"), nullable=False),
    sa.Column("trainee_id", sa.Integer, sa.ForeignKey("trainees.id"), nullable=False),
    sa.Column("scenario_id", sa.String(200), nullable=False),
    sa.Column("scenario_title", sa.String(500), nullable=False, server_default=""),
    sa.Column("scenario_hash", sa.String(64), nullable=False, server_default=""),
    sa.Column("locale", sa.String(8), nullable=False, server_default=""),
    sa.Column("persona", sa.String(200), nullable=False, server_default=""),
    sa.Column("opening", sa.Text, nullable=False, server_default=""),
    sa.Column("seed", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("mode", sa.String(16), nullable=False, server_default="live"),  # v2
    sa.Column("status", sa.String(16), nullable=False),  # in_progress | completed | left | skipped | abandoned
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=True),  # v2: heartbeat, set at every turn
    sa.Column("ended_at", sa.DateTime, nullable=True),
    sa.Column("host", sa.String(255), nullable=True),  # v2: owner process, for abandoned detection
    sa.Column("pid", sa.Integer, nullable=True),  # v2
    sa.Column("turn_count", sa.Integer, nullable=False, server_default="0"),
    # Results, copied from simulator.session.summarise at finish (the formula lives there).
    sa.Column("ending", sa.String(200), nullable=True),
    sa.Column("ending_title", sa.String(500), nullable=True),  # v10: as the trainee saw it (a variant's title)
    sa.Column("outcome", sa.String(32), nullable=True),
    sa.Column("service_level", sa.Integer, nullable=True),
    sa.Column("overall", sa.Float, nullable=True),
    sa.Column("listening", sa.Float, nullable=True),
    sa.Column("empathy", sa.Float, nullable=True),
    sa.Column("policy", sa.Float, nullable=True),
    sa.Column("hints", sa.Integer, nullable=False, server_default="0"),
    sa.Column("landmines", sa.Integer, nullable=False, server_default="0"),
    sa.Column("interruptions", sa.Integer, nullable=False, server_default="0"),
    sa.Column("summary", sa.JSON, nullable=True),
    sa.Column("call_key", sa.String(36), nullable=True),  # v3: the recorder's id for the call
    sa.Column("human_caller", sa.Boolean, nullable=False, server_default="0"),  # v6: a person played the caller
)
sa.Index("ix_sessions_trainee", sessions.c.trainee_id)
sa.Index("ix_sessions_recent", sessions.c.cohort_id, sessions.c.started_at)  # v2: newest calls of a cohort
sa.Index("ix_sessions_status", sessions.c.status)  # v2: finding the few calls still in progress
sa.Index("ix_sessions_call_key", sessions.c.call_key, unique=True)  # v3
# v4, the leaderboard (leaderboard.py): covering indexes, so a 50,000-call cohort is read from
# the index alone. Totals per scenario, trainee and status (each group's calls in time order,
# the order the leaderboard has always summed them in), the best call's hints a seek away:
sa.Index("ix_sessions_scores", sessions.c.cohort_id, sessions.c.scenario_id, sessions.c.trainee_id,
         sessions.c.status, sessions.c.started_at, sessions.c.id, sessions.c.overall, sessions.c.hints,
         sessions.c.outcome, sessions.c.listening, sessions.c.empathy, sessions.c.policy, sessions.c.landmines)
# ... and each trainee's completed calls in time order (the trend's halves).
sa.Index("ix_sessions_trend", sessions.c.cohort_id, sessions.c.status, sessions.c.trainee_id,
         sessions.c.started_at, sessions.c.id, sessions.c.overall)
# v6: the trainees of a cohort who took a call from a person (the leaderboard's flag), a seek away.
sa.Index("ix_sessions_human", sessions.c.cohort_id, sessions.c.human_caller, sessions.c.status, sessions.c.trainee_id)
# Version 2 also made ix_sessions_board (cohort_id, status, scenario_id); version 4 drops it.
V2_INDEXES = ("ix_sessions_recent", "ix_sessions_status")
V4_INDEXES = ("ix_sessions_scores", "ix_sessions_trend")

turns = sa.Table(
    "turns", metadata,
    # (session, index) is the key, so writing the same turn twice is harmless.
    sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id"), primary_key=True),
    sa.Column("idx", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(16), nullable=False),  # reply | silence
    sa.Column("reply", sa.Text, nullable=False, server_default=""),
    sa.Column("interrupted", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("latency", sa.Float, nullable=True),
    sa.Column("state_before", sa.String(200), nullable=False),
    sa.Column("state_after", sa.String(200), nullable=False),
    sa.Column("stage", sa.String(32), nullable=False),
    sa.Column("customer_before", sa.Text, nullable=False, server_default=""),
    sa.Column("customer_line", sa.Text, nullable=False, server_default=""),
    sa.Column("mood_before", sa.Float, nullable=False),
    sa.Column("mood_after", sa.Float, nullable=False),
    sa.Column("listening", sa.Integer, nullable=True),
    sa.Column("empathy", sa.Integer, nullable=True),
    sa.Column("policy", sa.Integer, nullable=True),
    sa.Column("landmines", sa.Integer, nullable=False, server_default="0"),
    sa.Column("hints_before", sa.Integer, nullable=False, server_default="0"),
    sa.Column("ending", sa.String(200), nullable=True),
    sa.Column("recorded_at", sa.DateTime, nullable=True),  # v2
    # v8: the landmine categories, comma-joined in the order the scorer reported them; NULL when
    # there is none (landmines = 0) and for turns recorded before version 8 (read from `detail`)
    sa.Column("mines", sa.String(200), nullable=True),
    # What the columns do not hold of TurnResult.to_dict() (evidence, acts, offers, landmines, mood
    # changes, transitions checked), in the compact format 2 of records.py, which refers to `texts`
    # by id; or, for turns recorded before version 5, the whole dict (format 1, with the caller's
    # lines also in customer_before and customer_line, which format 2 leaves empty).
    sa.Column("detail", sa.JSON, nullable=False),
)

texts = sa.Table(  # v5
    "texts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    # blake2b-128 of the body: the key a writer looks a text up by (a body can be long).
    sa.Column("digest", sa.String(32), nullable=False, unique=True),
    sa.Column("body", sa.Text, nullable=False),
)

reviews = sa.Table(  # v7
    "reviews", metadata,
    # One review per turn: a trainer who reviews a turn again replaces their earlier word.
    sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id"), primary_key=True),
    sa.Column("idx", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("listening", sa.Integer, nullable=False),  # levels, as the scorer's (scoring.types.MAX_LEVEL)
    sa.Column("empathy", sa.Integer, nullable=False),
    sa.Column("policy", sa.Integer, nullable=False),
    sa.Column("landmines", sa.JSON, nullable=False),  # categories (scoring.types.LANDMINES)
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("reviewer", sa.String(200), nullable=False),
    sa.Column("reviewed_at", sa.DateTime, nullable=False),
)


# v6, the live class (simulator/live.py). A live call is found by its code; its participants
# (guest, trainee, watchers) each replay its events in `seq` order into their own Session.
live_calls = sa.Table(
    "live_calls", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(8), nullable=False, unique=True),  # what people type to join
    sa.Column("cohort", sa.String(200), nullable=False),
    sa.Column("trainee", sa.String(200), nullable=False),
    sa.Column("scenario_id", sa.String(200), nullable=False),
    sa.Column("seed", sa.BigInteger, nullable=False),
    sa.Column("caller", sa.String(16), nullable=False),  # human | machine
    sa.Column("status", sa.String(16), nullable=False),  # open | ended
    sa.Column("created_at", sa.DateTime, nullable=False),
)
sa.Index("ix_live_calls_cohort", live_calls.c.cohort, live_calls.c.id)  # a class's newest call

live_events = sa.Table(
    "live_events", metadata,
    # seq is given under a lock on the call's row, so a reader never sees 12 before 11 commits.
    sa.Column("call_id", sa.Integer, sa.ForeignKey("live_calls.id"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("body", sa.JSON, nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
)


class SchemaError(RuntimeError):
    """The database cannot be used by this version (newer schema, or not a Mystery Guest store)."""


def _add_column(conn: sa.Connection, table: sa.Table, name: str) -> None:
    """ALTER TABLE ... ADD COLUMN for a column of the current model, typed for this dialect (none
    when the table has it already: a store written by a newer version and marked older by hand)."""
    if name in {c["name"] for c in sa.inspect(conn).get_columns(table.name)}:
        return
    col = table.c[name]
    ddl = f"ALTER TABLE {table.name} ADD COLUMN {name} {col.type.compile(dialect=conn.dialect)}"
    if col.server_default is not None:  # our added columns only have plain string defaults
        ddl += f" DEFAULT '{col.server_default.arg}'"
        if not col.nullable:
            ddl += " NOT NULL"
    conn.exec_driver_sql(ddl)


def _upgrade_1_to_2(conn: sa.Connection) -> None:
    """Owner process and heartbeat for abandoned detection; mode; the leaderboard index."""
    for name in ("mode", "host", "pid", "updated_at"):
        _add_column(conn, sessions, name)
    _add_column(conn, turns, "recorded_at")
    # A v1 session had no heartbeat: its last sign of life is its end or its start.
    conn.execute(sessions.update().values(updated_at=sa.func.coalesce(sessions.c.ended_at, sessions.c.started_at)))
    for index in sessions.indexes:  # the indexes version 2 added
        if index.name in V2_INDEXES:
            index.create(conn, checkfirst=True)


def _upgrade_2_to_3(conn: sa.Connection) -> None:
    """The recorder's call key (older calls have none: they were written straight to the store)."""
    _add_column(conn, sessions, "call_key")
    next(i for i in sessions.indexes if i.name == "ix_sessions_call_key").create(conn, checkfirst=True)


def _upgrade_3_to_4(conn: sa.Connection) -> None:
    """The leaderboard's covering indexes replace the version 2 leaderboard index."""
    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_sessions_board")
    for index in sessions.indexes:
        if index.name in V4_INDEXES:
            index.create(conn, checkfirst=True)


def _upgrade_4_to_5(conn: sa.Connection) -> None:
    """The texts turns share. Turns already stored are left as they are: they read as before."""
    texts.create(conn, checkfirst=True)


def _upgrade_5_to_6(conn: sa.Connection) -> None:
    """The live class: its two tables, and the human-caller flag on sessions (false for older calls)."""
    _add_column(conn, sessions, "human_caller")
    next(i for i in sessions.indexes if i.name == "ix_sessions_human").create(conn, checkfirst=True)
    live_calls.create(conn, checkfirst=True)
    for index in live_calls.indexes:
        index.create(conn, checkfirst=True)
    live_events.create(conn, checkfirst=True)


def _upgrade_6_to_7(conn: sa.Connection) -> None:
    """Trainers' reviews of turns, in a table of their own (nothing stored before changes)."""
    reviews.create(conn, checkfirst=True)


def _upgrade_7_to_8(conn: sa.Connection) -> None:
    """The landmine categories of a turn in a column of their own (NULL for the turns already stored)."""
    _add_column(conn, turns, "mines")


def _upgrade_8_to_9(conn: sa.Connection) -> None:
    """Calls left before a single reply were attempts that failed; they are skipped now."""
    replied = sa.select(turns.c.session_id).where(turns.c.session_id == sessions.c.id, turns.c.kind == "reply")
    conn.execute(sessions.update().where(sessions.c.status == "left", ~sa.exists(replied)).values(status="skipped"))


def _upgrade_9_to_10(conn: sa.Connection) -> None:
    """The ending's title as the trainee saw it; NULL for older calls (shown by the ending's name)."""
    _add_column(conn, sessions, "ending_title")


# from_version -> function taking the database to from_version + 1
UPGRADES: dict[int, Callable[[sa.Connection], None]] = {
    1: _upgrade_1_to_2, 2: _upgrade_2_to_3, 3: _upgrade_3_to_4, 4: _upgrade_4_to_5,
    5: _upgrade_5_to_6, 6: _upgrade_6_to_7, 7: _upgrade_7_to_8, 8: _upgrade_8_to_9,
    9: _upgrade_9_to_10}


def read_version(conn: sa.Connection) -> int | None:
    """The stored schema version; None for a database without our tables."""
    names = set(sa.inspect(conn).get_table_names())
    if "meta" not in names:
        if names & {"sessions", "turns", "trainees", "cohorts"}:
            raise SchemaError("the database has session tables but no 'meta' table: it was not made by "
                              "mystery-guest; point --db at another database")
        return None
    value = conn.execute(sa.select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
    if value is None:
        raise SchemaError("the database's 'meta' table has no schema_version")
    return int(value)


def ensure_schema(conn: sa.Connection) -> int:
    """Create the tables, or upgrade older ones step by step; returns the version found before.

    Call inside a transaction that holds the database's write lock (see Store.open)."""
    found = read_version(conn)
    if found is None:
        metadata.create_all(conn)
        conn.execute(meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
        return SCHEMA_VERSION
    if found > SCHEMA_VERSION:
        raise SchemaError(f"the database has schema version {found}, newer than this mystery-guest "
                          f"understands ({SCHEMA_VERSION}); upgrade mystery-guest instead of using it")
    for version in range(found, SCHEMA_VERSION):
        UPGRADES[version](conn)
        conn.execute(meta.update().where(meta.c.key == "schema_version").values(value=str(version + 1)))
    return found
