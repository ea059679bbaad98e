"""The session store: every call and every turn, written the moment it happens.

One class, `Store`, is the whole API used by the app, the CLI and the recorder:

    store = Store.open(url)            # None: $MYSTERY_GUEST_DB, else the SQLite file in the data folder
    sid = store.start_session(trainee="Li Na", cohort="2024-06", session=session, mode="live")
    store.record_turn(sid, turn)       # after every Session.reply()/silence(); committed at once
    store.finish_session(sid, session, status="completed")   # or "left" when the trainee hangs up
    store.best_scores("Li Na", "2024-06")    # {scenario_id: BestScore} for the scenario picker
    store.leaderboard("2024-06", scenario=None)  # [LeaderboardRow] (simulator/store/leaderboard.py)
    store.sessions(cohort="2024-06")   # [SessionRow]
    store.session_detail(sid)          # SessionDetail with every turn (TurnResult.to_dict() shape)
    store.save_review(sid, 0, listening=1, empathy=2, reviewer="Tina")  # a trainer's word (reviews.py)
    store.reviews([sid]) / store.reviewed_calls(rows)   # reviews, and the calls' scores as reviewed

Everything returned is a plain frozen dataclass. SQLAlchemy Core over SQLite (WAL, busy timeout,
BEGIN IMMEDIATE for writes, retries with backoff) or any SQLAlchemy URL such as PostgreSQL.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import re
import socket
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, TypeVar
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy import event

from simulator.plaintext import plain, plain_data
from simulator.store import schema as S
from simulator.store.records import FORMAT, turn_dict
from simulator.store.reviews import Review, ReviewError, check as check_review, reviewed_call
from simulator.store.urls import ENV_URL, StoreError, check_url, default_path, resolve_url  # noqa: F401

if TYPE_CHECKING:  # the engine is imported only for type hints: the store stands on its own
    from simulator.session import Session, TurnResult

ENV_STALE = "MYSTERY_GUEST_STALE_MINUTES"
STALE_MINUTES = 30.0
STATUSES = ("in_progress", "completed", "left", "skipped", "abandoned")
_T = TypeVar("_T")


def utcnow() -> datetime:
    """Naive UTC (both SQLite and PostgreSQL store it as written; every host agrees on UTC)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages."""
    try:
        u = sa.engine.make_url(url)
    except Exception:  # noqa: BLE001 - a URL too broken to parse is not shown at all
        return "the database"
    if u.drivername.startswith("sqlite"):
        return url  # no password to hide; rendering would escape a file URI's ':' as %3A
    return u.render_as_string(hide_password=True)


def is_read_only(exc: BaseException) -> bool:
    """The database refused a write because it may only be read (a read-only or immutable SQLite
    file or folder, a PostgreSQL read-only transaction or replica)."""
    low = str(getattr(exc, "orig", None) or exc).lower()
    return "readonly" in low or "read-only" in low


def is_corrupt(exc: BaseException) -> bool:
    """The file is not a SQLite database, or a damaged one: waiting will not mend it."""
    low = str(getattr(exc, "orig", None) or exc).lower()
    return "file is not a database" in low or "malformed" in low


def describe_error(exc: BaseException, url: str | None) -> str | None:
    """One line for a database problem a trainer can act on; None for any other error."""
    if isinstance(exc, (StoreError, S.SchemaError)):
        return str(exc)
    if isinstance(exc, (sa.exc.DBAPIError, sa.exc.ArgumentError, sa.exc.NoSuchModuleError,
                        sa.exc.InterfaceError)):
        reason = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or ["unknown error"])[0]
        try:
            where = safe_url(resolve_url(url))
        except (OSError, StoreError):
            where = "the database"
        low = reason.lower()
        if is_corrupt(exc):
            return (f"{where} is not a readable Mystery Guest database ({reason}); move the file aside "
                    "(a new one is made) or pass --db with another")
        if is_read_only(exc):
            return f"{where} is read-only ({reason}): calls cannot be saved there; pass --db with a writable place"
        if "unable to open" in low:
            return f"cannot open {where} ({reason}): check that its folder exists and you may write to it"
        return f"cannot use {where}: {reason}"
    if isinstance(exc, ModuleNotFoundError):
        from simulator.extras import install_command

        return f"a database driver is missing ({exc.name}): for PostgreSQL, {install_command('postgres')}"
    return None


# ---------------------------------------------------------------------------- rows
@dataclass(frozen=True)
class SessionRow:
    """One call as listed for a trainer (no turns)."""

    id: int
    cohort: str
    trainee: str
    scenario_id: str
    scenario_title: str
    scenario_hash: str
    locale: str
    persona: str
    opening: str
    seed: int
    mode: str
    status: str
    started_at: datetime
    updated_at: datetime | None
    ended_at: datetime | None
    turns: int
    ending: str | None
    outcome: str | None
    service_level: int | None
    overall: float | None
    listening: float | None
    empathy: float | None
    policy: float | None
    hints: int
    landmines: int
    interruptions: int
    human_caller: bool = False  # a person played the caller (the live class)
    ending_title: str | None = None  # the ending's title as the trainee saw it; None before schema 10

    @property
    def duration(self) -> float | None:
        """Seconds from start to end (or to the last turn for a call that never ended)."""
        end = self.ended_at or self.updated_at
        return (end - self.started_at).total_seconds() if end else None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("started_at", "updated_at", "ended_at"):
            d[k] = d[k].isoformat() + "Z" if d[k] else None
        d["duration"] = self.duration
        return d


@dataclass(frozen=True)
class SessionDetail:
    """A call with every turn: `turns` are TurnResult.to_dict() dicts (score, evidence, mood,
    states) with one more key, `recorded_at` (ISO 8601 UTC)."""

    session: SessionRow
    turns: list[dict[str, Any]] = field(default_factory=list)
    reviews: dict[int, Review] = field(default_factory=dict)  # turn index -> the trainer's review

    @property
    def reviewed(self) -> dict[str, Any] | None:
        """The call's scores as reviewed (reviews.reviewed_call); None when no turn was reviewed."""
        row = self.session
        return reviewed_call(self.turns, self.reviews, ending=row.ending, service_level=row.service_level,
                             hints=row.hints)


