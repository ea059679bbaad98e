"""What a trainee reads under a scored reply: each landmine and piece of evidence once, with the
reply's words quoted once (not again before a reason that already quotes them)."""
from __future__ import annotations

from scoring import ReplyContext, score_reply
from simulator.session import TurnResult
from simulator.tui.i18n import Catalog
from simulator.tui.widgets.turn_view import evidence_lines


def scored_turn(reply: str, customer: str) -> TurnResult:
    score = score_reply(reply, ReplyContext(locale="en", stage="venting", customer=customer))
    return TurnResult(index=0, kind="reply", reply=reply, interrupted=False, latency=None, state_before="s",
                      stage="venting", customer_before=customer, score=score, mood_before=50.0,
                      mood_after=60.0, mood_changes=[], candidates=[], state_after="s", customer_line="",
                      ending=None)


def test_a_landmine_whose_reason_quotes_the_words_shows_them_once():
    turn = scored_turn("Shut up and listen to me.", "This is a joke, you people are useless!")
    assert turn.score.landmines, "the scorer no longer finds this landmine: pick another reply"
    text = evidence_lines(turn, Catalog("en")).plain
    first = text.splitlines()[0]
    assert first.count("Shut up") == 1, first
    assert "  " not in first


def test_every_line_names_the_words_it_is_about_exactly_once():
    turn = scored_turn("I'm so sorry, three months of charges you never asked for is awful. "
                       "Calm down though, it's only a few pounds.", "Three months of charges I never asked for!")
    lines = evidence_lines(turn, Catalog("en")).plain.splitlines()
    spans = [(h.start, h.end) for h in turn.score.landmines] + [
        (e.start, e.end) for d in ("listening", "empathy", "policy") for e in turn.score.dimension(d).evidence]
    # a long quote may be cut short inside its reason ("('three months of charges you never ask...')"):
    # its first 20 characters stand for it
    words = {turn.reply[s:e][:20] for s, e in spans if e > s}
    assert len(words) >= 3, words
    for w in words:
        showing = [line for line in lines if w in line]
        assert showing, (w, lines)
        assert all(line.count(w) == 1 for line in showing), (w, showing)


def test_a_chinese_reason_on_the_score_card_stays_on_the_line_of_its_bullet():
    """Trial 30: in a narrow coach panel "−" stood alone on a line, its reason wrapped below it."""
    from rich.console import Console

    from scoring.types import DimensionScore, Evidence, ReplyScore
    from simulator.tui.widgets.score_card import card_text

    reason = "只回应了客户说的、问的一部分，没有接住她最在意的那件事，也没有说清楚下一步怎么办"
    score = ReplyScore(listening=DimensionScore(16, 0, (Evidence(0, 0, "partial", reason, "-"),)),
                       empathy=DimensionScore(50, 1, ()), policy=DimensionScore(100, 1, ()), acts=(), landmines=())
    turn = TurnResult(index=0, kind="reply", reply="对不起王先生", interrupted=False, latency=None, state_before="s",
                      stage="venting", customer_before="", score=score, mood_before=50.0, mood_after=60.0,
                      mood_changes=[], candidates=[], state_after="s", customer_line="", ending=None)
    card = card_text(turn, Catalog("zh"), evidence_rows=3)
    for width in (30, 40, 60):
        console = Console(width=width, legacy_windows=False)
        lines = ["".join(seg.text for seg in line).strip() for line in console.render_lines(card)]
        assert not [line for line in lines if line in ("−", "+", "✗")], (width, lines)
        assert any(line.startswith("− ") and len(line) > 4 for line in lines), (width, lines)
