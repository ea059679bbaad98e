"""Line breaking for Chinese text that keeps what belongs together on one line.

Textual wraps at spaces and folds a longer run at the panel's edge, wherever that falls: in
Chinese (no spaces) that splits "11点40分" as "11点4 / 0分", and a trainee named "Ann Lee" loses
"Lee：" to the next line. `fold` breaks a line between Chinese characters instead, never inside
a number with its unit, a Latin word, a kept span (a speaker's name and its colon), before closing
punctuation (，。）) or after opening punctuation (（「“). Text with no wide characters is left to
Textual as before. Widths are terminal cells (rich.cells), never len().
"""
from __future__ import annotations

import re

from rich.cells import cell_len
from rich.text import Text

_WIDE = r"\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
_OPEN = "（「『“‘《〈【〔"
_CLOSE = "，。、；：！？）」』”’》〉】〕%％…·"
_ATOMS = re.compile(
    r"\n"                                                        # a line break
    r"|[^\S\n]+"                                                 # spaces: a place to break
    rf"|[{_OPEN}]*(?:[0-9０-９]+(?:[.,:：/／][0-9０-９]+)*[%％]?[{_WIDE}]?)+[{_CLOSE}]*"  # numbers and units: 11点40分
    rf"|[{_OPEN}]*[^\s{_WIDE}{_OPEN}]+[{_CLOSE}]*"               # a Latin word (as Textual keeps it)
    rf"|[{_OPEN}]*[{_WIDE}][{_CLOSE}]*"                          # one wide character
    r"|.", re.S)
HAS_WIDE = re.compile(f"[{_WIDE}]")


_ASCII_QUOTE_BY_WIDE = re.compile(rf'(?<=[{_WIDE}])"|"(?=[{_WIDE}])')


def _curled(plain: str) -> str:
    """`plain` with each ASCII double quote beside a Chinese character read as the opening or the
    closing quote it stands for ('取消了"来电提醒"（每月3元）'), so that the break rules hold for it
    too: a closing quote had started a line (trial 29). Its neighbours decide where they can (a
    space, a line's edge or punctuation on one side); between two characters, quotes alternate
    within the line. Same length: only for reading."""
    out, opening = list(plain), True
    beside_wide = {m.start() for m in _ASCII_QUOTE_BY_WIDE.finditer(plain)}
    for i in (i for i, ch in enumerate(plain) if ch == '"'):  # every quote counts in the turns
        before = plain[i - 1] if i else "\n"
        after = plain[i + 1] if i + 1 < len(plain) else "\n"
        if before.isdigit():  # 6" (inches, seconds): no quote at all; it stays with its number
            if i in beside_wide:
                out[i] = "”"
            continue
        if before.isspace() or before in _OPEN:
            is_open = True
        elif after.isspace() or after in _CLOSE:
            is_open = False
        else:
            is_open = opening
        if i in beside_wide:  # a quote between Latin words is left to the Latin-word rule
            out[i] = "“" if is_open else "”"
        opening = not is_open
    return "".join(out)


def fold(text: Text, width: int, *, keep: int = 0) -> Text:
    """`text` with line breaks put in so that no line is wider than `width` cells; the first
    `keep` characters (a speaker's label) are never split."""
    plain = text.plain
    if width <= 0 or not plain:
        return text
    read = _curled(plain) if '"' in plain else plain
    lines: list[tuple[int, int]] = []
    start = used = 0  # where the current line starts, and its width so far
    end = 0           # where it ends (trailing spaces left out)
    pos = 0
    while pos < len(plain):
        if pos < keep:
            match_end = keep
        else:
            match_end = _ATOMS.match(read, pos).end()
        atom = plain[pos:match_end]
        if atom == "\n":
            lines.append((start, end if used else pos))
            start = end = match_end
            used = 0
        elif atom.isspace():
            if used + cell_len(atom) > width:  # break here; the spaces go
                lines.append((start, end))
                start = end = match_end
                used = 0
            else:
                used += cell_len(atom)
        else:
            w = cell_len(atom)
            if used and used + w > width:
                lines.append((start, end))
                start, used = pos, 0
            if w > width:  # longer than a whole line: folded at the edge, as Textual would
                for i, ch in enumerate(atom):
                    cw = cell_len(ch)
                    if used and used + cw > width:
                        lines.append((start, pos + i))
                        start, used = pos + i, 0
                    used += cw
            else:
                used += w
            end = match_end
        pos = match_end
    lines.append((start, end if end > start else len(plain)))
    return Text("\n").join(text[a:b] for a, b in lines)


class Folded:
    """A Rich renderable: `text` folded to the width it is given (at measuring and at drawing)."""

    def __init__(self, text: Text, keep: int = 0) -> None:
        self.text = text
        self.keep = keep

    def __str__(self) -> str:  # the text, as str(Static.content) gives it for any other Text
        return self.text.plain

    def __rich_console__(self, console, options):
        yield fold(self.text, options.max_width, keep=self.keep)

    def __rich_measure__(self, console, options):
        return self.text.__rich_measure__(console, options)


def folded(text: Text, keep: int = 0) -> Text | Folded:
    """What a Static shows for `text`: folded by `fold` when it has wide characters, else as is."""
    return Folded(text, keep) if HAS_WIDE.search(text.plain) else text
