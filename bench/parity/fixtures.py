#!/usr/bin/env python3
"""Regenerates test/unit/ml/fixtures/sklearn-reference.json: small seeded datasets with scikit-learn's
fitted coefficients / predictions, so Bosun's unit tests check sklearn parity without needing python.

Usage: python3 bench/parity/fixtures.py   (from the repository root)
"""
import json
import os

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression, Ridge

rng = np.random.default_rng(20240601)
OUT = os.path.join("test", "unit", "ml", "fixtures", "sklearn-reference.json")


def r(a):
    # Rounded inputs are exactly representable in JSON, so both sides see identical doubles.
    return np.round(a, 3)


def nan_to_none(a):
    return [[None if np.isnan(v) else float(v) for v in row] for row in a]


fixtures = {"sklearn": sklearn.__version__}

# Binary logistic regression.
X = r(rng.normal(size=(80, 4)))
logit = 1.5 * X[:, 0] - 2.0 * X[:, 1] + 0.5 * X[:, 2] + 0.3
y = (rng.random(80) < 1 / (1 + np.exp(-logit))).astype(int)
m = LogisticRegression(C=0.5, tol=1e-10, max_iter=10000).fit(X, y)
fixtures["logistic_binary"] = {
    "X": X.tolist(), "y": y.tolist(), "C": 0.5,
    "coef": m.coef_.ravel().tolist(), "intercept": m.intercept_.tolist(),
}

# Multinomial logistic regression.
X = r(rng.normal(size=(90, 3)))
scores = X @ np.array([[2.0, 0.0, -1.0], [-1.0, 1.5, 0.5], [0.0, -1.0, 1.0]]).T
y = np.array([rng.choice(3, p=np.exp(s) / np.exp(s).sum()) for s in scores])
m = LogisticRegression(C=2.0, tol=1e-10, max_iter=10000).fit(X, y)
fixtures["logistic_multiclass"] = {
    "X": X.tolist(), "y": y.tolist(), "C": 2.0,
    "coef": m.coef_.ravel().tolist(), "intercept": m.intercept_.tolist(),
}

# Ridge and OLS.
X = r(rng.normal(size=(25, 3)))
y = r(X @ np.array([1.0, -2.0, 0.5]) + 3.0 + 0.1 * rng.normal(size=25))
fixtures["ridge"] = {"X": X.tolist(), "y": y.tolist(), "fits": []}
for alpha in [0.0, 0.7, 10.0]:
    m = Ridge(alpha=alpha).fit(X, y)
    fixtures["ridge"]["fits"].append({"alpha": alpha, "coef": m.coef_.tolist(), "intercept": float(m.intercept_)})

# Histogram GBDT, regression and binary, with missing values.
hgb_params = dict(max_iter=15, min_samples_leaf=5, max_leaf_nodes=8, learning_rate=0.2, early_stopping=False)
X = r(rng.normal(size=(260, 3)))
X[rng.random(X.shape) < 0.1] = np.nan
Xtr, Xte = X[:200], X[200:]
f = np.where(np.isnan(X[:, 0]), 2.0, np.sin(2 * np.nan_to_num(X[:, 0]))) + np.nan_to_num(X[:, 1]) ** 2
yreg = r(f + 0.1 * rng.normal(size=260))
m = HistGradientBoostingRegressor(**hgb_params).fit(Xtr, yreg[:200])
fixtures["hgb_regression"] = {
    "Xtrain": nan_to_none(Xtr), "ytrain": yreg[:200].tolist(), "Xtest": nan_to_none(Xte),
    "params": {"maxIter": 15, "minSamplesLeaf": 5, "maxLeafNodes": 8, "learningRate": 0.2, "earlyStopping": False},
    "predictions": m.predict(Xte).tolist(),
}
ybin = (f + 0.3 * rng.normal(size=260) > np.median(f)).astype(int)
m = HistGradientBoostingClassifier(**hgb_params).fit(Xtr, ybin[:200])
fixtures["hgb_binary"] = {
    "Xtrain": nan_to_none(Xtr), "ytrain": ybin[:200].tolist(), "Xtest": nan_to_none(Xte),
    "params": {"maxIter": 15, "minSamplesLeaf": 5, "maxLeafNodes": 8, "learningRate": 0.2, "earlyStopping": False},
    "probabilities": m.predict_proba(Xte)[:, 1].tolist(),
}

with open(OUT, "w") as fh:
    json.dump(fixtures, fh, separators=(",", ":"))
    fh.write("\n")
print(f"wrote {OUT}")
