"""Settings memory and the message catalogues, without running the app."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulator.settings import NAME_MAX, Settings, clean_name
from simulator.tui.i18n import Catalog, _messages

TUI = Path(__file__).resolve().parents[2] / "simulator" / "tui"


def test_settings_round_trip_and_a_broken_file_gives_defaults(tmp_path):
    s = Settings(trainee="Li Na", cohort="B2", mode="exam", config_dir=tmp_path)
    assert s.save()
    again = Settings.load(tmp_path)
    assert (again.trainee, again.cohort, again.mode) == ("Li Na", "B2", "exam")
    (tmp_path / "settings.json").write_text("{not json", encoding="utf-8")
    broken = Settings.load(tmp_path)
    assert (broken.trainee, broken.mode) == ("", "coach")


def test_names_lose_control_characters_and_are_capped():
    assert clean_name("Li\x1b[31m Na\x07") == "Li Na"  # the whole escape sequence goes
    assert len(clean_name("x" * 500)) == NAME_MAX


@pytest.mark.parametrize("typed", ["Li \u200b Na", "Li\x07  \x1b[1m Na", " 王\u200e 芳 ", "a" * 39 + " \u200b b"])
def test_a_cleaned_name_is_clean_the_first_time(typed):
    """The welcome screen asks again when cleaning changed a name: a second cleaning that
    changes it again would ask twice (the review: a zero-width space left two spaces)."""
    once = clean_name(typed)
    assert clean_name(once) == once and "  " not in once


def test_catalogues_have_the_same_keys_and_placeholders():
    en, zh = _messages("en"), _messages("zh")
    assert set(en) == set(zh)
    for key in en:
        assert set(re.findall(r"{(\w+)}", en[key])) == set(re.findall(r"{(\w+)}", zh[key])), key


def test_every_key_the_app_uses_is_in_the_catalogue():
    en = _messages("en")
    used = set()
    for f in TUI.rglob("*.py"):
        used |= set(re.findall(r"""\btr\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""", f.read_text(encoding="utf-8")))
    missing = {k for k in used if k not in en}
    assert used and not missing, missing


def test_catalogue_values_are_inserted_as_they_are():
    tr = Catalog("en")
    assert tr("call.rejected", reason="[bold]{x}[/]") == "Not sent: [bold]{x}[/]"
    assert tr("no.such.key") == "no.such.key"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_stage_names_exist_for_every_stage(lang):
    from scoring.types import STAGES

    tr = Catalog(lang)
    assert all(tr.get("stage." + s, "") for s in STAGES)
