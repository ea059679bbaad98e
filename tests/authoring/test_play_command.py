"""`mystery-guest play SCENARIO_FILE [--debug] [--db URL] [--lang zh|en]` hands over to the TUI."""
from __future__ import annotations

import subprocess
import sys

import simulator.tui.launch as launch
from tests.authoring.conftest import LIBRARY, ROOT


def test_play_passes_its_options_to_run_play(cli, monkeypatch):
    calls = []
    monkeypatch.setattr(launch, "run_play", lambda path, debug, db_url=None, lang=None:
                        calls.append((path, debug, db_url, lang)) or 7)
    code, _, _ = cli("play", LIBRARY[0], "--debug", "--db", "sqlite:///x.db", "--lang", "zh")
    assert code == 7
    assert calls == [(str(LIBRARY[0]), True, "sqlite:///x.db", "zh")]
    code, _, _ = cli("play", LIBRARY[0])
    assert calls[-1] == (str(LIBRARY[0]), False, None, None)


def test_top_level_lang_and_db_reach_play_too(cli, monkeypatch):
    calls = []
    monkeypatch.setattr(launch, "run_play", lambda path, debug, db_url=None, lang=None:
                        calls.append((db_url, lang)) or 0)
    cli("--lang", "en", "--db", "sqlite:///y.db", "play", LIBRARY[0])
    assert calls == [("sqlite:///y.db", "en")]


def test_play_needs_an_existing_file(cli, monkeypatch, tmp_path):
    monkeypatch.setattr(launch, "run_play", lambda *a, **k: 0)
    code, _, err = cli("play", tmp_path / "nope.yaml", "--debug")
    assert code == 2 and "no scenario file" in err


def test_authoring_commands_do_not_load_textual():
    code = ("import sys; from simulator.cli import main; "
            f"main(['graph', {str(LIBRARY[0])!r}]); main(['schema']); "
            "print('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip().splitlines()[-1] == "False", out.stderr
