"""Every score the scorer gives, written out in full, so a speed change can be shown to change none.

    python benchmarks/scoring_outputs.py OUT.jsonl            # write every output
    python benchmarks/scoring_outputs.py OUT.jsonl --check    # compare with a file written before

Scores every case in scoring/corpus/ and tests/scoring/cases/ (in its own context), the same
replies in the other locale's context, Chinese replies with English words mixed in, and
2,000-character replies built from the cases (the long-reply paths) - with the hybrid scorer and
with the rules alone. One JSON line per input: `ReplyScore.to_dict()`, keys sorted. The inputs are
fixed (seeded), so two runs over the same code and weights give byte-identical files; a speed
change to scoring/ must too (the weights in scoring/models/ must be the same for both runs).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scoring import score_reply  # noqa: E402
from scoring.evaluate import context_of, load_cases  # noqa: E402
from scoring.scorer import score_rules  # noqa: E402

from benchmarks.replies import MIXED, pasted  # noqa: E402


def case_files() -> list[Path]:
    return sorted((ROOT / "scoring" / "corpus").rglob("*.yaml")) + sorted((ROOT / "tests" / "scoring" / "cases").glob("*.yaml"))


def inputs():
    """(name, reply, context) for every input, in a fixed order."""
    cases = []
    for path in case_files():
        for i, case in enumerate(load_cases(path)):
            cases.append((f"{path.relative_to(ROOT)}#{i}", case["reply"], context_of(case)))
    yield from cases
    other = {"en": "zh", "zh": "en"}
    for name, reply, ctx in cases[::7]:  # the reply in the other language's call
        yield f"{name}@other", reply, replace(ctx, locale=other[ctx.locale], lexicon_extra=None)
    rng = random.Random(11)
    zh = [c for c in cases if c[2].locale == "zh"]
    for i in range(300):
        _, reply, ctx = rng.choice(zh)
        words = rng.sample(MIXED, 2)
        yield f"mixed#{i}", rng.choice([words[0] + reply, reply + words[1], words[0] + reply + words[1]]), ctx
    for loc in ("en", "zh"):
        items = [c for c in cases if c[2].locale == loc]
        for i in range(60):
            text = pasted(lambda: rng.choice(items)[1])
            yield f"long-{loc}#{i}", text, rng.choice(items)[2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--check", action="store_true", help="compare with OUT instead of writing it")
    args = parser.parse_args()
    lines = []
    for name, reply, ctx in inputs():
        for scorer, fn in (("hybrid", score_reply), ("rules", score_rules)):
            out = fn(reply, ctx).to_dict()
            lines.append(json.dumps({"input": name, "scorer": scorer, "score": out}, ensure_ascii=False, sort_keys=True))
    text = "\n".join(lines) + "\n"
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    if not args.check:
        args.out.write_text(text, encoding="utf-8")
        print(f"{len(lines)} outputs written to {args.out} (sha256 {digest})")
        return 0
    before = args.out.read_text(encoding="utf-8").splitlines()
    differ = [(a, b) for a, b in zip(before, lines) if a != b]
    if len(before) != len(lines) or differ:
        print(f"DIFFERENT: {len(differ)} of {len(lines)} outputs differ ({len(before)} before)")
        for a, b in differ[:3]:
            print(" before:", a[:400], "\n after: ", b[:400])
        return 1
    print(f"identical: {len(lines)} outputs (sha256 {digest})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
