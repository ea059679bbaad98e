"""Trainer-added phrases end to end (issue 3 item 3): no code change needed to teach the scorer."""
import pytest

from scoring import Policy, score_reply
from scoring.lexicon import LexiconError
from scoring.scorer import score_rules
from tests.scoring.conftest import make_ctx

BLOCK = Policy(allow=("cancel", "block_promos"), forbid=("compensation",),
               extra_actions={"block_promos": {"en": ("block promotional texts",), "zh": ("屏蔽营销短信",)}})


@pytest.mark.parametrize("locale,reply", [
    ("en", "I'll block promotional texts on your line as well."),
    ("zh", "我再帮您屏蔽营销短信。"),
])
def test_scenario_action_phrase_gives_an_offer(locale, reply):
    r = score_reply(reply, make_ctx(locale=locale, stage="closing", policy=BLOCK))
    assert "offer:block_promos" in r.acts
    offer = next(o for o in r.offers if o.action == "block_promos")
    assert reply[offer.start:offer.end]  # the span points into the reply


@pytest.mark.parametrize("locale,reply", [
    ("en", "I'll block promotional texts on your line as well."),
    ("en", "I'll block promotional texts for you now."),
    ("zh", "我再帮您屏蔽营销短信。"),
])
def test_an_allowed_scenario_action_keeps_policy(locale, reply):
    r = score_reply(reply, make_ctx(locale=locale, stage="closing", policy=BLOCK))
    assert r.policy.level == 1, r.landmines


def test_scenario_action_not_allowed_is_overpromise():
    policy = Policy(allow=("cancel",), extra_actions=BLOCK.extra_actions)
    r = score_reply("I'll block promotional texts for you.", make_ctx(stage="closing", policy=policy))
    assert "overpromise" in r.landmine_categories


def test_scenario_action_from_scenario_file_shape():
    # In a scenario file the key is `policy.actions`; Policy.from_dict reads it.
    policy = Policy.from_dict({"allow": ["block_promos"],
                               "actions": {"block_promos": {"en": ["block promotional texts"]}}})
    r = score_reply("Let me block promotional texts now.", make_ctx(stage="closing", policy=policy))
    assert "offer:block_promos" in r.acts


def test_extra_forbidden_phrase_is_a_landmine_with_a_span():
    extra = {"families": {"threaten": ["switch off your number"]},
             "reasons": {"threaten": "'{text}' threatens the caller (module 3)"}}
    reply = "Keep this up and we will switch off your number."
    r = score_reply(reply, make_ctx(stage="venting", lexicon_extra=extra))
    hit = next(h for h in r.landmines if h.category == "threaten")
    assert reply[hit.start:hit.end].lower() == "switch off your number"
    assert "module 3" in hit.reason
    # ...and only with the extra do the phrase rules know it (the learned model reads it anyway)
    assert "threaten" not in score_rules(reply, make_ctx(stage="venting")).landmine_categories


def test_extra_phrase_zh_and_traditional_characters():
    extra = {"families": {"dismiss": ["人人都遇到过"]}}
    r = score_reply("這種事人人都遇到過。", make_ctx(locale="zh", stage="venting", lexicon_extra=extra))
    assert "dismiss" in r.landmine_categories


def test_extra_action_phrase_in_lexicon_extra():
    extra = {"actions": {"refund": ["credit it back"]}}
    r = score_reply("I'll credit it back today.", make_ctx(stage="refund", lexicon_extra=extra))
    assert "offer:refund" in r.acts


def test_malformed_extra_is_a_clear_error():
    with pytest.raises(LexiconError):
        score_reply("hello", make_ctx(lexicon_extra={"families": {"threaten": ["(unclosed"]}}))