@dataclass(frozen=True)
class BestScore:
    """A trainee's record on one scenario, for the scenario picker."""

    scenario_id: str
    best: float | None  # best overall of a completed call; None if never completed
    attempts: int       # every session, whatever its status
    completed: int
    best_used_hints: bool  # the best call used at least one hint
    best_reviewed: bool = False  # the best is a call a trainer reviewed (no machine-scored call reaches it)


# ---------------------------------------------------------------------------- engine set-up
def _is_sqlite(url: str) -> bool:
    return sa.engine.make_url(url).get_backend_name() == "sqlite"


def _json(value: Any) -> str:
    """JSON columns as written: no spaces, and Chinese as itself rather than \\u escapes."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _read_only_opener(url: str) -> Callable[[], Any] | None:
    """How to read a SQLite file that cannot be opened as usual because its folder cannot be
    written (a mounted backup, a copy on a CD): a database in WAL mode needs its -shm file beside
    it. With no -wal beside it either, the file holds everything and is opened immutable, as it
    is. With a -wal (calls committed but not yet copied into the file), both are copied to a
    temporary folder (removed when the store closes) and that copy is opened read-only, so
    nothing committed is left out. Either way, writing fails as read-only. None for anything else
    (not SQLite, or no readable file there). Taken only after the usual open failed as "unable to
    open" or read-only: whether a folder can be written is not asked, since Windows does not say."""
    import sqlite3

    if not _is_sqlite(url):
        return None
    path = sa.engine.make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:") or not os.access(path, os.R_OK):
        return None
    source, query, scratch = Path(path).resolve(), "?mode=ro&immutable=1", None
    wal = Path(f"{source}-wal")
    if wal.exists() and wal.stat().st_size:
        import shutil
        import tempfile

        scratch = tempfile.mkdtemp(prefix="mystery-guest-read-only-")
        copy = Path(scratch) / source.name
        shutil.copy2(source, copy)
        shutil.copy2(wal, f"{copy}-wal")
        source, query = copy, "?mode=ro"
    # A URI filename with '#', '?' and '%' escaped; a Windows share (//server/share) keeps its
    # slashes in the path, since SQLite refuses a URI with an authority.
    posix = source.as_posix()
    uri = "file:" + ("//" if posix.startswith("//") else "") + quote(posix, safe="/:") + query

    def opener():
        return sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False)

    opener.scratch = scratch  # type: ignore[attr-defined]
    return opener


