"""Loading, merging and compiling the per-locale lexicons (YAML data, see docs/lexicons.md).

A lexicon is data a trainer can extend: `families` of phrases (acts, empathy, landmines...),
`actions` (phrases naming each policy action), `reasons` (trainee-readable templates),
plus `stopwords`, `concepts`, `typos` and `numbers`. Phrases use a tiny syntax compiled to
regular expressions once per (locale, extras) and cached, so scoring a reply costs a
handful of regex scans.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import yaml

from scoring.normalise import normalise_phrase

LEXICON_DIR = Path(__file__).parent / "lexicons"
# Chinese numerals and their digits; also used by scoring.numbers.
ZH_NUMERALS = "零一二两三四五六七八九十百千万半几"
# A gap `...` never crosses a sentence end, so "sorry ... but" stays within one sentence; a point
# inside a number is no sentence end ("give you 6.00 back"), as analysis.sentences reads it too.
_GAP_CHARS = r"(?:[^.!?;\n。]|(?<=\d)\.(?=\d))"
_BOUNDED_GAP = re.compile(r"\.\{(\d+),(\d+)\}")
# A reason's quote of the reply, " ('{text}')" or "（“{text}”）", dropped when there is nothing to quote.
_EMPTY_QUOTE = re.compile(r"\s*[(（][‘“']\{text\}[’”'][)）]")


class _PhraseLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when present: 10x faster
    """SafeLoader without YAML 1.1 booleans: a phrase list may say yes, no, on, off, ok."""


_PhraseLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str) -> Any:
    """Parse lexicon YAML (booleans stay strings)."""
    return yaml.load(text, Loader=_PhraseLoader)  # noqa: S506 - a SafeLoader subclass


class LexiconError(ValueError):
    """A lexicon file (or ctx.lexicon_extra) is malformed."""


class Scan:
    """Every span of one family in a reply: `[m.span() for m in pattern.finditer(text)]`, empty
    matches left out, as analysis.py collects them for all families at once.

    Most English phrases match whole words, and a regex that starts with a look-behind
    ("(?<![a-z0-9])sorry") is tried at every character. Here those phrases are scanned apart
    (`words`) as "[^a-z0-9](?:sorry|...)" over the text with a space in front, so re's own C loop
    skips every letter and only word starts are tried (English families 0.62 -> 0.45 ms at 420
    characters); the rest of the family (`rest`: phrases that may start inside a word, `re:` ones)
    is scanned as written. The two streams are merged as the one alternation would have matched:
    leftmost first, the whole-word phrases first at one position (they come first in the
    alternation), each next match searched from where the last one ended. An empty match (none of
    the built-in families has one) falls back to the pattern itself, whose finditer rules apply.
    A split family's own pattern is compiled only when something asks for it (Lexicon.families):
    compiling all three would double the English lexicon's load."""

    __slots__ = ("_pattern", "_source", "words", "rest")

    def __init__(self, pattern: re.Pattern[str] | str, words: re.Pattern[str] | None = None,
                 rest: re.Pattern[str] | None = None):
        self._pattern = pattern if isinstance(pattern, re.Pattern) else None
        self._source = pattern if isinstance(pattern, str) else pattern.pattern
        self.words, self.rest = words, rest

    @property
    def pattern(self) -> re.Pattern[str]:
        if self._pattern is None:
            self._pattern = re.compile(self._source)
        return self._pattern

    def spans(self, text: str) -> list[tuple[int, int]]:
        words, rest = self.words, self.rest
        if words is None:
            return [m.span() for m in self.pattern.finditer(text) if m.end() > m.start()]
        spaced = " " + text  # the separator in front of a word is consumed: a phrase at i has it at i - 1 + 1
        out: list[tuple[int, int]] = []
        w = words.search(spaced)
        r = rest.search(text) if rest is not None else None
        while w is not None or r is not None:
            if w is not None and (r is None or w.start() <= r.start()):
                start, end = w.start(), w.end() - 1
            else:
                start, end = r.span()
            if end <= start:
                return [m.span() for m in self.pattern.finditer(text) if m.end() > m.start()]
            out.append((start, end))
            if w is not None and w.start() < end:
                w = words.search(spaced, end)
            if r is not None and r.start() < end:
                r = rest.search(text, end)
        return out


