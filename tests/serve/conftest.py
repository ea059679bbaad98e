"""A real `mystery-guest serve` process on a free port, with its own store, settings and journal."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("textual_serve", reason="textual-serve is not installed (a core dependency: pip install -e .)")

ROOT = Path(__file__).resolve().parents[2]
DRILLS = ROOT / "tests" / "tui" / "scenarios"


class Served:
    """A running server: `url` is what it printed to open (with the token when it has one)."""

    def __init__(self, process: subprocess.Popen, url: str, lines: list[str]):
        self.process = process
        self.url = url
        self.lines = lines
        parts = urlsplit(url)
        self.port = parts.port
        self.token = parse_qs(parts.query).get("token", [None])[0]
        self.local = f"http://127.0.0.1:{self.port}"  # tests talk to loopback, whatever the host

    def app_processes(self) -> list[int]:
        """Pids of the app processes below the server (Linux /proc), one per open tab."""
        children: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            for child in children.get(pid, []):
                todo.append(child)
                try:
                    cmdline = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
                except OSError:  # it ended meanwhile
                    continue
                if b"simulator" in cmdline and b"serve" not in cmdline:
                    found.append(child)
        return found

    def wait_for_apps(self, count: int, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.app_processes()) != count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.app_processes())} app processes, not {count}")
            time.sleep(0.1)

    def stop(self) -> str:
        """Stop the server as Ctrl+C or a service manager would; what it printed from then on."""
        stop_server(self)
        return self.process.stdout.read()


def start_server(tmp_path: Path, *args: str) -> Served:
    env = dict(os.environ)
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"),
               MYSTERY_GUEST_JOURNAL=str(tmp_path / "journal"), LANG="en_US.UTF-8", PYTHONUNBUFFERED="1")
    env.pop("LC_ALL", None)
    env.pop("MYSTERY_GUEST_TOKEN", None)
    library = [] if "--" in args or "--scenarios" in args else ["--scenarios", str(DRILLS)]  # the app's option only
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", "serve", "--port", "0", "--db", str(tmp_path / "calls.db"),
         *library, *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT)
    lines: list[str] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if "http://" in line:
            return Served(process, line.split()[-1], lines)
    process.kill()
    raise AssertionError("the server printed no URL:\n" + "\n".join(lines))


def stop_server(served: Served) -> None:
    if served.process.poll() is not None:
        return
    served.process.terminate()
    try:
        served.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        served.process.kill()
        served.process.wait()


@pytest.fixture
def serve(tmp_path):
    """serve(*args) starts a server; every one started is stopped after the test."""
    started: list[Served] = []

    def start(*args: str) -> Served:
        started.append(start_server(tmp_path, *args))
        return started[-1]

    yield start
    for served in started:
        stop_server(served)
