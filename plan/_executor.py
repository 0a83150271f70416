"""Where replications run: any ``concurrent.futures.Executor``.

A local process pool by default, the calling process for ``jobs=1``, or a Dask distributed
cluster (``cluster=ADDRESS``) through ``Client.get_executor()``. Results never depend on the
executor: every task carries its own seed and results are put back in task order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from ccbench import ParameterError

__all__ = ["SerialExecutor", "make_executor"]

P = ParamSpec("P")
T = TypeVar("T")


class SerialExecutor(Executor):
    """Runs each task in the calling process at submit time (jobs=1; easy to debug)."""

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # the caller sees it through future.result()
            future.set_exception(exc)
        return future


@contextmanager
def make_executor(*, jobs: int | None = None, cluster: str | None = None) -> Iterator[Executor]:
    """Yield an executor and shut it down afterwards.

    ``cluster``: address of a Dask scheduler (``tcp://host:8786``) or an existing
    ``distributed.Client``; ``jobs``: local worker processes (None = CPU count, 1 = in-process).
    """
    if jobs is not None and jobs < 1:
        raise ParameterError("jobs", f"expected an integer >= 1, got {jobs}")
    if cluster is not None:
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - dask is a declared dependency
            raise ParameterError(
                "cluster", "needs dask[distributed]; install ccbench[cluster]"
            ) from exc
        client: Any = cluster if isinstance(cluster, Client) else Client(cluster)
        try:
            yield client.get_executor()
        finally:
            if client is not cluster:
                client.close()
        return
    if jobs == 1:
        yield SerialExecutor()
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield pool