class _Patterns(Mapping[str, re.Pattern[str]]):
    """Family or action name -> its compiled alternation (Scan.pattern, compiled on first use)."""

    def __init__(self, scans: Mapping[str, Scan]):
        self._scans = scans

    def __getitem__(self, name: str) -> re.Pattern[str]:
        return self._scans[name].pattern

    def __iter__(self):
        return iter(self._scans)

    def __len__(self) -> int:
        return len(self._scans)


@dataclass(frozen=True)
class Lexicon:
    locale: str
    families: Mapping[str, re.Pattern[str]]
    actions: Mapping[str, re.Pattern[str]]
    reasons: Mapping[str, str]
    stopwords: frozenset[str]
    concepts: Mapping[str, str]  # normalised term -> concept name
    concept_pattern: re.Pattern[str] | None
    typos: Mapping[str, str]
    numbers: Mapping[str, float]
    concerns: frozenset[str] = frozenset()  # concept names that are the caller's concern or demand
    # typos plus `shorthand:` ("ur", "acct"): a caller's concern is heard through a trainee's texting
    # (simulator/concerns.py); the scorer's own readings keep `typos` alone, as the model was fitted
    concern_typos: Mapping[str, str] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(repr=False, default_factory=dict)
    # concept terms written "re:..." (a word only in one sense: "down" but not "calm down"), in order
    concept_res: tuple[tuple[re.Pattern[str], str], ...] = ()
    # each family's and action's Scan (its pattern, scanned faster): what analysis.py collects with
    scans: Mapping[str, Scan] = field(default_factory=dict)
    action_scans: Mapping[str, Scan] = field(default_factory=dict)

    def find(self, family: str, text: str) -> list[tuple[int, int]]:
        """Spans of `family` phrases in normalised `text` (empty if no such family)."""
        pattern = self.families.get(family)
        return [m.span() for m in pattern.finditer(text)] if pattern else []

    def has(self, family: str, text: str) -> bool:
        pattern = self.families.get(family)
        return bool(pattern and pattern.search(text))

    def reason(self, label: str, text: str = "", **values: Any) -> str:
        template = self.reasons.get(label) or label.replace("_", " ")
        quoted = text.strip()
        if len(quoted) > 40:
            cut = quoted[:37]
            if " " in cut[20:]:  # at a word's end, not inside the word
                cut = cut.rsplit(" ", 1)[0]
            quoted = cut + "..."
        if not quoted:  # nothing to quote: the reason without its empty quote marks ("('')")
            template = _EMPTY_QUOTE.sub("", template)
        try:
            return template.format(text=quoted, **values)
        except (KeyError, IndexError, ValueError):
            return template


def _number_regex(numbers: Mapping[str, float]) -> str:
    words = sorted(numbers, key=len, reverse=True)
    word_alt = "|".join(re.escape(w) for w in words)
    # A comma only groups thousands ("1,200"): "工号3317，48小时" is two numbers, not 3317.48.
    alts = [r"\d+(?:,\d{3}(?!\d))*(?:\.\d+)?", f"[{ZH_NUMERALS}]+"]
    if word_alt:
        alts.append(rf"\b(?:{word_alt})\b")
    return "(?:" + "|".join(alts) + ")"


_SPLIT_APOSTROPHE = re.compile(r"(?<=[(|])'(?=[a-z])")
_WORD_START = r"(?<![a-z0-9])"
_WORD_END = r"(?![a-z0-9])"


def compile_phrase(phrase: str, locale: str, num_re: str, gap: int) -> str:
    """Translate one lexicon phrase into a regular expression (docs/lexicons.md)."""
    body, starts, ends = _phrase_parts(phrase, locale, num_re, gap)
    return (_WORD_START if starts else "") + body + (_WORD_END if ends else "")


