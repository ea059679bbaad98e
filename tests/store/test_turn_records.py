"""A turn is stored compact (records.py, format 2: the row's columns are not repeated and shared
wording is kept once in `texts`) and reads back exactly as TurnResult.to_dict(). Calls recorded
before format 2, with the whole dict in `detail`, still read, render and export as before: from
the database and from a journal file left behind."""
from __future__ import annotations

import dataclasses
import json
import uuid

import sqlalchemy as sa

from simulator.loader import bundled_dir, load_scenario, scenario_files
from simulator.session import Session
from simulator.stories import StoryReply
from simulator.store import records
from simulator.store import schema as S
from simulator.store.export import turns_csv, xapi_statements
from simulator.store.journal import Journal, database_id
from simulator.store.records import finish_record, start_record, turn_dict, turn_row
from simulator.store.store import SessionDetail, Store, utcnow
from simulator.store.transcript import render_html, render_markdown
from simulator.tui.i18n import Catalog
from tests.store.helpers import without_columns_since


def engine_dict(turn) -> dict:
    """What the store has always given back for a turn: to_dict() as JSON would carry it."""
    return json.loads(json.dumps(turn.to_dict(), default=str))


def same(a, b) -> bool:
    """Equal, key order and number types included."""
    return json.dumps(a, ensure_ascii=False) == json.dumps(b, ensure_ascii=False)


def play_story(sc, story, *, silence_at: int | None = None) -> Session:
    session = Session(sc, seed=story.seed)
    for i, item in enumerate(story.replies):
        if session.over:
            break
        if i == silence_at:
            session.silence()
            if session.over:
                break
        text, interrupted = (item.text, item.interrupted) if isinstance(item, StoryReply) else (item, False)
        session.reply(text, interrupted=interrupted or i == 1, latency=2.5 + i)
    return session


def library_calls() -> list[Session]:
    """Every story of the bundled library, each with an interruption, and a silence in every other."""
    calls = []
    for f in scenario_files([bundled_dir()]):
        sc = load_scenario(f)
        for n, story in enumerate(sc.stories):
            calls.append(play_story(sc, story, silence_at=2 if n % 2 else None))
    return calls


def test_every_turn_of_the_library_is_compact_and_reads_back_exactly():
    turns = [turn for call in library_calls() for turn in call.turns]
    kinds = {t.kind for t in turns}
    assert len(turns) > 150 and kinds == {"reply", "silence"}
    assert any(t.score and t.score.landmines for t in turns) and any(t.broke_off for t in turns)
    for turn in turns:
        row = turn_row(turn)
        detail = row["detail"]
        assert detail["v"] == records.FORMAT, turn
        assert same(turn_dict(row, detail, detail["texts"]), engine_dict(turn))
        # Nothing the columns or the shared texts hold is repeated in the turn's own detail.
        stored = json.dumps({k: v for k, v in detail.items() if k != "texts"}, ensure_ascii=False)
        for text in [turn.reply, turn.customer_line, *(c["note"] for c in turn.candidates)]:
            assert not text or len(text) < 4 or text not in stored
        assert "customer_line" not in row and "customer_before" not in row


def test_what_the_compact_form_cannot_say_is_kept_whole(store):
    sc = load_scenario(bundled_dir() / "vas-sms-tips-en.yaml")
    session = Session(sc, seed=1)
    turn = dataclasses.replace(session.reply("I'm sorry, Mr Harper, I hear you."), interrupted=1)  # not a bool
    row = turn_row(turn)
    assert "v" not in row["detail"] and same(row["detail"], engine_dict(turn))
    assert row["customer_line"] == turn.customer_line  # format 1 keeps the columns it always had
    sid = store.start_session(trainee="A", cohort="c", session=session)
    store.record_turn(sid, turn)
    [back] = store.session_detail(sid).turns
    assert same({k: v for k, v in back.items() if k != "recorded_at"}, engine_dict(turn))


def test_stored_turns_read_back_as_the_engine_made_them_and_texts_are_kept_once(store):
    sc = load_scenario(bundled_dir() / "autopay-failed-zh.yaml")
    story = sc.stories[0]

    def record() -> tuple[int, Session]:
        session = play_story(sc, story, silence_at=1)
        sid = store.start_session(trainee="李娜", cohort="c", session=session)
        for turn in session.turns:
            store.record_turn(sid, turn)
        store.finish_session(sid, session)
        return sid, session

    def count_texts() -> int:
        with store.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(S.texts)).scalar()

    sid, session = record()
    expected = [engine_dict(t) for t in session.turns]
    for turns in (store.session_detail(sid).turns, store.turns_for([sid])[sid]):
        assert same([{k: v for k, v in t.items() if k != "recorded_at"} for t in turns], expected)
    n = count_texts()
    assert n > 0
    again, _ = record()  # the same call once more: its wording is already stored
    assert count_texts() == n and again != sid


