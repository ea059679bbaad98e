"""Safe YAML reading that keeps source positions.

Scenario files are composed (not constructed) with PyYAML's SafeLoader so every value
keeps the line:col the parser gave it; nothing in a file is ever evaluated or imported.
Limits keep a hostile or broken file from hanging the process: size, nesting depth and
the number of nodes an alias bomb could expand to.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 200_000

STANDARD_TAGS = {"str", "int", "float", "bool", "null", "map", "seq", "merge", "timestamp", "binary"}
Path = tuple  # a path into the document: keys and list indexes


@dataclass(frozen=True)
class Mark:
    line: int  # 1-based
    col: int   # 1-based


class YamlLimitError(Exception):
    def __init__(self, message: str, mark: Mark | None = None):
        super().__init__(message)
        self.mark = mark


class _DepthLimitedLoader(yaml.SafeLoader):
    """SafeLoader whose composer refuses documents nested deeper than MAX_DEPTH."""

    _depth = 0

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _too_deep(self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _too_deep(m) -> YamlLimitError:
    return YamlLimitError(f"nesting deeper than {MAX_DEPTH} levels; scenario files are never that deep",
                          Mark(m.line + 1, m.column + 1))


def _check_depth(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH without building (or recursing into) the tree."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, _OPEN):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _too_deep(event.start_mark)
            elif isinstance(event, _CLOSE):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        # Newer libyaml (PyYAML 6.0.3+) stops at its own limit (1,000 flow levels) before our
        # count reaches MAX_DEPTH: the same problem, so the same message whatever libyaml does.
        if "nesting depth" in (exc.problem or ""):
            raise _too_deep(exc.problem_mark or exc.context_mark) from None
        raise


@dataclass
class Document:
    """Plain Python data plus a map from document path to the position of each value and key."""

    data: Any
    value_marks: dict[Path, Mark]
    key_marks: dict[Path, Mark]
    duplicate_keys: list[tuple[Path, Mark]]
    bad_tags: list[tuple[str, Mark]] = None  # type: ignore[assignment]

    def mark(self, path: Path, *, key: bool = False) -> Mark | None:
        """Position of the value (or, with key=True, the key) at `path`, else of its nearest parent."""
        if key and path in self.key_marks:
            return self.key_marks[path]
        p = tuple(path)
        while True:
            if p in self.value_marks:
                return self.value_marks[p]
            if not p:
                return None
            p = p[:-1]


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def read_document(text: str) -> Document:
    """Parse one YAML document into plain data with positions. Raises yaml.YAMLError or YamlLimitError."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise YamlLimitError(
            f"file is {len(text.encode('utf-8', 'surrogatepass')) / 1e6:.1f} MB; "
            f"scenario files are limited to {MAX_FILE_BYTES // (1024 * 1024)} MB"
        )
    if getattr(yaml, "__with_libyaml__", False):
        # libyaml is ~6x faster (the app lints the library at start); its composer recurses
        # in C, so the depth limit is checked first on its flat stream of events.
        _check_depth(text)
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
    else:
        loader = _DepthLimitedLoader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    doc = Document(None, {}, {}, [], [])
    if root is None:
        return doc
    count = [0]
    constructor = yaml.SafeLoader(  # used only to turn scalar nodes into ints, floats, bools...
        ""
    )

    def walk(node: yaml.Node, path: Path, depth: int) -> Any:
        count[0] += 1
        if count[0] > MAX_NODES:
            raise YamlLimitError(f"more than {MAX_NODES} values (an alias bomb?)", _mark(node))
        doc.value_marks[path] = _mark(node)
        if node.tag.startswith("!") or (node.tag.startswith("tag:yaml.org,2002:")
                                        and node.tag[18:] not in STANDARD_TAGS):
            # e.g. !!python/object: never constructed; reported, and the value read as plain data
            doc.bad_tags.append((node.tag.replace("tag:yaml.org,2002:", "!!"), _mark(node)))
            node.tag = {yaml.ScalarNode: "tag:yaml.org,2002:str", yaml.SequenceNode: "tag:yaml.org,2002:seq",
                        yaml.MappingNode: "tag:yaml.org,2002:map"}[type(node)]
        if isinstance(node, yaml.MappingNode):
            constructor.flatten_mapping(node)  # resolve '<<' merge keys
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = constructor.construct_object(key_node, deep=True) if isinstance(
                    key_node, yaml.ScalarNode) else str(key_node.value)
                if not isinstance(key, (str, int, float, bool)) and key is not None:
                    key = str(key)
                kpath = path + (key,)
                if key in out:
                    doc.duplicate_keys.append((kpath, _mark(key_node)))
                doc.key_marks[kpath] = _mark(key_node)
                out[key] = walk(value_node, kpath, depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [walk(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return constructor.construct_object(node, deep=True)

    doc.data = walk(root, (), 0)
    constructor.dispose()
    return doc