def _phrase_parts(phrase: str, locale: str, num_re: str, gap: int) -> tuple[str, bool, bool]:
    """(regex body, needs a word start, needs a word end) for one phrase."""
    if phrase.startswith("re:"):
        return phrase[3:].strip(), False, False
    # A reply's "it's" reads "its" (the normaliser drops an apostrophe between letters); a phrase's
    # "(it|that)('s| is)" must read the same, though its apostrophe follows a bracket.
    text = _SPLIT_APOSTROPHE.sub("", normalise_phrase(phrase.strip()))
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if text.startswith("...", i):
            out.append(rf"{_GAP_CHARS}{{0,{gap}}}?")
            i += 3
            continue
        bounded = _BOUNDED_GAP.match(text, i)
        if bounded:  # `.{0,8}`: a gap of that many characters, also never crossing a sentence end
            out.append(rf"{_GAP_CHARS}{{{bounded.group(1)},{bounded.group(2)}}}?")
            i = bounded.end()
            continue
        if text.startswith("{num}", i):
            out.append(num_re)
            i += 5
            continue
        if text.startswith("{money}", i):
            out.append(rf"(?:[£$€¥]\s?{num_re}|{num_re}\s?(?:元|块钱|块|pounds?|quid|dollars?|bucks|yuan))")
            i += 7
            continue
        if c == " ":
            while i < len(text) and text[i] == " ":
                i += 1
            out.append(r"\s+" if locale == "en" else r"\s*")
            continue
        if c == "(":
            out.append("(?:")  # non-capturing: nothing reads the groups, and it matches faster
        elif c in ")|?":
            out.append(c)
        elif c == "*":
            out.append(r"\w*")
        else:
            out.append(re.escape(c))
        i += 1
    body = "".join(out)
    # English phrases match whole words: "refund" must not fire inside "refundable"
    # unless the phrase ends with `*`. (Not \b: Python counts Chinese characters as word
    # characters, and mixed replies such as "帮您refund一个月" must still match.)
    starts = locale == "en" and bool(re.match(r"[a-z0-9(]", text))
    ends = locale == "en" and bool(re.search(r"[a-z0-9)]$", text))
    return body, starts, ends


# Compiled families by (phrases, locale, number regex, gap): a lexicon with a scenario's extras
# compiles only the families the extras change, and reuses the built-in lexicon's other ones.
_FAMILY_CACHE: dict[tuple[Any, ...], Scan] = {}


def _compile_family(phrases: list[str], locale: str, num_re: str, gap: int, where: str,
                    factor: bool = True) -> Scan:
    try:
        key = (tuple(phrases), locale, num_re, gap, factor)
        hit = _FAMILY_CACHE.get(key)
    except TypeError:  # an unhashable phrase: _compile_phrases says what is wrong with it
        return _compile_phrases(phrases, locale, num_re, gap, where, factor)
    if hit is None:
        if len(_FAMILY_CACHE) > 4096:
            _FAMILY_CACHE.clear()
        hit = _FAMILY_CACHE[key] = _compile_phrases(phrases, locale, num_re, gap, where, factor)
    return hit


