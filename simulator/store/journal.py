"""The local journal: where a call waits when the store cannot take it.

Every record of a call (simulator/store/records.py) is appended to its own file,
`<data folder>/journal/<call key>.jsonl`, flushed and fsynced before the store is tried, so a
call survives a database that is down, read-only or full, and a process that is killed. The
file is deleted once the call's finish record is in the store. On the next start, files left
behind are written to the store (every write is idempotent) and deleted.

Each file belongs to one database: its first line says which (a hash of the URL), so a call made
against a centre's server is never written into a trainee's local file or the reverse.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

ENV_DIR = "MYSTERY_GUEST_JOURNAL"


def default_folder() -> Path:
    """$MYSTERY_GUEST_JOURNAL, else <user data dir>/journal (next to the default SQLite file)."""
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("mystery-guest")) / "journal"


def database_id(url: str) -> str:
    """A short stable id for a database URL (the URL itself may hold a password)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


@dataclass
class Recovered:
    """What `Journal.replay` did: calls written, and files kept (with the reason for each)."""

    saved: int = 0
    kept: list[tuple[Path, str]] = field(default_factory=list)


class Journal:
    """Append-only files of records, one per call, in `folder`."""

    def __init__(self, folder: Path | str | None = None, database: str = ""):
        self.folder = Path(folder) if folder is not None else default_folder()
        self.database = database  # database_id() of the store the records are meant for

    def writable(self) -> bool:
        """Whether a call could be kept here: the folder is made if need be and a file written and
        removed (asking for permission is not enough: root may not write a read-only mount)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            probe = self.folder / f".probe-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
            return True
        except OSError:
            return False

    def path(self, call: str) -> Path:
        return self.folder / f"{call}.jsonl"

    def append(self, record: dict[str, Any]) -> None:
        """Add one record to its call's file and force it to disk. Raises OSError when it cannot."""
        self.folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps({**record, "db": self.database}, ensure_ascii=False, default=str)
        fd = os.open(self.path(record["call"]), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, (line + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def done(self, call: str) -> None:
        """The call is wholly in the store: forget it."""
        try:
            self.path(call).unlink()
        except OSError:
            pass  # never written (no journal folder) or already gone

    def files(self) -> list[Path]:
        try:
            return sorted(self.folder.glob("*.jsonl"), key=lambda p: p.stat().st_mtime)
        except OSError:
            return []

    @staticmethod
    def read(path: Path) -> list[dict[str, Any]]:
        """The records in a file; a last line torn by a crash mid-write is ignored."""
        records = []
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
        return records

    def waiting(self, *, skip: set[str] = frozenset()) -> Iterator[tuple[Path, list[dict[str, Any]]]]:
        """Files for this database whose call is not running now: not one of `skip` (this
        process's own calls) nor a call of another live process on this machine."""
        from simulator.store.store import _can_check_pids, pid_alive

        import socket

        host = socket.gethostname()
        for path in self.files():
            records = self.read(path)
            if not records or records[0].get("db") != self.database:
                continue
            first = records[0]
            if first.get("call") in skip:
                continue
            if (first.get("host") == host and first.get("pid") not in (None, os.getpid())
                    and _can_check_pids() and pid_alive(int(first["pid"]))):
                continue  # another app on this machine is in this call right now
            yield path, records

    def replay(self, store, *, skip: set[str] = frozenset()) -> Recovered:
        """Write every waiting call to `store`, deleting each file once it is in."""
        out = Recovered()
        for path, records in self.waiting(skip=skip):
            try:
                wrote = [store.write(r) for r in records if r.get("event") in ("start", "turn", "finish")]
            except Exception as exc:  # noqa: BLE001 - kept for the next start, and said why
                out.kept.append((path, f"{type(exc).__name__}: {exc}".splitlines()[0]))
                continue
            if any(wrote):
                out.saved += 1
            path.unlink(missing_ok=True)
        return out
