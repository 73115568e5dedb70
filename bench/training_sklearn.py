"""scikit-learn reference of `npm run bench -- training` (bench/training.ts starts it from the bench venv).

Reads the same raw float64 matrix and labels Bosun fits (bench/synthetic.ts), splits at the same row, fits
LogisticRegression (lbfgs) and HistGradientBoostingClassifier with the parameters bench/training.ts passes,
and prints one JSON object: fit seconds (wall and CPU), test ROC-AUC and peak RSS.

Threads are left at scikit-learn's defaults, as a user gets them: HistGradientBoosting's OpenMP loops and the
BLAS under lbfgs's matrix products use every core, as Bosun's fits do (the counts are printed beside the rows).
Each timing is fit() alone: imports done and the matrix in memory before the clock starts.

    python training_sklearn.py X.f64 y.f64 ROWS COLS N_TRAIN PARAMS_JSON
"""
import json
import resource
import sys
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score


def timed(fit):
    wall, cpu = time.perf_counter(), time.process_time()
    model = fit()
    return model, time.perf_counter() - wall, time.process_time() - cpu


def main():
    x_path, y_path, rows, cols, n_train, params = sys.argv[1:7]
    rows, cols, n_train = int(rows), int(cols), int(n_train)
    params = json.loads(params)
    X = np.fromfile(x_path, dtype="<f8").reshape(rows, cols)
    y = np.fromfile(y_path, dtype="<f8")
    Xtr, ytr, Xte, yte = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
    out = {}

    lr = params["lr"]
    model, wall, cpu = timed(lambda: LogisticRegression(solver="lbfgs", C=lr["c"], tol=lr["tol"], max_iter=lr["max_iter"]).fit(Xtr, ytr))
    out["lr"] = {"seconds": wall, "cpu_seconds": cpu, "auc": roc_auc_score(yte, model.predict_proba(Xte)[:, 1]), "iterations": int(model.n_iter_[0])}

    g = params["gbdt"]
    model, wall, cpu = timed(
        lambda: HistGradientBoostingClassifier(
            max_iter=g["max_iter"],
            learning_rate=g["learning_rate"],
            max_leaf_nodes=g["max_leaf_nodes"],
            min_samples_leaf=g["min_samples_leaf"],
            max_bins=g["max_bins"],
            early_stopping=False,
            random_state=0,
        ).fit(Xtr, ytr)
    )
    out["gbdt"] = {"seconds": wall, "cpu_seconds": cpu, "auc": roc_auc_score(yte, model.predict_proba(Xte)[:, 1]), "iterations": int(model.n_iter_)}
    # ru_maxrss is in kilobytes on Linux.
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    import threadpoolctl  # installed with scikit-learn

    pools = threadpoolctl.threadpool_info()
    out["threads"] = max((p.get("num_threads", 1) for p in pools if p.get("user_api") == "openmp"), default=1)
    out["blas_threads"] = max((p.get("num_threads", 1) for p in pools if p.get("user_api") == "blas"), default=1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
