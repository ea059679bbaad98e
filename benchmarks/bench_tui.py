"""How fast the trainee app feels: launch to the first usable screen, Enter to the scored reply.

Run: python benchmarks/bench_tui.py [--rounds N]
Prints figures (no pass/fail). Headless (Textual's test driver), on the bundled library with
the real scorer; the database is left out (it is written in a thread and never waited on).

1. launch -> first screen, in a fresh Python process: the time from interpreter start to the
   picker being mounted with its rows (imports, library load, app start, first layout),
   measured inside the process from its own start time, plus the process's wall time.
2. Enter -> scored reply shown: from the Enter key event reaching the app until the first
   frame painted after the screen handled TurnScored (transcript and coach score card updated):
   App._display is wrapped to note when frames go out. Session.reply alone (scoring +
   engine) is timed too, to show where the time goes. Pilot's own waiting is not counted.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIRST_SCREEN = r"""
import time, sys
t0 = time.perf_counter()
import asyncio
async def main():
    from simulator.settings import Settings
    from simulator.tui.app import make_app
    from simulator.tui.picker_screen import PickerScreen
    settings = Settings(trainee="Bench", cohort="B", persist=False, seed=1, cursor_blink=False)
    app = make_app(settings=settings)
    async with app.run_test(size=(120, 40)) as pilot:
        while not (isinstance(app.screen, PickerScreen) and app.screen.query_one("DataTable").row_count):
            await asyncio.sleep(0.001)
        await pilot.pause()
        print(f"{time.perf_counter() - t0:.4f}")
asyncio.run(main())
"""

REPLIES = [
    "Five months of charges for something you never asked for, Mr Harper, I completely understand why you're angry.",
    "Mm, I hear you. Nine years with us and then this, that must feel like a real betrayal. Please go on.",
    "Of course. I'll cancel Daily Tips for you right now, so from next month you won't be charged the 6.00 any more.",
    "I'm sorry about this. I can't refund all five months, but since you've been with us nine years I can refund one month, 6.00, as a goodwill gesture.",
    "It's all done. And a tip so it doesn't happen again: don't reply to promotional texts from short numbers.",
]


def first_screen(rounds: int) -> tuple[list[float], list[float]]:
    inside, wall = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", FIRST_SCREEN], capture_output=True, text=True, cwd=ROOT,
                             env={"PATH": "/usr/bin:/bin", "LANG": "en_US.UTF-8", "HOME": tempfile.gettempdir()})
        wall.append(time.perf_counter() - start)
        inside.append(float(out.stdout.strip().splitlines()[-1]))
    return inside, wall


async def enter_to_score(rounds: int) -> tuple[list[float], list[float]]:
    from simulator.loader import load_library
    from simulator.session import Session
    from simulator.settings import ManualClock, Settings
    from simulator.tui.app import make_app
    from simulator.tui.widgets.reply_input import ReplyInput

    from simulator.tui.call_screen import CallScreen

    handler = CallScreen.on_call_screen_turn_scored

    def timed_handler(self, event):  # Textual dispatches to the class's handler: wrap it there
        handler(self, event)
        marks["scored"] = time.perf_counter()

    CallScreen.on_call_screen_turn_scored = timed_handler
    marks: dict[str, float] = {}
    library, _ = load_library()
    sc = next(s for s in library if s.id == "vas-sms-tips-en")
    ui, engine = [], []
    for r in range(rounds):
        settings = Settings(trainee="Bench", cohort="B", persist=False, seed=r, clock=ManualClock(),
                            animate=False, cursor_blink=False)
        app = make_app(settings=settings, library=[sc])
        display = app._display

        def timed_display(screen, renderable):
            display(screen, renderable)
            if renderable is not None and "scored" in marks and "painted" not in marks:
                marks["painted"] = time.perf_counter()

        app._display = timed_display
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            call = app.screen
            for text in REPLIES:
                if call.session.over:
                    break
                call.query_one(ReplyInput).value = text
                marks.clear()
                before = len(call.session.turns)
                t0 = time.perf_counter()
                await pilot.press("enter")
                assert len(call.session.turns) == before + 1 and "painted" in marks
                ui.append(marks["painted"] - t0)
        session = Session(sc, seed=r)
        for text in REPLIES:
            if session.over:
                break
            t0 = time.perf_counter()
            session.reply(text)
            engine.append(time.perf_counter() - t0)
    return ui, engine


def describe(name: str, values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
    return f"{name:<46} median {statistics.median(ms):7.1f} ms   p90 {p90:7.1f} ms   max {ms[-1]:7.1f} ms   (n={len(ms)})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    inside, wall = first_screen(args.rounds)
    print(describe("launch -> first usable screen (in process)", inside))
    print(describe("launch -> first usable screen (process wall)", wall))
    ui, engine = asyncio.run(enter_to_score(args.rounds))
    print(describe("Enter -> scored reply shown (app)", ui))
    print(describe("Session.reply alone (scoring + engine)", engine))
    return 0


if __name__ == "__main__":
    sys.exit(main())
