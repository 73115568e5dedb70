"""The Temporal side: the two activity types of src/contract/steps.ts on the Python task queue, each running its
step in an activity thread while a second thread heartbeats with progress. Cancellation: the SDK raises
CancelledError in a thread-pool activity when a heartbeat learns the activity was cancelled, so user code is
interrupted at the latest one heartbeat interval (plus the Python bytecode it is in) after the cancel; a long
call into C (one numpy routine) finishes first."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import os
import signal
import sys
import threading
import time
from datetime import timedelta
from typing import Any, Callable

from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError, CancelledError
from temporalio.worker import Worker

from . import progress
from .config import WorkerConfig
from .errors import BadInput, bad_input, store_unavailable, user_code_failure
from .steps import StepRegistry, UserCodeError, parse_input, run_train, run_transform
from .store import ArtifactCorrupt, ArtifactNotFound, StoreUnavailable

TRANSFORM_ACTIVITY = "bosunTransformStep"  # USER_STEP_ACTIVITIES in src/contract/steps.ts
TRAIN_ACTIVITY = "bosunTrainStep"


class StepActivities:
    def __init__(self, store, registry: StepRegistry, heartbeat_seconds: float) -> None:
        self.store = store
        self.registry = registry
        self.heartbeat_seconds = heartbeat_seconds

    @activity.defn(name=TRANSFORM_ACTIVITY)
    def transform(self, raw: dict) -> dict:
        return self._run("transform", raw, run_transform)

    @activity.defn(name=TRAIN_ACTIVITY)
    def train(self, raw: dict) -> dict:
        return self._run("train", raw, run_train)

    def _run(self, kind: str, raw: Any, runner: Callable[..., dict]) -> dict:
        try:
            inp = parse_input(raw, kind)
            with Heartbeats(inp.step, self.heartbeat_seconds):
                result = runner(self.store, self.registry, inp)
            if activity.is_cancelled():
                # User code that swallowed the interrupt still ends as cancelled, not as a result.
                raise CancelledError("cancelled")
            return result
        except (UserCodeError, BadInput, ArtifactNotFound, ArtifactCorrupt, StoreUnavailable) as e:
            raise failure_for(e) from None


def failure_for(e: Exception) -> ApplicationError:
    """The Temporal failure for each kind of step error; cancels and the step's own ApplicationErrors pass as they are."""
    if isinstance(e, UserCodeError):
        return user_code_failure(e.where, e.original)
    if isinstance(e, StoreUnavailable):
        return store_unavailable(str(e))
    # Bad input, and a reference to bytes the store lacks (or that no longer match): retrying does not heal them.
    return bad_input(str(e))


class Heartbeats:
    """Heartbeats every `interval` seconds from its own thread while the step runs (the step's thread is busy in
    user code), with the step's latest report_progress() and the time elapsed."""

    def __init__(self, step: str, interval: float) -> None:
        self.step = step
        self.interval = interval
        self.box = progress.ProgressBox()
        self.stop = threading.Event()
        self.started = time.monotonic()

    def details(self) -> dict:
        message, fields = self.box.snapshot()
        return {"step": self.step, "progress": message, "elapsedSeconds": round(time.monotonic() - self.started, 1), **fields}

    def _beat(self) -> None:
        while not self.stop.wait(self.interval):
            try:
                activity.heartbeat(self.details())
            except Exception as e:  # noqa: BLE001 - a failed heartbeat must not kill the step; the SDK retries
                print(f"bosun-python: heartbeat failed for step {self.step}: {e}", file=sys.stderr)

    def __enter__(self) -> "Heartbeats":
        progress.bind(self.box)
        activity.heartbeat(self.details())
        # The activity's context (which heartbeat() needs) lives in contextvars: the thread runs in a copy of it.
        ctx = contextvars.copy_context()
        self.thread = threading.Thread(target=ctx.run, args=(self._beat,), name=f"heartbeat-{self.step}", daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=self.interval + 1)
        progress.bind(None)


async def run_worker(cfg: WorkerConfig, store, registry: StepRegistry) -> None:
    try:
        client = await Client.connect(cfg.temporal_address, namespace=cfg.namespace)
    except Exception as e:  # noqa: BLE001
        raise SystemExit(f"bosun-python: cannot reach Temporal at {cfg.temporal_address} (TEMPORAL_ADDRESS): {e}") from e
    acts = StepActivities(store, registry, cfg.heartbeat_seconds)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    with concurrent.futures.ThreadPoolExecutor(max_workers=cfg.max_concurrent + 1) as pool:
        worker = Worker(
            client,
            task_queue=cfg.task_queue,
            activities=[acts.transform, acts.train],
            activity_executor=pool,
            max_concurrent_activities=cfg.max_concurrent,
            # On SIGTERM, running steps get this long to finish; then they are cancelled and retried elsewhere.
            graceful_shutdown_timeout=timedelta(seconds=5),
        )
        async with worker:
            print(
                f"bosun-python worker: task queue {cfg.task_queue!r} on {cfg.temporal_address} "
                f"(namespace {cfg.namespace}), steps from {', '.join(cfg.step_modules)}, artifacts {store.location}",
                flush=True,
            )
            if cfg.ready_file:
                with open(cfg.ready_file, "w") as f:
                    f.write(str(os.getpid()))
            await stop.wait()
            print("bosun-python worker: stopping", flush=True)
