"""The one recorder: every call reaches the store, or waits in the local journal and reaches it
on the next start. Nothing is lost when the database is down, restarts, refuses a record, or
when the journal itself cannot be written."""
from __future__ import annotations

import socket
import threading
import time

import pytest
import sqlalchemy as sa

from simulator.store import schema as S
from simulator.store.journal import Journal, database_id
from simulator.store.recorder import CallRecorder
from simulator.store.store import Store
from tests.store.helpers import new_session


def _play(rec: CallRecorder, replies=("L80 E60 P100 hello", "L80 E80 P100 sorry", "L90 E90 P100 close"),
          trainee="Ann"):
    session = new_session()
    call = rec.start(trainee=trainee, cohort="c1", session=session, mode="live")
    for text in replies:
        rec.turn(call, session.reply(text))
    rec.finish(call, session, "completed")
    return call, session


def _recorder(url, journal_dir, **kw) -> CallRecorder:
    def open_store():
        return Store.open(url)

    open_store.url = url  # as the app's opener: notices name the database before it opens
    return CallRecorder(open_store=open_store, journal=Journal(journal_dir, database_id(url)), **kw)


def _stored(url):
    with Store.open(url) as store:
        return [(r.trainee, r.status, r.turns, r.ending) for r in store.sessions()]


def test_a_call_reaches_the_store_and_leaves_no_journal(db_url, tmp_path):
    rec = _recorder(db_url, tmp_path / "j").begin()
    _play(rec)
    report = rec.close(timeout=10)
    assert (report.saved_calls, report.unsaved_calls) == (1, 0)
    assert _stored(db_url) == [("Ann", "completed", 3, "resolved")]
    assert list((tmp_path / "j").glob("*")) == []


class Flaky:
    """A real store whose first `fail` writes raise a driver error (busy, disconnected)."""

    def __init__(self, store, fail):
        self.store, self.fail = store, fail

    def write(self, rec):
        if self.fail:
            self.fail -= 1
            raise sa.exc.OperationalError("INSERT", {}, Exception("server closed the connection"))
        return self.store.write(rec)

    def __getattr__(self, name):
        return getattr(self.store, name)


class DownAfter(Flaky):
    """A real store that takes `fail` writes, then fails every one with `error` (a folder turned
    read-only, a full disk)."""

    def __init__(self, store, fail, error="disk I/O error"):
        super().__init__(store, fail)
        self.error = error

    def write(self, rec):
        if self.fail <= 0:
            raise sa.exc.OperationalError("INSERT", {}, Exception(self.error))
        self.fail -= 1
        return self.store.write(rec)


def test_records_keep_their_order_through_failing_writes(sqlite_url, tmp_path, monkeypatch):
    monkeypatch.setattr("simulator.store.recorder.RETRY_DELAYS", (0.01,))
    notices = []
    rec = CallRecorder(open_store=lambda: Flaky(Store.open(sqlite_url), fail=4),
                       journal=Journal(tmp_path, database_id(sqlite_url)),
                       notice=lambda key, **v: notices.append(key)).begin()
    _play(rec)
    assert rec.close(timeout=10).unsaved_calls == 0
    assert _stored(sqlite_url) == [("Ann", "completed", 3, "resolved")]
    assert notices[:2] == ["store.busy", "store.recovered"]


def test_a_database_that_is_down_keeps_the_call_in_the_journal_until_the_next_start(sqlite_url, tmp_path):
    notices = []
    down = CallRecorder(open_store=lambda: (_ for _ in ()).throw(
        sa.exc.OperationalError("connect", {}, Exception("connection refused"))),
        journal=Journal(tmp_path, database_id(sqlite_url)), notice=lambda key, **v: notices.append(key)).begin()
    _play(down, trainee="Kept")
    report = down.close(timeout=0.3)
    assert report.unsaved_calls == 1 and report.journal == tmp_path
    assert "store.unavailable" in notices
    assert len(list(tmp_path.glob("*.jsonl"))) == 1
    # the next start: the journalled call is written first, then this run's own call
    notices.clear()
    later = _recorder(sqlite_url, tmp_path, notice=lambda key, **v: notices.append((key, v))).begin()
    _play(later, trainee="Now")
    report = later.close(timeout=10)
    assert report.recovered.saved == 1 and ("store.recovered_calls", {"n": 1}) in notices
    assert sorted(_stored(sqlite_url)) == [("Kept", "completed", 3, "resolved"), ("Now", "completed", 3, "resolved")]
    assert list(tmp_path.glob("*.jsonl")) == []


