"""Offers and declines: which policy actions the reply commits to or refuses, and how much.

An action phrase ("refund", "退款") becomes
- an offer when its clause has a first-person or done marker ("I'll", "I've", "给您", "已"),
- a decline when its clause carries a modal refusal ("can't", "没法", "退不了") or a rule
  that limits it ("we only credit outages over 14 days", "按规定只能退一个月"),
- nothing when it only restates the caller's wish ("you'd like a refund") or mentions it.
Refund sizes are parsed from the clause: months ("two months", "三个月", "半年"), money
("£6", "16块", "30.00", "forty dollars") converted to months with facts.monthly_fee, or "all
the charges" / "全额". Compensation sizes are the money in the clause ("a £10 credit").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from scoring.analysis import Analysis
from scoring.lexicon import ZH_NUMERALS
from scoring.numbers import parse_number
from scoring.types import Offer


@dataclass(frozen=True)
class ActionMention:
    action: str
    kind: str  # "offer" | "decline" | "mention"
    start: int  # normalised span of the action phrase
    end: int
    clause: tuple[int, int]


_NUM = rf"(\d+(?:\.\d+)?|[{ZH_NUMERALS}]+|[a-z]+)"
_EN_MONTHS = [
    (re.compile(rf"\b{_NUM}\s+of\s+the\s+{_NUM}\s+months?"), 1),  # "one of the three months" -> 1
    (re.compile(rf"\b(?:last|past|previous|first|latest|most\s+recent)\s+{_NUM}\s+months?\b"), 1),
    (re.compile(rf"\b{_NUM}\s+(?:full\s+|whole\s+|extra\s+|more\s+)?months?\b"), 1),
    (re.compile(r"\b(?:last|past|previous|latest|most\s+recent|this)\s+month(?:'?s)?\b"), None),
    (re.compile(r"\b(?:a|one|the)\s+(?:full\s+|whole\s+)?months?\b"), None),
    (re.compile(r"\bthis\s+months?\b"), None),
    (re.compile(r"\bhalf\s+a\s+year\b|\bsix\s+months\b"), 6.0),
    (re.compile(rf"\b{_NUM}\s+years?\b"), 12),
    (re.compile(r"\b(?:a|one|the\s+whole)\s+year\b"), 12.0),
]
_ZH_MONTHS = [
    # Only "N个月" counts months: "5月", "5月份", "4月、5月多收的" name calendar months (May), and
    # reading them as five months made an allowed two-month refund an overpromise.
    (re.compile(rf"(\d+|[{ZH_NUMERALS}]+)个月"), 1),
    (re.compile(r"(?:这|本|当|上|上一)个?月"), None),
    (re.compile(r"半年"), 6.0),
    (re.compile(rf"(\d+|[{ZH_NUMERALS}]+)年"), 12),
    (re.compile(r"一年|整年|全年"), 12.0),
]
_MONEY = re.compile(
    rf"[£$€¥₹]\s?(\d+(?:,\d{{3}})*(?:\.\d+)?)"
    rf"|(\d+(?:,\d{{3}})*(?:\.\d+)?|[{ZH_NUMERALS}]+|[a-z]+)\s?(?:元|块钱|块|pounds?|quid|dollars?|bucks|euros?|rupees?)"
    # A bare amount with pence or cents ("refund the full 30.00") is money; a time or a date is not.
    r"|(?<![\d.:/-])(\d+\.\d\d)(?![\d:]|\.\d)"
)


_MONEY_WORD = re.compile(r"款|费|钱|元|块|money|refund|back|credit|return|reimburs")


def _months(text: str, locale_words: dict[str, float]) -> float | None:
    is_zh = bool(re.search(r"[\u4e00-\u9fff]", text))
    for pattern, unit in (_ZH_MONTHS if is_zh else _EN_MONTHS) + (_EN_MONTHS if is_zh else []):
        m = pattern.search(text)
        if not m:
            continue
        if unit is None:
            return 1.0
        if not m.groups():
            return float(unit)
        value = parse_number(m.group(1), locale_words)
        if value is None:
            if m.group(1) in ("a", "an"):
                value = 1.0
            else:
                continue
        return value * unit
    return None


def _money(text: str, locale_words: dict[str, float], near: tuple[int, int] | None = None) -> float | None:
    """The first amount of `text`, or with `near` (a span of it) the one nearest that span: a
    clause that refunds £24 and adds a £20 credit names two amounts."""
    found = list(_MONEY.finditer(text))
    if near is not None:
        found.sort(key=lambda m: max(0, m.start() - near[1], near[0] - m.end()))
    # An amount with a currency or a unit first; a bare "30.00" only when there is none ("at 11.30").
    for m in [m for m in found if not m.group(3)] + [m for m in found if m.group(3)]:
        token = (m.group(1) or m.group(2) or m.group(3)).replace(",", "")
        value = parse_number(token, locale_words)
        if value is not None:  # "a few dollars" names no amount; look further
            return value
    return None


def classify_mentions(a: Analysis) -> list[ActionMention]:
    """Every action phrase in the reply, classified as offer, decline or mention."""
    spans: list[tuple[int, int, str]] = []
    for action, found in a.action_hits.items():
        spans.extend((s, e, action) for s, e in found)
    # Overlapping phrases: keep the longer ("cancel the late fee" is a fee waiver, not a cancel).
    spans.sort(key=lambda t: (t[0], -(t[1] - t[0])))
    kept: list[tuple[int, int, str]] = []
    for s, e, action in spans:
        if kept and s < kept[-1][1]:
            if (e - s) > (kept[-1][1] - kept[-1][0]):
                kept[-1] = (s, e, action)
            continue
        kept.append((s, e, action))
    out: list[ActionMention] = []
    text = a.text
    for s, e, action in kept:
        cs, ce = a.clause_of(s)
        # A phrase that runs past its clause's break ("这个是sp业务 我马上帮您退订") is done or refused in
        # the clause it ends in: who commits to it, or says it cannot be done, is read there too.
        ve = max(ce, a.clause_of(e - 1)[1])
        # The word right after the phrase counts too: "给您全额退|款" names money. An English phrase
        # that runs on past its clause's comma ("give you one month, 6.00, back") is read whole; a
        # Chinese one stays in its clause ("号已退，20元原路返": the 退 is the booking's, not money).
        end = max(e, min(ce, e + 2)) if a.lex.locale == "en" else min(ce, e + 2)
        money_named = _MONEY_WORD.search(text[s:end]) or a.any_in("all_charges", cs, ce)
        if action == "refund" and a.ctx.stage == "cancel" and not money_named:
            # In a cancel request a bare "退" / "给您退" means unsubscribe, not money back.
            action = "cancel"
        desire = [h for h in a.find_in("desire", cs, ce) if h[0] < s]
        # A negation the phrase opens with ("won't be charged the fee") is part of the action; one
        # that a phrase's gap ran over ("业务我们不能退订") is not.
        negated = any(not (hs >= s and he <= e) or hs > s for hs, he in a.find_in("negation", cs, ve))
        # "给您退" carries its own commitment, so markers inside the phrase count too.
        committed = bool(a.find_in("commitment", cs, ve))
        # "We only credit outages over 14 days" / "按规定只能退一个月": the rule limits the action.
        limited = bool(a.find_in("rule_limit", cs, ve))
        if negated or limited:
            kind = "decline"
        elif desire:
            kind = "mention"
        elif committed and not _conditional(a, s, e, cs):
            kind = "offer"
        else:
            kind = "mention"
        if kind == "decline" and limited and not negated and _followed_by_doing(a, ce):
            kind = "offer"  # "按规定只能退一个月，我现在给您申请": the allowed part, done now
        if kind == "mention" and not desire and _followed_by_doing(a, ce):
            kind = "offer"  # "只能退一个月，我现在给您申请" / "one month is possible, I'll process it now"
        if kind == "mention" and not desire and _led_in_by_doing(a, s):
            kind = "offer"  # "前两条我现在就办：……多收的40元全额退回" / "here's what I'll do: refund the £10"
        if kind == "offer" and action != "explain_charges" and _talked_about(a, s, e, cs, ce):
            kind = "mention"  # "赔偿这一条我跟您说明" / "let me explain how compensation works"
        if out and out[-1].action == action and out[-1].clause == (cs, ce) and out[-1].kind == kind:
            continue  # "转接值班主管": two phrases, one act
        out.append(ActionMention(action, kind, s, e, (cs, ce)))
    del text
    return out


# Where a condition's own clause gives way to the main clause when no comma marks it: the main
# clause's subject with its modal ("if you keep pushing for compensation I'll have to refer this",
# "once you hang up you'll get a full refund"), an "it's" that is not the condition's own subject
# ("if that's OK with you it's cancelled now", but "once it's cancelled"), or 就 ("如果您愿意今天就
# 全额退款给您").
_MAIN_CLAUSE = {
    "en": re.compile(r"\b(?:ill|youll|well|theyll|itll|(?:i|we|you|they|it) (?:will|can|could|would|shall))\b"),
    "zh": re.compile(r"就|那么"),
}


def _conditional(a: Analysis, s: int, e: int, cs: int) -> bool:
    """The action phrase sits inside a condition ("once it's cancelled, the charge stops", "when a
    last train is cancelled", "如果已经退订了，您会收到短信"; labelling.md: what an action does is a
    fact, not a promise), not in the main clause after it, and no first-person word in the
    condition makes it the agent's own act ("once I've cancelled it", "等到我帮您退订好了"). Only a
    committed phrase is judged: one the next clause does ("if you're happy with a one-month refund,
    I'll put it through", "只要您同意退一个月，我马上给您申请") is an offer all the same."""
    conditions = a.find_in("condition", cs, s)
    if not conditions:
        return False
    after = conditions[-1][1]
    if _MAIN_CLAUSE["zh" if a.lex.locale == "zh" else "en"].search(a.text, after, s):
        return False
    if a.lex.locale != "zh" and "its" in a.text[after:s].split()[1:]:
        return False
    return not a.any_in("first_person", after, e)  # the phrase's own "I'll call you" too


def _talked_about(a: Analysis, s: int, e: int, cs: int, ce: int) -> bool:
    """The clause talks about the action ("explain", "说明") rather than doing it."""
    return any(not (hs >= s and he <= e) for hs, he in a.find_in("talk_about", cs, ce))


# A lead-in that announces a list of things the agent will do: "I'll sort these now:" / "我现在就办：".
_LEAD_IN_STOP = re.compile(r"[.!?。\n]")


def _led_in_by_doing(a: Analysis, pos: int) -> bool:
    """An earlier clause ending in ':' commits to doing what follows (same paragraph, up to '.')."""
    text = a.text
    colon = text.rfind(":", 0, pos)
    if colon < 0 or _LEAD_IN_STOP.search(text, colon, pos):
        return False
    ls, le = a.clause_of(colon)
    return (a.any_in("do_it", ls, colon + 1) and a.any_in("commitment", ls, colon + 1)
            and not a.any_in("negation", ls, colon + 1))


def _followed_by_doing(a: Analysis, clause_end: int) -> bool:
    """The next clause of the same sentence commits to doing it, without naming an action."""
    k = a.clause_index(clause_end)
    if k < len(a.clauses) and a.clauses[k][0] < clause_end:
        k += 1
    if k >= len(a.clauses):
        return False
    ns, ne = a.clauses[k]
    if ns >= a.sentence_of(clause_end - 1)[1]:
        return False
    return a.any_in("do_it", ns, ne) and a.any_in("commitment", ns, ne) and not a.any_in("negation", ns, ne)


def size_compensation(a: Analysis, m: ActionMention) -> Offer:
    """The money of a compensation offer, from its clause or the next clause of its sentence."""
    words = dict(a.lex.numbers)
    cs, ce = m.clause
    amount = _money(a.text[cs:ce], words, near=(m.start - cs, m.end - cs))
    if amount is None:
        nxt = _next_clause(a, cs)
        amount = _money(a.text[nxt[0]:nxt[1]], words) if nxt else None
    s, e = a.span(m.start, m.end)
    return Offer(m.action, amount=amount, start=s, end=e)


def _next_clause(a: Analysis, cs: int) -> tuple[int, int] | None:
    """The clause after the one starting at cs, if it is in the same sentence and not negated."""
    k = a.clause_index(cs) + 1
    _, se = a.sentence_of(cs)
    if k < len(a.clauses) and a.clauses[k][0] < se:
        ns, ne = a.clauses[k]
        if not a.any_in("negation", ns, ne):
            return ns, ne
    return None


def _does_another_action(a: Analysis, start: int, end: int) -> bool:
    """Does the clause do another action than a refund ("that's £48 back on your card" does not)?"""
    actions = {action for action, found in a.action_hits.items() if any(start <= s < end for s, _ in found)}
    return bool(actions - {"refund"})


def size_refund(a: Analysis, m: ActionMention) -> Offer:
    """Parse the size of a refund offer from its clause (or the next clause of its sentence)."""
    words = dict(a.lex.numbers)
    cs, ce = m.clause
    chunk = a.text[cs:ce]
    months = _months(chunk, words)
    amount = _money(chunk, words, near=(m.start - cs, m.end - cs))  # not a credit's beside it
    all_charges = a.any_in("all_charges", cs, ce)
    if months is None and amount is None and not all_charges:
        # "I can refund two months, £7.98, ..." or "给您退，一共16块": look one clause ahead, unless
        # that clause does another action ("..., and I've passed the other four months to my
        # supervisor"): its numbers are that action's, not the refund's size.
        nxt = _next_clause(a, cs)
        if nxt and not _does_another_action(a, *nxt):
            months = _months(a.text[nxt[0]:nxt[1]], words)
            amount = _money(a.text[nxt[0]:nxt[1]], words)
    fee = _monthly_fee(a)
    if months is None and amount is not None and fee:
        months = round(amount / fee, 2)
    s, e = a.span(m.start, m.end)
    # "全额退回40元" is the whole of a stated amount, not "all the charges".
    return Offer("refund", months=months, amount=amount,
                 all_charges=all_charges and months is None and amount is None,
                 start=s, end=e)


def _fact_number(value) -> float | None:
    """A number from the screen's facts, written as one or as text ("6.00", "£6", "16元", "5")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        m = re.fullmatch(r"\s*[£$€¥₹]?\s*(\d+(?:,\d{3})*(?:\.\d+)?)\s*(?:元|块|个月|months?)?\s*", value)
        if m:
            return float(m.group(1).replace(",", ""))
    return None


def _fact(a: Analysis, *keys: str) -> float | None:
    facts = a.ctx.facts or {}
    for key in keys:
        value = _fact_number(facts.get(key))
        if value is not None and value > 0:
            return value
    return None


def _monthly_fee(a: Analysis) -> float | None:
    return _fact(a, "monthly_fee", "月费", "fee")


def months_billed(a: Analysis) -> float | None:
    return _fact(a, "months_billed", "months_charged")


def total_billed(a: Analysis) -> float | None:
    """All the charges in money: a stated total, else months billed times the monthly fee."""
    total = _fact(a, "total_charged", "total_billed", "total")
    if total is None and months_billed(a) and _monthly_fee(a):
        total = months_billed(a) * _monthly_fee(a)
    return total


def refund_amount(a: Analysis, offer: Offer) -> float | None:
    """The money a refund offer gives: its amount, its months at the monthly fee, or all the charges."""
    if offer.amount is not None:
        return offer.amount
    if offer.months is not None and _monthly_fee(a):
        return offer.months * _monthly_fee(a)
    if offer.all_charges:
        return total_billed(a)
    return None
