"""Shared fixtures. Each part's tests live in their own folder (engine, scoring, store, tui, authoring)."""
import pytest


@pytest.fixture(autouse=True)
def _own_journal(tmp_path_factory, monkeypatch):
    """Every test keeps calls that miss the store in its own journal folder, never the user's."""
    folder = tmp_path_factory.mktemp("journal")
    monkeypatch.setenv("MYSTERY_GUEST_JOURNAL", str(folder))
    return folder


@pytest.fixture(autouse=True)
def _no_centre_model(tmp_path_factory, monkeypatch):
    """Every test scores with the shipped model: a centre model in the user's data folder
    (scoring/centre.py) is never read; a test that trains one keeps it in its own folder."""
    folder = tmp_path_factory.mktemp("scorer")
    monkeypatch.setenv("MYSTERY_GUEST_SCORER_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def _english_terminal(monkeypatch):
    """Printed tables, the report and the app's own screens follow the terminal's language: every
    test starts from an English one, so the suite reads the same on a Chinese developer's machine.
    A test about the terminal's language sets its own."""
    for var in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
