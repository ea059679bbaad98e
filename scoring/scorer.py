"""score_reply: one trainee reply in its context -> ReplyScore (the contract in scoring.types).

Two readers, fused:
- the rules (`score_rules`): analyse (normalise, segment, lexicon hits) -> shared signals
  (acts, offers, reflection, questions, scripts) -> landmines and policy -> listening and
  empathy levels -> evidence. They own what rules do well: acts, offers and the policy
  arithmetic (allow / forbid / caps), and the phrase families trainers extend.
- the learned model (scoring/model.py), trained on the labelled corpus, reads the levels and
  the landmines; its stage 2 weighs the rules' verdicts against its own.
The model decides the levels and landmines; an over-cap or forbidden offer found by the
policy arithmetic is always a landmine. Evidence comes from the rules where they agree with
the decision, else from the phrases that drove the model. Pure and deterministic.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from scoring import empathy, landmines, listening, policy, rubric
from scoring.analysis import analyse
from scoring.lexicon import get_lexicon
from scoring.model import Reading, load_model
from scoring.normalise import normalise
from scoring.signals import Signals, compute
from scoring.types import Evidence, LandmineHit, ReplyContext, ReplyScore


def score_reply(reply: str, ctx: ReplyContext) -> ReplyScore:
    """Score one trainee reply for listening, empathy and policy (docs/scoring.md)."""
    rules = score_rules(reply, ctx)
    locale = _language_of(reply, ctx.locale)
    model = load_model(locale)
    if model is None or not (reply or "").strip():
        return rules
    reading = model.read(reply, ctx, rules)
    lex = get_lexicon(locale, ctx.lexicon_extra if locale == ctx.locale else None)
    lis = _level(reply, lex, "listening", reading, rules.listening)
    emp = _level(reply, lex, "empathy", reading, rules.empathy)
    if any(e.label == "repeat" for e in rules.listening.evidence):
        # An earlier agent line said again word for word, whole: the model reads this turn alone and
        # cannot see it (it had read a repeated "I'm so sorry about that." as listening 2). It is
        # listening 0, and its warmth, said before, is hollow: empathy at most 1 (DOMAIN.md).
        lis = rules.listening
        if emp.level == 2:
            emp = rubric.dimension(1, [Evidence(0, 0, "repeat", lex.reason("repeat"), "-")])
    cut_in = [e for e in rules.listening.evidence if e.label == "interrupted"]
    cap = listening.interruption_cap(ctx.stage)
    if cut_in and lis.level > cap:
        # Sent while the caller was still talking: the model reads the words, not when they came
        # (it had read listening 2 beside "you talked over the caller: listening marked down").
        kept = [e for e in lis.evidence if e.effect == "+"][:1] if cap else []
        lis = rubric.dimension(cap, kept + cut_in)
    trainer = {c for c, phrases in ((ctx.lexicon_extra or {}).get("families") or {}).items() if phrases}
    allowed = [] if "overpromise" in rules.landmine_categories else [
        o for o in rules.offers if ctx.policy.allows(o.action) or o.action in ctx.policy.extra_actions]
    mines = _landmines(reply, lex, reading, rules, trainer, allowed)
    if mines:
        pol_ev = [Evidence(m.start, m.end, m.category, m.reason, "-") for m in mines]
        policy = rubric.policy_dimension(0, pol_ev)
    else:
        pol_ev = [e for e in rules.policy.evidence if e.effect == "+"]
        policy = rubric.policy_dimension(1, pol_ev or [Evidence(0, 0, "policy_ok", lex.reason("policy_ok"), "+")])
    lis, emp = _pasted_cap(reply, lex, lis, emp)
    return ReplyScore(listening=lis, empathy=emp, policy=policy, acts=rules.acts, offers=rules.offers,
                      landmines=tuple(mines))


def _pasted_cap(reply: str, lex, *dims):
    """A reply that is mostly one sentence pasted over and over (an apology thirty times) is a
    formula, not a conversation with this caller: listening and empathy at most 1, whatever the
    single sentence would earn. The n-gram model cannot see it (its features are normalised so
    that saying more does not weigh more), and the rules count each copy once."""
    if all(d.level < 2 for d in dims):
        return dims
    originals = [x.strip(" ,;:-") for x in _SENTENCE_END.split(reply)]
    counts = Counter(t.lower() for t in originals if len(t) > 2)
    if sum(counts.values()) < 4:
        return dims
    top, n = counts.most_common(1)[0]
    if n < 3 or 2 * n < sum(counts.values()):
        return dims
    quoted = next(t for t in originals if t.lower() == top)
    capped = rubric.dimension(1, [Evidence(0, 0, "pasted", lex.reason("pasted", quoted, n=n), "-")])
    return tuple(capped if d.level == 2 else d for d in dims)


# Listening evidence that takes up what this caller said (listening.py): a restated detail, a reflection.
_CALLER_SPECIFICS = {"fact", "paraphrase", "paraphrase_frame"}
# ... and that answers what they asked or does what they wanted, without saying back their words
_ANSWERED = {"answer", "demand_met", "screen_fact"}


def _level(reply: str, lex, head: str, reading: Reading, rule_dim):
    """The model's level, with the rules' evidence when they agree, else the clause that drove it.
    A model's 1 below the rules' 2 keeps what the rules credited (it is there, and it is why the
    level is not 0), and its reason then says what else makes a 1 instead of "nothing specific".
    A level the rules agree with but gave no reason for gets the model's line: every level has one."""
    level = reading.level(head)
    if level == rule_dim.level and rule_dim.evidence:
        return rule_dim
    s, e = _trimmed(reply, reading.clause(head, reply))
    quoted = reply[s:e] if e > s else reply  # no one clause: the reply as a whole
    credited = [ev for ev in rule_dim.evidence if ev.effect == "+"] if level == 1 < rule_dim.level else []
    # "takes up the caller's details" only where the rules found some (a restated detail or
    # reflection); "a word for the caller's feelings that the rest does not carry" wherever they
    # credited any warmth: "nothing for how the caller feels" beside "+ named the feeling" is false
    labels = {ev.label for ev in credited}
    partial = _CALLER_SPECIFICS & labels if head == "listening" else credited
    # "takes up nothing specific the caller said" beside "+ answered what the caller asked" is false:
    # an answer, or a request met, is said so (trial 26)
    answered = head == "listening" and not partial and labels & _ANSWERED
    key = f"model_{head}_{level}" + ("_partial" if partial else "_answered" if answered else "")
    mine = Evidence(s, e, f"model_{head}", lex.reason(key, quoted), "+" if level == 2 else "-")
    if level == rule_dim.level:  # the rules agree but said nothing: the level still gets its reason
        return replace(rule_dim, evidence=(mine,))
    # the score inside the level's band stays the model's own: the rules' lines are shown, not counted again
    return replace(rubric.dimension(level, [mine]), evidence=rubric.dedupe(credited + [mine]))


