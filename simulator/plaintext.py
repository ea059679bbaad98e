"""The one sanitiser for text that comes from people: trainee names, cohorts, replies, scenario
files, and anything read back from a store that an older version may have written raw.

Terminal escape sequences (CSI, OSC, DCS and friends), C0/C1 control characters and the Unicode
bidi controls that can make text display in another order than it is stored (U+202A-U+202E,
U+2066-U+2069, and the marks U+200E/U+200F/U+061C) are removed, so the text is safe to show in
a terminal, a CSV cell, a Markdown or HTML file and an LMS. Tabs become spaces; line breaks are
kept as "\\n" where the text may have lines (a reply, a caller line) and folded into a space
where it may not (a name). Nothing else changes: Chinese, emoji and accents pass untouched.
"""
from __future__ import annotations

import re
from typing import Any

# ESC [ ... final | ESC ] ... (BEL or ESC \) | ESC P/X/^/_ ... ESC \ | any other ESC + one char;
# plus the 8-bit forms (CSI U+009B, OSC U+009D, ...), which terminals also obey.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
_LINE_BREAKS = re.compile(r"\r\n|[\r\v\f\x85\u2028\u2029]")
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# What plain() would change, in one search: _UNSAFE already holds ESC and every line break but
# U+2028 and U+2029 (lint asks this of every string of every scenario file).
_NOT_PLAIN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def strip_escapes(text: str) -> str:
    """`text` without terminal escape sequences (the first step of plain(); the app's input uses
    it alone on a bracketed paste before Textual parses it: simulator/tui/paste.py)."""
    return _ESCAPES.sub("", text)


def plain(text: str, *, lines: bool = True) -> str:
    """`text` with escape sequences, control characters and bidi controls removed.

    lines=True keeps line breaks (all kinds become "\\n"); lines=False folds every run of
    whitespace into one space, for one-line values such as names. Leading and trailing
    whitespace is dropped."""
    text = strip_escapes(text)
    text = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
    text = _UNSAFE.sub("", text)
    if not lines:
        return " ".join(text.split())
    return text.strip()


def is_plain(text: str) -> bool:
    """True when plain() would change nothing but surrounding whitespace (used by lint)."""
    return _NOT_PLAIN.search(text) is None


def plain_data(value: Any) -> Any:
    """plain() applied to every string inside dicts and lists (stored turn details)."""
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, dict):
        return {k: plain_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_data(v) for v in value]
    return value
