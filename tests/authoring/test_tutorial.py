"""The tutorial in docs/authoring.md (en) and docs/authoring.zh.md (zh) keeps working.

tests/authoring/tutorial/ holds the scenario a trainer ends with after following section 2
step by step. Every YAML snippet the tutorial asks the trainer to type must appear in it, and
it must lint clean and pass its stories and its model-answer walk with the real scorer.
"""
from __future__ import annotations

import re

import pytest

from simulator.loader import check_file
from simulator.stories import run_stories, walk_model_answers
from tests.authoring.conftest import ROOT

HERE = ROOT / "tests" / "authoring" / "tutorial"
GUIDES = [("authoring.md", "annual-fee.yaml"), ("authoring.zh.md", "annual-fee-zh.yaml")]


def tutorial_snippets(doc: str) -> list[str]:
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    section = text.split("\n## 2. ", 1)[1].split("\n## 3. ", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, flags=re.S)
    return [b for b in blocks if not b.startswith("# yaml-language-server")]


@pytest.mark.parametrize("doc,result", GUIDES)
def test_every_snippet_is_in_the_finished_scenario(doc, result):
    finished = (HERE / result).read_text(encoding="utf-8")
    snippets = tutorial_snippets(doc)
    assert len(snippets) >= 5
    for snippet in snippets:
        assert snippet in finished, f"{doc}: snippet not in {result}:\n{snippet}"


@pytest.mark.parametrize("doc,result", GUIDES)
def test_finished_scenario_lints_clean_and_passes(doc, result):
    sc, diags = check_file(HERE / result)
    assert sc is not None and diags == [], [str(d) for d in diags]
    results = run_stories(sc)
    assert len(results) == 3
    assert all(r.passed for r in results), [r.problem for r in results if not r.passed]
    walk = walk_model_answers(sc)  # `test` counts it as the fourth pass the guide promises
    assert walk.passed, walk.problems


def test_guides_use_the_commands_that_exist(cli):
    """Every `mystery-guest SUBCOMMAND` the guides mention is a real subcommand."""
    from simulator.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for doc, _ in GUIDES:
        text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
        for name in set(re.findall(r"mystery-guest ([a-z][a-z-]+)", text)):
            assert name in sub.choices, f"{doc} mentions unknown command 'mystery-guest {name}'"
