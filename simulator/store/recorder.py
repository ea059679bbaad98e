"""The one recorder of calls, for the app and the CLI alike.

    rec = CallRecorder(open_store=lambda: Store.open(url), journal=Journal(database=database_id(url)))
    rec.begin()                         # a writer thread: open the store, save journalled calls
    call = rec.start(trainee="Li Na", cohort="2024-06", session=session, mode="live")
    rec.turn(call, turn)                # after each Session.reply()/silence()
    rec.finish(call, session, "completed")   # or "left"
    report = rec.close(timeout=3)       # CloseReport: what is saved, what waits in the journal

Each record is appended to the journal (fsynced) by the journal thread, then written to the
store by the writer thread, in order; the caller only queues it (an fsync takes 4-16 ms, too long
for the trainee's Enter to wait on). A store that is down, busy, read-only or full is retried
with growing waits; the call stays safe in the journal meanwhile and is written on the next
start if it never gets through. A record the store refuses as wrong (not a database problem)
is reported once and the call is kept in the journal. The caller never waits on the database.
"""
from __future__ import annotations

import getpass
import itertools
import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from simulator.store import records
from simulator.store.journal import Journal, Recovered

if TYPE_CHECKING:
    from simulator.session import Session, TurnResult

DEFAULT_COHORT = "default"
STALL_SECONDS = 10.0  # a write this long without an answer is told as the store not answering
RETRY_DELAYS = (0.1, 0.3, 1.0, 2.0, 5.0)  # seconds between tries; the last repeats
# An idle writer sleeps until a record or stop() wakes it; it looks at the run's own should_stop
# this often (a wake-up costs CPU: ten a second were a tenth of the app's idle CPU in a call).
STOP_CHECK_SECONDS = 1.0
# Errors that say the record itself is wrong (not that the database is unavailable): not retried.
PERMANENT = (ValueError, TypeError, KeyError, LookupError)
# The app's words for how a call ended -> the store's statuses.
STORE_STATUS = {"finished": "completed", "abandoned": "left"}

Notice = Callable[..., None]  # notice(key, **values): a message key of the locale catalogues


@dataclass
class CloseReport:
    """How the recorder ended: calls written, and calls only in the journal (with where)."""

    saved_calls: int = 0
    unsaved_calls: int = 0
    journal: Path | None = None
    journal_failed: bool = False  # the journal itself could not be written: those calls are lost
    read_only: bool = False  # the store refused writes as read-only: retrying will not help until it is writable
    recovered: Recovered = field(default_factory=Recovered)
    session_ids: dict[str, int] = field(default_factory=dict)  # call key -> the store's session id
    store: str = ""  # " URL" of the store the kept calls wait for (safe_url: no password), or "" when unknown
    stuck: bool = False  # a write to the store had not come back: the process must not wait for it

    @property
    def unsaved_key(self) -> str:
        """The catalogue message for calls not in the store: lost, kept (saved at the next start),
        or kept until the read-only store can be written again."""
        return "store.lost" if self.journal_failed else "store.kept_read_only" if self.read_only else "store.kept"


