"""The caller's concerns: which ones a reply addresses, and the service level the concerns
addressed in a call earn (the ladder answer -> resolve -> complete -> extend, DOMAIN.md §6).

Plain data in, plain data out: the session asks `addressed` after scoring each reply and
`ladder_level` / `level_reached` when the call is summed up; the debrief asks `needed_for`.
"""
from __future__ import annotations

import functools
import re
from typing import Any, Iterable

from scoring import ReplyScore
from scoring.lexicon import get_lexicon
from scoring.normalise import normalise
from simulator.scenario import LADDER, Concern, Ending, EndingVariant, Scenario, StateVariant


def _fact_forms(value: Any) -> list[str]:
    """How a fact's value may be said: 6.0 also as 6 and 6.00; "1,203.50" also as 1203.50 and
    1203.5 (typed without the separator); other text as it is."""
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        forms = {f"{value:g}"}
        if isinstance(value, float):
            forms.add(f"{value:.2f}")
        return sorted(forms)
    text = str(value)
    if _GROUPED.fullmatch(text):
        bare = text.replace(",", "")
        short = bare.rstrip("0").rstrip(".") if "." in bare else bare  # by its digits, never rounded
        return sorted({text, bare, short})
    return [text]


_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")  # a number with thousands separators


def _says(reply: str, plain: str, form: str, locale: str = "en") -> bool:
    """Whether the reply says a fact's value `form`; a number only as a whole number (40, not in
    140 or 4.0). `plain` is the reply normalised once (_plain)."""
    if not form.strip():
        return False
    if re.fullmatch(r"\d+(\.\d+)?", form):
        return re.search(rf"(?<![\d.]){re.escape(form)}(?![\d]|\.\d)", reply) is not None
    return _plain(form, locale) in plain  # read as the reply is, shorthand spelt out ("ACC-1234")


# A wish said back is the caller's when it is said to them: "您的要求", "您要", "you want", "your
# request" — a 您/你/you before the wish in its clause, with no 我/I/we in between ("我想要先给您退",
# "我已经要求财务…" are the agent's own).
_YOURS = re.compile(r"(?:您|你|\byou)(?!.*(?:我|\bi\b|\bwe\b))", re.S)
# "…，这三个要求我都记下了" / "…, that's what you asked for": a wish that points back at the
# clauses before it.
_BACK = re.compile(r"(?:[这那以上][些几两三四个上]?.{0,3}|\b(?:thats|that is|this is|those are|these are|which is|all) what )$")
_COLON_OPENS = re.compile(r"[:：]\s*$")


@functools.lru_cache(maxsize=64)  # one reply is checked against each open concern: worked out once
def restated_wishes(plain: str, locale: str) -> tuple[tuple[int, int], ...]:
    """The clauses of a normalised reply that say back what the caller wants, without doing it.

    A wish clause holds a wish said to the caller (the scorer's `desire` family: "you want",
    "您希望", "您的要求"). It is restated, and so are the clauses of its sentence that list the
    wishes — after it when it ends with a colon ("您的三个要求我记下了：第一恢复套餐，第二退还多收的钱"),
    before it when it ends the sentence pointing back ("恢复套餐、退还多收的钱，这两个要求我记下了")
    — unless a clause holds the scorer's `commitment` (first person, or done: "我已经给您退还",
    "I've refunded it"). A concern's phrase in a restated clause is listening, not meeting it."""
    from scoring.analysis import clauses, sentences
    from scoring.lexicon import get_lexicon

    lex = get_lexicon(locale)
    wish, doing = lex.families.get("desire"), lex.families.get("commitment")
    if wish is None:
        return ()
    wishes = [m.span() for m in wish.finditer(plain) if m.end() > m.start()]
    if not wishes:
        return ()

    def done(span: tuple[int, int]) -> bool:
        return doing is not None and any(not any(ws <= m.start() < we for ws, we in wishes)
                                         for m in doing.finditer(plain, *span))

    out: set[tuple[int, int]] = set()
    for sent in sentences(plain):
        parts = clauses(plain, [sent])
        for i, (cs, ce) in enumerate(parts):
            said_to_them = [s for s, e in wishes if cs <= s < ce and _YOURS.search(plain[cs:e])]
            back = i == len(parts) - 1 and any(cs <= s < ce and _BACK.search(plain, cs, s) for s, _ in wishes)
            if said_to_them and not done((cs, ce)):
                out.add((cs, ce))
            if said_to_them and _COLON_OPENS.search(plain, cs, _colon_end(plain, ce)):
                out.update(c for c in parts[i + 1:] if not done(c))
            if back or (said_to_them and i == len(parts) - 1 and _BACK.search(plain, cs, said_to_them[0])):
                out.update(c for c in parts[:i] if not done(c))
    return tuple(sorted(out))


