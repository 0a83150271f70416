"""Progress of long commands on stderr (rich, transient), drawn only on a terminal.

Two shapes: :class:`Steps`, named phases of unknown length (reading a log, building the
oracle), each with a spinner and its elapsed time; and :func:`progress_bar`, a bar over
a known number of units (replications) with done/total, elapsed time and an ETA. When
stderr is not a terminal (CI logs, pipes, tests) neither draws anything.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

__all__ = ["Steps", "on_terminal", "progress_bar"]


def on_terminal() -> bool:
    """Whether stderr is a terminal (the only place progress is drawn)."""
    return sys.stderr.isatty()


class Steps(AbstractContextManager["Steps"]):
    """Phases of a command: ``with steps("reading log.parquet"): ...`` shows a spinner,
    the label and the phase's elapsed time while the block runs; a finished phase stays
    listed until the whole display clears at the end. Disabled: does nothing."""

    def __init__(self, *, enabled: bool, console: Console | None = None) -> None:
        self._progress: Progress | None = None
        if enabled:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                SpinnerColumn(finished_text="done"),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=console or Console(stderr=True),
                transient=True,
            )

    def __enter__(self) -> Steps:
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

    @contextmanager
    def __call__(self, label: str) -> Iterator[None]:
        if self._progress is None:
            yield
            return
        task = self._progress.add_task(label, total=None)
        try:
            yield
        finally:
            self._progress.update(task, total=1, completed=1)
            self._progress.stop_task(task)


@contextmanager
def progress_bar(
    enabled: bool, label: str = "replications", *, console: Console | None = None
) -> Iterator[Callable[[int, int], None] | None]:
    """Yield ``progress(done, total)`` drawing a bar with done/total, elapsed time and the
    estimated time remaining, or None when ``enabled`` is false."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        label,
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        "eta",
        TimeRemainingColumn(),
        console=console or Console(stderr=True),
        transient=True,
    )
    task = bar.add_task(label, total=None)
    with bar:
        yield lambda done, total: bar.update(task, completed=done, total=total)
