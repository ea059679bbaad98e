"""The import rules of docs/architecture.md: scoring is pure, only simulator/tui imports Textual,
and the CLI's fast commands don't pay for Textual or SQLAlchemy."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_scoring_imports_neither_simulator_nor_textual():
    for f in (ROOT / "scoring").rglob("*.py"):
        bad = imports_of(f) & {"simulator", "textual"}
        assert not bad, f"{f.relative_to(ROOT)} imports {bad}"


def test_only_tui_imports_textual():
    for f in (ROOT / "simulator").rglob("*.py"):
        if "tui" in f.relative_to(ROOT).parts:
            continue
        assert "textual" not in imports_of(f), f"{f.relative_to(ROOT)} imports textual"


def test_fast_commands_do_not_load_textual_or_sqlalchemy():
    code = ("import sys; from simulator.cli import main; main(['lint']); "
            "print(sorted(m for m in ('textual', 'sqlalchemy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout + out.stderr


def test_only_the_report_charts_import_matplotlib():
    """matplotlib is the optional `report` extra: one module draws with it (and the command only
    tries the import, to say how to install the extra)."""
    allowed = {"simulator/report/charts.py", "simulator/report/commands.py"}
    for f in (ROOT / "simulator").rglob("*.py"):
        if f.relative_to(ROOT).as_posix() not in allowed:
            assert "matplotlib" not in imports_of(f), f"{f.relative_to(ROOT)} imports matplotlib"
