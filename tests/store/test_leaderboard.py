"""The leaderboard follows its documented rule: best completed call per scenario averaged over
scenarios, ties share a rank, abandoned and left calls never score, hints show."""
from __future__ import annotations

import pytest

from simulator.session import HINT_COST, WEIGHTS
from tests.store.helpers import play


def overall(l: int, e: int, p: int, level: int = 3, hints: int = 0) -> float:
    """The expected overall of a one-reply call of the test scenario (engine weights)."""
    raw = WEIGHTS["listening"] * l + WEIGHTS["empathy"] * e + WEIGHTS["policy"] * p + WEIGHTS["service"] * level * 20
    return round(max(0.0, min(100.0, raw - HINT_COST * hints)), 1)


def close(l: int, e: int, p: int = 100) -> list[str]:
    return [f"L{l} E{e} P{p} close"]


def board(store, cohort="c", **kw):
    return {r.trainee: r for r in store.leaderboard(cohort, **kw)}


def test_ties_share_a_rank_and_are_listed_by_name(store):
    play(store, "Zhou", "c", close(80, 80))
    play(store, "amy", "c", close(80, 80))
    play(store, "Bea", "c", close(60, 60))
    play(store, "Bea", "c", close(80, 80))  # her best equals the others'
    play(store, "Carl", "c", close(50, 50))
    rows = store.leaderboard("c")
    assert [(r.rank, r.trainee) for r in rows] == [(1, "amy"), (1, "Bea"), (1, "Zhou"), (4, "Carl")]
    bea = rows[1]
    assert bea.best == overall(80, 80, 100)
    assert bea.average == round((overall(60, 60, 100) + overall(80, 80, 100)) / 2, 1)
    assert (bea.sessions, bea.completed, bea.scenarios) == (2, 2, 1)


def test_best_per_scenario_is_averaged_over_scenarios(store):
    play(store, "A", "c", close(90, 90), scenario_id="s1")
    play(store, "A", "c", close(40, 40), scenario_id="s1")
    play(store, "A", "c", close(50, 50), scenario_id="s2")
    play(store, "B", "c", close(75, 75), scenario_id="s1")
    rows = board(store)
    assert rows["A"].best == round((overall(90, 90, 100) + overall(50, 50, 100)) / 2, 1)
    assert rows["A"].scenarios == 2
    assert rows["B"].best == overall(75, 75, 100)
    assert rows["B"].rank == 1 and rows["A"].rank == 2  # A's 90 on s1 alone does not carry s2
    only_s1 = board(store, scenario="s1")
    assert only_s1["A"].best == overall(90, 90, 100) and only_s1["A"].rank == 1
    assert only_s1["A"].sessions == 2


def test_abandoned_and_left_calls_count_as_sessions_never_as_scores(store):
    play(store, "A", "c", close(60, 60))
    play(store, "A", "c", ["L100 E100 P100 great but unfinished"], status="open")  # this process lives
    play(store, "A", "c", ["L100 E100 P100 hangs up"], status="left")
    play(store, "Ghost", "c", ["L100 E100 P100 only ever crashed"], status="open")
    # mark the open calls abandoned the way a dead process would leave them
    from simulator.store import schema as S

    with store.engine.begin() as conn:
        conn.execute(S.sessions.update().where(S.sessions.c.status == "in_progress").values(status="abandoned"))
    rows = store.leaderboard("c")
    a = next(r for r in rows if r.trainee == "A")
    assert (a.sessions, a.completed, a.best, a.average) == (3, 1, overall(60, 60, 100), overall(60, 60, 100))
    assert a.listening == 60  # the 100s of unfinished calls are not averaged in
    assert a.resolved_rate == 0.5  # one resolved of completed + left; the abandoned call is not counted
    assert rows[-1].trainee == "Ghost" and rows[-1].rank is None and rows[-1].best is None
    assert rows[-1].sessions == 1 and rows[-1].resolved_rate is None


