"""Helpers for the authoring tests: run the CLI in-process and capture what it prints."""
from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.fixture
def cli(capsys):
    """cli(*args) -> (exit code, stdout, stderr)."""
    def run(*args: str):
        code = main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err
    return run
