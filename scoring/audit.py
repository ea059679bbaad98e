"""Lexicon audit: entries that look like a sentence copied from a case rather than a phrase family.

    python -m scoring.audit [--locale en|zh] [--min-words 4] [--min-chars 6]

A lexicon phrase is meant to be a general family ("i understand", "(calm|settle) down"). One
that holds a fixed run of at least 4 words (en) or 6 characters (zh) with no alternation or gap,
and occurs verbatim in a case reply, is likely to have been written from that reply: it makes
the scorer look right on the case and teaches nothing about other wording. The audit lists
each such entry with the cases it occurs in; a person decides (docs/lexicons.md). It reads
every case file, the sealed sets included, because those are exactly the replies a copied
phrase would flatter. The shape rules (shapes.yaml) are audited the same way: every run of plain
text in a part or pattern (outside classes, repeats and lookarounds) of that length that occurs in
a case reply is listed, in the locale of its script.
"""
from __future__ import annotations

import argparse
import re
import sys
from functools import lru_cache
from pathlib import Path

try:  # the regex parser the re module itself uses (named sre_parse before Python 3.11)
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

from scoring.lexicon import _number_regex, compile_phrase, load_raw
from scoring.normalise import normalise, normalise_phrase

ROOT = Path(__file__).resolve().parent.parent
CASE_DIRS = (ROOT / "scoring" / "corpus", ROOT / "tests" / "scoring" / "cases")
# Pattern syntax that breaks a run of fixed text (docs/lexicons.md).
REVIEWED = ROOT / "scoring" / "lexicons" / "reviewed-long-phrases.yaml"
_SYNTAX = re.compile(r"\.\.\.|\.\{\d+,\d+\}|\{num\}|\{money\}|[()|?*]")


def longest_fixed_run(phrase: str, locale: str) -> int:
    """Words (en) or characters (zh, spaces ignored) in the longest stretch of the phrase that
    has no pattern syntax in it. A `re:` phrase is a hand-written regex: counted as 0."""
    if phrase.startswith("re:"):
        return 0
    text = normalise_phrase(phrase.strip())
    # `(a|b)` groups: only text outside every group is fixed; a `?` also makes its group optional.
    runs, depth, cur = [], 0, []
    i = 0
    while i < len(text):
        m = _SYNTAX.match(text, i)
        if m:
            tok = m.group()
            if tok == "(":
                depth += 1
            elif tok == ")":
                depth = max(0, depth - 1)
            runs.append("".join(cur))
            cur = []
            i = m.end()
            continue
        if depth == 0:
            cur.append(text[i])
        i += 1
    runs.append("".join(cur))
    # English words count as words in a Chinese lexicon too ("upgrade" is one word, not 7).
    return max(len(r.split()) if locale == "en" or r.isascii() else len(r.replace(" ", "")) for r in runs)


def case_replies(locale: str) -> list[tuple[str, str]]:
    """(case id, normalised reply) of every case of this locale in the repository."""
    return _all_case_replies().get(locale, [])


@lru_cache(maxsize=1)
def _all_case_replies() -> dict[str, list[tuple[str, str]]]:
    """Every case reply, read once for both locales (the case files take seconds to parse)."""
    from scoring.evaluate import load_cases

    out: dict[str, list[tuple[str, str]]] = {}
    for folder in CASE_DIRS:
        for path in sorted(folder.rglob("*.yaml")):
            for case in load_cases(path):
                if isinstance(case.get("reply"), str):
                    out.setdefault(str(case.get("locale")), []).append(
                        (str(case.get("id", path.name)), normalise(case["reply"]).text))
    return out


def audit(locale: str, min_words: int = 4, min_chars: int = 6) -> list[tuple[str, str, list[str]]]:
    """(family, phrase, ids of cases whose reply it matches) for every long fixed phrase that
    occurs in a case reply."""
    raw = load_raw(locale)
    gap = int(raw.get("gap", 24))
    num_re = _number_regex(raw.get("numbers") or {})
    limit = min_words if locale == "en" else min_chars
    replies = case_replies(locale)
    found = []
    groups = {**{f"families.{k}": v for k, v in (raw.get("families") or {}).items()},
              **{f"actions.{k}": v for k, v in (raw.get("actions") or {}).items()}}
    for family, phrases in groups.items():
        for phrase in phrases or ():
            phrase = str(phrase)
            if longest_fixed_run(phrase, locale) < limit:
                continue
            pattern = re.compile(compile_phrase(phrase, locale, num_re, gap))
            hits = [cid for cid, text in replies if pattern.search(text)]
            if hits:
                found.append((family, phrase, hits))
    return found


