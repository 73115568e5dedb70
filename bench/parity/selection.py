#!/usr/bin/env python3
"""scikit-learn's two defaults a new user would try first, for `npm run parity` (bench tool, never a runtime dependency).

Usage:
  python bench/parity/selection.py DATA.json          fit both on the given split, print JSON
  python bench/parity/selection.py export NAME FILE   write scikit-learn's bundled dataset NAME (digits, diabetes) as CSV

DATA.json: {"kind": "binary"|"multiclass"|"regression", "seed": 42,
            "columns": [{"name", "type": "numeric"|"categorical", "values": [...]}],   # null = missing
            "y": [...], "train": [row indices], "test": [row indices]}
Classification targets are class indices 0..k-1.

Each model gets scikit-learn's default preprocessing for it, fitted on the training rows only:
  - LogisticRegression (regression: LinearRegression): numeric columns mean-imputed and standardized,
    categorical ones one-hot encoded (missing as its own level, unknown levels ignored);
  - HistGradientBoosting: numeric columns as they are (it handles missing values), categorical ones
    ordinal-encoded and declared categorical.
Prints {"sklearn": version, "metric": ..., "models": {"logistic"|"linear": value, "hgb": value}}.
"""
import csv
import json
import sys

import numpy as np
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import mean_squared_error, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler


def export(name, path):
    from sklearn import datasets

    loader = {"digits": datasets.load_digits, "diabetes": datasets.load_diabetes}[name]
    d = loader()
    names = [f"x{i}" for i in range(d.data.shape[1])] if name == "digits" else list(d.feature_names)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(names + ["target"])
        for row, t in zip(d.data, d.target):
            label = f"digit_{int(t)}" if name == "digits" else float(t)
            w.writerow([float(v) for v in row] + [label])


def frame(columns):
    out = np.empty((len(columns[0]["values"]), len(columns)), dtype=object)
    for j, c in enumerate(columns):
        if c["type"] == "numeric":
            out[:, j] = [np.nan if v is None else float(v) for v in c["values"]]
        else:
            out[:, j] = [np.nan if v is None else str(v) for v in c["values"]]
    return out


def main(path):
    d = json.load(open(path))
    kind = d["kind"]
    X = frame(d["columns"])
    y = np.array(d["y"], dtype=np.float64)
    num = [j for j, c in enumerate(d["columns"]) if c["type"] == "numeric"]
    cat = [j for j, c in enumerate(d["columns"]) if c["type"] != "numeric"]
    tr, te = np.array(d["train"]), np.array(d["test"])
    seed = d.get("seed", 0)

    linear_prep = ColumnTransformer(
        [("num", make_pipeline(SimpleImputer(), StandardScaler()), num),
         ("cat", make_pipeline(SimpleImputer(strategy="constant", fill_value="missing"), OneHotEncoder(handle_unknown="ignore")), cat)]
    )
    tree_prep = ColumnTransformer(
        [("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan), cat), ("num", "passthrough", num)]
    )
    is_cat = [True] * len(cat) + [False] * len(num)
    if kind == "regression":
        models = {
            "linear": make_pipeline(linear_prep, LinearRegression()),
            "hgb": make_pipeline(tree_prep, HistGradientBoostingRegressor(categorical_features=is_cat, random_state=seed)),
        }
    else:
        y = y.astype(int)
        models = {
            "logistic": make_pipeline(linear_prep, LogisticRegression(max_iter=1000)),
            "hgb": make_pipeline(tree_prep, HistGradientBoostingClassifier(categorical_features=is_cat, random_state=seed)),
        }
    results = {}
    for name, model in models.items():
        model.fit(X[tr], y[tr])
        if kind == "regression":
            results[name] = float(np.sqrt(mean_squared_error(y[te], model.predict(X[te]))))
        elif kind == "binary":
            results[name] = float(roc_auc_score(y[te], model.predict_proba(X[te])[:, 1]))
        else:
            results[name] = float(roc_auc_score(y[te], model.predict_proba(X[te]), multi_class="ovr", average="macro"))
    metric = "rmse" if kind == "regression" else "roc_auc" if kind == "binary" else "roc_auc_ovr_macro"
    print(json.dumps({"sklearn": sklearn.__version__, "metric": metric, "models": results}))


if __name__ == "__main__":
    if sys.argv[1] == "export":
        export(sys.argv[2], sys.argv[3])
    else:
        main(sys.argv[1])
