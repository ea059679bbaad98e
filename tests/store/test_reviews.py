"""A trainer's review of turns (simulator/store/reviews.py): stored beside the machine's score,
never over it; counted by the leaderboard; shown in transcripts and exports with the machine's
score beside it; set from the terminal with `mystery-guest review`."""
from __future__ import annotations

import csv
import io
import json

import pytest
import sqlalchemy as sa

from simulator.cli import main
from simulator.store import schema as S
from simulator.store.reviews import ReviewError
from simulator.store.store import Store
from tests.store.helpers import play, without_columns_since


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cohort(db_url):
    """Ann's call is worth more than Ben's to the machine (80 against 74)."""
    with Store.open(db_url) as store:
        ann, _ = play(store, "Ann", "june", ["L80 E80 P100 first reply", "L80 E80 P100 close"])
        ben, _ = play(store, "Ben", "june", ["L70 E70 P100 first reply", "L70 E70 P100 close"])
    return db_url, ann, ben


def test_a_review_changes_the_leaderboard_and_shows_in_the_transcript_beside_the_machine_score(cohort, capsys):
    url, ann, ben = cohort
    with Store.open(url) as store:
        assert [r.trainee for r in store.leaderboard("june")] == ["Ann", "Ben"]
        store.save_review(ann, 0, listening=0, empathy=0, landmines=["accuse"], note="You blamed him.",
                          reviewer="Tina")
        board = store.leaderboard("june")
        assert [(r.trainee, r.reviewed) for r in board] == [("Ben", False), ("Ann", True)]
        # Ann's first reply is now worth 20/20/0 (levels 0, the middle of the band): 50/50/50 over
        # the call, so 0.3*50 + 0.3*50 + 0.2*50 + 0.2*60 = 52
        assert board[1].best == 52.0 and board[1].landmines_per_call == 1.0
        row = store.sessions("june", trainee="Ann")[0]
        assert row.overall == 80.0  # the machine's score stays as it was
    code, out, _ = run(capsys, "transcript", str(ann), "--db", url)
    assert code == 0
    assert "| Overall (reviewed) | 52.0 (machine 80.0) |" in out
    assert "Reviewed by Tina" in out and "listening 20 (level 0)" in out and "landmines: accuse" in out
    assert "Machine: listening 80 (level 2)" in out and "Trainer's note: You blamed him." in out
    code, out, _ = run(capsys, "leaderboard", "--cohort", "june", "--db", url)
    assert code == 0 and "52.0†" in out and "counts a trainer's review" in out
    code, out, _ = run(capsys, "sessions", "--cohort", "june", "--db", url)
    ann_line = next(line for line in out.splitlines() if "Ann" in line)
    assert "52.0† (80.0)" in ann_line and ann_line.rstrip().endswith("1† (0)")  # the trainer's landmine counts


def test_reviewing_again_replaces_the_earlier_review_and_the_machine_turn_is_untouched(cohort):
    url, ann, _ = cohort
    with Store.open(url) as store:
        before = store.session_detail(ann).turns
        store.save_review(ann, 1, listening=1, empathy=1, reviewer="Tina")
        store.save_review(ann, 1, listening=2, empathy=2, note="better on second look", reviewer="Sam")
        detail = store.session_detail(ann)
        assert detail.turns == before
        [(index, review)] = detail.reviews.items()
        assert index == 1 and (review.listening, review.reviewer, review.note) == (2, "Sam", "better on second look")
        with store.engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(S.reviews)).scalar() == 1


def test_a_kept_level_keeps_the_machine_points_and_a_changed_one_sits_mid_band(cohort):
    url, _, ben = cohort
    with Store.open(url) as store:
        store.save_review(ben, 0, listening=2, empathy=1, reviewer="Tina")
        reviewed = store.session_detail(ben).reviewed
    # turn 1: listening level 2 kept (70), empathy 1 (57); turn 2 as the machine scored it (70/70)
    assert (reviewed["listening"], reviewed["empathy"], reviewed["policy"]) == (70.0, 63.5, 100.0)
    assert reviewed["overall"] == round(0.3 * 70 + 0.3 * 63.5 + 0.2 * 100 + 0.2 * 60, 1)


