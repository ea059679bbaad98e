"""Writes each call to the store turn by turn, off the UI thread, without losing a turn.

The screen hands jobs to a `StoreWriter` (start, turn, finish); a Textual thread worker runs
`StoreWriter.run`, which writes them in order. A failing write (a busy or unreachable
database) is retried with back-off and stays queued, so nothing is dropped; the trainee sees a
short notice, never a traceback. No Textual import here: the worker is started by the app.
"""
from __future__ import annotations

import itertools
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

RETRY_DELAYS = (0.1, 0.3, 1.0, 2.0, 5.0)  # seconds between tries; the last repeats
# Errors that say the record itself is wrong (not that the database is busy): never retried.
PERMANENT = (ValueError, TypeError, KeyError)
# The app's words for how a call ended -> the store's statuses.
STORE_STATUS = {"finished": "completed", "abandoned": "left"}


@dataclass
class Job:
    kind: str  # start | turn | finish
    call: int  # the app's own number for the call (the DB id arrives later)
    data: dict[str, Any] = field(default_factory=dict)


class StoreWriter:
    """A FIFO of store writes for one app run. `notice(key, **values)` reports problems."""

    def __init__(self, store, notice: Callable[..., None] = lambda key, **v: None):
        self.store = store
        self.notice = notice
        self.jobs: "queue.Queue[Job | None]" = queue.Queue()
        self.session_ids: dict[int, Any] = {}
        self._numbers = itertools.count(1)
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self.pending = 0  # jobs queued or failing, for the closing notice
        self.written = 0
        self._lock = threading.Lock()
        self.failed_calls: set[int] = set()  # calls whose start was rejected

    # ------------------------------------------------------------------ called by the UI
    def start(self, *, trainee: str, cohort: str, session, mode: str) -> int:
        call = next(self._numbers)
        self._put(Job("start", call, {"trainee": trainee, "cohort": cohort, "session": session,
                                      "mode": mode}))
        return call

    def turn(self, call: int, turn) -> None:
        self._put(Job("turn", call, {"turn": turn}))

    def finish(self, call: int, session, status: str) -> None:
        self._put(Job("finish", call, {"session": session, "status": status}))

    def close(self, timeout: float = 3.0) -> int:
        """Stop after writing what is queued (waiting at most `timeout`); returns jobs left unwritten."""
        self.jobs.put(None)
        self._stopped.wait(timeout)
        self._stopping.set()
        return self.pending

    # ------------------------------------------------------------------ the worker
    def run(self, should_stop: Callable[[], bool] = lambda: False) -> None:
        """Write jobs in order until close() or `should_stop()` (then what is queued is written
        first); a failing job is retried rather than skipped."""
        try:
            while True:
                try:
                    job = self.jobs.get(timeout=0.1)
                except queue.Empty:
                    if should_stop():
                        break
                    continue
                if job is None:
                    break
                if should_stop():
                    self._stopping.set()  # shutting down: one try each, then leave them counted
                self._write_with_retries(job)
        finally:
            self._stopped.set()

    def _put(self, job: Job) -> None:
        with self._lock:
            self.pending += 1
        self.jobs.put(job)

    def _write_with_retries(self, job: Job) -> None:
        for attempt in itertools.count():
            try:
                self._write(job)
            except PERMANENT as exc:  # a bad record: retrying cannot help; say so, go on
                if job.kind == "start":
                    self.failed_calls.add(job.call)
                self.notice("store.rejected", error=f"{type(exc).__name__}: {exc}")
                with self._lock:
                    self.pending -= 1
                return
            except Exception as exc:  # any driver error: busy, locked, disconnected...
                if attempt == 0:
                    self.notice("store.busy", error=type(exc).__name__)
                if self._stopping.is_set():
                    return  # closing: leave it counted in `pending`
                time.sleep(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)])
                continue
            with self._lock:
                self.pending -= 1
                self.written += 1
            if attempt:
                self.notice("store.recovered")
            return

    def _write(self, job: Job) -> None:
        if job.kind == "start":
            d = job.data
            self.session_ids[job.call] = self.store.start_session(
                trainee=d["trainee"], cohort=d["cohort"], session=d["session"], mode=d["mode"])
            return
        session_id = self.session_ids.get(job.call)
        if session_id is None:
            if job.call in self.failed_calls:
                raise ValueError("its call could not be recorded")
            raise RuntimeError("the call is not in the store yet")
        if job.kind == "turn":
            self.store.record_turn(session_id, job.data["turn"])
        else:
            status = STORE_STATUS.get(job.data["status"], job.data["status"])
            self.store.finish_session(session_id, job.data["session"], status)
