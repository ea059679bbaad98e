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

Inference is plain Python (no numpy, no scikit-learn): the app ships the weights and nothing
else. Featurisation lives here once and training imports it, so both read replies alike.
"""
from __future__ import annotations

import base64
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache, partial
from importlib import resources
from itertools import accumulate, repeat
from operator import add, is_not, itemgetter, mul, sub, truediv
from typing import Any, Iterable, Iterator, Sequence

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
    t = _SPACE.sub(" ", text.lower()).strip()
    if locale == "en":
        words = t.split(" ")
        out: list[str] = []
        for word in words:
            out.extend(_word_grams(word))
        # word pairs carry what letters cannot: "your fault", "not our", "calm down"
        bare = [w.strip(".,!?;:\"()") for w in words]
        out.extend(f"{a}_{b}" for a, b in zip(bare, bare[1:]) if a and b)
        out.extend(_word_grams_en(t))
        return out
    one, two, three = _zh_parts(t.replace(" ", ""))
    return one + two + three


def _zh_parts(t: str) -> tuple[list[str], list[str], list[str]]:
    """The 1-, 2- and 3-grams of `t` (lowercased, no whitespace), each list in text order."""
    two = list(map(add, t, t[1:]))  # t[i] + t[i+1] == t[i:i+2], built in C
    return list(t), two, list(map(add, two, t[2:]))


def zh_clause_grams(reply: str, spans: list[tuple[int, int]],
                    parts: tuple[list[str], list[str], list[str]]) -> list[list[str]] | None:
    """ngrams(reply[s:e], "zh") for each span, cut from the reply's own n-grams `parts`
    (_zh_parts of the whole reply, as stage 1 made them) instead of made again: a clause's
    n-grams are the reply's n-grams that start and end in it, in the same order. None when the
    reply's lowercase is not each character's lowercase in its place (a character that
    lowercases to two, or the context-dependent final sigma): then each clause is read alone."""
    if "Σ" in reply or len(reply.lower()) != len(reply):
        return None
    one, two, three = parts
    spaces = list(accumulate(map(str.isspace, reply), initial=0))  # whitespace before each position
    out = []
    for s, e in spans:
        a, b = s - spaces[s], e - spaces[e]  # where the clause is in the reply without whitespace
        out.append(one[a:b] + two[a:max(a, b - 1)] + three[a:max(a, b - 2)])
    return out


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
    _explain: Any = None  # (model, tf-idf weights, table rows, weight columns, zh n-gram parts): see clause()
    any_landmine: float = 0.0  # P(at least one landmine), read apart from which one
    cutpoints: dict[str, list[float]] | None = None
    _clauses: Any = None  # (reply, its clauses' spans and known n-grams), see _clause_grams

    def clause(self, head: str, reply: str) -> tuple[int, int] | None:
        """The clause of the reply that pushed this head hardest towards its decision: what a
        trainer would underline. None when nothing in the reply pushed it."""
        model, tfidf, entries, columns, _ = self._explain
        pushes = list(map(mul, tfidf.values(), model._pushes(head, self, entries, columns)))  # in tf-idf order
        spans, known = self._clause_grams(reply, model.locale)
        # each clause's push, summed in C: sum(map(pushes.__getitem__, k)) for each clause's k
        weights = list(map(sum, map(map, repeat(pushes.__getitem__), known)))
        best = max(weights, default=0.0)
        return spans[weights.index(best)] if best > 0.0 else None  # the first clause that pushed hardest

    def _clause_grams(self, reply: str, locale: str) -> tuple[list[tuple[int, int]], list[list[int]]]:
        """The clauses' spans, and for each where its n-grams the model knows are in the tf-idf
        weights, in the order of the clause's set of n-grams (worked out once: several heads ask).
        N-grams the model does not know push nothing, so they are left out rather than added as 0.0."""
        if self._clauses is None or self._clauses[0] != reply:
            tfidf, (read, parts) = self._explain[1], self._explain[4]
            index = dict(zip(tfidf, range(len(tfidf))))
            spans = [m.span() for m in _CLAUSE.finditer(reply)]
            grams = zh_clause_grams(reply, spans, parts) if parts and read == reply and locale == "zh" else None
            if grams is None:
                grams = [ngrams(reply[s:e], locale) for s, e in spans]
            self._clauses = (reply, (spans, [list(filter(_known, map(index.get, set(g)))) for g in grams]))
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
        """Categories above their thresholds. When the reply clearly holds a landmine but no one
        category is sure (trainers themselves split defy/deflect, accuse/argue), the likeliest."""
        found = [c for c, p in self.landmines.items() if p >= self.thresholds.get(c, 0.5)]
        if not found and self.any_landmine >= self.thresholds.get("any", 1.0):
            found = [max(self.landmines, key=lambda c: self.landmines[c] / self.thresholds.get(c, 0.5))]
        return found


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
        q = base64.b64decode(data["weights"])
        # An output's weights take 256 values at most (8 bits): each is made once, and every row
        # holds those same float objects. The same numbers as dequantising each weight on its
        # own, in a fraction of the memory, and a reply's rows then touch a few kilobytes of
        # floats rather than megabytes scattered over the table (fewer cache misses per reply).
        values = [[(b - 256 if b > 127 else b) * scale[k] for b in range(256)] for k in range(n_out)]
        rows = [tuple(map(list.__getitem__, values, q[i * n_out:(i + 1) * n_out])) for i in range(len(vocab))]
        # n-gram -> (idf, its weights for every output (dequantised), its pushes for each level of
        # each level head (see _level_pushes)): the layout inference reads, made once at load
        self.table: dict[str, tuple[float, tuple[float, ...], tuple[float, ...]]] = dict(
            zip(vocab, zip(idf, rows, self._level_pushes(rows))))
        self.dense_w: list[list[float]] = data["dense_weights"]  # per output, in DENSE order
        self.intercept: list[float] = data["intercept"]
        self.fusion: dict[str, dict[str, Any]] = data["fusion"]
        self.thresholds: dict[str, float] = data["thresholds"]
        self.quiet_thresholds: dict[str, float] = data.get("quiet_thresholds") or self.thresholds
        self.baseline: dict[str, Any] = data.get("baseline", {})
        self.cutpoints: dict[str, list[float]] = data.get("cutpoints") or {}

    def stage1(self, reply: str, ctx: ReplyContext) -> tuple[list[float], dict[str, float], list[tuple[float, ...]]]:
        """Raw outputs of the text heads, the tf-idf weight of each known n-gram, and per output
        the n-grams' weights (in the tf-idf order)."""
        out, tfidf, _, columns, _ = self._stage1(reply, ctx)
        return out, tfidf, columns

    def _stage1(self, reply: str, ctx: ReplyContext):
        """stage1, the known n-grams' table rows (in the tf-idf order) and, for zh, the reply's
        n-grams by length: with the columns, what Reading.clause needs, worked out once."""
        table = self.table
        if self.locale == "zh":  # its parts are kept: the clauses' n-grams are cut from them (Reading.clause)
            parts = _zh_parts(_SPACE.sub(" ", reply.lower()).strip().replace(" ", ""))
            grams = parts[0] + parts[1] + parts[2] + shared(reply, ctx.customer, self.locale)
        else:
            parts = None
            grams = ngrams(reply, self.locale) + shared(reply, ctx.customer, self.locale)
        counts = Counter(filter(table.__contains__, grams))
        entries = list(map(table.__getitem__, counts))  # table rows (idf, weights, level pushes), in counts' order
        # sublinear tf (1 + log count) times idf, worked out in C; the same floats as one by one
        tfidf = dict(zip(counts, map(mul, map(_sublinear_tf, counts.values()), map(_first, entries))))
        norm = math.sqrt(sum(map(mul, tfidf.values(), tfidf.values()))) or 1.0
        columns: list[tuple[float, ...]] = []
        if tfidf:
            # one pass per output over all n-grams, in C (map/zip/sum), not 14 Python adds per n-gram
            weights = list(tfidf.values())
            columns = list(zip(*map(_second, entries)))
            out = [sum(map(mul, weights, col)) / norm for col in columns]
        else:
            out = [0.0] * len(self.intercept)
        dense = dense_features(reply, ctx)
        for k in range(len(out)):
            out[k] += self.intercept[k] + sum(map(mul, dense, self.dense_w[k]))
        return out, tfidf, entries, columns, (reply, parts)

    def read(self, reply: str, ctx: ReplyContext, rule_score) -> Reading:
        raw, tfidf, entries, columns, parts = self._stage1(reply, ctx)
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
                       thresholds, (self, tfidf, entries, columns, parts), fused["any"][0], self.cutpoints)

    def _level_pushes(self, rows: list[tuple[float, ...]]) -> Iterator[tuple[float, ...]]:
        """Per n-gram, how much it pushes each level head towards each of its levels: its weight
        for the level minus the mean over the head's levels. A property of the weights alone, so
        worked out once here (in C, a column at a time) rather than for each reply explained.
        `_push_at[head]` is where a head's levels start in the tuple."""
        self._push_at: dict[str, int] = {}
        columns = list(zip(*rows)) if rows else []
        pushes: list[Iterable[float]] = []
        for head in LEVEL_HEADS:
            k, n = self.heads[head]["offset"], self.heads[head]["classes"]
            self._push_at[head] = len(pushes)
            # the mean as sum(row[k:k + n]) / n works it out: ((0.0 + w0) + w1) + ..., in that order
            total: Iterable[float] = repeat(0.0)
            for col in columns[k:k + n]:
                total = map(add, total, col)
            mean = list(map(truediv, total, repeat(n)))
            pushes.extend(map(sub, columns[k + level], mean) for level in range(n))
        return zip(*pushes) if pushes and columns else repeat(())

    def _pushes(self, head: str, reading: Reading, entries: list[tuple], columns: list[tuple[float, ...]]) -> Iterator[float]:
        """How much each n-gram's weights push `head` towards the decision taken (in C, per n-gram:
        its weight for the level chosen minus the mean over the levels; a category's weight).
        `entries` and `columns` are stage1's table rows and weight columns, so no n-gram is
        looked up again."""
        if not columns:
            return iter(())
        spec = self.heads[head]
        if spec["classes"] > 1:
            return map(itemgetter(self._push_at[head] + reading.level(head)), map(_third, entries))
        return iter(columns[spec["offset"]])


_first, _second, _third = itemgetter(0), itemgetter(1), itemgetter(2)
_known = partial(is_not, None)


@lru_cache(maxsize=256)
def _sublinear_tf(count: int) -> float:
    return 1.0 + math.log(count)


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