# The caller's own account said back as theirs, where a clause starts ("您说4月1日没经过您本人确认…",
# "you said nobody asked you"): taking it in, not conceding it. Not "您说得对", "您说得很对", "you're
# right", "as you said" or "就像您说的" (agreeing), nor "我帮您说明" (the agent explaining).
_REPORTED = {
    "zh": re.compile(r"\s*(?:(?:您|你)(?:刚才|是)?(?:说|讲|反映|提到)(?!明|[得的]?(?:很|真|太)?(?:对|没错|在理|有道理))"
                     r"|据您(?:说|讲))"),
    "en": re.compile(r"\s*(?:you(?: just)? (?:said|say|mentioned|told me)\b|you(?:re| are) saying\b)"),
}


@functools.lru_cache(maxsize=64)
def reported_claims(plain: str, locale: str) -> tuple[tuple[int, int], ...]:
    """The clauses of a normalised reply that open by saying the caller's own account back as
    theirs ("您说…", "you said…"), unless the clause also holds the scorer's `commitment` (the agent
    doing something: "you said it's wrong and I've refunded it"). A concern's phrase there is
    listening, not meeting it (trial 28: "您说4月1日没经过您本人确认" had ticked "admitted the plan was
    changed without him")."""
    from scoring.analysis import clauses, sentences
    from scoring.lexicon import get_lexicon

    pattern = _REPORTED.get(locale)
    if pattern is None:
        return ()
    doing = get_lexicon(locale).families.get("commitment")
    out = []
    for cs, ce in clauses(plain, sentences(plain)):
        m = pattern.match(plain, cs, ce)
        if m and not (doing is not None and any(mm.start() >= m.end() for mm in doing.finditer(plain, cs, ce))):
            out.append((cs, ce))
    return tuple(out)


# The agent turning the thing down, in the first person: "我没法帮您查", "我这边查不了", "I can't
# check", "I'm unable to". "您现在没办法还清" (the caller), "余额不够扣不了" (what happened) and "we were
# unable to take the payment" (an explanation) are not refusals.
_AGENT_REFUSAL = {
    "zh": re.compile(r"(?:我|我们|咱们|这边)[^，。！？；,.!?;\s]{0,4}?"
                     r"(?:没法|没办法|无法|不能|办不了|查不了|帮不了|给不了|做不到|管不了|弄不了|退不了)"),
    "en": re.compile(r"\b(?:i|we)(?: (?:really|just|simply|still|also|honestly|personally))? "
                     r"(?:cant|cannot|can not|wont be able to|will not be able to|am unable to|are unable to|"
                     r"am not able to|are not able to)\b(?! (?:see|find|spot|believe|imagine)\b)"
                     r"|\bim (?:unable|not able) to\b(?! (?:see|find|spot|believe|imagine)\b)"),
}
# Words that start another thought between a refusal and a phrase in one clause: "I can't refund it
# and you won't be charged again", "退款我办不了所以以后不会再扣了". (A space between Chinese words
# already ends the clause, as a comma does: scoring.analysis.clauses.)
_MOVES_ON = {
    "zh": re.compile(r"所以|因为|而且|并且|但是|不过|可是|然后|如果|要是|以后|另外|同时"),
    "en": re.compile(r"\b(?:and|so|because|as|but|since|while|though|although|if|then|which|or)\b"),
}


