"""Snapshot tests (pytest-textual-snapshot) of the start screen, a call in progress and a
debrief, at 80x24 and 120x40. Deterministic: fixed seed, frozen clock, no word-by-word
animation, no cursor blink, the drill scenarios and the stub scorer.
Update the baselines with: pytest tests/tui/test_snapshots.py --snapshot-update"""
from __future__ import annotations

import pytest

from simulator.tui.widgets.reply_input import ReplyInput

SIZES = [(80, 24), (120, 40)]


async def _call_in_progress(pilot) -> None:
    await pilot.pause()
    await pilot.press("down", "enter")  # drill-en
    await pilot.pause()
    pilot.app.screen.query_one(ReplyInput).value = "I understand, I am so sorry"
    await pilot.press("enter")
    await pilot.pause()


async def _debrief(pilot) -> None:
    await _call_in_progress(pilot)
    pilot.app.screen.query_one(ReplyInput).value = "This call is recorded"
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_start_screen(snap_compare, make, size):
    assert snap_compare(make(), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_call_in_progress(snap_compare, make, size):
    assert snap_compare(make(), terminal_size=size, run_before=_call_in_progress)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_debrief(snap_compare, make, size):
    assert snap_compare(make(), terminal_size=size, run_before=_debrief)
