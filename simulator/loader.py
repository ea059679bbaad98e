"""Scenario loader: YAML file -> validated `Scenario`, collecting every problem, compiler style.

Two passes. The structural pass walks the dataclasses in simulator/scenario.py and checks
each YAML value against the field's type hint (unknown keys, wrong types, missing keys).
The semantic pass checks what types cannot: transition targets, reachability, endings,
act and action names, placeholders, lines for the scenario's language.
Positions are those PyYAML gave; a problem with no real position is reported without one.
"""
from __future__ import annotations

import contextlib
import dataclasses
import difflib
import functools
import gc
import hashlib
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any, Callable, Literal, Union

import yaml

from scoring.types import ACTIONS, BASE_ACTS, LANDMINES, STAGES
from simulator import scenario as model
from simulator.scenario import Condition, Scenario
from simulator.plaintext import is_plain, plain
from simulator.yamlsafe import Document, Mark, YamlLimitError, read_document

DIMENSION_MAX = {"listening": 2, "empathy": 2, "policy": 1}
REACTION_KEYS = set(LANDMINES) | set(model.EVENT_REACTIONS)
PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Diagnostic:
    file: str
    severity: Literal["error", "warning"]
    message: str
    mark: Mark | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.mark.line}:{self.mark.col}" if self.mark else self.file
        return f"{where}: {self.severity}: {self.message}"


