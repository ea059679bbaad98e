"""Scoring speed: per-reply latency (p50/p99) for zh and en, short and 2,000-character
replies, plus batch throughput and first-call (lexicon load) cost. Prints figures only.

    python benchmarks/bench_scoring.py [--n 2000]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scoring import Policy, ReplyContext, Turn  # noqa: E402

POLICY = Policy(allow=("cancel", "refund", "explain_charges", "escalate", "callback"),
                forbid=("compensation",), refund_max_months=1)
SHORT = {
    "en": "Six months of texts you never asked for, I'd be fuming too. I can't refund all six, "
          "but I can put one month back today. Would that help?",
    "zh": "半年里每个月都被扣了一笔压根不知道的钱，换谁都火大。六个月没法全退，但我可以给您退一个月的费用，您看行吗？",
}
CUSTOMER = {
    "en": "You've been taking £5 a month off me for six months for texts I never ordered! I want it all back!",
    "zh": "你们每个月扣我五块钱，扣了半年，我根本没订过！全部给我退回来！",
}


def _long(text: str, n: int = 2000) -> str:
    return (text + " ") * (n // (len(text) + 1)) + text[: n % (len(text) + 1)]


def _ctx(locale: str) -> ReplyContext:
    return ReplyContext(locale=locale, stage="refund", customer=CUSTOMER[locale],
                        history=(Turn("agent", "I'm sorry to hear that."),), facts={"monthly_fee": 5},
                        policy=POLICY)


def _percentile(sorted_values: list[float], p: float) -> float:
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100 * (len(sorted_values) - 1)))))
    return sorted_values[k]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000, help="replies per latency series (2000)")
    args = parser.parse_args()

    # Start-up cost in a fresh interpreter: import, then the first call loads both lexicons.
    probe = ("import time;t=time.perf_counter();import scoring;i=time.perf_counter();"
             "from scoring import ReplyContext as C;scoring.score_reply('ok',C(locale='zh',stage='venting'));"
             "print(round((i-t)*1000,1))")
    import_ms = float(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                                     cwd=Path(__file__).resolve().parents[1], check=True).stdout)
    from scoring import score_reply
    t0 = time.perf_counter()
    score_reply(SHORT["en"], _ctx("en"))
    score_reply(SHORT["zh"], _ctx("zh"))
    first_ms = (time.perf_counter() - t0) * 1000
    print(f"import scoring (fresh interpreter): {import_ms:.1f} ms; first two calls (load + compile both lexicons): {first_ms:.1f} ms")

    print(f"{'series':22} {'chars':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for locale in ("en", "zh"):
        ctx = _ctx(locale)
        for label, reply in (("short", SHORT[locale]), ("2000 chars", _long(SHORT[locale]))):
            times = []
            for _ in range(args.n):
                t = time.perf_counter()
                score_reply(reply, ctx)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            print(f"{locale + ' ' + label:22} {len(reply):6d} {statistics.median(times):8.3f} "
                  f"{_percentile(times, 99):8.3f} {times[-1]:8.3f}")

    batch = [(SHORT[loc], _ctx(loc)) for loc in ("en", "zh")] * (args.n // 2)
    t = time.perf_counter()
    for reply, ctx in batch:
        score_reply(reply, ctx)
    elapsed = time.perf_counter() - t
    print(f"batch throughput (short, mixed zh/en): {len(batch) / elapsed:,.0f} replies/s")

    for locale in ("en", "zh"):
        huge = _long(SHORT[locale], 100_000)
        t = time.perf_counter()
        score_reply(huge, _ctx(locale))
        print(f"{locale} 100 KB reply: {(time.perf_counter() - t) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
