"""The lexicon's families are compiled grouped by first character (scoring/lexicon.py, `_dispatch`)
for speed. The grouped regex must find exactly what the phrases as written find."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from scoring.analysis import _LATIN_RUN
from scoring.evaluate import load_cases
from scoring.lexicon import _compile_family, _dispatch, _number_regex, get_lexicon, load_raw, normalise_phrase
from scoring.normalise import normalise

ROOT = Path(__file__).resolve().parents[2]
CASE_FILES = [ROOT / "scoring" / "corpus" / f"dev-{loc}.yaml" for loc in ("en", "zh")] + \
    [ROOT / "tests" / "scoring" / "cases" / f"sealed-{loc}.yaml" for loc in ("en", "zh")]


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def _both(alternatives: list[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    grouped = _dispatch(alternatives)
    assert grouped is not None
    return re.compile("|".join(f"(?:{a})" for a in alternatives)), re.compile(grouped)


@pytest.mark.parametrize("alternatives, texts", [
    # a look-behind moves past the first character: "sorry" inside "unsorry" still does not match
    ([r"(?<![a-z])sorry", r"(?<![a-z])so"], ["sorry, so unsorry so"]),
    # a leading group and an optional character are spread into alternatives, order kept
    ([r"(?:im|i am) sorry", r"i\s+see", r"(?:so )?youre"], ["im sorry i am sorry i  see so youre youre"]),
    # a class is spread, and [..]+ keeps its repeat
    ([r"[.!?] *well[,.]", r"[一二三]+块钱"], ["ok. well, fine!well. 一二三块钱 三块钱"]),
    # something not understood (\b) stays in its place: "so" must not win over the earlier \bsome
    ([r"\bsome", r"so", r"some"], ["some so awesome"]),
    # \b moves past the first character too, for word and non-word characters
    ([r"\byour", r"\b\.x", r"you"], ["your yours beyour a.x .x"]),
    # leading blanks are kept in the span, and a long run of blanks before no phrase finds nothing
    ([r"(?<![a-z])\s*(?:can )?only", r"(?<![a-z])\s*\sx"], ["a   only x  can only  " + " " * 300 + "  x"]),
    # the longer phrase first still wins over its prefix
    ([r"okay", r"ok", r"ok(?:ay)?"], ["ok okay okayy"]),
])
def test_grouped_alternation_finds_what_the_phrases_find(alternatives, texts):
    plain, grouped = _both(alternatives)
    for text in texts:
        assert _spans(grouped, text) == _spans(plain, text)


def test_back_references_are_left_as_written():
    assert _dispatch([r"(a)\1", "b"]) is None


def test_grouping_puts_each_first_character_once_at_the_top():
    grouped = _dispatch(["(?<![a-z])sorry(?![a-z])", "(?<![a-z])apologies(?![a-z])", "(?<![a-z])so sad(?![a-z])"])
    assert grouped.startswith("s(?:")
    assert grouped.count("|a") == 1


@pytest.fixture(scope="module")
def texts():
    """The development and sealed case replies, normalised per locale, some 2,000-character replies built from them,
    and Chinese replies with everything but Latin runs blanked (as analysis.py runs the English
    lexicon over them)."""
    replies = [c["reply"] for path in CASE_FILES for c in load_cases(path)]
    assert len(replies) > 500, "the case files are missing"
    out = {}
    rng = random.Random(5)
    for locale in ("en", "zh"):
        lex = get_lexicon(locale)
        norm = [normalise(r, lex.typos).text for r in replies]
        out[locale] = norm + ["  ".join(rng.sample(norm, 40))[:2000] for _ in range(4)]
    out["en"] += ["".join(m.group() if m.lastgroup == "keep" else " " * len(m.group())
                          for m in _LATIN_RUN.finditer(t)) for t in out["zh"] if re.search("[a-z]", t)]
    return out


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_every_builtin_family_finds_the_same_spans_grouped_as_written(locale, texts):
    data = load_raw(locale)
    numbers = {normalise_phrase(str(k)): float(v) for k, v in (data.get("numbers") or {}).items()}
    num_re, gap = _number_regex(numbers), int(data.get("gap", 24))
    differ = []
    for kind in ("families", "actions"):
        for name, phrases in (data.get(kind) or {}).items():
            if not phrases:
                continue
            plain = _compile_family(list(phrases), locale, num_re, gap, name, factor=False).pattern
            grouped = _compile_family(list(phrases), locale, num_re, gap, name).pattern
            assert grouped.pattern != plain.pattern, f"{kind}.{name} was not grouped"
            differ += [(name, t[:60]) for t in texts[locale] if _spans(grouped, t) != _spans(plain, t)]
    assert not differ


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_every_family_s_scan_finds_what_its_pattern_finds(locale, texts):
    """analysis.py collects the families with Scan.spans (whole-word phrases scanned apart from
    the rest, then merged): the same spans as the family's one alternation, empty matches left out."""
    lex = get_lexicon(locale)
    split = [name for name, scan in {**lex.scans, **lex.action_scans}.items() if scan.words is not None]
    assert len(split) >= (40 if locale == "en" else 0), split  # English families are scanned apart
    differ = [(name, t[:60]) for name, scan in {**lex.scans, **lex.action_scans}.items() for t in texts[locale]
              if scan.spans(t) != [s for s in _spans(scan.pattern, t) if s[1] > s[0]]]
    assert not differ


