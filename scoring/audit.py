"""Lexicon audit: entries that look like a sentence copied from a case rather than a phrase family.

    python -m scoring.audit [--locale en|zh] [--min-words 4] [--min-chars 6]

A lexicon phrase is meant to be a general family ("i understand", "(calm|settle) down"). One
that holds a fixed run of at least 4 words (en) or 6 characters (zh) with no alternation or gap,
and occurs verbatim in a case reply, is likely to have been written from that reply: it makes
the scorer look right on the case and teaches nothing about other wording. The audit lists
each such entry with the cases it occurs in; a person decides (docs/lexicons.md). It reads
every case file, the sealed sets included, because those are exactly the replies a copied
phrase would flatter.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

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
    from scoring.evaluate import load_cases

    out = []
    for folder in CASE_DIRS:
        for path in sorted(folder.rglob("*.yaml")):
            for case in load_cases(path):
                if case.get("locale") == locale and isinstance(case.get("reply"), str):
                    out.append((str(case.get("id", path.name)), normalise(case["reply"]).text))
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
    print(f"{new} long fixed phrase(s) in case replies not yet reviewed: delete each one that is a "
          f"sentence, or add it to {REVIEWED.relative_to(ROOT)} (docs/lexicons.md).")
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
