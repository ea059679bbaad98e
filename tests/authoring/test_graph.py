"""`mystery-guest graph`: the diagram of every library scenario, parsed back for its nodes and edges."""
from __future__ import annotations

import re
import shutil
from collections import Counter

import pytest

from simulator.authoring import diagram
from simulator.authoring.new_scenario import LOCALES, TEMPLATES, render
from simulator.loader import check_text, load_scenario
from tests.authoring.conftest import LIBRARY, ROOT

FLAGSHIP = ROOT / "scenarios" / "vas-sms-tips-en.yaml"

STATE_DECL = re.compile(r'^state "(?P<label>[^"]*)" as (?P<id>\w+)$')
DESCRIPTION = re.compile(r"^(?P<id>\w+) : (?P<text>.+)$")
EDGE = re.compile(r"^(?P<src>\w+|\[\*\]) --> (?P<dst>\w+|\[\*\])(?: : (?P<label>.+))?$")
CLASS = re.compile(r"^class (?P<id>\w+) (?P<cls>\w+)$")


def parse_mermaid(text: str) -> dict:
    """Our own reading of a stateDiagram-v2: nodes (label by id), descriptions, edges, start, classes.

    Any line it does not recognise is an error, so a malformed diagram cannot slip through.
    """
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    assert lines[0] == "stateDiagram-v2"
    nodes, descr, edges, start, finals, classes = {}, {}, [], None, set(), {}
    for line in lines[1:]:
        if line.startswith("direction ") or line.startswith("classDef "):
            continue
        if m := STATE_DECL.match(line):
            nodes[m["id"]] = m["label"]
        elif m := EDGE.match(line):
            if m["src"] == "[*]":
                start = m["dst"]
            elif m["dst"] == "[*]":
                finals.add(m["src"])
            else:
                assert m["label"], line
                edges.append((m["src"], m["dst"], m["label"].replace("#58;", ":")))
        elif m := CLASS.match(line):
            classes[m["id"]] = m["cls"]
        elif m := DESCRIPTION.match(line):
            descr[m["id"]] = m["text"]
        else:
            raise AssertionError(f"unrecognised Mermaid line: {line!r}")
    return {"nodes": nodes, "descr": descr, "edges": edges, "start": start, "finals": finals, "classes": classes}


def _scenarios(tmp_path_factory):
    found = [load_scenario(p) for p in LIBRARY]
    where = tmp_path_factory.mktemp("g")
    for t in TEMPLATES:
        for loc in LOCALES:
            sc, diags = check_text(render(t, loc, where / f"{t}.yaml"), f"{t}.{loc}")
            assert sc is not None, diags
            found.append(sc)
    return found


def test_library_is_not_empty():
    assert LIBRARY, "no scenarios in scenarios/"


def test_mermaid_round_trip_for_every_scenario(tmp_path_factory):
    for sc in _scenarios(tmp_path_factory):
        g = parse_mermaid(diagram.to_mermaid(sc))
        by_label = {label: node_id for node_id, label in g["nodes"].items()}
        assert set(by_label) == set(sc.states) | set(sc.endings) | {diagram.ANY_STATE}, sc.id
        assert g["start"] == by_label[sc.start_state]
        # One edge per transition, between the right nodes, in file order; and from "any state"
        # to the breaking point's ending and the turn limit's.
        want = Counter((by_label[s], by_label[t.to]) for s, st in sc.states.items() for t in st.transitions)
        want.update([(by_label[diagram.ANY_STATE], by_label[sc.breaking_ending()]),
                     (by_label[diagram.ANY_STATE], by_label[sc.hang_up_ending()])])
        got = Counter((s, d) for s, d, _ in g["edges"])
        assert got == want, sc.id
        # Endings are marked: they lead to [*], are styled by outcome and say so.
        assert g["finals"] == {by_label[e] for e in sc.endings}, sc.id
        for name, ending in sc.endings.items():
            node = by_label[name]
            assert g["classes"][node] == ("resolved" if ending.outcome == "resolved" else "failed")
            assert g["descr"][node].startswith("ending")
        for name, state in sc.states.items():
            assert g["descr"][by_label[name]] == f"stage {state.stage}"


def test_edge_labels_carry_the_conditions():
    sc = load_scenario(FLAGSHIP)
    labels = [label for _, _, label in parse_mermaid(diagram.to_mermaid(sc))["edges"]]
    assert "2. act offer:cancel and no policy breach" in labels
    assert "3. otherwise" in labels
    assert any("anger below 55" in l for l in labels)
    assert not any(ch in l for l in labels for ch in '";{}')


