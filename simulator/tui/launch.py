"""Entry points that run the app in the terminal (the CLI calls these; tests call make_app)."""
from __future__ import annotations

import functools
import gc
import os
import sys
from pathlib import Path

DB_ENV = "MYSTERY_GUEST_DB"
SERVED_ENV = "MYSTERY_GUEST_SERVED"  # set by `mystery-guest serve` for the app in each browser tab

_gc_paused = False  # the cyclic GC is off until the first frame (pause_gc_for_start_up)


def pause_gc_for_start_up() -> None:
    """No cyclic garbage collection from here until the app's first frame is out.

    Start-up makes long-lived objects (modules, classes, the CSS, the first screen's widgets) and
    next to no garbage, so collecting is pure cost, and where a full collection lands depends on
    how much the locale's start-up allocates: in zh one fell just before the first frame (12 ms,
    with Textual's output thread waiting behind it), in en just after. The app turns it back on
    (resume_gc) after the first frame; its warm-up then collects once and freezes what start-up made."""
    global _gc_paused
    if gc.isenabled():
        gc.disable()
        _gc_paused = True


def resume_gc() -> None:
    """The cyclic GC back on, if pause_gc_for_start_up turned it off (else nothing)."""
    global _gc_paused
    if _gc_paused:
        _gc_paused = False
        gc.enable()


def _no_gc_until_first_frame(entry):
    """An entry point that starts with the GC paused, and ends with it on whatever happens (an app
    that never drew a frame, a bad --db, a broken file: the caller may be a test run)."""
    @functools.wraps(entry)
    def run(*args, **kwargs):
        pause_gc_for_start_up()
        try:
            return entry(*args, **kwargs)
        finally:
            resume_gc()
    return run


def default_db_url(explicit: str | None = None) -> str | None:
    """--db, else $MYSTERY_GUEST_DB, else None (the store's default SQLite file)."""
    return explicit or os.environ.get(DB_ENV) or None


def tab_settings():
    """In a browser tab, the app remembers nothing on the server's disk: the next tab may be
    another trainee, who must not take over the last one's name and cohort. Elsewhere None
    (make_app loads the remembered settings)."""
    from simulator.settings import Settings

    return Settings(persist=False) if os.environ.get(SERVED_ENV) else None


@_no_gc_until_first_frame
def run_app(scenario_dir: str | None = None, db_url: str | None = None, lang: str | None = None) -> int:
    """The trainee app on a scenario library, recording to the store."""
    from simulator.store.urls import StoreError
    from simulator.tui.app import make_app

    if _no_folder(scenario_dir):
        return 2
    try:
        app = make_app(scenario_dir, db_url=default_db_url(db_url), record=True, lang=lang,
                       settings=tab_settings())
    except StoreError as exc:
        print(f"mystery-guest: {exc}", file=sys.stderr)
        return 2
    return _run(app)


@_no_gc_until_first_frame
def run_live(what: str, value: str, scenario_dir: str | None = None, db_url: str | None = None,
             lang: str | None = None) -> int:
    """The live class: `class` (value: the cohort), `guest` / `join` (a call code) or `watch`
    (a call code or a cohort). All meet through the store at db_url (simulator/store/live.py)."""
    from simulator.store.urls import StoreError
    from simulator.tui.app import make_app

    if _no_folder(scenario_dir):
        return 2
    try:
        app = make_app(scenario_dir, db_url=default_db_url(db_url), record=True, lang=lang, live=(what, value))
    except StoreError as exc:
        print(f"mystery-guest: {exc}", file=sys.stderr)
        return 2
    return _run(app)


def _no_folder(scenario_dir: str | None) -> bool:
    """--scenarios names no folder: said in one line before the app opens (it had opened on an
    empty library, as if the folder held no scenarios), as the commands say it."""
    if scenario_dir is None or Path(scenario_dir).is_dir():
        return False
    from simulator.plaintext import plain

    print(f"mystery-guest: no scenario folder {plain(str(scenario_dir), lines=False)} (--scenarios)", file=sys.stderr)
    return True


def _run(app) -> int:
    """Run the app, then say where the calls are, once the terminal is ours again."""
    app.run()
    message = app.exit_message()
    if message:
        print(f"mystery-guest: {message}", file=sys.stderr)
    code = app.return_code or 0
    if app.exit_report is not None and app.exit_report.unsaved_calls:
        code = app.return_code or 3  # played, but kept in the journal rather than the store
    if app.exit_report is not None and app.exit_report.stuck:
        # A write to the store never came back (a frozen disk, a hung server): the interpreter would
        # wait for that thread at exit for as long as the store stays stuck, with Ctrl+C ignored
        # (trial 29). The calls are in the journal and the message is out: leave now.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


@_no_gc_until_first_frame
def run_play(path: str | Path, debug: bool, db_url: str | None = None, lang: str | None = None) -> int:
    """Play one scenario file. With debug, the play-test panel shows why each reply did what it
    did and the file reloads on save. Records to the store only when db_url is given."""
    from simulator.loader import ScenarioError
    from simulator.store.urls import StoreError
    from simulator.tui.app import make_app

    path = Path(path)
    try:
        app = make_app(db_url=db_url, debug_scenario=path, lang=lang, settings=tab_settings()) if debug else None
        if app is None:
            app = _single_scenario_app(path, db_url, lang)
    except ScenarioError as exc:
        for d in exc.diagnostics:
            print(d, file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"mystery-guest: cannot read {path}: {exc}", file=sys.stderr)
        return 1
    except StoreError as exc:
        print(f"mystery-guest: {exc}", file=sys.stderr)
        return 2
    return _run(app)


def _single_scenario_app(path: Path, db_url: str | None, lang: str | None):
    """The normal app (picker, call, debrief) on a library of one file."""
    from simulator.loader import ScenarioError, check_file
    from simulator.tui.app import make_app

    sc, diags = check_file(path)
    if sc is None:
        raise ScenarioError(diags)
    return make_app(db_url=db_url, lang=lang, library=[sc], settings=tab_settings())
