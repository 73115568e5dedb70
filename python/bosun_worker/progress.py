"""Progress a step reports while it runs, sent with the worker's heartbeats (Temporal shows it as the pending
activity's heartbeat details)."""

from __future__ import annotations

import threading

_local = threading.local()


def report_progress(message: str, **fields: object) -> None:
    """Call from a step function (same thread) to say where it is; the next heartbeat carries it.

    Outside a running step it does nothing, so step functions stay callable from notebooks and tests."""
    box = getattr(_local, "box", None)
    if box is not None:
        box.update(message, fields)


class ProgressBox:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._message = "started"
        self._fields: dict[str, object] = {}

    def update(self, message: str, fields: dict[str, object]) -> None:
        with self._lock:
            self._message = str(message)[:500]
            self._fields = {k: v for k, v in fields.items() if isinstance(v, (str, int, float, bool))}

    def snapshot(self) -> tuple[str, dict[str, object]]:
        with self._lock:
            return self._message, dict(self._fields)


def bind(box: ProgressBox | None) -> None:
    _local.box = box
