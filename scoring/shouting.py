"""Raised voice in writing: capitals and runs of '!' (the one place the scorer decides it).

A reply shouts when it keeps it up, not for one word of emphasis: two or more capitalised words
of 4+ letters, three or more of 3+ letters, capitals together with "!!", "!!!", or a run of four
'!'/'?'. "You are VERY welcome" or a cheerful "Thanks!!" is not shouting. Acronyms and SMS
keywords ("STOP", "IPTV", "HELP") never count. Read on the ORIGINAL text (normalising lowercases it).
"""
from __future__ import annotations

import re

ACRONYMS = frozenset({
    "SMS", "PIN", "STOP", "TV", "IPTV", "APP", "PSMS", "VAS", "UK", "USA", "ID", "OK", "TD", "GPS", "FAQ", "PDF",
    "ATM", "CEO", "DD", "ASAP", "YES", "NO", "PSA", "BT", "EE", "VIP", "VOLTE", "HTML", "HTTP", "HTTPS", "WIFI",
    "GDPR", "USSD", "SIMS", "PINS", "NHS", "BACS", "CHAPS", "IBAN", "SWIFT", "IMEI", "MMS", "UTC", "AMEX", "VISA",
    "OFCOM", "FAQS", "ATMS", "ISBN", "NASA", "IKEA", "HSBC", "INFO", "HELP", "FREE", "UNSUB", "CANCEL", "END",
    "QUIT", "OPTOUT", "STOPALL", "COVID", "NOTE", "TXT"})
CAPS_WORD = re.compile(r"\b[A-Z][A-Z']{2,}\b")
_BANGS = re.compile(r"[!！]{2,}")
_LOUD_RUN = re.compile(r"[!！]{3,}|[!！?？]{4,}")


def capitalised_words(text: str) -> list[re.Match[str]]:
    """Words of 3+ capitals that are not acronyms."""
    return [m for m in CAPS_WORD.finditer(text) if m.group().replace("'", "") not in ACRONYMS]


def shouting(reply: str) -> list[tuple[int, int]]:
    """Spans of raised voice in `reply` (empty when it does not shout)."""
    caps = capitalised_words(reply)
    long_caps = [m for m in caps if len(m.group().replace("'", "")) >= 4]
    bangs = [m.span() for m in _BANGS.finditer(reply)]
    out = {m.span() for m in _LOUD_RUN.finditer(reply)}
    if len(long_caps) >= 2 or len(caps) >= 3 or (long_caps and bangs):
        out.update(m.span() for m in caps)
        out.update(bangs)
    return sorted(out)
