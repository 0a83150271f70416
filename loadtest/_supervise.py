"""Running Locust in a child process group under supervision: a time bound, signals, a stop.

:func:`loadtest.run_loadtest` starts Locust in its own session (so a Ctrl-C
on the terminal reaches the harness, not Locust directly) and waits for it:

* a run never outlasts its bound (:func:`run_bound_s`, docs/loadtest.md
  "Time bounds"): past it, or on the first SIGTERM or SIGINT the harness
  receives (:class:`StopSignals`), the Locust master gets
  :data:`~loadtest._harness.STOP_SIGNAL` and flushes what it recorded, then
  the whole process group (the master and its forked workers) is stopped;
* a second SIGTERM or SIGINT stops the group at once and raises
  KeyboardInterrupt: no report is written.

The signals are caught only in the main thread (Python delivers them there).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from ccbench.serving import stop_group

from ._config import LoadTestConfig
from ._harness import STOP_SIGNAL

__all__ = [
    "LOCUSTFILE",
    "LocustExit",
    "StopSignals",
    "locust_command",
    "run_bound_s",
    "run_locust",
]

#: The locustfile every Locust process of a run loads (users, shape, harness).
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"

#: Seconds allowed for Locust to start, read the log and spawn (each process).
STARTUP_S = 60.0
_POLL_S = 0.1
_HANDLED = (signal.SIGINT, signal.SIGTERM)


def locust_command(*options: str) -> list[str]:
    """Locust on the harness's locustfile with ``options``, under this interpreter; a run's
    failed requests are the harness's to judge, never Locust's exit code."""
    return [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        *options,
        "--exit-code-on-error",
        "0",
        "--loglevel",
        "WARNING",
    ]


def flush_s(network_timeout_s: float) -> float:
    """Seconds a flush may take: requests in flight end within the network timeout, then
    the master waits for the workers' reports (``loadtest._phases``)."""
    return network_timeout_s + 35.0


def run_bound_s(
    config: LoadTestConfig, *, network_timeout_s: float, log_span_ms: int, ingest: bool
) -> float:
    """The longest a run may take, in seconds (docs/loadtest.md "Time bounds").

    Start-up (60 s), plus the ingest phase when it runs before the queries (the
    paced replay of ``log_span_ms``, ``ingest_budget_s`` and one request's
    network timeout), plus ``duration_s``, plus the flush.
    """
    bound = STARTUP_S + config.duration_s + flush_s(network_timeout_s)
    concurrent = config.mode == "live" and config.ingest_speed is not None
    if ingest and not concurrent:
        replay_s = log_span_ms / 1000 / config.ingest_speed if config.ingest_speed else 0.0
        bound += replay_s + config.ingest_budget_s + network_timeout_s
    return bound


@dataclass
class StopSignals:
    """Catches SIGTERM and SIGINT while a run is in progress (a context manager).

    ``received`` lists the names of the signals caught. The first one only asks
    for a stop (the run writes its reports, marked interrupted); the second
    raises KeyboardInterrupt. Outside the main thread it catches nothing.
    """

    received: list[str] = field(default_factory=list)
    _previous: dict[int, Any] = field(default_factory=dict)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.received.append(signal.Signals(signum).name)
        if len(self.received) > 1:
            raise KeyboardInterrupt(f"second signal ({self.received[-1]}): stopping now")

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():
            for signum in _HANDLED:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()


@dataclass(frozen=True, slots=True)
class LocustExit:
    """How the Locust run ended: its exit code (None when it had to be killed) and
    whether the bound elapsed first."""

    returncode: int | None
    timed_out: bool


def run_locust(
    cmd: Sequence[str],
    *,
    env: Mapping[str, str],
    log_path: Path,
    bound_s: float,
    grace_s: float,
    signals: StopSignals,
    on_poll: Callable[[], None] | None = None,
) -> LocustExit:
    """Run ``cmd`` in a new session, output to ``log_path``; stop it as the module says.
    ``on_poll()`` is called at each look at the child (every 0.1 s: progress)."""
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            list(cmd), env=dict(env), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + bound_s
            while proc.poll() is None:
                timed_out = time.monotonic() > deadline
                if timed_out or signals.received:
                    _stop_gracefully(proc, grace_s=grace_s)
                    return LocustExit(returncode=proc.poll(), timed_out=timed_out)
                if on_poll is not None:
                    on_poll()
                time.sleep(_POLL_S)
            return LocustExit(returncode=proc.returncode, timed_out=False)
        finally:
            stop_group(proc, timeout_s=10)  # the master and its forked workers


def _stop_gracefully(proc: subprocess.Popen[bytes], *, grace_s: float) -> None:
    """Ask the master to flush and exit; wait up to ``grace_s`` (the caller then stops the
    group whatever happened; a second signal interrupts the wait)."""
    try:
        os.kill(proc.pid, STOP_SIGNAL)
    except ProcessLookupError:
        return
    end = time.monotonic() + grace_s
    while proc.poll() is None and time.monotonic() < end:
        time.sleep(_POLL_S)