_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_LATIN_CHAR = re.compile(r"[A-Za-z]")


def _language_of(reply: str, default: str) -> str:
    """The language the reply is written in (a Chinese reply in an English call is read by the
    Chinese model, and its reasons are in Chinese); mixed replies keep the call's language."""
    cjk, latin = len(_CJK_CHAR.findall(reply)), len(_LATIN_CHAR.findall(reply))
    if cjk > 2 * latin:
        return "zh"
    if latin > 4 * cjk:
        return "en"
    return default


_SENTENCE_END = re.compile(r"[.!?。！？\n]+(?:\s|$)|[。！？]")


def _same_sentence(reply: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Do two spans fall in one sentence of the reply?"""
    ends = [m.end() for m in _SENTENCE_END.finditer(reply)]
    def index(pos: int) -> int:
        return sum(1 for end in ends if end <= pos)
    return index(a[0]) == index(b[0]) or (a[0] < b[1] and b[0] < a[1])


def _sentence_around(reply: str, s: int, e: int) -> str:
    """The sentence(s) of the reply that hold the span s..e."""
    ends = [m.end() for m in _SENTENCE_END.finditer(reply)]
    start = max([x for x in ends if x <= s], default=0)
    end = min([x for x in ends if x >= e], default=len(reply))
    return reply[start:end]


def _trimmed(reply: str, span: tuple[int, int] | None) -> tuple[int, int]:
    if span is None:
        return 0, 0  # the reply as a whole
    s, e = span
    while s < e and reply[s].isspace():
        s += 1
    while e > s and reply[e - 1].isspace():
        e -= 1
    return s, e


def _landmines(reply: str, lex, reading: Reading, rules: ReplyScore, trainer_families: set[str],
               allowed_offers: list) -> list[LandmineHit]:
    """The model's categories (with the rules' span and reason when they found it too), plus any
    over-cap or forbidden offer the policy arithmetic found. The arithmetic also has the last
    word the other way: the model cannot call an offer the policy allows an overpromise when
    the clause it blames is in that offer's sentence ("I'll cancel it now, so you won't be
    charged again"); a promise in another sentence still counts."""
    by_rule: dict[str, list[LandmineHit]] = {}
    for h in rules.landmines:  # every hit of a category, each with its own reason: a forbidden gift
        by_rule.setdefault(h.category, []).append(h)  # and an over-cap refund are two things to fix
    cats = list(reading.categories)
    if "overpromise" in by_rule and rules.offers and "overpromise" not in cats:
        cats.append("overpromise")  # the arithmetic on a parsed offer is trusted over the model
    # A landmine phrase a trainer added for this scenario (its lexicon) is taken at its word.
    for cat in trainer_families:
        if cat in by_rule and cat not in cats:
            cats.append(cat)
    out = []
    for cat in cats:
        if cat in by_rule:
            out.extend(by_rule[cat])
            continue
        s, e = _trimmed(reply, reading.clause(cat, reply))
        quoted = reply[s:e] if e > s else reply  # no one clause: the reply as a whole
        if cat == "overpromise" and any(_same_sentence(reply, (s, e), (o.start, o.end)) for o in allowed_offers):
            continue  # the policy arithmetic has this offer, and what the sentence says of it, as allowed
        if cat in _NOT_IN_A_REPORT | _NOT_IN_A_STEP and _plain_report(
                lex, _sentence_around(reply, s, e) if e > s else reply, steps_only=cat not in _NOT_IN_A_REPORT):
            continue  # "The line dropped." says what happened; nothing in it for the landmine to rest on
        if cat == "retaliate" and _plain_offer(lex, reply, (s, e), allowed_offers):
            continue  # "And I'll book an engineer to come this week." does what the policy allows
        label = lex.reasons.get(f"mine_{cat}", cat)
        out.append(LandmineHit(cat, s, e, lex.reason("model_mine", quoted, category=label)))
    return sorted(out, key=lambda h: (h.start, h.category))


