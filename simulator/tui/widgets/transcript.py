"""The call transcript: one plain-text line per utterance, newest at the bottom."""
from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from simulator.tui.widgets.folded import folded

# Who said it -> style of the speaker's name.
SPEAKER_STYLES = {"customer": "bold #ff8a65", "agent": "bold #4fc3f7", "note": "italic #9e9e9e",
                  "hint": "bold #ffd54f", "system": "bold #ce93d8"}


def said_by(name: str, tr) -> str:
    """The label before what `name` said, in the UI's language ("Rex: ", "王先生：")."""
    return tr("app.label", name=name) if name else ""


def utterance(who: str, label: str, body: Text | str, *, dim_tail: str = "") -> Text:
    """`label` (from said_by) then `body`, as a Text; `body` is never parsed as markup. `dim_tail`
    is the unheard rest of a line the trainee cut off."""
    text = Text()
    if label:
        text.append(label, style=SPEAKER_STYLES.get(who, "bold"))
    text.append_text(body if isinstance(body, Text) else Text(body))
    if dim_tail:
        text.append(dim_tail, style="dim italic")
    return text


def label_end(content: Text) -> int:
    """Where the speaker's label (utterance's first span, ending in its colon) ends; 0 if none."""
    if content.spans and content.spans[0].start == 0:
        end = content.spans[0].end
        if content.plain[:end].rstrip().endswith((":", "：")):
            return end
    return 0


class TranscriptLine(Static):
    """One utterance. `who` is customer, agent, note, hint or system (it picks the CSS class).
    Chinese lines are folded by `folded`: the speaker's name is never split over two lines."""

    def __init__(self, who: str, content: Text) -> None:
        super().__init__(folded(content, label_end(content)), classes=f"line -{who}")
        self.who = who

    def show(self, content: Text) -> None:
        self.update(folded(content, label_end(content)))


class Transcript(VerticalScroll):
    """The scrolling transcript; the screen adds lines and updates the one being spoken.

    Once the lines outgrow the box it is anchored to its end: the newest line stays in view in
    full, also while the caller's line grows word by word and wraps onto more rows, until the
    trainee scrolls up to reread (scrolling back to the end anchors it again). Until then the
    lines simply start at the top."""

    can_focus = False  # the reply box keeps the focus during a call

    def add_line(self, who: str, content: Text) -> TranscriptLine:
        line = TranscriptLine(who, content)
        self.mount(line)
        self.call_after_refresh(self._keep_newest_in_view)
        return line

    def update_line(self, line: TranscriptLine, content: Text) -> None:
        """Change a line already shown (the one being spoken), keeping its end in view."""
        line.show(content)
        self.call_after_refresh(self._keep_newest_in_view)

    def on_resize(self) -> None:
        # a narrower box (the brief panel opened, the score card shown) wraps lines onto more rows
        self.call_after_refresh(self._keep_newest_in_view)

    def _keep_newest_in_view(self) -> None:
        # Anchoring a transcript shorter than its box would push its lines to the bottom.
        if not self.is_anchored and self.max_scroll_y > 0:
            self.anchor()
