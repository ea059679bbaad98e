"""The live class's transport: participants of a live call meet through the store.

A live call (schema 6) is a row in `live_calls`, found by a short code, and an ordered log in
`live_events`. Each participant (the trainee's call screen, the guest console, the watch view)
appends what it does and reads every event of the call in `seq` order, replaying them into its own
Session (simulator/live.py), so all screens agree without a server process:

    call = open_call(store, cohort="A1", trainee="Li Na", scenario_id="vas-refund", caller="human")
    link = LiveLink(store, call, deliver=lambda events: ...).start()   # every event, in order
    link.send("caller", text="Who signed me up for this?")              # queued, written in order
    link.close()

On SQLite (several terminals on one machine) a reader polls every `interval` seconds (WAL:
readers never wait for the writer), and reads the log only when the database has changed since
(`PRAGMA data_version`, which reads no table: reading the log twenty times a second cost an idle
call 17 ms of CPU a second, the check 3.5). On PostgreSQL (a room of PCs) each append also
NOTIFYs, and a reader waits on LISTEN, polling only as the fallback. Writes are retried with growing waits while
the database is busy or down; nothing sent is dropped while the link is open.
"""
from __future__ import annotations

import queue
import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable

import sqlalchemy as sa

from simulator.plaintext import plain, plain_data
from simulator.store import schema as S

if TYPE_CHECKING:
    from simulator.store.store import Store

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud across a room
CODE_LENGTH = 5
KINDS = ("joined", "reply", "silence", "hint", "caller", "move", "pause", "resume", "left", "hand_over",
         "trainer")  # "trainer": the guest console opened ({"here": true}) or closed mid-call (false)
CHANNEL = "mg_live"  # PostgreSQL NOTIFY channel; the payload is the call's id
POLL_SECONDS = 0.05  # SQLite readers' poll interval
PG_FALLBACK_SECONDS = 0.5  # PostgreSQL readers poll this often too, in case a notification is missed
RETRY_DELAYS = (0.05, 0.2, 0.5, 1.0, 2.0)


@dataclass(frozen=True)
class LiveCall:
    """A call others can join by `code`; `caller` is "human" (the trainer plays it) or "machine"."""

    id: int
    code: str
    cohort: str
    trainee: str
    scenario_id: str
    seed: int
    caller: str
    status: str  # open | ended
    created_at: datetime


@dataclass(frozen=True)
class LiveEvent:
    """One thing that happened in a live call; `body` is plain JSON data (see KINDS)."""

    seq: int
    kind: str
    body: dict[str, Any]
    at: datetime


def normal_code(text: str) -> str:
    """A code as typed ("k7pq3 ", "k7-pq3") in the form stored."""
    return "".join(ch for ch in plain(text or "", lines=False).upper() if ch.isalnum())


def _call(row: Any) -> LiveCall:
    m = row._mapping
    return LiveCall(id=m["id"], code=m["code"], cohort=plain(m["cohort"], lines=False),
                    trainee=plain(m["trainee"], lines=False), scenario_id=m["scenario_id"], seed=int(m["seed"]),
                    caller=m["caller"], status=m["status"], created_at=m["created_at"])


def open_call(store: "Store", *, cohort: str, trainee: str, scenario_id: str, caller: str,
              seed: int | None = None) -> LiveCall:
    """A new live call with a fresh code (status open)."""
    from simulator.store.store import utcnow

    cohort, trainee = plain(cohort, lines=False), plain(trainee, lines=False)
    if not cohort or not trainee:
        raise ValueError("a live call needs a cohort and a trainee")
    if caller not in ("human", "machine"):
        raise ValueError(f"caller must be human or machine, not {caller!r}")
    seed = random.randrange(2**31) if seed is None else seed
    for _ in range(20):
        code = "".join(random.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))

        def write(conn: sa.Connection) -> int | None:
            if conn.execute(sa.select(S.live_calls.c.id).where(S.live_calls.c.code == code)).first():
                return None  # taken: draw another
            return conn.execute(S.live_calls.insert().values(
                code=code, cohort=cohort, trainee=trainee, scenario_id=scenario_id, seed=seed, caller=caller,
                status="open", created_at=utcnow())).inserted_primary_key[0]

        call_id = store._write(write)
        if call_id is not None:
            return find_call(store, code)
    raise RuntimeError("could not find a free live call code")


def find_call(store: "Store", code: str) -> LiveCall | None:
    """The live call with this code (as typed), or None."""
    code = normal_code(code)
    row = store._read(lambda conn: conn.execute(
        sa.select(S.live_calls).where(S.live_calls.c.code == code)).first())
    return _call(row) if row is not None else None


