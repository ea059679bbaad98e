"""Did the reply take in THIS caller's message? Content overlap, paraphrase and parroting.

Units of content: English word stems (stopwords dropped), Chinese character bigrams
(function characters dropped), numbers (digits, number words, 三个月), and lexicon
`concepts` — groups of words that mean the same to a caller ("bill"/"statement").
A concept shared under different words is what a paraphrase looks like; long runs of
the caller's own words copied back are parroting, not paraphrase.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from scoring.analysis import Analysis
from scoring.lexicon import Lexicon
from scoring.normalise import normalise
from scoring.numbers import find_numbers

_EN_WORD = re.compile(r"[a-z][a-z0-9-]*[a-z0-9]|[a-z]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Characters that carry no content on their own: a bigram of two of them is not content.
_ZH_FUNCTION = set("的了是我你您他她它们这那就都也还在有和与吗呢吧啊呀么个不没要会能可以很太真给把被让说"
                   "对到上下来去过着得地之而且或及等从向为以于其所又再才已经但如果因为所以什么怎么样"
                   "一二两三四五六七八九十百千万半几每些点儿哪里边多少好吧嘛哦嗯哈呗啦咱些")
_SUFFIXES = ("ing", "ed", "es", "s", "ly")


def stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:6]


@dataclass
class Units:
    stems: dict[str, tuple[int, int]] = field(default_factory=dict)   # unit -> first span
    concepts: dict[str, tuple[int, int]] = field(default_factory=dict)
    concept_terms: dict[str, str] = field(default_factory=dict)      # concept -> surface term
    numbers: dict[float, tuple[int, int]] = field(default_factory=dict)
    ngrams: set[str] = field(default_factory=set)                    # for parroting


def units(text: str, lex: Lexicon, with_ngrams: bool = False) -> Units:
    """Content units of normalised `text`."""
    u = Units()
    words: list[str] = []
    for m in _EN_WORD.finditer(text):
        w = m.group()
        words.append(w)
        if len(w) >= 3 and w not in lex.stopwords and not w.isdigit():
            u.stems.setdefault(stem(w), m.span())
    for m in _CJK_RUN.finditer(text):
        run = m.group()
        for i in range(len(run) - 1):
            bigram = run[i:i + 2]
            if bigram[0] in _ZH_FUNCTION and bigram[1] in _ZH_FUNCTION:
                continue
            u.stems.setdefault(bigram, (m.start() + i, m.start() + i + 2))
        if with_ngrams:
            u.ngrams.update(run[i:i + 6] for i in range(len(run) - 5))
    if lex.concept_pattern is not None:
        for m in lex.concept_pattern.finditer(text):
            term = m.group()
            concept = lex.concepts.get(term) or _concept_of_prefix(term, lex)
            if concept and concept not in u.concepts:
                u.concepts[concept] = m.span()
                u.concept_terms[concept] = term
    for value, s, e in find_numbers(text, lex.numbers):
        if value > 0:
            u.numbers.setdefault(value, (s, e))
    if with_ngrams and len(words) >= 4:
        u.ngrams.update(" ".join(words[i:i + 4]) for i in range(len(words) - 3))
    return u


def _concept_of_prefix(term: str, lex: Lexicon) -> str | None:
    # English concept terms match with any ending ("charges" for "charge").
    for t, concept in lex.concepts.items():
        if term.startswith(t):
            return concept
    return None


@dataclass
class Reflection:
    score: float
    stems: list[tuple[int, int]]     # reply spans of shared words/bigrams
    concepts: list[tuple[int, int]]  # reply spans of shared concepts
    numbers: list[tuple[int, int]]   # reply spans of shared numbers/facts
    parroting: bool


def _fact_values(facts: dict) -> Iterable[str]:
    for value in facts.values():
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            yield str(value)
        elif isinstance(value, (list, tuple)):
            yield from (str(v) for v in value)


def reflect(a: Analysis) -> Reflection:
    """How much of the caller's message (and the facts on screen) the reply restates."""
    lex = a.lex
    ctx = a.ctx
    said = [ctx.customer] + [t.text for t in ctx.history if t.speaker == "customer"][-2:]
    caller = units(normalise(" \n ".join(said), lex.typos).text, lex, with_ngrams=True)
    facts = units(normalise(" \n ".join(_fact_values(dict(ctx.facts or {}))), lex.typos).text, lex)
    mine = units(a.text, lex, with_ngrams=True)
    shared_stems = [span for unit, span in mine.stems.items() if unit in caller.stems]
    shared_concepts = [
        span for concept, span in mine.concepts.items()
        if concept in caller.concepts and mine.concept_terms[concept] != caller.concept_terms[concept]
    ]
    shared_numbers = [span for value, span in mine.numbers.items() if value in caller.numbers]
    # Numbers only on the agent's screen (not said by the caller) count half: reading the
    # record out is not the same as taking in what this caller said.
    fact_numbers = [span for value, span in mine.numbers.items()
                    if value not in caller.numbers and value in facts.numbers]
    fact_stems = [span for unit, span in mine.stems.items() if unit in facts.stems and unit not in caller.stems]
    is_zh = any("\u4e00" <= ch <= "\u9fff" for ch in a.text[:200])
    stem_weight = 0.5 if is_zh else 1.0  # a Chinese word yields about two bigrams
    score = (stem_weight * len(shared_stems) + 1.0 * len(shared_concepts) + 1.0 * len(shared_numbers)
             + 0.5 * len(fact_numbers) + 0.5 * stem_weight * len(fact_stems))
    copied = len(mine.ngrams & caller.ngrams)
    total = max(1, len(mine.ngrams))
    parroting = copied >= 3 and copied / total >= 0.5
    return Reflection(score, shared_stems + fact_stems, shared_concepts, shared_numbers + fact_numbers, parroting)
