"""State diagrams of a scenario: Mermaid text (needs nothing installed) and Graphviz DOT.

Nodes are the states (with their stage) and the endings (with outcome and service level,
drawn differently); every transition is an edge labelled with its condition in words
(simulator.conditions.describe). Transitions that can never fire are drawn dashed. The two
ways a call ends from wherever it is — the caller's breaking point and the turn limit — leave
one "any state" node, so the diagram shows every road to every ending.
SVG and PNG come from Graphviz's `dot` program when it is installed.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

from simulator.conditions import describe
from simulator.loader import condition_impossible
from simulator.scenario import Scenario

FORMATS = ("mermaid", "dot", "svg", "png")
INSTALL_GRAPHVIZ = (
    "Graphviz is not installed (the `dot` program was not found), so {fmt} cannot be drawn.\n"
    "Install it and run the command again:\n"
    "  Debian/Ubuntu:  sudo apt-get install graphviz\n"
    "  Fedora:         sudo dnf install graphviz\n"
    "  macOS:          brew install graphviz\n"
    "  Windows:        winget install graphviz   (then open a new terminal)\n"
    "Or use --format mermaid, which needs nothing installed: paste the text into any Mermaid\n"
    "viewer (GitHub and GitLab render ```mermaid blocks in Markdown files)."
)
_MERMAID_RESERVED = {"end", "state", "direction", "note", "class", "classdef", "click", "style", "as", "default"}


class GraphvizMissing(RuntimeError):
    """`dot` is not on PATH; the message says how to install it."""


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str
    possible: bool  # False when the condition can never hold (drawn dashed)
    index: int      # position in the source state's transition list



def _level_words(sc, ending) -> str:
    """An ending's service level: fixed, or earned from the concerns up to the ending's cap."""
    return f"up to {ending.service_level}" if sc.concerns and ending.service_level else str(ending.service_level)

def scenario_edges(sc: Scenario) -> list[Edge]:
    """Every transition of every state, in file order, with its condition in words."""
    out = []
    for name, state in sc.states.items():
        for i, t in enumerate(state.transitions):
            label = describe(t.when)
            out.append(Edge(name, t.to, label, condition_impossible(t.when) is None, i))
    return out


ANY_STATE = "any state"


def anywhere_edges(sc: Scenario) -> list[Edge]:
    """The endings a call reaches from any state: the breaking point (mood.breaking_point), when
    it is on, and the turn limit (max_turns). Their source is ANY_STATE."""
    bp, bands = sc.mood.breaking_point, sc.mood.bands
    top = max(bands, key=bands.get) if bands else "the top band"
    why = []
    if bp.landmines:
        why.append(f"landmine reply no. {bp.landmines} leaves the caller {top}")
    if bp.top_band_turns:
        why.append(f"{bp.top_band_turns} replies in a row leave the caller {top}")
    out = [Edge(ANY_STATE, sc.breaking_ending(), "breaking point: " + " or ".join(why), True, 0)] if why else []
    out.append(Edge(ANY_STATE, sc.hang_up_ending(), f"after {sc.max_turns} replies", True, len(out)))
    return out


def _node_ids(sc: Scenario) -> dict[str, str]:
    """Names usable as Mermaid/DOT identifiers: readable when safe, made safe and unique otherwise."""
    ids: dict[str, str] = {}
    used: set[str] = set()
    for name in list(sc.states) + list(sc.endings):
        base = re.sub(r"\W", "_", name, flags=re.ASCII) or "state"
        if not re.match(r"[A-Za-z]", base) or base.lower() in _MERMAID_RESERVED:
            base = "s_" + base
        candidate, n = base, 2
        while candidate in used:
            candidate, n = f"{base}_{n}", n + 1
        used.add(candidate)
        ids[name] = candidate
    return ids


def _any_id(ids: dict[str, str]) -> str:
    """The "any state" node's id: unlike every state's and ending's (a state may be called that)."""
    candidate, n = "any_state", 2
    while candidate in ids.values():
        candidate, n = f"any_state_{n}", n + 1
    return candidate


def _mermaid_text(text: str) -> str:
    """Text safe in a Mermaid label: no characters that end or break the statement."""
    text = text.replace(">=", "≥").replace("<=", "≤").replace(">", "above").replace("<", "below")
    text = text.replace('"', "'").replace(";", ",").replace("#", "no. ")
    text = text.replace(":", "#58;")  # Mermaid's entity code for ':' (a bare one would end the label)
    text = text.replace("{", "(").replace("}", ")")
    return re.sub(r"\s+", " ", text).strip()