def newest_call(store: "Store", cohort: str, *, after: int = 0) -> LiveCall | None:
    """The cohort's newest live call with an id above `after` (how a watcher follows a class)."""
    c = S.live_calls.c
    row = store._read(lambda conn: conn.execute(
        sa.select(S.live_calls).where(c.cohort == cohort, c.id > after).order_by(c.id.desc()).limit(1)).first())
    return _call(row) if row is not None else None


def trainees_called(store: "Store", cohort: str, since: datetime) -> list[str]:
    """Who took a live call of the cohort since `since`, in order (a restarted class console
    keeps its lots: nobody twice until everyone has gone)."""
    c = S.live_calls.c
    rows = store._read(lambda conn: conn.execute(
        sa.select(c.trainee).where(c.cohort == cohort, c.created_at >= since).order_by(c.id)).scalars().all())
    return [plain(n, lines=False) for n in rows]


def end_call(store: "Store", call_id: int) -> None:
    store._write(lambda conn: conn.execute(
        S.live_calls.update().where(S.live_calls.c.id == call_id).values(status="ended")))


def roster(store: "Store", cohort: str) -> list[str]:
    """The trainees of a cohort in the store, by name."""
    tr, co = S.trainees, S.cohorts
    return store._read(lambda conn: [plain(n, lines=False) for n in conn.execute(
        sa.select(tr.c.name).join(co, co.c.id == tr.c.cohort_id).where(co.c.name == cohort)
        .order_by(tr.c.name)).scalars()])


def append(store: "Store", call_id: int, kind: str, body: dict[str, Any] | None = None) -> int:
    """Add an event to the call's log; returns its seq. The next seq is taken under a lock on the
    call (SQLite: the write lock; PostgreSQL: the call's row), so seqs commit in order."""
    from simulator.store.store import utcnow

    if kind not in KINDS:
        raise ValueError(f"unknown live event {kind!r}")
    body = plain_data(dict(body or {}))

    def write(conn: sa.Connection) -> int:
        c, e = S.live_calls.c, S.live_events.c
        lock = sa.select(c.id).where(c.id == call_id)
        if conn.dialect.name == "postgresql":
            lock = lock.with_for_update()
        if conn.execute(lock).first() is None:
            raise LookupError(f"no live call {call_id}")
        seq = conn.execute(sa.select(sa.func.coalesce(sa.func.max(e.seq), 0)).where(e.call_id == call_id)).scalar() + 1
        conn.execute(S.live_events.insert().values(call_id=call_id, seq=seq, kind=kind, body=body, at=utcnow()))
        if conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_notify(CHANNEL, str(call_id))))  # delivered at commit
        return seq

    return store._write(write)


def events_after(store: "Store", call_id: int, seq: int = 0) -> list[LiveEvent]:
    """The call's events after `seq`, in order."""
    e = S.live_events.c
    rows = store._read(lambda conn: conn.execute(
        sa.select(e.seq, e.kind, e.body, e.at).where(e.call_id == call_id, e.seq > seq).order_by(e.seq)).all())
    return [LiveEvent(r.seq, r.kind, plain_data(r.body if isinstance(r.body, dict) else {}), r.at) for r in rows]


Deliver = Callable[[list[LiveEvent]], None]


