"""Safe YAML reading that keeps source positions.

Scenario files are read as a stream of parser events (PyYAML's libyaml parser when it is
installed) and built into plain data in one pass, so every value keeps the line:col the parser
gave it; nothing in a file is ever constructed as an object, evaluated or imported. Limits keep a
hostile or broken file from hanging the process: size, nesting depth and the number of values an
alias bomb could expand to.

One pass matters: `mystery-guest lint` of a 1,000-file library used to parse each file twice
(a depth check, then composing a node tree) and walk the tree a third time. A file that uses
what the one pass does not handle (merge keys `<<`, keys that are lists or mappings, an
alias that is undefined or refers to itself, a repeated anchor, several documents) is read
the older way, node by node, which gives the same data and the same errors.
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
    value_marks: dict[Path, Any]  # the parser's marks (0-based), turned into Mark by mark()
    key_marks: dict[Path, Any]
    duplicate_keys: list[tuple[Path, Mark]]
    bad_tags: list[tuple[str, Mark]] = None  # type: ignore[assignment]

    def mark(self, path: Path, *, key: bool = False) -> Mark | None:
        """Position of the value (or, with key=True, the key) at `path`, else of its nearest parent."""
        if key and path in self.key_marks:
            m = self.key_marks[path]
            return Mark(m.line + 1, m.column + 1)
        p = tuple(path)
        while True:
            if p in self.value_marks:
                m = self.value_marks[p]
                return Mark(m.line + 1, m.column + 1)
            if not p:
                return None
            p = p[:-1]


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def _bad_tag(tag: str) -> bool:
    """A tag that would construct something other than plain data (e.g. !!python/object)."""
    return tag.startswith("!") or (tag.startswith("tag:yaml.org,2002:") and tag[18:] not in STANDARD_TAGS)


def read_document(text: str) -> Document:
    """Parse one YAML document into plain data with positions. Raises yaml.YAMLError or YamlLimitError."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        raise YamlLimitError(
            f"file is {size / 1e6:.1f} MB; scenario files are limited to {MAX_FILE_BYTES // (1024 * 1024)} MB"
        )
    try:
        return _read_events(text)
    except _NeedsNodes:
        return _read_nodes(text)


# --------------------------------------------------------------------------- one pass over events
class _NeedsNodes(Exception):
    """The file uses YAML the event pass leaves to the node reader (see the module docstring)."""


_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_Scalar, _SeqStart, _MapStart = yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent
_SeqEnd, _MapEnd, _Alias = yaml.SequenceEndEvent, yaml.MappingEndEvent, yaml.AliasEvent
_DocStart, _StreamEnd = yaml.DocumentStartEvent, yaml.StreamEndEvent


def _implicit_tag(value: str, resolvers: dict) -> str:
    """The tag of a plain (unquoted) scalar: Resolver.resolve for a ScalarNode, without the node."""
    for tag, regexp in resolvers.get(value[0] if value else "", ()):
        if regexp.match(value):
            return tag
    for tag, regexp in resolvers.get(None, ()):
        if regexp.match(value):
            return tag
    return _STR


def _parser(text: str):
    """A loader whose parser gives events one by one (and whose constructor builds odd scalars)."""
    if getattr(yaml, "__with_libyaml__", False):
        return yaml.CSafeLoader(text)  # libyaml: ~6x faster; its event stream is flat, never recursive
    return yaml.SafeLoader(text)


def _read_events(text: str) -> Document:
    """Plain data, marks, duplicate keys and refused tags, built from the parser's events in one pass.

    Aliases are expanded by replaying the anchored value's events at the alias's place, so they
    are counted (alias bombs) and positioned exactly as the node reader does."""
    loader = _parser(text)
    try:
        return _build(loader)
    except yaml.MarkedYAMLError as exc:
        # Newer libyaml (PyYAML 6.0.3+) stops at its own limit (1,000 flow levels) before our
        # count reaches MAX_DEPTH: the same problem, so the same message whatever libyaml does.
        if "nesting depth" in (exc.problem or ""):
            raise _too_deep(exc.problem_mark or exc.context_mark) from None
        raise
    finally:
        loader.dispose()