# ---------------------------------------------------------------------------- recorded before format 2
def version_1_turn_row(turn) -> dict:
    """records.turn_row as schema version 4 wrote it: the whole to_dict() in detail."""
    d = turn.to_dict()
    s = turn.score
    return {
        "idx": turn.index, "kind": turn.kind, "reply": turn.reply,
        "interrupted": bool(turn.interrupted), "latency": turn.latency,
        "state_before": turn.state_before, "state_after": turn.state_after, "stage": turn.stage,
        "customer_before": turn.customer_before, "customer_line": turn.customer_line,
        "mood_before": d["mood_before"], "mood_after": d["mood_after"],
        "listening": s.listening.score if s else None, "empathy": s.empathy.score if s else None,
        "policy": s.policy.score if s else None, "landmines": len(s.landmine_categories) if s else 0,
        "hints_before": turn.hints_before, "ending": turn.ending, "recorded_at": utcnow().isoformat(),
        "detail": json.loads(json.dumps(d, default=str)),
    }


def _version_4_database(url: str, session: Session) -> None:
    """A version 4 store (no `texts`) holding one call written the way version 4 wrote it."""
    engine = sa.create_engine(url)  # the JSON as SQLAlchemy writes it by default, as version 4 did
    md = sa.MetaData()
    for table in (S.meta, S.cohorts, S.trainees, S.sessions, S.turns):
        table.to_metadata(md)
    with engine.begin() as conn:
        md.create_all(conn)
        without_columns_since(conn, 4)
        conn.execute(md.tables["meta"].insert().values(key="schema_version", value="4"))
        now = utcnow()
        conn.execute(md.tables["cohorts"].insert().values(id=1, name="before", created_at=now))
        conn.execute(md.tables["trainees"].insert().values(id=1, cohort_id=1, name="Old Hand", created_at=now))
        start = start_record(session, trainee="Old Hand", cohort="before")
        conn.execute(md.tables["sessions"].insert().values(
            id=1, cohort_id=1, trainee_id=1, status="in_progress", started_at=now, updated_at=now,
            call_key=start["call"], **{k: start[k] for k in ("scenario_id", "scenario_title", "scenario_hash",
                                                               "locale", "persona", "opening", "seed", "mode",
                                                               "host", "pid")}))
        for turn in session.turns:
            row = version_1_turn_row(turn)
            conn.execute(md.tables["turns"].insert().values(
                **{**row, "session_id": 1, "recorded_at": now}))
        values = finish_record(start["call"], session)["values"]
        values.pop("ending_title")  # added in version 10
        values.pop("human_caller")  # a column since version 6, in the finish record since the hand-over
        conn.execute(md.tables["sessions"].update().values(status="completed", ended_at=now, **values))
        if conn.dialect.name == "postgresql":
            for table in ("sessions", "cohorts", "trainees"):
                conn.exec_driver_sql(f"SELECT setval('{table}_id_seq', 1)")
    engine.dispose()


def _version_4_journal(folder, url: str, session: Session) -> str:
    """A journal file left behind by version 4: turn records whose rows hold the whole dict."""
    journal = Journal(folder, database_id(url))
    # Written on another machine: no live process of this one is still in the call.
    start = {**start_record(session, trainee="Journaled", cohort="before"), "host": "old-machine", "pid": 4242,
             "call": str(uuid.uuid4())}
    journal.append(start)
    for turn in session.turns:
        journal.append({"event": "turn", "call": start["call"], "row": version_1_turn_row(turn)})
    journal.append(finish_record(start["call"], session))
    return start["call"]


