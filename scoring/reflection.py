"""Did the reply take in THIS caller's message? Content overlap, paraphrase and parroting.

Only *content terms* count as restating (LABELING: "a fact, the demand, the concern"):
- numbers and amounts (digits, number words; a Chinese numeral only with its measure word,
  "三次", "六十块"; a lone "一" never - "一下", "一个" are not facts);
- English words that are not stopwords, compared by stem;
- Chinese character bigrams with no function character (了 的 是 我 您 ...): "了利" or
  "个工" are fragments across words, not words; shared bigrams next to each other are one
  restated word ("滞纳" + "纳金" = "滞纳金");
- words and numbers only on the agent's screen (the scenario's facts) are kept apart
  (`screen`, `screen_score`): the caller never said them, so they never count as restating
  the caller ("a detail the caller gave"); they still show a reply answering with the facts;
- lexicon `concepts` shared under a different word: that is what a paraphrase looks like.
  Concepts listed under `concerns` (what the caller fears or wants: "never asked",
  "credit file", a refund) weigh more than a repeated noun.
Long runs of the caller's own words copied back are parroting, not paraphrase.
The caller's words are this turn's line and their last two lines before it, without stage
directions in square brackets ("[The line goes dead. Her number is on your screen.]").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from scoring.analysis import Analysis
from scoring.lexicon import Lexicon
from scoring.normalise import normalise
from scoring.numbers import find_numbers

_EN_WORD = re.compile(r"[a-z][a-z0-9-]*[a-z0-9]|[a-z]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Function characters: a bigram containing one is a fragment ("了利", "个工"), not a word.
# Numerals are here too: numbers are compared as values (below), not as characters.
ZH_STOP = frozenset(
    "了的是我您你这那就也都不没有在个们吧呢啊吗他她它和与还又很太给把被让说得地着过么哦嗯呀啦嘛"
    "要会能可以对到上下来去之而或及等从向为于其所再才已经但如果因为所以什么怎样哪里边些"
    "一二两三四五六七八九十百千万半几每多少点儿好咱呗哈")
# A Chinese numeral is a fact only with a measure word or unit after it ("三次", "六十块").
_ZH_MEASURE = set("个次天月年块元笔小时周号日点分岁遍趟回台张期万千百倍")
_ZH_NUMERAL = set("零一二两三四五六七八九十百千万半几")
# What belongs to the number before it: its measure word or unit ("4月1日", "三个小时", "58元").
# Not the first character of the next word: "10086号码" is "10086", "三分之一" is "三".
_ZH_UNIT = re.compile(r"个(?:小时|钟头|星期|工作日|月)?|小时|钟头|分钟|秒钟?|星期|工作日|块钱?|号(?!码)|分(?!之)|"
                      r"[元天日月年周次笔岁遍趟回台张期倍]")
_SUFFIXES = ("ing", "ed", "es", "s", "ly")

# Weights of one restated unit (REFLECT_MIN in listening.py is 2.0).
W_NUMBER = 1.0        # a number or amount the caller gave
W_FACT = 0.5          # a number or name only on the agent's screen (screen_score, never score)
W_WORD = 1.0          # a content word of the caller's, said again
W_LONG_WORD = 1.0     # a Chinese restated word of 3+ characters ("滞纳金", "拒收退回")
W_CONCEPT = 1.0       # the caller's idea in other words (paraphrase)
W_CONCERN = 1.5       # the caller's concern or demand, restated


@lru_cache(maxsize=8192)  # words repeat across replies: worked out once
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
    text: str = ""                                                   # the normalised text they come from


_QUESTION = re.compile(r"[?？]|吗|为什么|为啥|怎么")


def asks(line: str) -> bool:
    """A caller's line that asks something ("?", 吗, 为什么, 怎么)."""
    return bool(_QUESTION.search(line or ""))


