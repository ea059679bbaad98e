"""The live class's transport: participants of a live call meet through the store (SQLite file or
PostgreSQL), each sees every event in one order, and a database that blinks loses nothing."""
from __future__ import annotations

import threading
import time

import sqlalchemy as sa

from simulator.store import live
from simulator.store.store import Store


def collect(store, call):
    got: list = []
    link = live.LiveLink(store, call, got.extend).start()
    return link, got


def wait_for(condition, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


def test_a_call_is_found_by_its_code_as_typed(store):
    call = live.open_call(store, cohort="A1", trainee="Li Na", scenario_id="drill-en", caller="human", seed=9)
    assert len(call.code) == live.CODE_LENGTH and set(call.code) <= set(live.CODE_ALPHABET)
    assert live.find_call(store, f" {call.code.lower()[:2]}-{call.code.lower()[2:]} ") == call
    assert live.find_call(store, "nope!") is None
    assert (call.status, call.seed, call.caller) == ("open", 9, "human")
    other = live.open_call(store, cohort="A1", trainee="Bo", scenario_id="drill-en", caller="machine")
    assert other.code != call.code and live.newest_call(store, "A1") == other
    assert live.newest_call(store, "A1", after=other.id) is None
    live.end_call(store, call.id)
    assert live.find_call(store, call.code).status == "ended"


def test_every_participant_sees_every_event_in_one_order(db_url):
    # Three participants, each with its own connection to the database, as three processes have.
    stores = [Store.open(db_url) for _ in range(3)]
    try:
        call = live.open_call(stores[0], cohort="A1", trainee="Li Na", scenario_id="drill-en", caller="human")
        links = [collect(s, call) for s in stores]
        senders = [threading.Thread(target=lambda who=who: [links[who][0].send("caller", text=f"{who}-{i}")
                                                            for i in range(20)]) for who in (0, 1)]
        for t in senders:
            t.start()
        for t in senders:
            t.join()
        wait_for(lambda: all(len(got) == 40 for _, got in links))
        orders = [[(e.seq, e.body["text"]) for e in got] for _, got in links]
        assert orders[0] == orders[1] == orders[2]
        assert [seq for seq, _ in orders[0]] == list(range(1, 41))  # no gaps, no repeats
        for who in (0, 1):  # each sender's own events keep the order it sent them in
            assert [t for _, t in orders[0] if t.startswith(f"{who}-")] == [f"{who}-{i}" for i in range(20)]
        late, got = collect(stores[2], call)  # a late joiner catches up from the start
        wait_for(lambda: len(got) == 40)
        late.close()
        for link, _ in links:
            link.close()
    finally:
        for s in stores:
            s.close()


def test_text_from_people_is_plain_in_the_log(store):
    call = live.open_call(store, cohort="A1\x1b[2J", trainee="Li\u202eNa", scenario_id="drill-en", caller="human")
    assert call.cohort == "A1" and "\u202e" not in call.trainee
    live.append(store, call.id, "caller", {"text": "\x1b[31mred\x1b[0m and \x07bell"})
    (event,) = live.events_after(store, call.id)
    assert event.body["text"] == "red and bell"


def test_a_store_that_is_down_delays_events_and_loses_none(store, monkeypatch):
    call = live.open_call(store, cohort="A1", trainee="Li Na", scenario_id="drill-en", caller="human")
    real, failures = live.append, [2]

    def flaky(*args, **kwargs):
        if failures[0]:
            failures[0] -= 1
            raise sa.exc.OperationalError("INSERT", {}, Exception("database is down"))
        return real(*args, **kwargs)

    monkeypatch.setattr(live, "append", flaky)
    notices: list[str] = []
    got: list = []
    link = live.LiveLink(store, call, got.extend, notice=lambda key, **v: notices.append(key)).start()
    link.send("caller", text="first")
    link.send("caller", text="second")
    wait_for(lambda: len(got) == 2)
    link.close()
    assert [e.body["text"] for e in got] == ["first", "second"]
    assert notices == ["live.unavailable"]  # said once, not once per try


def test_the_roster_is_the_cohorts_trainees(store):
    for name, cohort in (("Bea Wu", "A1"), ("Al Xu", "A1"), ("Other", "B2")):
        store._write(lambda conn, n=name, c=cohort: store._trainee_ids(conn, n, c))
    assert live.roster(store, "A1") == ["Al Xu", "Bea Wu"]
    assert live.roster(store, "nobody") == []


def test_an_idle_sqlite_link_reads_the_log_only_when_another_process_has_written(sqlite_url, monkeypatch):
    reads: list[int] = []
    events_after = live.events_after
    monkeypatch.setattr(live, "events_after", lambda *a, **k: (reads.append(1), events_after(*a, **k))[1])
    store, guest = Store.open(sqlite_url), Store.open(sqlite_url)  # two processes' connections
    try:
        call = live.open_call(store, cohort="A1", trainee="Li Na", scenario_id="drill-en", caller="human")
        link, got = collect(store, call)
        wait_for(lambda: reads)  # the first read: a late joiner catches up
        time.sleep(20 * live.POLL_SECONDS)  # twenty polls with nothing new
        assert len(reads) == 1
        live.append(guest, call.id, "caller", {"text": "Who signed me up?"})  # the guest's console
        wait_for(lambda: got)
        assert [e.body["text"] for e in got] == ["Who signed me up?"]
        link.close()
    finally:
        store.close()
        guest.close()
