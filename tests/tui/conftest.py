"""Fixtures for the app's Pilot and snapshot tests: a frozen clock, a fixed seed, no animation,
no cursor blink, a settings folder in tmp, the drill scenarios and a keyword stub scorer (so
these tests do not move when the real scorer is retuned)."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from scoring.types import DimensionScore, Evidence, LandmineHit, ReplyContext, ReplyScore
from simulator.settings import ManualClock, Settings
from simulator.tui.app import make_app

HERE = Path(__file__).parent
DRILLS = HERE / "scenarios"


def stub_scorer(reply: str, ctx: ReplyContext) -> ReplyScore:
    """Keyword scoring: understand/明白 -> listening, sorry/抱歉 -> empathy, cancel/退订 -> offer,
    recorded/录音 -> threaten landmine; talking over the caller drops listening to 0."""
    low = reply.lower()
    acts: list[str] = []
    listening: list[Evidence] = []
    empathy: list[Evidence] = []
    mines: list[LandmineHit] = []
    for word in ("understand", "明白"):
        if (i := low.find(word)) >= 0:
            acts.append("acknowledge")
            listening.append(Evidence(i, i + len(word), "acknowledge", "acknowledged the caller"))
    for word in ("sorry", "抱歉"):
        if (i := low.find(word)) >= 0:
            acts.append("apologize")
            empathy.append(Evidence(i, i + len(word), "apologize", "apologised for the trouble"))
    for word in ("cancel", "退订"):
        if (i := low.find(word)) >= 0:
            acts.append("offer:cancel")
    for word in ("recorded", "录音"):
        if (i := low.find(word)) >= 0:
            mines.append(LandmineHit("threaten", i, i + len(word), "the recording used as a warning"))
    lis = 2 if listening else 0
    if ctx.interrupted:
        lis = 0
        listening.append(Evidence(0, 0, "interrupted", "talked over the caller", "-"))
    emp = 2 if empathy else 0
    pol = 0 if mines else 1
    return ReplyScore(
        listening=DimensionScore(lis * 50, lis, tuple(listening)),
        empathy=DimensionScore(emp * 50, emp, tuple(empathy)),
        policy=DimensionScore(pol * 100, pol, ()),
        acts=tuple(acts), landmines=tuple(mines))


@pytest.fixture(autouse=True)
def pinned_terminal(monkeypatch):
    """The terminal is English for every test (tests/conftest.py); and in colour here:"""
    # Textual's App pops NO_COLOR (even set to "") and then renders in monochrome: snapshots are in colour.
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(1000.0)


@pytest.fixture
def settings(tmp_path, clock) -> Settings:
    return Settings(trainee="Ann Lee", cohort="A1", config_dir=tmp_path / "config", seed=7,
                    clock=clock, animate=False, cursor_blink=False)


@pytest.fixture
def make(settings):
    """make(**kwargs) -> app on the drill scenarios with the stub scorer."""

    def build(**kwargs):
        kwargs.setdefault("scenario_dir", DRILLS)
        kwargs.setdefault("scorer", stub_scorer)
        kwargs.setdefault("settings", settings)
        return make_app(**kwargs)

    return build


def screen_text(app) -> str:
    """What the terminal shows now, as plain text (for asserting on screen contents)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


async def type_text(pilot, text: str) -> None:
    """Type text into the focused input (as a paste-free sequence of key presses)."""
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


async def wait_for(pilot, check, what: str = "it", seconds: float = 5.0) -> None:
    """Let the app run (its own timers and threads) until `check()` holds: threaded loads land on
    the screen a moment later, and the call screen wakes by itself when something is due."""
    for _ in range(int(seconds / 0.02)):
        if check():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"the screen never showed {what}")