def presses_for_answer(a: Analysis) -> bool:
    """The caller's line before this one asked, and this one presses again for that answer, in the
    question's words ("Will this go on my credit file?" … "Sorry, but I need a straight answer on
    the credit file."): it shares a content word with the question. Then "No, …" answers that
    question; a line on something else ("I cancelled it on the 3rd") is a claim of its own."""
    said = [t.text for t in a.ctx.history if t.speaker == "customer"]
    if said and said[-1] == a.ctx.customer:  # a call's history ends with the line being answered
        said.pop()
    if not said or not asks(said[-1]):
        return False
    before = units(normalise(said[-1], a.lex.typos).text, a.lex).stems
    now = units(normalise(a.ctx.customer or "", a.lex.typos).text, a.lex).stems
    return bool(before.keys() & now.keys())


def units(text: str, lex: Lexicon, with_ngrams: bool = False) -> Units:
    """Content units of normalised `text`."""
    u = Units(text=text)
    words: list[str] = []
    stems = u.stems
    for m in _EN_WORD.finditer(text):
        w = m.group()
        words.append(w)
        if len(w) >= 3 and w not in lex.stopwords and not w.isdigit():
            stems.setdefault(stem(w), m.span())
    for m in _CJK_RUN.finditer(text):
        run, base = m.group(), m.start()
        for i in range(len(run) - 1):
            a, b = run[i], run[i + 1]
            if a in ZH_STOP or b in ZH_STOP:
                continue
            stems.setdefault(a + b, (base + i, base + i + 2))
        if with_ngrams:
            u.ngrams.update(run[i:i + 6] for i in range(len(run) - 5))
    if lex.concept_pattern is not None:
        for m in lex.concept_pattern.finditer(text):
            term = m.group()
            concept = (lex.concepts.get(term) or _concept_of_prefix(term, lex)
                       or next((c for p, c in lex.concept_res if p.fullmatch(term)), None))
            if concept and concept not in u.concepts:
                u.concepts[concept] = m.span()
                u.concept_terms[concept] = term
    for value, s, e in find_numbers(text, lex.numbers):
        if value > 0 and _content_number(text, s, e):
            u.numbers.setdefault(value, (s, e))
    if with_ngrams and len(words) >= 4:
        u.ngrams.update(" ".join(words[i:i + 4]) for i in range(len(words) - 3))
    return u


def _content_number(text: str, s: int, e: int) -> bool:
    """Digits and number words always; a Chinese numeral only as an amount or count."""
    if text[s] not in _ZH_NUMERAL:
        return True
    if e - s == 1 and text[s] == "一":
        return False  # "一下", "一个", "一次性": an article more often than a count
    return e - s >= 2 or (e < len(text) and text[e] in _ZH_MEASURE)


def _concept_of_prefix(term: str, lex: Lexicon) -> str | None:
    # English concept terms match with any ending ("charges" for "charge").
    for t, concept in lex.concepts.items():
        if term.startswith(t):
            return concept
    return None


@dataclass
class Reflection:
    score: float                     # how much of what the CALLER said the reply restates
    stems: list[tuple[int, int]]     # reply spans of shared words (merged into phrases)
    concepts: list[tuple[int, int]]  # reply spans of shared concepts
    numbers: list[tuple[int, int]]   # reply spans of shared numbers (the caller's and the screen's)
    parroting: bool
    concerns: list[tuple[int, int]] = field(default_factory=list)  # restated concerns/demands
    screen: list[tuple[int, int]] = field(default_factory=list)    # words/numbers only on the agent's screen
    screen_score: float = 0.0        # weight of `screen`: answering with the facts, not listening
    # Each unit the caller's score is made of, with its weight: `score_outside` takes some away.
    units: list[tuple[tuple[int, int], float]] = field(default_factory=list)
    said: str = ""   # what the caller said, normalised (their last lines)
    shown: str = ""  # the screen's facts, normalised

    def phrases(self, text: str, without: Iterable[tuple[int, int]] = ()) -> list[tuple[int, int]]:
        """Restated spans of the caller's content, for evidence: each the whole Latin word it sits
        in (the caller's "19th", not the number "19" read out of it), neighbours ("Five" +
        "months") merged into one phrase. Screen-only units are left out (the caller never said
        them), and so are the units in `without` (credited as something else)."""
        skip = set(without)
        merged = merge_adjacent([span for span, _ in self.units if span not in skip], text)
        return _joined_as_said(text, _as_said(text, [_whole_word(text, s, e) for s, e in merged], self.said),
                               self.said)

    def screen_phrases(self, text: str) -> list[tuple[int, int]]:
        """Details the reply read off the agent's screen (not said by the caller)."""
        return _as_said(text, merge_adjacent(self.screen, text), self.shown)

    def score_outside(self, spans: Iterable[tuple[int, int]]) -> float:
        """The caller's score without the units inside `spans`: a word already credited as
        something else (the offer that does what the caller asked, the feeling named) is not
        also credited as restating the caller (one word, one credit)."""
        taken = list(spans)
        return sum(w for (s, e), w in self.units if not any(ts < e and s < te for ts, te in taken))


