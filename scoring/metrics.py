"""Agreement metrics between the scorer and trainers' labels (LABELING.md, "How agreement is measured")."""
from __future__ import annotations

from typing import Iterable, Sequence


def quadratic_weighted_kappa(expected: Sequence[int], predicted: Sequence[int], levels: Sequence[int]) -> float:
    """Cohen's kappa with quadratic weights over the ordered `levels` (1.0 = perfect agreement)."""
    n = len(expected)
    if n == 0:
        return float("nan")
    k = len(levels)
    index = {lv: i for i, lv in enumerate(levels)}
    observed = [[0.0] * k for _ in range(k)]
    for e, p in zip(expected, predicted):
        observed[index[e]][index[p]] += 1
    hist_e = [sum(row) for row in observed]
    hist_p = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            w = ((i - j) ** 2) / ((k - 1) ** 2)
            num += w * observed[i][j]
            den += w * hist_e[i] * hist_p[j] / n
    if den == 0:
        return 1.0 if num == 0 else 0.0
    return 1.0 - num / den


def exact_agreement(expected: Sequence[int], predicted: Sequence[int]) -> float:
    if not expected:
        return float("nan")
    return sum(1 for e, p in zip(expected, predicted) if e == p) / len(expected)


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def violation_prf(expected: Sequence[int], predicted: Sequence[int]) -> dict[str, float]:
    """Precision/recall/F1 of detecting policy = 0 (a violation is the positive class)."""
    tp = sum(1 for e, p in zip(expected, predicted) if e == 0 and p == 0)
    fp = sum(1 for e, p in zip(expected, predicted) if e == 1 and p == 0)
    fn = sum(1 for e, p in zip(expected, predicted) if e == 0 and p == 1)
    return prf(tp, fp, fn)


def landmine_micro_prf(expected: Iterable[Iterable[str]], predicted: Iterable[Iterable[str]]) -> dict[str, float]:
    """Micro-averaged P/R/F1 over (case, category) pairs."""
    tp = fp = fn = 0
    for e, p in zip(expected, predicted):
        es, ps = set(e), set(p)
        tp += len(es & ps)
        fp += len(ps - es)
        fn += len(es - ps)
    return prf(tp, fp, fn)
