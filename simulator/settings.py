"""The trainee app's settings: what it remembers between runs, and the knobs tests turn.

Remembered (a small JSON file in the user's config folder): the trainee's name, cohort and
preferred mode. Everything else is per run: the clock, the seed, animation and cursor blink,
so Pilot and snapshot tests can freeze time and make the screen deterministic.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from simulator.plaintext import plain

SETTINGS_FILE = "settings.json"
MODES = ("coach", "exam")
NAME_MAX = 40  # a name or cohort longer than this is cut (it has to fit in a table cell)


def default_config_dir() -> Path:
    """Where the settings file lives: platformdirs' user config folder for mystery-guest."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("mystery-guest"))


def clean_name(text: str) -> str:
    """A name or cohort as typed, without control characters, trimmed to NAME_MAX. Cleaning what
    it returns changes nothing: spaces are folded again after the unprintable characters go (a
    zero-width space between two spaces had left two)."""
    kept = "".join(ch for ch in plain(text, lines=False) if ch.isprintable())
    return plain(kept, lines=False)[:NAME_MAX].strip()


@dataclass
class Settings:
    """App settings. `trainee`, `cohort`, `mode` and `ui_lang` are saved; the rest lives for one run."""

    trainee: str = ""
    cohort: str = ""
    mode: str = "coach"
    ui_lang: str | None = None  # the app's own screens, chosen with t on the scenario list (None: the terminal's)
    # --- per run, never saved
    config_dir: Path | None = None  # None: default_config_dir()
    lang: str | None = None  # None: follow the scenario's locale
    seed: int | None = None  # None: a fresh random seed per call
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    animate: bool = True  # False: the caller's lines appear at once (tests)
    # A steady cursor: a blinking one redraws the reply box twice a second, about half of what the
    # app costs idle in a call (docs/architecture.md, "Time in a call").
    cursor_blink: bool = False
    persist: bool = True  # False: never write the settings file

    @property
    def path(self) -> Path:
        return (self.config_dir or default_config_dir()) / SETTINGS_FILE

    @classmethod
    def load(cls, config_dir: Path | None = None, **overrides) -> "Settings":
        """Read the remembered fields; a missing or broken file gives defaults (never an error)."""
        settings = cls(config_dir=config_dir, **overrides)
        try:
            data = json.loads(settings.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return settings
        if isinstance(data, dict):
            settings.trainee = clean_name(str(data.get("trainee", "")))
            settings.cohort = clean_name(str(data.get("cohort", "")))
            if data.get("mode") in MODES:
                settings.mode = data["mode"]
            if data.get("ui_lang") in ("en", "zh"):
                settings.ui_lang = data["ui_lang"]
        return settings

    def save(self) -> bool:
        """Write the remembered fields; False when the folder is not writable (the app goes on)."""
        if not self.persist:
            return False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps({"trainee": self.trainee, "cohort": self.cohort, "mode": self.mode,
                                             "ui_lang": self.ui_lang}, ensure_ascii=False, indent=2),
                                 encoding="utf-8")
        except OSError:
            return False
        return True


class ManualClock:
    """A clock that moves only when told: `advance(seconds)`. For tests and benchmarks."""

    def __init__(self, start: float = 0.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