def _compile_phrases(phrases: list[str], locale: str, num_re: str, gap: int, where: str,
                     factor: bool) -> Scan:
    bounded: list[str] = []  # whole-word phrases share one boundary check (much faster)
    other: list[str] = []
    for p in phrases:
        if isinstance(p, (int, float)) and not isinstance(p, bool):
            p = str(p)  # a bare number in YAML (a hotline such as 12315) is a phrase too
        if not isinstance(p, str) or not p.strip():
            raise LexiconError(f"{where}: every phrase must be a non-empty string, got {p!r}")
        body, starts, ends = _phrase_parts(p, locale, num_re, gap)
        if starts and ends:
            bounded.append(body)
        else:
            other.append((_WORD_START if starts else "") + body + (_WORD_END if ends else ""))
    bounded.sort(key=len, reverse=True)  # prefer the longer phrase at the same position
    other.sort(key=len, reverse=True)
    alts = [f"(?:{p})" for p in other]
    if bounded:
        alts.insert(0, _WORD_START + "(?:" + "|".join(f"(?:{p})" for p in bounded) + ")" + _WORD_END)
    if factor and alts:
        # The same alternatives one by one, in the same order (WS(?:a|b)WE == WS a WE|WS b WE).
        ordered = [f"{_WORD_START}(?:{p}){_WORD_END}" for p in bounded] + alts[1 if bounded else 0:]
        fast = _dispatch(ordered)
        if fast is not None:
            try:
                words, rest = _word_scans(bounded, alts[1 if bounded else 0:])
                return Scan(fast if words is not None else re.compile(fast), words, rest)
            except re.error:
                pass  # a bad phrase: compiled as written below, which names the error
    try:
        return Scan(re.compile("|".join(alts) or r"(?!x)x"))
    except re.error as exc:
        raise LexiconError(f"{where}: bad phrase ({exc})") from None


_INLINE_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")


def _word_scans(bounded: list[str], rest: list[str]) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """Scan's two patterns for a family whose whole-word phrases are `bounded` (bodies, in
    priority order) and whose other alternatives are `rest`; (None, None) without whole-word ones."""
    if not bounded or any(_INLINE_FLAGS.search(p) for p in rest):
        # a `re:` phrase with "(?i)": alone at the front of `rest` it would compile, inside the
        # family's one regex it is an error, which build() must report now, not on first use
        return None, None
    words = _dispatch([f"(?:{p}){_WORD_END}" for p in bounded])
    others = _dispatch(rest) if rest else None
    if words is None or (rest and others is None):
        return None, None
    return re.compile(f"[^a-z0-9](?:{words})"), re.compile(others) if others else None


# --------------------------------------------------------------------------- first-character dispatch
# A family is one alternation of hundreds of phrases. Python's re tries every alternative at every
# position of the reply, and 60 families over a 2,000-character reply made up most of scoring
# time. `_dispatch` rewrites the alternation into an equal one, grouped by first character:
# "so(?:rry|...)|a(?:pologies|...)|...". Then re skips, in C, every position whose character
# starts no phrase, and tries only the phrases of that character elsewhere. Equal means: at
# every position the same alternative wins with the same match, because
#   - (?:A|B)Z == AZ|BZ, A?Z == AZ|Z (greedy) and [ab]Z == aZ|bZ, so a leading group, optional
#     or small class is spread out;
#   - (?<!X)cZ == c(?<!(?:X)c)Z for a literal character c: the look-behind (or \b) moves past c;
#   - \s*Z == \s*+Z when Z starts with a literal that is not a space (no quadratic backtracking
#     over the long blank runs of analysis.py's blanked-out text);
#   - two alternatives that start with different literal characters never match at the same
#     position, so only they may trade places; everything else keeps its order.
# Anything the rewrite does not understand (a look-ahead, \d, ^...) stays as written, in its
# place. tests/scoring/test_lexicon_dispatch.py checks both forms find the same spans on the cases.

_MAX_SPREAD = 16  # alternatives one phrase may spread into (more: a bigger regex, no faster)
_SPACE, _WORD_CHAR = re.compile(r"\s"), re.compile(r"\w")
_QUANTIFIER = re.compile(r"(?:[*+?]|\{\d*(?:,\d*)?\})[?+]?")
_SMALL_CLASS = re.compile(r"\[(?:[^\\\]\[^-]|\\[^a-zA-Z0-9]){1,24}\]")  # [.!?], [零一二...]: no ranges


def _dispatch(alternatives: list[str]) -> str | None:
    """The alternation of `alternatives` (in priority order) grouped by first character, or None
    when it cannot be rewritten safely (a back-reference would change meaning)."""
    if any(re.search(r"\\[1-9]|\(\?P[=<]|\(\?\(", a) for a in alternatives):
        return None
    items: list[list[str]] = []
    for alt in alternatives:
        toks = _tokens(alt)
        spread = _spread(toks) if toks is not None else None
        if spread is None or len(spread) > _MAX_SPREAD:
            items.append([alt])  # one opaque token, tried in its place
        else:
            items.extend(spread)
    return _factor(items)


