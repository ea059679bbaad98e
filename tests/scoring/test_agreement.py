"""The scorer agrees with trainers' labels on the shared development cases, per locale."""
from pathlib import Path

import pytest

from scoring.evaluate import compute_metrics, context_of, load_cases
from scoring.scorer import score_reply

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "scoring"


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_agreement_thresholds(locale):
    path = SHARED / f"dev-cases-{locale}.yaml"
    if not path.exists():
        pytest.skip(f"shared dev cases not found at {path} (shared/ sits beside the repo in CI)")
    cases = load_cases(path)
    m = compute_metrics(cases, [score_reply(c["reply"], context_of(c)) for c in cases])
    assert m["listening"]["qwk"] >= 0.70, m["listening"]
    assert m["empathy"]["qwk"] >= 0.70, m["empathy"]
    assert m["policy"]["f1"] >= 0.90, m["policy"]
    assert m["landmines"]["f1"] >= 0.80, m["landmines"]