@pytest.mark.parametrize("alternatives, text", [
    # a phrase right after one that ends in punctuation: its separator is the other's last character
    (["(?<![a-z0-9])(?:sorry!)", "(?<![a-z0-9])(?:so)(?![a-z0-9])"], "sorry!so so"),
    # a phrase that may start inside a word, between and overlapping whole-word ones
    (["(?<![a-z0-9])(?:calm down)(?![a-z0-9])", "(?:lm do)", "(?:own)"], "calm down, own it, palm down"),
    # at one position the whole-word phrase wins, as it comes first in the alternation
    (["(?<![a-z0-9])(?:only)(?![a-z0-9])", "(?:only you)"], "only you, only"),
])
def test_a_split_scan_merges_its_two_streams_as_the_alternation_matches(alternatives, text):
    from scoring.lexicon import Scan, _WORD_END

    whole = [a[len("(?<![a-z0-9])"):-len(_WORD_END)] for a in alternatives if a.endswith(_WORD_END)]
    rest = [a for a in alternatives if not a.endswith(_WORD_END)]
    words = re.compile("[^a-z0-9](?:" + "|".join(f"{w}{_WORD_END}" for w in whole) + ")")
    pattern = re.compile("|".join(alternatives))
    scan = Scan(pattern, words, re.compile("|".join(rest)) if rest else None)
    assert scan.spans(text) == _spans(pattern, text)


def test_every_shape_rule_and_guard_finds_the_same_spans_grouped_as_written(texts):
    """structure.py runs the shape rules grouped the same way (made on first use)."""
    from scoring import structure
    from scoring.lexicon import load_yaml

    data = load_yaml(structure.SHAPES_FILE.read_text(encoding="utf-8"))
    differ, as_written = [], []
    for section in ("rules", "guards"):
        for name, spec in data[section].items():
            plain = re.compile(structure.compose("|".join(spec["pattern"]), data["parts"], name))
            grouped = structure._grouped(spec["pattern"], data["parts"], name)
            if grouped is None:
                as_written.append(name)
                continue
            differ += [(name, t[:60]) for locale in ("en", "zh") for t in texts[locale]
                       if _spans(grouped, t) != _spans(plain, t)]
    assert not differ
    # left as written: capturing groups that code reads (scare_quotes) or a back-reference
    # (defy_zh), and patterns the rewrite has nothing to group in
    assert len(as_written) <= 8, as_written


def test_a_trainer_phrase_with_an_inline_flag_is_still_reported_when_the_lexicon_is_built():
    """Review: split apart, "(?i)" led the family's other phrases and compiled; the family's one
    regex (compiled on first use) would have failed mid-call instead of at lint."""
    from scoring.lexicon import LexiconError, check_extra

    with pytest.raises(LexiconError, match="actions.cancel: bad phrase"):
        check_extra("en", {"actions": {"cancel": ["re:(?i)(i have|ive) stopped (it|the plan)"]}})
