"""Generate the scikit-learn parity fixture for src/ml/metrics.ts.

Run once (dev tool only; Python is never a runtime dependency):
    python3 bench/parity/metrics.py
It writes test/unit/evaluate/fixtures/metrics-parity.json, which is committed; the unit test
test/unit/evaluate/metrics-parity.test.ts checks our TypeScript against it to 1e-9.
"""

import json
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    log_loss,
    mean_absolute_error,
    mean_squared_error,
    precision_recall_curve,
    precision_recall_fscore_support,
    r2_score,
    roc_auc_score,
    roc_curve,
)

OUT = Path(__file__).resolve().parents[2] / "test/unit/evaluate/fixtures/metrics-parity.json"
rng = np.random.default_rng(20240611)


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def binary_probs(y, noise, decimals=None):
    p = 1 / (1 + np.exp(-(2.0 * (y - 0.5) * 2 + rng.normal(0, noise, len(y)))))
    if decimals is not None:
        p = np.round(p, decimals)
    return np.stack([1 - p, p], axis=1)


def classification_case(name, y, P):
    k = P.shape[1]
    y = y.astype(int)
    y_pred = np.argmax(P, axis=1)
    labels = list(range(k))
    case = {
        "name": name,
        "task": "classification",
        "k": k,
        "yTrue": y.tolist(),
        "probs": P.reshape(-1).tolist(),
    }
    exp = {
        "accuracy": accuracy_score(y, y_pred),
        "confusion": confusion_matrix(y, y_pred, labels=labels).tolist(),
        "log_loss": log_loss(y, P, labels=labels),
    }
    for avg in ("macro", "weighted"):
        p, r, f, _ = precision_recall_fscore_support(y, y_pred, average=avg, zero_division=0)
        exp[f"precision_{avg}"], exp[f"recall_{avg}"], exp[f"f1_{avg}"] = p, r, f
    p, r, f, s = precision_recall_fscore_support(y, y_pred, average=None, labels=labels, zero_division=0)
    exp["per_class"] = {"precision": p.tolist(), "recall": r.tolist(), "f1": f.tolist(), "support": s.tolist()}
    if k == 2:
        p1 = P[:, 1]
        p, r, f, _ = precision_recall_fscore_support(y, y_pred, average="binary", zero_division=0)
        exp["precision"], exp["recall"], exp["f1"] = p, r, f
        exp["roc_auc"] = roc_auc_score(y, p1)
        exp["pr_auc"] = average_precision_score(y, p1)
        exp["brier"] = brier_score_loss(y, p1)
        fpr, tpr, th = roc_curve(y, p1)
        # thresholds[0] is +inf, which JSON cannot carry
        exp["roc_curve"] = {"fpr": fpr.tolist(), "tpr": tpr.tolist(), "thresholds_after_first": th[1:].tolist()}
        prec, rec, th = precision_recall_curve(y, p1)
        exp["pr_curve"] = {"precision": prec.tolist(), "recall": rec.tolist(), "thresholds": th.tolist()}
        prob_true, prob_pred = calibration_curve(y, p1, n_bins=10, strategy="uniform")
        exp["calibration"] = {"prob_true": prob_true.tolist(), "prob_pred": prob_pred.tolist()}
    else:
        exp["precision"], exp["recall"], exp["f1"] = exp["precision_macro"], exp["recall_macro"], exp["f1_macro"]
        exp["roc_auc"] = roc_auc_score(y, P, multi_class="ovr", average="macro")
        exp["pr_auc"] = average_precision_score(y, P, average="macro")
        exp["brier"] = brier_score_loss(y, P, labels=labels)
    case["expected"] = exp
    return case


def regression_case(name, y, v):
    return {
        "name": name,
        "task": "regression",
        "yTrue": y.tolist(),
        "values": v.tolist(),
        "expected": {
            "rmse": float(np.sqrt(mean_squared_error(y, v))),
            "mae": mean_absolute_error(y, v),
            "r2": r2_score(y, v),
        },
    }


def main():
    cases = []

    # many ties, several probabilities exactly on calibration bin edges (0.3, 0.7, ...)
    y = rng.integers(0, 2, 80)
    cases.append(classification_case("binary_ties", y, binary_probs(y, 2.0, decimals=1)))

    y = rng.integers(0, 2, 300)
    cases.append(classification_case("binary_continuous", y, binary_probs(y, 1.5)))

    # exact 0 and 1 probabilities exercise log-loss clipping; the model is confidently wrong twice
    y = np.array([0, 0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 1])
    p = np.array([0.0, 1.0, 1.0, 0.0, 0.2, 0.8, 0.5, 0.5, 0.65, 0.35, 0.1, 0.9])
    cases.append(classification_case("binary_extremes", y, np.stack([1 - p, p], axis=1)))

    # imbalanced: few positives, the model rarely predicts positive
    y = (rng.random(150) < 0.08).astype(int)
    cases.append(classification_case("binary_imbalanced", y, binary_probs(y, 3.0, decimals=2)))

    y = rng.integers(0, 3, 200)
    z = rng.normal(0, 1.2, (200, 3))
    z[np.arange(200), y] += 1.5
    cases.append(classification_case("multiclass3", y, softmax(z)))

    # rows drawn from a few probability vectors: heavy ties in every one-vs-rest ranking;
    # class 3 is never the argmax, so its precision is 0/0
    protos = np.array([[0.7, 0.1, 0.1, 0.1], [0.2, 0.5, 0.2, 0.1], [0.1, 0.2, 0.4, 0.3], [0.25, 0.25, 0.2, 0.3]])
    idx = rng.integers(0, 3, 120)  # the last prototype (where class 3 wins) is never drawn
    y = rng.integers(0, 4, 120)
    cases.append(classification_case("multiclass4_ties", y, protos[idx]))

    y = rng.normal(10, 3, 150)
    cases.append(regression_case("regression", y, y + rng.normal(0.5, 1.0, 150)))
    y = np.full(5, 2.0)
    cases.append(regression_case("regression_constant_target", y, np.array([2.0, 2.5, 2.0, 1.0, 2.0])))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        OUT.write_text(json.dumps({"sklearn": sklearn.__version__, "numpy": np.__version__, "cases": cases}) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
