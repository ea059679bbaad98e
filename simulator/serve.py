"""`mystery-guest serve`: the app in browsers, through textual-serve.

textual-serve runs one app process per browser tab: each websocket that opens starts the
command given to it (`asyncio.create_subprocess_shell`) with Textual's web driver, and stops it
when the tab closes. So every tab is its own `mystery-guest` process on the same store, as if
each trainee had a terminal; the processes meet through the database like terminals do.

What this module adds around textual-serve's aiohttp app (textual_serve.server.Server):
- which command is served: the trainee app, or any subcommand given after `--`, with
  serve's --db/--lang/--scenarios passed on to it;
- a guard on every request (page, static files, websocket): on loopback only loopback host
  names (a DNS-rebinding page cannot reach the server), a websocket only from this server's own
  pages, and when the server is exposed to the network, an access token;
- the page adjusted: links to the address the browser used, no web font fetched from Google;
- on Ctrl+C or SIGTERM, every open tab closed so that its app leaves its call as `left`;
- one-line errors for a port in use, a bad host, a bad --db, textual-serve missing.
"""
from __future__ import annotations

import argparse
import hmac
import ipaddress
import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
from typing import Callable
from urllib.parse import quote, urlsplit

TOKEN_ENV = "MYSTERY_GUEST_TOKEN"  # a token from the environment stays out of `ps`
TOKEN_COOKIE = "mystery_guest_token"
DEFAULT_PORT = 8000
WILDCARD_HOSTS = ("0.0.0.0", "::", "")
LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")
# The app options serve passes on, by the name they have on the served command's parser.
PASSED_OPTIONS = (("--db", "db"), ("--lang", "lang"), ("--scenarios", "scenarios"))
TEXTUAL_SERVE_RANGE = ">=1.1.2,<1.2"  # as in pyproject.toml: the aiohttp app is built by Server._make_app


class ServeError(Exception):
    """A problem to tell the user in one line (exit status 2)."""


def register(sub) -> None:
    """Add `serve` to the `mystery-guest` parser."""
    serve = sub.add_parser(
        "serve", help="serve the app to web browsers (one app process per browser tab)",
        description="Serve Mystery Guest to web browsers with textual-serve. Each browser tab runs its "
                    "own app process on the same store. Bound to 127.0.0.1 unless --host says otherwise; "
                    "on any other address every request needs an access token, printed with the URL. "
                    "After '--', another command to serve instead of the trainee app, e.g. "
                    "'mystery-guest serve -- play my-call.yaml'.")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0: the network)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any free port)")
    serve.add_argument("--token", default=os.environ.get(TOKEN_ENV),
                       help=f"access token (default: ${TOKEN_ENV}, else a new random one when exposed); "
                            "given on 127.0.0.1, it is required there too")
    serve.add_argument("--public-url", metavar="URL",
                       help="the address to print and to put in the page, e.g. behind a proxy (default: "
                            "http://HOST:PORT, this computer's name for 0.0.0.0, and the page uses the "
                            "address each browser came by)")
    serve.add_argument("--db", metavar="URL", help="database URL passed to the served app (default: $MYSTERY_GUEST_DB, "
                                                   "else the SQLite file in your data folder)")
    serve.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS, help="language passed to the served app")
    serve.add_argument("--scenarios", metavar="DIR", help="scenario folder passed to the served app")
    serve.add_argument("served", nargs=argparse.REMAINDER, metavar="-- COMMAND ...",
                       help="the mystery-guest command to serve (default: the trainee app)")
    serve.set_defaults(func=cmd_serve)


# ---------------------------------------------------------------------------- the served command
def served_argv(args, parser: argparse.ArgumentParser | None = None) -> list[str]:
    """The `mystery-guest` arguments each browser tab runs: the trainee app with serve's app
    options, or the command after `--` with those options placed after its name (only the ones
    it has; giving one it lacks is an error rather than silently dropped)."""
    from simulator.cli import build_parser

    parser = parser or build_parser()
    rest = list(args.served)
    if rest[:1] == ["--"]:
        rest = rest[1:]
    given = [(flag, getattr(args, dest)) for flag, dest in PASSED_OPTIONS if getattr(args, dest, None)]
    if not rest:
        argv = [item for flag, value in given for item in (flag, value)]
    else:
        command = rest[0]
        if command == "serve":
            raise ServeError(_say("serve.serve_itself"))
        sub = _subparsers(parser).get(command)
        if sub is None:
            raise ServeError(_say("serve.unknown_command", command=command))
        options = {flag for action in sub._actions for flag in action.option_strings}
        missing = [flag for flag, _ in given if flag not in options]
        if missing:
            raise ServeError(_say("serve.no_option", command=command, option=missing[0]))
        argv = [command] + [item for flag, value in given for item in (flag, value)] + rest[1:]
    try:  # the served command's own usage errors, once here rather than in every tab
        parser.parse_args(argv)
    except SystemExit as exc:
        raise ServeError(_say("serve.bad_command", command=" ".join(argv))) from exc
    return argv


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    # argparse has no public way to list subcommands or a parser's options; _actions is stable.
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices
    return {}