@functools.lru_cache(maxsize=64)
def refusals(plain: str, locale: str) -> tuple[tuple[int, int], ...]:
    """Where a normalised reply has the agent refuse ("其他的扣费项目我没法帮您查", "I can't check
    the other charges"): spans of _AGENT_REFUSAL. A concern's phrase is turned down by one in its
    clause with nothing between them that moves on to another thought (_MOVES_ON)."""
    pattern = _AGENT_REFUSAL.get(locale)
    return tuple(m.span() for m in pattern.finditer(plain)) if pattern else ()


def _turned_down(plain: str, locale: str, s: int, e: int, phrases: Iterable[str]) -> bool:
    """Whether a concern phrase found at plain[s:e] is refused rather than done: the agent refuses
    next to it in its clause (refusals), or a negation of the scorer's (`negation` family: "没办法",
    "can't") sits inside the match where no phrase of the concern asks for it ("(现在).{0,12}还(上|清)"
    over "现在没办法还清"; "不能再扣" written as a phrase keeps its own 不能)."""
    from scoring.analysis import clauses, sentences

    negation = get_lexicon(locale).families.get("negation")
    if negation is not None:
        for m in negation.finditer(plain, s, e):
            if m.end() > m.start() and not any(m.group() in p for p in phrases):
                return True
    found = refusals(plain, locale)
    if not found:
        return False
    cs, ce = next(((a, b) for a, b in clauses(plain, sentences(plain)) if a <= s < b), (s, e))
    moves_on = _MOVES_ON.get(locale, _MOVES_ON["en"])
    for rs, re_ in found:
        if not (cs <= rs < ce):
            continue
        gap = plain[re_:s] if re_ <= s else plain[e:rs] if rs >= e else ""
        if not moves_on.search(gap):
            return True
    return False


def _colon_end(plain: str, end: int) -> int:
    """The clause's end with the colon that closes it, unless that colon sits inside a time or a
    number ("10:30")."""
    if end < len(plain) and plain[end] in ":：" and not (plain[end - 1:end].isdigit() and plain[end + 1:end + 2].isdigit()):
        return end + 1
    return end


