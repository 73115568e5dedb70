"""`python -m bosun_worker`: configuration from the environment (docs/python-steps.md), then the worker."""

from __future__ import annotations

import asyncio
import sys


def main() -> None:
    from .config import ConfigError, load_config
    from .steps import StepModuleError, StepRegistry
    from .store import StoreUnavailable, open_store

    try:
        cfg = load_config()
        registry = StepRegistry(cfg.step_modules)
    except (ConfigError, StepModuleError) as e:
        sys.exit(f"bosun-python: {e}")
    try:
        store = open_store(cfg.artifacts)
    except StoreUnavailable as e:
        # Fatal at start: a worker that cannot reach its store would fail every step it took.
        sys.exit(f"bosun-python: {e}")
    from .worker import run_worker

    asyncio.run(run_worker(cfg, store, registry))


if __name__ == "__main__":
    main()
