"""The step runtime, apart from Temporal: resolve a step's entry to one of the served functions, read its table
from the store, call it, check what it returned, and store the result. Shapes follow src/contract/steps.ts
(UserStepInput in, UserStepResult out, camelCase keys as the TypeScript side sends them)."""

from __future__ import annotations

import hashlib
import importlib
import inspect
import re
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .errors import BadInput
from .onnx_export import ExportError, export_model
from .tables import read_table, to_arrow, write_table

_ENTRY_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*):([A-Za-z_][A-Za-z0-9_]*)")


class StepModuleError(Exception):
    """A module named in BOSUN_PYTHON_STEPS cannot be imported: the worker does not start."""


class UserCodeError(Exception):
    """The user's function raised; `original` is its exception, with its traceback."""

    def __init__(self, where: str, original: BaseException) -> None:
        super().__init__(f"{where} raised {type(original).__name__}: {original}")
        self.where = where
        self.original = original


class StepRegistry:
    """The modules this worker serves, imported once at start (the Temporal way: a worker runs only code it has
    imported itself, never code named by a payload)."""

    def __init__(self, module_names: list[str]) -> None:
        self.modules: dict[str, Any] = {}
        for name in module_names:
            try:
                self.modules[name] = importlib.import_module(name)
            except Exception as e:  # noqa: BLE001 - any failure to import is reported the same way
                raise StepModuleError(
                    f"cannot import step module {name!r} (named in BOSUN_PYTHON_STEPS): {type(e).__name__}: {e}. "
                    "Put the directory that holds it on PYTHONPATH, or install its package into the worker's venv."
                ) from e

    def resolve(self, entry: str, step: str) -> Callable[..., Any]:
        m = _ENTRY_RE.fullmatch(entry or "")
        if not m:
            raise BadInput(f'step "{step}": entry {entry!r} is not of the form "package.module:function"')
        module_name, fn_name = m.groups()
        module = self.modules.get(module_name)
        if module is None:
            served = ", ".join(sorted(self.modules)) or "(none)"
            raise BadInput(
                f'step "{step}": module {module_name!r} is not served by this Python worker (BOSUN_PYTHON_STEPS={served}); '
                "add it to BOSUN_PYTHON_STEPS and restart the worker"
            )
        fn = getattr(module, fn_name, None)
        if not callable(fn):
            raise BadInput(f'step "{step}": {module_name} has no function {fn_name!r} (entry {entry})')
        return fn

    def code_hash(self, entry: str) -> str | None:
        """sha256 of the source file of the entry's module as this worker imported it (for lineage)."""
        module = self.modules.get(entry.split(":", 1)[0])
        path = getattr(module, "__file__", None)
        if not path:
            return None
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()


@dataclass
class StepInput:
    step: str
    kind: str
    entry: str
    table_sha256: str
    target: str | None
    positive_class: str | None
    params: dict[str, Any]
    seed: int | None
    run_id: str
    pipeline: str

    @property
    def where(self) -> str:
        return f'step "{self.step}" ({self.entry})'


def parse_input(raw: Any, kind: str) -> StepInput:
    if not isinstance(raw, dict):
        raise BadInput(f"the step input must be an object (UserStepInput), got {type(raw).__name__}")
    step = str(raw.get("step", "?"))
    if raw.get("kind") != kind:
        raise BadInput(f'step "{step}": input kind {raw.get("kind")!r} sent to the {kind} activity')
    table = raw.get("table")
    if not isinstance(table, dict) or not re.fullmatch(r"[0-9a-f]{64}", str(table.get("sha256", ""))):
        raise BadInput(f'step "{step}": input.table must be a TableRef with a sha256 of 64 lowercase hex characters')
    if table.get("format", "parquet") != "parquet":
        raise BadInput(f'step "{step}": table format {table.get("format")!r} is not supported (only parquet)')
    params = raw.get("params") or {}
    if not isinstance(params, dict):
        raise BadInput(f'step "{step}": params must be an object, got {type(params).__name__}')
    seed = raw.get("seed")
    return StepInput(
        step=step,
        kind=kind,
        entry=str(raw.get("entry", "")),
        table_sha256=table["sha256"],
        target=raw.get("target"),
        positive_class=raw.get("positiveClass"),
        params=params,
        seed=int(seed) if seed is not None else None,
        run_id=str(raw.get("runId", "")),
        pipeline=str(raw.get("pipeline", "")),
    )


def call_user(fn: Callable[..., Any], where: str, table: Any, **kwargs: Any) -> Any:
    """Calls fn(table, **the keyword arguments its signature accepts), so a step takes only what it needs."""
    try:
        sig = inspect.signature(fn)
        takes_all = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in sig.parameters.values())
        accepted = {k: v for k, v in kwargs.items() if takes_all or k in sig.parameters}
    except (TypeError, ValueError):
        accepted = kwargs
    try:
        return fn(table, **accepted)
    except Exception as e:  # noqa: BLE001 - every exception of user code is reported, with its traceback
        from temporalio.exceptions import ApplicationError, CancelledError

        # A cancel is the SDK's; an ApplicationError is the step deciding its own failure type and retrying.
        if isinstance(e, (CancelledError, ApplicationError)):
            raise
        raise UserCodeError(where, e) from e


