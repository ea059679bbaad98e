"""Signals shared by the three dimensions: acts, questions, reflection, scripts, lectures.

Computed once per reply from the `Analysis`; listening, empathy and policy then read them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from scoring.analysis import Analysis
from scoring.normalise import normalise
from scoring.offers import ActionMention, classify_mentions
from scoring.reflection import Reflection, reflect
from scoring.shouting import capitalised_words, shouting

_NON_CONTENT = re.compile(r"[\s\W_]+")
_CUSTOMER_QUESTION = re.compile(
    r"\?|吗|多少|怎么|为什么|为啥|哪|几点|什么时候|能不能|会不会|是不是|有没有|\b(why|how|what|when|where|who|which)\b")
_HOW_MUCH = re.compile(r"how much|多少|几个月|能退多少|退多少")
_MONEY_OR_MONTHS = re.compile(r"[£$€¥]\s?\d|\d\s?(?:元|块)|[一二两三四五六七八九十\d]+个?月|\bmonths?\b|块钱")
_EMPATHY_FAMILIES = ("validate", "feeling", "apology_sincere", "apology", "formula")


@dataclass
class Signals:
    stage: str
    mentions: list[ActionMention]
    reflection: Reflection
    questions_relevant: list[tuple[int, int]] = field(default_factory=list)
    questions_script: list[tuple[int, int]] = field(default_factory=list)
    questions_confirm: list[tuple[int, int]] = field(default_factory=list)
    questions_rhetorical: list[tuple[int, int]] = field(default_factory=list)  # jabs dressed as questions
    script_coverage: float = 0.0
    repeat: bool = False
    repeat_whole: bool = False  # the whole reply is an earlier agent line, word for word (not a piece of one)
    lecture: bool = False
    shouting: list[tuple[int, int]] = field(default_factory=list)
    customer_upset: bool = False
    customer_asked: bool = False
    customer_asked_amount: bool = False
    addresses_demand: bool = False
    answered: bool = False
    # how: "explain", "yes_no", "offer", "facts" (the caller's figures or the screen's), "terms" (only
    # the caller's own words taken up: an answer to the labellers, but not shown as "answered")
    answered_by: str | None = None
    specific_amount: bool = False
    parts_missed: list[str] = field(default_factory=list)  # parts of a two-part request left out
    content_chars: int = 0
    _offer_starts: list[int] | None = None

    def offered(self, action: str | None = None) -> bool:
        return any(m.kind == "offer" and (action is None or m.action == action) for m in self.mentions)

    def declined(self, action: str | None = None) -> bool:
        return any(m.kind == "decline" and (action is None or m.action == action) for m in self.mentions)

    @property
    def offers(self) -> list[ActionMention]:
        return [m for m in self.mentions if m.kind == "offer"]

    @property
    def offer_starts(self) -> list[int]:
        if self._offer_starts is None:
            self._offer_starts = sorted(m.start for m in self.mentions if m.kind == "offer")
        return self._offer_starts

    @property
    def declines(self) -> list[ActionMention]:
        return [m for m in self.mentions if m.kind == "decline"]


def _covered(spans: list[tuple[int, int]]) -> int:
    total, end = 0, -1
    for s, e in sorted(spans):
        if e <= end:
            continue
        total += e - max(s, end)
        end = e
    return total


# Words that make a sentence naming an account detail a request for it (a statement that names
# one, "I can confirm the date of birth matches", "您的卡号已经冻结了", asks for nothing).
_ASKS = re.compile(r"\b(?:please|pls|give me|tell me|read me|provide|what'?s|what is|(?:can|could|would|will) you|"
                   r"(?:can|could|may) i (?:have|take|get|grab)|need (?:your|you to)|(?:confirm|verify) your)\b|"
                   r"请|麻烦|提供一下|报一下|说一下|告诉我|发(?:一下|给我)|确认一下|核实一下|需要您")
_ASKS_FIRST = re.compile(r"\s*and your\b")  # "And your date of birth": asked, without the question mark


def _is_question(a: Analysis, s: int, e: int) -> bool:
    chunk = a.text[s:e].rstrip()
    return "?" in chunk or chunk.endswith(("吗", "呢")) or bool(re.search(r"(吗|呢)[,。]?$", chunk))


def _customer_upset(a: Analysis) -> bool:
    said = a.ctx.customer or ""
    if "!" in said or "！" in said or capitalised_words(said):
        return True
    norm = normalise(said).text
    return a.lex.has("customer_upset", norm)


def compute(a: Analysis) -> Signals:
    text = a.text
    stage = a.ctx.stage
    mentions = classify_mentions(a)
    sig = Signals(stage=stage, mentions=mentions, reflection=reflect(a))
    sig.content_chars = len(_NON_CONTENT.sub("", text))

    # The demand is read before the questions: a verification question counts when it serves it.
    customer_norm = normalise(a.ctx.customer or "").text
    sig.customer_asked_amount = bool(_HOW_MUCH.search(customer_norm))
    sig.specific_amount = bool(_MONEY_OR_MONTHS.search(text))
    sig.addresses_demand = _addresses(a, sig)
    _classify_questions(a, sig)

    canned = a.hits.get("script", []) + a.hits.get("close", []) + a.hits.get("upsell", []) + \
        a.hits.get("question_script", []) + [q for q in sig.questions_script]
    if not (stage in _DEMAND_STAGES and sig.addresses_demand):
        canned += a.hits.get("question_verify", [])  # an ID check that serves no request is script
    canned_chars = len(_NON_CONTENT.sub("", "".join(text[s:e] for s, e in merge_spans(canned))))
    sig.script_coverage = canned_chars / max(1, sig.content_chars)

    # An earlier agent line said again word for word is canned, whatever it says.
    mine = _NON_CONTENT.sub("", text)
    for turn in a.ctx.history:
        if turn.speaker == "agent" and mine and len(mine) >= 4:
            theirs = _NON_CONTENT.sub("", normalise(turn.text, a.lex.typos).text)
            if mine == theirs or (len(mine) >= 12 and mine in theirs):
                sig.repeat = True
                sig.repeat_whole = sig.repeat_whole or mine == theirs

    # Talking over a venting caller: rules, mechanisms and advice in two or more sentences of a
    # long reply (LABELING: "a long lecture on policy during venting" is 0, whatever it repeats).
    if stage == "venting":
        rule_sentences = sum(
            1 for s, e in a.sentences
            if a.any_in("rule", s, e) or a.any_in("explain", s, e) or a.any_in("proactive", s, e))
        long_reply = sig.content_chars >= (60 if _is_zh(text) else 160)
        # One sentence of rules is a lecture too when nothing in the reply turns to the caller.
        turned = any(a.hits.get(f) for f in ("validate", "feeling", "apology_sincere", "listen_invite"))
        sig.lecture = long_reply and (rule_sentences >= 2 or (bool(a.hits.get("rule")) and not turned))

    sig.shouting = shouting(a.reply)
    sig.customer_upset = _customer_upset(a)
    sig.customer_asked = bool(_CUSTOMER_QUESTION.search(customer_norm))
    sig.answered_by = _answered(a, sig)
    sig.answered = sig.answered_by is not None
    sig.parts_missed = _parts_missed(a, sig, customer_norm)
    return sig


# Families whose presence makes a question a jab, not a question: "Hardly worth it, is it?"
_JAB_FAMILIES = ("rhetorical", "retaliate", "accuse", "dismiss", "dismiss_soft", "sarcasm_soft", "sarcasm_cue",
                 "argue", "threaten")
_DEMAND_STAGES = ("cancel", "refund", "compensation")


def _script_question_about_the_caller(a: Analysis, s: int, e: int, said_back: list[tuple[int, int]]) -> bool:
    """A stock question ("anything else?") that goes on to name something the caller said ("…,
    your bus pass perhaps?") asks about this caller. Not an upsell or a closing line, nor a stock
    question that merely follows a detail said back ("联合会员权益以…为准，请问还有其他问题吗？")."""
    found = a.find_in("question_script", s, e)
    if not found or a.any_in("upsell", s, e):
        return False
    qs, after = found[0]
    if any(not (qs <= cs and ce <= after) for cs, ce in a.find_in("close", s, e)):
        return False  # a closing line of its own ("thanks for calling"), not the question's words
    return any(after <= us and ue <= e for us, ue in said_back)


def _classify_questions(a: Analysis, sig: Signals) -> None:
    """Sort the reply's questions (LABELING, listening 2: "a relevant open/clarifying question").

    - script: fits any call (upsell, "anything else?", ID checks that serve nothing), unless it
      takes up something the caller said ("anything else worrying you, your bus pass perhaps?");
    - confirm: "shall I go ahead?";
    - rhetorical: sarcastic or blaming ("it's never too late to start, is it?") - not listening;
    - relevant: everything else, including asking for the account or card number when the
      caller wants something done and the reply takes that request up (it is needed to act).
    """
    said_back = [span for span, _ in sig.reflection.units]  # the caller's own content in the reply
    for s, e in a.sentences:
        # "Please give me the card number" asks, too; "Thank you for the date of birth" and "您尾号
        # 3390的卡号已经冻结了" only name one
        verify = a.any_in("question_verify", s, e) and (
            _is_question(a, s, e) or bool(_ASKS.search(a.text, s, e)) or bool(_ASKS_FIRST.match(a.text, s)))
        if not (verify or _is_question(a, s, e)):
            continue
        if any(a.any_in(f, s, e) for f in _JAB_FAMILIES):
            sig.questions_rhetorical.append((s, e))
        elif verify:
            needed = sig.stage in _DEMAND_STAGES and sig.addresses_demand
            (sig.questions_relevant if needed else sig.questions_script).append((s, e))
        elif _script_question_about_the_caller(a, s, e, said_back):
            sig.questions_relevant.append((s, e))  # "Anything else worrying you, your bus pass perhaps?"
        elif a.any_in("question_script", s, e) or a.any_in("upsell", s, e) or a.any_in("close", s, e):
            sig.questions_script.append((s, e))
        elif a.any_in("question_confirm", s, e):
            sig.questions_confirm.append((s, e))
        else:
            sig.questions_relevant.append((s, e))


# An information question from the caller (not a rhetorical "凭什么" / "how dare you").
_INFO_QUESTION = re.compile(
    r"\b(why|how come|what (is|was|are|were) (this|that|these|those|the)|when (will|did|does|do|is|was)|"
    r"how much|how long|where (is|has|did))\b|为什么|为啥|怎么回事|怎么(会|就|又)|什么(钱|费|东西|业务)|"
    r"多少|哪来的|什么时候|会不会|有没有影响|能不能")
# Demand stages and inquiry: a caller can ask for two things in one breath.
_PART_STAGES = ("cancel", "refund", "compensation", "inquiry")


def _parts_missed(a: Analysis, sig: Signals, customer_norm: str) -> list[str]:
    """Parts of a two-part request the reply leaves out (LABELING: "ignores part of it").

    The parts are the policy actions the caller names (cancel, refund, compensation...) and
    an information question ("why was I charged?"). Only a caller with two or more parts
    can be half-answered; a reply that takes up none of them is judged elsewhere.
    """
    if sig.stage not in _PART_STAGES or not customer_norm:
        return []
    parts = [action for action, pattern in a.lex.actions.items()
             if action != "explain_charges" and _pending(pattern, customer_norm)]
    if sig.stage == "cancel" and "refund" in parts and "cancel" not in parts:
        parts.remove("refund")  # "给我退了" in a cancel request means unsubscribe (see offers.py)
    if _INFO_QUESTION.search(customer_norm):
        parts.append("question")
    if len(parts) < 2:
        return []
    mentioned = {m.action for m in sig.mentions}
    refused = bool(a.hits.get("generic_refusal"))
    answered = bool(a.hits.get("explain") or a.hits.get("rule") or "explain_charges" in mentioned
                    or sig.questions_relevant or a.hits.get("paraphrase_frame")
                    or (sig.customer_asked_amount and sig.specific_amount))
    missed = []
    for part in parts:
        if part == "question":
            done = answered
        else:
            done = part in mentioned or (refused and part in ("refund", "compensation"))
        if not done:
            missed.append(part)
    return missed if len(missed) < len(parts) else []


# The caller reports the action as done ("it's cancelled", "退订了是吧"): not a part still asked for.
_DONE_BEFORE = re.compile(r"(?:\b(?:its|it is|is|was|been|already|now)\s+)$|已经?$")
_CJK_IN = re.compile(r"[\u4e00-\u9fff]")
_DONE_AFTER = re.compile(r"^(?:了|过了|掉了|好了|成功)")
# ... or as not enough ("光退订不行", "a refund of the standing charge isn't enough"): the caller
# wants more than it, not it. Close by, in the same thought: not "a refund because sorry is not
# enough", "不退不行" (it must be done), "连退款都不行吗" (asked for).
_NOT_ENOUGH_AFTER = {
    "en": re.compile(r"(?:(?! because | or | and | but | so )[^,.!?;]){0,24}?\b(?:is ?nt|is not|was ?nt|was not) enough\b"),
    "zh": re.compile(r"[^，。！？；,.!?;不]{0,4}?(?:还?不(?:行|够)|没用)(?![吗吧呢?？])"),
}


def _pending(pattern: re.Pattern[str], customer: str) -> bool:
    """The caller still asks for this action (named, and not reported as already done)."""
    for m in pattern.finditer(customer):
        if _DONE_BEFORE.search(customer, max(0, m.start() - 12), m.start()):
            continue
        if _DONE_AFTER.match(customer[m.end():m.end() + 3]):
            continue
        if (_NOT_ENOUGH_AFTER["zh" if _CJK_IN.search(m.group()) else "en"].match(customer, m.end())
                and customer[m.start() - 1:m.start()] != "不"):  # "不退不行": it must be done
            continue
        return True
    return False


def _is_zh(text: str) -> bool:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") >= max(2, len(text) // 5)


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans as one, in order."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


_STAGE_ACTIONS = {
    "cancel": ("cancel", "fee_waiver"),
    "refund": ("refund", "fee_waiver", "compensation"),
    "compensation": ("compensation", "refund", "fee_waiver", "escalate", "callback"),
}


def _addresses(a: Analysis, sig: Signals) -> bool:
    """Does the reply respond to the stage's demand (do it, refuse it, or say how)?"""
    wanted = _STAGE_ACTIONS.get(sig.stage)
    if wanted is None:
        return True
    if any(m.action in wanted for m in sig.mentions):
        return True
    if a.hits.get("generic_refusal"):
        return True
    if sig.stage in ("refund", "compensation") and sig.specific_amount and (
            sig.offered() or sig.declined()):
        return True
    return False


_YES_NO_ASKED = re.compile(
    r"\b(will|would|is|are|can|could|does|do|did|has|have|should)\b[^.?!]*\?|会不会|是不是|能不能|有没有|可不可以|吗")
# A yes or a no, or a quantifier that says which ("Is anyone using it?" - "Nobody has used it since Tuesday.")
_YES_NO_REPLY = re.compile(r"(yes|no|yep|nope|nobody|no one|nothing|none|never|not yet|it will|it wont|it does|"
                           r"it doesnt|it can|it cant)\b|会的|不会|是的|可以|没有|没人|还没")


def _answered(a: Analysis, sig: Signals) -> str | None:
    """Did the reply answer the caller's question (inquiry and closing), and how (Signals.answered_by)?"""
    if a.hits.get("upsell") and not a.hits.get("explain"):
        return None
    if a.hits.get("explain"):
        return "explain"
    if _YES_NO_ASKED.search(normalise(a.ctx.customer or "").text) and _YES_NO_REPLY.match(a.text.strip()):
        return "yes_no"  # "Will it hurt my credit?" - "No, ..." is an answer
    if sig.stage == "inquiry" and sig.offers:
        return "offer"  # "yes, I can refund it" answers "can I get a refund?"
    refl = sig.reflection
    if refl.numbers or refl.score + refl.screen_score >= 2:
        # the caller's own terms, or the facts on screen: answering with the facts is answering
        if sig.script_coverage >= 0.5:
            return None
        return "facts" if refl.numbers or refl.screen_score else "terms"
    if sig.stage == "closing" and (a.hits.get("proactive") or sig.offers):
        return "offer"
    return None


def empathy_hits(a: Analysis) -> list[tuple[str, int, int]]:
    out = []
    for family in _EMPATHY_FAMILIES:
        out.extend((family, s, e) for s, e in a.hits.get(family, ()))
    return sorted(out, key=lambda t: t[1])
