"""Bosun's Python worker: runs a team's Python functions as Temporal activities on their own task queue.

The contract with the workflow is src/contract/steps.ts; the user guide is docs/python-steps.md.
"""

from .progress import report_progress

__all__ = ["report_progress"]