def _whole_word(text: str, s: int, e: int) -> tuple[int, int]:
    """(s, e) widened to the Latin word it sits in."""
    def latin(i: int) -> bool:
        return 0 <= i < len(text) and text[i].isascii() and text[i].isalnum()
    while latin(s - 1) and latin(s):
        s -= 1
    while latin(e) and latin(e - 1):
        e += 1
    return s, e


# How far a Chinese quote may grow to the run of words it shares with its source.
_RUN_MAX = 16
_RUN_CHAR = re.compile(r"[\u3400-\u9fff0-9a-z]")


def _as_said(text: str, spans: list[tuple[int, int]], source: str) -> list[tuple[int, int]]:
    """Chinese spans widened to the whole run of characters the reply shares with `source` (what
    the caller said, or the screen): bigrams found "电提"+"提醒" inside "来电提醒", a number and its
    unit, "5月31日晚" and "11" inside "5月31日晚上11点40分" are quoted as that one detail, whole
    and once. Chinese has no spaces to mark a word's end; the source's own wording does."""
    if not source or not spans:
        return spans
    out = []
    for s, e in spans:
        if _CJK_RUN.search(text, s, e):
            while e - s < _RUN_MAX and s > 0 and _RUN_CHAR.match(text[s - 1]) and _said(text, s - 1, e, source):
                s -= 1
            while e - s < _RUN_MAX and e < len(text) and _RUN_CHAR.match(text[e]) and _said(text, s, e + 1, source):
                e += 1
        out.append((s, e))
    return merge_adjacent(out, text, gap=0)


def _joined_as_said(text: str, spans: list[tuple[int, int]], source: str) -> list[tuple[int, int]]:
    """Two restated words one short word apart that the caller said as one phrase ("date" and
    "birth" of "date of birth") are quoted once, as that phrase: one thing said back, one line."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out:
            between = text[out[-1][1]:s]
            if 2 < len(between) <= 6 and between.strip().isalpha() and text[out[-1][0]:e] in source:
                out[-1] = (out[-1][0], e)
                continue
        out.append((s, e))
    return out


def _said(text: str, s: int, e: int, source: str) -> bool:
    """Does `source` say text[s:e], a number in it whole on both sides ("3块钱" is not in "13块钱",
    nor "晚上1" in "晚上11点"), and is it whole in the reply too?"""
    part = text[s:e]
    if _cut_number(text, s, e):
        return False
    at = source.find(part)
    while at >= 0:
        if not _cut_number(source, at, at + len(part)):
            return True
        at = source.find(part, at + 1)
    return False


def _cut_number(text: str, s: int, e: int) -> bool:
    """Does text[s:e] start or end inside a longer number of `text`?"""
    return (text[s].isdigit() and s > 0 and text[s - 1].isdigit()) or \
        (text[e - 1].isdigit() and e < len(text) and text[e].isdigit())


def merge_adjacent(spans: Iterable[tuple[int, int]], text: str, gap: int = 1) -> list[tuple[int, int]]:
    """Merge spans that overlap or are separated only by up to `gap` spaces/hyphens."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(set(spans)):
        if out and s - out[-1][1] <= gap and not text[out[-1][1]:s].strip(" -"):
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _fact_values(facts: dict) -> Iterable[str]:
    for value in facts.values():
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            yield str(value)
        elif isinstance(value, (list, tuple)):
            yield from (str(v) for v in value)


