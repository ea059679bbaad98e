"""The trainee's reply box: Enter sends; a paste arrives as plain text on one line; an oversized
paste is refused with a message; a reply cut at the cap by typing on is not sent by the Enter
that comes with the keys (a terminal without bracketed paste types a paste in, newlines too)."""
from __future__ import annotations

import time

from textual import events
from textual.message import Message
from textual.widgets import Input

from simulator.plaintext import plain


class ReplyInput(Input):
    """An Input capped at `max_length` that posts ReplySubmitted / ReplyRefused."""

    class ReplySubmitted(Message):
        """The trainee pressed Enter; `text` is what they typed (maybe empty)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class ReplyRefused(Message):
        """A paste longer than the cap was refused; `length` is its size in characters."""

        def __init__(self, length: int) -> None:
            super().__init__()
            self.length = length

    class ReplyCut(Message):
        """Enter came while keys past the cap were being dropped: the reply was not sent."""

    # An Enter this soon after a key the full box dropped belongs to the same burst of keys.
    CUT_GRACE = 1.0  # seconds
    clock = staticmethod(time.monotonic)
    _cut_at: float | None = None  # when the full box last dropped a key

    def restricted(self) -> None:
        """Input calls this when it refuses an edit; the only rule this box has is its length."""
        now, last = self.clock(), self._cut_at
        self._cut_at = now
        if last is None or now - last >= self.CUT_GRACE:
            # the terminal's bell, as for any refused key: once per burst (a paste typed in key by
            # key rang it for each of 98,000 dropped keys)
            super().restricted()

    def _watch_value(self, value: str) -> None:
        super()._watch_value(value)
        if self.max_length and len(value) < self.max_length:
            self._cut_at = None  # shortened: nothing is being cut any more

    def _on_paste(self, event: events.Paste) -> None:
        # Why: Input would silently drop an oversized paste (or keep only its first line);
        # a trainee should be told, and a 100 KB paste must not reach the engine at all.
        event.stop()
        event.prevent_default()
        # Escape codes and control characters are cleaned here, not only on send: a raw ESC or
        # backspace in the box throws its cursor off (typing then lands mid-reply, scrambled).
        text = plain(event.text, lines=False)
        if self.max_length and len(self.value) + len(text) > self.max_length:
            self.post_message(self.ReplyRefused(len(event.text)))
            return
        if text:
            self.insert_text_at_cursor(text)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._cut_at is not None and self.clock() - self._cut_at < self.CUT_GRACE:
            self._cut_at = self.clock()  # more of the same burst: still not sent
            self.post_message(self.ReplyCut())
            return
        self.post_message(self.ReplySubmitted(event.value))
