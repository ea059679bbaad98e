"""The learned part of the scorer: reading a reply the way the labelled corpus taught it.

Per locale, one shipped file `scoring/models/<locale>.json` (written by `mystery-guest scorer
train`, see scoring/train.py) holds:

- a character n-gram vocabulary with its idf weights (TF-IDF, sublinear tf, l2 norm: length of
  the reply does not grow the vector), plus a few context features (stage, how much of the
  caller's own content the reply takes up, a question, whether the caller is upset and the
  reply only asks) — never the reply's length;
- stage 1, "text heads": linear weights for listening (3 levels), empathy (3 levels) and one
  head per landmine category, quantised to 8 bits;
- stage 2, "fusion": for each head, a small linear rule fitted on corpus cases the phrase rules
  were never tuned on, over all text heads' probabilities and what the rules saw (their levels,
  landmines, acts and evidence, and whether an offer is allowed by this case's policy); and
  per landmine category the probability above which it is reported.

A centre may replace a locale's shipped model with its own, trained with its trainers' reviewed
cases (`scorer train --extra`, scoring/centre.py); `load_model` reads that one when it exists.

Inference is numpy over the shipped weights (no scikit-learn: that is training's): a reply's
n-grams are counted and weighed in Python, their rows of the table gathered and summed in C.
Featurisation lives here once and training imports it, so both read replies alike.
"""
from __future__ import annotations

import base64
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import accumulate, repeat
from operator import add, mul
from typing import Any, Sequence

import numpy as np

from scoring.types import BASE_ACTS, LANDMINES, STAGES, ReplyContext

MODEL_FORMAT = 1
LEVEL_HEADS = ("listening", "empathy")
BINARY_HEADS = tuple(LANDMINES) + ("any",)  # "any": the reply has at least one landmine
HEADS = LEVEL_HEADS + BINARY_HEADS  # order of the stage 1 outputs