def shell_command(argv: list[str]) -> str:
    """The command line textual-serve hands to the shell for each tab: this Python, this package."""
    words = [sys.executable, "-m", "simulator", *argv]
    return subprocess.list2cmdline(words) if sys.platform == "win32" else shlex.join(words)


# ---------------------------------------------------------------------------- hosts and tokens
def is_loopback(host: str) -> bool:
    """True when every address `host` names is on this machine only (127.0.0.0/8, ::1)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError) as exc:
        raise ServeError(_say("serve.bad_host", host=host, reason=getattr(exc, "strerror", None) or exc)) from None
    return all(ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in infos)


def public_url(host: str, port: int) -> str:
    """Where browsers reach the server: a wildcard address is no place to point a browser at,
    so it becomes this machine's name."""
    name = socket.gethostname() if host in WILDCARD_HOSTS else host
    if ":" in name:  # an IPv6 literal
        name = f"[{name}]"
    return f"http://{name}:{port}"


def access_guard(token: str | None, loopback: bool, public: Callable[[], str]):
    """aiohttp middleware checking every request before textual-serve sees it. `public` gives
    the server's public URL (known once the port is bound)."""
    from aiohttp import web

    @web.middleware
    async def guard(request, handler):
        public_origin = "{0.scheme}://{0.netloc}".format(urlsplit(public()))
        lang = _browser_language(request.headers.get("Accept-Language", ""))
        if loopback and not _loopback_name(request.host):
            return _refuse("serve.refused_host", lang)
        origin = request.headers.get("Origin")
        if request.path == "/ws" and origin and not _own_origin(origin, request.host, public_origin, loopback):
            return _refuse("serve.refused_origin", lang)
        from_query = request.query.get("token", "")
        # Cookies ignore ports: each server (say the app on one, a watch view on another) its own.
        cookie = f"{TOKEN_COOKIE}_{request.url.port}"
        if token:
            given = from_query or request.cookies.get(cookie, "")
            if not hmac.compare_digest(given.encode(), token.encode()):
                return _refuse("serve.refused_token", lang)
        response = await handler(request)
        if token and from_query and request.path == "/":
            # The page's own requests (scripts, websocket) then carry the token as a cookie.
            response.set_cookie(cookie, token, httponly=True, samesite="Strict", path="/")
        return response

    return guard


def _refuse(key: str, lang: str):
    from aiohttp import web

    return web.Response(status=403, text=_say(key, lang=lang) + "\n", charset="utf-8")


def _loopback_name(host_header: str) -> bool:
    host = urlsplit(f"//{host_header}").hostname or ""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _own_origin(origin: str, host_header: str, public_origin: str, loopback: bool) -> bool:
    """A websocket opened by this server's page (not by another web site in the same browser)."""
    parts = urlsplit(origin)
    if origin == public_origin or parts.netloc == host_header:
        return True
    return loopback and _loopback_name(parts.netloc)


def _browser_language(accept: str) -> str:
    """zh when the browser's first language is Chinese, else en (Accept-Language: zh-CN,zh;q=0.9,...)."""
    first = accept.split(",")[0].strip().lower()
    return "zh" if first.startswith("zh") else "en"


def _say(key: str, lang: str | None = None, **values) -> str:
    from simulator.tui.i18n import Catalog, printed_language

    return Catalog(printed_language(lang))(key, **values)