def to_mermaid(sc: Scenario) -> str:
    """The scenario as a Mermaid `stateDiagram-v2`."""
    ids = _node_ids(sc)
    lines = ["stateDiagram-v2", "    direction LR"]
    for name, state in sc.states.items():
        lines.append(f'    state "{_mermaid_text(name)}" as {ids[name]}')
        lines.append(f"    {ids[name]} : stage {state.stage}")
    for name, ending in sc.endings.items():
        lines.append(f'    state "{_mermaid_text(name)}" as {ids[name]}')
        lines.append(f"    {ids[name]} : ending, {ending.outcome}, service level {_level_words(sc, ending)}")
    lines.append(f"    [*] --> {ids[sc.start_state]}")
    for e in scenario_edges(sc):
        label = f"{e.index + 1}. {e.label}" + ("" if e.possible else " (never fires)")
        lines.append(f"    {ids[e.source]} --> {ids[e.target]} : {_mermaid_text(label)}")
    anywhere = _any_id(ids)
    lines.append(f'    state "{ANY_STATE}" as {anywhere}')
    for e in anywhere_edges(sc):
        lines.append(f"    {anywhere} --> {ids[e.target]} : {_mermaid_text(e.label)}")
    for name in sc.endings:
        lines.append(f"    {ids[name]} --> [*]")
    # Endings stand out: green when resolved, red when the call failed.
    lines.append("    classDef resolved fill:#d8f3dc,font-weight:bold,stroke-width:3px")
    lines.append("    classDef failed fill:#ffd6d6,font-weight:bold,stroke-width:3px")
    lines.append("    classDef anywhere fill:none,stroke-dasharray:4 4")
    lines.append(f"    class {anywhere} anywhere")
    for name, ending in sc.endings.items():
        kind = "resolved" if ending.outcome == "resolved" else "failed"
        lines.append(f"    class {ids[name]} {kind}")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def to_dot(sc: Scenario) -> str:
    """The scenario as a Graphviz DOT digraph."""
    ids = _node_ids(sc)
    out = [f'digraph "{_dot_text(sc.id)}" {{',
           "  rankdir=LR;",
           '  graph [fontname="Helvetica", label="' + _dot_text(sc.title) + '", labelloc=t];',
           '  node [shape=box, style="rounded", fontname="Helvetica"];',
           '  edge [fontname="Helvetica", fontsize=10];',
           '  __start [shape=point, label=""];']
    for name, state in sc.states.items():
        out.append(f'  {ids[name]} [label="{_dot_text(name)}\\nstage: {state.stage}"];')
    for name, ending in sc.endings.items():
        colour = "#d8f3dc" if ending.outcome == "resolved" else "#ffd6d6"
        out.append(f'  {ids[name]} [label="{_dot_text(name)}\\n{ending.outcome}, level {_level_words(sc, ending)}", '
                   f'shape=doubleoctagon, style="filled", fillcolor="{colour}"];')
    out.append(f"  __start -> {ids[sc.start_state]};")
    for e in scenario_edges(sc):
        style = "" if e.possible else ", style=dashed"
        label = f"{e.index + 1}. {e.label}" + ("" if e.possible else " (never fires)")
        out.append(f'  {ids[e.source]} -> {ids[e.target]} [label="{_dot_text(label)}"{style}];')
    anywhere = _any_id(ids)
    out.append(f'  {anywhere} [label="{ANY_STATE}", shape=box, style="dashed,rounded"];')
    for e in anywhere_edges(sc):
        out.append(f'  {anywhere} -> {ids[e.target]} [label="{_dot_text(e.label)}", style=bold];')
    out.append("}")
    return "\n".join(out) + "\n"


def graphviz_available() -> bool:
    return shutil.which("dot") is not None


def render_graphviz(dot_source: str, fmt: str) -> bytes:
    """SVG or PNG bytes drawn by Graphviz; GraphvizMissing when `dot` is not installed."""
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizMissing(INSTALL_GRAPHVIZ.format(fmt=fmt.upper()))
    done = subprocess.run([exe, f"-T{fmt}"], input=dot_source.encode("utf-8"),
                          capture_output=True, timeout=60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"Graphviz failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout


def render(sc: Scenario, fmt: str) -> bytes:
    """The diagram in one of FORMATS, as bytes ready to write."""
    if fmt == "mermaid":
        return to_mermaid(sc).encode("utf-8")
    if fmt == "dot":
        return to_dot(sc).encode("utf-8")
    if fmt in ("svg", "png"):
        return render_graphviz(to_dot(sc), fmt)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