def _make_engine(url: str, opener: Callable[[], Any] | None = None) -> sa.Engine:
    """An engine for `url`; `opener` makes its SQLite connections instead (_read_only_opener)."""
    if not _is_sqlite(url):
        return sa.create_engine(url, pool_pre_ping=True, future=True, json_serializer=_json)
    if opener is not None:
        engine = sa.create_engine("sqlite://", creator=opener, json_serializer=_json,
                                  poolclass=sa.pool.QueuePool)
    else:  # 30 s busy timeout in the driver; the pragma below repeats it for connections made elsewhere
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                                  json_serializer=_json)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        if sa.engine.make_url(url).database not in (None, "", ":memory:"):
            try:
                cur.execute("PRAGMA journal_mode=WAL")  # readers never block the writer, nor the reverse
            except dbapi_conn.OperationalError:
                pass  # a read-only file keeps its journal mode; reading still works
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=FULL")  # a committed turn survives a power cut, not only a crash
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Writers take the lock up front: a deferred transaction that reads and then writes
        # can fail at once with "database is locked" instead of waiting its turn.
        immediate = conn.get_execution_options().get("mg_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _transient(exc: BaseException) -> bool:
    """Worth retrying at once: SQLite busy/locked, PostgreSQL serialization failure or deadlock.

    A lost connection is not retried here: the recorder (recorder.py) owns that, with longer
    waits and the journal behind it; pool_pre_ping already replaces stale pooled connections."""
    text = str(getattr(exc, "orig", exc)).lower()
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return ("database is locked" in text or "database is busy" in text or "busy" in text
            or code in ("40001", "40P01") or "could not serialize" in text or "deadlock" in text)


# ---------------------------------------------------------------------------- the store
class Store:
    """Sessions and turns in a SQL database. Thread-safe; one per process is enough.

    Open with `Store.open(url)`; close with `close()` (or use it as a context manager)."""

    attempts = 8        # tries for a write that meets a locked database
    backoff = 0.05      # first wait, seconds; doubles each try, with jitter

    def __init__(self, engine: sa.Engine, url: str, *, stale_minutes: float = STALE_MINUTES):
        self.engine = engine
        self.url = url
        self.stale = timedelta(minutes=stale_minutes)
        self._writer = engine.execution_options(mg_write=True)
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self._ids: dict[str, int] = {}  # recorder call key -> session id
        self._text_ids: dict[str, int] = {}  # digest -> texts.id, of texts known to be committed
        self._scratch: str | None = None  # a read-only copy's temporary folder (_read_only_opener)
        self.read_only = False  # opened as it is, to be read only (_read_only_opener): writes will fail

    # -------------------------------------------------------------- opening
    @classmethod
    def open(cls, url: str | None = None, *, stale_minutes: float | None = None) -> "Store":
        """Connect, create the tables or upgrade an older schema (never silently: a newer schema
        raises schema.SchemaError). `url`: any SQLAlchemy URL or a file path; None → $MYSTERY_GUEST_DB
        or the default SQLite file. `stale_minutes` (default $MYSTERY_GUEST_STALE_MINUTES or 30):
        how long a call on another machine may go without a turn before it counts as abandoned."""
        url = resolve_url(url)
        check_url(url)
        if stale_minutes is None:
            try:
                stale_minutes = float(os.environ.get(ENV_STALE) or STALE_MINUTES)
            except ValueError:
                raise ValueError(f"{ENV_STALE} must be a number of minutes, not {os.environ.get(ENV_STALE)!r}")
        engine = _make_engine(url)
        store = cls(engine, url, stale_minutes=stale_minutes)
        try:
            try:
                version = store._read(S.read_version)
            except sa.exc.OperationalError as exc:
                # A folder that cannot be written: the bind-mounted backup says "unable to open",
                # a file and folder without write permission "attempt to write a readonly database"
                # (a WAL file needs its -shm beside it, even to be read).
                unreadable = "unable to open" in str(exc).lower() or is_read_only(exc)
                opener = _read_only_opener(url) if unreadable else None
                if opener is None:
                    raise
                engine.dispose()
                engine = _make_engine(url, opener)
                store = cls(engine, url, stale_minutes=stale_minutes)
                store._scratch = opener.scratch
                store.read_only = True
                version = store._read(S.read_version)
            # Asked for as read-only ("file:...?mode=ro"): say so before a call, not at its first write.
            # (SQLite reads mode= only in a URI filename: uri=true too, else the file is opened for writing.)
            store.read_only = store.read_only or (_is_sqlite(url) and bool(re.search(r"[?&]uri=true\b", url))
                                                  and bool(re.search(r"[?&](mode=ro|immutable=1)\b", url)))
            # A current schema needs no write: a read-only copy can still be listed and exported.
            if version != S.SCHEMA_VERSION:
                store._write(store._setup)
        except Exception:
            engine.dispose()
            raise
        return store

    def _setup(self, conn: sa.Connection) -> None:
        if conn.dialect.name == "postgresql":
            # One opener at a time creates or upgrades the tables (the lock ends with the transaction).
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(724242)")
        S.ensure_schema(conn)

    def close(self) -> None:
        """Release the connections (and a read-only copy's temporary folder, _read_only_opener)."""
        self.engine.dispose()
        if self._scratch:
            import shutil

            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -------------------------------------------------------------- plumbing
    def _write(self, fn: Callable[[sa.Connection], _T]) -> _T:
        """Run fn in one write transaction; retry with exponential backoff when the database is busy."""
        return self._retrying(self._writer.begin, fn)

    def _read(self, fn: Callable[[sa.Connection], _T]) -> _T:
        return self._retrying(self.engine.connect, fn)

    def _retrying(self, open_conn: Callable[[], Any], fn: Callable[[sa.Connection], _T]) -> _T:
        """Busy/locked errors are retried with growing, jittered waits; others are raised at once."""
        delay = self.backoff
        for attempt in range(1, self.attempts + 1):
            try:
                with open_conn() as conn:
                    return fn(conn)
            except sa.exc.DBAPIError as exc:
                if attempt == self.attempts or not _transient(exc):
                    raise
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 2.0)
        raise AssertionError("unreachable")

    @staticmethod
    def _insert_ignore(conn: sa.Connection, table: sa.Table, values: dict, keys: list[str]) -> None:
        """INSERT that does nothing if a row with the same keys exists (idempotent writes)."""
        if conn.dialect.name in ("sqlite", "postgresql"):
            if conn.dialect.name == "sqlite":
                from sqlalchemy.dialects.sqlite import insert
            else:
                from sqlalchemy.dialects.postgresql import insert
            conn.execute(insert(table).values(**values).on_conflict_do_nothing(index_elements=keys))
            return
        exists = conn.execute(sa.select(sa.literal(1)).select_from(table).where(
            *[table.c[k] == values[k] for k in keys])).first()
        if not exists:
            conn.execute(table.insert().values(**values))

    def _trainee_ids(self, conn: sa.Connection, trainee: str, cohort: str) -> tuple[int, int]:
        """(cohort_id, trainee_id), created if new; safe when two processes create the same name."""
        now = utcnow()
        self._insert_ignore(conn, S.cohorts, {"name": cohort, "created_at": now}, ["name"])
        cohort_id = conn.execute(sa.select(S.cohorts.c.id).where(S.cohorts.c.name == cohort)).scalar_one()
        self._insert_ignore(conn, S.trainees, {"cohort_id": cohort_id, "name": trainee, "created_at": now},
                            ["cohort_id", "name"])
        trainee_id = conn.execute(sa.select(S.trainees.c.id).where(
            S.trainees.c.cohort_id == cohort_id, S.trainees.c.name == trainee)).scalar_one()
        return cohort_id, trainee_id

    # -------------------------------------------------------------- writing a call
    # A call is written as three kinds of record (simulator/store/records.py): plain data, so the
    # same record can wait in the local journal and be written later, any number of times.
    def write(self, record: dict[str, Any]) -> bool:
        """Write one record (start, turn or finish) of a call identified by its `call` key.

        Idempotent: a record already in the store changes nothing. Returns True when it wrote
        something new (used to count calls saved from the journal)."""
        kind = record["event"]
        if kind == "start":
            return self._write(lambda conn: self._insert_session(conn, record))
        session_id = self.session_id_for(record["call"])
        if session_id is None:
            raise LookupError(f"call {record['call']} has no start record in the store")
        if kind == "turn":
            return self._write_turn(session_id, record["row"])
        if kind == "finish":
            return self._write(lambda conn: self._finish(conn, session_id, record))
        raise ValueError(f"unknown record {kind!r}")

    def session_id_for(self, call: str) -> int | None:
        """The database id of the call with this recorder key."""
        if call not in self._ids:
            sid = self._read(lambda conn: conn.execute(
                sa.select(S.sessions.c.id).where(S.sessions.c.call_key == call)).scalar())
            if sid is None:
                return None
            self._ids[call] = int(sid)
        return self._ids[call]

    def _insert_session(self, conn: sa.Connection, rec: dict[str, Any]) -> bool:
        if conn.execute(sa.select(S.sessions.c.id).where(S.sessions.c.call_key == rec["call"])).first():
            return False
        trainee, cohort = plain(rec["trainee"], lines=False), plain(rec["cohort"], lines=False)
        if not trainee or not cohort:
            raise ValueError("a session needs a trainee name and a cohort name")
        cohort_id, trainee_id = self._trainee_ids(conn, trainee, cohort)
        at = _time(rec["started_at"])
        res = conn.execute(S.sessions.insert().values(
            cohort_id=cohort_id, trainee_id=trainee_id, scenario_id=rec["scenario_id"],
            scenario_title=rec["scenario_title"], scenario_hash=rec["scenario_hash"], locale=rec["locale"],
            persona=rec["persona"], opening=rec["opening"], seed=int(rec["seed"]), mode=rec["mode"],
            status="in_progress", started_at=at, updated_at=at, host=rec.get("host") or self.host,
            pid=rec.get("pid"), call_key=rec["call"], human_caller=bool(rec.get("human_caller"))))
        self._ids[rec["call"]] = int(res.inserted_primary_key[0])
        return True

    def turn_values(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The turns table's values for turn rows (records.turn_row) exactly as write() stores them,
        without session_id: for bulk loads such as benchmarks/bench_store.py. Their texts are stored."""
        interned: dict[str, int] = {}

        def values(conn: sa.Connection) -> list[dict[str, Any]]:
            interned.clear()
            return [self._turn_values(conn, row, interned) for row in rows]

        out = self._write(values)
        self._text_ids.update(interned)
        return out

    def _write_turn(self, session_id: int, row: dict[str, Any]) -> bool:
        interned: dict[str, int] = {}

        def write(conn: sa.Connection) -> bool:
            interned.clear()  # a retried transaction starts again
            return self._insert_turn(conn, session_id, row, interned)

        wrote = self._write(write)
        self._text_ids.update(interned)  # committed now: safe to remember
        return wrote

    def _turn_values(self, conn: sa.Connection, row: dict[str, Any], interned: dict[str, int]) -> dict[str, Any]:
        """A turn row as stored: a format 2 detail's texts become ids in `texts` (added if new)."""
        values = {**row, "recorded_at": _time(row["recorded_at"])}
        detail = row["detail"]
        if isinstance(detail, dict) and detail.get("v") == FORMAT and "texts" in detail:
            ids = self._store_texts(conn, detail["texts"], interned)
            values["detail"] = {**{k: v for k, v in detail.items() if k != "texts"}, "t": ids}
        return values

    def _store_texts(self, conn: sa.Connection, texts: list[str], interned: dict[str, int]) -> list[int]:
        """texts.id of each text, adding the new ones (two writers adding the same text get one row)."""
        digests = [hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest() for t in texts]
        known = {**self._text_ids, **interned}
        missing = {d: t for d, t in zip(digests, texts) if d not in known}
        if missing:
            t = S.texts.c
            found = dict(conn.execute(sa.select(t.digest, t.id).where(t.digest.in_(list(missing)))).all())
            new = [{"digest": d, "body": body} for d, body in missing.items() if d not in found]
            if new:
                if conn.dialect.name == "sqlite":
                    from sqlalchemy.dialects.sqlite import insert
                else:
                    from sqlalchemy.dialects.postgresql import insert
                conn.execute(insert(S.texts).on_conflict_do_nothing(index_elements=["digest"]), new)
                found.update(conn.execute(sa.select(t.digest, t.id).where(
                    t.digest.in_([n["digest"] for n in new]))).all())
            interned.update(found)
            known.update(found)
        return [known[d] for d in digests]

    def _insert_turn(self, conn: sa.Connection, session_id: int, row: dict[str, Any],
                     interned: dict[str, int]) -> bool:
        t = S.sessions.c
        index = int(row["idx"])
        if conn.execute(sa.select(S.turns.c.idx).where(S.turns.c.session_id == session_id,
                                                        S.turns.c.idx == index)).first():
            return False
        values = self._turn_values(conn, row, interned)
        at = values["recorded_at"]
        conn.execute(S.turns.insert().values(**{**values, "session_id": session_id}))
        # The call's landmines and interruptions add up as its turns arrive, so a call cut off
        # before its end (abandoned, left) still counts the ones it had; finishing writes the same
        # totals (a transcript had said "interruptions 0" over a turn marked interrupted: trial 23).
        talked_over = int(bool(values.get("interrupted")) and values.get("kind") == "reply")
        conn.execute(S.sessions.update().where(t.id == session_id).values(
            updated_at=at, landmines=t.landmines + int(values.get("landmines") or 0),
            interruptions=t.interruptions + talked_over,
            turn_count=sa.func.max(t.turn_count, index + 1)
            if conn.dialect.name == "sqlite" else sa.func.greatest(t.turn_count, index + 1),
            status=sa.case((t.status == "abandoned", "in_progress"), else_=t.status)))
        return True

    @staticmethod
    def _finish(conn: sa.Connection, session_id: int, rec: dict[str, Any]) -> bool:
        t = S.sessions.c
        at = _time(rec["at"])
        values = dict(rec["values"], status=rec["status"], ended_at=at, updated_at=at)
        # A finish already written (same end time and status) is not written again.
        done = conn.execute(sa.select(t.status, t.ended_at).where(t.id == session_id)).first()
        if done is not None and done.status == rec["status"] and done.ended_at == at:
            return False
        conn.execute(S.sessions.update().where(t.id == session_id).values(**values))
        return True

    # The engine-facing calls used by tests, benchmarks and scripts; the recorder uses write().
    def start_session(self, *, trainee: str, cohort: str, session: "Session", mode: str = "live") -> int:
        """Record a new call (status in_progress, owned by this process); returns its id.

        `session` is a fresh simulator.session.Session (its scenario, seed and opening line are
        stored). `mode`: "live" (the app), "replay" (recorded headless run) or another short word."""
        from simulator.store.records import start_record

        rec = start_record(session, trainee=trainee, cohort=cohort, mode=mode)
        self.write(rec)
        return self._ids[rec["call"]]

    def record_turn(self, session_id: int, turn: "TurnResult") -> None:
        """Commit one turn now. Idempotent: the same (session, turn index) written twice is one row.

        Also beats the session's heartbeat (updated_at); a call marked abandoned because its
        machine went quiet comes back to in_progress when a turn arrives."""
        from simulator.store.records import turn_row

        self._write_turn(session_id, turn_row(turn))

    def finish_session(self, session_id: int, session: "Session", status: str = "completed") -> None:
        """Close a call: status "completed" (an ending was reached) or "left" (the trainee hung up).

        Scores come from session.summary() (simulator.session.summarise), stored as they are."""
        from simulator.store.records import finish_record

        rec = finish_record("", session, status)
        self._write(lambda conn: self._finish(conn, session_id, rec))

    # -------------------------------------------------------------- abandoned calls
    def mark_abandoned(self, now: datetime | None = None) -> int:
        """Mark calls whose owner is gone as abandoned (abandon_dead_calls); returns how many."""
        return len(self.abandon_dead_calls(now))

    def abandon_dead_calls(self, now: datetime | None = None, *, here_only: bool = False) -> list[int]:
        """Mark calls whose owner is gone as abandoned; returns their ids (`here_only`: only calls
        of this machine, by the process check, as the app's start names a call cut off by a closed
        terminal). The rule:

        an in_progress call is abandoned when (a) it was started on this host and its process id
        is no longer running, or (b) it was started on another host (or the owner is unknown) and
        no turn has arrived for `stale_minutes`. Its turns stay as they were written."""
        now = now or utcnow()
        t = S.sessions.c
        rows = self._read(lambda conn: conn.execute(
            sa.select(t.id, t.host, t.pid, t.updated_at, t.started_at).where(t.status == "in_progress")).all())
        gone = []
        for r in rows:
            last = r.updated_at or r.started_at
            if r.host == self.host and r.pid is not None and _can_check_pids():
                if not pid_alive(r.pid):
                    gone.append((r.id, last))
            elif now - last > self.stale and not here_only:
                gone.append((r.id, last))
        if not gone:
            return []

        def write(conn: sa.Connection) -> list[int]:
            return [sid for sid, last in gone
                    if conn.execute(S.sessions.update().where(t.id == sid, t.status == "in_progress").values(
                        status="abandoned", ended_at=last)).rowcount]

        return self._write(write)

    def _sweep(self) -> None:
        """mark_abandoned before a listing; a reader without write rights still gets its list."""
        try:
            self.mark_abandoned()
        except sa.exc.DBAPIError as exc:
            read_only = is_read_only(exc) or "permission denied" in str(exc).lower()
            if not (read_only or _transient(exc)):  # busy for too long, or not ours to write: list anyway
                raise

    # -------------------------------------------------------------- reading
    def _session_query(self) -> sa.Select:
        s, tr, co = S.sessions, S.trainees, S.cohorts
        return (sa.select(
            s.c.id, co.c.name.label("cohort"), tr.c.name.label("trainee"), s.c.scenario_id, s.c.scenario_title,
            s.c.scenario_hash, s.c.locale, s.c.persona, s.c.opening, s.c.seed, s.c.mode, s.c.status,
            s.c.started_at, s.c.updated_at, s.c.ended_at, s.c.turn_count.label("turns"), s.c.ending,
            s.c.outcome, s.c.service_level, s.c.overall, s.c.listening, s.c.empathy, s.c.policy, s.c.hints,
            s.c.landmines, s.c.interruptions, s.c.human_caller, s.c.ending_title)
            .select_from(s.join(tr, tr.c.id == s.c.trainee_id).join(co, co.c.id == s.c.cohort_id)))

    def sessions(self, cohort: str | None = None, *, trainee: str | None = None,
                 scenario: str | None = None, status: str | None = None,
                 limit: int | None = None) -> list[SessionRow]:
        """Calls, newest first, optionally filtered. Marks dead calls abandoned first."""
        self._sweep()
        q = self._session_query()
        if cohort is not None:  # by id: lets the (cohort, started_at) index give the newest first
            q = q.where(S.sessions.c.cohort_id == sa.select(S.cohorts.c.id).where(
                S.cohorts.c.name == cohort).scalar_subquery())
        if trainee is not None:
            q = q.where(S.trainees.c.name == trainee)
        if scenario is not None:
            q = q.where(S.sessions.c.scenario_id == scenario)
        if status is not None:
            q = q.where(S.sessions.c.status == status)
        q = q.order_by(S.sessions.c.started_at.desc(), S.sessions.c.id.desc())
        if limit:
            q = q.limit(limit)
        return self._read(lambda conn: [_row(r) for r in conn.execute(q)])

    def session_detail(self, session_id: int) -> SessionDetail | None:
        """One call and all its turns, in order; None if there is no such call."""
        self._sweep()

        def read(conn: sa.Connection) -> SessionDetail | None:
            r = conn.execute(self._session_query().where(S.sessions.c.id == session_id)).first()
            if r is None:
                return None
            rows = conn.execute(sa.select(*_TURN_COLUMNS).where(S.turns.c.session_id == session_id)
                                .order_by(S.turns.c.idx)).all()
            return SessionDetail(_row(r), _turns(conn, rows), _reviews(conn, [session_id]).get(session_id, {}))

        return self._read(read)

    def turns_for(self, session_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
        """Turns (TurnResult.to_dict() dicts) of several calls, by session id (for exports)."""
        ids = list(session_ids)
        out: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
        if not ids:
            return out

        def read(conn: sa.Connection) -> None:
            for chunk in range(0, len(ids), 500):
                q = (sa.select(S.turns.c.session_id, *_TURN_COLUMNS)
                     .where(S.turns.c.session_id.in_(ids[chunk:chunk + 500]))
                     .order_by(S.turns.c.session_id, S.turns.c.idx))
                rows = conn.execute(q).all()
                for r, turn in zip(rows, _turns(conn, rows)):
                    out[r.session_id].append(turn)

        self._read(read)
        return out

    # -------------------------------------------------------------- reviews (simulator/store/reviews.py)
    def save_review(self, session_id: int, turn: int, *, listening: int, empathy: int, policy: int | None = None,
                    landmines: Iterable[str] = (), note: str = "", reviewer: str) -> Review:
        """Store a trainer's review of one reply (turn: 0-based index), replacing their earlier one
        of that turn. The machine's scores are not touched. ReviewError (one line) for bad values,
        a turn that does not exist, a silence, or a reviewer who is the call's own trainee."""
        values = check_review(listening=listening, empathy=empathy, policy=policy, landmines=landmines,
                              note=note, reviewer=reviewer)
        at = utcnow()
        r = S.reviews.c

        def write(conn: sa.Connection) -> None:
            kind = conn.execute(sa.select(S.turns.c.kind).where(
                S.turns.c.session_id == session_id, S.turns.c.idx == turn)).scalar()
            if kind is None:
                raise ReviewError(f"session {session_id} has no turn {turn + 1}")
            trainee = conn.execute(sa.select(S.trainees.c.name).join(
                S.sessions, S.sessions.c.trainee_id == S.trainees.c.id).where(S.sessions.c.id == session_id)).scalar()
            if trainee is not None and plain(trainee, lines=False).casefold() == values["reviewer"].casefold():
                # a review outranks the machine's score: the trainee who made the call never gives one
                name = plain(trainee, lines=False)
                raise ReviewError(f"{name} made this call: a trainer reviews it, not its trainee", "review.own_call",
                                  trainee=name)
            if kind != "reply":
                raise ReviewError(f"turn {turn + 1} of session {session_id} was a silence: there is no reply to review")
            conn.execute(S.reviews.delete().where(r.session_id == session_id, r.idx == turn))
            conn.execute(S.reviews.insert().values(session_id=session_id, idx=turn, reviewed_at=at,
                                                   **{**values, "landmines": list(values["landmines"])}))

        self._write(write)
        return Review(session_id, turn, reviewed_at=at, **values)

    def reviews(self, session_ids: Iterable[int]) -> dict[int, dict[int, Review]]:
        """The reviews of these calls: session id -> turn index -> Review (calls with none left out)."""
        ids = list(session_ids)
        return self._read(lambda conn: _reviews(conn, ids)) if ids else {}

    def reviewed_calls(self, rows: Iterable[SessionRow]) -> dict[int, dict[str, Any]]:
        """The scores as reviewed (reviews.reviewed_call) of those of these calls that have reviews."""
        rows = {r.id: r for r in rows}
        found = self.reviews(rows)
        turns = self.turns_for(found)
        return {sid: reviewed_call(turns[sid], found[sid], ending=rows[sid].ending,
                                   service_level=rows[sid].service_level, hints=rows[sid].hints)
                for sid in found}

    def cohorts(self) -> list[str]:
        """Cohort names, alphabetically."""
        return self._read(lambda conn: [plain(n, lines=False) for n in conn.execute(
            sa.select(S.cohorts.c.name).order_by(S.cohorts.c.name)).scalars()])

    def best_scores(self, trainee: str, cohort: str) -> dict[str, BestScore]:
        """The trainee's record per scenario id (best completed overall, attempts), for the picker."""
        s, tr, co = S.sessions, S.trainees, S.cohorts
        completed = s.c.status == "completed"
        who = (sa.select(tr.c.id).join(co, co.c.id == tr.c.cohort_id)
               .where(co.c.name == cohort, tr.c.name == trainee))

        def read(conn: sa.Connection) -> dict[str, BestScore]:
            trainee_id = conn.execute(who).scalar()  # first the id: then the trainee index does the rest
            if trainee_id is None:
                return {}
            rows = conn.execute(
                sa.select(s.c.scenario_id, sa.func.count().label("attempts"),
                          sa.func.sum(sa.case((completed, 1), else_=0)).label("completed"))
                .where(s.c.trainee_id == trainee_id).group_by(s.c.scenario_id)).all()
            # Reviewed calls count with their reviewed overall (rule 6 of the leaderboard).
            calls = [list(c) for c in conn.execute(sa.select(s.c.id, s.c.scenario_id, s.c.overall, s.c.hints)
                                                   .where(s.c.trainee_id == trainee_id, completed))]
            reviewed = self._reviewed_overall(conn, [c[0] for c in calls])
            best: dict[str, float] = {}
            for c in calls:
                c[2] = reviewed.get(c[0], c[2])
                if c[2] is not None:
                    best[c[1]] = max(c[2], best.get(c[1], c[2]))
            # A best that only reviewed calls reach is the trainer's word (the picker marks it †).
            by_review = set(best) - {sc for sid, sc, overall, _ in calls
                                     if overall == best.get(sc) and sid not in reviewed}
            # Hints on the best call: the fewest hints among the trainee's calls at the best score.
            fewest: dict[tuple[str, float], int] = {}
            for _, sc, overall, hints in calls:
                if overall is not None:
                    fewest[(sc, overall)] = min(hints, fewest.get((sc, overall), hints))
            return {r.scenario_id: BestScore(r.scenario_id, best.get(r.scenario_id), int(r.attempts),
                                             int(r.completed or 0), r.scenario_id in best
                                             and fewest.get((r.scenario_id, best[r.scenario_id]), 0) > 0,
                                             r.scenario_id in by_review)
                    for r in rows}

        return self._read(read)

    @staticmethod
    def _reviewed_overall(conn: sa.Connection, ids: list[int]) -> dict[int, float | None]:
        """The reviewed overall of those of these calls a trainer reviewed."""
        return {sid: scores["overall"] for sid, scores in reviewed_scores(conn, ids).items()}

    def leaderboard(self, cohort: str, scenario: str | None = None, *, min_completed: int = 1):
        """Ranked rows for a cohort (see simulator/store/leaderboard.py for the ranking rule)."""
        from simulator.store.leaderboard import leaderboard

        return leaderboard(self, cohort, scenario, min_completed=min_completed)


def _time(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _row(r: Any) -> SessionRow:
    """A session row with every text plain (rows written by older versions may hold escapes)."""
    values = {k: plain(v, lines=k == "opening") if isinstance(v, str) else v for k, v in r._mapping.items()}
    values["human_caller"] = bool(values.get("human_caller"))
    return SessionRow(**values)


# What records.turn_dict needs of a stored turn, besides its texts.
_TURN_COLUMNS = tuple(S.turns.c[name] for name in (
    "idx", "kind", "reply", "interrupted", "latency", "state_before", "state_after", "stage", "mood_before",
    "mood_after", "listening", "empathy", "policy", "hints_before", "ending", "detail", "recorded_at"))


def _turns(conn: sa.Connection, rows: list[Any]) -> list[dict[str, Any]]:
    """Stored turns as TurnResult.to_dict() plus `recorded_at` (ISO UTC, or None for old rows),
    with the texts their details refer to read in one query per 500."""
    details = [json.loads(r.detail) if isinstance(r.detail, str) else r.detail for r in rows]  # text on a few drivers
    ids = sorted({i for d in details if d.get("v") == FORMAT for i in d["t"]})
    bodies: dict[int, str] = {}
    for chunk in range(0, len(ids), 500):
        t = S.texts.c
        bodies.update(conn.execute(sa.select(t.id, t.body).where(t.id.in_(ids[chunk:chunk + 500]))).all())
    out = []
    for r, d in zip(rows, details):
        turn = plain_data(turn_dict(r._mapping, d, [bodies[i] for i in d.get("t", ())]))
        turn["recorded_at"] = r.recorded_at.isoformat() + "Z" if r.recorded_at else None
        out.append(turn)
    return out


def reviewed_scores(conn: sa.Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The scores that count for those of these calls a trainer reviewed: reviews.reviewed_call
    (listening, empathy, policy, overall, landmines, reviewed_turns). Every figure a person reads
    (leaderboard, picker, cohort report) takes a reviewed call's scores from here or from
    reviewed_call, the machine's stored scores for the rest."""
    found = _reviews(conn, ids)
    if not found:
        return {}
    c = S.sessions.c
    rows = {r.id: r for r in conn.execute(sa.select(c.id, c.ending, c.service_level, c.hints)
                                           .where(c.id.in_(list(found))))}
    turns = conn.execute(sa.select(S.turns.c.session_id, *_TURN_COLUMNS).where(
        S.turns.c.session_id.in_(list(found))).order_by(S.turns.c.session_id, S.turns.c.idx)).all()
    by_call: dict[int, list[dict[str, Any]]] = {}
    for r, turn in zip(turns, _turns(conn, turns)):
        by_call.setdefault(r.session_id, []).append(turn)
    return {sid: reviewed_call(by_call.get(sid, []), marks, ending=rows[sid].ending,
                               service_level=rows[sid].service_level, hints=rows[sid].hints)
            for sid, marks in found.items()}


def _reviews(conn: sa.Connection, ids: list[int]) -> dict[int, dict[int, Review]]:
    out: dict[int, dict[int, Review]] = {}
    r = S.reviews.c
    for chunk in range(0, len(ids), 500):
        for row in conn.execute(sa.select(S.reviews).where(r.session_id.in_(ids[chunk:chunk + 500]))
                                .order_by(r.session_id, r.idx)):
            mines = json.loads(row.landmines) if isinstance(row.landmines, str) else row.landmines
            out.setdefault(row.session_id, {})[row.idx] = Review(
                row.session_id, row.idx, row.listening, row.empathy, row.policy, tuple(mines or ()),
                plain(row.note), plain(row.reviewer, lines=False), row.reviewed_at)
    return out


def _can_check_pids() -> bool:
    return os.name == "posix"  # os.kill(pid, 0) would terminate a process on Windows


def pid_alive(pid: int) -> bool:
    """Is a process with this id running on this machine (zombies count as gone)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    except OSError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    if sys.platform.startswith("linux") and stat.exists():
        try:
            state = stat.read_text().rsplit(")", 1)[1].split()[0]
            return state not in ("Z", "X")
        except (OSError, IndexError):
            return True
    return True
