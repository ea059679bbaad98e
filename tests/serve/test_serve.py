"""`mystery-guest serve` as a browser meets it, over HTTP and the websocket: the page, the access
token when the server is exposed, the guards on loopback, one app process per tab, and the
one-line errors."""
from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys

import aiohttp
import pytest

from simulator.cli import build_parser
from simulator.serve import ServeError, served_argv
from tests.serve.conftest import DRILLS, ROOT


async def get(url: str, **kwargs) -> tuple[int, str, aiohttp.ClientResponse]:
    async with aiohttp.ClientSession() as http, http.get(url, allow_redirects=False, **kwargs) as response:
        return response.status, await response.text(), response


async def first_screen(ws: aiohttp.ClientWebSocketResponse, text: str, timeout: float = 30.0) -> str:
    """What the app sent until `text` appeared on its screen."""
    received = ""

    async def read() -> str:
        nonlocal received
        async for message in ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                received += message.data.decode("utf-8", "replace")
                if text in received:
                    return received
        raise AssertionError(f"the websocket closed before {text!r}: {received[-300:]!r}")

    return await asyncio.wait_for(read(), timeout)


async def send_keys(ws: aiohttp.ClientWebSocketResponse, keys: str, quiet: float = 0.3) -> str:
    """Type as a person does: send the keys, then read until the screen has changed and been
    still for `quiet` seconds (keys sent sooner can reach the box that had focus before)."""
    await ws.send_json(["stdin", keys])
    received = ""

    async def read() -> str:
        nonlocal received
        while True:
            try:
                message = await asyncio.wait_for(ws.receive(), quiet if received else None)
            except asyncio.TimeoutError:
                return received
            if message.type != aiohttp.WSMsgType.BINARY:
                raise AssertionError(f"the websocket ended after {keys!r}: {message.type}")
            received += message.data.decode("utf-8", "replace")

    return await asyncio.wait_for(read(), 30)


async def read_to_the_end(ws: aiohttp.ClientWebSocketResponse) -> None:
    async for _ in ws:
        pass


# ---------------------------------------------------------------------------- on loopback
async def test_loopback_server_serves_the_page_and_its_script_without_a_token(serve):
    served = serve()
    assert served.url.startswith("http://127.0.0.1:") and served.token is None
    status, page, _ = await get(served.local + "/")
    assert status == 200 and "textual.js" in page and f"ws://127.0.0.1:{served.port}/ws" in page
    assert "googleapis" not in page  # offline: no web font from Google
    status, script, _ = await get(served.local + "/static/js/textual.js")
    assert status == 200 and len(script) > 100_000


async def test_each_tab_runs_its_own_app_process_on_the_same_store(serve, tmp_path):
    settings = tmp_path / "config" / "mystery-guest" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text('{"trainee": "Li Na", "cohort": "B2"}')  # remembered on the server's disk
    served = serve("--lang", "en")
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(f"ws://127.0.0.1:{served.port}/ws?width=100&height=30") as one, \
                http.ws_connect(f"ws://127.0.0.1:{served.port}/ws?width=100&height=30") as two:
            for ws in (one, two):
                # Each tab asks who is there: a tab may be another trainee than the last.
                assert "Your name" in await first_screen(ws, "Your name")
            if sys.platform.startswith("linux"):
                apps = served.app_processes()
                assert len(apps) == 2, apps
                for pid in apps:
                    cmdline = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
                    assert b"--db" in cmdline and b"--lang" in cmdline


