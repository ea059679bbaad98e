"""The JSON Schema for scenario files, generated from the model in simulator/scenario.py.

The dataclasses are the single source of truth: each field's type hint becomes a schema
type, its `doc` metadata the description an editor shows on hover, its default the
default offered on completion. The committed copy lives in scenarios/scenario.schema.json
and a test fails when it drifts from the model (regenerate with `mystery-guest schema -o ...`).

Draft-07 is used because it is the draft yaml-language-server (VS Code's YAML extension)
supports best. The schema checks shape and vocabulary; the loader still does the checks a
schema cannot (targets, reachability, placeholders), so `mystery-guest lint` stays the judge.
"""
from __future__ import annotations

import dataclasses
import json
import types
import typing
from typing import Any, Literal, Union

from scoring.types import ACTIONS, ACTS, DIMENSIONS, LANDMINES, MAX_LEVEL
from simulator import scenario as model

SCHEMA_FILE_NAME = "scenario.schema.json"
DRAFT = "http://json-schema.org/draft-07/schema#"

# Vocabulary the type hints cannot express (they are plain `str`), keyed by (class, field).
# A scenario may declare extra actions, so action and act names also accept other text:
# the enum drives completion, the loader reports names it does not know.
_ACT_ITEM = {"anyOf": [{"enum": list(ACTS)}, {"type": "string", "pattern": "^(offer|decline):[A-Za-z0-9_]+$"}]}
_ACTION_ITEM = {"anyOf": [{"enum": list(ACTIONS)}, {"type": "string"}]}
_REACTION_KEYS = list(LANDMINES) + list(model.EVENT_REACTIONS)


def _levels(cls_field: str) -> dict[str, Any]:
    lowest = 1 if cls_field == "levels_below" else 0
    highest = {d: MAX_LEVEL[d] + (cls_field == "levels_below") for d in DIMENSIONS}
    return {"properties": {d: {"type": "integer", "minimum": lowest, "maximum": highest[d]} for d in DIMENSIONS},
            "propertyNames": {"enum": list(DIMENSIONS)}}


_VOCABULARY: dict[tuple[str, str], dict[str, Any]] = {
    ("Condition", "acts"): {"items": _ACT_ITEM},
    ("Condition", "any_acts"): {"items": _ACT_ITEM},
    ("Condition", "no_acts"): {"items": _ACT_ITEM},
    ("Condition", "levels"): _levels("levels"),
    ("Condition", "levels_below"): _levels("levels_below"),
    ("Condition", "mood_above"): {"minimum": 0, "maximum": 100},
    ("Condition", "mood_below"): {"minimum": 0, "maximum": 100},
    ("Concern", "acts"): {"items": _ACT_ITEM},
    ("Concern", "offers"): {"items": _ACTION_ITEM},
    ("Story", "service_level"): {"minimum": 0, "maximum": 5},
    ("PolicySpec", "allow"): {"items": _ACTION_ITEM},
    ("PolicySpec", "forbid"): {"items": _ACTION_ITEM},
    ("PolicySpec", "refund_max_months"): {"minimum": 0},
    ("PolicySpec", "refund_max_amount"): {"minimum": 0},
    ("PolicySpec", "compensation_max_amount"): {"minimum": 0},
    ("Scenario", "reactions"): {"propertyNames": {"enum": _REACTION_KEYS}},
    ("State", "reactions"): {"propertyNames": {"enum": _REACTION_KEYS}},
    ("Scenario", "version"): {"const": model.FORMAT_VERSION},
    ("Scenario", "id"): {"pattern": "^[A-Za-z0-9][A-Za-z0-9_-]*$"},
    ("Scenario", "difficulty"): {"minimum": 1, "maximum": 5},
    ("Persona", "patience"): {"minimum": 1, "maximum": 5},
    ("MoodSpec", "start"): {"minimum": 0, "maximum": 100},
    ("Ending", "service_level"): {"minimum": 0, "maximum": 5},
    ("MoodRules", "listening"): {"minItems": 3, "maxItems": 3},
    ("MoodRules", "empathy"): {"minItems": 3, "maxItems": 3},
    ("Persona", "silence_seconds"): {"minimum": 0},
    ("Persona", "exam_silence_seconds"): {"minimum": 0},
    ("BreakingPoint", "landmines"): {"minimum": 0},
    ("BreakingPoint", "top_band_turns"): {"minimum": 0},
}
# Where a Literal list is used for landmine categories (Condition.landmine's list branch).
_LANDMINE_LIST = ("Condition", "landmine")


def public_fields(cls: type) -> list[dataclasses.Field]:
    """The fields a scenario file may set (loader-filled ones such as `source` left out)."""
    return [f for f in dataclasses.fields(cls) if not f.metadata.get("internal")]


