import re

import pytest

from scoring.lexicon import LexiconError, build, compile_phrase, get_lexicon, load_yaml, merge
from scoring.scorer import score_rules
from tests.scoring.conftest import make_ctx
from scoring import Policy, score_reply


def test_phrase_syntax_gap_and_alternatives():
    rx = re.compile(compile_phrase("(im|i am) ... sorry", "en", r"\d+", 12))
    assert rx.search("i am truly sorry")
    assert not rx.search("i am fine. sorry")  # a gap never crosses a sentence end


def test_english_phrases_match_whole_words_even_next_to_chinese():
    rx = re.compile(compile_phrase("refund", "en", r"\d+", 12))
    assert rx.search("帮您refund一个月")
    assert not rx.search("nonrefundable")


def test_yaml_booleans_stay_phrases():
    assert load_yaml("families: {acknowledge: [yes, no, ok]}")["families"]["acknowledge"] == ["yes", "no", "ok"]


def test_merge_extends_lists_and_overrides_scalars():
    merged = merge({"families": {"dismiss": ["calm down"]}, "gap": 10},
                   {"families": {"dismiss": ["chill out"]}, "gap": 5})
    assert merged == {"families": {"dismiss": ["calm down", "chill out"]}, "gap": 5}


def test_bad_phrase_is_a_lexicon_error():
    with pytest.raises(LexiconError):
        build({"families": {"dismiss": ["re:(unclosed"]}}, "en")


def test_builtin_lexicons_load_and_are_cached():
    assert get_lexicon("en") is get_lexicon("en")
    assert get_lexicon("zh").has("apology", "真的很抱歉")


def test_lexicon_extra_adds_a_forbidden_phrase_without_code():
    reply = "Honestly, it is what it is on this tariff."
    plain = score_rules(reply, make_ctx(stage="refund"))
    extra = {"families": {"dismiss": ["it is what it is"]}}
    cohort = score_rules(reply, make_ctx(stage="refund", lexicon_extra=extra))
    assert "dismiss" not in plain.landmine_categories
    assert "dismiss" in cohort.landmine_categories and cohort.policy.level == 0
    # the product's scorer takes a trainer's own phrase at its word, whatever the model reads
    hybrid = score_reply(reply, make_ctx(stage="refund", lexicon_extra=extra))
    assert "dismiss" in hybrid.landmine_categories and hybrid.policy.level == 0


def test_scenario_extra_action_phrases_per_locale():
    policy = Policy(allow=("cancel", "block_promos"),
                    extra_actions={"block_promos": {"en": ["block promotional texts"], "zh": ["屏蔽营销短信"]}})
    en = score_reply("I'll block promotional texts on your line today.", make_ctx(stage="cancel", policy=policy))
    zh = score_reply("我现在就帮您屏蔽营销短信。", make_ctx(locale="zh", stage="cancel", policy=policy))
    assert "offer:block_promos" in en.acts and en.policy.level == 1
    assert "offer:block_promos" in zh.acts


def test_unauthorised_extra_action_breaks_policy():
    policy = Policy(allow=("cancel",), extra_actions={"upgrade_free": {"en": ["free upgrade"]}})
    r = score_reply("I'll give you a free upgrade for the trouble.", make_ctx(stage="compensation", policy=policy))
    assert r.policy.level == 0


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_a_reason_with_nothing_to_quote_shows_no_empty_quote_marks(locale):
    lex = get_lexicon(locale)
    for label in ("explain_early", "formula", "acknowledge"):
        reason = lex.reason(label, "")
        assert "('')" not in reason and "（“”）" not in reason and reason.strip(), (label, reason)


def test_a_long_quote_in_a_reason_is_cut_at_a_word_s_end():
    reason = get_lexicon("en").reason(
        "explain_early", "I know this is annoying but the system only shows the shared total")
    quote = reason[reason.index("('") + 2:reason.index("...')")]
    assert quote == "I know this is annoying but the"