def _literal(tok: str) -> str | None:
    """The character a token matches when it is exactly one literal character, else None."""
    if len(tok) == 1 and tok not in ".^$()[]{}|*+?\\":
        return tok
    if len(tok) == 2 and tok[0] == "\\" and not tok[1].isalnum():
        return tok[1]
    return None


def _tokens(rx: str) -> list[str] | None:
    """`rx` split into atoms, each with its quantifier; None for a top-level | or odd syntax."""
    out: list[str] = []
    i, n = 0, len(rx)
    while i < n:
        c = rx[i]
        if c == "\\":
            if i + 1 >= n or rx[i + 1] in "xuUN0123456789":
                return None
            j = i + 2
        elif c == "[":
            j = _class_end(rx, i)
        elif c == "(":
            j = _group_end(rx, i)
        elif c in ")|*+?{":
            return None
        else:
            j = i + 1
        if j is None:
            return None
        q = _QUANTIFIER.match(rx, j)
        if q:
            j = q.end()
        elif j < n and rx[j] == "{":
            return None  # a literal "{": leave such a phrase as written
        out.append(rx[i:j])
        i = j
    return out


def _atom_and_quantifier(tok: str) -> tuple[str, str]:
    end = 2 if tok[0] == "\\" else _class_end(tok, 0) if tok[0] == "[" else _group_end(tok, 0) if tok[0] == "(" else 1
    return tok[:end], tok[end:]


def _class_end(rx: str, i: int) -> int | None:
    j = i + 1
    if j < len(rx) and rx[j] == "^":
        j += 1
    if j < len(rx) and rx[j] == "]":
        j += 1
    while j < len(rx):
        if rx[j] == "\\":
            j += 2
        elif rx[j] == "]":
            return j + 1
        else:
            j += 1
    return None