def test_a_call_cut_off_by_a_closed_terminal_is_named_at_the_next_start(sqlite_url, tmp_path):
    """Trial 19: after `tmux kill-session` mid-call, the next start said nothing, and the call sat
    in the list as abandoned; one line now says it is kept, with its turns."""
    import subprocess
    import sys

    from tests.store.helpers import play

    with Store.open(sqlite_url) as store:
        sid, _ = play(store, "Ann", "c1", ["L80 E60 P100 hello"], status="open")
        gone = subprocess.Popen([sys.executable, "-c", "pass"])
        gone.wait()  # a process of this machine that has ended: the owner of the call is gone
        with store.engine.begin() as conn:
            conn.execute(S.sessions.update().where(S.sessions.c.id == sid).values(pid=gone.pid))
    notices = []
    rec = _recorder(sqlite_url, tmp_path / "j", notice=lambda key, **v: notices.append((key, v))).begin()
    assert rec.store_ready.wait(10)
    rec.close(timeout=5)
    assert ("store.cut_off", {"n": 1}) in notices
    with Store.open(sqlite_url) as store:
        row = store.sessions("c1")[0]
        assert (row.status, row.turns) == ("abandoned", 1)


def test_a_corrupt_database_file_gets_a_notice_that_says_what_to_do_not_to_wait(tmp_path):
    """Trial 17: a junk file had been announced as "cannot be opened; kept until it can", as if
    waiting would mend it."""
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    notices = []
    rec = _recorder(f"sqlite:///{junk}", tmp_path / "j", notice=lambda key, **v: notices.append((key, v))).begin()
    _play(rec, trainee="Kept")
    report = rec.close(timeout=0.3)
    assert report.unsaved_calls == 1 and report.journal == tmp_path / "j"
    [(key, values)] = [n for n in notices if n[0].startswith("store.")][:1]
    assert key == "store.corrupt" and "file is not a database" in values["error"]
    assert str(junk) in values["where"]  # which file to move aside (trial 19: it did not say)


def test_replaying_a_journal_twice_writes_each_call_once(sqlite_url, tmp_path):
    journal = Journal(tmp_path, database_id(sqlite_url))
    rec = CallRecorder(open_store=lambda: (_ for _ in ()).throw(OSError("down")), journal=journal).begin()
    _play(rec)
    rec.close(timeout=0.2)
    [path] = tmp_path.glob("*.jsonl")
    copy = path.read_bytes()
    with Store.open(sqlite_url) as store:
        assert journal.replay(store).saved == 1
        path.write_bytes(copy)  # as if a crash came before the file was deleted
        assert journal.replay(store).saved == 0
    assert _stored(sqlite_url) == [("Ann", "completed", 3, "resolved")]


def test_a_torn_last_line_from_a_crash_loses_only_that_record(sqlite_url, tmp_path):
    journal = Journal(tmp_path, database_id(sqlite_url))
    session = new_session()
    from simulator.store import records

    start = records.start_record(session, trainee="Torn", cohort="c1")
    journal.append(start)
    journal.append(records.turn_record(start["call"], session.reply("L80 E60 P100 hello")))
    with open(journal.path(start["call"]), "a", encoding="utf-8") as f:
        f.write('{"event": "turn", "call": "')  # killed mid-write
    with Store.open(sqlite_url) as store:
        assert journal.replay(store).saved == 1
        [row] = store.sessions()
    assert (row.trainee, row.turns) == ("Torn", 1)


def test_a_journal_for_another_database_is_left_alone(sqlite_url, tmp_path):
    other = Journal(tmp_path, database_id("postgresql+psycopg://u@centre/mg"))
    rec = CallRecorder(open_store=lambda: (_ for _ in ()).throw(OSError("down")), journal=other).begin()
    _play(rec)
    rec.close(timeout=0.2)
    with Store.open(sqlite_url) as store:
        assert Journal(tmp_path, database_id(sqlite_url)).replay(store).saved == 0
        assert store.sessions() == []
    assert len(list(tmp_path.glob("*.jsonl"))) == 1


