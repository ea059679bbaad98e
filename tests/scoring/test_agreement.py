"""The scorer agrees with trainers on replies it was never trained or tuned on (the sealed set),
per locale, with thresholds just under the figures measured for the shipped model
(docs/scoring.md); and it still agrees on the team's development cases it was trained on."""
from pathlib import Path

import pytest

from scoring.evaluate import compute_metrics, context_of, load_cases
from scoring.scorer import score_reply

ROOT = Path(__file__).resolve().parents[2]
SEALED = ROOT / "tests" / "scoring" / "cases"

# Measured on the sealed set for the shipped model (docs/scoring.md, latest round), less 0.02.
SEALED_FLOOR = {  # round 18: en 0.889 / 0.951 / 0.934 / 0.826, zh 0.857 / 0.935 / 0.944 / 0.847
    "en": {"listening": 0.86, "empathy": 0.93, "policy": 0.91, "landmines": 0.80},
    "zh": {"listening": 0.83, "empathy": 0.91, "policy": 0.92, "landmines": 0.82},
}


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_agreement_on_the_sealed_set_does_not_fall(locale):
    path = SEALED / f"sealed-{locale}.yaml"
    assert path.exists(), f"{path} is missing: the sealed set is part of the repository"
    cases = load_cases(path)
    assert len(cases) >= 200
    m = compute_metrics(cases, [score_reply(c["reply"], context_of(c)) for c in cases])
    floor = SEALED_FLOOR[locale]
    assert m["listening"]["qwk"] >= floor["listening"], m["listening"]
    assert m["empathy"]["qwk"] >= floor["empathy"], m["empathy"]
    assert m["policy"]["f1"] >= floor["policy"], m["policy"]
    assert m["landmines"]["f1"] >= floor["landmines"], m["landmines"]


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_agreement_on_the_development_cases_it_learned_from(locale):
    """In-sample (the model trained on them): a fall here means training or inference broke."""
    cases = load_cases(ROOT / "scoring" / "corpus" / f"dev-{locale}.yaml")
    m = compute_metrics(cases, [score_reply(c["reply"], context_of(c)) for c in cases])
    assert m["listening"]["qwk"] >= 0.85, m["listening"]
    assert m["empathy"]["qwk"] >= 0.95, m["empathy"]
    assert m["policy"]["f1"] >= 0.95, m["policy"]
    assert m["landmines"]["f1"] >= 0.93, m["landmines"]
