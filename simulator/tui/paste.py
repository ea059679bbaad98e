"""A bracketed paste that carries escape codes (text copied from a coloured terminal or a log)
reaches the app as one paste.

Textual's input parser (8.2) does not keep an escape sequence inside a bracketed paste: the paste's
text stops at the ESC, and what follows is replayed as key presses, so a Tab in the pasted text
moves the focus, a backspace deletes, and the start of the paste lands after them, scrambled.
`guard_pastes()` wraps the parser's `feed` so that escape sequences between the paste markers
are removed (plaintext.strip_escapes) before the parser reads them; the paste's other control
characters then stay inside its text, and the reply box cleans that (widgets/reply_input.py).
tests/tui/test_trial_fixes.py feeds the pinned Textual's parser the trial's paste.
"""
from __future__ import annotations

from simulator.plaintext import strip_escapes

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
HOLD = 16  # an escape sequence cut between two reads is held back this far (SGR codes are shorter)


def _clean_paste(parser, data: str) -> str:
    """`data` as read, with escape sequences inside a bracketed paste removed. The state (inside
    a paste; text held back until the next read) is kept on the parser."""
    out: list[str] = []
    text = getattr(parser, "_mg_held", "") + data
    inside = getattr(parser, "_mg_in_paste", False)
    parser._mg_held = ""
    while text:
        if not inside:
            start = text.find(PASTE_START)
            if start < 0:
                out.append(text)  # never held back: a lone Esc key must reach the app at once
                break
            out.append(text[:start + len(PASTE_START)])
            text, inside = text[start + len(PASTE_START):], True
            continue
        end = text.find(PASTE_END)
        if end >= 0:
            out.append(strip_escapes(text[:end]) + PASTE_END)
            text, inside = text[end + len(PASTE_END):], False
            continue
        cut = text.rfind("\x1b")  # the end marker or an escape code may be cut by the read
        if cut >= 0 and len(text) - cut < HOLD:
            out.append(strip_escapes(text[:cut]))
            parser._mg_held = text[cut:]
        else:
            out.append(strip_escapes(text))
        break
    parser._mg_in_paste = inside
    return "".join(out)


def guard_pastes() -> None:
    """Install the wrapper on Textual's terminal input parser (once per process)."""
    from textual._xterm_parser import XTermParser

    if getattr(XTermParser.feed, "_mg_guarded", False):
        return
    feed = XTermParser.feed

    def guarded_feed(self, data: str):
        return feed(self, _clean_paste(self, data))

    guarded_feed._mg_guarded = True
    XTermParser.feed = guarded_feed
