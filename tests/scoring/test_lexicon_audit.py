"""The lexicon audit: phrases are general families, not sentences lifted from a case."""
import pytest

from scoring import audit


@pytest.mark.parametrize("locale,phrase,run", [
    ("en", "i (really )?understand", 1),
    ("en", "is there anything else", 4),
    ("en", "sorry ... but", 1),
    ("en", "would you like to (upgrade|switch)", 4),
    ("en", "re:some (hand written)? regex here", 0),
    ("zh", "规定就是规定", 6),
    ("zh", "感谢您的耐心(等待)?", 6),
    ("zh", "upgrade", 1),
])
def test_the_longest_fixed_run_ignores_pattern_syntax(locale, phrase, run):
    assert audit.longest_fixed_run(phrase, locale) == run


def test_a_long_phrase_found_in_a_case_reply_is_listed_and_a_short_or_absent_one_is_not(monkeypatch):
    raw = {"gap": 24, "families": {"validate": [
        "the parcel sat in the depot for a week",   # a sentence from the case below
        "i understand",                              # short: a family, not a sentence
        "this phrase occurs in no reply at all",
    ]}}
    monkeypatch.setattr(audit, "load_raw", lambda locale: raw)
    monkeypatch.setattr(audit, "case_replies", lambda locale: [
        ("c-1", "i understand. the parcel sat in the depot for a week, which is not on.")])
    assert audit.audit("en") == [("families.validate", "the parcel sat in the depot for a week", ["c-1"])]


def test_every_long_lexicon_phrase_found_in_a_case_reply_has_been_reviewed():
    kept = audit.reviewed()
    for locale in ("en", "zh"):
        new = [(family, phrase) for family, phrase, _ in audit.audit(locale) if phrase not in kept[locale]]
        assert not new, f"{locale}: delete these sentences from the lexicon or review them: {new}"


@pytest.mark.parametrize("regex,runs", [
    ("(?<![a-z])you (?:forgot|ignored) to", ["you ", "forgot", "ignored", " to"]),
    ("its only (?:a )?few days?", ["its only ", "a ", "few day", "s"]),
    ("[£$]\\d+ (?!back)off", ["off"]),  # what a lookahead rules out is not text to match
    ("(?P<w>没有|不行)就是(?P=w)", ["没有", "不行", "就是"]),
])
def test_the_plain_text_runs_of_a_shape_pattern_stop_at_classes_repeats_and_lookarounds(regex, runs):
    assert audit.literal_runs(regex) == runs


def test_every_long_plain_run_of_a_shape_rule_found_in_a_case_reply_has_been_reviewed():
    kept = audit.reviewed()
    found = audit.audit_shapes()
    assert any(run == "not the end of the world" for _, _, run, _ in found)  # the audit does read shapes.yaml
    new = [(where, run) for locale, where, run, _ in found if run not in kept[locale]]
    assert not new, f"delete these sentences from shapes.yaml or review them: {new}"
