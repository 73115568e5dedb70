"""The worker's configuration: the same BOSUN_* variables as the TypeScript side (src/config.ts), so both
runtimes find the same Temporal server and the same artifact store. A bad value fails at start with one line
naming the variable, what was found and what was expected."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlparse

DEFAULT_TASK_QUEUE = "bosun-python"  # src/contract/steps.ts DEFAULT_PYTHON_TASK_QUEUE


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class FileStoreConfig:
    root: str


@dataclass(frozen=True)
class S3StoreConfig:
    bucket: str
    prefix: str
    endpoint: str
    access_key: str
    secret_key: str = field(repr=False)
    region: str


@dataclass(frozen=True)
class WorkerConfig:
    temporal_address: str
    namespace: str
    task_queue: str
    step_modules: list[str]
    artifacts: FileStoreConfig | S3StoreConfig
    heartbeat_seconds: float
    max_concurrent: int
    ready_file: str | None


def _get(env: dict[str, str], name: str, default: str | None = None) -> str | None:
    v = env.get(name)
    return default if v is None or v == "" else v


def load_config(env: dict[str, str] | None = None, cwd: str | None = None) -> WorkerConfig:
    env = dict(os.environ if env is None else env)
    cwd = cwd or os.getcwd()
    errors: list[str] = []

    address = _get(env, "TEMPORAL_ADDRESS", "localhost:7233")
    if not re.fullmatch(r"[A-Za-z0-9.\-_\[\]:]+:\d{1,5}", address):
        errors.append(f"TEMPORAL_ADDRESS={address!r}: expected host:port, e.g. localhost:7233")
    namespace = _get(env, "TEMPORAL_NAMESPACE", "default")
    if not re.fullmatch(r"[A-Za-z0-9._-]+", namespace):
        errors.append(f"TEMPORAL_NAMESPACE={namespace!r}: expected a namespace name")
    task_queue = _get(env, "BOSUN_PYTHON_TASK_QUEUE", DEFAULT_TASK_QUEUE)

    modules_text = _get(env, "BOSUN_PYTHON_STEPS", "")
    modules = [m.strip() for m in modules_text.split(",") if m.strip()]
    for m in modules:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*", m):
            errors.append(f"BOSUN_PYTHON_STEPS: {m!r} is not a module name (expected e.g. teams.credit.steps)")
    if not modules:
        errors.append(
            "BOSUN_PYTHON_STEPS is unset: name the modules holding your step functions, comma-separated "
            "(e.g. BOSUN_PYTHON_STEPS=credit_steps), with their directory on PYTHONPATH"
        )

    heartbeat = _number(env, "BOSUN_PYTHON_HEARTBEAT_SECONDS", "2", float, errors, minimum=0.1)
    concurrent = _number(env, "BOSUN_PYTHON_MAX_CONCURRENT", "4", int, errors, minimum=1)

    artifacts = _artifacts(env, cwd, errors)
    if errors:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(errors))
    return WorkerConfig(
        temporal_address=address,
        namespace=namespace,
        task_queue=task_queue,
        step_modules=modules,
        artifacts=artifacts,
        heartbeat_seconds=heartbeat,
        max_concurrent=concurrent,
        ready_file=_get(env, "BOSUN_PYTHON_READY_FILE"),
    )


def _number(env, name, default, kind, errors, minimum):
    text = _get(env, name, default)
    try:
        value = kind(text)
    except ValueError:
        errors.append(f"{name}={text!r}: expected a number")
        return kind(default)
    if value < minimum:
        errors.append(f"{name}={text!r}: expected at least {minimum}")
    return value


def _artifacts(env: dict[str, str], cwd: str, errors: list[str]):
    """Mirrors loadConfig in src/config.ts: file://<dir> (default BOSUN_HOME/artifacts) or s3://bucket[/prefix]."""
    home = os.path.abspath(os.path.join(cwd, _get(env, "BOSUN_HOME", ".bosun")))
    url = _get(env, "BOSUN_ARTIFACTS_URL", "file://" + os.path.join(home, "artifacts"))
    if url.startswith("file://") and len(url) > len("file://"):
        return FileStoreConfig(root=os.path.abspath(os.path.join(cwd, url[len("file://"):])))
    m = re.fullmatch(r"s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(/.*)?", url)
    if not m:
        errors.append(
            f"BOSUN_ARTIFACTS_URL={url!r}: expected file://<directory> or s3://<bucket>[/<prefix>] "
            "(bucket names: lowercase letters, digits, dots and dashes)"
        )
        return FileStoreConfig(root=home)
    access = _get(env, "BOSUN_S3_ACCESS_KEY")
    secret = _get(env, "BOSUN_S3_SECRET_KEY")
    missing = [n for n, v in (("BOSUN_S3_ACCESS_KEY", access), ("BOSUN_S3_SECRET_KEY", secret)) if not v]
    if missing:
        errors.append(f"BOSUN_ARTIFACTS_URL={url!r} needs {' and '.join(missing)}: set the object store's access key and secret key")
        return FileStoreConfig(root=home)
    endpoint = _get(env, "BOSUN_S3_ENDPOINT", "http://localhost:9000")
    parsed = urlparse(endpoint)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        errors.append(f"BOSUN_S3_ENDPOINT={endpoint!r}: expected an http(s):// URL")
    prefix = "/".join(p for p in (m.group(2) or "").split("/") if p)
    return S3StoreConfig(
        bucket=m.group(1),
        prefix=prefix,
        endpoint=endpoint,
        access_key=access,
        secret_key=secret,
        region=_get(env, "BOSUN_S3_REGION", "us-east-1"),
    )
