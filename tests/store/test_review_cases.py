"""Reviewed turns become reply cases (`mystery-guest cases export --reviewed`) that `eval` and
`scorer train --extra` read: the context the scorer saw in the call, the trainer's labels."""
from __future__ import annotations

import pytest
import yaml

from scoring.evaluate import context_of, load_cases
from scoring.scorer import score_reply
from simulator.cli import main
from simulator.loader import bundled_dir
from simulator.store.store import Store

REPLIES = [
    "Five months of charges for something you never asked for, I completely understand why you're angry.",
    "Kindly hold the line while I pull up your account.",
    "Of course. I'll cancel Daily Tips for you right now, so from next month you won't be charged the 6.00 any more.",
]


@pytest.fixture
def reviewed_call(db_url, tmp_path, capsys):
    """A replayed call on the bundled VAS scenario (the real scorer), three turns reviewed."""
    replies = tmp_path / "replies.txt"
    replies.write_text("\n".join(REPLIES) + "\n", encoding="utf-8")
    code = main(["replay", str(bundled_dir() / "vas-sms-tips-en.yaml"), "--replies", str(replies),
                 "--trainee", "Ann", "--cohort", "june", "--db", db_url])
    assert code == 0, capsys.readouterr().err
    with Store.open(db_url) as store:
        [row] = store.sessions("june")
        for turn, levels in ((1, (2, 2, 1, [])), (2, (1, 1, 1, [])), (3, (2, 1, 1, []))):
            store.save_review(row.id, turn - 1, listening=levels[0], empathy=levels[1], policy=levels[2],
                              landmines=levels[3], note=f"turn {turn}", reviewer="Tina")
        detail = store.session_detail(row.id)
    capsys.readouterr()
    return db_url, detail


def test_exported_cases_load_in_eval_and_carry_the_context_the_call_was_scored_in(reviewed_call, tmp_path, capsys):
    url, detail = reviewed_call
    out = tmp_path / "centre-cases.yaml"
    code = main(["cases", "export", "--reviewed", "--cohort", "june", "-o", str(out), "--db", url])
    assert code == 0, capsys.readouterr().err
    capsys.readouterr()
    cases = load_cases(out)
    assert [c["expect"] for c in cases] == [
        {"listening": 2, "empathy": 2, "policy": 1, "landmines": []},
        {"listening": 1, "empathy": 1, "policy": 1, "landmines": []},
        {"listening": 2, "empathy": 1, "policy": 1, "landmines": []}]
    assert [c["reply"] for c in cases] == REPLIES
    assert cases[0]["policy"]["allow"] and cases[0]["facts"] and cases[0]["stage"] == "venting"
    assert cases[1]["history"][0] == {"speaker": "customer", "text": detail.session.opening}
    assert cases[2]["source"] == {"session": detail.session.id, "turn": 3, "scenario": "vas-sms-tips-en",
                                  "reviewer": "Tina", "reviewed_at": cases[2]["source"]["reviewed_at"],
                                  "note": "turn 3"}
    # each case scores as the reply scored in the call: the same context reached the scorer
    for case, turn in zip(cases, detail.turns):
        again = score_reply(case["reply"], context_of(case))
        assert {d: again.dimension(d).level for d in ("listening", "empathy", "policy")} == {
            d: turn["score"][d]["level"] for d in ("listening", "empathy", "policy")}
        assert list(again.landmine_categories) == list(dict.fromkeys(m["category"] for m in turn["score"]["landmines"]))
    code = main(["eval", str(out)])
    printed = capsys.readouterr().out
    assert code == 0 and "(n=3)" in printed


def test_cases_export_needs_reviewed_and_says_so(reviewed_call, tmp_path, capsys):
    url, _ = reviewed_call
    code = main(["cases", "export", "-o", str(tmp_path / "x.yaml"), "--db", url])
    assert code == 2 and "add --reviewed" in capsys.readouterr().err
    code = main(["cases", "export", "--reviewed", "--cohort", "nobody", "-o", str(tmp_path / "x.yaml"), "--db", url])
    assert code == 1 and "no sessions in cohort 'nobody'" in capsys.readouterr().err


def test_a_cohort_without_reviews_exports_an_empty_case_list(db_url, tmp_path, capsys):
    from tests.store.helpers import play

    with Store.open(db_url) as store:
        play(store, "Ben", "july", ["L80 E80 P100 close"])
    out = tmp_path / "none.yaml"
    assert main(["cases", "export", "--reviewed", "-o", str(out), "--db", db_url]) == 0
    assert yaml.safe_load(out.read_text(encoding="utf-8")) == {"cases": []}