def test_a_call_left_before_a_word_was_said_is_no_attempt(store, capsys):
    """A trainee who opens the wrong scenario and leaves at once has not failed a call: the store
    keeps it as skipped, a session and nothing else (the pause screen says leaving is fine)."""
    from simulator.cli import main
    from simulator.store.cohort_stats import cohort_stats

    play(store, "A", "c", close(60, 60))
    skipped, _ = play(store, "A", "c", [], status="left")
    play(store, "A", "c", ["L100 E100 P100 hangs up"], status="left")
    assert store.session_detail(skipped).session.status == "skipped"
    a = store.leaderboard("c")[0]
    assert (a.sessions, a.completed, a.resolved_rate) == (3, 1, 0.5)  # resolved of completed + left
    stats = cohort_stats(store, "c")
    assert (stats.attempts, stats.completed, stats.passed) == (2, 1, 1)
    assert main(["sessions", "--cohort", "c", "--db", store.url, "--status", "skipped"]) == 0
    assert " skipped " in capsys.readouterr().out


def test_calls_stored_as_left_before_a_reply_become_skipped_when_the_store_is_upgraded(db_url):
    """Schema 9: calls a version 8 store kept as `left` with no reply (a silence at most) were
    counted as failed attempts; opening the store makes them skipped, and a left call with a reply
    stays left."""
    from simulator.store import schema as S
    from simulator.store.store import Store

    with Store.open(db_url) as store:
        silent, session = play(store, "A", "c", [], status="open")
        store.record_turn(silent, session.silence())
        store.finish_session(silent, session, "left")
        replied, _ = play(store, "A", "c", ["L60 E60 P100 gone"], status="left")
        with store.engine.begin() as conn:  # as version 8 stored them
            conn.execute(S.sessions.update().where(S.sessions.c.id == silent).values(status="left"))
            conn.execute(S.meta.update().where(S.meta.c.key == "schema_version").values(value="8"))
    with Store.open(db_url) as store:
        assert store.session_detail(silent).session.status == "skipped"
        assert store.session_detail(replied).session.status == "left"
        with store.engine.connect() as conn:
            assert S.read_version(conn) == S.SCHEMA_VERSION


