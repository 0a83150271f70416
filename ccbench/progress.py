"""Progress of long work on stderr (rich, transient), drawn only on a terminal.

:class:`Phases` shows the phases of a command, one line each: a phase of unknown length
(reading a log, building the oracle) as a spinner with its elapsed time
(``with phases.step("reading log.parquet"): ...``), a phase of known size (events
ingested, seconds of a query phase, records verified, replications) as a bar with
done/total, the percentage, the elapsed time and the estimated time remaining
(``phases.update("ingest", done, total)``). Disabled, it draws nothing: when stderr is
not a terminal (CI logs, pipes, tests) commands print only their results. A layer 2
utility like :mod:`ccbench.serving`: the command line, the demo and the load harness
share it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

__all__ = ["Phases", "on_terminal"]


def on_terminal() -> bool:
    """Whether stderr is a terminal (the only place progress is drawn)."""
    return sys.stderr.isatty()


class Phases(AbstractContextManager["Phases"]):
    """The phases of a command on stderr (module docstring); a no-op when not ``enabled``.

    ``console`` defaults to rich's stderr console (tests pass one that records).
    """

    def __init__(self, *, enabled: bool, console: Console | None = None) -> None:
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}
        if enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TaskProgressColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                SpinnerColumn(finished_text="done"),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TaskProgressColumn(),
                TimeElapsedColumn(),
                TextColumn("eta"),
                TimeRemainingColumn(),
                console=console or Console(stderr=True),
                transient=True,
            )

    @property
    def enabled(self) -> bool:
        return self._progress is not None

    def __enter__(self) -> Phases:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    def update(self, phase: str, done: float, total: float | None) -> None:
        """Show ``phase`` at ``done`` of ``total`` (None: size unknown yet)."""
        if self._progress is None:
            return
        task = self._tasks.get(phase)
        if task is None:
            task = self._tasks[phase] = self._progress.add_task(phase, total=total)
        self._progress.update(task, completed=done, total=total)
        if total is not None and done >= total:
            self._progress.stop_task(task)

    @contextmanager
    def step(self, phase: str) -> Iterator[None]:
        """A phase of unknown length: shown while the block runs, marked done after it."""
        if self._progress is None:
            yield
            return
        task = self._tasks[phase] = self._progress.add_task(phase, total=None)
        try:
            yield
        finally:
            self._progress.update(task, total=1, completed=1)
            self._progress.stop_task(task)
