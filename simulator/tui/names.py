"""The names a trainee reads for the scenario's own things, in the language on screen.

Standard actions are named by the locale catalogues (`action.<name>`); an action a scenario
declares itself (`policy.actions`) is named by its first phrase in the UI's language, else in the
call's, else by its key in words. The scorer names an action it has no word for by its key in
words ("restore plan"), which reads as English inside a Chinese evidence line: `scorer_text`
puts the scenario's own phrase there instead.
"""
from __future__ import annotations

import re

from simulator.scenario import Scenario


def own_action_name(action: str, sc: Scenario, lang: str) -> str | None:
    """The scenario's first phrase for one of its own actions in `lang`, if it has one."""
    phrases = sc.policy.actions.get(action, {}).get(lang) or []
    return phrases[0] if phrases else None


def action_name(action: str, sc: Scenario, tr) -> str:
    """An action as the trainee reads it: catalogue, else the scenario's phrase, else its key in words."""
    return (tr.get("action." + action, "") or own_action_name(action, sc, tr.lang)
            or own_action_name(action, sc, sc.locale) or action.replace("_", " "))


def scorer_text(text: str, sc: Scenario | None) -> str:
    """The scorer's evidence text with the scenario's own actions named in the call's language."""
    if sc is None or sc.locale == "en" or not text:
        return text  # the scorer's key-in-words fallback is English already
    for action in sc.policy.actions:
        words, name = action.replace("_", " "), own_action_name(action, sc, sc.locale)
        if name and words in text:
            text = text.replace(words, name)
    return text


# What a scorer reason quotes: ('…'), '…' or （“…”）, possibly cut short with an ellipsis.
_QUOTED = re.compile(r"'([^']+)'|“([^”]+)”")
_CUT = re.compile(r"(?:\.\.\.|…)$")


def quote_for(quote: str, reason: str) -> str:
    """The reply's words to quote before a reason, as “…” and a space: nothing when there are no
    words or the reason quotes them already, whole ("'Shut up' answers the caller back") or cut
    short ("warmth that fits this caller ('three months of charges you never ask...')")."""
    if not quote:
        return ""
    reason = reason or ""
    if quote in reason:
        return ""
    for m in _QUOTED.finditer(reason):
        inner = _CUT.sub("", (m.group(1) or m.group(2)).strip())
        if inner and quote.strip().startswith(inner):
            return ""
    return f"“{quote}” "


def mood_cause(change, tr) -> str:
    """A mood change's cause in the UI language, from its structured kind (simulator/mood.py);
    `change` is a MoodChange or a stored one's dict."""
    get = change.get if isinstance(change, dict) else lambda key, default=None: getattr(change, key, default)
    kind, detail = get("kind", ""), get("detail")
    if kind in ("listening", "empathy"):
        return tr("cause." + kind, level=detail)
    if kind == "landmine":
        return tr("cause.landmine", category=tr.get("landmine." + str(detail), str(detail)))
    if kind == "offer":  # the action offered (calls stored before December 2026 name the stage)
        what = tr.get("action." + str(detail), "") or tr.get("stage." + str(detail), str(detail))
        return tr("cause.offer", action=what)
    if kind in ("policy_breach", "interrupted", "silence", "recovery"):
        return tr("cause." + kind)
    return str(get("cause", ""))  # a cause this UI does not know yet: the engine's own words