def test_the_pass_rate_counts_resolved_calls_with_the_pass_mark_over_calls_completed_or_left(store, capsys):
    """Resolved and passed differ: a resolved call under 60 points is resolved, not passed; an
    escalated call fails whatever its points; a left call is an attempt that did not pass. A
    trainer's review that lifts a call over the mark makes it pass, on the board as in the report."""
    from simulator.cli import main

    low, _ = play(store, "A", "c", close(30, 30))  # resolved, 50 points
    play(store, "A", "c", close(90, 90))  # resolved, 86: passes
    play(store, "A", "c", ["L90 E90 P100 mine"])  # escalated
    play(store, "A", "c", ["L90 E90 P100 gone"], status="left")
    a = board(store)["A"]
    assert overall(30, 30, 100) < 60 <= overall(90, 90, 100)
    assert (a.completed, a.resolved_rate, a.pass_rate) == (3, 0.5, 0.25)
    assert main(["leaderboard", "--cohort", "c", "--db", store.url]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "resolved = calls completed or left that ended resolved, whatever their points" in out
    assert "passed = those calls that pass: resolved with at least 60 points" in out
    assert " 50% 25% " in out  # resolved, then passed
    store.save_review(low, 0, listening=2, empathy=2, reviewer="Tina")
    assert board(store)["A"].pass_rate == 0.5


def test_the_printed_board_and_call_list_speak_the_terminal_s_language_and_keep_english_keys(
        store, capsys, monkeypatch):
    """Trial 17: a manager with a Chinese terminal read English headers and notes."""
    from simulator.cli import main

    play(store, "王芳", "c", close(90, 90))
    assert main(["leaderboard", "--cohort", "c", "--db", store.url, "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert out.split()[:3] == ["名次", "学员", "通话数"] and "通过率" in out and "解决且不低于 60 分" in out
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")  # the terminal's language, when --lang is not given
    assert main(["sessions", "--cohort", "c", "--db", store.url]) == 0
    out = capsys.readouterr().out
    assert out.split()[:2] == ["编号", "开始（UTC）"] and " 完成 " in out
    assert main(["leaderboard", "--cohort", "c", "--db", store.url, "--format", "json"]) == 0
    assert '"pass_rate": 1.0' in capsys.readouterr().out  # machine-readable output keeps its English keys
    assert main(["--lang", "en", "leaderboard", "--cohort", "c", "--db", store.url]) == 0
    assert capsys.readouterr().out.split()[:2] == ["rank", "trainee"]


def test_the_printed_board_says_the_trend_spans_scenarios(store, capsys):
    from simulator.cli import main

    play(store, "A", "c", close(60, 60))
    play(store, "A", "c", close(90, 90))
    assert main(["leaderboard", "--cohort", "c", "--db", store.url]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "over every scenario they played" in out


def test_hints_cost_points_and_show_on_the_board(store):
    play(store, "Helped", "c", close(80, 80), hints=2)
    play(store, "Alone", "c", close(80, 80))
    rows = store.leaderboard("c")
    assert [(r.rank, r.trainee) for r in rows] == [(1, "Alone"), (2, "Helped")]
    helped = rows[1]
    assert helped.best == overall(80, 80, 100, hints=2)
    assert helped.hints == 2 and helped.best_used_hints is True
    assert rows[0].hints == 0 and rows[0].best_used_hints is False


def test_a_hintless_call_at_the_same_best_clears_the_hint_mark(store):
    play(store, "A", "c", close(80, 80), hints=1)  # 75: the best, with a hint
    play(store, "A", "c", close(70, 70))  # 74 without
    play(store, "B", "c", close(80, 80), hints=1)
    play(store, "B", "c", ["L80 E80 P75 close"])  # policy 0.2 * 25 = 5 lower, one hint's cost: also 75
    b = board(store)["B"]
    assert b.best == overall(80, 80, 100, hints=1) == overall(80, 80, 75)
    assert b.best_used_hints is False and b.hints == 1
    assert board(store)["A"].best_used_hints is True


def test_minimum_completed_calls_to_be_ranked(store):
    play(store, "Once", "c", close(95, 95))
    play(store, "Twice", "c", close(50, 50))
    play(store, "Twice", "c", close(55, 55))
    rows = store.leaderboard("c", min_completed=2)
    assert [(r.rank, r.trainee) for r in rows] == [(1, "Twice"), (None, "Once")]


def test_landmines_resolved_rate_and_trend(store):
    for l in (40, 60, 80, 90):  # improving over time
        play(store, "A", "c", close(l, l))
    play(store, "A", "c", ["L10 E10 P0 mine"])  # escalated: a landmine, still a completed call
    a = board(store)["A"]
    scores = [overall(l, l, 100) for l in (40, 60, 80, 90)] + [overall(10, 10, 0, level=0)]
    # five calls: earlier two vs later two, the middle one left out
    assert a.trend == round((scores[3] + scores[4]) / 2 - (scores[0] + scores[1]) / 2, 1)
    assert a.landmines_per_call == round(1 / 5, 2)
    assert a.resolved_rate == round(4 / 5, 3)
    play(store, "B", "c", close(70, 70))
    assert board(store)["B"].trend is None  # one call: no trend


def test_cohorts_are_separate_and_unknown_cohort_is_empty(store):
    play(store, "A", "c1", close(90, 90))
    play(store, "A", "c2", close(10, 10))
    assert board(store, "c1")["A"].best == overall(90, 90, 100)
    assert board(store, "c2")["A"].best == overall(10, 10, 100)
    assert store.leaderboard("nope") == []


@pytest.mark.parametrize("n", [0, 1])
def test_leaderboard_rows_are_plain_data(store, n):
    for i in range(n):
        play(store, f"T{i}", "c", close(70, 70))
    rows = store.leaderboard("c")
    assert len(rows) == n
    for r in rows:
        d = r.to_dict()
        assert set(d) >= {"rank", "trainee", "sessions", "best", "average", "listening", "empathy", "policy",
                          "landmines_per_call", "resolved_rate", "trend", "hints"}


def test_the_printed_board_shows_its_figures_to_one_decimal_as_the_app_s_board_and_the_report_do(store, capsys):
    """A whole-number best printed "63" beside "58.7" (the app's board and the report: "63.0")."""
    from simulator.cli import main

    play(store, "A", "c", close(100, 100))
    play(store, "B", "c", close(90, 90))
    assert overall(100, 100, 100) == 92.0  # a whole number
    assert main(["leaderboard", "--cohort", "c", "--db", store.url]) == 0
    rows = {line.split()[1]: line.split() for line in capsys.readouterr().out.splitlines()[2:4]}
    assert rows["A"][4:6] == ["92.0", "92.0"]  # best, average