@pytest.mark.parametrize("values, says", [
    ({"listening": 3, "empathy": 1}, "listening must be a level from 0 to 2"),
    ({"listening": 1, "empathy": 1, "policy": 2}, "policy must be a level from 0 to 1"),
    ({"listening": 1, "empathy": 1, "landmines": ["blame"]}, "unknown landmine 'blame'"),
    ({"listening": 1, "empathy": 1, "policy": 1, "landmines": ["defy"]}, "a reply with a landmine breaks policy"),
    ({"listening": 1, "empathy": 1, "note": "x" * 2001}, "keep it under 2000"),
])
def test_a_review_that_cannot_be_stored_says_why_in_one_line(cohort, values, says):
    url, ann, _ = cohort
    with Store.open(url) as store:
        with pytest.raises(ReviewError, match=says):
            store.save_review(ann, 0, reviewer="Tina", **values)
        with pytest.raises(ReviewError, match="has no turn 9"):
            store.save_review(ann, 8, listening=1, empathy=1, reviewer="Tina")
        with pytest.raises(ReviewError, match="say who reviews"):
            store.save_review(ann, 0, listening=1, empathy=1, reviewer=" \x1b[2J ")
        assert store.reviews([ann]) == {}


def test_a_trainee_cannot_review_their_own_call(cohort, capsys):
    url, ann, _ = cohort
    with Store.open(url) as store:
        with pytest.raises(ReviewError, match="Ann made this call: a trainer reviews it") as refused:
            store.save_review(ann, 0, listening=0, empathy=0, reviewer=" ann ")
        assert store.reviews([ann]) == {}
    from simulator.tui.i18n import Catalog

    # the screens say it in their language (trial 29: English in the Chinese class console)
    assert refused.value.said(Catalog("zh")) == "这通电话是Ann自己打的：由培训师复核，学员不能复核自己的通话。"
    code, _, err = run(capsys, "review", str(ann), "--turn", "1", "--listening", "0", "--empathy", "0",
                       "--reviewer", "Ann", "--db", url)
    assert code != 0 and "a trainer reviews it, not its trainee" in err


def test_a_silence_cannot_be_reviewed(sqlite_url):
    from tests.store.helpers import new_session

    with Store.open(sqlite_url) as store:
        session = new_session()
        sid = store.start_session(trainee="Cy", cohort="quiet", session=session)
        store.record_turn(sid, session.silence())
        with pytest.raises(ReviewError, match="was a silence"):
            store.save_review(sid, 0, listening=1, empathy=1, reviewer="Tina")


def test_escape_codes_in_a_note_never_reach_the_transcript(cohort, capsys):
    url, ann, _ = cohort
    with Store.open(url) as store:
        store.save_review(ann, 0, listening=1, empathy=1, note="\x1b[31mred\x1b[0m\u202e and <b>", reviewer="T\x07ina")
    for fmt in ("md", "text", "html"):
        code, out, _ = run(capsys, "transcript", str(ann), "--db", url, "--format", fmt)
        assert code == 0 and "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "red and &lt;b&gt;" in out


def test_a_note_written_on_two_lines_reads_on_two_lines_in_the_terminal(cohort, capsys):
    url, ann, _ = cohort
    with Store.open(url) as store:
        store.save_review(ann, 0, listening=1, empathy=1, note="Apologise first.\nThen check the bill.", reviewer="Tina")
    code, out, _ = run(capsys, "review", str(ann), "--show", "--db", url)
    lines = [line.strip() for line in out.splitlines()]
    assert code == 0
    assert lines[lines.index("Trainer's note: Apologise first.") + 1] == "Then check the bill."


def test_a_review_that_only_adds_a_note_shows_the_score_once_marked_reviewed(cohort, capsys):
    url, ann, _ = cohort
    with Store.open(url) as store:
        store.save_review(ann, 0, listening=2, empathy=2, note="Good opening.", reviewer="Tina")
    code, out, _ = run(capsys, "sessions", "--cohort", "june", "--db", url)
    assert code == 0 and "80.0†" in out and "(80.0)" not in out
    code, out, _ = run(capsys, "transcript", str(ann), "--db", url)
    assert "| Overall (reviewed) | 80.0 |" in out and "machine 80" not in out


