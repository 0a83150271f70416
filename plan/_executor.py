"""Where replications run: any ``concurrent.futures.Executor``.

A local process pool by default, the calling process for ``jobs=1``, or a Dask distributed
cluster (``cluster=ADDRESS``) through ``Client.get_executor()``. Results never depend on the
executor: every task carries its own seed and the sweep puts results back in task order.
"""

from __future__ import annotations

import multiprocessing
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
        except Exception as exc:  # the caller sees it through future.result()
            future.set_exception(exc)
        return future


@contextmanager
def make_executor(
    *, jobs: int | None = None, cluster: Any = None, connect_timeout_s: float = 10.0
) -> Iterator[Executor]:
    """Yield an executor and shut it down afterwards.

    ``cluster``: the address of a Dask scheduler (``tcp://host:8786``) or a
    ``distributed.Client``/``LocalCluster``; ``jobs``: local worker processes
    (None = the CPU count, 1 = in the calling process). ``jobs`` is ignored with a cluster;
    ``connect_timeout_s`` bounds the wait for the scheduler (s).
    """
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ParameterError("jobs", f"expected an integer >= 1, got {jobs!r}")
    if cluster is not None:
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - dask is an optional dependency
            raise ParameterError(
                "cluster", "needs dask[distributed]: pip install 'ccbench[cluster]'"
            ) from exc
        own = not isinstance(cluster, Client)
        try:
            client: Any = (
                Client(cluster, timeout=f"{connect_timeout_s}s")  # type: ignore[no-untyped-call]
                if own
                else cluster
            )
        except (OSError, TimeoutError, ValueError) as exc:
            raise ParameterError(
                "cluster", f"cannot connect to Dask scheduler {cluster!r}: {exc}"
            ) from exc
        try:
            yield client.get_executor()
        finally:
            if own:
                client.close()
        return
    if jobs == 1:
        yield SerialExecutor()
        return
    # forkserver: fork() from a process that may run threads (rich, Dask) is unsafe, and
    # spawn would re-import numpy/pyarrow in every worker for every pool.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        yield pool
