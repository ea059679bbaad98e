import math

from scoring.metrics import exact_agreement, landmine_micro_prf, quadratic_weighted_kappa, violation_prf


def test_qwk_perfect_and_worse():
    assert quadratic_weighted_kappa([0, 1, 2, 2], [0, 1, 2, 2], (0, 1, 2)) == 1.0
    assert quadratic_weighted_kappa([0, 1, 2], [2, 1, 0], (0, 1, 2)) < 0
    assert math.isnan(quadratic_weighted_kappa([], [], (0, 1, 2)))


def test_exact_and_prf():
    assert exact_agreement([0, 1], [0, 2]) == 0.5
    m = violation_prf([0, 0, 1, 1], [0, 1, 0, 1])
    assert (m["tp"], m["fp"], m["fn"]) == (1, 1, 1) and m["f1"] == 0.5
    m = landmine_micro_prf([["defy"], []], [["defy", "argue"], []])
    assert m["precision"] == 0.5 and m["recall"] == 1.0
