"""Pilot tests: a Chinese call is Chinese throughout. The brief panel names facts by their
`fact_labels` and fills the brief's placeholders; action names, transcript labels, the debrief,
the welcome screen and the Ctrl+C notice all come from the zh catalogue."""
from __future__ import annotations

import re

from simulator.loader import load_scenario
from simulator.tui.widgets.facts_panel import FactsPanel
from tests.tui.conftest import DRILLS, screen_text
from tests.tui.test_call import open_call

# An English word of three or more letters: what must not appear on a zh screen (names aside).
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def drill_zh(**changes):
    sc = load_scenario(DRILLS / "drill-zh.yaml")
    for key, value in changes.items():
        setattr(sc, key, value)
    return sc


async def test_the_brief_panel_of_a_zh_call_names_facts_in_chinese_and_fills_placeholders(make):
    sc = drill_zh(brief="{service}每月扣费{monthly_fee}，客户说从没订过。")
    app = make(library=[sc])
    async with app.run_test(size=(120, 40)) as pilot:
        call = await open_call(pilot, "drill-zh")
        panel = str(call.query_one(FactsPanel).content)
        assert "生活小贴士每月扣费6元，客户说从没订过。" in panel  # placeholders filled
        assert "业务名称：生活小贴士" in panel and "月费：6元" in panel
        assert not ENGLISH_WORD.search(panel), panel
        text = screen_text(app)
        assert "monthly fee" not in text and "service:" not in text and "{service}" not in text


async def test_a_fact_without_a_label_is_shown_as_its_key_in_words(make):
    sc = drill_zh(fact_labels={"service": "业务名称"})
    app = make(library=[sc])
    async with app.run_test(size=(120, 40)) as pilot:
        call = await open_call(pilot, "drill-zh")
        panel = str(call.query_one(FactsPanel).content)
        assert "monthly fee：6元" in panel and "monthly_fee" not in panel
