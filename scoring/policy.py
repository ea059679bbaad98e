"""Policy adherence: offers checked against allow / forbid / caps; landmines break policy.

Level 1 (score 100) follows policy and the conduct code; level 0 (score 0) contains a
landmine, offers an action the case does not allow, or exceeds a cap (LABELING.md).
A forbidden or over-cap offer is itself an `overpromise` landmine.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from scoring.analysis import Analysis
from scoring.landmines import Mine
from scoring.offers import months_billed, refund_amount, size_compensation, size_refund
from scoring.signals import Signals
from scoring.types import ACTIONS, Evidence, Offer

# Explaining the charges is talk, not an action needing authority: only `forbid` stops it.
_UNCHECKED: set[str] = {"explain_charges"}


@dataclass
class PolicyResult:
    offers: list[Offer]
    mines: list[Mine]
    evidence: list[Evidence]


def check(a: Analysis, sig: Signals) -> PolicyResult:
    policy = a.ctx.policy
    known = set(ACTIONS) | set(policy.extra_actions)
    has_policy = bool(policy.allow or policy.forbid)
    offers: list[Offer] = []
    mines: list[Mine] = []
    evidence: list[Evidence] = []
    lex = a.lex
    seen: set[str] = set()
    for m in sig.offers:
        if m.action == "refund":
            offer = size_refund(a, m)
        elif m.action == "compensation":
            offer = size_compensation(a, m)
        else:
            s, e = a.span(m.start, m.end)
            offer = Offer(m.action, start=s, end=e)
        offers.append(offer)
        text = a.original(m.start, m.end)
        label = _action_label(m.action, a.ctx.locale, a.ctx.policy.extra_actions)
        if m.action in policy.forbid:
            problem = lex.reason("offer_forbidden", text, action=label)
        elif has_policy and m.action in known and m.action not in policy.allow and m.action not in _UNCHECKED:
            problem = lex.reason("offer_unauthorised", text, action=label)
        else:
            problem = _over_cap(a, offer, text)
        if problem:
            mines.append(Mine("overpromise", offer.start, offer.end, problem))
            evidence.append(Evidence(offer.start, offer.end, "overpromise", problem, "-"))
        elif m.action not in seen:
            evidence.append(Evidence(offer.start, offer.end, f"offer:{m.action}",
                                     lex.reason("offer_ok", text, action=label), "+"))
        seen.add(m.action)
    for m in sig.declines:
        if f"decline:{m.action}" in seen:
            continue
        seen.add(f"decline:{m.action}")
        s, e = a.span(m.start, m.end)
        evidence.append(Evidence(s, e, f"decline:{m.action}",
                                 lex.reason("decline_ok", a.original(m.start, m.end),
                                            action=_action_label(m.action, a.ctx.locale, a.ctx.policy.extra_actions)), "+"))
    return PolicyResult(offers, mines, evidence)


def _over_cap(a: Analysis, offer: Offer, text: str) -> str | None:
    """Why an offer breaks one of the policy's caps (months of fees, money), or None."""
    policy, lex = a.ctx.policy, a.lex
    if offer.action == "refund":
        cap = policy.refund_max_months
        if cap is not None and offer.months is not None and offer.months > cap + 1e-6:
            return lex.reason("over_cap", text, months=_fmt(offer.months), cap=_fmt(cap))
        if cap is not None and offer.months is None and offer.all_charges:
            billed = months_billed(a)
            if billed is None or billed > cap:
                return lex.reason("all_over_cap", text, cap=_fmt(cap))
        amount, cap = refund_amount(a, offer), policy.refund_max_amount
    elif offer.action == "compensation":
        amount, cap = offer.amount, policy.compensation_max_amount
    else:
        return None
    if cap is not None and amount is not None and amount > cap + 1e-6:
        return lex.reason("over_cap_amount", text, amount=_fmt(amount), cap=_fmt(cap))
    return None


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


_ZH_ACTION = {"cancel": "退订", "refund": "退费", "compensation": "赔偿", "fee_waiver": "减免费用",
              "explain_charges": "解释收费", "escalate": "升级处理", "callback": "回电"}
_EN_ACTION = {"cancel": "cancelling", "refund": "a refund", "compensation": "compensation",
              "fee_waiver": "waiving the fee", "explain_charges": "explaining the charges",
              "escalate": "escalating", "callback": "a callback"}


def _action_label(action: str, locale: str, extra: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """The action as the reason names it: a scenario's own action by its first plain phrase in
    the reply's language ("还款提醒", not "repayment reminder" in a Chinese reason)."""
    table = _ZH_ACTION if locale == "zh" else _EN_ACTION
    if action in table:
        return table[action]
    plain = [p for p in ((extra or {}).get(action, {}).get(locale) or ()) if not re.search(r"[()\[\]|.*?\\{}]", p)]
    return plain[0] if plain else action.replace("_", " ")
