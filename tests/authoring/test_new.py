"""`mystery-guest new`: every template in every locale gives a scenario that lints clean and
passes its own stories and its model-answer walk, named after its file, pointing the editor at
the schema."""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml

from simulator.authoring.new_scenario import (LOCALES, TEMPLATES, id_from_filename, render,
                                              schema_reference, template_path, title_from_filename)
from simulator.loader import check_file
from simulator.stories import run_stories, walk_model_answers

COMBOS = list(itertools.product(TEMPLATES, LOCALES))


def test_every_template_exists_in_both_locales():
    for template, locale in COMBOS:
        assert template_path(template, locale).is_file(), (template, locale)


@pytest.mark.parametrize("template,locale", COMBOS)
def test_generated_scenario_lints_clean(cli, tmp_path, template, locale):
    target = tmp_path / f"my-{template}-call.yaml"
    code, out, err = cli("new", target, "--locale", locale, "--template", template)
    assert code == 0, out + err
    sc, diags = check_file(target)
    assert sc is not None and diags == [], [str(d) for d in diags]
    assert sc.locale == locale
    assert sc.id == f"my-{template}-call"
    assert "__" not in target.read_text(encoding="utf-8")  # every token filled in


@pytest.mark.parametrize("template,locale", COMBOS)
def test_generated_scenario_passes_its_own_stories(tmp_path, template, locale):
    target = tmp_path / f"story-{template}.yaml"
    target.write_text(render(template, locale, target), encoding="utf-8")
    sc, _ = check_file(target)
    results = run_stories(sc)
    assert len(results) >= 2
    failing = [f"{r.story.name}: {r.problem} (path {' -> '.join(r.path)})" for r in results if not r.passed]
    assert not failing, failing


@pytest.mark.parametrize("template,locale", COMBOS)
def test_typing_a_generated_scenario_s_model_answers_wins_it(tmp_path, template, locale):
    """Trainers copy the templates' model answers: before the walk, the refund template's venting
    answer was typed twice (one answer for a state that needs two replies: a repeat, listening 0),
    its closing tip read as cold, and the Chinese one's "另外提醒您一句" as a veiled threat."""
    target = tmp_path / f"walk-{template}.yaml"
    target.write_text(render(template, locale, target), encoding="utf-8")
    sc, _ = check_file(target)
    walk = walk_model_answers(sc)
    assert walk.passed, (walk.problems, walk.path)
    assert sc.endings[walk.ending].outcome == "resolved"


@pytest.mark.parametrize("template,locale", COMBOS)
def test_generated_file_carries_the_schema_modeline(tmp_path, template, locale):
    target = tmp_path / "deep" / "x.yaml"
    target.parent.mkdir()
    text = render(template, locale, target)
    first = text.splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    schema = (target.parent / first.split("$schema=", 1)[1]).resolve()
    assert schema.name == "scenario.schema.json" and schema.is_file()
    assert yaml.safe_load(text)["title"] == "X"


def test_a_schema_in_the_trainers_folder_wins(tmp_path):
    (tmp_path / "scenario.schema.json").write_text("{}")
    (tmp_path / "team").mkdir()
    assert schema_reference(tmp_path / "team" / "a.yaml") == "../scenario.schema.json"
    assert schema_reference(tmp_path / "b.yaml") == "./scenario.schema.json"


def test_names_come_from_the_file_name():
    assert id_from_filename(Path("Refund Call_2.yaml")) == "refund-call_2"
    assert title_from_filename(Path("refund-call_2.yaml")) == "Refund call 2"
    assert id_from_filename(Path("退费演练.yaml")) == "new-scenario"  # ids are ASCII; the title keeps the name
    assert title_from_filename(Path("退费演练.yaml")) == "退费演练"


def test_new_refuses_to_overwrite(cli, tmp_path):
    target = tmp_path / "a.yaml"
    target.write_text("keep me")
    code, _, err = cli("new", target, "--locale", "en")
    assert code == 1 and "already exists" in err
    assert target.read_text() == "keep me"
    code, _, _ = cli("new", target, "--locale", "en", "--force")
    assert code == 0 and "keep me" not in target.read_text()


def test_new_wants_a_yaml_name_and_a_locale(cli, tmp_path):
    code, _, err = cli("new", tmp_path / "a.txt", "--locale", "zh")
    assert code == 2 and ".yaml" in err
    with pytest.raises(SystemExit):
        cli("new", tmp_path / "a.yaml")  # --locale is required


def test_new_tells_the_next_steps(cli, tmp_path):
    code, out, _ = cli("new", tmp_path / "a.yaml", "--locale", "zh", "--template", "blank")
    assert code == 0
    assert "mystery-guest test" in out and "mystery-guest play" in out


def test_new_files_in_one_folder_get_ids_of_their_own_and_lint_clean_together(cli, tmp_path):
    """A name with no letters a-z or digits cannot give an id: the second such file is numbered,
    and `new` says to choose an id; a name whose id the folder already uses is numbered too."""
    code, out, err = cli("new", tmp_path / "投诉一.yaml", "--locale", "zh")
    assert code == 0, err
    assert "id 'new-scenario'" in out and "no letters a-z or digits" in out
    code, out, err = cli("new", tmp_path / "投诉二.yaml", "--locale", "zh")
    assert code == 0, err
    assert "id 'new-scenario-2'" in out
    (tmp_path / "sub").mkdir()
    code, out, err = cli("new", tmp_path / "refund.yaml", "--locale", "en")
    assert code == 0 and "id 'refund'" in out and "note:" not in out
    code, out, err = cli("new", tmp_path / "Refund!.yml", "--locale", "en")
    assert code == 0 and "id 'refund-2'" in out and "already has the id 'refund'" in out
    code, out, err = cli("new", tmp_path / "refund.yaml", "--locale", "en", "--force")
    assert code == 0 and "id 'refund'" in out  # overwriting a file frees its own id
    ids = [check_file(f)[0].id for f in sorted(tmp_path.glob("*.y*ml"))]
    assert len(ids) == len(set(ids)) == 4
    code, out, err = cli("lint", tmp_path)
    assert code == 0 and "4 file(s): 0 error(s)" in err, out + err