def literal_runs(regex: str) -> list[str]:
    """The stretches of plain text a regular expression must match character for character:
    `you (?:forgot|ignored) to` gives "you ", "forgot", "ignored", " to". A class, an optional or
    repeated item or a lookaround ends a run; the text inside alternatives and groups is walked."""
    out: list[str] = []

    def walk(items) -> None:
        run: list[str] = []
        for op, arg in items:
            if op is _sre.LITERAL:
                run.append(chr(arg))
                continue
            out.append("".join(run))
            run = []
            if op is _sre.BRANCH:
                for alt in arg[1]:
                    walk(alt)
            elif op is _sre.SUBPATTERN:
                walk(arg[-1])
            elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
                walk(arg[2])
        out.append("".join(run))

    walk(_sre_parse.parse(regex))
    return [r for r in out if r.strip()]


def _run_length(run: str) -> tuple[str, int]:
    """(locale, words or characters) of a plain-text run: English by words, Chinese by characters."""
    return ("en", len(run.split())) if run.isascii() else ("zh", len(run.replace(" ", "")))


def audit_shapes(min_words: int = 4, min_chars: int = 6) -> list[tuple[str, str, str, list[str]]]:
    """(locale, "rules.NAME" / "parts.NAME" / "guards.NAME", run, ids of cases whose reply holds it)
    for every long plain-text run of the shape rules that occurs in a case reply."""
    from scoring.lexicon import load_yaml
    from scoring.structure import SHAPES_FILE

    data = load_yaml(SHAPES_FILE.read_text(encoding="utf-8")) or {}
    entries = [(f"parts.{name}", str(x)) for name, value in (data.get("parts") or {}).items()
               for x in (value if isinstance(value, list) else [value])]
    entries += [(f"{section}.{name}", str(x)) for section in ("rules", "guards")
                for name, spec in (data.get(section) or {}).items() for x in spec.get("pattern") or ()]
    replies = {locale: case_replies(locale) for locale in ("en", "zh")}
    found, seen = [], set()
    for where, alternative in entries:
        for run in literal_runs(re.sub(r"\{[a-z][a-z0-9_]*\}", "(?:.)", alternative)):  # a {part} is not text
            run = run.strip()
            locale, length = _run_length(run)
            if length < (min_words if locale == "en" else min_chars) or (where, run) in seen:
                continue
            seen.add((where, run))
            hits = [cid for cid, text in replies[locale] if run in text]
            if hits:
                found.append((locale, where, run, hits))
    return found


def reviewed() -> dict[str, set[str]]:
    """Long phrases a person has looked at and kept as general families (REVIEWED, per locale)."""
    from scoring.lexicon import load_yaml

    data = load_yaml(REVIEWED.read_text(encoding="utf-8")) or {}
    return {loc: {str(p) for p in (data.get(loc) or ())} for loc in ("en", "zh")}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m scoring.audit", description=__doc__.split("\n\n")[0])
    p.add_argument("--locale", choices=("en", "zh"), action="append")
    p.add_argument("--min-words", type=int, default=4)
    p.add_argument("--min-chars", type=int, default=6)
    args = p.parse_args(argv)
    kept = reviewed()
    new = 0
    for locale in args.locale or ["en", "zh"]:
        for family, phrase, hits in audit(locale, args.min_words, args.min_chars):
            more = f" (+{len(hits) - 3} more)" if len(hits) > 3 else ""
            mark = "reviewed" if phrase in kept[locale] else "NEW"
            new += mark == "NEW"
            print(f"{mark:8} {locale} {family}: {phrase!r} in {len(hits)} case(s): {', '.join(hits[:3])}{more}")
    for locale, where, run, hits in audit_shapes(args.min_words, args.min_chars):
        if locale not in (args.locale or ["en", "zh"]):
            continue
        more = f" (+{len(hits) - 3} more)" if len(hits) > 3 else ""
        mark = "reviewed" if run in kept[locale] else "NEW"
        new += mark == "NEW"
        print(f"{mark:8} {locale} shapes {where}: {run!r} in {len(hits)} case(s): {', '.join(hits[:3])}{more}")
    print(f"{new} long fixed phrase(s) in case replies not yet reviewed: delete each one that is a "
          f"sentence (from the lexicon or shapes.yaml), or add it to {REVIEWED.relative_to(ROOT)} (docs/lexicons.md).")
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
