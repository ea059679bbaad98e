"""The learned part of the scorer: shipped weights that match the corpus, inference with no
training libraries, evidence taken from the reply itself, and warmth judged apart from length."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scoring import ReplyContext
from scoring.evaluate import context_of, load_cases
from scoring.model import load_model, ngrams
from scoring.scorer import score_reply
from scoring.train import corpus_digest, training_files

ROOT = Path(__file__).resolve().parents[2]
SEALED = ROOT / "tests" / "scoring" / "cases"


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_the_shipped_model_was_trained_on_the_corpus_in_the_repository(locale):
    model = load_model(locale)
    assert model is not None, f"scoring/models/{locale}.json is missing: run mystery-guest scorer train"
    assert model.meta["corpus_sha256"] == corpus_digest(training_files(locale)), (
        "the labelled cases changed since the model was trained: run `mystery-guest scorer train`")


def test_training_never_reads_the_sealed_cases():
    files = training_files()
    assert files and not [f for f in files if "sealed" in f.name]
    assert (SEALED / "sealed-en.yaml").exists() and (SEALED / "sealed-zh.yaml").exists()


def test_scoring_runs_without_the_training_tools():
    code = ("import sys; sys.modules['sklearn'] = None; sys.modules['scipy'] = None; sys.modules['joblib'] = None\n"
            "from scoring import ReplyContext, score_reply\n"
            "s = score_reply('I am so sorry, three months of charges you never asked for.', "
            "ReplyContext(locale='en', stage='venting', customer='Three months of charges I never asked for!'))\n"
            "print(s.empathy.level)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() in {"0", "1", "2"}


def test_the_model_reads_no_length_feature():
    data = json.loads((ROOT / "scoring" / "models" / "en.json").read_text(encoding="utf-8"))
    assert not [d for d in data["dense"] if "len" in d or "word" in d or "char" in d]
    # the same words said twice read the same: tf is damped and the vector normalised
    model = load_model("en")
    ctx = context_of({"locale": "en", "stage": "refund", "customer": "I want my money back."})
    once = model.stage1("I can refund last month for you.", ctx)
    twice = model.stage1("I can refund last month for you. " * 2, ctx)
    assert max(abs(a - b) for a, b in zip(once, twice)) < 0.35


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_warmth_is_judged_apart_from_length_on_the_sealed_pairs(locale):
    """The sealed set's long-cold and short-warm replies: the scorer must tell them apart by
    what they say, and better than reply length alone could."""
    cases = [c for c in load_cases(SEALED / f"sealed-{locale}.yaml")
             if set(c.get("tags") or []) & {"long-cold", "short-warm"}]
    assert len(cases) >= 25
    hits = 0
    for c in cases:
        level = score_reply(c["reply"], context_of(c)).empathy.level
        warm = "short-warm" in c["tags"]
        hits += (level == 2) if warm else (level <= 1)
    assert hits / len(cases) >= 0.75, f"{hits}/{len(cases)} long-cold / short-warm replies judged right"


def test_a_learned_decision_points_at_words_of_the_reply():
    reply = "Honestly, if you'd read the terms before signing up we wouldn't be having this conversation."
    ctx = context_of({"locale": "en", "stage": "refund", "customer": "I want a refund for this rubbish."})
    score = score_reply(reply, ctx)
    assert score.landmines, "blame phrased as a counterfactual is a landmine"
    for hit in score.landmines:
        assert 0 <= hit.start < hit.end <= len(reply) and reply[hit.start:hit.end].strip()
        assert hit.reason
    for dim in (score.listening, score.empathy):
        for ev in dim.evidence:
            assert ev.reason and (ev.start, ev.end) == (0, 0) or reply[ev.start:ev.end].strip()


def test_replies_are_read_as_character_ngrams_and_word_pairs():
    assert {"可以", "我可", "我可以"} <= set(ngrams("我可以", "zh"))
    assert {" can", "can ", "i_can"} <= set(ngrams("I can", "en"))


def test_a_reply_in_the_other_language_is_read_by_that_languages_model():
    """A trainee answering an English caller in Chinese (or the reverse) is not read by a model
    that never saw the script: no invented landmines, the warmth still counts."""
    ctx = context_of({"locale": "en", "stage": "venting", "customer": "You charged me three pounds after I cancelled!"})
    score = score_reply("取消了还被扣三块钱，换谁都窝火，我先帮您查一下扣费时间。", ctx)
    assert score.landmine_categories == () and score.empathy.level == 2


ODD_REPLIES = ["您好， 我 帮您\t查一下 ,OK?  好的", "  ", "", "，，", "A", "我\n\n们。Refund 已经 提交",
               "x\u3000y，z\x1cw", "  ，好的呀", "好，的呀呀", "退款ΣΑΣ，好的", "İstanbul 的订单，我看一下",
               "Sorry,sorry!! I'm SO sorry... it's   not your fault,ok", "don't-worry: it's £30.00, refunded."]


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_a_reply_is_read_by_the_table_rows_of_exactly_its_ngrams(locale):
    """Model.ids keeps each English word's rows between replies: the rows must still be those of
    the reply's n-grams, each as often as it occurs, whatever the spacing, case or punctuation."""
    model = load_model(locale)
    replies = [c["reply"] for c in load_cases(SEALED / f"sealed-{locale}.yaml")] + ODD_REPLIES
    assert len(replies) > 100, "the sealed cases are missing"
    for reply in replies + replies:  # the second time from the kept rows
        expected = sorted(i for i in map(model.index.get, ngrams(reply, locale)) if i is not None)
        assert sorted(model.ids(reply)) == expected, reply