def _walk(rx: str, i: int = 0):
    """(index, character, depth after it) for each character of `rx` from `i` that is not inside
    an escape or a character class (groups opened minus closed). Raises ValueError on an
    unclosed class: the callers then leave the pattern as written."""
    depth, j = 0, i
    while j < len(rx):
        c = rx[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            j = _class_end(rx, j)
            if j is None:
                raise ValueError(rx)
            continue
        depth += (c == "(") - (c == ")")
        yield j, c, depth
        j += 1


def _group_end(rx: str, i: int) -> int | None:
    try:
        return next((j + 1 for j, c, depth in _walk(rx, i) if c == ")" and depth == 0), None)
    except ValueError:
        return None


def _branches(body: str) -> list[str] | None:
    """The top-level alternatives of a group's body."""
    out, start = [], 0
    try:
        for j, c, depth in _walk(body):
            if c == "|" and depth == 0:
                out.append(body[start:j])
                start = j + 1
    except ValueError:
        return None
    return out + [body[start:]]


def _spread(toks: list[str], budget: int = _MAX_SPREAD) -> list[list[str]] | None:
    """Equal token lists, in priority order, each starting with a literal character where the
    rewrite can make it so (see above); None past `budget` alternatives."""
    if not toks or _literal(toks[0]) is not None:
        return [toks]
    head, rest = toks[0], toks[1:]
    atom, q = _atom_and_quantifier(head)
    if q not in ("", "?", "+", "*"):
        return [toks]
    if q == "?" and _literal(atom) is not None:
        options = [[atom], []]  # c?Z == cZ|Z
    elif q in ("", "+") and _SMALL_CLASS.fullmatch(atom):
        # [abc]Z == aZ|bZ|cZ, and [abc]+Z == [abc][abc]*Z
        more = [atom + "*"] if q == "+" else []
        options = [[re.escape(c)] + more for c in re.sub(r"\\(.)", r"\1", atom[1:-1])]
    elif q in ("+", "*") and not (q == "*" and atom == r"\s"):
        return [toks]
    elif atom.startswith("(?:") or (atom.startswith("(") and not atom.startswith("(?")):
        inner = atom[3:-1] if atom.startswith("(?:") else atom[1:-1]
        branches = _branches(inner)
        if branches is None:
            return [toks]
        options = []
        for b in branches:
            bt = _tokens(b)
            if bt is None:
                return [toks]
            options.append(bt)
        if q == "?":
            options.append([])
    elif not q and (atom.startswith(("(?<!", "(?<=")) or atom == r"\b"):
        out = []
        for alt in _spread(rest, budget) or [rest]:
            c = _literal(alt[0]) if alt else None
            if c is None:
                out.append([head] + alt)  # nothing to move past: stays as written
            elif atom == r"\b":  # \bc == c(?<!\wc) for a word character c, c(?<=\wc) for another
                sign = "!" if _WORD_CHAR.match(c) else "="
                out.append([alt[0], f"(?<{sign}\\w{alt[0]})"] + alt[1:])
            else:
                out.append([alt[0], f"{atom[:4]}(?:{atom[4:-1]}){alt[0]})"] + alt[1:])
        return out
    elif q == "*" and atom == r"\s":
        # \s*Z == \s*+Z when Z never starts with a space: giving spaces back cannot help, and over
        # a long run of blanks (the other locale's text blanked out) backtracking was quadratic
        tails = _spread(rest, budget)
        if tails and all(t and _literal(t[0]) is not None and not _SPACE.match(_literal(t[0])) for t in tails):
            return [[r"\s*+"] + t for t in tails]
        return [toks]
    else:
        return [toks]
    out = []
    for opt in options:
        more = _spread(opt + rest, budget - len(out))
        if more is None or len(out) + len(more) > budget:
            return None
        out.extend(more)
    return out


def _factor(items: list[list[str]]) -> str:
    """One regex for the token lists `items` (in priority order), grouped by first literal."""
    groups: list[tuple[str, list[list[str]]]] = []  # (head token, tails)
    for toks in items:
        if not toks:  # the phrase ends here: matches wherever the group got to
            groups.append(("", [[]]))
            continue
        head = toks[0]
        c = _literal(head)
        target = None
        for k in range(len(groups) - 1, -1, -1):
            if groups[k][0] == head:
                target = k
                break
            other = _literal(groups[k][0])
            if c is None or other is None:
                break  # may match where this one does: keep the order
        if target is None:
            groups.append((head, [toks[1:]]))
        else:
            groups[target][1].append(toks[1:])
    parts = []
    for head, tails in groups:
        if len(tails) == 1:
            parts.append(head + "".join(tails[0]))
        else:
            parts.append(head + "(?:" + _factor(tails) + ")")
    return "|".join(parts)


def merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Merge `extra` over `base`: lists are extended, mappings merged, scalars replaced."""
    out = dict(base)
    for key, value in extra.items():
        old = out.get(key)
        if isinstance(old, list) and isinstance(value, list):
            out[key] = old + [v for v in value if v not in old]
        elif isinstance(old, Mapping) and isinstance(value, Mapping):
            out[key] = merge(old, value)
        else:
            out[key] = value
    return out


@lru_cache(maxsize=8)
def load_raw(locale: str) -> Mapping[str, Any]:
    path = LEXICON_DIR / f"{locale}.yaml"
    if not path.exists():
        raise LexiconError(f"no lexicon for locale {locale!r} ({path})")
    data = load_yaml(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise LexiconError(f"{path}: a lexicon must be a mapping")
    return data


def build(data: Mapping[str, Any], locale: str, only: Mapping[str, Any] | None = None) -> Lexicon:
    """Compile a lexicon. With `only` (extras in the lexicon format), just the families and actions
    they name are compiled, from the merged data: what a check of those extras needs (check_extra)."""
    numbers = {normalise_phrase(str(k)): float(v) for k, v in (data.get("numbers") or {}).items()}
    num_re = _number_regex(numbers)
    gap = int(data.get("gap", 24))
    wanted = {key: set((only or {}).get(key) or ()) for key in ("families", "actions")}
    scans = {
        name: _compile_family(list(phrases or []), locale, num_re, gap, f"families.{name}")
        for name, phrases in (data.get("families") or {}).items()
        if only is None or name in wanted["families"]
    }
    action_scans = {
        name: _compile_family(list(phrases or []), locale, num_re, gap, f"actions.{name}")
        for name, phrases in (data.get("actions") or {}).items()
        if phrases and (only is None or name in wanted["actions"])
    }
    concepts: dict[str, str] = {}
    concept_res: list[tuple[re.Pattern[str], str]] = []
    for concept, terms in (data.get("concepts") or {}).items():
        for term in terms or []:
            if str(term).startswith("re:"):  # a regex over the normalised text, as in the families
                concept_res.append((re.compile(str(term)[3:]), concept))
            else:
                concepts[normalise_phrase(str(term))] = concept
    concept_pattern = None
    if concepts or concept_res:
        terms = sorted(concepts, key=len, reverse=True)
        alts = [rf"\b{re.escape(t)}\w*" if re.match(r"[a-z0-9]", t) else re.escape(t) for t in terms]
        concept_pattern = re.compile("|".join(alts + [f"(?:{p.pattern})" for p, _ in concept_res]))
    typos = {str(k).lower(): str(v).lower() for k, v in (data.get("typos") or {}).items()}
    return Lexicon(
        locale=locale,
        families=_Patterns(scans),
        actions=_Patterns(action_scans),
        scans=scans,
        action_scans=action_scans,
        reasons={k: str(v) for k, v in (data.get("reasons") or {}).items()},
        stopwords=frozenset(normalise_phrase(str(w)) for w in data.get("stopwords") or ()),
        concepts=concepts,
        concept_pattern=concept_pattern,
        concept_res=tuple(concept_res),
        typos=typos,
        numbers=numbers,
        concerns=frozenset(str(c) for c in data.get("concerns") or ()),
        concern_typos={**typos, **{str(k).lower(): str(v).lower() for k, v in (data.get("shorthand") or {}).items()}},
        raw=data,
    )


def builtin_families(locale: str) -> tuple[str, ...]:
    """The names of the locale's built-in phrase families, in file order (no regex compiled)."""
    return tuple(load_raw(locale).get("families") or ())


def check_extra(locale: str, extra: Mapping[str, Any] | None) -> None:
    """Raise LexiconError if trainer extras (the lexicon file format) do not compile over the
    locale's lexicon: the same data and the same message as get_lexicon(locale, extra), but only
    the families and actions the extras touch are compiled (a scenario loads in milliseconds)."""
    if not extra:
        return
    data = json.loads(json.dumps(dict(extra), sort_keys=True, ensure_ascii=False, default=str))
    build(merge(load_raw(locale), data), locale, only=data)


@lru_cache(maxsize=64)
def _cached(locale: str, extra_json: str) -> Lexicon:
    data: Mapping[str, Any] = load_raw(locale)
    if extra_json:
        data = merge(data, json.loads(extra_json))
    return build(data, locale)


def get_lexicon(
    locale: str,
    extra: Mapping[str, Any] | None = None,
    extra_actions: Mapping[str, Mapping[str, Any]] | None = None,
) -> Lexicon:
    """The locale's lexicon, with trainer extras and scenario action phrases merged in (cached)."""
    merged: dict[str, Any] = {}
    if extra:
        merged = merge(merged, dict(extra))
    if extra_actions:
        actions = {name: list(per_locale.get(locale) or ()) for name, per_locale in extra_actions.items()}
        actions = {k: v for k, v in actions.items() if v}
        if actions:
            merged = merge(merged, {"actions": actions})
    key = json.dumps(merged, sort_keys=True, ensure_ascii=False, default=str) if merged else ""
    return _cached(locale, key)