class LiveLink:
    """One participant's link to a live call: `send` queues an event (written in order by a
    thread), and `deliver` is called from the reader thread with every event of the call, in seq
    order, from the first (a late joiner catches up). `notice(key, **values)` hears of trouble
    (a locale catalogue key), once per spell of it."""

    def __init__(self, store: "Store", call: LiveCall, deliver: Deliver, *,
                 notice: Callable[..., None] = lambda key, **v: None, interval: float | None = None) -> None:
        self.store = store
        self.call = call
        self.deliver = deliver
        self.notice = notice
        self.postgres = store.engine.dialect.name == "postgresql"
        self.interval = interval if interval is not None else (PG_FALLBACK_SECONDS if self.postgres else POLL_SECONDS)
        self.seen = 0  # the last seq delivered
        self._outbox: "queue.Queue[tuple[str, dict] | None]" = queue.Queue()
        self._stop = threading.Event()
        self._wake = threading.Event()  # a send was written: read at once rather than at the next poll
        self._threads: list[threading.Thread] = []
        self._listener = None
        self._listen_failed = -1e9  # monotonic time of the last failed LISTEN connection
        self._watcher = None  # SQLite: the reader's own connection, asked for PRAGMA data_version
        self._version = None  # the data_version of the last successful read of the log
        database = store.engine.url.database
        self._watch = not self.postgres and database not in (None, "", ":memory:")  # another connection's commits

    def start(self) -> "LiveLink":
        for target, name in ((self._read_loop, "reader"), (self._send_loop, "sender")):
            thread = threading.Thread(target=target, name=f"mystery-guest-live-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def send(self, kind: str, **body: Any) -> None:
        """Queue an event; it reaches every participant (this one too) through the log."""
        if kind not in KINDS:
            raise ValueError(f"unknown live event {kind!r}")
        self._outbox.put((kind, body))

    def close_in_background(self) -> None:
        """close() in a thread of its own: a screen leaving its call must not wait for the writes."""
        threading.Thread(target=self.close, name="mystery-guest-live-close", daemon=True).start()

    def close(self, timeout: float = 2.0) -> None:
        """Write what is queued (waiting at most `timeout`), then stop both threads."""
        self._outbox.put(None)
        deadline = time.monotonic() + timeout
        for thread in self._threads[1:]:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._stop.set()
        self._wake.set()
        for thread in self._threads[:1]:
            thread.join(max(0.1, deadline - time.monotonic()))

    # ------------------------------------------------------------------ threads
    def _send_loop(self) -> None:
        while True:
            item = self._outbox.get()
            if item is None:
                return
            kind, body = item
            for attempt in range(10**9):
                try:
                    append(self.store, self.call.id, kind, body)
                    break
                except (ValueError, LookupError) as exc:  # a wrong event: said, and dropped
                    self.notice("live.rejected", error=str(exc))
                    break
                except Exception as exc:  # noqa: BLE001 - busy, down, unreachable: keep trying
                    if attempt == 0:
                        self.notice("live.unavailable", error=_reason(exc))
                    if self._stop.wait(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]):
                        return
            self._wake.set()

    def _read_loop(self) -> None:
        failing = False
        while not self._stop.is_set():
            version = self._data_version()
            if version is not None and version == self._version:
                self._wait()  # nothing committed since the last read
                continue
            try:
                events = events_after(self.store, self.call.id, self.seen)
                self._version = version  # read before the log: a commit in between is read next time
                if failing:
                    failing = False
                    self.notice("live.recovered")
            except Exception as exc:  # noqa: BLE001 - the database went away: say so once, keep polling
                if not failing:
                    failing = True
                    self.notice("live.unavailable", error=_reason(exc))
                events = []
            if events:
                self.seen = events[-1].seq
                try:
                    self.deliver(events)
                except Exception:  # noqa: BLE001 - a closing app must not kill the reader
                    if self._stop.is_set():
                        return
            self._wait()
        for conn in (self._listener, self._watcher):
            if conn is not None:
                try:
                    conn.close()
                except Exception:  # noqa: BLE001
                    pass

    def _data_version(self) -> int | None:
        """SQLite's count of commits by other connections, as this reader's own connection sees it;
        None where it cannot tell (PostgreSQL, an in-memory database, an error): then read the log."""
        if not self._watch:
            return None
        try:
            if self._watcher is None:
                self._watcher = self.store.engine.raw_connection()
            return self._watcher.driver_connection.execute("PRAGMA data_version").fetchone()[0]
        except Exception:  # noqa: BLE001 - the file went away or is locked: read the log, which says so
            watcher, self._watcher = self._watcher, None
            if watcher is not None:
                try:
                    watcher.invalidate()
                except Exception:  # noqa: BLE001
                    pass
            return None

    def _wait(self) -> None:
        """Until the next read: a notification (PostgreSQL), one of our own sends, or the poll interval."""
        if self.postgres and self._listen():
            try:
                for _ in self._listener.notifies(timeout=self.interval, stop_after=1):
                    pass
                return
            except Exception:  # noqa: BLE001 - the listening connection broke: poll, and listen anew later
                self._listener = None
        self._wake.wait(self.interval)
        self._wake.clear()

    def _listen(self) -> bool:
        """A connection LISTENing on CHANNEL (made once); False where it cannot be had."""
        if self._listener is not None:
            return True
        if time.monotonic() - self._listen_failed < 10:
            return False  # it failed a moment ago: poll for now
        try:
            import psycopg

            url = self.store.engine.url.set(drivername="postgresql")
            self._listener = psycopg.connect(url.render_as_string(hide_password=False), autocommit=True,
                                             connect_timeout=5)
            self._listener.execute(f"LISTEN {CHANNEL}")
            return True
        except Exception:  # noqa: BLE001 - another driver, or no server: polling does the job
            self._listener = None
            self._listen_failed = time.monotonic()
            return False


def _reason(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