class CallRecorder:
    def __init__(self, store=None, *, open_store: Callable[[], Any] | None = None,
                 journal: Journal | None = None, notice: Notice = lambda key, **v: None):
        if store is None and open_store is None:
            raise ValueError("a recorder needs a store or a way to open one")
        self.store = store
        self._open_store = open_store
        self.journal = journal
        self.notice = notice
        self.jobs: "queue.Queue[dict | None]" = queue.Queue()
        self.recovered = Recovered()
        self.store_ready = threading.Event()  # the store is open (journal recovery done)
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._writing_since: float | None = None  # monotonic time the write in progress began
        self._stall_told = False  # tell_if_stalled said so: the write's return says "recovered"
        self._open_calls: set[str] = set()    # started, finish not yet in the store
        self._broken_calls: set[str] = set()  # a record was refused: kept in the journal
        self._saved_calls = 0
        self._journal_failed = False
        self._read_only = False  # the store said it is read-only (told once; cleared when a write gets through)
        self._store_failed = False  # the store could not be opened (yet)
        self._store_busy = False  # a write is being retried (the store is not answering)
        self._told_nowhere = False  # "nothing can be saved" was said: no other line contradicts it
        self._journal_error: BaseException | None = None  # why the journal could not be written
        self._journal_said = False  # the journal's failure was told (no_journal or nowhere)
        self._unjournaled: set[int] = set()  # id() of records queued that the journal could not take
        self.session_ids: dict[str, int] = {}
        # Records go through the journal thread (append + fsync) on their way to `jobs`.
        self._to_journal: "queue.Queue[dict | None]" = queue.Queue()
        self._journal_thread: threading.Thread | None = None
        if journal is not None:
            self._journal_thread = threading.Thread(target=self._journal_loop, name="mystery-guest-journal",
                                                    daemon=True)
            self._journal_thread.start()

    # ------------------------------------------------------------------ called by the app / CLI
    def start(self, *, trainee: str, cohort: str, session: "Session", mode: str = "live") -> str:
        rec = records.start_record(session, trainee=trainee, cohort=cohort, mode=mode)
        with self._lock:
            self._open_calls.add(rec["call"])
        self._put(rec)
        return rec["call"]

    def turn(self, call: str, turn: "TurnResult") -> None:
        self._put(records.turn_record(call, turn))

    def finish(self, call: str, session: "Session", status: str = "completed") -> None:
        self._put(records.finish_record(call, session, STORE_STATUS.get(status, status)))

    def tell_if_stalled(self, seconds: float | None = None) -> None:
        """Say once that the store has not answered a write for `seconds` (a frozen or hung disk, a
        server that neither answers nor fails: no error ever comes to say it). The write's return
        says "recovered"."""
        seconds = STALL_SECONDS if seconds is None else seconds
        with self._lock:  # against the write coming back between the look and the saying
            since = self._writing_since
            if since is None or self._stall_told or time.monotonic() - since < seconds:
                return
            self._stall_told = True
        self.notice("store.stalled", s=int(seconds))

    def calls_waiting(self) -> int:
        """Calls of this run the store would not take (read-only, not open, a refused record), kept
        on this computer: the leaderboard cannot show them yet. A call merely on its way is not one,
        nor one the journal could not keep either (the app has said nothing can be saved)."""
        with self._lock:
            if self._journal_failed:
                return 0
            if self._read_only or self._store_failed:
                return len(self._open_calls | self._broken_calls)
            return len(self._broken_calls)

    def begin(self, *, thread: bool = True) -> "CallRecorder":
        """Start the writer thread (thread=False: the caller runs `run()` in its own worker)."""
        if thread:
            self._thread = threading.Thread(target=self.run, name="mystery-guest-recorder", daemon=True)
            self._thread.start()
        return self

    def close(self, timeout: float = 3.0) -> CloseReport:
        """Write what is queued (waiting at most `timeout` seconds), stop, and say what is where."""
        deadline = time.monotonic() + timeout
        if self._journal_thread is not None:  # every record journalled (and queued for the store) first
            self._to_journal.put(None)
            self._journal_thread.join(timeout)
        self.jobs.put(None)
        while not self._idle.is_set() or not self.jobs.empty():
            if time.monotonic() > deadline:
                break
            time.sleep(0.02)
        self.stop()
        if self._thread is not None:
            self._thread.join(max(0.0, deadline - time.monotonic()) + 0.5)
        stuck = self._writing_since is not None  # still inside a write: the store has not answered
        with self._lock:
            unsaved = len(self._open_calls | self._broken_calls)
            report = CloseReport(self._saved_calls, unsaved, self.journal.folder if self.journal else None,
                                 self._journal_failed, self._read_only and bool(unsaved), self.recovered,
                                 dict(self.session_ids), self._where(), stuck)
        if self.store is not None and not stuck:  # closing would wait on the stuck write (a WAL checkpoint)
            try:
                self.store.close()
            except Exception:  # noqa: BLE001 - closing a dead connection must not hide the report
                pass
        return report

    @property
    def stopping(self) -> bool:
        """stop() was called: the writer is finishing or done."""
        return self._stop.is_set()

    def stop(self) -> None:
        """Stop the writer now (the app is going away): what it has not written waits in the journal."""
        self._stop.set()
        self.jobs.put(None)  # wakes it

    # ------------------------------------------------------------------ the writer
    def run(self, should_stop: Callable[[], bool] = lambda: False) -> None:
        """Open the store (retrying), save calls left in the journal, then write records in order."""
        stop = lambda: self._stop.is_set() or should_stop()  # noqa: E731
        if self.store is None:
            for attempt in itertools.count():
                try:
                    self.store = self._open_store()
                    was_failed, self._store_failed = self._store_failed, False
                    if was_failed and not getattr(self.store, "read_only", False):
                        self._told_nowhere = False  # it takes calls again: a new failure is told anew
                        self.notice("store.recovered")  # it had been said it could not be opened
                    break
                except Exception as exc:  # noqa: BLE001 - down, locked, unreachable: keep trying
                    self._store_failed = True
                    if attempt == 0:  # a damaged file will not come back by waiting: say what to do
                        from simulator.store.store import is_corrupt

                        if self._nowhere(exc):
                            pass  # the journal cannot take the call either: that one line says it all
                        elif is_corrupt(exc):
                            self.notice("store.corrupt", error=_reason(exc), where=self._where())
                        else:
                            self.notice("store.unavailable", error=_reason(exc))
                    if self._wait(attempt, stop):
                        return
        if getattr(self.store, "read_only", False):  # opened as it is, for reading: say so before a call
            self._said_read_only(None)
        if self.journal is not None:
            try:
                with self._lock:
                    mine = set(self._open_calls)  # calls of this run are written in order below
                self.recovered = self.journal.replay(self.store, skip=mine)
            except Exception:  # noqa: BLE001 - recovery must never cost the call being made now
                pass
            if self.recovered.saved:
                self.notice("store.recovered_calls", n=self.recovered.saved)
        cut = []
        # A call of this machine cut off mid-way (a closed terminal): say it is kept, unfinished. Only
        # for a local file: on a centre's server, machines may share a host name (containers), and a
        # process check there could mark another machine's live call; its listings sweep as before.
        if getattr(self.store, "url", "").startswith("sqlite"):
            try:
                cut = self.store.abandon_dead_calls(here_only=True)
            except Exception:  # noqa: BLE001 - a read-only or busy store: nothing to say, nothing lost
                cut = []
        if cut:
            self.notice("store.cut_off", n=len(cut))
        self.store_ready.set()  # a journal that failed meanwhile is told by the first write (_write)
        while True:
            try:
                rec = self.jobs.get(timeout=STOP_CHECK_SECONDS)
            except queue.Empty:
                if stop():
                    return
                continue
            if rec is None:
                if self.jobs.empty():
                    self._idle.set()
                    if stop():
                        return
                continue
            self._idle.clear()
            self._write(rec, stop)
            if self.jobs.empty():
                self._idle.set()

    def _put(self, rec: dict) -> None:
        self._idle.clear()
        if self._journal_thread is not None and self._journal_thread.is_alive():
            self._to_journal.put(rec)
        else:  # no journal, or the recorder is closed: as before, in this thread
            self._journal_and_queue(rec)

    def _journal_loop(self) -> None:
        while (rec := self._to_journal.get()) is not None:
            self._journal_and_queue(rec)

    def _journal_and_queue(self, rec: dict) -> None:
        if self.journal is not None:
            try:
                self.journal.append(rec)
            except OSError as exc:
                self._journal_failed = True
                self._journal_error = self._journal_error or exc
                # Which line is true depends on the store: told when the store is known down, else
                # when its next write succeeds ("only in the store") or fails ("nothing can be saved").
                # Said at once, "only in the store" came beside the store's own failure (trial 26).
                if self._store_failed or self._read_only or self._store_busy:  # the store is not taking calls
                    self._tell_journal_failed()
                with self._lock:
                    self._unjournaled.add(id(rec))
        self.jobs.put(rec)

    def _write(self, rec: dict, stop: Callable[[], bool]) -> None:
        call = rec["call"]
        with self._lock:  # taken off at once, whatever becomes of the record (an id may be reused later)
            unjournaled = id(rec) in self._unjournaled
            self._unjournaled.discard(id(rec))
        if call in self._broken_calls:
            return  # an earlier record of this call was refused: the rest waits in the journal too
        if rec["event"] != "start" and call not in self.session_ids and stop():
            return  # stopping before the call's start got through: it all waits in the journal
        for attempt in itertools.count():
            try:
                self._writing_since = time.monotonic()
                self.store.write(rec)
            except PERMANENT as exc:
                self._writing_since = None
                with self._lock:
                    self._broken_calls.add(call)
                self.notice("store.rejected", error=_reason(exc))
                return
            except Exception as exc:  # noqa: BLE001 - a driver error: busy, locked, disconnected, full
                self._writing_since = None
                self._store_busy = True
                if self._said_read_only(exc):
                    pass  # retried all the same: the file may be made writable during the call
                elif attempt == 0 and not self._nowhere(exc):  # "kept on this computer" only if it is
                    self.notice("store.busy", error=_reason(exc))
                if self._wait(attempt, stop):
                    return  # stopping: the record stays in the journal
                continue
            with self._lock:
                self._writing_since = None
                stalled, self._stall_told = self._stall_told, False
            self._store_busy = False
            if attempt or self._read_only or stalled:
                self._read_only = False
                self._told_nowhere = False  # the store takes calls again: a new failure is told anew
                self.notice("store.recovered")
            if unjournaled and not self._journal_said:
                self._tell_journal_failed()  # the store took a record the journal could not: "only in the store"
            if rec["event"] == "start":
                self.session_ids[call] = self.store.session_id_for(call)
            if rec["event"] == "finish":
                with self._lock:
                    self._open_calls.discard(call)
                    self._saved_calls += 1
                if self.journal is not None:
                    self.journal.done(call)
            return

    def _said_read_only(self, exc: BaseException | None) -> bool:
        """A write refused as read-only (None: a store opened only to be read): say so once (with
        where, and what to do), not "busy"."""
        from simulator.store.store import is_read_only

        if exc is not None and not is_read_only(exc):
            return False
        if not self._read_only:
            self._read_only = True
            if not self._nowhere(exc):
                self.notice("store.read_only", where=self._where())
        return True

    def _where(self) -> str:
        from simulator.store.store import safe_url

        # Before the store is open, its opener may say where it points (open_store.url). With a
        # space before it: messages read "the session store{where}", whole when no URL is known.
        url = getattr(self.store, "url", None) or getattr(self._open_store, "url", None)
        return f" {safe_url(url)}" if url else ""

    def _tell_journal_failed(self) -> None:
        """Say once that the journal cannot be written: "only in the store" while the store takes
        calls, "nothing can be saved" when it does not (the two threads may both get here)."""
        with self._lock:
            if self._journal_said:
                return
            self._journal_said = True
        if (self._store_failed or self._read_only or self._store_busy) and self._nowhere(self._journal_error):
            return
        self.notice("store.no_journal", error=_reason(self._journal_error))

    def _nowhere(self, exc: BaseException | None) -> bool:
        """When neither the store nor the journal can take a call, say that, once, instead of the
        line for either alone ("kept on this computer" / "only in the store" would both be false).
        False when the journal can be written."""
        if not self._journal_failed and not (self.journal is not None and not self.journal.writable()):
            return False
        with self._lock:
            self._journal_failed = self._journal_said = True
            if self._told_nowhere:
                return True
            self._told_nowhere = True
        self.notice("store.nowhere", error=_reason(exc) if exc is not None else "read-only")
        return True

    def _wait(self, attempt: int, stop: Callable[[], bool]) -> bool:
        """Sleep before the next try; True when the recorder is stopping instead."""
        end = time.monotonic() + RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
        while (left := end - time.monotonic()) > 0 and not stop():
            self._stop.wait(min(left, STOP_CHECK_SECONDS))  # stop() ends the wait at once
        return stop()


def _reason(exc: BaseException) -> str:
    """The first line of an error, for a notice (drivers put whole tracebacks in messages)."""
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def store_opener(db: str | None) -> tuple[Callable[[], Any], Journal]:
    """The opener of the store a --db value names (None: $MYSTERY_GUEST_DB or the default SQLite
    file) and the journal for that database. The URL is checked now (a bad one raises
    StoreError); the database is opened, and SQLAlchemy loaded, only when the opener is called (by
    the recorder's writer thread). The opener carries `.url`, so notices can name the database
    before it opens."""
    from simulator.store.journal import database_id
    from simulator.store.urls import check_url, resolve_url

    url = resolve_url(db)
    check_url(url)

    def open_store():
        from simulator.store.store import Store

        return Store.open(url)

    open_store.url = url  # type: ignore[attr-defined]
    return open_store, Journal(database=database_id(url))


def recorder_for(db: str | None, notice: Notice = lambda key, **v: None) -> CallRecorder:
    """A recorder for a --db value, with the journal for that database (store_opener)."""
    open_store, journal = store_opener(db)
    return CallRecorder(open_store=open_store, journal=journal, notice=notice)


def login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "trainee"
