"""Opening the live class's screens (thread workers of the app: they wait for the store)."""
from __future__ import annotations

import time

from textual.worker import get_current_worker

from simulator.tui.watch_screen import FOLLOW_SECONDS

STORE_WAIT_SECONDS = 30.0


def open_live_screen(app, what: str, value: str) -> None:
    """Push the class console (`what` "class", value a cohort) or the guest console, the trainee's
    call or the watch view of a live call (value a code; for "watch" a cohort works too, whose
    newest call is shown, or awaited)."""
    from simulator.store import live

    tr = app.catalog()
    store = app.wait_for_store(STORE_WAIT_SECONDS)
    if store is None:
        _fail(app, what, tr("live.no_store"))
        return
    if what == "class":
        from simulator.tui.class_screen import ClassScreen

        app.call_from_thread(lambda: app.push_screen(ClassScreen(value)))
        return
    try:
        call = live.find_call(store, value)
        if call is None and what == "watch":
            call = live.newest_call(store, value)
            if call is None:  # a class that has not started yet: wait for its first call
                app.call_from_thread(lambda: app.push_screen(_waiting_screen(app, value)))
                follow(app, None, cohort=value)
                return
    except Exception as exc:  # noqa: BLE001 - the database: one line, nothing lost
        _fail(app, what, tr("live.unavailable", error=type(exc).__name__))
        return
    if call is None:
        _fail(app, what, tr("live.no_call", code=value))
        return
    if call.status == "ended" and what in ("join", "guest"):  # watching a finished call is fine
        key = "live.call_ended" if what == "join" else "live.call_over"
        try:  # ended because the trainee's screen left it (the guest console ends it then): say that
            if what == "join" and any(e.kind == "left" for e in live.events_after(store, call.id)):
                key = "live.left_already"
        except Exception:  # noqa: BLE001 - the database blinked: the plain message will do
            pass
        _fail(app, what, tr(key, code=call.code, trainee=call.trainee))
        return
    app.call_from_thread(lambda: show_call(app, what, call))


def show_call(app, what: str, call, *, replace: bool = False) -> None:
    """The screen for `call`: guest console, trainee's call or watch view (app thread)."""
    sc = app.scenario_named(call.scenario_id)
    if sc is None:
        app.notify(app.catalog()("live.no_scenario", scenario=call.scenario_id), severity="error", markup=False)
        return
    if what == "guest":
        from simulator.tui.guest_screen import GuestScreen

        screen = GuestScreen(sc, call)
    elif what == "join":
        from simulator.tui.call_screen import CallScreen

        screen = CallScreen(sc, live=call)
    else:
        from simulator.tui.watch_screen import WatchScreen

        screen = WatchScreen(sc, call)
    if replace:
        app.switch_screen(screen)
    else:
        app.push_screen(screen)


def follow(app, call, *, cohort: str | None = None) -> None:
    """Thread worker: wait for the cohort's next live call after `call`, then watch it."""
    from simulator.store import live

    worker = get_current_worker()
    cohort = cohort if cohort is not None else call.cohort
    after = call.id if call is not None else 0
    while not worker.is_cancelled:
        try:
            found = live.newest_call(app.store, cohort, after=after)
        except Exception:  # noqa: BLE001 - the database blinked: look again shortly
            found = None
        if found is not None:
            app.call_from_thread(lambda: show_call(app, "watch", found, replace=True))
            return
        time.sleep(FOLLOW_SECONDS)


def _waiting_screen(app, cohort: str):
    from textual.screen import Screen
    from textual.widgets import Static

    from rich.text import Text

    class WaitingScreen(Screen):
        def compose(self):
            yield Static(Text(app.catalog()("live.waiting_class", cohort=cohort), style="bold"), id="live-bar")

    return WaitingScreen()


def _fail(app, what: str, message: str) -> None:
    """A live screen cannot open: on the trainee's picker a notice; elsewhere, leave with the reason."""
    if what == "join":
        app.call_from_thread(lambda: app.notify(message, severity="error", markup=False))
    else:
        app.live_error = message  # printed once the terminal is released (app.exit_message)
        app.call_from_thread(lambda: app.exit(return_code=2))
