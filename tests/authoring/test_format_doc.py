"""docs/scenario-format.md: its field tables list every key of the model and are current,
and its complete annotated example lints clean and passes its own stories."""
from __future__ import annotations

import dataclasses
import re
import typing

from simulator import scenario as model
from simulator.authoring.reference import END, SECTIONS, START, update
from simulator.authoring.schema import public_fields
from simulator.loader import check_text
from simulator.stories import run_stories
from tests.authoring.conftest import ROOT

DOC = ROOT / "docs" / "scenario-format.md"


def _model_classes() -> set[type]:
    """Every dataclass reachable from Scenario through its fields' type hints."""
    seen: set[type] = set()
    todo = [model.Scenario]
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        for hint in typing.get_type_hints(cls, vars(model)).values():
            stack = [hint]
            while stack:
                tp = stack.pop()
                if dataclasses.is_dataclass(tp):
                    todo.append(tp)
                stack += list(typing.get_args(tp))
    return seen


def test_every_model_type_has_a_table():
    assert _model_classes() == {cls for cls, _ in SECTIONS}


def test_committed_tables_are_current():
    text = DOC.read_text(encoding="utf-8")
    assert text == update(text), ("docs/scenario-format.md field tables are out of date; run\n"
                                  "  python -m simulator.authoring.reference docs/scenario-format.md")


def test_doc_lists_every_field_in_its_section():
    text = DOC.read_text(encoding="utf-8")
    block = text.split(START, 1)[1].split(END, 1)[0]
    sections = re.split(r'<a id="(\w+)"></a>', block)[1:]
    by_anchor = dict(zip(sections[::2], sections[1::2]))
    for cls, _ in SECTIONS:
        table = by_anchor[cls.__name__.lower()]
        listed = re.findall(r"^\| `(\w+)` \|", table, flags=re.M)
        assert listed == [f.name for f in public_fields(cls)], cls.__name__
        for f in public_fields(cls):
            assert f.metadata["doc"].replace("|", "\\|") in table, (cls.__name__, f.name)


def test_annotated_example_is_complete_and_passes():
    text = DOC.read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", text, flags=re.S).group(1)
    sc, diags = check_text(example, "docs/scenario-format.md#example")
    assert sc is not None and diags == [], [str(d) for d in diags]
    assert all(r.passed for r in run_stories(sc)), [r.problem for r in run_stories(sc)]
    # "Complete": every key of every type appears in the example at least once.
    for cls, _ in SECTIONS:
        for f in public_fields(cls):
            assert re.search(rf"\b{f.name}:", example), f"example never uses {cls.__name__}.{f.name}"
