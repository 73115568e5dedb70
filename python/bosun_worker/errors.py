"""How failures leave the worker. The type names match the TypeScript side so the workflow and `bosun status`
treat a Python step like any other: BadInput (the step's code, input or result is wrong) is not retried, a store
that cannot be reached is, and a user exception carries its type, message and the last frames of its traceback."""

from __future__ import annotations

import os
import traceback

from temporalio.exceptions import ApplicationError

BAD_INPUT = "BadInput"
STORE_UNAVAILABLE = "StoreUnavailable"

MAX_FRAMES = 5
MAX_MESSAGE_CHARS = 2000
MAX_FRAME_CHARS = 200
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


class BadInput(Exception):
    """The step's reference, code or result is wrong: running it again would fail the same way."""


def bad_input(message: str) -> ApplicationError:
    return ApplicationError(message, type=BAD_INPUT, non_retryable=True)


def store_unavailable(message: str) -> ApplicationError:
    return ApplicationError(message, type=STORE_UNAVAILABLE, non_retryable=False)


def traceback_summary(exc: BaseException, max_frames: int = MAX_FRAMES) -> list[str]:
    """The last frames of the exception's traceback, one line each: `file:line in function: source`. The worker's
    own frames (the call into user code) are left out: they are the same for every step."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith(_PACKAGE_DIR)][-max_frames:]
    lines = []
    for f in frames:
        line = f"{f.filename}:{f.lineno} in {f.name}"
        if f.line:
            line += f": {f.line.strip()}"
        lines.append(line[:MAX_FRAME_CHARS])
    return lines


def user_code_failure(where: str, exc: BaseException) -> ApplicationError:
    """A user function raised: type, message and a short traceback, bounded so the failure stays small."""
    head = f"{where} raised {type(exc).__name__}: {exc}"
    frames = traceback_summary(exc)
    tail = "\ntraceback (most recent call last, last frames):\n  " + "\n  ".join(frames) if frames else ""
    # The head is cut before the frames are: the frames locate the fault, a giant message does not.
    room = MAX_MESSAGE_CHARS - len(tail)
    if len(head) > room:
        head = head[: max(room - 1, 200)] + "…"
    message = (head + tail)[:MAX_MESSAGE_CHARS]
    return ApplicationError(
        message,
        {"exceptionType": f"{type(exc).__module__}.{type(exc).__qualname__}", "traceback": frames},
        type=BAD_INPUT,
        non_retryable=True,
    )
