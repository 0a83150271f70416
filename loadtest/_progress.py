"""How far a run is, for a display: ingest, queries and verification.

The Locust processes know how far the ingest and the query phase are; the caller of
:func:`loadtest.run_loadtest` draws it (``ccbench.progress.Phases`` on a terminal). The
processes write their position into a small JSON file beside the run's results file
(:func:`progress_path`), replaced atomically and at most every
:data:`WRITE_INTERVAL_S`; the caller reads it while it waits for Locust and reports it
through a :data:`RunProgress` callback, then reports the verification, which runs in
its own process. A missing or unreadable file only means nothing new to show: progress
never fails a run. On several machines only the phases of the processes beside the
caller are seen.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from ccbench.files import replace_atomically

__all__ = [
    "INGEST",
    "QUERIES",
    "VERIFICATION",
    "ProgressFile",
    "RunProgress",
    "progress_path",
    "read_progress",
]

#: ``progress(phase, done, total)``: ``phase`` one of the labels below, ``done`` out of
#: ``total`` (None while unknown). ``ccbench.progress.Phases.update`` is one.
RunProgress = Callable[[str, float, float | None], None]

INGEST = "ingest (events)"
QUERIES = "queries (s)"
VERIFICATION = "verification (answers)"
#: Least time between two writes of the file by one process, s (the last one always lands).
WRITE_INTERVAL_S = 0.25


def progress_path(results: str | Path) -> Path:
    """The progress file of the run whose merged results go to ``results``."""
    return Path(results).with_name("progress.json")


class ProgressFile:
    """The writing side, one per Locust process: ``write(phase, done, total)``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._last = 0.0

    def write(self, phase: str, done: float, total: float | None) -> None:
        now = time.monotonic()
        final = total is not None and done >= total
        if not final and now - self._last < WRITE_INTERVAL_S:
            return
        self._last = now
        data = orjson.dumps({"phase": phase, "done": done, "total": total})
        with contextlib.suppress(OSError):  # a display aid: the run goes on without it
            replace_atomically(self.path, lambda tmp: tmp.write_bytes(data))


def read_progress(path: str | Path) -> tuple[str, float, float | None] | None:
    """The last position written to ``path``, or None (no file yet, or not readable)."""
    try:
        doc = orjson.loads(Path(path).read_bytes())
        total = doc["total"]
        return str(doc["phase"]), float(doc["done"]), None if total is None else float(total)
    except (OSError, ValueError, KeyError, TypeError):
        return None