def _build(loader) -> Document:
    doc = Document(None, {}, {}, [], [])
    value_marks, key_marks = doc.value_marks, doc.key_marks
    next_event = loader.get_event
    resolvers = loader.yaml_implicit_resolvers
    # Plain text whose first character no implicit resolver looks at (most of a file) is text
    # without asking; a resolver for any first character (None) means asking every time.
    resolved_firsts = set(resolvers) - {""}
    ask_always = None in resolvers
    anchors: dict[str, list] = {}
    replays: list = []          # iterators over anchored events being replayed (aliases), innermost last
    recording: list = []        # [events, depth] of anchored containers still open
    stack: list[list] = []      # open containers: [container, path, is_mapping]
    container = None            # the innermost open container (stack[-1][0]) ...
    path: Path = ()             # ... its path ...
    in_mapping = False          # ... and whether it is a mapping
    key: Any = _NO_KEY          # in a mapping: the key whose value comes next
    depth = 0                   # nesting in the file itself (aliases not expanded), for MAX_DEPTH
    count = 0
    seen_document = False
    scalars: dict[tuple[str, str], Any] = {}  # (tag, text) -> value, for ints, floats, bools, nulls
    plain_tags: dict[str, str] = {}  # plain text -> its implicit tag (keys such as `to`, `note` repeat)

    while True:
        if replays:
            event = next(replays[-1], None)
            if event is None:
                replays.pop()
                continue
            replayed = True
        else:
            event = next_event()
            replayed = False
            if recording:
                for rec in recording:
                    rec[0].append(event)
        cls = type(event)

        if cls is _Scalar:
            tag = event.tag
            text = event.value
            if in_mapping and key is _NO_KEY:  # a key
                if event.anchor is not None:
                    raise _NeedsNodes  # an anchored key
                if tag is None or tag == "!":
                    if not event.implicit[0] or (text and text[0] not in resolved_firsts and not ask_always):
                        key = text
                    else:
                        tag = plain_tags.get(text) or plain_tags.setdefault(text, _implicit_tag(text, resolvers))
                        if tag == _MERGE:
                            raise _NeedsNodes  # `<<`: merged keys come first, whatever their place
                        key = text if tag == _STR else _construct(loader, tag, event, scalars)
                else:
                    key = loader.construct_object(yaml.ScalarNode(tag, text, event.start_mark, event.end_mark,
                                                                  event.style), deep=True)
                if key.__class__ is not str and not isinstance(key, (int, float, bool)) and key is not None:
                    key = str(key)
                kpath = path + (key,)
                if key in container:
                    doc.duplicate_keys.append((kpath, _event_mark(event)))
                key_marks[kpath] = event.start_mark
                continue
            if event.anchor is not None and not replayed:
                if event.anchor in anchors:
                    raise _NeedsNodes  # a repeated anchor: the node reader refuses it with both places
                anchors[event.anchor] = [event]
            if tag is None or tag == "!":
                if not event.implicit[0] or (text and text[0] not in resolved_firsts and not ask_always):
                    value = text
                else:
                    tag = plain_tags.get(text) or plain_tags.setdefault(text, _implicit_tag(text, resolvers))
                    value = text if tag == _STR else _construct(loader, tag, event, scalars)
            elif _bad_tag(tag):
                # e.g. !!python/object: never constructed; reported, and the value read as text
                doc.bad_tags.append((tag.replace("tag:yaml.org,2002:", "!!"), _event_mark(event)))
                value = text
            else:
                value = text if tag == _STR else _construct(loader, tag, event, scalars)
            count += 1
            if count > MAX_NODES:
                raise YamlLimitError(f"more than {MAX_NODES} values (an alias bomb?)", _event_mark(event))
            if in_mapping:
                vpath = path + (key,)
                container[key] = value
                key = _NO_KEY
            elif container is not None:
                vpath = path + (len(container),)
                container.append(value)
            elif seen_document and doc.data is None and not value_marks:
                vpath = ()
                doc.data = value
            else:
                raise _NeedsNodes
            value_marks[vpath] = event.start_mark
            continue

        if cls is _MapStart or cls is _SeqStart:
            if in_mapping and key is _NO_KEY:
                raise _NeedsNodes  # a list or mapping as a key
            if event.anchor is not None and not replayed:
                if event.anchor in anchors:
                    raise _NeedsNodes
                anchors[event.anchor] = events = [event]
                recording.append([events, depth])
            tag = event.tag
            if tag is not None and tag != "!" and _bad_tag(tag):
                doc.bad_tags.append((tag.replace("tag:yaml.org,2002:", "!!"), _event_mark(event)))
            if not replayed:
                depth += 1
                if depth > MAX_DEPTH:
                    raise _too_deep(event.start_mark)
            count += 1
            if count > MAX_NODES:
                raise YamlLimitError(f"more than {MAX_NODES} values (an alias bomb?)", _event_mark(event))
            value = {} if cls is _MapStart else []
            if in_mapping:
                vpath = path + (key,)
                container[key] = value
            elif container is not None:
                vpath = path + (len(container),)
                container.append(value)
            elif seen_document and doc.data is None and not value_marks:
                vpath = ()
                doc.data = value
            else:
                raise _NeedsNodes
            value_marks[vpath] = event.start_mark
            stack.append([container, path, in_mapping])
            container, path, in_mapping, key = value, vpath, cls is _MapStart, _NO_KEY
            continue

        if cls is _MapEnd or cls is _SeqEnd:
            container, path, in_mapping = stack.pop()
            key = _NO_KEY
            if not replayed:
                depth -= 1
                if recording and recording[-1][1] == depth:
                    recording.pop()
            continue

        if cls is _Alias:
            if in_mapping and key is _NO_KEY:
                raise _NeedsNodes  # an alias as a key
            events = anchors.get(event.anchor)
            if events is None or any(rec[0] is events for rec in recording):
                raise _NeedsNodes  # undefined, or inside its own anchor
            replays.append(iter(events))
            continue

        if cls is _StreamEnd:
            break
        if cls is _DocStart:
            if seen_document:
                raise _NeedsNodes  # several documents: the node reader says which is extra
            seen_document = True
    return doc


