"""The play-test panel (`mystery-guest play FILE --debug`) driven by Pilot: per reply it shows the
detected acts and evidence, the mood change and why, every transition checked and which fired;
saving the file reloads it, and a broken save shows the errors and keeps the call going.

Uses the TUI tests' keyword stub scorer so the panel contents do not move with the real scorer.
"""
from __future__ import annotations

import os

from simulator.authoring.new_scenario import render
from simulator.settings import ManualClock, Settings
from simulator.tui.app import make_app
from simulator.tui.call_screen import CallScreen
from simulator.tui.widgets.debug_panel import DebugPanel
from tests.tui.conftest import stub_scorer, type_text


def _scenario(tmp_path):
    path = tmp_path / "panel-test.yaml"
    path.write_text(render("vas-refund", "en", path), encoding="utf-8")
    return path


def _app(tmp_path, path):
    settings = Settings(trainee="Tess Trainer", cohort="T1", config_dir=tmp_path / "config", seed=1,
                        clock=ManualClock(1000.0), animate=False, cursor_blink=False, persist=False)
    return make_app(debug_scenario=path, scorer=stub_scorer, settings=settings)


def panel_text(app) -> str:
    panel = app.screen.query_one(DebugPanel)
    return "\n".join(str(getattr(s.content, "plain", s.content)) for s in panel.children)


async def say(pilot, text: str) -> None:
    await type_text(pilot, text)
    await pilot.press("enter")
    await pilot.pause()


def _save(path, text):
    path.write_text(text, encoding="utf-8")
    st = path.stat()
    os.utime(path, (st.st_atime, st.st_mtime + 5))  # a clearly newer mtime, whatever the clock's grain


async def test_panel_explains_each_reply(tmp_path):
    path = _scenario(tmp_path)
    app = _app(tmp_path, path)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        call = app.screen
        assert isinstance(call, CallScreen)
        assert "panel-test.yaml" in panel_text(app)  # says which file it watches

        await say(pilot, "understand, sorry")
        text = panel_text(app)
        assert "acknowledge, apologize" in text                       # detected acts
        assert "acknowledged the caller" in text                      # evidence with its reason
        assert "listening level 2" in text and "empathy level 2" in text  # why the mood moved
        assert "→ venting  (A landmine stings" in text and "✗ a landmine" in text  # one that did not fire
        assert "✗ turns in state >= 2 (was 1)" in text
        assert call.session.state == "venting"

        await say(pilot, "understand sorry, go on")
        text = panel_text(app)
        assert "▶ → demand_cancel" in text                            # the transition that fired
        assert "✓ turns in state >= 2 (was 2)" in text
        assert "venting → demand_cancel" in text
        assert call.session.state == "demand_cancel"
        assert "Concerns addressed:" not in text  # nothing done for him yet

        await say(pilot, "understand sorry, I will cancel it")
        text = panel_text(app)
        assert "Concerns addressed: cancelled" in text                 # the template's concern, by id
        assert "▶ → demand_refund" in text


async def test_panel_reloads_on_save_and_survives_a_broken_file(tmp_path):
    path = _scenario(tmp_path)
    app = _app(tmp_path, path)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        first = app.screen
        await say(pilot, "understand, sorry")

        # A broken save: the errors are shown, the call goes on with the old scenario.
        good = path.read_text(encoding="utf-8")
        _save(path, good.replace("stage: cancel", "stage: cancellation"))
        first._check_reload()
        await pilot.pause()
        assert app.screen is first
        assert "'states.demand_cancel.stage' is 'cancellation'" in panel_text(app)

        # A good save: a fresh call on the edited scenario, with a note in the panel.
        _save(path, good.replace("Fine. Just take it off my account. Today.", "Edited line, reloaded."))
        first._check_reload()
        await pilot.pause()
        second = app.screen
        assert isinstance(second, CallScreen) and second is not first
        assert "panel-test.yaml" in panel_text(app)
        await say(pilot, "understand, sorry")
        await say(pilot, "understand sorry, go on")
        assert second.session.state == "demand_cancel"
        assert second.session.last_customer_line.endswith("Edited line, reloaded.")


async def test_after_a_good_reload_a_broken_save_does_not_leave_the_restarted_note_beside_its_errors(tmp_path):
    path = _scenario(tmp_path)
    app = _app(tmp_path, path)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        good = path.read_text(encoding="utf-8")
        _save(path, good.replace("Fine. Just take it off my account. Today.", "Edited line, reloaded."))
        app.screen._check_reload()
        await pilot.pause()
        assert "the call has restarted" in panel_text(app)
        _save(path, good.replace("stage: cancel", "stage: cancellation"))
        app.screen._check_reload()
        await pilot.pause()
        text = panel_text(app)
        assert "Reload failed; still playing the previous version" in text
        assert "the call has restarted" not in text  # the latest reload is the one shown


def test_the_panel_names_an_offer_s_amount_and_months_in_words():
    """Trial 23 read "Offers: refund 0.45m 18" as cryptic."""
    from scoring.types import Offer
    from simulator.tui.i18n import Catalog
    from simulator.tui.widgets.debug_panel import _offer

    refund = Offer(action="refund", months=0.4512, amount=18.0, all_charges=False, start=0, end=6)
    assert _offer(refund, Catalog("en")) == "refund (amount 18, 0.45 month(s))"
    assert _offer(refund, Catalog("zh")) == "refund (金额 18, 0.45 个月)"
    assert _offer(Offer(action="cancel", months=None, amount=None, all_charges=False, start=0, end=6),
                  Catalog("en")) == "cancel"
