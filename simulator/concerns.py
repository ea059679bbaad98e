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
from scoring.normalise import normalise_phrase
from simulator.scenario import LADDER, Concern, Ending, EndingVariant, Scenario, StateVariant


def _fact_forms(value: Any) -> list[str]:
    """How a fact's value may be said: 6.0 also as 6 and 6.00; text as it is."""
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        forms = {f"{value:g}"}
        if isinstance(value, float):
            forms.add(f"{value:.2f}")
        return sorted(forms)
    return [str(value)]


def _says(plain: str, form: str, restated: list[tuple[int, int]]) -> bool:
    """Whether the reply says a fact's value `form` outside the caller's restated wishes; a number
    only as a whole number (40, not in 140 or 4.0). `plain` is the reply normalised once
    (normalise_phrase)."""
    form = normalise_phrase(form)
    if not form.strip():
        return False
    if re.fullmatch(r"\d+(\.\d+)?", form):
        found = re.finditer(rf"(?<![\d.]){re.escape(form)}(?![\d]|\.\d)", plain)
    else:
        found = re.finditer(re.escape(form), plain)
    return any(not _inside(m.start(), restated) for m in found)


def restated_wishes(plain: str, locale: str) -> list[tuple[int, int]]:
    """Where a normalised reply says back what the caller wants: from a wish phrase (the
    scorer's `desire` family: "you want", "您希望", "要求") to the end of its clause, or to the
    end of its sentence when the clause opens a list with a colon ("您的三个要求我记下了：第一…，
    第二退还多收的钱…"). Saying the caller's demand back is listening, not meeting it: a concern's
    phrase or fact there does not count (the scorer reads an offer there as a mention alike)."""
    from scoring.analysis import clauses, sentences
    from scoring.lexicon import get_lexicon

    wish = get_lexicon(locale).families.get("desire")
    if wish is None:
        return []
    out = []
    sents = sentences(plain)
    for s, e in ((m.start(), m.end()) for m in wish.finditer(plain) if m.end() > m.start()):
        sent = next(((a, b) for a, b in sents if a <= s < b), (s, len(plain)))
        end = next((b for a, b in clauses(plain, [sent]) if a <= s < b), sent[1])
        if plain[end:end + 1] in (":", "：") or plain[end - 1:end] in (":", "："):
            end = sent[1]
        out.append((s, end))
    return out


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
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

    extra = {"families": {_FAMILY: list(phrases)}}
    return build(merge(load_raw(locale), extra), locale, only=extra).families[_FAMILY]


def signs(concern: Concern, score: ReplyScore, reply: str, facts: dict[str, Any], plain: str | None = None,
          locale: str = "en") -> bool:
    """Whether one reply shows any of the concern's signs (the caller hears nothing past a landmine)."""
    if score.landmines:
        return False
    acts = set(score.acts)
    if acts & set(concern.acts):
        return True
    offered = {a.split(":", 1)[1] for a in acts if a.startswith("offer:")}
    if offered & set(concern.offers) and not (concern.within_caps and score.policy.level == 0):
        return True
    plain = normalise_phrase(reply) if plain is None else plain
    restated = restated_wishes(plain, locale) if concern.facts or concern.phrases else []
    for key in concern.facts:
        if key in facts and any(_says(plain, form, restated) for form in _fact_forms(facts[key])):
            return True
    pattern = phrase_pattern(locale, tuple(concern.phrases))
    return pattern is not None and any(not _inside(m.start(), restated) for m in pattern.finditer(plain))


def addressed(sc: Scenario, score: ReplyScore, reply: str, already: Iterable[str] = ()) -> list[str]:
    """The concerns this reply addresses that were not addressed before, in the scenario's order."""
    done = set(already)
    open_ = [(cid, c) for cid, c in sc.concerns.items() if cid not in done]
    if not open_:
        return []
    plain = normalise_phrase(reply)
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


def ending_variant(ending: Ending, done: Iterable[str]) -> EndingVariant | None:
    done = set(done)
    return next((v for v in ending.variants if holds(v.met, v.unmet, done)), None)


def ending_text(ending: Ending, done: Iterable[str], key: str) -> Any:
    """The ending's `say`, `title` or `debrief` for a call that addressed `done`."""
    variant = ending_variant(ending, done)
    value = getattr(variant, key) if variant is not None else None
    return value if value is not None else getattr(ending, key)