def test_the_breaking_point_and_the_turn_limit_are_drawn_from_any_state():
    sc = load_scenario(FLAGSHIP)
    g = parse_mermaid(diagram.to_mermaid(sc))
    from_anywhere = {g["nodes"][d]: label for s, d, label in g["edges"] if g["nodes"][s] == diagram.ANY_STATE}
    bp = sc.mood.breaking_point
    assert from_anywhere[sc.breaking_ending()] == (
        f"breaking point: landmine reply no. {bp.landmines} leaves the caller furious"
        f" or {bp.top_band_turns} replies in a row leave the caller furious")
    assert from_anywhere[sc.hang_up_ending()] == f"after {sc.max_turns} replies"


def test_a_breaking_point_switched_off_is_not_drawn_and_a_state_called_any_state_keeps_its_node():
    from tests.engine.conftest import MINI

    text = MINI.replace("mood: {start: 60}", "mood: {start: 60, breaking_point: {landmines: 0, top_band_turns: 0}}")
    text = text.replace("\n  venting:\n", '\n  "any state":\n').replace("[venting, cancel", '["any state", cancel')
    sc, diags = check_text(text, "m.yaml")
    assert sc is not None, diags
    assert "any state" in sc.states
    g = parse_mermaid(diagram.to_mermaid(sc))
    assert list(g["nodes"].values()).count("any state") == 2  # the state and the extra node
    extra = next(i for i, label in g["nodes"].items() if label == "any state" and i != "any_state")
    assert [label for s, _, label in g["edges"] if s == extra] == [f"after {sc.max_turns} replies"]


def test_awkward_state_names_become_safe_ids():
    from tests.engine.conftest import MINI

    text = MINI.replace("cancel:", "end:").replace("to: cancel", "to: end").replace("[venting, cancel, resolved]", "[venting, end, resolved]")
    sc, diags = check_text(text, "m.yaml")
    assert sc is not None, diags
    g = parse_mermaid(diagram.to_mermaid(sc))
    assert "end" not in g["nodes"] and g["nodes"]["s_end"] == "end"  # 'end' is a Mermaid keyword


def test_dot_has_every_node_and_edge():
    sc = load_scenario(LIBRARY[0])
    dot = diagram.to_dot(sc)
    assert dot.startswith("digraph ")
    edges = re.findall(r"^  (\w+) -> (\w+) \[label=", dot, flags=re.M)
    assert len(edges) == sum(len(st.transitions) for st in sc.states.values()) + 2  # + breaking point, turn limit
    assert dot.count("doubleoctagon") == len(sc.endings)


def test_graph_command_mermaid_to_terminal_and_markdown(cli, tmp_path):
    code, out, _ = cli("graph", LIBRARY[0])
    assert code == 0 and out.startswith("stateDiagram-v2")
    code, _, err = cli("graph", LIBRARY[0], "-o", tmp_path / "d.md")
    text = (tmp_path / "d.md").read_text(encoding="utf-8")
    assert code == 0 and "```mermaid\nstateDiagram-v2" in text
    code, _, _ = cli("graph", LIBRARY[0], "-o", tmp_path / "d.dot")
    assert (tmp_path / "d.dot").read_text().startswith("digraph")


def test_graph_command_reports_a_broken_file(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nid: x\n")
    code, _, err = cli("graph", bad)
    assert code == 1 and "missing required key" in err


def test_svg_without_graphviz_says_how_to_install(cli, monkeypatch, tmp_path):
    monkeypatch.setattr(diagram.shutil, "which", lambda name: None)
    code, out, err = cli("graph", LIBRARY[0], "--format", "svg", "-o", tmp_path / "d.svg")
    assert code == 3 and out == ""
    assert "apt-get install graphviz" in err and "brew install graphviz" in err and "--format mermaid" in err
    assert not (tmp_path / "d.svg").exists()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) is not installed")
@pytest.mark.parametrize("fmt,magic", [("svg", b"<svg"), ("png", b"\x89PNG")])
def test_svg_and_png_with_graphviz(cli, tmp_path, fmt, magic):
    target = tmp_path / f"d.{fmt}"
    code, _, err = cli("graph", LIBRARY[0], "-o", target)
    assert code == 0, err
    assert magic in target.read_bytes()[:400]
