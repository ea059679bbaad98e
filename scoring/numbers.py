"""Numbers in replies and customer lines: digits, English number words, Chinese numerals.

Used for two things: matching the caller's facts ("three months", "£4.50" -> 3, 4.5) when
judging whether the reply restates them, and sizing offers ("refund two months' fees").
"""
from __future__ import annotations

import re
from typing import Mapping

from scoring.lexicon import ZH_NUMERALS

_ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
# A Chinese numeral counts as a number only before a measure word: "一下", "一直" are not numbers.
_ZH_MEASURE = "个月天块元年次周礼拜小时分钟号日点遍回件只套兆倍期"
_ZH_NUM = re.compile(rf"[{ZH_NUMERALS}]+(?:点[{ZH_NUMERALS}]+)?(?=[{_ZH_MEASURE}])")
_DIGITS = re.compile(r"(?<![a-z0-9_.])\d+(?:,\d{3}(?!\d))*(?:\.\d+)?")  # a comma only groups thousands


def parse_zh(numeral: str) -> float | None:
    """Value of a Chinese numeral: 三, 十二, 两百, 一百五 (150), 一万二 (12,000), 一百零五 (105),
    三点五 (3.5), 一点五万 (15,000), 半 (0.5). None if it is not one."""
    if numeral == "半":
        return 0.5
    if "点" in numeral:
        whole, _, frac = numeral.partition("点")
        scale = 1
        if frac and frac[-1] in "万亿":
            scale, frac = (10_000 if frac[-1] == "万" else 100_000_000), frac[:-1]
        head = _zh_integer(whole) if whole else 0
        if head is None or not frac or any(ch not in _ZH_DIGITS for ch in frac):
            return None
        return (head + float("0." + "".join(str(_ZH_DIGITS[ch]) for ch in frac))) * scale
    value = _zh_integer(numeral)
    return None if value is None else float(value)


def _zh_integer(numeral: str) -> int | None:
    """Integer Chinese numerals, including the spoken short forms: a last digit straight after a
    unit means one unit lower (一百五 = 150, 两千三 = 2,300, 一万二 = 12,000), unless 零 stood
    between (一百零五 = 105)."""
    total, section, digit = 0, 0, None
    last_unit, zero = 0, False
    for ch in numeral:
        if ch in _ZH_DIGITS:
            if ch == "零":
                zero = True
                continue
            digit = _ZH_DIGITS[ch]
        elif ch in _ZH_UNITS:
            unit = _ZH_UNITS[ch]
            if unit == 10000:
                total = (total + section + (digit or 0)) * unit
                section, digit = 0, None
            else:
                section += (digit if digit is not None else 1) * unit
                digit = None
            last_unit, zero = unit, False
        else:
            return None
    if digit is not None and last_unit and not zero:
        digit *= last_unit // 10  # the spoken short form (see above); 十五 stays 15
    return total + section + (digit or 0)


def parse_number(token: str, words: Mapping[str, float]) -> float | None:
    token = token.strip()
    if not token:
        return None
    if token[0].isdigit():
        try:
            return float(token.replace(",", ""))
        except ValueError:
            return None
    if token in words:
        return words[token]
    if token[0] in ZH_NUMERALS:
        return parse_zh(token)
    return None


def find_numbers(text: str, words: Mapping[str, float]) -> list[tuple[float, int, int]]:
    """(value, start, end) of every number in normalised `text`."""
    out: list[tuple[float, int, int]] = []
    for m in _DIGITS.finditer(text):
        value = parse_number(m.group(), words)
        if value is not None:
            out.append((value, m.start(), m.end()))
    for m in _ZH_NUM.finditer(text):
        value = parse_zh(m.group())
        if value is not None:
            out.append((value, m.start(), m.end()))
    if words:
        for m in _word_regex(tuple(sorted(words, key=len, reverse=True))).finditer(text):
            out.append((words[m.group()], m.start(), m.end()))
    out.sort(key=lambda t: t[1])
    return out


_WORD_RE_CACHE: dict[tuple[str, ...], re.Pattern[str]] = {}


def _word_regex(words: tuple[str, ...]) -> re.Pattern[str]:
    pattern = _WORD_RE_CACHE.get(words)
    if pattern is None:
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")
        _WORD_RE_CACHE[words] = pattern
    return pattern