class ScenarioError(Exception):
    """A scenario file with errors; `diagnostics` lists every problem found."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.severity == "error"]
        super().__init__("\n".join(str(d) for d in errors) or "invalid scenario")


def did_you_mean(word: str, choices: typing.Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _describe_path(path: tuple) -> str:
    return ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")


class _Reporter:
    def __init__(self, file: str, doc: Document | None):
        self.file = file
        self.doc = doc
        self.items: list[Diagnostic] = []
        self.raw_names: set[str] = set()  # state/ending names in the file, even ones with errors
        # Keys that were broken and hold stand-ins: no follow-on errors are reported about them.
        self.stand_in_paths: set[tuple] = set()
        self.scenario_id: str | None = None  # the `id` the file declares, read even when it has errors
        self.id_mark: Mark | None = None

    @property
    def stand_ins(self) -> set[str]:
        """Broken top-level keys."""
        return {p[0] for p in self.stand_in_paths if len(p) == 1}

    def _mark(self, path: tuple, key: bool) -> Mark | None:
        return self.doc.mark(path, key=key) if self.doc else None

    def error(self, path: tuple, message: str, *, key: bool = False) -> None:
        self.items.append(Diagnostic(self.file, "error", message, self._mark(path, key)))

    def warning(self, path: tuple, message: str, *, key: bool = False) -> None:
        self.items.append(Diagnostic(self.file, "warning", message, self._mark(path, key)))


# --------------------------------------------------------------------------- structural pass

_MISSING = object()


def _type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if tp is str:
        return "text"
    if tp is int:
        return "a whole number"
    if tp is float:
        return "a number"
    if tp is bool:
        return "true or false"
    if tp is type(None):
        return "nothing"
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(tp))
    if origin is list:
        return "a list"
    if origin is dict:
        return "a mapping"
    if origin in (Union, types.UnionType):
        return " or ".join(_type_name(a) for a in typing.get_args(tp))
    if dataclasses.is_dataclass(tp):
        return "a mapping"
    return str(tp)


def _fitter(tp: Any) -> Callable[[Any], bool]:
    """Cheap check used to pick a Union branch."""
    origin = typing.get_origin(tp)
    if tp is type(None):
        return lambda v: v is None
    if tp is bool:
        return lambda v: isinstance(v, bool)
    if tp is int:
        return lambda v: isinstance(v, int) and not isinstance(v, bool)
    if tp is float:
        return lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
    if tp is str:
        return lambda v: isinstance(v, str)
    if origin is Literal:
        allowed = typing.get_args(tp)
        return lambda v: v in allowed
    if origin is list:
        return lambda v: isinstance(v, list)
    if origin is dict or dataclasses.is_dataclass(tp):
        return lambda v: isinstance(v, dict)
    return lambda v: False


Converter = Callable[[Any, tuple, "_Reporter"], Any]


@functools.lru_cache(maxsize=None)
def _converter(tp: Any) -> Converter:
    """How to turn plain YAML data into the typed model for one type hint: the function reports
    a mismatch and returns _MISSING. Worked out once per hint (asking typing what a hint is, for
    every value of every file, was most of lint's time once parsing was one pass)."""
    origin = typing.get_origin(tp)
    expected = _type_name(tp)

    def wrong(value: Any, path: tuple, rep: _Reporter) -> Any:
        # A line of text with ": " in it reads as a mapping: the usual cause, so say what to do.
        hint = (" (a colon followed by a space starts a mapping: put the whole line in quotes)"
                if isinstance(value, dict) and expected.startswith("text") else "")
        rep.error(path, f"'{_describe_path(path)}' should be {expected}, not {_show(value)}{hint}")
        return _MISSING

    if origin in (Union, types.UnionType):
        branches = [(_fitter(opt), _converter(opt)) for opt in typing.get_args(tp)]

        def union(value: Any, path: tuple, rep: _Reporter) -> Any:
            for fits, convert in branches:
                if fits(value):
                    return convert(value, path, rep)
            return wrong(value, path, rep)
        return union
    if dataclasses.is_dataclass(tp):
        return lambda value, path, rep: _convert_dataclass(value, tp, path, rep)
    if origin is list:
        (item_tp,) = typing.get_args(tp)
        item = _converter(item_tp)

        def a_list(value: Any, path: tuple, rep: _Reporter) -> Any:
            if not isinstance(value, list):
                rep.error(path, f"'{_describe_path(path)}' should be a list, not {_show(value)}")
                return _MISSING
            out = [item(v, path + (i,), rep) for i, v in enumerate(value)]
            return [v for v in out if v is not _MISSING]
        return a_list
    if origin is dict:
        entry = _converter(typing.get_args(tp)[1])

        def a_dict(value: Any, path: tuple, rep: _Reporter) -> Any:
            if not isinstance(value, dict):
                rep.error(path, f"'{_describe_path(path)}' should be a mapping, not {_show(value)}")
                return _MISSING
            out = {}
            for k, v in value.items():
                if not isinstance(k, str):
                    rep.error(path + (k,), f"key {k!r} in '{_describe_path(path)}' should be text", key=True)
                    continue
                cv = entry(v, path + (k,), rep)
                if cv is not _MISSING:
                    out[k] = cv
            return out
        return a_dict
    if origin is Literal:
        allowed = typing.get_args(tp)

        def literal(value: Any, path: tuple, rep: _Reporter) -> Any:
            if value not in allowed:
                rep.error(path, f"'{_describe_path(path)}' is {_show(value)}; expected one of "
                                f"{', '.join(map(str, allowed))}{did_you_mean(value, map(str, allowed))}")
                return _MISSING
            return value
        return literal
    if tp is str:
        def text(value: Any, path: tuple, rep: _Reporter) -> Any:
            if isinstance(value, str):
                if is_plain(value):
                    return value
                # Shown on trainees' terminals and written to exports: never raw escape codes.
                rep.warning(path, f"'{_describe_path(path)}' contains control characters, escape codes or "
                                  "bidi controls; they are removed")
                return plain(value)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return str(value)  # `title: 2046` is still a fine title
            return wrong(value, path, rep)
        return text
    fits = _fitter(tp)
    if tp is float:
        return lambda value, path, rep: float(value) if fits(value) else wrong(value, path, rep)
    return lambda value, path, rep: value if fits(value) else wrong(value, path, rep)


def _show(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "...'"


def _stand_in(tp: Any) -> Any:
    """An empty value of a type, so checking can go on past a broken top-level key."""
    if typing.get_origin(tp) is Literal:
        return typing.get_args(tp)[0]
    origin = typing.get_origin(tp)
    return {str: "", int: 0, float: 0.0}.get(tp, {dict: {}, list: []}.get(origin))


@functools.lru_cache(maxsize=None)
def _shape(cls: type) -> tuple[dict[str, Any], dict[str, dataclasses.Field]]:
    """Type hints and fields of a format class, worked out once (get_type_hints is slow, and
    the loader used to call it for every state, transition and line of every file)."""
    fields = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
    return typing.get_type_hints(cls, vars(model)), fields


@functools.lru_cache(maxsize=None)
def _fields_plan(cls: type) -> tuple[tuple[tuple[str, Converter, bool], ...], frozenset[str]]:
    """(name, converter, required) of each field in order, and the names: worked out once per class."""
    hints, fields = _shape(cls)
    plan = tuple((name, _converter(hints[name]),
                  f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
                 for name, f in fields.items())
    return plan, frozenset(fields)


def _convert_dataclass(value: Any, cls: type, path: tuple, rep: _Reporter) -> Any:
    """On a broken required key the object is still built, from stand-ins, so one bad `stage`
    doesn't hide the rest of its state's problems; the file is rejected anyway (it has an error)."""
    if not isinstance(value, dict):
        rep.error(path, f"'{_describe_path(path) or 'the file'}' should be a mapping, not {_show(value)}")
        return _MISSING
    plan, names = _fields_plan(cls)
    kwargs: dict[str, Any] = {}
    broken = False
    if not names.issuperset(value):
        for key in value:
            if key not in names:
                rep.error(path + (key,), f"unknown key '{key}'"
                          + (f" in '{_describe_path(path)}'" if path else "")
                          + did_you_mean(str(key), _shape(cls)[1]), key=True)
    for name, convert, required in plan:
        if name not in value:
            if required:
                rep.error(path, f"missing required key '{name}'"
                          + (f" in '{_describe_path(path)}'" if path else ""))
                broken = True
            continue
        cv = convert(value[name], path + (name,), rep)
        if cv is _MISSING:
            broken = broken or required
            continue
        kwargs[name] = cv
    if broken:
        hints = _shape(cls)[0]
        for name, _, required in plan:
            if required and name not in kwargs:
                kwargs[name] = _stand_in(hints[name])
                rep.stand_in_paths.add(path + (name,))
    return cls(**kwargs)


# --------------------------------------------------------------------------- semantic pass

def known_actions(sc: Scenario) -> set[str]:
    return set(ACTIONS) | set(sc.policy.actions)


def known_acts(sc: Scenario) -> set[str]:
    acts = set(BASE_ACTS)
    for action in known_actions(sc):
        acts |= {f"offer:{action}", f"decline:{action}"}
    return acts


def condition_impossible(c: Condition) -> str | None:
    """Why a condition can never hold, or None when it can."""
    if c.mood_above is not None and c.mood_above >= 100:
        return f"mood_above {c.mood_above} can never hold (anger is at most 100)"
    if c.mood_below is not None and c.mood_below <= 0:
        return f"mood_below {c.mood_below} can never hold (anger is at least 0)"
    if c.mood_above is not None and c.mood_below is not None and c.mood_above >= c.mood_below - 1:
        return f"mood_above {c.mood_above} and mood_below {c.mood_below} leave no room"
    both = (set(c.acts) | set(c.any_acts)) & set(c.no_acts)
    if set(c.acts) & set(c.no_acts):
        return f"act '{sorted(both)[0]}' is both required and forbidden"
    if c.any_acts and set(c.any_acts) <= set(c.no_acts):
        return "every act in any_acts is also in no_acts"
    for dim, lvl in c.levels.items():
        if lvl > DIMENSION_MAX.get(dim, 2):
            return f"{dim} level {lvl} is above the maximum {DIMENSION_MAX.get(dim, 2)}"
        if dim in c.levels_below and c.levels_below[dim] <= lvl:
            return f"{dim} level at least {lvl} and below {c.levels_below[dim]} leave no room"
    for dim, lvl in c.levels_below.items():
        if lvl <= 0:
            return f"{dim} level below {lvl} can never hold"
    if c.met and c.unmet and set(c.met) & set(c.unmet):
        return f"concern '{sorted(set(c.met) & set(c.unmet))[0]}' is both met and not met"
    has_landmine = c.landmine is True or (isinstance(c.landmine, list) and c.landmine)
    if has_landmine and (c.levels.get("policy", 0) >= 1 or c.policy_breach is False):
        return "a reply with a landmine always breaks policy"
    return None


def _check_lines(lines: Any, path: tuple, sc: Scenario, rep: _Reporter, *, required: bool) -> None:
    if lines is None:
        return
    groups = lines.items() if isinstance(lines, dict) else [(None, lines)]
    total = 0
    for band, items in groups:
        bpath = path + ((band,) if band is not None else ())
        if band is not None and band != "any" and band not in sc.mood.bands:
            rep.error(bpath, f"unknown mood band '{band}'{did_you_mean(band, list(sc.mood.bands) + ['any'])}",
                      key=True)
        for i, line in enumerate(items):
            total += 1
            _check_text(line, bpath + (i,), sc, rep)
    if required and total == 0:
        rep.error(path, f"no lines for the caller in '{_describe_path(path)}'")
    if isinstance(lines, dict) and "any" not in lines and total:
        missing = [b for b in sc.mood.bands if b not in lines]
        if missing:
            rep.warning(path, f"no lines for mood band(s) {', '.join(missing)} in '{_describe_path(path)}'; "
                              "the nearest band's lines are used (add 'any' to silence this)")


def _check_text(line: str, path: tuple, sc: Scenario, rep: _Reporter) -> None:
    if not line.strip():
        rep.error(path, "empty line")
        return
    for name in PLACEHOLDER.findall(line):
        if name not in sc.facts:
            rep.error(path, f"placeholder '{{{name}}}' has no fact{did_you_mean(name, sc.facts)}")
    if "locale" in rep.stand_ins:
        return
    has_cjk = bool(CJK.search(line))
    if sc.locale == "zh" and not has_cjk and len(line) > 12:
        rep.warning(path, "line has no Chinese text in a zh scenario (missing zh line?)")
    if sc.locale == "en" and has_cjk:
        rep.warning(path, "line has Chinese text in an en scenario (missing en line?)")


def _check_concern_refs(owner: Any, path: tuple, sc: Scenario, rep: _Reporter, used: set[str]) -> None:
    """`met` / `unmet` of a condition or a variant name declared concerns; note the ones named."""
    for key in ("met", "unmet"):
        for i, cid in enumerate(getattr(owner, key, None) or []):
            used.add(cid)
            if cid not in sc.concerns:
                rep.error(path + (key, i), f"unknown concern '{cid}'{did_you_mean(cid, sc.concerns)}"
                          if sc.concerns else f"unknown concern '{cid}' (the scenario declares no concerns)")


def _check_concerns(sc: Scenario, rep: _Reporter, acts: set[str]) -> None:
    actions = known_actions(sc)
    for cid, c in sc.concerns.items():
        base = ("concerns", cid)
        if not ID_RE.match(cid):
            rep.error(base, f"concern id '{cid}' should use only letters, digits, '-' and '_'", key=True)
        if not c.label.strip():
            rep.error(base + ("label",), f"concern '{cid}' needs a label")
        else:
            _check_text(c.label, base + ("label",), sc, rep)
        for i, act in enumerate(c.acts):
            if act not in acts:
                rep.error(base + ("acts", i), f"unknown act '{act}'{did_you_mean(act, acts)}")
        for i, action in enumerate(c.offers):
            if action not in actions:
                rep.error(base + ("offers", i), f"unknown action '{action}'{did_you_mean(action, actions)}")
            elif action not in sc.policy.allow or action in sc.policy.forbid:
                rep.warning(base + ("offers", i), f"action '{action}' is not allowed by the policy; offering it "
                                                  "breaks policy" + (", so it never counts (within_caps)"
                                                                      if c.within_caps else ""))
        for i, key in enumerate(c.facts):
            if key not in sc.facts:
                rep.error(base + ("facts", i), f"unknown fact '{key}'{did_you_mean(key, sc.facts)}")
        for i, phrase in enumerate(c.phrases):
            if not phrase.strip():
                rep.error(base + ("phrases", i), "empty phrase")
        # Compiled together (what a call uses); only when that fails, each alone, to say which.
        if c.phrases and _phrase_problem(sc.locale, tuple(c.phrases)):
            for i, phrase in enumerate(c.phrases):
                problem = phrase.strip() and _phrase_problem(sc.locale, (phrase,))
                if problem:
                    rep.error(base + ("phrases", i), f"phrase {phrase!r} is not valid phrase syntax "
                                                     f"(docs/lexicons.md): {problem}")
        if not (c.acts or c.offers or c.facts or c.phrases):
            rep.error(base, f"concern '{cid}' has no acts, offers, facts or phrases: no reply can ever address it",
                      key=True)


def _phrase_problem(locale: str, phrases: tuple[str, ...]) -> str | None:
    """Why concern phrases do not compile in the scorer's phrase syntax, or None."""
    from scoring.lexicon import LexiconError
    from simulator.concerns import phrase_pattern

    try:
        phrase_pattern(locale, phrases)
    except LexiconError as exc:
        return re.sub(r"^families\.\w+: ", "", str(exc))  # the family is ours, not the trainer's
    return None


def _check_condition(c: Condition, path: tuple, acts: set[str], rep: _Reporter) -> None:
    for key in ("acts", "any_acts", "no_acts"):
        for i, act in enumerate(getattr(c, key)):
            if act not in acts:
                rep.error(path + (key, i), f"unknown act '{act}'{did_you_mean(act, acts)}")
    for key in ("levels", "levels_below"):
        for dim, lvl in getattr(c, key).items():
            if dim not in DIMENSION_MAX:
                rep.error(path + (key, dim), f"unknown dimension '{dim}'{did_you_mean(dim, DIMENSION_MAX)}",
                          key=True)
    if isinstance(c.landmine, list):
        for i, cat in enumerate(c.landmine):
            if cat not in LANDMINES:
                rep.error(path + ("landmine", i), f"unknown landmine '{cat}'{did_you_mean(cat, LANDMINES)}")
    for key in ("mood_above", "mood_below"):
        v = getattr(c, key)
        if v is not None and not 0 <= v <= 100:
            rep.error(path + (key,), f"{key} {v} is outside 0-100")


def _semantic(sc: Scenario, rep: _Reporter) -> None:
    if "id" not in rep.stand_ins and not ID_RE.match(sc.id):
        rep.error(("id",), f"id '{sc.id}' should use only letters, digits, '-' and '_'")
    if sc.version != model.FORMAT_VERSION:
        rep.error(("version",), f"format version {sc.version} is not supported (this program reads "
                                f"version {model.FORMAT_VERSION})")
    if not 1 <= sc.difficulty <= 5:
        rep.error(("difficulty",), f"difficulty {sc.difficulty} should be 1-5")
    if not sc.states or not sc.endings:
        for key in ("states", "endings"):
            raw = rep.doc.data.get(key) if rep.doc and isinstance(rep.doc.data, dict) else None
            if not getattr(sc, key) and key not in rep.stand_ins and not raw:
                rep.error((key,), f"a scenario needs at least one {key[:-1]}")
        return
    names = set(sc.states) | set(sc.endings) | rep.raw_names
    for clash in set(sc.states) & set(sc.endings):
        rep.error(("endings", clash), f"'{clash}' is both a state and an ending", key=True)
    if sc.start is not None and sc.start not in sc.states:
        rep.error(("start",), f"start state '{sc.start}' does not exist{did_you_mean(sc.start, sc.states)}")
        return
    if sc.on_max_turns is not None and sc.on_max_turns not in sc.endings:
        rep.error(("on_max_turns",), f"unknown ending '{sc.on_max_turns}'{_ending_hint(sc.on_max_turns, sc)}")
    outcomes = {e.outcome for e in sc.endings.values()}
    for needed in ("resolved", "escalated", "hung_up"):
        if needed not in outcomes:
            rep.warning(("endings",), f"no ending with outcome '{needed}'; trainees cannot reach one")
    # Persona and mood
    if not 1 <= sc.persona.patience <= 5:
        rep.error(("persona", "patience"), "patience should be 1-5")
    persona = sc.persona
    for key in ("silence_seconds", "exam_silence_seconds"):
        value = getattr(persona, key)
        if value is not None and value < 0:
            rep.error(("persona", key), f"{key} should be 0 (never) or more seconds")
    exam = persona.exam_silence_seconds
    if exam is not None and exam >= 0 and persona.silence_seconds > 0 and (exam == 0 or exam > persona.silence_seconds):
        rep.warning(("persona", "exam_silence_seconds"),
                    f"exam mode allows {'unlimited' if exam == 0 else f'{exam:g} s of'} silence, more than coach "
                    f"mode's {persona.silence_seconds:g} s; the exam is meant to be as strict or stricter")
    if not 0 <= sc.mood.start <= 100:
        rep.error(("mood", "start"), "mood start should be 0-100")
    for key in ("listening", "empathy"):
        if len(getattr(sc.mood.rules, key)) != 3:
            rep.error(("mood", "rules", key), f"mood rule '{key}' needs three numbers (levels 0, 1, 2)")
    if not sc.mood.bands or min(sc.mood.bands.values()) != 0:
        rep.error(("mood", "bands"), "mood bands need one band starting at 0")
    limits = sc.mood.breaking_point
    for key in ("landmines", "top_band_turns"):
        if getattr(limits, key) < 0:
            rep.error(("mood", "breaking_point", key), f"breaking_point {key} should be 0 (never) or more")
    if limits.ending is not None and limits.ending not in sc.endings:
        rep.error(("mood", "breaking_point", "ending"), f"unknown ending '{limits.ending}'"
                                                        f"{_ending_hint(limits.ending, sc)}")
    # Policy vocabulary and caps
    for key in ("refund_max_months", "refund_max_amount", "compensation_max_amount"):
        value = getattr(sc.policy, key)
        if value is not None and not value >= 0:  # negative, or .nan
            rep.error(("policy", key), f"{key} should be 0 (nothing) or more")
    actions = known_actions(sc)
    for key in ("allow", "forbid"):
        for i, action in enumerate(getattr(sc.policy, key)):
            if action not in actions:
                rep.error(("policy", key, i), f"unknown action '{action}'{did_you_mean(action, actions)}")
    for name, per_locale in sc.policy.actions.items():
        if name in ACTIONS:
            rep.error(("policy", "actions", name), f"'{name}' is already a standard action", key=True)
        if sc.locale not in per_locale:
            rep.error(("policy", "actions", name), f"action '{name}' has no {sc.locale} phrases")
    if sc.lexicon is not None and "locale" not in rep.stand_ins:
        from scoring.lexicon import LexiconError, builtin_families, check_extra

        try:
            builtin = builtin_families(sc.locale)
            check_extra(sc.locale, sc.lexicon_extra())
        except LexiconError as exc:
            rep.error(("lexicon",), f"lexicon: {exc}")
        else:
            for fam in sc.lexicon.families:
                if fam not in builtin:
                    rep.error(("lexicon", "families", fam), f"unknown phrase family '{fam}'"
                              f"{did_you_mean(fam, builtin)}", key=True)
            for action in sc.lexicon.actions:
                if action not in known_actions(sc):
                    rep.error(("lexicon", "actions", action), f"unknown action '{action}'"
                              f"{did_you_mean(action, known_actions(sc))}", key=True)
    # Facts, lines and reactions
    for key, label in sc.fact_labels.items():
        if key not in sc.facts:
            rep.error(("fact_labels", key), f"label for unknown fact '{key}'{did_you_mean(key, sc.facts)}",
                      key=True)
        elif not str(label).strip():
            rep.error(("fact_labels", key), f"empty label for fact '{key}'")
    if sc.locale == "zh" and "locale" not in rep.stand_ins:
        for key in sc.facts:
            if key not in sc.fact_labels:
                rep.warning(("facts", key), f"fact '{key}' has no label under fact_labels; the brief panel "
                                            f"of this zh call shows it as '{sc.fact_label(key)}'", key=True)
    for key, lines in sc.reactions.items():
        if key not in REACTION_KEYS:
            rep.error(("reactions", key), f"unknown reaction '{key}'{did_you_mean(key, REACTION_KEYS)}", key=True)
        _check_lines(lines, ("reactions", key), sc, rep, required=True)
    for name, ending in sc.endings.items():
        if not 0 <= ending.service_level <= 5:
            rep.error(("endings", name, "service_level"), "service_level should be 0-5")
        _check_lines(ending.say, ("endings", name, "say"), sc, rep, required=False)
    acts = known_acts(sc)
    _check_concerns(sc, rep, acts)
    used: set[str] = set()  # concerns named by a condition, a variant or a story
    for name, ending in sc.endings.items():
        for j, variant in enumerate(ending.variants):
            vpath = ("endings", name, "variants", j)
            _check_concern_refs(variant, vpath, sc, rep, used)
            if variant.mood_above is not None and not 0 <= variant.mood_above < 100:
                rep.error(vpath + ("mood_above",), f"mood_above {variant.mood_above} can never hold "
                                                   "(anger is 0-100)")
            earlier = next((i for i, v in enumerate(ending.variants[:j]) if v.mood_above is None), None)
            if variant.mood_above is not None and earlier is not None:
                rep.warning(vpath + ("mood_above",), f"variant {earlier + 1} of ending '{name}' comes first and "
                            "holds at any anger, so a furious caller may get its words: put this variant first")
            if variant.say is not None:
                _check_lines(variant.say, vpath + ("say",), sc, rep, required=False)
    graph: dict[str, list[str]] = {}  # edges(sc), worked out on the way
    for name, state in sc.states.items():
        base = ("states", name)
        _check_lines(state.say, base + ("say",), sc, rep, required=True)
        _check_lines(state.again, base + ("again",), sc, rep, required=False)
        for i, answer in enumerate(state.model_answers):  # shown as the hint, facts filled in as in `say`
            _check_text(answer, base + ("model_answers", i), sc, rep)
        for key, lines in state.reactions.items():
            if key not in REACTION_KEYS:
                rep.error(base + ("reactions", key), f"unknown reaction '{key}'{did_you_mean(key, REACTION_KEYS)}",
                          key=True)
            _check_lines(lines, base + ("reactions", key), sc, rep, required=True)
        for j, variant in enumerate(state.variants):
            vpath = base + ("variants", j)
            _check_concern_refs(variant, vpath, sc, rep, used)
            if variant.say is None and variant.again is None:
                rep.warning(vpath, "this variant has neither `say` nor `again`; it changes nothing")
            _check_lines(variant.say, vpath + ("say",), sc, rep, required=False)
            _check_lines(variant.again, vpath + ("again",), sc, rep, required=False)
        graph[name] = []
        for i, t in enumerate(state.transitions):
            tpath = base + ("transitions", i)
            if t.to not in names and tpath + ("to",) not in rep.stand_in_paths:
                rep.error(tpath + ("to",), f"transition from '{name}' goes to unknown state '{t.to}'"
                                           f"{did_you_mean(t.to, names)}")
            _check_condition(t.when, tpath + ("when",), acts, rep)
            if t.when.met or t.when.unmet:
                _check_concern_refs(t.when, tpath + ("when",), sc, rep, used)
            why = condition_impossible(t.when)
            if why:
                rep.warning(tpath + ("when",), f"this transition can never fire: {why}")
            else:
                graph[name].append(t.to)
        always = [i for i, t in enumerate(state.transitions) if t.when.is_empty()]
        if always and always[0] < len(state.transitions) - 1:
            rep.warning(base + ("transitions", always[0] + 1),
                        f"transitions after #{always[0] + 1} in '{name}' are never checked: "
                        "that one has no condition and always fires")
        if not graph[name]:
            rep.error(base + ("transitions",) if state.transitions else base,
                      f"state '{name}' has no transition that can ever fire; the call would be stuck there",
                      key=not state.transitions)
    for i, story in enumerate(sc.stories):
        if story.met is not None:
            _check_concern_refs(story, ("stories", i), sc, rep, used)
    for cid in sc.concerns:
        if cid not in used:
            rep.error(("concerns", cid), f"concern '{cid}' is never referenced by a transition, a variant or a "
                                         "story's `met`: the caller never reacts to it and no story pins it",
                      key=True)
    if rep.items and any(d.severity == "error" for d in rep.items):
        return  # graph checks on a broken graph only add noise
    _graph_checks(sc, rep, graph)
    _story_checks(sc, rep)


def edges(sc: Scenario) -> dict[str, list[str]]:
    """Possible moves between states and endings (impossible conditions left out)."""
    return {name: [t.to for t in st.transitions if condition_impossible(t.when) is None]
            for name, st in sc.states.items()}


def _graph_checks(sc: Scenario, rep: _Reporter, graph: dict[str, list[str]]) -> None:
    seen = {sc.start_state}
    frontier = [sc.start_state]
    while frontier:
        for nxt in graph.get(frontier.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    for name in sc.states:
        if name not in seen:
            rep.warning(("states", name), f"state '{name}' can never be reached from '{sc.start_state}'", key=True)
    limits = sc.mood.breaking_point
    engine_endings = {sc.hang_up_ending()}  # max_turns; and the breaking point when it is on
    if limits.landmines or limits.top_band_turns:
        engine_endings.add(sc.breaking_ending())
    for name in sc.endings:
        if name not in seen and name not in engine_endings:
            rep.warning(("endings", name), f"ending '{name}' can never be reached", key=True)
    # Which states can reach an ending? Walk the graph backwards from the endings.
    reverse: dict[str, set[str]] = {}
    for src, targets in graph.items():
        for t in targets:
            reverse.setdefault(t, set()).add(src)
    finishing = set(sc.endings)
    frontier = list(sc.endings)
    while frontier:
        for prev in reverse.get(frontier.pop(), ()):
            if prev not in finishing:
                finishing.add(prev)
                frontier.append(prev)
    for name in sc.states:
        if name in seen and name not in finishing:
            rep.error(("states", name), f"state '{name}' has no path to any ending; a call there never finishes",
                      key=True)


def _ending_hint(name: str, sc: Scenario) -> str:
    """What to write instead of an unknown ending: a close name; for an outcome's name ("resolved"),
    the endings with that outcome; else every ending."""
    same = [e for e, ending in sc.endings.items() if ending.outcome == name]
    if same:
        return f" ('{name}' is an outcome; the endings with it: {', '.join(same)})"
    close = did_you_mean(name, sc.endings)
    if close:
        return close
    return f" (the endings: {', '.join(sc.endings)})" if sc.endings else ""


def _story_checks(sc: Scenario, rep: _Reporter) -> None:
    names = set(sc.states) | set(sc.endings)
    for i, story in enumerate(sc.stories):
        if story.ending not in sc.endings and ("stories", i, "ending") not in rep.stand_in_paths:
            rep.error(("stories", i, "ending"), f"story '{story.name}' expects unknown ending '{story.ending}'"
                                               f"{_ending_hint(story.ending, sc)}")
        for j, st in enumerate(story.states or []):
            if st not in names:
                rep.error(("stories", i, "states", j), f"story '{story.name}' names unknown state '{st}'"
                                                      f"{did_you_mean(st, names)}")
        if story.service_level is not None and not 0 <= story.service_level <= 5:
            rep.error(("stories", i, "service_level"), f"story '{story.name}' expects service level "
                                                       f"{story.service_level}; levels are 0-5")
        ending = sc.endings.get(story.ending)
        if story.title is not None and ending is not None:
            titles = [ending.title or story.ending] + [v.title for v in ending.variants if v.title]
            if story.title not in titles:
                rep.error(("stories", i, "title"), f"story '{story.name}' expects the title '{story.title}', "
                                                   f"which ending '{story.ending}' never shows (its titles: "
                                                   f"{', '.join(repr(t) for t in dict.fromkeys(titles))})")
        if not story.replies and ("stories", i, "replies") not in rep.stand_in_paths:
            rep.error(("stories", i, "replies"), f"story '{story.name}' has no replies")
        for j, item in enumerate(story.replies or []):
            text = item.text if isinstance(item, model.StoryReply) else item
            if not isinstance(text, str):
                continue
            if not text.strip():  # (escape codes were removed by the conversion, with a warning)
                rep.error(("stories", i, "replies", j), f"story '{story.name}' reply {j + 1} is empty; "
                                                       "the engine refuses an empty reply")
            elif len(text) > model.MAX_REPLY_CHARS:
                rep.error(("stories", i, "replies", j), f"story '{story.name}' reply {j + 1} is {len(text)} "
                                                       f"characters; the engine refuses more than "
                                                       f"{model.MAX_REPLY_CHARS}")


# --------------------------------------------------------------------------- entry points

@contextlib.contextmanager
def _gc_paused() -> typing.Iterator[None]:
    """No cyclic garbage collection while one file is read and checked.

    Reading a file makes many small containers and no cycles; the collector kept scanning them
    as they piled up, so a file of 1,000 states took far more than 1,000 times one state. It
    runs again (if it was on) as soon as the file is done."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def check_text(text: str, file: str = "<scenario>") -> tuple[Scenario | None, list[Diagnostic]]:
    """Validate scenario YAML text; returns the model (None on errors) and every diagnostic."""
    rep = _Reporter(file, None)
    with _gc_paused():
        return _check_source(text, rep), rep.items


def in_file_order(d: Diagnostic) -> tuple[int, int]:
    """Sort key: a file's problems by line and column; the whole file's, with no line, first."""
    return (d.mark.line, d.mark.col) if d.mark else (0, 0)


def _check_source(text: str, rep: _Reporter) -> Scenario | None:
    """The scenario in `text` (None on errors); its problems go to `rep`, in the file's order."""
    try:
        return _check_document(text, rep)
    finally:
        # The checks run concern by concern; an author reads the file top down (trial 23 had lines
        # 75, 27, 67, 81 in that order). Problems of the whole file, with no line, come first.
        rep.items.sort(key=in_file_order)


def _check_document(text: str, rep: _Reporter) -> Scenario | None:
    file = rep.file
    try:
        doc = read_document(text)
    except YamlLimitError as exc:
        rep.items.append(Diagnostic(file, "error", str(exc), exc.mark))
        return None
    except yaml.MarkedYAMLError as exc:
        rep.items.append(_syntax_error(text, exc, file))
        return None
    except yaml.YAMLError as exc:
        rep.items.append(Diagnostic(file, "error", f"YAML: {exc}"))
        return None
    except RecursionError:
        rep.items.append(Diagnostic(file, "error", "nesting is too deep"))
        return None
    rep.doc = doc
    for tag, mark in doc.bad_tags:
        rep.items.append(Diagnostic(file, "error", f"tag '{tag}' is not allowed in a scenario file "
                                                   "(files are data; nothing in them is run)", mark))
    for path, mark in doc.duplicate_keys:
        rep.items.append(Diagnostic(file, "error", f"duplicate key '{path[-1]}' (the later one would win)", mark))
    if doc.data is None:
        rep.error((), "the file is empty")
        return None
    if isinstance(doc.data, dict):
        for key, cls in (("states", model.State), ("endings", model.Ending)):
            if isinstance(doc.data.get(key), dict):
                doc.data[key] = _indented_as_a_name(doc.data[key], key, cls, rep)
                rep.raw_names |= {str(k) for k in doc.data[key]}
        if isinstance(doc.data.get("id"), str):
            rep.scenario_id, rep.id_mark = doc.data["id"], rep._mark(("id",), False)
        if doc.data.get("locale") == "zh":
            doc.data = _unfold_chinese(doc.data)
    sc = _convert_dataclass(doc.data, Scenario, (), rep)
    if sc is _MISSING:
        return None
    _semantic(sc, rep)
    sc.source = file
    sc.file_hash = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    if any(d.severity == "error" for d in rep.items):
        return None
    return sc


# YAML's folded blocks (`>-`) join their lines with a space, which in Chinese shows as a gap after
# the full stop ("共40元。 系统记录"). No Chinese text wants a space after full-width punctuation.
_GAP_AFTER_ZH_PUNCT = re.compile(r"(?<=[。！？；，：、）」』”])[ \t]+(?=\S)")


def _unfold_chinese(value: Any) -> Any:
    """`value` (plain YAML data) with the spaces after Chinese punctuation taken out of its text."""
    if isinstance(value, str):
        return _GAP_AFTER_ZH_PUNCT.sub("", value)
    if isinstance(value, dict):
        return {k: _unfold_chinese(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unfold_chinese(v) for v in value]
    return value


def _tab_at(text: str, line: int, column: int) -> tuple[Mark, bool] | None:
    """The first tab in the indentation of this line (0-based), else one at the column the parser
    stopped at: its 1-based Mark and whether it is indentation; None when there is none there."""
    lines = text.split("\n")
    if not 0 <= line < len(lines):
        return None
    row = lines[line]
    indent = len(row) - len(row.lstrip(" \t"))
    if "\t" in row[:indent]:
        return Mark(line + 1, row.index("\t") + 1), True
    if column < len(row) and row[column] == "\t":
        return Mark(line + 1, column + 1), False
    return None


def _syntax_error(text: str, exc: yaml.MarkedYAMLError, file: str) -> Diagnostic:
    """One line for YAML the parser could not read. PyYAML says "found character that cannot
    start any token" for a tab, which names neither the tab nor the fix: a tab where the parser
    stopped, or in that line's indentation, is named as such at its own line:col."""
    m = exc.problem_mark or exc.context_mark
    if m is not None:
        tab = _tab_at(text, m.line, m.column)
        if tab is not None:
            mark, indent = tab
            return Diagnostic(file, "error", "a tab character: indent with spaces (YAML does not allow tabs in "
                                             "indentation)" if indent else "a tab character: use spaces here "
                                             "(YAML does not allow a tab in this place)", mark)
    missing = _missing_colon(text, exc)
    if missing is not None:
        return Diagnostic(file, "error", f"YAML syntax: {missing[1]}", missing[0])
    unclosed = _unclosed_bracket(text, exc)
    if unclosed is not None:
        return Diagnostic(file, "error", f"YAML syntax: {unclosed[1]}", unclosed[0])
    msg = exc.problem or exc.context or "not valid YAML"
    if exc.context and exc.problem:
        msg = f"{exc.problem} ({exc.context})"
    # The parser's words name what it met, not what to do (trial 18): say the usual fix as well.
    problem = exc.problem or ""
    lines = text.splitlines()
    before = lines[m.line][:m.column] if m is not None and m.line < len(lines) else ""
    if problem.startswith("mapping values are not allowed") and ": " in before:
        msg += "; a ': ' inside a text starts a new key: put the whole text in double quotes"
    elif problem.startswith(("did not find expected key", "expected <block end>", "mapping values are not allowed",
                             "did not find expected '-' indicator")):
        msg += ("; check this line's indentation: it must line up with the lines of its block above "
                "(keys under keys, '- ' items under '- ' items)")
        deeper = _deeper_line_above(lines, m.line) if m is not None else None
        if deeper is not None:  # the slip is as often the line above, which set the block's indentation
            msg += (f"; line {deeper[0]} above is indented {deeper[1]} spaces and this one {deeper[2]}: "
                    f"one of the two is off")
    if m is not None:
        # An unclosed quote swallows the lines after it, and the parser stops far below it: name
        # the line where it was opened too (the trainer's slip is there, not where parsing failed).
        opened = _unclosed_quote(text, m.line)
        if opened is not None:
            msg += f"; a quote opened on line {opened} is not closed on that line"
    return Diagnostic(file, "error", f"YAML syntax: {msg}", Mark(m.line + 1, m.column + 1) if m else None)


_KEY = re.compile(r"[A-Za-z_][\w-]*\s*:")  # a key: not a list item (deeper under its key by design) or a text's continued line


def _deeper_line_above(lines: list[str], at: int) -> tuple[int, int, int] | None:
    """(its line number, its indent, this line's) for the line just above line `at` (0-based)
    when it is a key or item indented deeper than this one without opening a block: the parser
    took its indentation for the block's and stops here, on the line that may be the right one
    (trial 27: "stage" one space too deep, the error named the "say" below it)."""
    if at >= len(lines):
        return None
    here = len(lines[at]) - len(lines[at].lstrip(" "))
    for k in range(at - 1, -1, -1):
        line = lines[k]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent > here and not line.rstrip().endswith(":") and _KEY.match(line.lstrip()) \
                and _opens_block(lines, k, indent):
            return k + 1, indent, here
        return None
    return None


def _opens_block(lines: list[str], k: int, indent: int) -> bool:
    """Line k is the first line of its block: the line above it opens one (a key ending in ':'
    indented less). A list item under its key is deeper by design and is not named."""
    for j in range(k - 1, -1, -1):
        line = lines[j]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        return line.rstrip().endswith(":") and len(line) - len(line.lstrip(" ")) < indent
    return False


_FLOW_BRACKETS = {"while parsing a flow sequence": ("[", "]"), "while parsing a flow mapping": ("{", "}")}


def _unclosed_bracket(text: str, exc: yaml.MarkedYAMLError) -> tuple[Mark, str] | None:
    """A '[' or '{' left open: PyYAML stops where the next key meets it, on a later line, and names
    that line; the trainer's slip is where the bracket was opened, which is the error's context.
    Only when the parser stopped on a line indented no deeper than the bracket's own (the next key):
    inside a list spread over lines, a missing ',' is the slip, and the parser's line names it."""
    brackets = _FLOW_BRACKETS.get(exc.context or "")
    opened, stopped = exc.context_mark, exc.problem_mark
    if brackets is None or opened is None or stopped is None or opened.line >= stopped.line:
        return None
    lines = text.splitlines()
    def indent(i: int) -> int:
        return len(lines[i]) - len(lines[i].lstrip(" ")) if i < len(lines) and lines[i].strip() else 0
    if stopped.line < len(lines) and indent(stopped.line) > indent(opened.line):
        return None
    return (Mark(opened.line + 1, opened.column + 1),
            f"the '{brackets[0]}' opened here is not closed: a '{brackets[1]}' is missing "
            f"(the parser stopped on line {stopped.line + 1})")


_DOUBLE_QUOTE = re.compile(r'(?<!\\)"')


def _missing_colon(text: str, exc: yaml.MarkedYAMLError) -> tuple[Mark, str] | None:
    """Where a key's ':' is missing, when that is the likely slip, and the message for it. PyYAML
    reports it on the line after: "could not find expected ':'" (the key's own line is the error's
    context), or, when the next line is a key at the same indentation, "mapping values are not
    allowed" there: the two lines read as one plain value that meets a ':'. That second reading
    may also be a text running over two lines with a ': ' in it, so the message names both."""
    lines = text.splitlines()
    if exc.problem == "could not find expected ':'" and exc.context_mark is not None:
        line = exc.context_mark.line
        if line < len(lines) and ":" in lines[line].split(" #")[0]:
            return None  # it has its colon (a key past YAML's length limit, say): the parser's words
        return (Mark(line + 1, exc.context_mark.column + 1),
                "no ':' after the key on this line (write `key: value`)")
    m = exc.problem_mark
    if m is None or exc.problem not in ("mapping values are not allowed here",  # PyYAML
                                        "mapping values are not allowed in this context"):  # libyaml
        return None
    if m.line >= len(lines):
        return None
    here = lines[m.line]
    indent = len(here) - len(here.lstrip(" "))
    for i in range(m.line - 1, -1, -1):
        row = lines[i]
        if not row.strip() or row.lstrip().startswith("#"):
            continue
        if (len(row) - len(row.lstrip(" ")) == indent and ":" not in row.split(" #")[0]
                and not row.lstrip().startswith(("-", '"', "'"))):
            return (Mark(i + 1, indent + 1),
                    f"no ':' after the key on this line (write `key: value`); or, if this line is text "
                    f"that runs on to line {m.line + 1}, put that text in double quotes (it has a ': ')")
        return None
    return None


def _unclosed_quote(text: str, before: int) -> int | None:
    """The first line (1-based) above line index `before` that opens a double-quoted value and
    leaves it open: an odd number of unescaped " after the key's colon or a list dash, outside a
    comment. None when every line pairs its quotes (a multi-line quoted value is rare in
    scenarios, and this is only asked once the file failed to parse)."""
    for i, line in enumerate(text.splitlines()[:before]):
        value = re.match(r'\s*(?:-\s+)?(?:[^\s"#:][^:#]*:\s+)?(.*)$', line).group(1)
        if value.startswith('"') and len(_DOUBLE_QUOTE.findall(value.split(' #')[0])) % 2 == 1:
            return i + 1
    return None


def _indented_as_a_name(block: dict, key: str, cls: type, rep: _Reporter) -> dict:
    """`states` (or `endings`) with any key that belongs inside one of them, but sits directly
    under `key` (indented two spaces too few), reported and moved into the one above it, so the
    rest is checked as the trainer meant it (not as a state called `transitions` that is not a
    mapping, and a state above it with no transitions)."""
    fields = set(_shape(cls)[1])

    def misplaced(name: Any, value: Any) -> bool:
        return name in fields and not (isinstance(value, dict) and fields & set(value))

    if not any(misplaced(k, v) for k, v in block.items()):
        return block
    out: dict = {}
    above: Any = None
    for name, value in block.items():
        if not misplaced(name, value):
            out[name] = value
            above = name
            continue
        what = key[:-1]  # state, ending
        if above is None:
            rep.error((key, name), f"'{name}' is indented as {'an' if what == 'ending' else 'a'} {what} name, "
                                   f"but it belongs inside one: add the {what} it belongs to above it", key=True)
            continue
        at = rep._mark((key, above), True)
        rep.error((key, name), f"'{name}' is indented as {'an' if what == 'ending' else 'a'} {what} name; "
                               f"indent it under the {what} above ('{above}'" + (f", line {at.line})" if at else ")"),
                  key=True)
        target = out[above]
        if isinstance(target, dict) and name not in target:
            target[name] = value
            _move_marks(rep.doc, (key, name), (key, above, name))
    return out


def _move_marks(doc: Document | None, old: tuple, new: tuple) -> None:
    """Positions of everything under `old` now found under `new` (a key moved by the loader)."""
    if doc is None:
        return
    for marks in (doc.value_marks, doc.key_marks):
        for path in [p for p in marks if p[:len(old)] == old]:
            marks[new + path[len(old):]] = marks[path]


def _check_path(path: str | FsPath) -> tuple[Scenario | None, _Reporter]:
    p = FsPath(path)
    rep = _Reporter(str(path), None)
    try:
        size = p.stat().st_size
        if size > 5 * 1024 * 1024:  # don't even read a huge file into memory
            rep.items.append(Diagnostic(rep.file, "error", f"file is {size / 1e6:.1f} MB; scenario files are "
                                                           f"limited to 2 MB"))
            return None, rep
        raw = p.read_bytes()
    except OSError as exc:
        rep.items.append(Diagnostic(rep.file, "error", f"cannot read: {exc.strerror or exc}"))
        return None, rep
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        rep.items.append(Diagnostic(rep.file, "error", f"not UTF-8 text (byte {exc.start}); save the file as UTF-8"))
        return None, rep
    with _gc_paused():
        return _check_source(text, rep), rep


def check_file(path: str | FsPath) -> tuple[Scenario | None, list[Diagnostic]]:
    """Validate one scenario file; returns the model (None on errors) and every diagnostic."""
    sc, rep = _check_path(path)
    return sc, rep.items


@dataclass(frozen=True)
class FileCheck:
    """What `mystery-guest lint` keeps of one file (a worker process can make it): its problems,
    and the id it declares with where, read even when the file has errors."""

    file: str
    diagnostics: list[Diagnostic]
    scenario_id: str | None = None
    id_mark: Mark | None = None


def file_check(path: str | FsPath) -> FileCheck:
    _, rep = _check_path(path)
    return FileCheck(rep.file, rep.items, rep.scenario_id, rep.id_mark)


class LibraryIds:
    """Scenario ids across the files of a library, in file order: an id must be unique (calls
    are stored and ranked by it), so a file that declares one seen before gets an error at its
    `id`, naming the file that has it first."""

    def __init__(self) -> None:
        self.first: dict[str, tuple[str, Mark | None]] = {}

    def check(self, file: str, scenario_id: str | None, mark: Mark | None) -> list[Diagnostic]:
        if scenario_id is None:
            return []
        if scenario_id not in self.first:
            self.first[scenario_id] = (file, mark)
            return []
        where, at = self.first[scenario_id]
        first = f"{where}:{at.line}:{at.col}" if at else where
        return [Diagnostic(file, "error", f"id '{scenario_id}' is already the id of {first}; "
                                          "each scenario needs its own id", mark)]


def load_scenario(path: str | FsPath) -> Scenario:
    """Load one scenario file or raise ScenarioError with every problem."""
    sc, diags = check_file(path)
    if sc is None:
        raise ScenarioError(diags)
    return sc


def scenario_files(paths: typing.Iterable[str | FsPath]) -> list[FsPath]:
    """Expand files and folders into scenario YAML files (folders: *.yaml and *.yml, sorted)."""
    out: list[FsPath] = []
    for p in map(FsPath, paths):
        if p.is_dir():
            out += sorted(q for q in p.rglob("*") if q.suffix in (".yaml", ".yml") and q.is_file())
        else:
            out.append(p)
    return out


def bundled_dir() -> FsPath:
    """The scenario library shipped with the package."""
    import scenarios

    return FsPath(scenarios.__file__).parent


def load_library(directory: str | FsPath | None = None) -> tuple[list[Scenario], list[Diagnostic]]:
    """Every valid scenario in a folder (the bundled library by default) and the problems of the
    rest; of two files with one id, the first is loaded and the second reported."""
    found: list[Scenario] = []
    problems: list[Diagnostic] = []
    ids = LibraryIds()
    for f in scenario_files([directory or bundled_dir()]):
        sc, rep = _check_path(f)
        again = ids.check(rep.file, rep.scenario_id, rep.id_mark)
        problems += [d for d in rep.items if d.severity == "error"] + again
        if sc is not None and not again:
            found.append(sc)
    return found, problems
