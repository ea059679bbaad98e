"""Structural landmine detectors: blame, jibes, contradiction and other moves found by sentence shape.

Phrase lists (scoring/lexicons/en.yaml, zh.yaml) catch the wordings someone has written down;
the shape rules catch new wordings of the same move from the shape of the sentence. The rules
are data, in scoring/lexicons/shapes.yaml: named `parts` (fault verbs, other parties, small
amounts...) composed into `rules` (accuse, retaliate, argue, deflect, dismiss, defy, threaten),
`guards` for their harmless look-alikes, and example sentences that a test checks
(docs/lexicons.md, "Shape rules"). This module is the engine: it loads and compiles the file
once, and applies each rule with its guards; the few checks that are code are in CONDITIONS.

All matching is on the normalised text (lowercase, no apostrophes: "didn't" is "didnt").
Raised voice (capitals, "!!!") is scoring/shouting.py's; policy offers are scoring/offers.py's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from re import _constants as sre_c, _parser as sre_parse
from pathlib import Path
from typing import Any, Callable, Mapping

import yaml

from scoring.analysis import Analysis
from scoring.lexicon import LEXICON_DIR, LexiconError, _dispatch, load_yaml
from scoring.normalise import normalise
from scoring.reflection import asks, presses_for_answer

SHAPES_FILE = LEXICON_DIR / "shapes.yaml"
# Where a guard looks, relative to a rule's hit: its sentence, the sentence before or after the
# words, the words themselves, the caller's last message, or the whole reply.
GUARD_ON = ("sentence", "before", "after", "match", "caller", "reply")
_PART_REF = re.compile(r"\{([a-z][a-z0-9_]*)\}")  # {en_fault}; regex counts such as {0,8} are not names


# ------------------------------------------------------------------ required words (speed only)
# Most rules cannot match most sentences, yet a regex that starts with a look-behind ("(?<![a-z])you
# ...") is tried at every position of the sentence. Every match of such a rule contains one of a
# few literal strings ("you", "so ", "because"...), worked out once from the parsed pattern; a
# sentence holding none of them is skipped without running the regex. Results are the same.

def _required(items) -> frozenset[str] | None:
    """Strings one of which every match of the parsed sequence `items` contains (None: none known)."""
    candidates: list[frozenset[str]] = []
    run = ""
    for op, av in list(items) + [(None, None)]:
        if op is sre_c.LITERAL:
            run += chr(av)
            continue
        if run:
            candidates.append(frozenset({run}))
            run = ""
        need = _required_one(op, av)
        if need:
            candidates.append(need)
    # the most selective: the longest shortest string, then the fewest strings
    return max(candidates, key=lambda c: (min(map(len, c)), -len(c)), default=None)


def _required_one(op, av) -> frozenset[str] | None:
    if op is sre_c.BRANCH:
        needs = [_required(branch) for branch in av[1]]
        return None if not all(needs) else frozenset().union(*needs)
    if op is sre_c.SUBPATTERN:
        return None if av[1] & re.IGNORECASE else _required(av[3])
    if op is sre_c.ATOMIC_GROUP:
        return _required(av)
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT):
        return _required(av[2]) if av[0] >= 1 else None
    if op is sre_c.IN and av and all(o is sre_c.LITERAL for o, _ in av):  # [.!?]: one of these characters
        return frozenset(chr(c) for _, c in av)
    return None  # look-arounds and anchors consume nothing; other classes name no literal


class _Quick:
    """A compiled pattern that skips the regex when the text holds none of its required strings.
    `fast()`, when given, makes the same pattern rewritten for speed (see _grouped), or None: it
    is made on first use (not at import: the app's first screen does not wait for it) and then
    runs in the written pattern's place. The required strings come from the pattern as written."""

    def __init__(self, pattern: re.Pattern[str], fast: Callable[[], re.Pattern[str] | None] | None = None):
        self.regex = pattern
        self._fast = fast
        self.pattern = pattern.pattern
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
        self.required = None if parsed.state.flags & re.IGNORECASE else _required(parsed)
        # a few strings: `in` each; more: one scan for all of them (measured faster either way),
        # grouped by first character (lexicon._dispatch) so each position tries one group
        many = self.required is not None and len(self.required) > 4
        strings = list(map(re.escape, sorted(self.required or ())))
        self.screen = re.compile(_dispatch(strings) or "|".join(strings)) if many else None

    def may_match(self, text: str) -> bool:
        """False when `text` holds none of the required strings (so no match)."""
        if self.screen is not None:
            return self.screen.search(text) is not None
        return self.required is None or any(map(text.__contains__, self.required))

    def _upgrade(self) -> re.Pattern[str]:
        fast, self._fast = self._fast, None
        self.regex = (fast and fast()) or self.regex
        return self.regex

    def search(self, text: str, *pos: int) -> re.Match[str] | None:
        if not self.may_match(text):
            return None
        return (self._upgrade() if self._fast else self.regex).search(text, *pos)

    def finditer(self, text: str, *pos: int):
        if not self.may_match(text):
            return iter(())
        return (self._upgrade() if self._fast else self.regex).finditer(text, *pos)


@dataclass(frozen=True)
class Shape:
    """One named rule (or guard) of shapes.yaml, compiled."""
    name: str
    pattern: _Quick  # search / finditer, as a compiled regex
    category: str = ""  # landmine category (rules only)
    reason: str = ""  # a `reasons:` key of the lexicon
    guards: tuple[str, ...] = ()  # guard or condition names that cancel a hit
    needs: tuple[str, ...] = ()  # guard or condition names that must hold for a hit
    examples: Mapping[str, Any] | None = None
    on: str = "sentence"  # guards only: the text a guard is searched in (GUARD_ON)


@dataclass(frozen=True)
class Found:
    """One structural hit: landmine category, span in the NORMALISED text, reason label, rule name."""
    category: str
    start: int
    end: int
    label: str  # a `reasons:` key of the lexicon
    rule: str = ""  # the shapes.yaml rule that found it


def compose(source: str, parts: Mapping[str, Any], where: str, _seen: tuple[str, ...] = ()) -> str:
    """`source` with every {part} replaced by its pattern: a list part becomes (?:a|b|c)."""
    def part(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in parts:
            raise LexiconError(f"{SHAPES_FILE.name}: {where}: unknown part {{{name}}}")
        if name in _seen:
            raise LexiconError(f"{SHAPES_FILE.name}: {where}: part {{{name}}} uses itself")
        value = parts[name]
        body = "(?:" + "|".join(map(str, value)) + ")" if isinstance(value, list) else str(value)
        return compose(body, parts, f"parts.{name}", _seen + (name,))
    return _PART_REF.sub(part, source)


def _grouped(alts: list[str], parts: Mapping[str, Any], where: str) -> re.Pattern[str] | None:
    """The rule's alternatives grouped by first character, as the lexicon's families are
    (lexicon._dispatch: the same matches, found without trying every alternative at every
    position; tests/scoring/test_lexicon_dispatch.py checks it on the cases); None where the
    rewrite changes nothing or does not apply (the pattern as written then runs). A pattern
    with capturing groups is left as written: spreading would renumber the groups code reads."""
    composed = [compose(p, parts, where) for p in alts]
    if re.compile("|".join(composed)).groups:
        return None
    grouped = _dispatch([f"(?:{p})" for p in composed])
    try:
        fast = re.compile(grouped) if grouped is not None else None
    except re.error:
        return None
    return fast if fast is not None and fast.pattern != "|".join(composed) else None


def load_shapes(path: Path = SHAPES_FILE) -> tuple[dict[str, Shape], dict[str, Shape], dict[str, str]]:
    """(rules, guards, conditions) of a shapes file, each pattern composed and compiled once."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise LexiconError(f"{path.name}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise LexiconError(f"{path.name}: must be a mapping of parts, rules, guards and conditions")
    parts = data.get("parts") or {}
    conditions = {str(k): str(v) for k, v in (data.get("conditions") or {}).items()}

    def build(section: str) -> dict[str, Shape]:
        out = {}
        for name, spec in (data.get(section) or {}).items():
            where = f"{section}.{name}"
            alts = spec.get("pattern") if isinstance(spec, dict) else None
            if not isinstance(alts, list) or not alts or not all(isinstance(p, str) and p for p in alts):
                raise LexiconError(f"{path.name}: {where}: `pattern` must be a list of non-empty strings")
            try:
                pattern = _Quick(re.compile(compose("|".join(alts), parts, where)), partial(_grouped, alts, parts, where))
            except re.error as exc:
                raise LexiconError(f"{path.name}: {where}: bad pattern ({exc})") from None
            on = str(spec.get("on", "sentence"))
            if on not in GUARD_ON:
                raise LexiconError(f"{path.name}: {where}: `on` must be one of {', '.join(GUARD_ON)}")
            out[name] = Shape(name, pattern, str(spec.get("category", "")), str(spec.get("reason", "")),
                              tuple(spec.get("guards") or ()), tuple(spec.get("needs") or ()), spec.get("examples"), on)
        return out

    rules, guards = build("rules"), build("guards")
    for rule in rules.values():
        for name in rule.guards + rule.needs:
            if name not in guards and name not in conditions:
                raise LexiconError(f"{path.name}: rules.{rule.name}: no guard or condition named {name!r}")
    return rules, guards, conditions


RULES, GUARDS, CONDITION_NOTES = load_shapes()


def _rule(name: str) -> Shape:
    """A rule this module has code for (missing from the file: one clear line, not a KeyError)."""
    if name not in RULES:
        raise LexiconError(f"{SHAPES_FILE.name}: rules.{name} is missing (scoring/structure.py applies it)")
    return RULES[name]


def _guard(name: str) -> _Quick:
    """The pattern of a guard this module has code for."""
    if name not in GUARDS:
        raise LexiconError(f"{SHAPES_FILE.name}: guards.{name} is missing (scoring/structure.py applies it)")
    return GUARDS[name].pattern


# The patterns the detectors below use, bound once (a hit loop runs per sentence).
_ACCUSE_EN, _ACCUSE_ZH = _rule("accuse_en"), _rule("accuse_zh")
_JIBES = (_rule("jibe_en"), _rule("jibe_zh"))
_CONTRADICT = (_rule("contradict_en"), _rule("contradict_zh"), _rule("date_correction_en"))
_FLAT_NO, _RECORDS_PROVE, _SCARE_QUOTES = _rule("flat_no_en"), _rule("records_prove_en"), _rule("scare_quotes")
_REASSURE_EN, _REASSURE_ZH = _guard("reassurance_en"), _guard("reassurance_zh")
_ASIDE_BEFORE = _guard("aside_before")
_QUOTE_REPORTED = _guard("quote_reported")
_RECORDS_CONCLUSION = _guard("records_conclusion")
_CALLER_DENIES = _guard("caller_denies")
_STEPS = (_guard("agent_step_en"), _guard("agent_step_zh"))
_DISMISS_ASIDE = _guard("dismiss_aside")
_CALLER_ESCALATES = _guard("caller_escalates")
_SIDES_WITH_CALLER = _guard("sides_with_caller")
_OFFER_IN_THREAT = _guard("offer_in_threat")
_CALLER_MENTIONS_RECORDING = _guard("caller_mentions_recording")
_CALLER_ASKS = _guard("caller_asks")

# The checks that are code, by the names shapes.yaml gives them (`conditions:`); a test keeps the two in step.
CONDITIONS = frozenset({
    "sentence_is_question", "zh_question_around",  # accuse (detect)
    "capitalised_name", "long_quote", "not_callers_words",  # scare quotes (_scare_quotes)
    "caller_asked",  # flat "No," (detect)
    "agent_step_anywhere", "agent_step_in_sentence", "agent_step_elsewhere",  # deflect, dismiss, defy
})

Hit = tuple[Shape, re.Match[str]]


def _first(rules: tuple[Shape, ...], sent: str) -> Hit | None:
    """The first rule, in order, whose pattern occurs in `sent`, with its match."""
    for rule in rules:
        m = rule.pattern.search(sent)
        if m:
            return rule, m
    return None


def _found(rule: Shape, at: int, start: int, end: int) -> Found:
    return Found(rule.category, at + start, at + end, rule.reason, rule.name)


def detect(a: Analysis) -> list[Found]:
    """All structural hits in the reply (normalised-text spans)."""
    found: list[Found] = []
    text = a.text
    customer = normalise(a.ctx.customer or "", a.lex.typos).text  # same form as the reply text
    asked: bool | None = None  # condition caller_asked: worked out only for a reply that opens with "No,"
    for s, e in a.sentences:
        sent = text[s:e]
        # accuse
        if not _REASSURE_EN.search(sent) and not _REASSURE_ZH.search(sent):
            question = "?" in sent  # condition sentence_is_question
            for m in _ACCUSE_EN.pattern.finditer(sent):
                if question or _ASIDE_BEFORE.search(sent[:m.start()]):
                    continue
                found.append(_found(_ACCUSE_EN, s, m.start(), m.end()))
                break
            for m in _ACCUSE_ZH.pattern.finditer(sent):
                if "吗" in sent[m.end():] or "有没有" in sent[max(0, m.start() - 2):m.end()]:
                    continue  # condition zh_question_around
                found.append(_found(_ACCUSE_ZH, s, m.start(), m.end()))
                break
        # retaliate (words)
        for rule in _JIBES:
            m = rule.pattern.search(sent)
            if m:
                found.append(_found(rule, s, m.start(), m.end()))
        # argue
        hit = _first(_CONTRADICT, sent)
        if not hit:
            hit = _first((_FLAT_NO,), sent)  # "No, you cancelled on day 16": only a claim, not a question, is contradicted
            if hit and asked is None:
                asked = asks(customer) or presses_for_answer(a)
            if asked:
                hit = None
        if hit:
            rule, m = hit
            found.append(_found(rule, s, m.start() + (len(m.group()) - len(m.group().lstrip(".!?, "))), m.end()))
        else:
            r = _RECORDS_PROVE.pattern.search(sent)
            if r and _CALLER_DENIES.search(customer) and _RECORDS_CONCLUSION.search(sent, r.end()):
                found.append(_found(_RECORDS_PROVE, s, r.start(), r.end()))
    found.extend(_scare_quotes(a, customer))
    found.extend(detect_moves(a))
    found.extend(detect_plain(a, _PLAIN, GUARDS, customer))
    return found


def _guard_fires(guard: Shape, sent: str, m: re.Match[str], customer: str, reply: str) -> bool:
    """Whether `guard` finds its words in the text its `on:` names, around the hit `m` in `sent`."""
    p = guard.pattern
    if guard.on == "sentence":
        return bool(p.search(sent))
    if guard.on == "before":
        return bool(p.search(sent[:m.start()]))
    if guard.on == "after":
        return bool(p.search(sent, m.end()))
    if guard.on == "match":
        return bool(p.search(m.group()))
    return bool(p.search(customer if guard.on == "caller" else reply))


def detect_plain(a: Analysis, rules: tuple[Shape, ...], guards: Mapping[str, Shape], customer: str) -> list[Found]:
    """Rules this module has no code for (a trainer's new rule in shapes.yaml): in each sentence,
    the first hit that none of the rule's guards cancels and all of its `needs` allow."""
    found: list[Found] = []
    for rule in rules:
        cancel = [guards[g] for g in rule.guards]
        needs = [guards[g] for g in rule.needs]
        for s, e in a.sentences:
            sent = a.text[s:e]
            for m in rule.pattern.finditer(sent):
                if any(_guard_fires(g, sent, m, customer, a.text) for g in cancel):
                    continue
                if all(_guard_fires(g, sent, m, customer, a.text) for g in needs):
                    found.append(_found(rule, s, m.start(), m.end()))
                    break
    return found


def _scare_quotes(a: Analysis, customer: str) -> list[Found]:
    """A lowercase phrase in quotes that repeats the caller's own words mocks them ("this 'little puppet'")."""
    out: list[Found] = []
    text = a.text
    for m in _SCARE_QUOTES.pattern.finditer(text):
        inner = m.group(1).strip()
        original = a.original(m.start(1), m.end(1))
        if not inner or original[:1].isupper() or len(inner.split()) > 4:
            continue  # conditions capitalised_name, long_quote: a product name ('Daily Stars') is quoted to name it
        if inner not in customer or _QUOTE_REPORTED.search(text[max(0, m.start() - 20):m.start()]):
            continue  # condition not_callers_words, guard quote_reported
        out.append(_found(_SCARE_QUOTES, 0, m.start(1) - 1, m.end(1) + 1))
    return out


# ======================================================================================
# deflect / dismiss / defy / threaten / argue (broadened): the same move in new wordings.
# Each move is a function over its rules and guards; `detect_moves` runs them sentence by sentence.

@dataclass
class _Reply:
    """What the move rules need to know about the whole reply, and where the current sentence starts."""
    steps: list[tuple[int, int]]  # spans where the agent commits to a step (guards agent_step_en/zh)
    sides_with_caller: bool
    at: int = 0


def _deflect(r: _Reply, sent: str, customer: str) -> Hit | None:
    """Pointing the caller at another party with no offer to take it up for them."""
    if r.steps:
        return None  # condition agent_step_anywhere: "the courier handles claims, I'll open one for you"
    return _first(_DEFLECT, sent)


def _dismiss(r: _Reply, sent: str, customer: str) -> Hit | None:
    """Minimising the caller's loss or feelings; reassurance after a done action is not dismissal."""
    hit = _first(_DISMISS, sent)
    if not hit or _DISMISS_ASIDE.search(sent[:hit[1].start()]):
        return None
    if any(p.search(sent) for p in _STEPS):
        return None  # condition agent_step_in_sentence: "it's only £4, and I've refunded it" reassures after acting
    return hit


def _defy(r: _Reply, sent: str, customer: str) -> Hit | None:
    """Refusing with nothing offered, daring the caller, or shrugging at their threat to escalate."""
    hit = _first(_DEFY, sent)
    if not hit and _CALLER_ESCALATES.search(customer):
        hit = _first((_DEFY_INDIFFERENT,), sent)
    if not hit:
        return None
    m = hit[1]
    if any(not (r.at + m.start() <= s < r.at + m.end()) for s, _ in r.steps):  # "nothing more we can do" is no offer
        return None  # condition agent_step_elsewhere: "nothing more I can do on the bill, but I'll log a complaint"
    return hit


def _threaten(r: _Reply, sent: str, customer: str) -> Hit | None:
    """A consequence aimed at the caller if they go on ("if you keep ..., we'll end the call")."""
    hit = _first(_THREATEN, sent)
    if not hit:
        return None
    if _OFFER_IN_THREAT.search(hit[1].group()):
        return None  # "要是您再收到，我们就帮您拉黑": an offer, not a threat
    if _CALLER_MENTIONS_RECORDING.search(customer):
        return None  # the caller asked about recording: telling them is information
    return hit


def _argue(r: _Reply, sent: str, customer: str) -> Hit | None:
    """Contradicting what the caller stated; not when the reply sides with them or answers a question."""
    if r.sides_with_caller or _CALLER_ASKS.search(customer):
        return None  # "that's not right, I'm sorry" agrees with the caller; a question has no account to contradict
    hit = _first(_ARGUE, sent)
    if hit and _ASIDE_BEFORE.search(sent[:hit[1].start()]):
        return None  # "if you're mistaken about the date, ..." is not a contradiction
    if not hit and _CALLER_DENIES.search(customer):
        hit = _first((_RECORDS_YOU_DID,), sent)
    return hit


_DEFLECT = (_rule("deflect_en"), _rule("deflect_zh"))
_DISMISS = (_rule("dismiss_en"), _rule("dismiss_zh"))
_DEFY = (_rule("defy_en"), _rule("defy_zh"))
_DEFY_INDIFFERENT = _rule("defy_indifferent_en")
_THREATEN = (_rule("threaten_en"), _rule("threaten_zh"))
_ARGUE = (_rule("argue_en"), _rule("argue_zh"))
_RECORDS_YOU_DID = _rule("records_you_did_en")

# The rules above have code; any other rule in shapes.yaml runs as a plain rule (detect_plain),
# so a trainer can add one in the data alone. A plain rule's guards must be patterns, not conditions.
CODED = frozenset(r.name for r in (_ACCUSE_EN, _ACCUSE_ZH, *_JIBES, *_CONTRADICT, _FLAT_NO, _RECORDS_PROVE,
                                   _SCARE_QUOTES, *_DEFLECT, *_DISMISS, *_DEFY, _DEFY_INDIFFERENT, *_THREATEN,
                                   *_ARGUE, _RECORDS_YOU_DID))


def plain_rules(rules: Mapping[str, Shape], guards: Mapping[str, Shape]) -> tuple[Shape, ...]:
    """The rules without code here, checked: their guards and needs must be patterns, not conditions."""
    plain = tuple(r for r in rules.values() if r.name not in CODED)
    for rule in plain:
        for name in rule.guards + rule.needs:
            if name not in guards:
                raise LexiconError(f"{SHAPES_FILE.name}: rules.{rule.name}: {name!r} is a condition written in code "
                                   f"for another rule; a new rule's guards must be patterns under `guards:`")
    return plain


_PLAIN = plain_rules(RULES, GUARDS)

# category -> move, in the order their hits are reported.
MOVES: dict[str, Callable[[_Reply, str, str], Hit | None]] = {
    "deflect": _deflect,
    "dismiss": _dismiss,
    "defy": _defy,
    "threaten": _threaten,
    "argue": _argue,
}


def detect_moves(a: Analysis) -> list[Found]:
    """Deflect, dismiss, defy, threaten and broader argue hits by sentence shape (normalised spans)."""
    customer = normalise(a.ctx.customer or "", a.lex.typos).text
    # Reply-wide facts found once (per-sentence searches of the whole reply would be quadratic).
    r = _Reply(steps=[m.span() for p in _STEPS for m in p.finditer(a.text)],
               sides_with_caller=bool(_SIDES_WITH_CALLER.search(a.text)))
    found: list[Found] = []
    for rule_fn in MOVES.values():
        for s, e in a.sentences:
            r.at = s
            hit = rule_fn(r, a.text[s:e], customer)
            if hit:
                rule, m = hit
                found.append(_found(rule, s, m.start(), m.end()))
    return found