# Caller units depend only on what the caller said: cache the last few (per lexicon), so a
# trainee's retries of one turn and the eval's repeated contexts do not redo the work.
_CALLER_CACHE: dict[tuple[int, str, str], tuple[Units, Units]] = {}


# Stage directions in a caller's line ("[The line goes dead. Her number is on your screen.]"):
# narration for the trainee, not words the caller said.
_NARRATION = re.compile(r"\[[^\[\]\n]*\]")


def _caller_units(a: Analysis) -> tuple[Units, Units]:
    lex, ctx = a.lex, a.ctx
    said = [ctx.customer] + [t.text for t in ctx.history if t.speaker == "customer"][-2:]
    said_text = _NARRATION.sub(" ", " \n ".join(said))
    facts_text = " \n ".join(_fact_values(dict(ctx.facts or {})))
    key = (id(lex), said_text, facts_text)
    hit = _CALLER_CACHE.get(key)
    if hit is None:
        if len(_CALLER_CACHE) > 256:
            _CALLER_CACHE.clear()
        caller = units(normalise(said_text, lex.typos).text, lex, with_ngrams=True)
        facts = units(normalise(facts_text, lex.typos).text, lex)
        hit = _CALLER_CACHE[key] = (caller, facts)
    return hit


def _with_units(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Each restated number with its Chinese unit ("4月", "1日", "58元", "3小时"), as it is quoted:
    "4月1日", not "4" and "1". (The unit still counts as a word of its own where the caller said
    it too, as "hours" does in "three hours": a number and what it counts are two details.)"""
    widened = []
    for s, e in spans:
        unit = _ZH_UNIT.match(text, e)
        widened.append((s, unit.end() if unit else e))
    return widened


def _word_runs(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Overlapping/adjacent Chinese bigram spans -> one span per restated word."""
    return merge_adjacent(spans, text, gap=0)


def reflect(a: Analysis) -> Reflection:
    """How much of the caller's message the reply restates (and, apart, the facts on screen)."""
    lex = a.lex
    text = a.text
    caller, facts = _caller_units(a)
    mine = units(text, lex, with_ngrams=True)
    concern_names = lex.concerns

    shared_words = [span for unit, span in mine.stems.items() if unit in caller.stems]
    fact_words = [span for unit, span in mine.stems.items() if unit in facts.stems and unit not in caller.stems]
    concepts: list[tuple[int, int]] = []
    concerns: list[tuple[int, int]] = []
    for concept, span in mine.concepts.items():
        if concept not in caller.concepts:
            continue
        if concept in concern_names:
            concerns.append(span)  # the concern restated, in the same words or others
        elif mine.concept_terms[concept] != caller.concept_terms[concept]:
            concepts.append(span)
    shared_numbers = [span for value, span in mine.numbers.items() if value in caller.numbers]
    fact_numbers = [span for value, span in mine.numbers.items()
                    if value not in caller.numbers and value in facts.numbers]

    # A concern's own words are not counted again as repeated words.
    taken = concerns + concepts + shared_numbers
    shared_words = [w for w in shared_words if not any(s < w[1] and w[0] < e for s, e in taken)]
    # Only what the caller said makes the score; the screen's details are weighed apart.
    units_: list[tuple[tuple[int, int], float]] = (
        [(span, W_NUMBER) for span in _with_units(shared_numbers, text)] + [(span, W_CONCEPT) for span in concepts]
        + [(span, W_CONCERN) for span in concerns]
        + [((s, e), W_LONG_WORD if (e - s >= 3 and _is_cjk(text[s])) else W_WORD)
           for s, e in _word_runs(shared_words, text)])
    score = sum(w for _, w in units_)
    screen_words = _word_runs(fact_words, text)
    screen_score = W_FACT * (len(fact_numbers) + len(screen_words))

    copied = len(mine.ngrams & caller.ngrams)
    total = max(1, len(mine.ngrams))
    parroting = copied >= 3 and copied / total >= 0.5
    return Reflection(score, shared_words + fact_words, concepts, shared_numbers + fact_numbers,
                      parroting, concerns, fact_words + _with_units(fact_numbers, text), screen_score, units_,
                      caller.text, facts.text)


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"