# ---------------------------------------------------------------------------- the server
def cmd_serve(args) -> int:
    try:
        try:
            from textual_serve.server import Server
        except ImportError:
            raise ServeError(_say("serve.no_textual_serve", spec=f"textual-serve{TEXTUAL_SERVE_RANGE}",
                                  python=shlex.quote(sys.executable))) from None
        argv = served_argv(args)
        if args.db:
            from simulator.store.urls import StoreError, check_url, resolve_url

            try:
                check_url(resolve_url(args.db))
            except StoreError as exc:
                raise ServeError(str(exc)) from None
        if not 0 <= args.port <= 65535:
            raise ServeError(_say("serve.bad_port", port=args.port))
        loopback = args.host not in WILDCARD_HOSTS and is_loopback(args.host)
        token = args.token or (None if loopback else secrets.token_urlsafe(24))
        import asyncio

        from simulator.tui.launch import SERVED_ENV

        os.environ[SERVED_ENV] = "1"  # textual-serve starts each tab's app with this environment
        return asyncio.run(_serve(Server, shell_command(argv), args, loopback, token))
    except ServeError as exc:
        print(f"mystery-guest serve: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


async def _serve(server_class, command: str, args, loopback: bool, token: str | None) -> int:
    import asyncio
    import errno
    import signal

    from aiohttp import web

    server = server_class(command, host=args.host, port=args.port, title="Mystery Guest")
    app = await server._make_app()
    app.on_startup.remove(server.on_startup)  # its banner shows the URL without the token
    tabs: set[asyncio.Task] = set()
    app.middlewares.append(access_guard(token, loopback, lambda: server.public_url))
    app.middlewares.append(_tracked_tabs(tabs))
    app.middlewares.append(_page_for_this_browser(lambda: None if args.public_url else server.public_url))
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, args.host or None, args.port)
        try:
            await site.start()
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ServeError(_say("serve.port_in_use", port=args.port, host=args.host)) from None
            reason = os.strerror(exc.errno) if exc.errno else exc
            raise ServeError(_say("serve.bad_host", host=args.host, reason=reason)) from None
        port = runner.addresses[0][1]  # the port bound, when --port 0 asked for any free one
        server.public_url = (args.public_url or public_url(args.host, port)).rstrip("/")
        url = server.public_url + "/" + (f"?token={quote(token, safe='')}" if token else "")
        print(_say("serve.open", url=url), flush=True)
        print(_say("serve.token_note" if token else "serve.loopback_note"), flush=True)
        print(_say("serve.stop"), flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(signum, stop.set)
            except (NotImplementedError, RuntimeError):  # Windows: Ctrl+C raises KeyboardInterrupt
                pass
        await stop.wait()
        await _close_tabs(tabs)
        return 0
    finally:
        await runner.cleanup()


WEB_FONT_LINK = re.compile(r"<link[^>]*fonts\.googleapis\.com[^>]*>")


def _page_for_this_browser(default_public: Callable[[], str | None]):
    """Middleware adjusting textual-serve's page. (1) Its links are absolute, to the public URL;
    unless --public-url set that on purpose, they are pointed at the address this browser used,
    so a PC that knows the server by another name or by its IP still reaches the websocket (and
    sends the token cookie there). (2) It asks Google for its font: the product stays offline (a
    room without internet would wait on it), so the link goes and the terminal uses a local font."""
    from aiohttp import web

    @web.middleware
    async def adjust(request, handler):
        response = await handler(request)
        if request.path == "/" and isinstance(response, web.Response) and response.text:
            page = WEB_FONT_LINK.sub("", response.text)
            if public := default_public():
                page = page.replace(f"//{urlsplit(public).netloc}/", f"//{request.host}/")
            response.text = page
        return response

    return adjust


TAB_CLOSE_SECONDS = 10.0  # an app leaving its call writes its last records (the recorder waits 3 s)


def _tracked_tabs(tabs: set):
    """Middleware keeping each open tab's websocket handler, so stopping the server can close them."""
    import asyncio

    from aiohttp import web

    @web.middleware
    async def track(request, handler):
        if request.path != "/ws":
            return await handler(request)
        task = asyncio.current_task()
        tabs.add(task)
        try:
            return await handler(request)
        finally:
            tabs.discard(task)

    return track


async def _close_tabs(tabs: set) -> None:
    """Close every tab as if its browser had: textual-serve then tells each app to quit, and the
    app keeps an unfinished call as left. (aiohttp alone would wait a minute, then cut them off.)"""
    import asyncio

    for task in list(tabs):
        task.cancel()
    if tabs:
        await asyncio.wait(list(tabs), timeout=TAB_CLOSE_SECONDS)
