"""The store stands apart from the UI: importing it never pulls in Textual, and the CLI's
parser does not load SQLAlchemy until a store command runs."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
                         capture_output=True, text=True, cwd=ROOT, check=True).stdout
    return set(out.split())


def test_store_modules_do_not_import_textual():
    mods = _modules_after("import simulator.store.store, simulator.store.leaderboard, simulator.store.recorder, "
                          "simulator.store.transcript, simulator.store.export, simulator.store.commands, "
                          "simulator.store.cohort_stats, simulator.report.text, simulator.report.commands")
    assert "sqlalchemy" in mods
    assert not any(m == "textual" or m.startswith("textual.") for m in mods)


def test_building_the_cli_parser_does_not_load_the_database_layer():
    mods = _modules_after("from simulator.cli import build_parser; build_parser()")
    assert "sqlalchemy" not in mods