_SPACE = re.compile(r"\s+")
# A clause runs to the next punctuation mark, except a point, comma or colon inside a number
# ("£30.00", "1,200", "10:30"): a quote cut there would read "refund the full 30".
_CLAUSE = re.compile(r"[^,.;:!?\n，。；：！？、…]+(?:(?<=\d)[.,:](?=\d)[^,.;:!?\n，。；：！？、…]+)*")
_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[a-z][a-z']{3,}")
_EN_STOP = frozenset("""
about after again also been before being could didn does doing down each from have having here
into just like more most much must only other over same should some such than that their them then
there these they this those through under until very want were what when where which while will
with would your yours you're i'm it's that's don't can't won't""".split())


# ---------------------------------------------------------------------------- features
def ngrams(text: str, locale: str) -> list[str]:
    """Character n-grams of a reply: 2-4 inside padded words for en, 1-3 over the text for zh."""
    if locale == "en":
        words, rest = _en_parts(text)
        out: list[str] = []
        for word in words:
            out.extend(_word_grams(word))
        return out + rest
    one, two, three = _zh_parts(_SPACE.sub(" ", text.lower()).strip().replace(" ", ""))
    return one + two + three


def _en_parts(text: str) -> tuple[list[str], list[str]]:
    """An English reply's words (each gives its letter n-grams, _word_grams) and its other
    n-grams: word pairs, then whole-word features (_word_grams_en)."""
    t = _SPACE.sub(" ", text.lower()).strip()
    words = t.split(" ")
    # word pairs carry what letters cannot: "your fault", "not our", "calm down"
    bare = [w.strip(".,!?;:\"()") for w in words]
    return words, [f"{a}_{b}" for a, b in zip(bare, bare[1:]) if a and b] + _word_grams_en(t)


def _zh_parts(t: str) -> tuple[list[str], list[str], list[str]]:
    """The 1-, 2- and 3-grams of `t` (lowercased, no whitespace), each list in text order."""
    two = list(map(add, t, t[1:]))  # t[i] + t[i+1] == t[i:i+2], built in C
    return list(t), two, list(map(add, two, t[2:]))


def _zh_clause_places(reply: str, spans: list[tuple[int, int]], parts: tuple[list[str], list[str], list[str]],
                      occurs) -> tuple[Any, Any] | None:
    """(where, owner) for Reading._clause_grams without making any clause's n-grams: a zh clause's
    n-grams are the reply's n-grams that start and end inside it, so each is placed by where it
    starts (`parts`: _zh_parts of the whole reply, as stage 1 made them; `occurs`: each of those
    n-grams' position among stage 1's known rows, -1 when unknown). None when the reply's
    lowercase is not each character's lowercase in its place (a character that lowercases to two,
    or the context-dependent final sigma): then each clause is read alone."""
    if "Σ" in reply or len(reply.lower()) != len(reply):
        return None
    if not spans or not len(occurs):
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    spaces = list(accumulate(map(str.isspace, reply), initial=0))  # whitespace before each position
    starts = np.array([s - spaces[s] for s, _ in spans], dtype=np.intp)  # clauses in the text without whitespace
    ends = np.array([e - spaces[e] for _, e in spans], dtype=np.intp)
    found = []
    offset = 0
    for size, grams in enumerate(parts, start=1):
        at = np.arange(len(grams))
        clause = np.searchsorted(starts, at, side="right") - 1
        inside = (clause >= 0) & (at + size <= ends[np.maximum(clause, 0)])
        pos = occurs[offset:offset + len(grams)]
        keep = inside & (pos >= 0)
        found.append(clause[keep] * len(occurs) + pos[keep])
        offset += len(grams)
    pairs = _distinct(np.concatenate(found))  # each (clause, n-gram) once, by clause
    return pairs % len(occurs), pairs // len(occurs)


def _distinct(a):
    """The distinct values of an integer array, sorted: np.unique without its hash table (numpy
    2.3+ uses one when no counts are asked for, about 20 times slower than sorting at the few
    thousand values of one reply)."""
    s = np.sort(a)
    keep = np.empty(len(s), dtype=bool)
    keep[:1] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


def _clause_places(model: "Model", reply: str, spans: list[tuple[int, int]], known) -> tuple[Any, Any]:
    """(where, owner) for Reading._clause_grams from each clause's own n-grams (model.ids of its
    text), each looked up among the reply's known rows (`known`) in one array operation for all
    clauses, then each (clause, n-gram) kept once. N-grams the reply does not have push nothing."""
    rows: list[int] = []
    sizes: list[int] = []
    for s, e in spans:
        found = model.ids(reply[s:e])
        rows += found
        sizes.append(len(found))
    position = np.full(len(model.weights), -1, dtype=np.intp)  # table row -> its place among `known`
    position[known] = np.arange(len(known), dtype=np.intp)
    at = position[np.array(rows, dtype=np.intp)]
    owner = np.repeat(np.arange(len(spans), dtype=np.intp), sizes)
    mine = at >= 0
    size = max(len(known), 1)
    pairs = _distinct(owner[mine] * size + at[mine])  # each (clause, n-gram) once, by clause
    return pairs % size, pairs // size


_EN_TOKEN = re.compile(r"[a-z0-9]+|[!?.,;]")
_APOSTROPHE = re.compile(r"[’']")
_NEGATORS = frozenset("""not no never dont didnt doesnt cant wont isnt wasnt arent nothing nobody neither nor
cannot couldnt shouldnt wouldnt havent hasnt""".split())


def _word_grams_en(text: str) -> list[str]:
    """Whole-word features: each word, marked `NEG_` inside the scope of a negation (up to the next
    punctuation), then word pairs and triples ("W:" keeps them apart from the letter n-grams).
    Implicit blame and contradiction live in which words go together and what is negated
    ("not how it works", "you didnt read"), which letters inside single words cannot show."""
    words: list[str] = []
    out: list[str] = []
    negated = False
    for tok in _EN_TOKEN.findall(_APOSTROPHE.sub("", text)):
        if tok in "!?.,;":
            negated = False
            continue
        out.append("W:NEG_" + tok if negated else "W:" + tok)
        words.append(tok)
        if tok in _NEGATORS:
            negated = True
    pairs = list(map(" ".join, zip(words, words[1:])))
    out.extend("W:" + p for p in pairs)
    out.extend(f"W:{p} {w}" for p, w in zip(pairs, words[2:]))
    return out


@lru_cache(maxsize=4096)
def _word_grams(word: str) -> tuple[str, ...]:
    """The 2-, 3- and 4-grams of one padded word, in that order (words repeat: worked out once)."""
    w = f" {word} "
    two = list(map(add, w, w[1:]))
    three = list(map(add, two, w[2:]))
    return tuple(two + three + list(map(add, three, w[3:])))


def shared(reply: str, customer: str, locale: str) -> list[str]:
    """What the reply takes up of the caller's own words, as features of their own ("@refund",
    "@扣了"): listening is about *this* caller's message, which the reply's n-grams alone miss."""
    if not customer:
        return []
    if locale == "en":
        said = {w for w in _WORD.findall(customer.lower()) if w not in _EN_STOP}
        return [f"@{w}" for w in _WORD.findall(reply.lower()) if w in said]
    said_chars = "".join(_CJK.findall(customer))
    said = {said_chars[i:i + 2] for i in range(len(said_chars) - 1)}
    mine = "".join(_CJK.findall(reply))
    return [f"@{mine[i:i + 2]}" for i in range(len(mine) - 1) if mine[i:i + 2] in said]


def document(reply: str, customer: str) -> str:
    """How training hands a case to the vectoriser (reply and caller's words in one string)."""
    return reply + "\x00" + customer


def analyser(locale: str):
    """The vectoriser's analyser: the reply's n-grams and what it shares with the caller."""
    def analyse(doc: str) -> list[str]:
        reply, _, customer = doc.partition("\x00")
        return ngrams(reply, locale) + shared(reply, customer, locale)
    return analyse


DENSE = tuple(f"stage_{s}" for s in STAGES) + ("takes_up_caller", "asks", "has_history", "caller_upset",
                                                "only_asks", "only_asks_upset", "only_asks_venting")
_UPSET = re.compile(r"[!！]|\b[A-Z]{3,}\b")  # the caller exclaims or shouts
_SENTENCE = re.compile(r"[^.!?。！？]+[.!?。！？]*")


def _content(text: str, locale: str) -> set[str]:
    """What the caller said that a listening reply would take up: CJK bigrams or content words."""
    t = text.lower()
    if locale == "zh":
        chars = "".join(_CJK.findall(t))
        return {chars[i:i + 2] for i in range(len(chars) - 1)}
    return {w for w in _WORD.findall(t) if w not in _EN_STOP}


def dense_features(reply: str, ctx: ReplyContext) -> list[float]:
    """Context features, in DENSE order. Deliberately nothing that grows with the reply's length."""
    said = _content(ctx.customer, ctx.locale)
    taken = len(said & _content(reply, ctx.locale)) / len(said) if said else 0.0
    asks = 1.0 if ("?" in reply or "？" in reply or "吗" in reply) else 0.0
    # A reply that only asks reads differently to a calm caller than to one still venting: a
    # question to find the cause is fine, the same question to someone shouting suggests blame
    # (docs/labelling.md). A linear model sees that only through these products.
    upset = 1.0 if _UPSET.search(ctx.customer or "") else 0.0
    sentences = [m.group().strip() for m in _SENTENCE.finditer(reply) if m.group().strip()]
    only_asks = 1.0 if sentences and all(t[-1] in "?？" for t in sentences) else 0.0
    return [1.0 if ctx.stage == s else 0.0 for s in STAGES] + [
        min(1.0, 3 * taken), asks, 1.0 if ctx.history else 0.0, upset, only_asks, only_asks * upset,
        only_asks * (1.0 if ctx.stage == "venting" else 0.0)]


# Rule verdicts given to the fusion stage (scoring.rules.score_rules).
# What the rules saw, given to stage 2 beside the text heads: their levels and landmines; the
# acts; the evidence they found (a restated fact, a sincere apology, an undercut, a lecture...);
# and `offer_allowed`: an offer this case's policy allows, within its caps — the text alone
# cannot know that "I'll refund last month" is fine here and forbidden elsewhere.
EVIDENCE_LABELS = ("acknowledge", "answer", "apology", "apology_sincere", "cold", "demand_ignored",
                   "demand_met", "fact", "feeling", "formula", "hostile", "lecture", "listen_invite",
                   "no_answer", "paraphrase_frame", "part_ignored", "politeness", "proactive", "question",
                   "question_script", "script", "surface_answer", "undercut", "validate")
RULE_FEATURES = (("listening_0", "listening_1", "listening_2", "empathy_0", "empathy_1", "empathy_2")
                 + tuple(f"mine_{c}" for c in LANDMINES) + ("policy_0", "offer_allowed", "offer", "decline")
                 + tuple(f"act_{a}" for a in BASE_ACTS) + tuple(f"saw_{e}" for e in EVIDENCE_LABELS))


# The rules' signs that something is wrong; a reply with none of them is "quiet", and there a
# landmine the model alone reports must clear stricter thresholds (see scoring/train.py).
QUIET_SIGNS = ("policy_0",) + tuple(f"saw_{e}" for e in ("cold", "demand_ignored", "hostile", "lecture",
                                                          "no_answer", "part_ignored", "script", "undercut"))


def rule_features(rule_score, ctx: ReplyContext) -> list[float]:
    mines = set(rule_score.landmine_categories)
    allowed = any(ctx.policy.allows(o.action) or o.action in ctx.policy.extra_actions
                  for o in rule_score.offers) and "overpromise" not in mines
    acts = set(rule_score.acts)
    seen = {e.label for d in (rule_score.listening, rule_score.empathy) for e in d.evidence}
    return ([1.0 if rule_score.listening.level == i else 0.0 for i in range(3)]
            + [1.0 if rule_score.empathy.level == i else 0.0 for i in range(3)]
            + [1.0 if c in mines else 0.0 for c in LANDMINES]
            + [1.0 if rule_score.policy.level == 0 else 0.0, 1.0 if allowed else 0.0,
               1.0 if any(a.startswith("offer:") for a in acts) else 0.0,
               1.0 if any(a.startswith("decline:") for a in acts) else 0.0]
            + [1.0 if a in acts else 0.0 for a in BASE_ACTS]
            + [1.0 if e in seen else 0.0 for e in EVIDENCE_LABELS])


# ---------------------------------------------------------------------------- the shipped model
@dataclass
class Reading:
    """What the model made of a reply: probabilities per head after fusion, and why."""

    listening: list[float]              # P(level 0, 1, 2)
    empathy: list[float]
    landmines: dict[str, float]         # P(category present)
    thresholds: dict[str, float]
    _explain: Any = None  # (model, known rows, their tf-idf weights, (reply, zh parts, each part's index in known)): see clause()
    any_landmine: float = 0.0  # P(at least one landmine), read apart from which one
    cutpoints: dict[str, list[float]] | None = None
    _clauses: Any = None  # (reply, (clause spans, where, owner)), see _clause_grams

    def clause(self, head: str, reply: str) -> tuple[int, int] | None:
        """The clause of the reply that pushed this head hardest towards its decision: what a
        trainer would underline. None when nothing in the reply pushed it."""
        model, known, tfidf, _ = self._explain
        if not len(known):
            return None
        pushes = tfidf * model.pushes(head, self.level(head) if head in LEVEL_HEADS else 0, known)
        spans, where, owner = self._clause_grams(reply, model)
        # each clause's push: the pushes of its known n-grams, summed per clause in one call
        weights = np.bincount(owner, weights=pushes[where], minlength=len(spans)).tolist()
        best = max(weights, default=0.0)
        return spans[weights.index(best)] if best > 0.0 else None  # the first clause that pushed hardest

    def _clause_grams(self, reply: str, model: "Model") -> tuple[list[tuple[int, int]], Any, Any]:
        """The clauses' spans; where each clause's known n-grams sit among the reply's (`where`)
        and which clause each belongs to (`owner`), as flat arrays, each n-gram once per clause
        (worked out once: several heads ask). N-grams outside the reply's tf-idf push nothing."""
        if self._clauses is None or self._clauses[0] != reply:
            known, (read, parts, occurs) = self._explain[1], self._explain[3]
            spans = [m.span() for m in _CLAUSE.finditer(reply)]
            placed = None
            if read == reply and parts is not None:
                placed = _zh_clause_places(reply, spans, parts, occurs)
            if placed is None:  # a clause's n-grams made from its own text, found among the reply's
                placed = _clause_places(model, reply, spans, known)
            self._clauses = (reply, (spans, *placed))
        return self._clauses[1]

    def level(self, head: str) -> int:
        """The level, from the expected level (P1 + 2·P2) and the cut points fitted for it."""
        probs = getattr(self, head)
        cut = self.cutpoints.get(head) if self.cutpoints else None
        if not cut:
            return max(range(len(probs)), key=probs.__getitem__)
        expected = probs[1] + 2 * probs[2]
        return 0 if expected < cut[0] else 1 if expected < cut[1] else 2

    @property
    def categories(self) -> list[str]:
        return landmine_categories(self.landmines, self.thresholds, self.any_landmine)


# The fallback below names a category only if it reaches this share of its own threshold, or if
# the "any landmine" head is all but sure. Out of fold (en, 5,998 cases) the fallback's pick was
# right 26 times in 62 below 0.4 and 258 in 399 above, and below it the name was often one nothing
# in the reply bore out ("reads as a threat" on "I understand you're frustrated", the clause that
# pushed a 0.12 hardest); but where the head was 0.9 sure, all 26 such replies did hold a landmine
# ("那可不是我们的问题"): dropping them would pass a broken policy. Landmine F1 0.766 -> 0.765,
# precision 0.868 -> 0.873, false policy breaches 54 -> 43.
FALLBACK_SHARE = 0.4
FALLBACK_SURE = 0.9


def landmine_categories(probs: dict[str, float], thresholds: dict[str, float], any_landmine: float) -> list[str]:
    """Categories above their thresholds. When the reply clearly holds a landmine but no one
    category is sure (trainers themselves split defy/deflect, accuse/argue), the likeliest, if it
    is near enough its threshold to be named or the reply all but surely holds one."""
    found = [c for c, p in probs.items() if p >= thresholds.get(c, 0.5)]
    if not found and any_landmine >= thresholds.get("any", 1.0):
        best = max(probs, key=lambda c: probs[c] / thresholds.get(c, 0.5))
        if probs[best] >= FALLBACK_SHARE * thresholds.get(best, 0.5) or any_landmine >= FALLBACK_SURE:
            found = [best]
    return found


# Model.ids keeps each English word's table rows: a bound on memory far above a training room's
# vocabulary, and no "word" longer than any real one (a paste of one 2,000-letter string).
_KEPT_WORDS = 50_000
_KEPT_WORD_CHARS = 40


class Model:
    """One locale's shipped weights (see the module docstring for the file's layout)."""

    def __init__(self, data: dict[str, Any]):
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"model format {data.get('format')!r}; this scorer reads format {MODEL_FORMAT}")
        self.locale = data["locale"]
        self.meta = data.get("meta", {})
        vocab: list[str] = data["vocab"]
        idf = _floats(data["idf"])
        self.heads = data["heads"]  # name -> {"classes": n, "offset": k} into the weight rows
        n_out = data["outputs"]
        scale = _floats(data["scale"])
        # 8-bit weights, one row per n-gram: a signed byte times its output's scale
        q = np.frombuffer(base64.b64decode(data["weights"]), dtype=np.int8).reshape(len(vocab), n_out)
        self.weights = q * np.asarray(scale, dtype=np.float64)
        self.idf = np.asarray(idf, dtype=np.float64)
        self.index: dict[str, int] = dict(zip(vocab, range(len(vocab))))
        self._word_rows: dict[str, tuple[int, ...]] = {}  # see ids()
        self._level_pushes()
        self.dense_w = np.asarray(data["dense_weights"], dtype=np.float64)  # per output, in DENSE order
        self.intercept = np.asarray(data["intercept"], dtype=np.float64)
        self.fusion: dict[str, dict[str, Any]] = data["fusion"]
        self.thresholds: dict[str, float] = data["thresholds"]
        self.quiet_thresholds: dict[str, float] = data.get("quiet_thresholds") or self.thresholds
        self.baseline: dict[str, Any] = data.get("baseline", {})
        self.cutpoints: dict[str, list[float]] = data.get("cutpoints") or {}

    def stage1(self, reply: str, ctx: ReplyContext) -> list[float]:
        """Raw outputs of the text heads, in HEADS order (a level head's levels one after another)."""
        return self._stage1(reply, ctx)[0]

    def _stage1(self, reply: str, ctx: ReplyContext):
        """The text heads' raw outputs; the reply's known n-grams (their rows in the table, sorted)
        and their tf-idf weights; for zh, the reply's n-grams by length. With these Reading.clause
        explains a decision without reading the reply again."""
        parts = occurs = None
        if self.locale == "zh":  # its parts are kept: the clauses' n-grams are cut from them (Reading.clause)
            parts = _zh_parts(_SPACE.sub(" ", reply.lower()).strip().replace(" ", ""))
            grams = parts[0] + parts[1] + parts[2] + shared(reply, ctx.customer, self.locale)
            ids = np.fromiter(map(self.index.get, grams, repeat(-1)), dtype=np.intp, count=len(grams))
            seen = ids >= 0
            known, where, counts = np.unique(ids[seen], return_inverse=True, return_counts=True)
            occurs = np.full(len(grams), -1, dtype=np.intp)  # each n-gram's row among `known`
            occurs[seen] = where
        else:
            found = self.ids(reply) + [i for i in map(self.index.get, shared(reply, ctx.customer, self.locale))
                                       if i is not None]
            known, counts = np.unique(np.array(found, dtype=np.intp), return_counts=True)
        tfidf = (1.0 + np.log(counts)) * self.idf[known]  # sublinear tf times idf
        norm = math.sqrt(tfidf @ tfidf) or 1.0  # l2: a longer reply is not a bigger vector
        out = tfidf @ self.weights[known] / norm + self.intercept + self.dense_w @ dense_features(reply, ctx)
        return out.tolist(), known, tfidf, (reply, parts, occurs)

    def read(self, reply: str, ctx: ReplyContext, rule_score) -> Reading:
        raw, known, tfidf, parts = self._stage1(reply, ctx)
        rules = rule_features(rule_score, ctx)
        probs: list[float] = []
        for head in HEADS:
            spec = self.heads[head]
            k, n = spec["offset"], spec["classes"]
            probs += _softmax(raw[k:k + n]) if n > 1 else [_sigmoid(raw[k])]
        x = probs + rules
        fused: dict[str, list[float]] = {}
        for head in HEADS:
            f = self.fusion[head]
            logits = [b + sum(map(mul, x, w)) for w, b in zip(f["coef"], f["intercept"])]
            fused[head] = _softmax(logits) if len(logits) > 1 else [_sigmoid(logits[0])]
        # Where the rules saw nothing wrong, the model alone must clear the stricter thresholds.
        quiet = not any(rules[RULE_FEATURES.index(f)] for f in QUIET_SIGNS)
        thresholds = self.quiet_thresholds if quiet else self.thresholds
        return Reading(fused["listening"], fused["empathy"], {c: fused[c][0] for c in LANDMINES},
                       thresholds, (self, known, tfidf, parts), fused["any"][0], self.cutpoints)

    def ids(self, text: str) -> list[int]:
        """The table rows of the n-grams of `text` the model knows (ngrams(text), unknown ones
        left out), in no particular order. An English word's letter n-grams are looked up once per
        word and kept: most of a reply's n-grams are inside words, and words repeat."""
        if self.locale != "en":
            return [i for i in map(self.index.get, ngrams(text, self.locale)) if i is not None]
        words, rest = _en_parts(text)
        kept = self._word_rows
        out: list[int] = []
        for word in words:
            rows = kept.get(word)
            if rows is None:
                rows = tuple(i for i in map(self.index.get, _word_grams(word)) if i is not None)
                if len(word) <= _KEPT_WORD_CHARS:  # a 2,000-letter "word" is not worth keeping
                    if len(kept) >= _KEPT_WORDS:
                        kept.clear()
                    kept[word] = rows
            out += rows
        out += [i for i in map(self.index.get, rest) if i is not None]
        return out

    def _level_pushes(self) -> None:
        """Per n-gram, how much it pushes each level head towards each of its levels: its weight
        for the level minus the mean over the head's levels. A property of the weights alone, so
        worked out once here rather than for each reply explained. `_push_at[head]` is where a
        head's levels start among the columns of `level_pushes`."""
        self._push_at: dict[str, int] = {}
        columns, at = [], 0
        for head in LEVEL_HEADS:
            k, n = self.heads[head]["offset"], self.heads[head]["classes"]
            self._push_at[head], at = at, at + n
            block = self.weights[:, k:k + n]
            columns.append(block - block.mean(axis=1, keepdims=True))
        self.level_pushes = np.hstack(columns) if columns else np.zeros((len(self.index), 0))

    def pushes(self, head: str, level: int, known) -> Any:
        """How much each of the n-grams `known` (rows of the table) pushes `head` towards the
        decision taken: for a level head its weight for `level` minus the mean over the levels,
        for a category its weight."""
        if head in self._push_at:
            return self.level_pushes[known, self._push_at[head] + level]
        return self.weights[known, self.heads[head]["offset"]]


