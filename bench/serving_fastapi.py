"""The FastAPI + scikit-learn reference of the serving bench (bench/serving.ts starts it from the bench venv).

The same model as Bosun's: the breast-cancer table's 30 numeric features, missing values imputed with the
training mean, standardised, and a logistic regression (scikit-learn's lbfgs, C=1, as Bosun's defaults are
sklearn's parameterisation). It is fitted here on the same rows, so only the serving stacks differ. The
endpoint speaks the same KServe v1 shape as Bosun's, validated the way a FastAPI service usually is (a
pydantic model of the body), and answers the same JSON:

    POST /v1/models/<name>:predict  {"instances": [{...}]}  ->  {"predictions": [{"label", "probabilities"}], "model_version": "1"}

One uvicorn process, one worker, access log off: the same footprint as the one Node process it is compared to.
uvicorn picks uvloop and httptools when they are installed (its "auto" settings), plain asyncio and h11 otherwise;
the first line it prints says which.

    python bench/serving_fastapi.py <port> <breast_cancer.csv>
"""

import csv
import sys

import numpy as np
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

TARGET = "diagnosis"
POSITIVE = "malignant"


def load(path: str):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    features = [c for c in rows[0].keys() if c != TARGET]
    X = np.array([[float(r[c]) if r[c] != "" else np.nan for c in features] for r in rows])
    y = np.array([1 if r[TARGET] == POSITIVE else 0 for r in rows])
    classes = sorted({r[TARGET] for r in rows} - {POSITIVE}) + [POSITIVE]
    return features, X, y, classes


def build_app(csv_path: str) -> FastAPI:
    features, X, y, classes = load(csv_path)
    model = make_pipeline(SimpleImputer(strategy="mean"), StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))
    model.fit(X, y)
    app = FastAPI()

    class PredictRequest(BaseModel):
        instances: list[dict[str, float | None]]

    @app.post("/v1/models/{name}:predict")
    async def predict(name: str, body: PredictRequest):
        rows = np.array([[inst.get(f, np.nan) if inst.get(f) is not None else np.nan for f in features] for inst in body.instances], dtype=float)
        proba = model.predict_proba(rows)
        predictions = [
            {"label": classes[int(p.argmax())], "probabilities": {classes[k]: float(p[k]) for k in range(len(classes))}}
            for p in proba
        ]
        return {"predictions": predictions, "model_version": "1"}

    return app


if __name__ == "__main__":
    port, csv_path = int(sys.argv[1]), sys.argv[2]
    try:
        import uvloop, httptools  # noqa: F401
        stack = "uvloop + httptools"
    except ImportError:
        stack = "asyncio + h11 (uvloop/httptools not installed)"
    print(f"fastapi reference on 127.0.0.1:{port}, uvicorn {uvicorn.__version__} on {stack}", flush=True)
    uvicorn.run(build_app(csv_path), host="127.0.0.1", port=port, workers=1, access_log=False, log_level="warning")
