"""A fitted scikit-learn-compatible model as ONNX bytes, in one fixed shape every Bosun consumer can rely on:

- one input, `input`: tensor(double) [N, len(inputs)], the feature columns in `inputs` order. Double, not float,
  so ONNX scores equal scikit-learn's (float32 inputs would move probabilities by ~1e-7..1e-5);
- classifiers: `label` [N] (the predicted class, string or int64 as the training labels were) and
  `probabilities`: tensor(double) [N, len(classes)] in `classes` order — a plain tensor, not skl2onnx's default
  ZipMap (a list of dicts, which onnxruntime-node and most servers cannot read);
- regressors: `prediction`: tensor(double) [N, 1].
Opsets are pinned (ai.onnx 17, ai.onnx.ml 3) so the model runs on onnxruntime builds a few releases old.

Before the bytes are stored, the ONNX model is run on the training rows and compared with the model itself:
an export that changes the model's answers is refused rather than registered."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

OPSETS = {"": 17, "ai.onnx.ml": 3}
INPUT_NAME = "input"
SELF_CHECK_ROWS = 2000
SELF_CHECK_TOLERANCE = 1e-6

_RENAMES = {"output_label": "label", "output_probability": "probabilities", "variable": "prediction"}


class ExportError(Exception):
    """The model cannot be exported as ONNX, or the export does not reproduce it (the step's fault)."""


@dataclass
class Exported:
    onnx: bytes
    classes: list[str] | None
    max_abs_diff: float


def export_model(model: object, frame) -> Exported:
    """frame: the feature columns (a DataFrame, in input order) the model was fitted on."""
    from sklearn.base import is_classifier

    X = frame.to_numpy(dtype=np.float64)
    classifier = is_classifier(model) or hasattr(model, "predict_proba")
    onx = _convert(model, X.shape[1], classifier)
    _rename_outputs(onx)
    data = onx.SerializeToString()
    classes = [str(c) for c in model.classes_] if classifier and hasattr(model, "classes_") else None
    diff = _self_check(model, data, frame, X, classifier)
    return Exported(onnx=data, classes=classes, max_abs_diff=diff)


def _convert(model: object, n_features: int, classifier: bool):
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import DoubleTensorType

    try:
        return convert_sklearn(
            model,
            initial_types=[(INPUT_NAME, DoubleTensorType([None, n_features]))],
            # Without an id, skl2onnx applies the option to every classifier in the model (pipelines included).
            options={"zipmap": False} if classifier else None,
            target_opset=OPSETS,
        )
    except Exception as e:  # noqa: BLE001 - skl2onnx raises many kinds; all mean "this model does not convert"
        raise ExportError(
            f"skl2onnx cannot convert {type(model).__name__} to ONNX: {type(e).__name__}: {e}. "
            "Use a model skl2onnx supports (https://onnx.ai/sklearn-onnx/supported.html) or register a converter "
            "for it in your step module."
        ) from e


def _rename_outputs(onx) -> None:
    """skl2onnx's names (output_label, output_probability, variable) become label, probabilities, prediction."""
    renames = {o.name: _RENAMES[o.name] for o in onx.graph.output if o.name in _RENAMES}
    for o in onx.graph.output:
        o.name = renames.get(o.name, o.name)
    for node in onx.graph.node:
        for i, name in enumerate(node.output):
            if name in renames:
                node.output[i] = renames[name]
        for i, name in enumerate(node.input):
            if name in renames:
                node.input[i] = renames[name]


def _self_check(model, data: bytes, frame, X: np.ndarray, classifier: bool) -> float:
    import onnxruntime as ort

    rows = X[:SELF_CHECK_ROWS]
    # The model is asked with the DataFrame it was fitted on (column names and all), ONNX with the tensor.
    framed = frame.iloc[:SELF_CHECK_ROWS]
    sess = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    if classifier:
        if "probabilities" not in names:
            raise ExportError(f"the ONNX model has no probabilities output (outputs: {names})")
        got = sess.run(["probabilities"], {INPUT_NAME: rows})[0]
        want = np.asarray(model.predict_proba(framed), dtype=np.float64)
    else:
        got = sess.run([names[0]], {INPUT_NAME: rows})[0].reshape(len(rows), -1)
        want = np.asarray(model.predict(framed), dtype=np.float64).reshape(len(rows), -1)
    if got.shape != want.shape:
        raise ExportError(f"the ONNX model answers with shape {got.shape}, the model with {want.shape}")
    diff = float(np.max(np.abs(got - want))) if got.size else 0.0
    if not diff <= SELF_CHECK_TOLERANCE:
        raise ExportError(
            f"the ONNX export does not reproduce the model: outputs differ by up to {diff:.3g} on the training rows "
            f"(limit {SELF_CHECK_TOLERANCE}); the model uses something skl2onnx converts approximately"
        )
    return diff