def test_exports_give_the_reviewed_score_beside_the_machine_one(cohort, capsys):
    url, ann, _ = cohort
    code, out, _ = run(capsys, "export", "--cohort", "june", "--format", "xapi", "--db", url)
    machine_ids = {s["id"] for s in json.loads(out)}
    with Store.open(url) as store:
        store.save_review(ann, 0, listening=0, empathy=0, landmines=["accuse"], note="blame", reviewer="Tina")
    code, out, _ = run(capsys, "export", "--cohort", "june", "--format", "csv", "--db", url)
    rows = {r["trainee"]: r for r in csv.DictReader(io.StringIO(out))}
    assert (rows["Ann"]["overall"], rows["Ann"]["reviewed"], rows["Ann"]["reviewed_overall"]) == ("80.0", "yes", "52.0")
    assert rows["Ben"]["reviewed"] == "no" and rows["Ben"]["reviewed_overall"] == ""
    code, out, _ = run(capsys, "export", "--cohort", "june", "--format", "csv", "--turns", "--db", url)
    first = next(r for r in csv.DictReader(io.StringIO(out)) if r["trainee"] == "Ann" and r["turn"] == "1")
    assert (first["listening"], first["reviewed_listening"], first["reviewed_landmines"], first["review_note"]) == (
        "80", "20", "accuse", "blame")
    # the levels the app shows, beside the points: the machine's 2 / 2 / 1, the trainer's 0 / 0 / 0
    assert [first[f"{d}_level"] for d in ("listening", "empathy", "policy")] == ["2", "2", "1"]
    assert [first[f"reviewed_{d}_level"] for d in ("listening", "empathy", "policy")] == ["0", "0", "0"]
    code, out, _ = run(capsys, "export", "--cohort", "june", "--format", "xapi", "--db", url)
    statements = json.loads(out)
    call = next(s for s in statements if s["actor"]["name"] == "Ann" and s["verb"]["display"]["en-US"] == "completed")
    ext = "http://mystery-guest.invalid/xapi/extensions/"
    assert call["result"]["score"]["raw"] == 52.0 and call["result"]["extensions"][ext + "reviewed"] is True
    assert call["result"]["extensions"][ext + "machine-overall"] == 80.0
    # the reviewed statements are new ones for an LRS; the unreviewed call's are the same as before
    ids = {s["id"] for s in statements}
    assert call["id"] not in machine_ids
    ben = {s["id"] for s in statements if s["actor"]["name"] == "Ben"}
    assert ben <= machine_ids


def test_review_command_sets_a_turn_from_flags_and_refuses_bad_ones_in_one_line(cohort, capsys):
    url, ann, _ = cohort
    code, out, err = run(capsys, "review", str(ann), "--turn", "1", "--listening", "1", "--landmine", "dismiss",
                         "--note", "Say sorry first", "--reviewer", "Tina", "--db", url)
    assert code == 0, err
    assert "machine: listening 80 (level 2)" in out and "Reviewed by Tina" in out and "policy 0 (level 0)" in out
    with Store.open(url) as store:
        review = store.reviews([ann])[ann][0]
    # empathy was not given: the machine's level stays; a landmine alone sets policy 0
    assert (review.listening, review.empathy, review.policy, review.landmines) == (1, 2, 0, ("dismiss",))
    # policy 1 alone clears the landmines (the reply keeps to policy)
    code, out, err = run(capsys, "review", str(ann), "--turn", "1", "--policy", "1", "--reviewer", "Tina", "--db", url)
    assert code == 0, err
    with Store.open(url) as store:
        review = store.reviews([ann])[ann][0]
    assert (review.listening, review.policy, review.landmines, review.note) == (1, 1, (), "Say sorry first")
    code, out, err = run(capsys, "review", str(ann), "--turn", "1", "--landmine", "blame", "--db", url)
    assert code == 2 and err.count("\n") == 1 and "unknown landmine 'blame'" in err
    code, out, err = run(capsys, "review", str(ann), "--turn", "7", "--db", url)
    assert code == 1 and "has no turn 7" in err
    code, out, err = run(capsys, "review", "999", "--db", url)
    assert code == 1 and "no session 999" in err


