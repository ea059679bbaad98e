"""A small JSON Schema (draft-07) checker for the keywords our generated schema uses.

jsonschema is not a dependency; this covers type, enum, const, properties, required,
additionalProperties, propertyNames, items, anyOf, allOf, $ref, pattern, minimum, maximum,
minItems and maxItems, and fails loudly on any other keyword so it cannot pass by ignoring one.
"""
from __future__ import annotations

import re

KNOWN = {"type", "enum", "const", "properties", "required", "additionalProperties", "propertyNames",
         "items", "anyOf", "allOf", "$ref", "pattern", "minimum", "maximum", "minItems", "maxItems",
         "description", "default", "title", "$schema", "definitions"}
TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}


def errors(value, schema, root=None, path="$") -> list[str]:
    """Every way `value` breaks `schema`, as 'path: problem' strings (empty when valid)."""
    root = root or schema
    unknown = set(schema) - KNOWN
    assert not unknown, f"minischema does not understand {unknown} at {path}"
    out: list[str] = []
    if "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        out += errors(value, root["definitions"][name], root, path)
    if "type" in schema and not TYPES[schema["type"]](value):
        return out + [f"{path}: expected {schema['type']}, got {value!r}"]
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path}: {value!r} not in {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        out.append(f"{path}: {value!r} is not {schema['const']!r}")
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        out.append(f"{path}: {value!r} does not match {schema['pattern']}")
    if "minimum" in schema and TYPES["number"](value) and value < schema["minimum"]:
        out.append(f"{path}: {value} < {schema['minimum']}")
    if "maximum" in schema and TYPES["number"](value) and value > schema["maximum"]:
        out.append(f"{path}: {value} > {schema['maximum']}")
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            out.append(f"{path}: fewer than {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            out.append(f"{path}: more than {schema['maxItems']} items")
        if "items" in schema:
            for i, item in enumerate(value):
                out += errors(item, schema["items"], root, f"{path}[{i}]")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                out.append(f"{path}: missing required '{key}'")
        if "propertyNames" in schema:
            for key in value:
                out += errors(key, schema["propertyNames"], root, f"{path}.<{key}>")
        for key, item in value.items():
            if key in props:
                out += errors(item, props[key], root, f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                out.append(f"{path}: unknown key '{key}'")
            elif isinstance(schema.get("additionalProperties"), dict):
                out += errors(item, schema["additionalProperties"], root, f"{path}.{key}")
    for sub in schema.get("allOf", []):
        out += errors(value, sub, root, path)
    if "anyOf" in schema and not any(not errors(value, sub, root, path) for sub in schema["anyOf"]):
        out.append(f"{path}: {value!r} matches none of the allowed forms")
    return out
