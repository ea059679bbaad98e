"""Recording a headless run (`mystery-guest replay --trainee ... --cohort ...`) exactly as a live
call is recorded: the session is started, every turn is committed as it happens, and the call is
finished as completed (an ending was reached) or left (the replies ran out first)."""
from __future__ import annotations

import getpass
import sys
from typing import TYPE_CHECKING

from simulator.store.store import Store, describe_error

if TYPE_CHECKING:
    from simulator.session import Session, TurnResult

DEFAULT_COHORT = "default"


class Recorder:
    """Writes one session to a Store: `turn(turn)` after each reply, `finish()` at the end."""

    def __init__(self, store: Store, session: "Session", *, trainee: str, cohort: str, mode: str = "live"):
        self.store = store
        self.session = session
        self.session_id = store.start_session(trainee=trainee, cohort=cohort, session=session, mode=mode)

    def turn(self, turn: "TurnResult") -> None:
        """Commit this turn now."""
        self.store.record_turn(self.session_id, turn)

    def finish(self, status: str | None = None) -> None:
        """Close the session (completed if an ending was reached, else left) and the store."""
        status = status or ("completed" if self.session.over else "left")
        try:
            self.store.finish_session(self.session_id, self.session, status)
        finally:
            self.store.close()


def open_recorder(args, session: "Session", mode: str = "replay") -> Recorder:
    """A Recorder from CLI options: args.trainee (default: the login name), args.cohort
    (default "default"), args.db (default $MYSTERY_GUEST_DB or the local SQLite file)."""
    trainee = (getattr(args, "trainee", None) or "").strip() or _login_name()
    cohort = (getattr(args, "cohort", None) or "").strip() or DEFAULT_COHORT
    try:
        store = Store.open(getattr(args, "db", None))
        recorder = Recorder(store, session, trainee=trainee, cohort=cohort, mode=mode)
    except Exception as exc:
        message = describe_error(exc, getattr(args, "db", None))
        if message is None:
            raise
        raise SystemExit(f"mystery-guest: {message}") from None  # one line, exit status 1
    print(f"mystery-guest: recording session {recorder.session_id} for {trainee} in cohort {cohort}",
          file=sys.stderr)
    return recorder


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "trainee"