# Landmines a plain report of what happened to the call or a system cannot be by itself: it
# blames no one, disputes nothing the caller said, and hits back at nobody. (Passing the buck to
# "the system", a brush-off or a promise are other matters: those categories are not dropped.)
_NOT_IN_A_REPORT = frozenset({"accuse", "argue", "retaliate", "threaten"})
# Nor is a step of handling the call ("您稍等，我再看看") a refusal that leaves the caller nothing:
# it is the next step.
_NOT_IN_A_STEP = frozenset({"defy"})
_SECOND_PERSON = re.compile(r"\byou(?:r|rs|d|re|ve|ll)?\b|[您你]")
# Words that turn a procedure step into a rebuke ("hold on. stop shouting", "稍等，别嚷嚷").
_TALKS_BACK = re.compile(r"\b(?:stop|shout|shouting|yell|yelling|calm|rude|attitude|behave|listen)\b|别|不要|嚷|吵|喊|骂|冷静")


def _plain_offer(lex, reply: str, span: tuple[int, int], allowed_offers: list) -> bool:
    """Is the clause the model read as hitting back an offer the policy allows, said plainly: in
    a reply with no question, no emoji, no rebuke and nothing from the lexicon's jab families? The model has learned sarcastic compliance ("Fine, cancelled. Happy now?", "这下满意
    了吧？") and can take any short offer at the close for it; what makes an offer a jibe is in
    the words around it, and the lexicon knows those words."""
    if not allowed_offers:
        return False
    if span[1] <= span[0]:  # no one clause drove it: only a one-sentence reply can be the offer's
        span = (0, len(reply))
        if _sentence_around(reply, 0, 0).strip() != reply.strip():
            return False
    if not any(_same_sentence(reply, span, (o.start, o.end)) for o in allowed_offers):
        return False
    # The jibe may follow the offer ("Fine, I've cancelled it. Happy now?"): look at the whole reply.
    if re.search(r"[?？\U0001F000-\U0001FAFF\u2600-\u27BF]", reply):
        return False
    text = normalise(reply, lex.typos).text
    return not _TALKS_BACK.search(text) and not any(lex.has(f, text) for f in _JABS)


