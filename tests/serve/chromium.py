"""A headless Chromium driven over the DevTools protocol, with aiohttp's websocket client (aiohttp
comes with textual-serve, so the browser tests need no driver package and no downloaded browser).

The page's terminal is xterm.js drawing on a canvas, so the text on screen cannot be read from
the DOM. What the terminal was given can: every websocket frame the page receives is reported by
the protocol's Network domain, and `Chromium.received()` is those frames as text without escape
codes. A screenshot shows what was drawn."""
from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import aiohttp

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
# As the machine notes advise: no background traffic to hosts a closed network refuses.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage",
         "--remote-debugging-port=0", "--hide-scrollbars")
WIDTH, HEIGHT = 1280, 800  # the page's size in CSS pixels, and so the screenshots' size
ESCAPES = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")
# DevTools key names for the keys the tests press (windowsVirtualKeyCode makes Chromium send them on).
KEYS = {"Enter": ("Enter", "\r", 13), "Escape": ("Escape", "", 27)}


def find_browser() -> str | None:
    for name in BROWSERS:
        if path := shutil.which(name):
            return path
    return None


class Chromium:
    """One headless browser with one page. Use `async with Chromium(path) as browser:`."""

    def __init__(self, executable: str):
        self.executable = executable
        # Chromium's helper processes (crash handler, GPU, renderers) may still write into the
        # profile for a moment after the browser exits: cleanup must not fail the test for that.
        self._profile = tempfile.TemporaryDirectory(prefix="mg-chromium-", ignore_cleanup_errors=True)
        self._frames: list[str] = []
        self._next_id = 0
        self._pending: dict[int, asyncio.Future] = {}

    async def __aenter__(self) -> "Chromium":
        self._process = subprocess.Popen(
            [self.executable, *FLAGS, f"--user-data-dir={self._profile.name}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self._http = aiohttp.ClientSession()
        try:
            port = await self._devtools_port()
            async with self._http.get(f"http://127.0.0.1:{port}/json/list") as response:
                page = next(t for t in await response.json() if t["type"] == "page")
            self._ws = await self._http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0)
        except BaseException:
            await self._http.close()
            self._process.kill()
            self._process.wait()
            self._profile.cleanup()
            raise
        self._reader = asyncio.create_task(self._read())
        await self.send("Network.enable")
        await self.send("Page.enable")
        # A headless page is never the focused window: without this the terminal cannot take focus.
        await self.send("Emulation.setFocusEmulationEnabled", enabled=True)
        await self.send("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT,
                        deviceScaleFactor=1, mobile=False)
        return self

    async def __aexit__(self, *exc) -> None:
        self._reader.cancel()
        await self._ws.close()
        await self._http.close()
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        try:  # the helpers Chromium started, in its own process group, go with it
            os.killpg(self._process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._profile.cleanup()

    async def _devtools_port(self, timeout: float = 30.0) -> int:
        """Chromium writes the port it chose into the profile folder."""
        marker = Path(self._profile.name) / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if marker.exists() and (lines := marker.read_text().splitlines()):
                return int(lines[0])
            if self._process.poll() is not None:
                raise RuntimeError(f"{self.executable} exited with status {self._process.returncode}")
            await asyncio.sleep(0.1)
        raise TimeoutError("Chromium did not open its DevTools port")

    async def _read(self) -> None:
        async for message in self._ws:
            data = json.loads(message.data)
            if "id" in data and data["id"] in self._pending:
                self._pending.pop(data["id"]).set_result(data)
            elif data.get("method") == "Network.webSocketFrameReceived":
                frame = data["params"]["response"]
                payload = frame["payloadData"]
                if frame.get("opcode") == 2:  # binary: the app's screen output
                    payload = base64.b64decode(payload).decode("utf-8", "replace")
                self._frames.append(payload)

    async def send(self, method: str, **params) -> dict:
        self._next_id += 1
        future = asyncio.get_running_loop().create_future()
        self._pending[self._next_id] = future
        await self._ws.send_json({"id": self._next_id, "method": method, "params": params})
        reply = await asyncio.wait_for(future, 30)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    async def goto(self, url: str) -> None:
        await self.send("Page.navigate", url=url)

    def received(self) -> str:
        """Everything the page's websocket received, escape codes removed."""
        return ESCAPES.sub("", "".join(self._frames))

    async def wait_for_text(self, text: str, timeout: float = 30.0, since: int = 0) -> None:
        """Until the terminal has been sent `text` (after the first `since` characters)."""
        deadline = time.monotonic() + timeout
        while text not in self.received()[since:]:
            if time.monotonic() > deadline:
                tail = self.received()[-400:]
                raise AssertionError(f"the page never received {text!r}; last received: {tail!r}")
            await asyncio.sleep(0.1)

    async def settled(self, since: int, quiet: float = 0.3, timeout: float = 30.0) -> None:
        """Until the screen has changed after `since` characters and then stayed still for `quiet`
        seconds: a person looks before typing on. (Keys sent sooner can reach the widget that had
        focus before the app handled the previous key: Textual moves focus in a later message.)"""
        deadline = time.monotonic() + timeout
        last, still_since = len(self.received()), time.monotonic()
        while time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            now = len(self.received())
            if now != last:
                last, still_since = now, time.monotonic()
            elif now > since and time.monotonic() - still_since >= quiet:
                return
        raise AssertionError("the screen never settled after a key press")

    async def drawn(self) -> None:
        """Until the terminal has drawn what it was given (two animation frames later)."""
        await self.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))")

    async def evaluate(self, expression: str):
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result.get("result", {}).get("value")

    async def wait_until(self, expression: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not await self.evaluate(expression):
            if time.monotonic() > deadline:
                raise AssertionError(f"the page never had {expression}")
            await asyncio.sleep(0.1)

    async def click(self, x: int, y: int) -> None:
        for kind in ("mousePressed", "mouseReleased"):
            await self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    async def type(self, text: str) -> None:
        await self.send("Input.insertText", text=text)

    async def press(self, key: str) -> None:
        name, text, code = KEYS[key]
        down = {"key": name, "code": name, "windowsVirtualKeyCode": code, "text": text}
        await self.send("Input.dispatchKeyEvent", type="keyDown", **down)
        await self.send("Input.dispatchKeyEvent", type="keyUp", key=name, code=name, windowsVirtualKeyCode=code)

    async def screenshot(self, path: Path) -> bytes:
        data = base64.b64decode((await self.send("Page.captureScreenshot", format="png"))["data"])
        path.write_bytes(data)
        return data
