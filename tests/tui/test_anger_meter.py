"""The anger meter's bar keeps its length while the band's name changes (calm, angry, furious;
平静, 愤怒): only its filling moves, so the eye reads the level, not a jumping bar."""
from __future__ import annotations

from textual.app import App, ComposeResult

from simulator.tui.widgets.anger_meter import AngerMeter


class MeterApp(App):
    def compose(self) -> ComposeResult:
        yield AngerMeter("Anger", id="m")


async def test_the_bar_keeps_its_length_whatever_the_band_is_called():
    app = MeterApp()
    async with app.run_test(size=(60, 3)) as pilot:
        meter = app.query_one(AngerMeter)
        lengths = []
        for anger, band in [(10, "calm"), (60, "angry"), (100, "furious"), (90, "暴怒")]:
            meter.anger, meter.band = anger, band
            await pilot.pause()
            plain = meter.render().plain
            lengths.append(plain.count("█") + plain.count("░"))
        assert len(set(lengths)) == 1, lengths