def test_a_refused_record_keeps_the_call_in_the_journal_with_a_notice(sqlite_url, tmp_path):
    class Refusing(Flaky):
        def write(self, rec):
            if rec["event"] == "turn":
                raise ValueError("bad turn")
            return self.store.write(rec)

    notices = []
    rec = CallRecorder(open_store=lambda: Refusing(Store.open(sqlite_url), 0),
                       journal=Journal(tmp_path, database_id(sqlite_url)),
                       notice=lambda key, **v: notices.append(key)).begin()
    _play(rec)
    report = rec.close(timeout=10)
    assert report.unsaved_calls == 1 and notices.count("store.rejected") == 1
    assert len(list(tmp_path.glob("*.jsonl"))) == 1


def test_an_unwritable_journal_is_said_once_and_the_store_still_gets_the_call(sqlite_url, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the journal folder should be")
    notices = []
    rec = _recorder(sqlite_url, blocker, notice=lambda key, **v: notices.append(key)).begin()
    _play(rec)
    report = rec.close(timeout=10)
    assert report.unsaved_calls == 0 and report.journal_failed
    assert notices.count("store.no_journal") == 1
    assert _stored(sqlite_url) == [("Ann", "completed", 3, "resolved")]


# ---------------------------------------------------------------------------- a server that restarts
class Proxy:
    """A TCP relay on 127.0.0.1 in front of the test server: `down()` drops every connection and
    stops listening (a restart or a cut cable, as the client sees it), `up()` listens again."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.conns: list[socket.socket] = []
        self.listener = None
        self.up()

    def up(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(16)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def down(self):
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() below; close() alone would not
        except OSError:
            pass
        self.listener.close()
        for c in self.conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            c.close()
        self.conns.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.conns += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.close()
                except OSError:
                    pass


def test_a_postgresql_restart_mid_call_loses_no_turn(pg_url, tmp_path, monkeypatch):
    monkeypatch.setattr("simulator.store.recorder.RETRY_DELAYS", (0.05, 0.2))
    url = sa.engine.make_url(pg_url)
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    via_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    notices = []
    rec = _recorder(via_proxy, tmp_path, notice=lambda key, **v: notices.append(key)).begin()
    session = new_session()
    call = rec.start(trainee="Pat", cohort="c1", session=session)
    rec.turn(call, session.reply("L80 E60 P100 first"))
    assert rec.store_ready.wait(10)
    time.sleep(0.3)
    proxy.down()  # the server goes away mid-call
    for i in range(3):
        rec.turn(call, session.reply(f"L80 E60 P100 while down {i}"))
    time.sleep(0.5)
    proxy.up()  # and comes back
    rec.turn(call, session.reply("L90 E90 P100 close"))
    rec.finish(call, session, "completed")
    report = rec.close(timeout=20)
    proxy.down()
    assert report.unsaved_calls == 0, notices
    assert "store.busy" in notices and "store.recovered" in notices
    assert _stored(pg_url) == [("Pat", "completed", 5, "resolved")]
    with Store.open(pg_url) as store, store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(S.turns)).scalar() == 5
    assert list(tmp_path.glob("*.jsonl")) == []


def test_a_read_only_database_is_listed_and_a_new_call_waits_in_the_journal_with_one_read_only_notice(sqlite_url, tmp_path):
    rec = _recorder(sqlite_url, tmp_path / "j").begin()
    _play(rec, trainee="Before")
    assert rec.close(timeout=10).unsaved_calls == 0
    path = sqlite_url.removeprefix("sqlite:///")
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"  # what a read-only mount looks like to SQLite
    assert [r[0] for r in _stored(read_only)] == ["Before"]
    notices = []
    rec = _recorder(read_only, tmp_path / "j", notice=lambda key, **v: notices.append((key, v))).begin()
    _play(rec, trainee="After")
    report = rec.close(timeout=0.5)
    assert report.unsaved_calls == 1 and len(list((tmp_path / "j").glob("*.jsonl"))) == 1
    # one clear notice that says read-only and where (never "not answering": retrying will not help)
    assert [k for k, _ in notices] == ["store.read_only"], notices
    assert path in notices[0][1]["where"]
    assert report.read_only


def test_a_read_only_database_and_an_unwritable_journal_say_once_at_the_start_that_nothing_can_be_saved(
        sqlite_url, tmp_path):
    """Trial 19 (`chmod -R a-w` on the data folder): the app had said "kept on this computer",
    then "only written to the store", and lost the call; one line now says it cannot be saved."""
    Store.open(sqlite_url).close()
    path = sqlite_url.removeprefix("sqlite:///")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the journal folder should be")
    notices = []
    rec = _recorder(f"sqlite:///file:{path}?mode=ro&uri=true", blocker,
                    notice=lambda key, **v: notices.append(key)).begin()
    assert rec.store_ready.wait(10)
    assert notices == ["store.nowhere"]  # before any call is made
    _play(rec, trainee="After")
    report = rec.close(timeout=0.5)
    assert notices == ["store.nowhere"] and report.unsaved_calls == 1 and report.unsaved_key == "store.lost"


class FailsAfter(Journal):
    """A journal whose appends fail after `ok` records: a full disk (an empty probe file still
    succeeds), or with `read_only` a folder made read-only (the probe fails too)."""
    def __init__(self, *a, ok, read_only=False):
        super().__init__(*a)
        self.ok, self.read_only = ok, read_only

    def append(self, record):
        if self.ok <= 0:
            if self.read_only:
                raise PermissionError(13, "Permission denied", str(self.folder))
            raise OSError(28, "No space left on device")
        self.ok -= 1
        super().append(record)

    def writable(self):
        return (self.ok > 0 or not self.read_only) and super().writable()


def test_a_data_folder_made_read_only_mid_call_says_once_that_nothing_can_be_saved(sqlite_url, tmp_path):
    """Trial 26: both the journal and the SQLite file beside it fail after the first turn. The app
    had said "a local copy cannot be kept; they go to the session store only" and, at once, "the
    store is not answering; every turn is kept on this computer": both false."""
    notices = []
    rec = CallRecorder(open_store=lambda: DownAfter(Store.open(sqlite_url), 2),
                       journal=FailsAfter(tmp_path / "j", database_id(sqlite_url), ok=2, read_only=True),
                       notice=lambda key, **v: notices.append(key)).begin()
    _play(rec)  # start and one turn are written; the rest can go nowhere
    report = rec.close(timeout=0.5)
    assert notices == ["store.nowhere"] and report.unsaved_calls == 1


def test_a_journal_that_fails_while_the_store_takes_the_call_says_store_only_once(sqlite_url, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the journal folder should be")
    notices = []
    rec = CallRecorder(open_store=lambda: Flaky(Store.open(sqlite_url), 0),
                       journal=Journal(blocker, database_id(sqlite_url)),
                       notice=lambda key, **v: notices.append(key)).begin()
    assert rec.store_ready.wait(10)
    _play(rec)
    report = rec.close(timeout=10)
    assert notices == ["store.no_journal"] and report.unsaved_calls == 0


def test_a_call_started_while_the_store_opens_gets_the_same_one_line(sqlite_url, tmp_path):
    """The journal thread can fail before the writer has opened the store (replay --trainee puts
    its records at once): it waits to know which line is true, so "only in the store" is not said
    before "nothing can be saved" (the review found both)."""
    Store.open(sqlite_url).close()
    path = sqlite_url.removeprefix("sqlite:///")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the journal folder should be")
    for url in (f"sqlite:///file:{path}?mode=ro&uri=true", f"sqlite:///{tmp_path / 'junk.sqlite3'}"):
        if "junk" in url:
            (tmp_path / "junk.sqlite3").write_bytes(b"not a database" * 100)
        notices = []
        rec = _recorder(url, blocker, notice=lambda key, **v: notices.append(key)).begin()
        _play(rec, trainee="Now")
        rec.close(timeout=0.5)
        assert notices == ["store.nowhere"], (url, notices)


# SQLAlchemy warns that it ignores ?mode without uri=true: the very case this test pins down.
@pytest.mark.filterwarnings("ignore:Query string argument:sqlalchemy.exc.SAWarning")
def test_mode_ro_without_uri_is_a_writable_store_and_says_nothing(sqlite_url, tmp_path):
    path = sqlite_url.removeprefix("sqlite:///")
    notices = []
    rec = _recorder(f"sqlite:///{path}?mode=ro", tmp_path / "j", notice=lambda key, **v: notices.append(key)).begin()
    _play(rec)
    report = rec.close(timeout=10)
    assert report.unsaved_calls == 0 and notices == []  # SQLite ignores mode= outside a URI filename


# ---------------------------------------------------------------------------- both failing, in any order (review)
def test_a_journal_that_fails_beside_a_read_only_store_says_nothing_can_be_saved(sqlite_url, tmp_path):
    """The review of trial 26's fix: a journal that fails while the store is read-only, not
    answering, or back after a late open and failing again was told nowhere, or only at close."""
    Store.open(sqlite_url).close()
    path = sqlite_url.removeprefix("sqlite:///")
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    notices = []
    rec = CallRecorder(open_store=lambda: Store.open(url),
                       journal=FailsAfter(tmp_path / "j", database_id(url), ok=1),
                       notice=lambda key, **v: notices.append(key)).begin()
    assert rec.store_ready.wait(10)
    s = new_session()
    call = rec.start(trainee="A", cohort="c", session=s, mode="live")
    for t in ("L80 E60 P100 hello", "L80 E80 P100 sorry"):
        time.sleep(0.3)
        rec.turn(call, s.reply(t))
    time.sleep(0.5)
    report = rec.close(timeout=0.5)
    assert notices == ["store.read_only", "store.nowhere"] and report.unsaved_key == "store.lost"


def test_a_journal_that_fails_while_the_store_is_not_answering_says_nothing_can_be_saved(sqlite_url, tmp_path, monkeypatch):
    monkeypatch.setattr("simulator.store.recorder.RETRY_DELAYS", (0.05,))
    notices = []
    rec = CallRecorder(open_store=lambda: DownAfter(Store.open(sqlite_url), 1, "database or disk is full"),
                       journal=FailsAfter(tmp_path / "j", database_id(sqlite_url), ok=2),
                       notice=lambda key, **v: notices.append(key)).begin()
    assert rec.store_ready.wait(10)
    s = new_session()
    call = rec.start(trainee="A", cohort="c", session=s, mode="live")
    for t in ("L80 E60 P100 hello", "L80 E80 P100 sorry", "L90 E90 P100 close"):
        time.sleep(0.3)
        rec.turn(call, s.reply(t))
    time.sleep(2.0)
    before = list(notices)  # said during the call, not only at close
    report = rec.close(timeout=0.5)
    assert before == ["store.busy", "store.nowhere"] and report.unsaved_key == "store.lost"


def test_a_store_that_opens_late_and_fails_again_is_told_again(sqlite_url, tmp_path, monkeypatch):
    monkeypatch.setattr("simulator.store.recorder.RETRY_DELAYS", (0.05,))
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    tries = iter([1, 0])
    def opener():
        if next(tries, 0):
            raise sa.exc.OperationalError("connect", {}, Exception("connection refused"))
        return DownAfter(Store.open(sqlite_url), 2)
    notices = []
    rec = CallRecorder(open_store=opener, journal=Journal(blocker, database_id(sqlite_url)),
                       notice=lambda key, **v: notices.append(key)).begin()
    assert rec.store_ready.wait(10)
    s = new_session()
    call = rec.start(trainee="A", cohort="c", session=s, mode="live")
    for t in ("L80 E60 P100 hello", "L80 E80 P100 sorry", "L90 E90 P100 close"):
        rec.turn(call, s.reply(t))
    time.sleep(0.5)
    report = rec.close(timeout=0.5)
    assert notices == ["store.nowhere", "store.recovered", "store.nowhere"] and report.unsaved_key == "store.lost"


def test_a_store_that_opens_late_but_read_only_is_not_said_to_be_back(sqlite_url, tmp_path, monkeypatch):
    monkeypatch.setattr("simulator.store.recorder.RETRY_DELAYS", (0.05,))
    Store.open(sqlite_url).close()
    path = sqlite_url.removeprefix("sqlite:///")
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    tries = iter([1])
    def opener():
        if next(tries, 0):
            raise sa.exc.OperationalError("connect", {}, Exception("unable to open database file"))
        return Store.open(url)
    notices = []
    rec = CallRecorder(open_store=opener, journal=Journal(tmp_path / "j", database_id(url)),
                       notice=lambda key, **v: notices.append(key)).begin()
    assert rec.store_ready.wait(10)
    rec.close(timeout=0.5)
    assert notices == ["store.unavailable", "store.read_only"]
