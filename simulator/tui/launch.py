"""Entry points that run the app in the terminal (the CLI calls these; tests call make_app)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

DB_ENV = "MYSTERY_GUEST_DB"
SERVED_ENV = "MYSTERY_GUEST_SERVED"  # set by `mystery-guest serve` for the app in each browser tab


def default_db_url(explicit: str | None = None) -> str | None:
    """--db, else $MYSTERY_GUEST_DB, else None (the store's default SQLite file)."""
    return explicit or os.environ.get(DB_ENV) or None


def tab_settings():
    """In a browser tab, the app remembers nothing on the server's disk: the next tab may be
    another trainee, who must not take over the last one's name and cohort. Elsewhere None
    (make_app loads the remembered settings)."""
    from simulator.settings import Settings

    return Settings(persist=False) if os.environ.get(SERVED_ENV) else None


def run_app(scenario_dir: str | None = None, db_url: str | None = None, lang: str | None = None) -> int:
    """The trainee app on a scenario library, recording to the store."""
    from simulator.store.urls import StoreError
    from simulator.tui.app import make_app

    try:
        app = make_app(scenario_dir, db_url=default_db_url(db_url), record=True, lang=lang,
                       settings=tab_settings())
    except StoreError as exc:
        print(f"mystery-guest: {exc}", file=sys.stderr)
        return 2
    return _run(app)


def run_live(what: str, value: str, scenario_dir: str | None = None, db_url: str | None = None,
             lang: str | None = None) -> int:
    """The live class: `class` (value: the cohort), `guest` / `join` (a call code) or `watch`
    (a call code or a cohort). All meet through the store at db_url (simulator/store/live.py)."""
    from simulator.store.urls import StoreError
    from simulator.tui.app import make_app

    try:
        app = make_app(scenario_dir, db_url=default_db_url(db_url), record=True, lang=lang, live=(what, value))
    except StoreError as exc:
        print(f"mystery-guest: {exc}", file=sys.stderr)
        return 2
    return _run(app)


def _run(app) -> int:
    """Run the app, then say where the calls are, once the terminal is ours again."""
    app.run()
    message = app.exit_message()
    if message:
        print(f"mystery-guest: {message}", file=sys.stderr)
    if app.exit_report is not None and app.exit_report.unsaved_calls:
        return app.return_code or 3  # played, but kept in the journal rather than the store
    return app.return_code or 0


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
