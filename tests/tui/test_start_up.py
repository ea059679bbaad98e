"""Start-up from the terminal runs without the cyclic GC until the first frame is out (a full
collection landing just before it cost the zh first screen 12 ms: benchmarks/bench_tui.py), and
the GC is on again afterwards, whether the app drew its frame or never started."""
from __future__ import annotations

import gc

import pytest

import simulator.store.urls as urls
from simulator.tui import launch
from simulator.tui.welcome_screen import WelcomeScreen
from tests.tui.conftest import screen_text, wait_for


@pytest.fixture(autouse=True)
def gc_left_on():
    """Whatever a test does, the rest of the run has its collector back."""
    yield
    launch.resume_gc()
    assert gc.isenabled()


async def test_the_gc_paused_at_launch_runs_again_once_the_first_screen_is_drawn(make, settings):
    settings.trainee = settings.cohort = ""
    launch.pause_gc_for_start_up()
    assert not gc.isenabled()
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, gc.isenabled, "the GC back on after the first frame")
        assert isinstance(app.screen, WelcomeScreen)
        assert "Your name" in screen_text(app)


def test_a_launch_that_stops_before_its_first_frame_leaves_the_gc_on(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("HOME", str(tmp_path))
    seen = []
    real_check = urls.check_url

    def check_url(url):
        seen.append(gc.isenabled())  # while the app is being built
        return real_check(url)

    monkeypatch.setattr(urls, "check_url", check_url)
    assert launch.run_app(db_url="sqlite:///:memory:") == 2
    assert "in-memory database" in capsys.readouterr().err
    assert seen == [False]
    assert gc.isenabled()


def test_a_gc_the_caller_turned_off_stays_off():
    gc.disable()
    try:
        launch.pause_gc_for_start_up()
        launch.resume_gc()
        assert not gc.isenabled()  # not ours to turn on
    finally:
        gc.enable()
