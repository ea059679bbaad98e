"""UI text in English and Chinese, from message catalogues (simulator/locales/<lang>.yaml).

`Catalog(lang)("call.timer", time="01:02")` returns the translated text with the values filled
in. Values are inserted as they are (str.format), so a trainee's name is never interpreted;
callers still show the result as plain text (rich.text.Text), never as markup.
"""
from __future__ import annotations

import locale
import os
import sys
from functools import lru_cache
from importlib import resources

import yaml

LANGUAGES = ("en", "zh")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser: the first screen waits on this


@lru_cache(maxsize=None)
def _messages(lang: str) -> dict[str, str]:
    """A catalogue flattened to dotted keys: {"call": {"send": ...}} -> {"call.send": ...}."""
    text = resources.files("simulator").joinpath("locales", f"{lang}.yaml").read_text(encoding="utf-8")
    flat: dict[str, str] = {}

    def walk(prefix: str, node) -> None:
        for key, value in node.items():
            name = f"{prefix}{key}"
            if isinstance(value, dict):
                walk(name + ".", value)
            else:
                flat[name] = str(value)

    walk("", yaml.load(text, Loader=_LOADER) or {})  # noqa: S506 - a safe loader
    return flat


NO_PREFERENCE = ("c", "posix")  # locales that say nothing about the user's language


def _language_of(name: str) -> str | None:
    base = name.split(".")[0].split("@")[0].strip().lower()
    if not base or base in NO_PREFERENCE:
        return None
    return "zh" if base.startswith(("zh", "chinese")) else "en"


def system_language() -> str | None:
    """zh when the terminal's locale is Chinese, en for any other language, None when it does
    not say: the variables are unset or C/POSIX (as in many containers and CI runners), or on
    Windows, which has no LANG, the user's locale is unknown."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            found = _language_of(value)
            if found:
                return found
    if sys.platform == "win32":  # e.g. ('Chinese (Simplified)_China', '936')
        try:
            return _language_of(locale.getlocale()[0] or "")
        except ValueError:
            return None
    return None


def printed_language(asked: str | None, most: str | None = None) -> str:
    """The language a command prints in (report, leaderboard, sessions): the one asked for
    (--lang), else the terminal's, else the one most of its calls were in (`most`), else English."""
    return asked or system_language() or (most if most in LANGUAGES else "en")


class Catalog:
    """Messages of one language; a key missing there falls back to English, then to the key."""

    def __init__(self, lang: str):
        self.lang = lang if lang in LANGUAGES else "en"
        self._own = _messages(self.lang)
        self._fallback = _messages("en")

    def __call__(self, key: str, **values) -> str:
        template = self._own.get(key) or self._fallback.get(key) or key
        if not values:
            return template
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):
            return template

    def get(self, key: str, default: str) -> str:
        """The message for `key`, or `default` (e.g. a scenario's own band name) when none exists."""
        return self._own.get(key) or self._fallback.get(key) or default
