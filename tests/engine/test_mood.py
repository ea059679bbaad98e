"""The caller's mood rules: a landmine stings but the call goes on, a recovering reply calms,
and sustained failure (mood.breaking_point) ends the call. Scored by the scripted scorer."""
from __future__ import annotations

import pytest

from scoring.types import DimensionScore, LandmineHit, ReplyScore
from simulator.loader import check_text
from simulator.mood import BROKE_ON_LANDMINES, BROKE_ON_TOP_BAND, Strain, is_recovery
from simulator.scenario import BreakingPoint, Persona
from simulator.session import Session
from tests.engine.conftest import MINI, scripted_score



def swap(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


# MINI, but a landmine in `venting` stings instead of escalating: the call stays in the state.
STAYS = swap(MINI, "      - to: escalated\n        when: {landmine: [threaten, defy]}",
             "      - to: venting\n        when: {landmine: true}")
THREAT_LINE = "Recorded? Then record this: I'm furious."


def load(text: str = STAYS):
    sc, diags = check_text(text, "mood.yaml")
    assert sc is not None, [str(d) for d in diags]
    return sc


def session(sc, seed=0):
    return Session(sc, seed=seed, scorer=scripted_score)


def only_cancel_transition(sc):
    """Leave `venting` with just its way forward, so nothing but the breaking point can end the call."""
    sc.states["venting"].transitions = [t for t in sc.states["venting"].transitions if t.to == "cancel"]
    return sc


def kinds(turn) -> dict[str, float]:
    return {c.kind: c.delta for c in turn.mood_changes}


# ---------------------------------------------------------------- a landmine stings, the call goes on

def test_a_landmine_angers_the_caller_plays_its_reaction_and_the_call_goes_on():
    s = session(load())
    t = s.reply("threat")
    assert not s.over and s.state == "venting"
    assert t.customer_line == THREAT_LINE  # the scenario's reaction for the category, not the `again` line
    assert kinds(t)["landmine"] == pytest.approx(20 * 0.8)  # steady temperament
    assert t.mood_after > t.mood_before
    assert t.broke_off is None


def test_a_second_landmine_that_leaves_the_caller_furious_ends_the_call():
    s = session(load())
    s.reply("threat")  # 60 -> 74: angry, not yet furious
    t = s.reply("threat")  # -> 88: furious, and the second landmine reply
    assert t.mood_after >= 75
    assert t.broke_off == BROKE_ON_LANDMINES
    assert s.ending == "escalated"  # the first failed escalated ending
    assert t.candidates == []  # the breaking point comes before the transitions
    assert t.customer_line == "Supervisor, now."


def test_a_second_landmine_below_the_top_band_does_not_end_the_call():
    sc = load()
    sc.mood.start = 0
    s = session(sc)
    s.reply("threat")
    t = s.reply("threat")
    assert t.mood_after < 75 and not s.over
    assert t.customer_line == THREAT_LINE


def test_the_number_of_landmines_is_data():
    sc = load()
    sc.mood.breaking_point.landmines = 3
    s = session(sc)
    s.reply("threat")
    s.reply("threat")
    assert not s.over  # furious after two, but this caller takes three
    assert s.reply("threat").broke_off == BROKE_ON_LANDMINES


def test_landmines_zero_means_landmines_alone_never_end_the_call():
    sc = only_cancel_transition(load())
    sc.mood.breaking_point = BreakingPoint(landmines=0, top_band_turns=0)
    s = session(sc)
    for _ in range(5):
        s.reply("threat")
    assert not s.over and s.mood == 100


def test_an_explicit_landmine_transition_still_ends_the_call_at_once():
    s = session(load(MINI))  # MINI's venting escalates on a threat: the author's choice
    s.reply("threat")
    assert s.ending == "escalated" and s.turns[-1].broke_off is None


# ---------------------------------------------------------------- recovery

def test_a_recovering_reply_after_a_landmine_lowers_anger_by_the_recovery_rule():
    s = session(load())
    s.reply("threat")
    t = s.reply("sorry warm")  # an apology, empathy 2, no landmine
    assert kinds(t)["recovery"] == pytest.approx(-10)  # patience 3: x3/3
    assert t.mood_after < t.mood_before
    assert "repaired the landmine" in {c.cause for c in t.mood_changes}


def test_recovery_counts_once_per_landmine():
    s = session(only_cancel_transition(load()))
    s.reply("threat")
    s.reply("sorry warm")
    assert "recovery" not in kinds(s.reply("sorry warm"))
    s.reply("threat")
    assert "recovery" in kinds(s.reply("sorry"))


def test_a_recovering_reply_may_come_later_than_the_next_turn():
    s = session(load())
    s.reply("threat")
    assert "recovery" not in kinds(s.reply("plain"))  # no apology, empathy or restating
    assert "recovery" in kinds(s.reply("sorry"))


def test_no_recovery_without_an_earlier_landmine():
    s = session(load())
    assert "recovery" not in kinds(s.reply("sorry warm"))


def test_an_apology_with_a_landmine_in_it_is_no_recovery():
    s = session(load())
    s.reply("threat")
    t = s.reply("sorry, threat")
    assert "recovery" not in kinds(t)


def test_recovery_scales_with_patience_and_is_data():
    sc = load()
    sc.persona.patience = 2
    sc.mood.rules.recovery = -15
    s = session(sc)
    s.reply("threat")
    assert kinds(s.reply("sorry"))["recovery"] == pytest.approx(-15 * 2 / 3)


def test_recovery_acts_are_apology_empathy_and_restating():
    def score(acts, mines=()):
        return ReplyScore(DimensionScore(50, 1), DimensionScore(50, 1), DimensionScore(100, 1),
                          acts=tuple(acts), landmines=tuple(mines))

    for act in ("apologize", "empathize", "paraphrase"):
        assert is_recovery(score([act]))
    assert not is_recovery(score(["acknowledge", "offer:cancel"]))
    assert not is_recovery(score(["apologize"], [LandmineHit("dismiss", 0, 1, "")]))


# ---------------------------------------------------------------- the top band held

def test_replies_that_leave_the_caller_furious_and_no_calmer_end_the_call():
    sc = only_cancel_transition(load())
    sc.mood.start = 80
    s = session(sc)
    s.reply("plain cold")
    s.reply("plain cold")
    assert not s.over
    t = s.reply("plain cold")  # the third in a row at the top band, each angrier
    assert t.broke_off == BROKE_ON_TOP_BAND and s.ending == "escalated"


def test_a_reply_that_calms_a_furious_caller_starts_the_count_again():
    sc = only_cancel_transition(load())
    sc.mood.start = 90
    s = session(sc)
    s.reply("plain cold")          # 96.4, stuck (1)
    s.reply("plain cold")          # 100, stuck (2)
    t = s.reply("plain")           # 98: still furious but calmer, so the count starts again
    assert t.mood_after >= 75 and s.strain.top_band_run == 0 and not s.over
    s.reply("plain cold")
    s.reply("plain cold")
    assert not s.over
    assert s.reply("plain cold").broke_off == BROKE_ON_TOP_BAND


def test_top_band_turns_zero_never_ends_the_call_and_silences_do_not_count():
    sc = only_cancel_transition(load())
    sc.mood.start = 80
    sc.mood.breaking_point.top_band_turns = 0
    s = session(sc)
    for _ in range(6):
        s.reply("plain cold")
    assert not s.over
    sc2 = only_cancel_transition(load())
    sc2.mood.start = 50
    s2 = session(sc2)
    s2.silence()
    s2.silence()
    assert s2.strain.top_band_run == 0


def test_a_scenario_with_one_band_has_no_top_band_to_hold():
    sc = only_cancel_transition(load())
    sc.mood.bands = {"any": 0}
    sc.mood.start = 95
    s = session(sc)
    for _ in range(4):
        s.reply("plain cold")
    assert not s.over


# ---------------------------------------------------------------- where the call goes

def test_the_breaking_ending_is_data():
    sc = load(swap(STAYS, "mood: {start: 60}", "mood: {start: 60, breaking_point: {ending: hung_up}}"))
    s = session(sc)
    s.reply("threat")
    s.reply("threat")
    assert s.ending == "hung_up"


def test_the_default_breaking_ending_is_a_failed_escalation_not_a_handover():
    text = swap(STAYS, "endings:\n", "endings:\n  handover: {outcome: escalated, service_level: 2}\n")
    text = swap(text, "      - to: hung_up\n        when: {turns_in_state: 2}",
                "      - to: handover\n        when: {acts: [offer:cancel]}\n"
                "      - to: hung_up\n        when: {turns_in_state: 2}")
    sc = load(text)
    assert sc.breaking_ending() == "escalated"
    sc.endings["escalated"].outcome = "hung_up"
    assert sc.breaking_ending() == sc.hang_up_ending()


def test_a_break_replays_identically():
    sc = load()
    s = session(sc, seed=4)
    for r in ("threat", "sorry warm", "plain", "threat"):
        if not s.over:
            s.reply(r)
    again = Session.replay(sc, s.to_json(), scorer=scripted_score)
    assert again.to_json() == s.to_json()
    assert [t["broke_off"] for t in s.to_json()["turns"]] == [t.broke_off for t in again.turns]


def test_strain_counts_landmine_replies_not_categories():
    two = ReplyScore(DimensionScore(0, 0), DimensionScore(0, 0), DimensionScore(0, 0),
                     landmines=(LandmineHit("threaten", 0, 1, ""), LandmineHit("defy", 2, 3, "")))
    strain = Strain()
    bands = {"furious": 75, "calm": 0}
    assert strain.after_reply(two, 80, 100, bands, BreakingPoint()) is None  # one reply, two categories
    assert strain.landmines == 1 and strain.unrepaired


# ---------------------------------------------------------------- silence limits per mode

def test_exam_mode_may_allow_less_silence_than_coach_mode():
    p = Persona(name="X", silence_seconds=30, exam_silence_seconds=12)
    assert p.silence_limit("coach") == 30 and p.silence_limit("exam") == 12
    assert Persona(name="Y", silence_seconds=25).silence_limit("exam") == 25  # default: the same


# ---------------------------------------------------------------- lint

def _diagnostics(text):
    return [str(d) for d in check_text(text, "m.yaml")[1]]


def test_lint_reports_an_unknown_breaking_ending_and_negative_limits():
    diags = _diagnostics(swap(
        STAYS, "mood: {start: 60}", "mood: {start: 60, breaking_point: {ending: escalate, top_band_turns: -1}}"))
    assert any("unknown ending 'escalate' (did you mean 'escalated'?)" in d for d in diags), diags
    assert any("top_band_turns should be 0 (never) or more" in d for d in diags), diags


def test_lint_warns_when_the_exam_is_more_lenient_than_coaching():
    diags = _diagnostics(swap(STAYS, "persona: {name: Pat,", "persona: {silence_seconds: 20, "
                                                            "exam_silence_seconds: 40, name: Pat,"))
    assert any("warning: exam mode allows 40 s of silence, more than coach mode's 20 s" in d for d in diags), diags
    assert _diagnostics(swap(STAYS, "persona: {name: Pat,", "persona: {exam_silence_seconds: 10, name: Pat,")) == []


def test_the_breaking_ending_is_never_reported_unreachable():
    # `escalated` is reached by no transition in STAYS; the breaking point reaches it.
    assert not any("escalated" in d for d in _diagnostics(STAYS))
    off = swap(STAYS, "mood: {start: 60}", "mood: {start: 60, breaking_point: {landmines: 0, top_band_turns: 0}}")
    assert any("ending 'escalated' can never be reached" in d for d in _diagnostics(off))


def test_an_offer_the_caller_wants_is_named_by_the_action_not_the_stage():
    from simulator.mood import reply_changes
    from simulator.tui.i18n import Catalog
    from simulator.tui.widgets.turn_view import mood_cause

    sc = load()
    offer = ReplyScore(DimensionScore(50, 1), DimensionScore(50, 1), DimensionScore(100, 1), acts=("offer:cancel",))
    (change,) = [c for c in reply_changes(offer, sc, "venting", interrupted=False) if c.kind == "offer"]
    assert change.detail == "cancel"
    assert mood_cause(change, Catalog("en")) == "offered what the caller wants (cancel the service)"
    assert mood_cause(change, Catalog("zh")) == "提出了客户想要的（退订业务）"
