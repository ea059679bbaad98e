"""`mystery-guest test`: coverage of states, endings and transitions, and `--explain`.

The scenario here moves only on `interrupted` and `turns_in_state`, which do not depend on
the scorer, so the figures are exact whatever the scorer detects (its breaking point is off:
that one follows the caller's anger, which does).
"""
from __future__ import annotations

import textwrap

import pytest

from simulator.authoring.coverage import compute, report
from simulator.authoring.explain import explain
from simulator.loader import check_text
from simulator.stories import run_stories

# `side` and everything after it is the deliberately untested branch.
BRANCHY = textwrap.dedent("""\
    version: 1
    id: branchy
    title: Branchy
    locale: en
    policy: {allow: [cancel]}
    mood: {breaking_point: {landmines: 0, top_band_turns: 0}}
    states:
      opening:
        stage: venting
        say: ["Listen to me."]
        transitions:
          - to: side
            when: {interrupted: true}
          - to: middle
            when: {turns_in_state: 1}
      middle:
        stage: cancel
        say: ["Now cancel it."]
        transitions:
          - to: hung_up
            when: {interrupted: true}
          - to: resolved
            when: {turns_in_state: 2}
          - to: escalated
            when: {mood_above: 100}
      side:
        stage: venting
        say: ["Don't talk over me."]
        transitions:
          - to: escalated
    endings:
      resolved: {outcome: resolved, service_level: 2}
      escalated: {outcome: escalated, service_level: 0}
      hung_up: {outcome: hung_up, service_level: 0}
    stories:
      - name: the main road
        replies: ["one", "two", "three"]
        ending: resolved
        states: [opening, middle, middle, resolved]
    """)


def _load(text=BRANCHY):
    sc, diags = check_text(text, "branchy.yaml")
    assert sc is not None, [str(d) for d in diags]
    return sc


def test_coverage_figures_name_the_untested_branch():
    sc = _load()
    cov = compute(sc, run_stories(sc))
    assert cov.stories == 1
    assert cov.untested_states == ["side"]
    assert cov.untested_endings == ["escalated", "hung_up"]
    # middle #3 can never fire (anger is at most 100), so it is not counted at all.
    assert set(cov.transitions) == {("opening", 0), ("opening", 1), ("middle", 0), ("middle", 1), ("side", 0)}
    assert cov.untested_transitions == [("opening", 0), ("middle", 0), ("side", 0)]
    lines = report(cov)
    assert lines[0] == ("coverage branchy: states 2/3 (67%), endings 1/3 (33%), transitions 2/5 (40%) "
                        "(from 1 passing story)")
    assert "     untested transition: opening #1 -> side when interrupted" in lines
    assert not cov.complete


def test_a_story_for_the_branch_completes_the_states():
    sc = _load(BRANCHY + textwrap.indent(textwrap.dedent("""\
        - name: talking over the caller
          replies: [{text: "wait", interrupted: true}, "sorry"]
          ending: escalated
        - name: interrupting later
          replies: ["one", {text: "wait", interrupted: true}]
          ending: hung_up
        """), "  "))
    cov = compute(sc, run_stories(sc))
    assert cov.complete, report(cov)
    assert report(cov)[0].startswith("coverage branchy: states 3/3 (100%), endings 3/3 (100%), transitions 5/5")


def test_failing_stories_do_not_count_as_tested():
    sc = _load(BRANCHY.replace("ending: resolved\n    states", "ending: hung_up\n    states"))
    results = run_stories(sc)
    assert not results[0].passed
    cov = compute(sc, results)
    assert cov.stories == 0 and cov.untested_states == ["opening", "middle", "side"]


def test_test_command_prints_coverage_after_the_stories(cli, tmp_path):
    f = tmp_path / "branchy.yaml"
    f.write_text(BRANCHY)
    code, out, _ = cli("test", f)
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "PASS branchy: the main road"
    assert lines[1].startswith("note branchy: no state has model answers")
    assert lines[2].startswith("coverage branchy: states 2/3")
    assert "     untested state: side" in lines
    assert lines[-1] == "1 passed, 0 failed"


