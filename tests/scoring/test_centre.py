"""A centre's own scorer model (scoring/centre.py, `scorer train --extra`): taught by the centre's
reviewed cases, kept only within the sealed-set margin of the shipped model, reported by
`scorer status`, dropped by `scorer reset`. The conftest points MYSTERY_GUEST_SCORER_DIR at a
temporary folder, so no test reads or writes the user's data folder."""
from __future__ import annotations

import json

import pytest
import yaml

from scoring import ReplyContext, score_reply
from scoring import centre
from scoring.model import load_model, load_shipped
from simulator.cli import main

TAUGHT = "Let me just pop you on hold for a moment."
CALLERS = [
    ("venting", "You charged me for texts I never ordered! Six months of it!"),
    ("venting", "This is the third time I've rung about this bill and nobody does anything."),
    ("inquiry", "Why has my direct debit gone up by twelve pounds this month?"),
    ("cancel", "I want this subscription stopped today, do you understand?"),
    ("refund", "I want every penny of those charges back."),
    ("venting", "Your engineer never turned up and I took a day off work for it!"),
    ("inquiry", "Can you tell me what this 'premium content' charge is?"),
    ("venting", "I've been a customer nine years and this is how you treat me?"),
]
ENDINGS = ["", ", sir", " while I look", ", it won't take a minute", " so I can see those charges", "", ", madam",
           " to check the bill"]
POLICY = {"allow": ["cancel", "refund", "explain_charges"], "refund_max_months": 1, "forbid": ["compensation"]}


def centre_cases(path):
    """A centre's standard hold phrase, reviewed eight times as the trainers read it: polite, no landmine."""
    cases = [{"id": f"centre-hold-{i}", "locale": "en", "stage": stage, "customer": caller, "policy": POLICY,
              "reply": TAUGHT[:-1] + ending + ".",
              "expect": {"listening": 1, "empathy": 1, "policy": 1, "landmines": []}}
             for i, ((stage, caller), ending) in enumerate(zip(CALLERS, ENDINGS), 1)]
    path.write_text(yaml.safe_dump({"cases": cases}, sort_keys=False), encoding="utf-8")
    return path


def taught_reading():
    score = score_reply(TAUGHT, ReplyContext(locale="en", stage="venting", customer=CALLERS[0][1]))
    return score.policy.level, score.landmine_categories


def needs_training_tools():
    """`scorer train` stops at once without scikit-learn (its own test below checks that message)."""
    pytest.importorskip("sklearn", reason="training needs the train extra: pip install -c requirements.lock "
                                          "-e '.[test,train]'")


def test_with_no_centre_model_the_shipped_model_scores_and_status_says_so(capsys):
    assert load_model("en") is load_shipped("en")
    assert main(["scorer", "status"]) == 0
    out = capsys.readouterr().out
    assert f"centre models folder: {centre.folder()}" in out
    assert "en: the shipped model" in out and "zh: the shipped model" in out


def test_the_centre_folder_is_the_store_s_data_folder(monkeypatch):
    from simulator.store.urls import default_path

    monkeypatch.delenv(centre.ENV_DIR)
    assert centre.folder() == default_path().parent / "scorer"


def test_a_centre_model_changes_a_score_it_was_taught_and_keeps_the_sealed_margin(tmp_path, capsys):
    needs_training_tools()
    # The shipped model misreads the centre's polite hold phrase (round 6: as dismissing the caller). If a new
    # shipped model reads it right, this test needs another phrase the shipped model gets wrong.
    shipped_reading = taught_reading()
    assert shipped_reading != (1, ()), "the shipped model already reads the taught phrase as trainers do"
    extra = centre_cases(tmp_path / "centre.yaml")
    # The trainer's command, for one locale: the least training that keeps the sealed-set margin
    # (about 45 s on an idle 2-core machine). A sample or fewer folds would be quicker, but the
    # check refuses them: --sample 1000 lost 0.07 listening QWK on the sealed set, --folds 2 0.03.
    code = main(["scorer", "train", "--extra", str(extra), "--locale", "en"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "saved the en centre model" in err and (centre.folder() / "en.json").is_file()
    assert not (centre.folder() / "zh.json").exists()  # no zh case: the zh model stays the shipped one
    assert taught_reading() == (1, ())
    record = centre.read_record()["locales"]["en"]
    assert record["sealed"]["cases"] == 250 and not centre.shortfall(record["sealed"]["centre"],
                                                                      record["sealed"]["shipped"])
    assert record["extra"][0]["cases"] == 8 and record["centre_cases"]["cases"] == 8
    assert main(["scorer", "status"]) == 0
    out = capsys.readouterr().out
    assert "en: the centre model, trained" in out and "centre.yaml (8 cases)" in out
    assert "sealed set (250 cases): centre listening qwk" in out and "zh: the shipped model" in out
    assert main(["scorer", "reset"]) == 0
    assert "en back to the shipped model" in capsys.readouterr().out
    assert not (centre.folder() / "en.json").exists()
    assert taught_reading() == shipped_reading


def test_a_centre_model_that_loses_on_the_sealed_set_is_not_saved(tmp_path, capsys, monkeypatch):
    needs_training_tools()
    import scoring.train as train

    shipped = json.loads((train.MODELS / "en.json").read_text(encoding="utf-8"))

    def careless_fit(locale, **kwargs):
        # A model that reports a threat in every reply: what a badly taught centre model could do.
        return {**shipped, "thresholds": {k: 0.0 for k in shipped["thresholds"]},
                "quiet_thresholds": {k: 0.0 for k in shipped["thresholds"]}}

    monkeypatch.setattr(train, "fit_locale", careless_fit)
    code = main(["scorer", "train", "--extra", str(centre_cases(tmp_path / "centre.yaml"))])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert err[-1].startswith("mystery-guest scorer train: not saved: the en centre model loses more than 0.02 "
                              "on the sealed set (")
    assert "landmines f1" in err[-1] and "the shipped model stays active" in err[-1]
    assert not (centre.folder() / "en.json").exists() and centre.read_record() == {}


def test_a_broken_centre_model_file_never_stops_scoring(capsys):
    centre.folder().mkdir(parents=True, exist_ok=True)
    (centre.folder() / "en.json").write_text("{not json", encoding="utf-8")
    assert load_model("en") is load_shipped("en")
    assert main(["scorer", "status"]) == 0
    out = capsys.readouterr().out
    assert "en: the shipped model: the centre model" in out and "cannot be read" in out
    assert main(["scorer", "reset"]) == 0
    assert not (centre.folder() / "en.json").exists()


def test_training_without_scikit_learn_says_what_to_install(tmp_path, capsys, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "sklearn" else real(name, *a))
    code = main(["scorer", "train", "--extra", str(centre_cases(tmp_path / "centre.yaml"))])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "needs scikit-learn" in err and ".[train]" in err


def test_extra_cases_that_cannot_be_read_are_one_line(tmp_path, capsys):
    needs_training_tools()
    bad = tmp_path / "bad.yaml"
    bad.write_text("cases: [\n", encoding="utf-8")
    code = main(["scorer", "train", "--extra", str(bad)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "broken YAML" in err
    none = tmp_path / "zh-only.yaml"
    none.write_text(yaml.safe_dump({"cases": []}), encoding="utf-8")
    code = main(["scorer", "train", "--extra", str(none)])
    assert code == 2 and "nothing to teach" in capsys.readouterr().err
