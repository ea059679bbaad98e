"""`mystery-guest scorer train`: fit the shipped model (scoring/models/<locale>.json) from the
labelled cases in the repository, reproducibly (fixed seeds, pinned library versions).

Needs the `train` extra (scikit-learn); the product itself never imports this module.

Data: every case file under scoring/corpus/ (the blind-written corpus and a copy of the
team's development cases) plus tests/scoring/cases/holdout*.yaml. Never the sealed files
(tests/scoring/cases/sealed-*.yaml): they only measure.

Method (see scoring/model.py for the features):
1. Stage 1, text heads: logistic regression on reply TF-IDF n-grams + context features, for
   listening, empathy and each landmine category. Their out-of-fold probabilities (5 folds) are
   what stage 2 learns from, so it sees them as they are on replies the heads never saw.
2. Stage 2, fusion: per head, a logistic regression over all text heads' probabilities and
   what the phrase rules saw (levels, landmines, acts, evidence, an allowed offer), fitted only
   on corpus cases the rules were never tuned on (not the dev set or holdouts 1-4, which the
   rules were written against).
3. Per landmine category, the reporting threshold that maximises out-of-fold F1.
4. A length-only baseline (reply length alone) is fitted the same way and stored, so `eval
   --scorer length` can report it beside the model.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "scoring" / "corpus"
HOLDOUTS = ROOT / "tests" / "scoring" / "cases"
MODELS = ROOT / "scoring" / "models"
SEED = 20261206
MAX_FEATURES = 20000
C_TEXT = 10.0  # listening and empathy heads
C_MINE = 10.0  # landmine heads
C_FUSION = 1.0
TEXT_CLASS_WEIGHT = "balanced"
QUIET_BETA = 0.25  # see _best_threshold
FUSION_CLASS_WEIGHT = None  # calibrated probabilities; the thresholds then mean what they say
FOLDS = 5
# Sources the phrase rules were written or tuned against: stage 2 is not fitted on them.
TUNED_ON = ("dev-", "holdout")


def training_files() -> list[Path]:
    files = sorted(CORPUS.rglob("*.yaml")) + sorted(HOLDOUTS.glob("holdout*.yaml"))
    return [f for f in files if "sealed" not in f.name]


def corpus_digest(files: list[Path]) -> str:
    """A hash of the training data, stored in the model so a test can tell stale weights."""
    h = hashlib.sha256()
    for f in files:
        h.update(f.relative_to(ROOT).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def load_training(locale: str) -> list[dict[str, Any]]:
    from scoring.evaluate import load_cases

    cases = []
    for f in training_files():
        for c in load_cases(f):
            if c["locale"] == locale and isinstance(c.get("expect"), dict):
                c["_source"] = f.name
                cases.append(c)
    return cases


def quiet_rows(R):
    """Cases where the rules saw nothing wrong: no landmine and no negative evidence."""
    from scoring.model import QUIET_SIGNS, RULE_FEATURES

    cols = [RULE_FEATURES.index(f) for f in QUIET_SIGNS]
    return R[:, cols].sum(axis=1) == 0


def length_features(reply: str) -> list[float]:
    import math

    return [math.log1p(len(reply)), math.log1p(len(reply.split()))]


def _quantise(matrix) -> tuple[bytes, list[float]]:
    """int8 weights per output column, with one scale per column."""
    import numpy as np

    scale = np.abs(matrix).max(axis=0) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(matrix / scale), -127, 127).astype(np.int8)
    return q.tobytes(order="C"), scale.astype(np.float32).tolist()


def _f32(values) -> str:
    import numpy as np

    return base64.b64encode(np.asarray(values, dtype=np.float32).tobytes()).decode()


def fit_locale(locale: str, log=print) -> dict[str, Any]:
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from scoring.evaluate import context_of
    from scoring.model import (BINARY_HEADS, DENSE, HEADS, LEVEL_HEADS, RULE_FEATURES, analyser, dense_features,
                               document, rule_features)
    from scoring.scorer import score_rules
    from scoring.types import LANDMINES

    cases = load_training(locale)
    if len(cases) < 50:
        raise SystemExit(f"scorer train: only {len(cases)} labelled {locale} cases; need at least 50")
    replies = [c["reply"] for c in cases]
    ctxs = [context_of(c) for c in cases]
    labels = {h: np.array([c["expect"][h] for c in cases]) for h in LEVEL_HEADS}
    for cat in LANDMINES:
        labels[cat] = np.array([1 if cat in (c["expect"].get("landmines") or []) else 0 for c in cases])
    labels["any"] = np.array([1 if (c["expect"].get("landmines") or c["expect"].get("policy") == 0) else 0
                              for c in cases])
    fresh = np.array([not c["_source"].startswith(TUNED_ON) for c in cases])
    log(f"[{locale}] {len(cases)} cases ({int(fresh.sum())} the rules were never tuned on)")

    vec = TfidfVectorizer(analyzer=analyser(locale), sublinear_tf=True, min_df=2,
                          max_features=MAX_FEATURES, norm="l2")
    X_text = vec.fit_transform([document(r, x.customer) for r, x in zip(replies, ctxs)])
    X_dense = np.array([dense_features(r, x) for r, x in zip(replies, ctxs)])
    X1 = sparse.hstack([X_text, sparse.csr_matrix(X_dense)]).tocsr()
    R = np.array([rule_features(score_rules(r, x), x) for r, x in zip(replies, ctxs)])

    def text_model(head):
        return LogisticRegression(C=C_MINE if head in BINARY_HEADS else C_TEXT, max_iter=5000,
                                  class_weight=TEXT_CLASS_WEIGHT if head in BINARY_HEADS else None)

    def folds(y):
        k = min(FOLDS, max(2, int(np.bincount(y).min()))) if len(np.unique(y)) > 1 else 2
        return StratifiedKFold(n_splits=k, shuffle=True, random_state=SEED)

    heads, oof, outputs = {}, {}, 0
    coef_cols, dense_rows, intercepts = [], [], []
    for head in HEADS:
        y = labels[head]
        n_cls = 3 if head in LEVEL_HEADS else 1
        if len(np.unique(y)) < 2:
            raise SystemExit(f"scorer train: no {locale} case has {head} other than {y[0]}; add cases")
        proba = cross_val_predict(text_model(head), X1, y, cv=folds(y), method="predict_proba")
        oof[head] = proba if n_cls == 3 else proba[:, 1:2]
        m = text_model(head).fit(X1, y)
        coef = m.coef_ if n_cls == 3 else m.coef_[:1]
        for k in range(n_cls):
            coef_cols.append(coef[k][:X_text.shape[1]])
            dense_rows.append(coef[k][X_text.shape[1]:].tolist())
            intercepts.append(float(m.intercept_[k if n_cls == 3 else 0]))
        heads[head] = {"classes": n_cls, "offset": outputs}
        outputs += n_cls

    # Stage 2: fusion on out-of-fold probabilities + rule verdicts, fitted on fresh cases only.
    fit_rows = fresh if fresh.sum() >= 100 else np.ones(len(cases), dtype=bool)
    fusion, thresholds, quiet_thresholds, fused_oof = {}, {}, {}, {}
    all_probs = np.hstack([oof[h] for h in HEADS])  # every head's view: landmines inform levels too
    for head in HEADS:
        F = np.hstack([all_probs, R])
        y = labels[head]
        fm = LogisticRegression(C=C_FUSION, max_iter=5000,
                                class_weight=FUSION_CLASS_WEIGHT if head in BINARY_HEADS else None)
        if len(np.unique(y[fit_rows])) < 2:
            fit_mask = np.ones(len(cases), dtype=bool)
        else:
            fit_mask = fit_rows
        p = cross_val_predict(fm, F[fit_mask], y[fit_mask], cv=folds(y[fit_mask]), method="predict_proba")
        full = np.full((len(cases), p.shape[1]), np.nan)
        full[fit_mask] = p
        fused_oof[head] = full
        fm.fit(F[fit_mask], y[fit_mask])
        coef = fm.coef_ if head in LEVEL_HEADS else fm.coef_[:1]
        fusion[head] = {"coef": coef.tolist(), "intercept": fm.intercept_.tolist()[:len(coef)]}
        if head in BINARY_HEADS:
            thresholds[head] = _best_threshold(y[fit_mask], p[:, 1])
            # Where the rules saw no landmine at all, the model alone must be near certain.
            quiet = quiet_rows(R)[fit_mask]
            quiet_thresholds[head] = max(thresholds[head],
                                         _best_threshold(y[fit_mask][quiet], p[quiet, 1], beta=QUIET_BETA))
    scored_rows = np.all([~np.isnan(fused_oof[h][:, 0]) for h in HEADS], axis=0)
    # Levels are ordered: read them from the expected level with cut points that best agree
    # (QWK) out of fold, rather than from the single likeliest level.
    cutpoints = {h: _best_cutpoints(labels[h][scored_rows], fused_oof[h][scored_rows]) for h in LEVEL_HEADS}

    # The length-only baseline, fitted on the same cases.
    L = np.array([length_features(r) for r in replies])
    baseline = {}
    for head in HEADS:
        bm = LogisticRegression(max_iter=2000, class_weight="balanced" if head in BINARY_HEADS else None)
        bm.fit(L, labels[head])
        coef = bm.coef_ if head in LEVEL_HEADS else bm.coef_[:1]
        baseline[head] = {"coef": coef.tolist(), "intercept": bm.intercept_.tolist()[:len(coef)]}

    W = np.vstack(coef_cols).T  # n-grams x outputs
    q, scale = _quantise(W)
    vocab = [g for g, _ in sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])]
    cv = _cv_report(labels, fused_oof, thresholds, scored_rows, cutpoints=cutpoints,
                    quiet=(quiet_rows(R), quiet_thresholds))
    log(f"[{locale}] out-of-fold on fresh cases: " + ", ".join(f"{k} {v:.3f}" for k, v in cv.items()))
    rules_view = {h: np.eye(3)[R[:, 0:3].argmax(1) if h == "listening" else R[:, 3:6].argmax(1)]
                  for h in LEVEL_HEADS}
    for i, c in enumerate(LANDMINES):
        rules_view[c] = np.stack([1 - R[:, 6 + i], R[:, 6 + i]], axis=1)
    rules_view["any"] = np.stack([1 - R[:, 14], R[:, 14]], axis=1)  # policy_0
    rv = _cv_report(labels, rules_view, {c: 0.5 for c in LANDMINES}, scored_rows)
    log(f"[{locale}] rules alone, same cases:          " + ", ".join(f"{k} {v:.3f}" for k, v in rv.items()))
    length_oof = {}
    for head in HEADS:
        lm = LogisticRegression(max_iter=2000, class_weight="balanced" if head in BINARY_HEADS else None)
        length_oof[head] = cross_val_predict(lm, L, labels[head], cv=folds(labels[head]), method="predict_proba")
    lv = _cv_report(labels, length_oof, {c: 0.5 for c in LANDMINES}, scored_rows)
    log(f"[{locale}] length alone, out-of-fold:        " + ", ".join(f"{k} {v:.3f}" for k, v in lv.items()))
    import sklearn

    return {
        "format": 1, "locale": locale, "outputs": outputs, "heads": heads,
        "vocab": vocab, "idf": _f32(vec.idf_), "weights": base64.b64encode(q).decode(), "scale": scale,
        "dense": list(DENSE), "dense_weights": dense_rows, "intercept": intercepts,
        "rule_features": list(RULE_FEATURES), "fusion": fusion, "thresholds": thresholds,
        "quiet_thresholds": quiet_thresholds, "cutpoints": cutpoints,
        "baseline": {"features": ["log_chars", "log_words"], "heads": baseline},
        "meta": {"cases": len(cases), "fresh_cases": int(fresh.sum()), "seed": SEED,
                 "scikit_learn": sklearn.__version__, "corpus_sha256": corpus_digest(training_files()),
                 "out_of_fold": cv},
    }


def _best_threshold(y, p, beta: float = 0.5) -> float:
    """The reporting threshold that maximises F-beta out of fold (F0.5: precision weighs twice
    recall; QUIET_BETA for replies the rules found clean).

    The corpus is about half landmine replies; a trainee's real calls have far fewer, so a
    threshold tuned for F1 here would accuse trainees too often in use. A false landmine is
    the unfairest thing the scorer can do (it angers the caller and fails the turn)."""
    best, best_f = 0.5, -1.0
    b2 = beta * beta
    for t in [i / 40 for i in range(8, 40)]:
        pred = p >= t
        tp = int((pred & (y == 1)).sum())
        fp = int((pred & (y == 0)).sum())
        fn = int((~pred & (y == 1)).sum())
        f = (1 + b2) * tp / ((1 + b2) * tp + b2 * fn + fp) if tp else 0.0
        if f > best_f + 1e-9:
            best, best_f = t, f
    return best


def _best_cutpoints(y, p) -> list[float]:
    """Cut points on the expected level (P1 + 2·P2) that maximise QWK."""
    from scoring.metrics import quadratic_weighted_kappa

    expected = p[:, 1] + 2 * p[:, 2]
    best, best_k = [0.5, 1.5], -1.0
    for a in [x / 20 for x in range(6, 21)]:
        for b in [x / 20 for x in range(20, 35)]:
            pred = [0 if e < a else 1 if e < b else 2 for e in expected]
            k = quadratic_weighted_kappa(list(y), pred, (0, 1, 2))
            if k > best_k + 1e-9:
                best, best_k = [a, b], k
    return best


def _level_of(p, cut) -> int:
    e = p[1] + 2 * p[2]
    return 0 if e < cut[0] else 1 if e < cut[1] else 2


def _cv_report(labels, fused_oof, thresholds, rows, quiet=None, cutpoints=None) -> dict[str, float]:
    """Out-of-fold agreement of the fused model on the rows stage 2 was fitted on."""
    from scoring.metrics import landmine_micro_prf, quadratic_weighted_kappa
    from scoring.types import LANDMINES

    idx = [i for i, keep in enumerate(rows) if keep]
    def level(h, i):
        return _level_of(fused_oof[h][i], cutpoints[h]) if cutpoints else int(fused_oof[h][i].argmax())

    out = {f"{h}_qwk": quadratic_weighted_kappa([int(labels[h][i]) for i in idx],
                                                [level(h, i) for i in idx], (0, 1, 2))
           for h in ("listening", "empathy")}
    exp = [[c for c in LANDMINES if labels[c][i]] for i in idx]
    pred = []
    for i in idx:
        t = quiet[1] if quiet is not None and quiet[0][i] else thresholds
        found = [c for c in LANDMINES if fused_oof[c][i, 1] >= t[c]]
        if not found and "any" in fused_oof and fused_oof["any"][i, 1] >= t.get("any", 1.0):
            found = [max(LANDMINES, key=lambda c: fused_oof[c][i, 1] / t[c])]
        pred.append(found)
    prf = landmine_micro_prf(exp, pred)
    out["landmine_p"], out["landmine_r"], out["landmine_f1"] = prf["precision"], prf["recall"], prf["f1"]
    out["cases"] = len(idx)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mystery-guest scorer train",
                                     description="Fit the scorer's model from the labelled cases in the repository.")
    parser.add_argument("--locale", choices=["en", "zh"], action="append",
                        help="only this locale (repeatable; default both)")
    parser.add_argument("--out", type=Path, default=MODELS, help=f"folder for <locale>.json (default {MODELS})")
    args = parser.parse_args(argv)
    import importlib.util

    if importlib.util.find_spec("sklearn") is None:
        print("mystery-guest scorer train: needs scikit-learn: pip install -c requirements.lock -e '.[train]'",
              file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for locale in args.locale or ["en", "zh"]:
        model = fit_locale(locale, log=lambda m: print(m, file=sys.stderr))
        path = args.out / f"{locale}.json"
        path.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