# ------------------------------------------------------------------------------ --explain
WRONG_TURN = BRANCHY.replace("states: [opening, middle, middle, resolved]",
                             "states: [opening, side, escalated]")


def test_explain_shows_the_turn_and_the_condition_that_did_not_fire():
    sc = _load(WRONG_TURN)
    res = run_stories(sc)[0]
    assert not res.passed and res.diverged_at == 0
    text = "\n".join(explain(sc, res))
    assert "expected: opening -> side -> escalated" in text
    assert "1. opening -> middle" in text and "<- left the expected path here" in text
    assert "reply 1 in 'opening' (stage venting): 'one'" in text
    assert "acts detected:" in text and "listening level" in text and "anger " in text
    assert "no            #1 -> side: NO interrupted" in text
    assert "FIRED         #2 -> middle: ok turns in state >= 1 (was 1)" in text
    assert "to reach 'side', #1 also needed: interrupted" in text


def test_explain_counts_turns_in_state_like_the_engine():
    sc = _load(BRANCHY.replace("states: [opening, middle, middle, resolved]",
                               "states: [opening, middle, resolved]"))
    res = run_stories(sc)[0]
    assert res.diverged_at == 1  # reply 2 kept the call in 'middle'
    text = "\n".join(explain(sc, res))
    assert "no            #2 -> resolved: NO turns in state >= 2 (was 1)" in text
    assert "#2 also needed: turns in state >= 2 (was 1)" in text


def test_explain_marks_the_last_reply_when_a_story_runs_out_before_the_call_ends():
    """Reply 1 stays in 'opening' as it should (two replies are needed there), reply 2 moves on to
    'middle', and then the story has no more: the mark goes on reply 2, where it ran out, not on
    reply 1, the last that moved nothing (trial 16 had the mark on a reply that did its job)."""
    text = (BRANCHY.replace("when: {turns_in_state: 1}", "when: {turns_in_state: 2}")
            .replace('replies: ["one", "two", "three"]', 'replies: ["one", "two"]')
            .replace("    states: [opening, middle, middle, resolved]\n", ""))
    sc = _load(text)
    res = run_stories(sc)[0]
    assert not res.passed and res.ran_out and res.diverged_at == 1
    assert res.problem == "expected ending 'resolved' but the call was still in 'middle' after the last reply"
    lines = explain(sc, res)
    assert lines[1].startswith("       1. opening -> opening ") and "<-" not in lines[1]
    assert lines[2].startswith("       2. opening -> middle ")
    assert lines[2].endswith("<- the replies ran out here, the call still in 'middle'")
    short = _load(text.replace('replies: ["one", "two"]', 'replies: ["one"]'))
    res = run_stories(short)[0]
    assert res.ran_out and res.diverged_at == 0
    assert explain(short, res)[1].endswith("<- the replies ran out here, the call still in 'opening' "
                                           "(this reply did not move it)")


def test_explain_says_when_the_breaking_point_ended_the_call():
    from simulator.loader import bundled_dir, load_scenario
    from simulator.scenario import Story
    from simulator.stories import run_story

    sc = load_scenario(bundled_dir() / "vas-sms-tips-en.yaml")
    story = Story(name="two slips", ending="resolved", states=["venting", "venting", "demand_cancel"],
                  replies=["Sir, please mind your language, this call is being recorded.",
                           "Calm down, it's only 6.00 a month."])
    res = run_story(sc, story)
    assert not res.passed and res.diverged_at == 1
    text = "\n".join(explain(sc, res))
    assert ("breaking point reached: landmine reply number 2 (limit 2) with the caller in the top mood "
            "band; the call went to 'escalated' and no transition was checked") in text
    assert "checked in order" not in text