async def test_stopping_the_server_ends_each_tab_and_keeps_its_call_as_left(serve, tmp_path):
    settings = tmp_path / "config" / "mystery-guest" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"trainee": "Li Na", "cohort": "B2"}))
    served = serve("--lang", "en", "--", "play", str(DRILLS / "drill-zh.yaml"))
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(f"ws://127.0.0.1:{served.port}/ws?width=100&height=30") as ws:
            await first_screen(ws, "Your name")
            for keys in ("Li Na", "\r", "B2", "\r"):
                await send_keys(ws, keys)
            await ws.send_json(["stdin", "\r"])  # the picker's one scenario
            assert "王先生" in await first_screen(ws, "your turn")  # its caller is on the line
            await send_keys(ws, "您好，我在听")  # a call with a reply in it is an attempt (one without is skipped)
            await ws.send_json(["stdin", "\r"])
            await first_screen(ws, "Listening")  # the reply is scored
            # Stop from another thread, reading on here as a browser would (and so answering the close).
            printed, _ = await asyncio.gather(asyncio.to_thread(served.stop), read_to_the_end(ws))
    assert served.process.returncode == 0, printed
    assert "saved in the session store" in printed  # the app's own last line, through the server
    done = subprocess.run([sys.executable, "-m", "simulator", "sessions", "--db", str(tmp_path / "calls.db")],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    row = done.stdout.splitlines()[-1].split()
    assert "Li Na" in done.stdout and "drill-zh" in row and "left" in row, done.stdout + done.stderr


async def test_loopback_server_refuses_a_page_under_another_host_name(serve):
    served = serve()  # a DNS-rebinding page reaches 127.0.0.1 under its own name
    status, text, _ = await get(served.local + "/", headers={"Host": f"evil.example:{served.port}"})
    assert status == 403 and text.strip() == "Mystery Guest: this server answers only at 127.0.0.1 or localhost."
    status, _, _ = await get(f"http://localhost:{served.port}/")
    assert status == 200


async def test_websocket_opened_by_another_web_site_is_refused(serve):
    served = serve()
    async with aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(f"ws://127.0.0.1:{served.port}/ws", origin="http://evil.example")
        assert refused.value.status == 403
        async with http.ws_connect(f"ws://127.0.0.1:{served.port}/ws",
                                   origin=f"http://localhost:{served.port}") as ws:
            await first_screen(ws, "Your name")


# ---------------------------------------------------------------------------- exposed to the network
async def test_exposed_server_prints_a_token_once_and_refuses_every_request_without_it(serve):
    served = serve("--host", "0.0.0.0")
    assert served.token and len(served.token) >= 30
    assert sum(served.token in line for line in served.lines) == 1
    for path in ("/", "/static/js/textual.js", "/ws"):
        status, text, _ = await get(served.local + path)
        assert status == 403, path
        assert text.count("\n") == 1 and "access token" in text
    status, _, _ = await get(served.local + "/?token=" + "x" * len(served.token))
    assert status == 403
    async with aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(f"ws://127.0.0.1:{served.port}/ws")
        assert refused.value.status == 403


async def test_exposed_server_accepts_the_token_and_the_page_carries_it_to_the_websocket(serve):
    served = serve("--host", "0.0.0.0", "--lang", "en")
    # unsafe=True: aiohttp's client keeps no cookies from an IP address unless told to; browsers do.
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(f"{served.local}/?token={served.token}") as response:
            assert response.status == 200
            # The page's websocket goes to the address this browser used, not the printed name.
            assert f"ws://127.0.0.1:{served.port}/ws" in await response.text()
            assert not served.url.startswith(served.local)
            cookie = response.cookies[f"mystery_guest_token_{served.port}"]
            assert cookie.value == served.token and cookie["httponly"] and cookie["samesite"] == "Strict"
        # The same session now holds the cookie, as the browser does for the page's own requests.
        async with http.get(f"{served.local}/static/js/textual.js") as response:
            assert response.status == 200
        async with http.ws_connect(f"ws://127.0.0.1:{served.port}/ws") as ws:
            await first_screen(ws, "Your name")


async def test_refusal_is_in_chinese_for_a_chinese_browser(serve):
    served = serve("--host", "0.0.0.0")
    status, text, _ = await get(served.local + "/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert status == 403 and "访问令牌" in text


async def test_a_token_given_on_loopback_is_required_there_too(serve):
    served = serve("--token", "room 7&secret")
    assert served.url.endswith("/?token=room%207%26secret")  # printed ready to open
    assert (await get(served.local + "/"))[0] == 403
    assert served.token == "room 7&secret"
    assert (await get(served.url))[0] == 200


# ---------------------------------------------------------------------------- errors in one line
def run_serve(*args: str, code: str | None = None) -> subprocess.CompletedProcess:
    argv = ["-c", code] if code else ["-m", "simulator", "serve", *args]
    return subprocess.run([sys.executable, *argv], capture_output=True, text=True, cwd=ROOT,
                          timeout=60, env={"PATH": "/usr/bin:/bin", "LANG": "en_US.UTF-8"})


def test_port_in_use_is_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_serve("--port", str(port))
    assert done.returncode == 2
    assert done.stderr == f"mystery-guest serve: port {port} on 127.0.0.1 is already in use (another server?); " \
                          "choose another with --port\n"


@pytest.mark.parametrize("host", ["no-such-host.invalid", "203.0.113.7"])
def test_bad_host_is_one_line(host):
    done = run_serve("--host", host, "--port", "0")
    assert done.returncode == 2
    assert done.stderr.startswith(f"mystery-guest serve: cannot serve on '{host}': ")
    assert done.stderr.count("\n") == 1


def test_missing_textual_serve_is_one_line_that_says_what_to_install():
    code = ("import sys; sys.modules['textual_serve'] = None; from simulator.cli import main; "
            "sys.exit(main(['serve', '--port', '0']))")
    done = run_serve(code=code)
    assert done.returncode == 2
    assert done.stderr == ("mystery-guest serve: serving to browsers needs textual-serve, which is not "
                           f"installed: {sys.executable} -m pip install 'textual-serve>=1.1.2,<1.2'\n")


def test_a_bad_database_url_is_refused_before_serving():
    done = run_serve("--db", "postgresql:/nowhere", "--port", "0")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "did you mean" in done.stderr


# ---------------------------------------------------------------------------- what each tab runs
def served(*argv: str) -> list[str]:
    parser = build_parser()
    return served_argv(parser.parse_args(["serve", *argv]), parser)


def test_the_trainee_app_is_served_with_the_store_language_and_library():
    assert served() == []
    assert served("--db", "pg.example", "--lang", "zh", "--scenarios", "lib") == \
        ["--db", "pg.example", "--lang", "zh", "--scenarios", "lib"]


def test_another_command_after_the_dashes_gets_the_options_it_takes():
    assert served("--lang", "zh", "--db", "x.db", "--", "play", "call.yaml", "--debug") == \
        ["play", "--db", "x.db", "--lang", "zh", "call.yaml", "--debug"]
    assert served("--", "leaderboard", "--cohort", "B2") == ["leaderboard", "--cohort", "B2"]


@pytest.mark.parametrize("argv, message", [
    (["--lang", "zh", "--", "lint"], "'lint' takes no --lang, so serve cannot pass it on"),
    (["--", "nonsense"], "'nonsense' is not a mystery-guest command"),
    (["--", "serve"], "'serve' cannot serve itself"),
])
def test_a_command_that_cannot_be_served_is_refused(argv, message):
    with pytest.raises(ServeError, match=message):
        served(*argv)


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("192.0.2.10", False), ("2001:db8::1", False),
])
def test_only_loopback_addresses_count_as_this_machine_only(host, loopback):
    from simulator.serve import is_loopback

    assert is_loopback(host) is loopback