def field_default(f: dataclasses.Field) -> Any:
    """The field's default as plain JSON data, or dataclasses.MISSING when it has none."""
    if f.default is not dataclasses.MISSING:
        value = f.default
    elif f.default_factory is not dataclasses.MISSING:
        value = f.default_factory()
    else:
        return dataclasses.MISSING
    if dataclasses.is_dataclass(value):
        value = dataclasses.asdict(value)
    try:
        json.dumps(value)
    except TypeError:
        return dataclasses.MISSING
    return value


def is_required(f: dataclasses.Field) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def _class_doc(cls: type) -> str:
    doc = (cls.__doc__ or "").strip()
    # dataclasses invent a docstring "Name(field: type, ...)" when there is none: not for humans.
    return "" if doc.startswith(cls.__name__ + "(") else doc


class _Builder:
    def __init__(self) -> None:
        self.definitions: dict[str, Any] = {}

    def type_schema(self, tp: Any, where: tuple[str, str] | None = None) -> dict[str, Any]:
        origin = typing.get_origin(tp)
        if tp is str:
            return {"type": "string"}
        if tp is bool:
            return {"type": "boolean"}
        if tp is int:
            return {"type": "integer"}
        if tp is float:
            return {"type": "number"}
        if tp is type(None):
            return {"type": "null"}
        if origin is Literal:
            return {"enum": list(typing.get_args(tp))}
        if origin is list:
            (item,) = typing.get_args(tp)
            items = self.type_schema(item)
            if where == _LANDMINE_LIST and item is str:
                items = {"enum": list(LANDMINES)}
            return {"type": "array", "items": items}
        if origin is dict:
            _, value = typing.get_args(tp)
            return {"type": "object", "additionalProperties": self.type_schema(value)}
        if origin in (Union, types.UnionType):
            return {"anyOf": [self.type_schema(a, where) for a in typing.get_args(tp)]}
        if dataclasses.is_dataclass(tp):
            return {"$ref": f"#/definitions/{self.define(tp)}"}
        raise TypeError(f"no JSON Schema for type {tp!r}")

    def object_schema(self, cls: type) -> dict[str, Any]:
        hints = typing.get_type_hints(cls, vars(model))
        props: dict[str, Any] = {}
        for f in public_fields(cls):
            where = (cls.__name__, f.name)
            prop = self.type_schema(hints[f.name], where)
            extra = _VOCABULARY.get(where, {})
            if "anyOf" in prop and extra:
                # Put the vocabulary on the branch of the union it is about (e.g. the list).
                for branch in prop["anyOf"]:
                    if branch.get("type") in ("array", "object", "integer", "number", "string"):
                        branch.update(extra)
            else:
                prop.update(extra)
            if "$ref" in prop:
                # Draft-07 ignores keywords beside a $ref, so the description goes on a wrapper.
                prop = {"allOf": [prop]}
            text = f.metadata.get("doc", "")
            prop = {"description": text, **prop} if text else prop
            default = field_default(f)
            if default is not dataclasses.MISSING and default is not None:
                prop["default"] = default
            props[f.name] = prop
        schema: dict[str, Any] = {"type": "object"}
        if _class_doc(cls):
            schema["description"] = _class_doc(cls)
        schema["properties"] = props
        required = [f.name for f in public_fields(cls) if is_required(f)]
        if required:
            schema["required"] = required
        schema["additionalProperties"] = False
        return schema

    def define(self, cls: type) -> str:
        if cls.__name__ not in self.definitions:
            self.definitions[cls.__name__] = {}  # placeholder first: guards against recursion
            self.definitions[cls.__name__] = self.object_schema(cls)
        return cls.__name__


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema (draft-07) of a scenario file, built from simulator.scenario's dataclasses."""
    builder = _Builder()
    top = builder.object_schema(model.Scenario)
    builder.define(model.Scenario)  # registers the nested types in a stable order
    definitions = {k: v for k, v in builder.definitions.items() if k != "Scenario"}
    return {
        "$schema": DRAFT,
        "title": f"Mystery Guest scenario (format v{model.FORMAT_VERSION})",
        "description": "A role-play call for contact-centre trainees: the caller's states, lines, "
                       "mood model, policy, endings and test stories. Reference: docs/scenario-format.md.",
        **{k: v for k, v in top.items()},
        "definitions": definitions,
    }


def schema_text() -> str:
    """The schema as the text committed in scenarios/ (stable key order, trailing newline)."""
    return json.dumps(scenario_schema(), ensure_ascii=False, indent=2) + "\n"


def bundled_schema_path():
    """Where the committed schema lives: next to the bundled scenario library."""
    from simulator.loader import bundled_dir

    return bundled_dir() / SCHEMA_FILE_NAME