def test_without_expected_states_explain_points_at_the_reply_where_the_breaking_point_ended_the_call():
    """Trial 23: a story expecting a hang-up ended escalated at reply 3 (a second landmine while
    furious); the mark had gone on reply 2, "none held, so the call stayed in 'venting'"."""
    from simulator.loader import bundled_dir, load_scenario
    from simulator.scenario import Story
    from simulator.stories import run_story

    sc = load_scenario(bundled_dir() / "vas-sms-tips-en.yaml")
    story = Story(name="expects a hang-up", ending="hung_up", states=None,
                  replies=["I hear you.", "Well, you must have signed up for it yourself, sir.",
                           "Calm down, it's only 6.00 a month."])
    res = run_story(sc, story)
    assert not res.passed and res.diverged_at == 2
    lines = explain(sc, res)
    assert lines[3].startswith("       3. venting -> escalated ")
    assert lines[3].endswith("; the caller's breaking point   <- left the expected path here")
    assert any("breaking point reached: landmine reply number 2" in line for line in lines)


def test_test_explain_flag_prints_it_and_keeps_the_closing_line(cli, tmp_path):
    f = tmp_path / "wrong.yaml"
    f.write_text(WRONG_TURN)
    code, out, _ = cli("test", f, "--explain")
    assert code == 1
    assert "FAIL branchy: the main road" in out and "to reach 'side'" in out
    assert out.splitlines()[-1] == "0 passed, 1 failed"
    code, out, _ = cli("test", f)
    assert "to reach 'side'" not in out  # only with --explain


# ------------------------------------------------------------------------------ model-answer walk
def test_a_model_answer_left_over_the_cap_a_trainer_lowered_fails_test_and_names_its_state(cli, tmp_path):
    """A trainer halves the refund cap and forgets the hint that still offers the old amount: the
    stories (written for another reply) pass, the walk through the model answers fails there."""
    from simulator.authoring.new_scenario import render

    f = tmp_path / "capped.yaml"
    text = render("vas-refund", "en", f)
    stale = text.replace("  refund_max_months: 1          # at most one month back",
                         "  refund_max_months: 1\n  refund_max_amount: 10")
    # the stories offer 15.00 too: keep them within the new cap, so only the stale hint is left
    stale = stale.replace("I can refund one month, 15.00, as a goodwill gesture.",
                          "I can refund 10.00 of it as a goodwill gesture.")
    assert stale.count("refund_max_amount: 10") == 1 and "{monthly_fee}, as a goodwill gesture" in stale
    f.write_text(stale, encoding="utf-8")
    code, out, _ = cli("test", f)
    assert code == 1
    assert "FAIL capped: its model answers, typed in turn, win the call" in out
    assert "     state 'demand_refund': its model answer scores policy 0: offering 15 exceeds the cap of 10" in out
    assert "FAIL capped: a skilled agent" not in out
    assert out.splitlines()[-1].endswith("passed, 1 failed")
    code, out, _ = cli("test", f, "--explain")  # the answer that failed, as a story's reply is explained
    assert code == 1
    lines = out.splitlines()
    marked = [line for line in lines if line.endswith("<- this model answer scores 0")]
    assert len(marked) == 1 and "demand_refund -> escalated" in marked[0]
    assert "         - overpromise: 'refund' - offering 15 exceeds the cap of 10" in lines


def test_a_scenario_without_model_answers_is_noted_and_its_walk_not_counted(cli, tmp_path):
    f = tmp_path / "branchy.yaml"
    f.write_text(BRANCHY)
    code, out, _ = cli("test", f)
    assert code == 0
    assert "note branchy: no state has model answers (model_answers): the hint key shows nothing" in out
    assert out.splitlines()[-1] == "1 passed, 0 failed"


def test_a_state_the_walk_reaches_without_a_model_answer_fails_it(tmp_path):
    """The hint key would show nothing there: the walk stops and says which state."""
    from simulator.stories import walk_model_answers
    from tests.engine.conftest import MINI

    sc = _load(MINI)
    walk = walk_model_answers(sc)
    assert not walk.passed and walk.ending is None
    assert walk.problems == ["state 'cancel' has no model answer (model_answers) to type"]
