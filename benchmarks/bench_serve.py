"""What a room of browser tabs costs `mystery-guest serve` on this machine.

Run: python benchmarks/bench_serve.py [--tabs N] [--opens N] [--keys N]
Prints figures beside their goals (no pass/fail). A real server on a free loopback port, the
bundled library, its own store and settings in a temporary folder; the tabs are websocket
clients speaking textual-serve's protocol, as the page's script does (no browser: its drawing
is not the server's cost).

1. tab open -> first screen: from the websocket opening to the welcome screen's text arriving:
   textual-serve starts a new app process per tab, so this is mostly Python and app start-up.
2. a room at once: N tabs opened together, the time until the last one shows its first
   screen, and the memory (RSS) of each tab's app process.
3. key -> screen: one character typed into the name box until the next frame arrives.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.serve.conftest import start_server, stop_server  # noqa: E402  (the tests' server)

WELCOME = "Your name"
GOAL_OPEN_S = 3.0  # a trainee opening the page waits no longer than a terminal start
GOAL_ROOM_S = 30.0  # a room of 20 opening together is in within half a minute (2 cores)
GOAL_KEY_MS = 50.0  # typing feels immediate


def describe(name: str, values: list[float], unit: str, goal: float) -> str:
    values = sorted(values)
    p = lambda q: values[min(len(values) - 1, int(q * len(values)))]  # noqa: E731
    tail = f"p99 {p(0.99):.1f}" if len(values) >= 100 else f"max {values[-1]:.1f}"
    verdict = "meets the goal" if p(0.95) <= goal else "MISSES the goal"
    return (f"{name:<32} n={len(values):<4} median {statistics.median(values):.1f}  p95 {p(0.95):.1f}  "
            f"{tail} {unit}   goal p95 <= {goal:g} {unit}: {verdict}")


async def open_tab(http: aiohttp.ClientSession, port: int) -> tuple[aiohttp.ClientWebSocketResponse, float]:
    start = time.perf_counter()
    ws = await http.ws_connect(f"ws://127.0.0.1:{port}/ws?width=100&height=30")
    seen = ""
    while WELCOME not in seen:
        message = await asyncio.wait_for(ws.receive(), 60)
        if message.type != aiohttp.WSMsgType.BINARY:
            raise RuntimeError(f"the tab closed before its first screen: {message.type}")
        seen += message.data.decode("utf-8", "replace")
    return ws, time.perf_counter() - start


async def quiet(ws: aiohttp.ClientWebSocketResponse, seconds: float = 0.3) -> None:
    """Read until the screen has been still for `seconds`."""
    while True:
        try:
            await asyncio.wait_for(ws.receive(), seconds)
        except asyncio.TimeoutError:
            return


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def measure(port: int, served, opens: int, tabs: int, keys: int) -> None:
    async with aiohttp.ClientSession() as http:
        ws, _ = await open_tab(http, port)  # warm-up: the first start reads the files from disk
        await ws.close()
        times = []
        for _ in range(opens):
            ws, seconds = await open_tab(http, port)
            times.append(seconds)
            await ws.close()
        print(describe("tab open -> first screen", times, "s", GOAL_OPEN_S))

        start = time.perf_counter()
        room = await asyncio.gather(*(open_tab(http, port) for _ in range(tabs)))
        whole = time.perf_counter() - start
        memory = [rss_mb(pid) for pid in served.app_processes()] if sys.platform.startswith("linux") else []
        print(f"{tabs} tabs opened at once           all on screen after {whole:.1f} s   "
              f"goal <= {GOAL_ROOM_S:g} s: {'meets the goal' if whole <= GOAL_ROOM_S else 'MISSES the goal'}")
        if memory:
            print(f"memory per tab's app process       median {statistics.median(memory):.0f} MB, "
                  f"max {max(memory):.0f} MB ({len(memory)} processes; {sum(memory) / 1024:.1f} GB in all)")
        for ws, _ in room:
            await ws.close()

        ws, _ = await open_tab(http, port)
        await quiet(ws)
        delays = []
        for i in range(keys):
            start = time.perf_counter()
            await ws.send_json(["stdin", "ab"[i % 2] if i % 40 else "\x15"])  # Ctrl+U now and then: an empty box
            while (await asyncio.wait_for(ws.receive(), 10)).type != aiohttp.WSMsgType.BINARY:
                pass
            delays.append((time.perf_counter() - start) * 1000)
            await quiet(ws, 0.05)
        print(describe("key -> next frame", delays, "ms", GOAL_KEY_MS))
        await ws.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opens", type=int, default=30, help="tabs opened one after another (default 30)")
    parser.add_argument("--tabs", type=int, default=20, help="tabs opened at once (default 20)")
    parser.add_argument("--keys", type=int, default=200, help="keys typed (default 200)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        served = start_server(Path(tmp), "--lang", "en", "--scenarios", str(ROOT / "scenarios"))
        try:
            asyncio.run(measure(served.port, served, args.opens, args.tabs, args.keys))
        finally:
            stop_server(served)


if __name__ == "__main__":
    main()