def test_calls_recorded_before_format_2_read_render_and_export_as_before(db_url, tmp_path):
    sc = load_scenario(bundled_dir() / "vas-sms-tips-en.yaml")
    story = next(s for s in sc.stories if len(s.replies) >= 4)

    def call() -> Session:
        return play_story(sc, story, silence_at=2)

    _version_4_database(db_url, call())
    _version_4_journal(tmp_path / "journal", db_url, call())
    with Store.open(db_url) as store:  # upgrades to version 5 and leaves the stored turns alone
        assert Journal(tmp_path / "journal", database_id(db_url)).replay(store).saved == 1
        fresh = call()
        sid = store.start_session(trainee="New", cohort="before", session=fresh)
        for turn in fresh.turns:
            store.record_turn(sid, turn)
        store.finish_session(sid, fresh)

        ids = {r.trainee: r.id for r in store.sessions("before")}
        old, journaled, new = (store.session_detail(ids[name]) for name in ("Old Hand", "Journaled", "New"))
        with store.engine.connect() as conn:
            formats = {sid_: {(json.loads(d) if isinstance(d, str) else d).get("v", 1) for d in conn.execute(
                sa.select(S.turns.c.detail).where(S.turns.c.session_id == sid_)).scalars()} for sid_ in ids.values()}
        assert formats == {ids["Old Hand"]: {1}, ids["Journaled"]: {1}, ids["New"]: {2}}
        exported = store.turns_for(ids.values())

    expected = [engine_dict(t) for t in fresh.turns]
    at = [t["recorded_at"] for t in old.turns]
    for detail in (old, journaled, new):
        assert same([{k: v for k, v in t.items() if k != "recorded_at"} for t in detail.turns], expected)
        assert same([{k: v for k, v in t.items() if k != "recorded_at"} for t in exported[detail.session.id]],
                    expected)

    def outputs(detail: SessionDetail) -> tuple:
        # The same call facts and times for all three, so only the stored turns can differ.
        turns = [{**t, "recorded_at": a} for t, a in zip(detail.turns, at)]
        same_call = SessionDetail(old.session, turns)
        by_id = {old.session.id: turns}
        return (render_markdown(same_call), render_html(same_call), turns_csv([old.session], by_id),
                json.dumps(xapi_statements([old.session], by_id)))

    assert outputs(old) == outputs(journaled) == outputs(new)
    markdown = outputs(new)[0]
    assert markdown.count("\n## Turn ") == len(fresh.turns) and "the trainee said nothing" in markdown


# ---------------------------------------------------------------------------- recorded before concerns
def test_a_call_recorded_before_concerns_still_reads_replays_and_shows_its_transcript(store, tmp_path):
    """Turns written before TurnResult.concerns_met existed: format 2 without "k", and format 1
    without the key. They read back with no concerns, render, and the call replays from its events."""
    sc = load_scenario(bundled_dir() / "pro-complainer-zh.yaml")
    story = sc.stories[0]
    session = play_story(sc, story)
    assert any(t.concerns_met for t in session.turns)  # today's engine records them

    def before_concerns(turn, *, compact: bool) -> dict:
        row = turn_row(turn)
        if compact:
            row["detail"] = {k: v for k, v in row["detail"].items() if k != "k"}
        else:
            row = {**version_1_turn_row(turn)}
            row["detail"] = {k: v for k, v in row["detail"].items() if k != "concerns_met"}
        return row

    journal = Journal(tmp_path / "journal", database_id(store.url))
    calls = {}
    for name, compact in (("Format2", True), ("Format1", False)):
        start = {**start_record(session, trainee=name, cohort="before"), "host": "old-machine", "pid": 4242,
                 "call": str(uuid.uuid4())}
        journal.append(start)
        for turn in session.turns:
            journal.append({"event": "turn", "call": start["call"], "row": before_concerns(turn, compact=compact)})
        journal.append(finish_record(start["call"], session))
        calls[name] = start["call"]
    assert journal.replay(store).saved == 2

    ids = {r.trainee: r.id for r in store.sessions("before")}
    for name in calls:
        detail = store.session_detail(ids[name])
        assert [t["reply"] for t in detail.turns] == [t.reply for t in session.turns]
        assert [t["customer_line"] for t in detail.turns] == [t.customer_line for t in session.turns]
        assert all(not t.get("concerns_met") for t in detail.turns)
        markdown = render_markdown(detail, tr=Catalog("en"))
        assert markdown.count("\n## Turn ") == len(session.turns)
        assert session.turns[-1].customer_line in markdown and "Addressed the caller" not in markdown
        assert render_markdown(detail).count("\n## 第 ") == len(session.turns)  # in the call's own language
        assert "<html" in render_html(detail)

    # The session JSON of that time (turns and summary without concerns) replays from its events.
    old_json = session.to_json()
    for t in old_json["turns"]:
        del t["concerns_met"]
    del old_json["summary"]["concerns_met"]
    replayed = Session.replay(sc, old_json)
    assert [t.customer_line for t in replayed.turns] == [t.customer_line for t in session.turns]
    assert replayed.ending == session.ending and replayed.met == session.met


def test_a_turn_with_concerns_is_compact_and_says_them_in_the_transcript(store):
    sc = load_scenario(bundled_dir() / "autopay-failed-en.yaml")
    story = next(s for s in sc.stories if s.name.startswith("every concern in a single reply"))
    session = play_story(sc, story)
    [turn] = session.turns
    row = turn_row(turn)
    assert row["detail"]["k"] == list(sc.concerns)
    sid = store.start_session(trainee="A", cohort="c", session=session)
    store.record_turn(sid, turn)
    store.finish_session(sid, session)
    detail = store.session_detail(sid)
    assert detail.turns[0]["concerns_met"] == list(sc.concerns)
    assert f"Addressed the caller's concerns: {', '.join(sc.concerns)}." in render_markdown(detail).replace("\\_", "_")
    assert detail.session.service_level == 4
