"""Engine speed: loading/linting the library, and one reply end to end (scoring, mood,
transition, caller's line) through Session.reply. Prints figures; asserts nothing.

    python benchmarks/bench_engine.py [--rounds N]
"""
from __future__ import annotations

import argparse
import statistics
import time

from simulator.loader import bundled_dir, check_file, scenario_files
from simulator.session import Session
from simulator.stories import StoryReply


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=50)
    args = ap.parse_args()

    files = scenario_files([bundled_dir()])
    lint_ms = []
    for _ in range(5):
        t0 = time.perf_counter()
        scenarios = [check_file(f)[0] for f in files]
        lint_ms.append((time.perf_counter() - t0) * 1000)
    print(f"lint {len(files)} library files: median {statistics.median(lint_ms):.1f} ms "
          f"({statistics.median(lint_ms) / len(files):.2f} ms per file)")

    per_reply: dict[str, list[float]] = {"en": [], "zh": []}
    for _ in range(args.rounds):
        for sc in scenarios:
            if sc is None:
                continue
            for story in sc.stories:
                session = Session(sc, seed=story.seed)
                for item in story.replies:
                    if session.over:
                        break
                    text = item.text if isinstance(item, StoryReply) else item
                    t0 = time.perf_counter()
                    session.reply(text)
                    per_reply[sc.locale].append((time.perf_counter() - t0) * 1000)
    for locale, values in per_reply.items():
        if values:
            print(f"Session.reply ({locale}, {len(values)} replies from the library's stories): "
                  f"p50 {pct(values, 50):.2f} ms, p99 {pct(values, 99):.2f} ms, max {max(values):.2f} ms")


if __name__ == "__main__":
    main()
