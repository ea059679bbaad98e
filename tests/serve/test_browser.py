"""The app in a real headless Chromium through `mystery-guest serve`: the first screen drawn in
the page's terminal, then a call started by key presses. Both screenshots are kept in the test's
folder, and copied to $MYSTERY_GUEST_SCREENSHOTS when that names a folder (to look at them)."""
from __future__ import annotations

import os
import shutil
import struct
from pathlib import Path

import pytest

from tests.serve.chromium import Chromium, find_browser
from tests.serve.conftest import DRILLS

BROWSER = find_browser()
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no Chromium on this machine (Debian: apt-get install chromium; .ci/run installs it)")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def keep(path: Path) -> None:
    folder = os.environ.get("MYSTERY_GUEST_SCREENSHOTS")
    if folder:
        shutil.copy(path, Path(folder) / f"serve-{path.name}")


async def test_browser_shows_the_first_screen_then_a_call_started_by_keys(serve, tmp_path):
    # One scenario file, served as `serve -- play FILE` (the picker then has one row to start).
    served = serve("--lang", "en", "--", "play", str(DRILLS / "drill-en.yaml"))
    async with Chromium(BROWSER) as browser:
        await browser.goto(served.url)
        await browser.wait_for_text("Your name")  # the welcome screen, sent to the page's terminal
        await browser.wait_until("document.body.classList.contains('-first-byte')")  # and drawn
        await browser.click(20, 20)  # into the terminal (an empty corner of the welcome screen), as a person would
        await browser.wait_until("document.activeElement.classList.contains('xterm-helper-textarea')")
        await browser.drawn()
        first = await browser.screenshot(tmp_path / "first-screen.png")
        assert png_size(first) == (1280, 800)
        keep(tmp_path / "first-screen.png")

        # The trainee's name and cohort, then Enter on the picker's one scenario.
        for text in ("Li Na", "B2"):
            seen = len(browser.received())
            await browser.type(text)
            await browser.wait_for_text(text, since=seen)  # shown in its box before Enter, as a person waits
            seen = len(browser.received())
            await browser.press("Enter")
            await browser.settled(seen)  # the next box (or screen) has focus
        await browser.wait_for_text("Drill: the unwanted texts")
        seen = len(browser.received())
        await browser.press("Enter")
        await browser.wait_for_text("Rex Moody", since=seen)  # the caller, on the call screen
        await browser.wait_for_text("your turn", since=seen)  # the caller's first line said
        await browser.drawn()
        call = await browser.screenshot(tmp_path / "live-call.png")
        assert png_size(call) == (1280, 800) and call != first
        keep(tmp_path / "live-call.png")

        # A reply, scored on the page like in a terminal.
        seen = len(browser.received())
        await browser.type("I understand, I am sorry about this")
        await browser.wait_for_text("sorry about this", since=seen)
        await browser.press("Enter")
        await browser.wait_for_text("Empathy", since=seen)  # the reply's score card
        await browser.drawn()
        await browser.screenshot(tmp_path / "scored-reply.png")
        keep(tmp_path / "scored-reply.png")
    served.wait_for_apps(0)  # the tab's app process ends with the browser


async def test_browser_on_an_exposed_server_needs_the_token_and_then_carries_it(serve):
    served = serve("--host", "0.0.0.0", "--lang", "en")
    async with Chromium(BROWSER) as browser:
        await browser.goto(served.local + "/")
        await browser.wait_until("document.body && document.body.innerText.includes('access token')")
        # With the token once in the address, the page's script and websocket get in by its cookie.
        await browser.goto(f"{served.local}/?token={served.token}")
        await browser.wait_for_text("Your name")
    served.wait_for_apps(0)