def test_review_asks_turn_by_turn_when_run_by_hand(cohort, capsys):
    from simulator.store.review_commands import _interactive

    url, ann, _ = cohort
    answers = iter(["5", "1", "", "0", "accuse", "", "you implied he lied", "2", "2", "2", "none", "", "", ""])
    with Store.open(url) as store:
        _interactive(store, store.session_detail(ann), "Tina", lambda prompt: next(answers))
        reviews = store.reviews([ann])[ann]
    out = capsys.readouterr().out
    assert "no reply at turn 5" in out
    # turn 1: listening kept at the machine's 2 (Enter), empathy 0, a landmine, so policy defaults to 0
    assert (reviews[0].listening, reviews[0].empathy, reviews[0].policy, reviews[0].landmines) == (2, 0, 0, ("accuse",))
    assert reviews[0].note == "you implied he lied" and reviews[0].reviewer == "Tina"
    assert (reviews[1].listening, reviews[1].empathy, reviews[1].policy, reviews[1].landmines) == (2, 2, 1, ())


def test_a_version_6_store_gets_the_reviews_table_and_keeps_its_calls(db_url):
    with Store.open(db_url) as store:
        sid, _ = play(store, "Ann", "old", ["L80 E80 P100 close"])
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:  # back to version 6: no reviews table
        conn.exec_driver_sql("DROP TABLE reviews")
        without_columns_since(conn, 6)
        conn.execute(S.meta.update().values(value="6"))
    engine.dispose()
    with Store.open(db_url) as store:
        with store.engine.connect() as conn:
            assert S.read_version(conn) == S.SCHEMA_VERSION
            assert "reviews" in sa.inspect(conn).get_table_names()
        assert store.sessions("old")[0].overall == 80.0
        store.save_review(sid, 0, listening=1, empathy=1, reviewer="Tina")
        assert store.leaderboard("old")[0].reviewed


def test_the_trainee_s_best_per_scenario_counts_the_review(cohort):
    url, ann, _ = cohort
    with Store.open(url) as store:
        assert store.best_scores("Ann", "june")["store-test-en"].best == 80.0
        store.save_review(ann, 0, listening=0, empathy=0, landmines=["accuse"], reviewer="Tina")
        assert store.best_scores("Ann", "june")["store-test-en"].best == 52.0


def test_a_best_only_a_reviewed_call_reaches_is_marked_as_the_trainer_s(db_url):
    with Store.open(db_url) as store:
        first, _ = play(store, "Ann", "june", ["L80 E80 P100 close"])
        assert not store.best_scores("Ann", "june")["store-test-en"].best_reviewed
        store.save_review(first, 0, listening=1, empathy=1, reviewer="Tina")
        best = store.best_scores("Ann", "june")["store-test-en"]
        assert best.best != 80 and best.best_reviewed  # the trainer's score, not the machine's
        play(store, "Ann", "june", ["L100 E100 P100 close"])  # a better call the machine scored
        assert not store.best_scores("Ann", "june")["store-test-en"].best_reviewed


def test_review_shows_evidence_found_many_times_in_a_reply_once_with_its_count(sqlite_url, tmp_path, capsys):
    """The scorer gives one piece of evidence per place a phrase occurs (the HTML transcript
    highlights each); the review lists each piece once and says how often it was found."""
    replies = tmp_path / "replies.txt"
    # Ten different sentences, each with the same apology (a sentence pasted over and over is
    # another matter: the scorer caps it as pasted, tests/scoring/test_pasted_replies.py).
    sentences = [f"I can see the 6.00 charge on bill {n} since 2 June, I'm sorry." for n in range(1, 11)]
    replies.write_text(" ".join(sentences) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "replay", "vas-sms-tips-en", "--replies", str(replies), "--trainee", "Ann",
                       "--cohort", "june", "--db", sqlite_url)
    assert code == 0, err
    with Store.open(sqlite_url) as store:
        (row,) = store.sessions("june")
        turn = store.session_detail(row.id).turns[0]
    pieces = [e["reason"] for e in turn["score"]["empathy"]["evidence"]]
    assert len(pieces) == 10 and len(set(pieces)) == 1  # what the scorer gives: one piece per place
    code, out, err = run(capsys, "review", str(row.id), "--show", "--db", sqlite_url)
    assert code == 0, err
    lines = [line for line in out.splitlines() if line.strip().startswith("+ empathy:")]
    assert len(lines) == 1 and lines[0].endswith("(found 10 times)"), lines
    listening = [line for line in out.splitlines() if line.strip().startswith("+ listening:")]
    assert len(listening) == len(set(listening)) and not any("found" in line for line in listening)
