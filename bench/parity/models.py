#!/usr/bin/env python3
"""scikit-learn reference numbers for Bosun's models (dev/benchmark tool only, never a runtime dependency).

Usage: python3 bench/parity/models.py DATA.json

DATA.json:
  {
    "task": {"kind": "binary" | "multiclass" | "regression", "classes": [...]},
    "Xtrain": [[...], ...], "ytrain": [...], "Xtest": [[...], ...], "ytest": [...],
    "params": {                      # optional, sklearn keyword arguments per model
      "logistic": {"C": 1.0, "tol": 1e-6, "max_iter": 1000},
      "ridge": {"alpha": 1.0},
      "hgb": {"learning_rate": 0.1, "max_iter": 100, ...}
    },
    "seed": 0                        # optional, HistGradientBoosting random_state
  }
Targets are class indices (0..k-1) for classification, values for regression; null in X means NaN.

Prints JSON to stdout:
  {"sklearn": "1.x", "task": "...", "models": {"logistic"|"ridge": {...}, "hgb": {...}}}
each model with "metric" (roc_auc, roc_auc_ovr_macro or rmse), "value", "fit_seconds", "predictions"
(test probabilities rows x k, or values) and, for linear models, "coef" and "intercept".
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import mean_squared_error, roc_auc_score


def as_matrix(rows):
    return np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=np.float64)


def score(kind, y, pred):
    if kind == "binary":
        return "roc_auc", float(roc_auc_score(y, pred[:, 1]))
    if kind == "multiclass":
        return "roc_auc_ovr_macro", float(roc_auc_score(y, pred, multi_class="ovr", average="macro"))
    return "rmse", float(np.sqrt(mean_squared_error(y, pred)))


def run(name, model, kind, Xtr, ytr, Xte, yte):
    start = time.perf_counter()
    model.fit(Xtr, ytr)
    seconds = time.perf_counter() - start
    pred = model.predict_proba(Xte) if kind != "regression" else model.predict(Xte)
    metric, value = score(kind, yte, pred)
    out = {"metric": metric, "value": value, "fit_seconds": seconds, "predictions": pred.tolist()}
    if hasattr(model, "coef_"):
        out["coef"] = np.atleast_2d(model.coef_).tolist()
        out["intercept"] = np.atleast_1d(model.intercept_).tolist()
    if getattr(model, "n_iter_", None) is not None:
        out["n_iter"] = int(np.max(model.n_iter_))
    return name, out


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: models.py DATA.json")
    with open(sys.argv[1]) as fh:
        data = json.load(fh)
    kind = data["task"]["kind"]
    params = data.get("params", {})
    seed = data.get("seed", 0)
    Xtr, Xte = as_matrix(data["Xtrain"]), as_matrix(data["Xtest"])
    ytr, yte = np.asarray(data["ytrain"], dtype=np.float64), np.asarray(data["ytest"], dtype=np.float64)
    if kind != "regression":
        ytr, yte = ytr.astype(int), yte.astype(int)

    results = {}
    if kind == "regression":
        linear = ("ridge", Ridge(**params.get("ridge", {})))
        hgb = HistGradientBoostingRegressor(random_state=seed, **params.get("hgb", {}))
    else:
        linear = ("logistic", LogisticRegression(**params.get("logistic", {})))
        hgb = HistGradientBoostingClassifier(random_state=seed, **params.get("hgb", {}))
    for name, model in [linear, ("hgb", hgb)]:
        key, out = run(name, model, kind, Xtr, ytr, Xte, yte)
        results[key] = out

    json.dump({"sklearn": sklearn.__version__, "task": kind, "models": results}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