def _inside(pos: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


# The family name a concern's phrases are compiled under (in a lexicon of their own).
_FAMILY = "scenario_concern"


@functools.lru_cache(maxsize=1024)
def phrase_pattern(locale: str, phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    """A concern's phrases as one pattern over a normalised reply, in the scorer's phrase syntax
    (docs/lexicons.md): `block* (your|the) card` matches "blocking your card" and "blocked the
    card", `call* ... back` "call her straight back"; English phrases match whole words, Chinese
    ones anywhere. None for no phrases. Raises scoring.lexicon.LexiconError for a phrase that
    does not compile (lint reports it)."""
    if not phrases:
        return None
    from scoring.lexicon import build, load_raw, merge

    # The reply's shorthand is spelt out (_plain), so a phrase's is too: "cancel* the dd".
    table = get_lexicon(locale if locale in ("zh", "en") else "en").concern_typos
    spelt = [p if str(p).startswith("re:") else
             re.sub(r"[A-Za-z0-9]+", lambda m: table.get(m.group().lower(), m.group()), str(p)) for p in phrases]
    extra = {"families": {_FAMILY: spelt}}
    return build(merge(load_raw(locale), extra), locale, only=extra).families[_FAMILY]


def _plain(reply: str, locale: str) -> str:
    """The reply as the scorer reads it: normalised, with the locale's typos put right ("处里完" is
    "处理完") and its texting shorthand spelt out ("update ur dd on the new acct"), so neither a slip
    of the input method nor a trainee typing at speed hides an answer."""
    return normalise(reply, get_lexicon(locale if locale in ("zh", "en") else "en").concern_typos).text


def signs(concern: Concern, score: ReplyScore, reply: str, facts: dict[str, Any], plain: str | None = None,
          locale: str = "en", *, past_landmines: bool = False) -> bool:
    """Whether one reply shows any of the concern's signs (the caller hears nothing past a landmine;
    `past_landmines`: whether it would have, landmine or not, for the debrief to say so)."""
    if score.landmines and not past_landmines:
        return False
    acts = set(score.acts)
    if acts & set(concern.acts):
        return True
    offered = {a.split(":", 1)[1] for a in acts if a.startswith("offer:")}
    if offered & set(concern.offers) and not (concern.within_caps and _over_policy(score, concern, past_landmines)):
        return True
    plain = _plain(reply, locale) if plain is None else plain
    for key in concern.facts:
        if key in facts and any(_says(reply, plain, form, locale) for form in _fact_forms(facts[key])):
            return True
    pattern = phrase_pattern(locale, tuple(concern.phrases))
    if pattern is None:
        return False
    found = [m.span() for m in pattern.finditer(plain) if m.end() > m.start()]
    if not found:
        return False
    restated = restated_wishes(plain, locale) + reported_claims(plain, locale)
    return any(not _inside(s, restated) and not _turned_down(plain, locale, s, e, concern.phrases)
               for s, e in found)


def _over_policy(score: ReplyScore, concern: Concern, past_landmines: bool) -> bool:
    """Whether the concern's offer broke policy: any breach counts in the call; past a landmine
    (for the debrief), only an overpromise on that offer itself, not the landmine beside it."""
    if not past_landmines:
        return score.policy.level == 0
    spans = [(o.start, o.end) for o in score.offers if o.action in concern.offers]
    return any(h.category == "overpromise" and any(h.start < e and s < h.end for s, e in spans)
               for h in score.landmines)


def addressed(sc: Scenario, score: ReplyScore, reply: str, already: Iterable[str] = ()) -> list[str]:
    """The concerns this reply addresses that were not addressed before, in the scenario's order."""
    done = set(already)
    open_ = [(cid, c) for cid, c in sc.concerns.items() if cid not in done]
    if not open_:
        return []
    plain = _plain(reply, sc.locale)
    return [cid for cid, c in open_ if signs(c, score, reply, sc.facts, plain, sc.locale)]


def holds(met: Iterable[str], unmet: Iterable[str], done: Iterable[str]) -> bool:
    """A concern clause (`met` all addressed, `unmet` none addressed) against the concerns addressed."""
    done = set(done)
    return set(met) <= done and not (set(unmet) & done)


def ladder_level(sc: Scenario, done: Iterable[str]) -> int:
    """The highest step of the ladder the trainee climbed: every concern of that step and of the
    steps below it addressed (a step with no concern is passed over), except that the extend step
    takes any one of its extras; 0 when the first step is not reached."""
    done = set(done)
    reached = 0
    for level in sorted(set(LADDER.values())):
        here = {cid for cid, c in sc.concerns.items() if LADDER[c.level] == level}
        if not here:
            continue
        climbed = bool(here & done) if level == LADDER["extend"] else here <= done
        if not climbed:
            break
        reached = level
    return reached


def level_reached(sc: Scenario, ending: str, done: Iterable[str]) -> int:
    """The service level a call earned: from its concerns, never above what its ending allows; a
    scenario without concerns keeps the ending's fixed level."""
    cap = sc.endings[ending].service_level
    if not sc.concerns:
        return cap
    return min(cap, ladder_level(sc, done))


def needed_for(sc: Scenario, level: int, done: Iterable[str]) -> list[str]:
    """The concerns still open at or below `level`: what reaching it would have needed (for the
    extend step, its extras, any one of which would do)."""
    done = set(done)
    extend = LADDER["extend"]
    extras_met = any(cid in done for cid, c in sc.concerns.items() if LADDER[c.level] == extend)
    return [cid for cid, c in sc.concerns.items() if LADDER[c.level] <= level and cid not in done
            and not (LADDER[c.level] == extend and extras_met)]


def state_variant(variants: list[StateVariant], done: Iterable[str]) -> StateVariant | None:
    done = set(done)
    return next((v for v in variants if holds(v.met, v.unmet, done)), None)


def ending_variant(ending: Ending, done: Iterable[str], mood: float) -> EndingVariant | None:
    done = set(done)
    return next((v for v in ending.variants if holds(v.met, v.unmet, done)
                 and (v.mood_above is None or mood > v.mood_above)), None)


def ending_text(ending: Ending, done: Iterable[str], key: str, mood: float) -> Any:
    """The ending's `say`, `title` or `debrief` for a call that addressed `done` and left the caller
    at anger `mood`."""
    variant = ending_variant(ending, done, mood)
    value = getattr(variant, key) if variant is not None else None
    return value if value is not None else getattr(ending, key)