def run_transform(store, registry: StepRegistry, inp: StepInput) -> dict[str, Any]:
    fn = registry.resolve(inp.entry, inp.step)
    df = read_table(store.get(inp.table_sha256))
    out = call_user(fn, inp.where, df, params=inp.params, seed=inp.seed)
    try:
        table = to_arrow(out, inp.where)
    except TypeError as e:
        raise BadInput(str(e)) from e
    if table.num_rows == 0:
        raise BadInput(f"{inp.where} returned a table with no rows")
    ref = store.put(write_table(table))
    return {
        "kind": "transform",
        "table": {"sha256": ref.hash, "format": "parquet", "rows": table.num_rows, "columns": table.num_columns},
        "summary": f"{inp.step}: {df.shape[0]} rows × {df.shape[1]} columns in, {table.num_rows} × {table.num_columns} out",
        **_code_hash(registry, inp),
    }


def run_train(store, registry: StepRegistry, inp: StepInput) -> dict[str, Any]:
    fn = registry.resolve(inp.entry, inp.step)
    if not inp.target:
        raise BadInput(f"{inp.where}: a train step needs a target column")
    df = read_table(store.get(inp.table_sha256))
    if inp.target not in df.columns:
        raise BadInput(f'{inp.where}: target column "{inp.target}" is not in the table (columns: {", ".join(map(str, df.columns))})')
    model = call_user(fn, inp.where, df, target=inp.target, params=inp.params, seed=inp.seed, positive_class=inp.positive_class)
    _check_fitted(model, inp.where)
    inputs = _model_inputs(model, df, inp)
    _check_numeric(df, inputs, inp.where)
    try:
        exported = export_model(model, df[inputs])
    except ExportError as e:
        raise BadInput(f"{inp.where}: {e}") from e
    ref = store.put(exported.onnx)
    framework = framework_name(model)
    classes = exported.classes
    what = f"{len(classes)} classes" if classes else "regression"
    return {
        "kind": "train",
        "onnx": {"sha256": ref.hash, "bytes": ref.size},
        "inputs": inputs,
        **({"classes": classes} if classes is not None else {}),
        "framework": framework,
        "params": model_params(model),
        "summary": (
            f"{framework} on {len(df)} rows × {len(inputs)} features ({what}); ONNX {ref.size} bytes, "
            f"max |ONNX − model| {exported.max_abs_diff:.1e} on the training rows"
        ),
        **_code_hash(registry, inp),
    }


def _code_hash(registry: StepRegistry, inp: StepInput) -> dict[str, str]:
    h = registry.code_hash(inp.entry)
    return {"codeHash": h} if h else {}


def _check_fitted(model: Any, where: str) -> None:
    if model is None or not hasattr(model, "predict"):
        raise BadInput(f"{where} returned {type(model).__name__}; a train step must return a fitted scikit-learn-compatible model")
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(model)
    except NotFittedError:
        raise BadInput(f"{where} returned an unfitted {type(model).__name__}: call fit() before returning it") from None
    except TypeError:
        pass  # not a scikit-learn estimator; the export and its self-check judge it


def _model_inputs(model: Any, df, inp: StepInput) -> list[str]:
    """The columns the model reads: those it was fitted on (feature_names_in_, set when fitted on a DataFrame), else
    every column but the target."""
    names = getattr(model, "feature_names_in_", None)
    inputs = [str(n) for n in names] if names is not None else [str(c) for c in df.columns if c != inp.target]
    missing = [n for n in inputs if n not in df.columns]
    if missing:
        raise BadInput(f"{inp.where}: the model reads columns the table does not have: {', '.join(missing)}")
    if inp.target in inputs:
        raise BadInput(f'{inp.where}: the model reads the target column "{inp.target}" as a feature')
    return inputs


def _check_numeric(df, inputs: list[str], where: str) -> None:
    bad = [c for c in inputs if not (np.issubdtype(df[c].dtype, np.number) or np.issubdtype(df[c].dtype, np.bool_))]
    if bad:
        raise BadInput(
            f"{where}: feature columns {', '.join(bad)} are not numeric; the exported model takes one numeric tensor, "
            "so encode them in a transform step (or drop them with the model's columns) before training"
        )


def framework_name(model: Any) -> str:
    cls = type(model)
    module = ".".join(p for p in cls.__module__.split(".") if not p.startswith("_"))
    name = f"{module}.{cls.__qualname__}"
    steps = getattr(model, "steps", None)
    if isinstance(steps, list):
        name += "(" + ", ".join(type(s[1]).__name__ for s in steps) + ")"
    return name


def model_params(model: Any) -> dict[str, Any]:
    """The model's own hyper-parameters that are plain JSON values (for the model card and lineage)."""
    get = getattr(model, "get_params", None)
    if get is None:
        return {}
    out = {}
    for k, v in get(deep=False).items():
        if v is None or isinstance(v, (bool, int, str)) or (isinstance(v, float) and np.isfinite(v)):
            out[k] = v
    return out