# Families that make an offer a jibe ("Cancelled. Happy now?") or a rebuke.
_JABS = ("sarcasm_cue", "sarcasm_soft", "rhetorical", "retaliate", "accuse", "argue", "threaten", "dismiss")


def _plain_report(lex, sentence: str, steps_only: bool = False) -> bool:
    """Is the sentence that drove a model-only landmine a neutral report of what happened to the
    call or a system (lexicon family `event_report`: "The line dropped.", "系统刚才卡住了")
    that says nothing about the caller ("nobody hung up on you, the line dropped" does)? The
    model reads short, flat replies to an upset caller as hostile (most are, in the corpus); a
    report like this is not, whatever its length. With steps_only, only a procedure step counts."""
    text = normalise(sentence, lex.typos).text
    if not steps_only and lex.has("event_report", text) and not _SECOND_PERSON.search(text):
        return True
    # A step of handling the call (lexicon family `procedure_step`: "I do need to put you on a
    # brief hold.", "请您稍等，我帮您查一下"): its "you" is who the step is for; anything else in
    # the sentence that speaks to the caller keeps the landmine ("hold on, stop shouting at me").
    steps = lex.find("procedure_step", text)
    if not steps:
        return False
    rest, last = [], 0
    for s, e in steps:
        rest.append(text[last:s])
        last = e
    rest.append(text[last:])
    return not _SECOND_PERSON.search(" ".join(rest)) and not _TALKS_BACK.search(" ".join(rest))


def score_rules(reply: str, ctx: ReplyContext) -> ReplyScore:
    """The phrase and structure rules alone (also the model's stage 2 input, and `eval --scorer rules`)."""
    a = analyse(reply or "", ctx)
    sig = compute(a)
    mines = landmines.detect(a, sig)
    checked = policy.check(a, sig)
    mines = _dedupe(mines + checked.mines)
    categories = {m.category for m in mines}

    lis_level, lis_ev = listening.score(a, sig, categories)
    emp_level, emp_ev = empathy.score(a, sig, categories)
    pol_level = 0 if mines else 1
    pol_ev = [Evidence(m.start, m.end, m.category, m.reason, "-") for m in mines]
    pol_ev += [e for e in checked.evidence if e.effect == "+"]
    if pol_level and not pol_ev:
        pol_ev.append(Evidence(0, 0, "policy_ok", a.lex.reason("policy_ok"), "+"))

    lis, emp = _pasted_cap(reply or "", a.lex, rubric.dimension(lis_level, lis_ev),
                           rubric.dimension(emp_level, emp_ev))
    return ReplyScore(
        listening=lis,
        empathy=emp,
        policy=rubric.policy_dimension(pol_level, pol_ev),
        acts=_acts(a, sig),
        offers=tuple(checked.offers),
        landmines=tuple(LandmineHit(m.category, m.start, m.end, m.reason) for m in mines),
    )


def _dedupe(mines: list[landmines.Mine]) -> list[landmines.Mine]:
    out: list[landmines.Mine] = []
    seen: set[tuple[str, int, int]] = set()
    for m in sorted(mines, key=lambda m: (m.start, m.category)):
        key = (m.category, m.start, m.end)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def _acts(a, sig: Signals) -> tuple[str, ...]:
    """The closed vocabulary of acts the engine's transitions read (types.ACTS)."""
    acts: list[str] = []
    hits = a.hits
    if hits.get("acknowledge") or hits.get("listen_invite"):
        acts.append("acknowledge")
    if listening.restates(a, sig):
        acts.append("paraphrase")
    if sig.questions_relevant or sig.questions_confirm:
        acts.append("question")
    if hits.get("validate") or hits.get("feeling") or hits.get("formula"):
        acts.append("empathize")
    if hits.get("apology") or hits.get("apology_sincere"):
        acts.append("apologize")
    if hits.get("explain") or hits.get("rule"):
        acts.append("explain")
    for m in sig.mentions:
        if m.kind in ("offer", "decline"):
            act = f"{m.kind}:{m.action}"
            if act not in acts:
                acts.append(act)
    if hits.get("proactive") or hits.get("complaint_log"):
        acts.append("proactive")
    if hits.get("close"):
        acts.append("close")
    return tuple(acts)
