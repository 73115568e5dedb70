"""The Python train step of pipelines/sklearn-python.ts: a scikit-learn model Bosun registers as ONNX.

Served by the Python worker (docs/python-steps.md):
    BOSUN_PYTHON_STEPS=pipelines/python/breast_cancer_steps.py npx bosun dev --run pipelines/sklearn-python.ts
"""

from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from bosun_worker import report_progress


def fit_scaled_logistic(df, target, params, seed):
    """Standardize, then an L2 logistic regression. Deterministic for a given table, params and seed, so a refit
    with the same arguments reproduces the registered model (the integration test relies on that)."""
    c = float(params.get("c", 1.0))
    report_progress("fitting", rows=len(df), c=c)
    X = df.drop(columns=[target])
    model = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=5000, random_state=seed))
    # Fitted on the DataFrame, so the model keeps the column names: they become the ONNX model's inputs.
    return model.fit(X, df[target])