def test_a_chinese_clause_is_read_from_the_replys_own_ngrams_as_if_read_alone():
    """The explanation places the reply's own n-grams in their clauses (model._zh_clause_places)
    instead of reading each clause again: each clause must get exactly the rows it would have read
    alone, each once, whatever whitespace, case or English words the reply holds."""
    from scoring.model import _CLAUSE, _zh_clause_places

    model = load_model("zh")
    replies = [c["reply"] for c in load_cases(SEALED / "sealed-zh.yaml")] + ODD_REPLIES
    assert len(replies) > 100, "the sealed zh cases are missing"
    placed_by_start = 0
    for reply in replies:
        _, known, _, (_, parts, occurs) = model._stage1(reply, ReplyContext(locale="zh", stage="venting"))
        spans = [m.span() for m in _CLAUSE.finditer(reply)]
        placed = _zh_clause_places(reply, spans, parts, occurs)
        if placed is None:
            assert "Σ" in reply or len(reply.lower()) != len(reply)
            continue
        placed_by_start += 1
        where, owner = placed
        got = list(zip(owner.tolist(), where.tolist()))
        row = {r: k for k, r in enumerate(known.tolist())}
        alone = {(i, row[r]) for i, (s, e) in enumerate(spans) for r in model.ids(reply[s:e]) if r in row}
        assert len(got) == len(set(got)) and set(got) == alone, reply
    assert placed_by_start >= len(replies) - 2


@pytest.mark.parametrize("reply, whole", [
    ("Fine, I'll refund the full 30.00 today, happy now?", "I'll refund the full 30.00 today"),
    ("好吧，给您退 1,200 元，满意了吧", "给您退 1,200 元"),
])
def test_a_learned_decision_quotes_a_clause_without_cutting_a_number_in_two(reply, whole):
    """The clause a learned decision underlines runs over "30.00" or "1,200": a point or comma
    between digits is not a clause break (a quote reading "refund the full 30" misleads)."""
    from scoring.model import _CLAUSE

    assert whole in [m.group().strip() for m in _CLAUSE.finditer(reply)]


def test_the_model_sees_whether_the_caller_is_upset_and_whether_the_reply_only_asks():
    """A question to find the cause is fine to a calm caller and blaming to one still venting
    (docs/labelling.md): the context features carry both, and their product, to the model."""
    from scoring.model import DENSE, dense_features
    from scoring.types import ReplyContext

    def feats(reply, customer, stage="inquiry"):
        return dict(zip(DENSE, dense_features(reply, ReplyContext(locale="en", stage=stage, customer=customer))))

    calm = feats("Did you change banks recently?", "Why did my payment fail this month?")
    assert (calm["only_asks"], calm["caller_upset"], calm["only_asks_upset"]) == (1.0, 0.0, 0.0)
    angry = feats("Did you change banks recently?", "You FAILED my payment! Again!", stage="venting")
    assert (angry["caller_upset"], angry["only_asks_upset"], angry["only_asks_venting"]) == (1.0, 1.0, 1.0)
    told = feats("I can see it failed. Did you change banks recently?", "You failed my payment!")
    assert told["only_asks"] == 0.0 and told["caller_upset"] == 1.0
    assert feats("您最近换过银行卡吗？", "为什么扣款失败了？")["only_asks"] == 1.0


@pytest.mark.parametrize("locale, other", [("zh", "en"), ("en", "zh")])
def test_a_model_goes_stale_only_when_its_own_language_s_cases_change(locale, other):
    mine = training_files(locale)
    assert mine and all(f"/{other}-" not in f.as_posix() and not f.stem.endswith(f"-{other}") for f in mine)
    assert set(mine) | set(training_files(other)) == set(training_files())


def test_nb_weighted_heads_ship_weights_that_read_raw_tfidf_rows():
    """English landmine heads are fitted on n-grams scaled by their log-count ratio; the shipped
    weights have the ratio folded in, because inference multiplies raw TF-IDF rows by them."""
    pytest.importorskip("sklearn", reason="training needs the train extra: pip install -c requirements.lock "
                                          "-e '.[test,train]'")
    import numpy as np
    from scipy import sparse

    from scoring.nb_weighted import NBWeighted

    rng = np.random.default_rng(0)
    X = sparse.csr_matrix(rng.random((60, 8)) * (rng.random((60, 8)) < 0.4))
    X = sparse.hstack([X, sparse.csr_matrix(rng.random((60, 2)))]).tocsr()  # 8 n-grams, 2 dense columns
    y = (X[:, 0].toarray().ravel() + X[:, 1].toarray().ravel() > 0.3).astype(int)
    m = NBWeighted(C=3.0, n_text=8, class_weight="balanced").fit(X, y)
    raw = 1 / (1 + np.exp(-(X @ m.coef_.T).ravel() - m.intercept_[0]))
    assert np.allclose(raw, m.predict_proba(X)[:, 1])
    assert np.all(m.scale_[8:] == 1.0) and not np.all(m.scale_[:8] == 1.0)  # the dense columns are not scaled
