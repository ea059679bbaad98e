"""Replies the scoring benchmarks build from the case files (bench_scoring.py, scoring_outputs.py)."""
from __future__ import annotations

import random
from typing import Callable

# Chinese replies with English words in them, as agents type them.
MIXED = ["我这边查到您的 autopay 设置没问题，是 bank 那边 reject 了", "订单 A-1192 的 refund 我已经提交了，3-5 个 working days 到账",
         "您的 plan 是 Premium 版，这个月的 invoice 我帮您核对一下", "APP 里面 settings 那一栏可以关掉 auto-renew，我陪您一起操作",
         "sorry 让您久等了，您说的 double charge 我看到了，马上帮您 refund 一个月", "OK 我明白，您不想再收到这些 SMS 了，我现在就帮您退订"]


def pasted(pick: Callable[[], str], size: int = 2000) -> str:
    """A pasted transcript: replies from `pick()` joined until `size` characters, cut there."""
    text = ""
    while len(text) < size:
        text += pick() + " "
    return text[:size]


def mixed_or(rng: random.Random, pick: Callable[[], str]) -> Callable[[], str]:
    """`pick`, with every other piece (on average) a mixed-script reply instead."""
    return lambda: rng.choice(MIXED) if rng.random() < 0.5 else pick()
