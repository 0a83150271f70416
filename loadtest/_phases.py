"""The phases of a run inside Locust: ingest, query for ``duration_s``, flush (imports Locust).

* :class:`PhaseShape` drives them: the ingest user alone until it is done
  (or, in live mode with ``ingest_speed``, beside the queries), then the
  query users for ``duration_s``, then the flush: each process stops sending,
  drains its requests in flight and sends its records and histograms to the
  master (``runner.send_message``), which merges them and writes the run
  spec's output file before the run ends. An ingest that ran out of its
  budget goes straight to the flush: queries against part of the log would
  only measure the missing part.
* An early stop: SIGUSR1 on the master (or single) process, which
  :func:`loadtest.run_loadtest` sends on SIGTERM, SIGINT or when the run
  exceeds its time bound, makes the next tick flush at once, so what was
  recorded up to then still reaches the reports.
* :func:`install` attaches the per-process :class:`~loadtest._harness.Harness`
  and registers the messages and the signal.
"""

from __future__ import annotations

import os
import time
from typing import Any

import gevent
import orjson
from locust import LoadTestShape
from locust.env import Environment
from locust.runners import MasterRunner, WorkerRunner

from ._harness import RUN_SPEC_ENV, STOP_SIGNAL, Harness, RunSpec
from ._users import (
    INGESTED_MESSAGE,
    IngestUser,
    OpenQueryUser,
    QueryUser,
    harness_of,
    senders_per_stream,
)

__all__ = ["PhaseShape", "install"]

_FLUSH = "ccbench_flush"
_REPORT = "ccbench_report"
_DRAIN_POLL_S = 0.02


class PhaseShape(LoadTestShape):
    """Ingest, query for ``duration_s``, then flush and merge (see the module docstring)."""

    phase = "start"
    query_until = 0.0

    def tick(self) -> tuple[int, float, list[type[Any]]] | None:
        runner = self.runner
        assert runner is not None  # Locust sets it before the first tick
        h = harness_of(runner.environment)
        spec, cfg = h.spec, h.spec.config
        if h.stop_requested:
            self.phase = "flush"
        if self.phase == "start":
            self.phase = "ingest" if spec.ingest else "query"
        query_class = OpenQueryUser if cfg.workload == "open" else QueryUser
        concurrent = spec.ingest and cfg.mode == "live" and cfg.ingest_speed is not None
        if self.phase == "ingest":
            if concurrent:
                # live replay: queries run while the log arrives in real time
                self.phase = "query"
            elif not h.ingest_done:
                return 1, 1.0, [IngestUser]
            else:
                query = spec.query and not h.ingest_over_budget
                self.phase = "query" if query else "flush"
        if self.phase == "query":
            if not self.query_until:
                self.query_until = time.monotonic() + cfg.duration_s
                h.query_started_ns = time.time_ns()
            h.queried_until(self.query_until)
            if time.monotonic() < self.query_until and spec.query:
                # the ingest user stays (idle once done): dropping it from the class list
                # would make Locust count it among the query users
                classes: list[type[Any]] = [query_class]
                count = cfg.users
                if spec.ingest:
                    classes, count = [IngestUser, query_class], cfg.users + 1
                return count, float(max(count, 100)), classes
            self.phase = "flush"
        _flush(runner)
        return None


def _flush(runner: Any) -> None:
    """Stop sends, gather every process's report, merge and write the output file."""
    env = runner.environment
    h = harness_of(env)
    reports: list[dict[str, Any]] = env.ccbench_reports
    if isinstance(runner, MasterRunner):
        expected = len(runner.clients)
        runner.send_message(_FLUSH, None)
        deadline = time.monotonic() + h.spec.mapping.network_timeout_s + 30
        while len(reports) < expected and time.monotonic() < deadline:
            gevent.sleep(_DRAIN_POLL_S)
    else:
        _drain(h)
        reports.append(h.report())
    doc = {
        "reports": reports,
        "query_started_ns": h.query_started_ns,
        "expected_processes": len(runner.clients) if isinstance(runner, MasterRunner) else 1,
    }
    tmp = h.spec.output + ".tmp"
    with open(tmp, "wb") as out:
        out.write(orjson.dumps(doc))
    os.replace(tmp, h.spec.output)


def _drain(h: Harness) -> None:
    h.stopping = True
    deadline = time.monotonic() + h.spec.mapping.network_timeout_s + 5
    while h.in_flight > 0 and time.monotonic() < deadline:
        gevent.sleep(_DRAIN_POLL_S)


def install(env: Environment, spec_path: str | None = None) -> None:
    """Attach a :class:`Harness` to ``env`` and register the flush/report messages and,
    on the master or single process, the stop signal."""
    path = spec_path or os.environ.get(RUN_SPEC_ENV)
    if not path:
        raise RuntimeError(f"set {RUN_SPEC_ENV} to the spec file written by loadtest.run_loadtest")
    runner = env.runner
    harness = Harness.from_spec(RunSpec.read(path))
    env.ccbench = harness  # type: ignore[attr-defined]
    env.ccbench_reports = []  # type: ignore[attr-defined]
    # Locust's own request stats are kept; the timeouts below come from the mapping
    for cls in (IngestUser, QueryUser, OpenQueryUser):
        cls.network_timeout = harness.spec.mapping.network_timeout_s
        cls.connection_timeout = harness.spec.mapping.connect_timeout_s
        cls.host = harness.spec.mapping.base_url
    # one connection per sender at most (opened on demand)
    OpenQueryUser.concurrency = senders_per_stream(
        harness.spec.config.max_in_flight, harness.spec.config.users
    )
    if isinstance(runner, WorkerRunner):

        def on_flush(environment: Environment, msg: Any, **_: Any) -> None:
            _drain(harness)
            runner.send_message(_REPORT, harness.report())

        runner.register_message(_FLUSH, on_flush, concurrent=True)
        return

    def on_stop_signal() -> None:
        # the shape's next tick (within a second) flushes; ingest stops at its next batch
        harness.stop_requested = True
        harness.stopping = True

    gevent.signal_handler(STOP_SIGNAL, on_stop_signal)
    if isinstance(runner, MasterRunner):

        def on_report(environment: Environment, msg: Any, **_: Any) -> None:
            env.ccbench_reports.append(msg.data)  # type: ignore[attr-defined]

        def on_ingested(environment: Environment, msg: Any, **_: Any) -> None:
            harness.ingest_over_budget = bool(msg.data.get("over_budget"))
            harness.ingest_done = True

        runner.register_message(_REPORT, on_report)
        runner.register_message(INGESTED_MESSAGE, on_ingested)
