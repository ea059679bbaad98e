"""The JSON Schema for editors: generated from the model, committed, and never allowed to drift."""
from __future__ import annotations

import dataclasses
import json
import typing

import pytest
import yaml

from simulator import scenario as model
from simulator.authoring.new_scenario import LOCALES, TEMPLATES, render
from simulator.authoring.schema import public_fields, scenario_schema, schema_text
from tests.authoring.conftest import LIBRARY, ROOT
from tests.authoring.minischema import errors

COMMITTED = ROOT / "scenarios" / "scenario.schema.json"
MODEL_CLASSES = [model.Scenario, model.Persona, model.PolicySpec, model.MoodSpec, model.MoodRules, model.BreakingPoint,
                 model.State, model.Transition, model.Condition, model.Ending, model.Story, model.StoryReply]


def test_committed_schema_matches_the_model():
    assert COMMITTED.read_text(encoding="utf-8") == schema_text(), (
        "scenarios/scenario.schema.json is out of date with simulator/scenario.py; regenerate it with\n"
        "  mystery-guest schema -o scenarios/scenario.schema.json")


def test_schema_command_prints_the_same_text(cli, tmp_path):
    code, out, _ = cli("schema")
    assert code == 0 and out == schema_text()
    code, _, _ = cli("schema", "-o", tmp_path / "s.json")
    assert (tmp_path / "s.json").read_text(encoding="utf-8") == schema_text()


def _definition(schema, cls):
    return schema if cls is model.Scenario else schema["definitions"][cls.__name__]


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda c: c.__name__)
def test_every_field_is_described_with_required_keys_and_no_extras(cls):
    schema = scenario_schema()
    d = _definition(schema, cls)
    names = [f.name for f in public_fields(cls)]
    assert list(d["properties"]) == names
    assert d["additionalProperties"] is False
    required = [f.name for f in public_fields(cls)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    assert d.get("required", []) == required
    for f in public_fields(cls):
        assert d["properties"][f.name]["description"] == f.metadata["doc"]


def test_enums_come_from_the_literals():
    schema = scenario_schema()
    assert schema["properties"]["locale"]["enum"] == list(typing.get_args(model.Locale))
    assert schema["definitions"]["State"]["properties"]["stage"]["enum"] == list(typing.get_args(model.Stage))
    assert schema["definitions"]["Ending"]["properties"]["outcome"]["enum"] == list(typing.get_args(model.Outcome))
    assert schema["properties"]["version"]["const"] == model.FORMAT_VERSION


def _library_and_templates(tmp_path_factory):
    docs = {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in LIBRARY}
    where = tmp_path_factory.mktemp("tpl")
    for t in TEMPLATES:
        for loc in LOCALES:
            docs[f"{t}.{loc}"] = yaml.safe_load(render(t, loc, where / f"{t}-{loc}.yaml"))
    return docs


def test_library_and_templates_validate_against_the_schema(tmp_path_factory):
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    for name, doc in _library_and_templates(tmp_path_factory).items():
        assert errors(doc, schema) == [], name


@pytest.mark.parametrize("mutate,expected", [
    (lambda d: d.update(titel="x"), "unknown key 'titel'"),
    (lambda d: d.update(locale="fr"), "'fr' not in"),
    (lambda d: d.pop("endings"), "missing required 'endings'"),
    (lambda d: d["states"]["opening"].update(stage="anger"), "'anger' not in"),
    (lambda d: d["states"]["opening"]["transitions"][0]["when"].update(mood_abov=3), "unknown key 'mood_abov'"),
    (lambda d: d.update(version=2), "is not 1"),
    (lambda d: d.update(reactions={"shout": ["x"]}), "'shout' not in"),
])
def test_schema_rejects_what_the_loader_rejects(tmp_path, mutate, expected):
    schema = scenario_schema()
    doc = yaml.safe_load(render("blank", "en", tmp_path / "b.yaml"))
    assert errors(doc, schema) == []
    mutate(doc)
    problems = errors(doc, schema)
    assert any(expected in p for p in problems), problems
