"""NB-weighted logistic regression (Wang & Manning 2012) for `scorer train`'s landmine heads.

Training only (needs the `train` extra): the product never imports this module.
"""
from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression


class NBWeighted(ClassifierMixin, BaseEstimator):
    """A binary logistic regression over n-gram columns scaled by their log-count ratio: how much
    likelier each n-gram is in the positive replies than in the others (the first `n_text`
    columns; the dense context columns stay as they are). A category's telling phrases then count
    from fewer cases. `coef_` has the ratio folded in, so the shipped model reads raw TF-IDF rows
    with no change at inference."""

    def __init__(self, C: float = 1.0, n_text: int = 0, class_weight=None):
        self.C, self.n_text, self.class_weight = C, n_text, class_weight

    def fit(self, X, y, sample_weight=None):
        y = np.asarray(y)
        if not set(np.unique(y)) <= {0, 1}:
            raise ValueError(f"NBWeighted fits 0/1 labels, not {sorted(set(np.unique(y)))}")
        seen = (X[:, :self.n_text] > 0).astype(float)  # in how many replies each n-gram occurs
        # a centre's case counts as many times here as in the regression (sample_weight)
        w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        pos = np.asarray(seen.T @ (w * (y == 1))).ravel() + 1.0
        neg = np.asarray(seen.T @ (w * (y == 0))).ravel() + 1.0
        self.scale_ = np.concatenate([np.log((pos / pos.sum()) / (neg / neg.sum())),
                                      np.ones(X.shape[1] - self.n_text)])
        self.lr_ = LogisticRegression(C=self.C, max_iter=5000, class_weight=self.class_weight)
        self.lr_.fit(self._scaled(X), y, sample_weight=sample_weight)
        self.classes_ = self.lr_.classes_
        self.coef_, self.intercept_ = self.lr_.coef_ * self.scale_, self.lr_.intercept_
        return self

    def _scaled(self, X):
        return X @ sparse.diags(self.scale_)

    def predict_proba(self, X):
        return self.lr_.predict_proba(self._scaled(X))

    def predict(self, X):
        return self.lr_.predict(self._scaled(X))