_NO_KEY = object()
_IMMUTABLE_TAGS = {"tag:yaml.org,2002:" + t for t in ("null", "bool", "int", "float")}


def _construct(loader, tag: str, event, cache: dict) -> Any:
    """A scalar of another tag than text (int, float, bool, null, timestamp...), as SafeLoader builds it."""
    key = (tag, event.value)
    if key in cache:
        return cache[key]
    value = loader.construct_object(yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark,
                                                    event.style), deep=True)
    if tag in _IMMUTABLE_TAGS:
        cache[key] = value
    return value


def _event_mark(event) -> Mark:
    return Mark(event.start_mark.line + 1, event.start_mark.column + 1)


# --------------------------------------------------------------------------- node by node
def _read_nodes(text: str) -> Document:
    """The node reader, for YAML the event pass leaves to it: merge keys, complex keys, odd anchors."""
    if getattr(yaml, "__with_libyaml__", False):
        # libyaml's composer recurses in C, so the depth limit is checked first on its flat stream of events.
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
        doc.value_marks[path] = node.start_mark
        if _bad_tag(node.tag):
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
                doc.key_marks[kpath] = key_node.start_mark
                out[key] = walk(value_node, kpath, depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [walk(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return constructor.construct_object(node, deep=True)

    doc.data = walk(root, (), 0)
    constructor.dispose()
    return doc
