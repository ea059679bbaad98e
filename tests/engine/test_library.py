"""The bundled scenario library: clean under lint, every story passes, as a trainer's CI would check."""
from __future__ import annotations

import pytest

from simulator.loader import bundled_dir, check_file, scenario_files
from simulator.stories import run_story

FILES = scenario_files([bundled_dir()])
LIBRARY = [(f, check_file(f)) for f in FILES]


def test_library_has_scenarios_in_both_languages():
    locales = [sc.locale for _, (sc, _) in LIBRARY if sc]
    assert locales.count("zh") >= 4 and locales.count("en") >= 4, locales


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_scenario_lints_clean(path):
    sc, diags = check_file(path)
    assert [str(d) for d in diags] == []
    assert len(sc.states) >= 6 and len(sc.endings) >= 3
    assert {e.outcome for e in sc.endings.values()} >= {"resolved", "escalated", "hung_up"}


STORIES = [(sc, story) for _, (sc, _) in LIBRARY if sc for story in sc.stories]


@pytest.mark.parametrize("sc,story", STORIES, ids=[f"{sc.id}:{st.name}" for sc, st in STORIES])
def test_story(sc, story):
    result = run_story(sc, story)
    assert result.passed, f"{result.problem}; path {' -> '.join(result.path)}"


def test_every_scenario_has_a_skilled_and_a_failing_story():
    for _, (sc, _) in LIBRARY:
        if sc is None:
            continue
        outcomes = {sc.endings[s.ending].outcome for s in sc.stories}
        assert "resolved" in outcomes, sc.id
        assert outcomes & {"escalated", "hung_up"}, sc.id