def _floats(encoded: str | Sequence[float]) -> list[float]:
    if isinstance(encoded, str):
        import array

        arr = array.array("f")
        arr.frombytes(base64.b64decode(encoded))
        return arr.tolist()
    return list(encoded)


def _softmax(xs: Sequence[float]) -> list[float]:
    m = max(xs)
    e = [math.exp(x - m) for x in xs]
    s = sum(e)
    return [v / s for v in e]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


# A model `using()` puts in place of the installed one, per locale (training compares candidates).
_USING: dict[str, "Model"] = {}


def load_model(locale: str) -> Model | None:
    """The model the scorer reads a locale with: the centre's own (scoring/centre.py: trained with
    the centre's reviewed cases, in the data folder) when there is one, else the shipped model
    (None when the package has none: rules alone then)."""
    if locale in _USING:
        return _USING[locale]
    from scoring.centre import centre_model_file

    path = centre_model_file(locale)
    if path is not None:
        model = _load_centre(str(path), path.stat().st_mtime_ns)
        if model is not None:
            return model
    return load_shipped(locale)


@lru_cache(maxsize=4)
def load_shipped(locale: str) -> Model | None:
    """The model shipped in the package (scoring/models/<locale>.json)."""
    try:
        text = resources.files("scoring").joinpath("models", f"{locale}.json").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return None
    return Model(json.loads(text))


@lru_cache(maxsize=4)
def _load_centre(path: str, _mtime: int) -> Model | None:
    """A centre model file (read again when it changes); None when it cannot be read, so a broken
    file never stops a call: the shipped model scores, and `scorer status` says why."""
    try:
        return Model(json.loads(open(path, encoding="utf-8").read()))
    except (OSError, ValueError, KeyError, TypeError):
        return None


class using:
    """`with using(model): ...` scores with `model` for its locale (training compares a candidate
    centre model with the shipped one on the sealed set before saving it)."""

    def __init__(self, model: Model) -> None:
        self.model = model

    def __enter__(self) -> Model:
        self.before = _USING.get(self.model.locale)
        _USING[self.model.locale] = self.model
        return self.model

    def __exit__(self, *exc) -> None:
        if self.before is None:
            _USING.pop(self.model.locale, None)
        else:
            _USING[self.model.locale] = self.before
