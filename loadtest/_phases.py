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
from pathlib import Path
from typing import Any

import gevent
import orjson
from gevent.threadpool import ThreadPool
from locust import LoadTestShape
from locust.env import Environment
from locust.runners import MasterRunner, WorkerRunner

from ccbench.eventlog import read_log

from ._distributed import (
    HELLO,
    LOG_ENV,
    READY,
    RECORDING,
    SHIP_CHUNK,
    SPEC,
    SPILL_ENV,
    WORKER_ERROR_ENV,
    digest_problem,
    log_digest,
    spec_message,
    worker_spec,
)
from ._harness import RECORDINGS_DIR, RUN_SPEC_ENV, STOP_SIGNAL, Harness, RunSpec
from ._supervise import STARTUP_S
from ._users import (
    INGESTED_MESSAGE,
    IngestUser,
    OpenQueryUser,
    QueryUser,
    harness_of,
    process_index,
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
            if isinstance(runner, MasterRunner) and not _workers_ready(runner, h):
                self.phase = "flush"
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
    expected = 1
    if isinstance(runner, MasterRunner):
        expected = sum(1 for problem in h.workers.values() if problem is None)
        runner.send_message(_FLUSH, None)
        deadline = time.monotonic() + h.spec.mapping.network_timeout_s + 30
        while len(reports) < expected and time.monotonic() < deadline:
            gevent.sleep(_DRAIN_POLL_S)
    else:
        _drain(h)
        reports.append(h.report())
    doc = {
        "reports": sorted(reports, key=lambda report: int(report["process"])),
        "query_started_ns": h.query_started_ns,
        "expected_processes": expected,
        "worker_errors": sorted(p for p in h.workers.values() if p is not None),
    }
    tmp = h.spec.output + ".tmp"
    with open(tmp, "wb") as out:
        out.write(orjson.dumps(doc))
    os.replace(tmp, h.spec.output)


def _ship(runner: WorkerRunner, report: dict[str, Any]) -> None:
    """Send the spill file to the master in pieces, then drop it; the report then names
    no file (the master knows where it put it)."""
    path = Path(report["recording"])
    with open(path, "rb") as recording:
        first = True
        while True:
            data = recording.read(SHIP_CHUNK)
            if not data and not first:
                break
            payload = {"process": report["process"], "data": data, "first": first}
            runner.send_message(RECORDING, payload)
            first = False
    path.unlink()
    report["recording"] = None


def _shipped_path(h: Harness, process: int) -> Path:
    return Path(h.spec.output).parent / RECORDINGS_DIR / f"process-{process}.parquet"


def _workers_ready(runner: MasterRunner, h: Harness) -> bool:
    """Wait until every connected worker said whether it can take part (at most
    :data:`~loadtest._supervise.STARTUP_S`); False when one cannot or never said."""
    deadline = time.monotonic() + STARTUP_S
    while len(h.workers) < len(runner.clients) and time.monotonic() < deadline:
        gevent.sleep(_DRAIN_POLL_S)
    silent = len(runner.clients) - len(h.workers)
    if silent > 0:
        h.workers["(silent)"] = (
            f"{silent} worker(s) connected but never took the run spec within {STARTUP_S:.0f} s"
        )
    return all(problem is None for problem in h.workers.values())


def _drain(h: Harness) -> None:
    h.stopping = True
    deadline = time.monotonic() + h.spec.mapping.network_timeout_s + 5
    while h.in_flight > 0 and time.monotonic() < deadline:
        gevent.sleep(_DRAIN_POLL_S)


def install(env: Environment, spec_path: str | None = None) -> None:
    """Attach a :class:`Harness` to ``env`` and register the flush/report messages and,
    on the master or single process, the stop signal. A worker on another machine (no
    spec file, its own log in ``CCBENCH_LOADTEST_LOG``) first gets the spec from the
    master (:mod:`loadtest._distributed`)."""
    path = spec_path or os.environ.get(RUN_SPEC_ENV)
    runner = env.runner
    env.ccbench_reports = []  # type: ignore[attr-defined]
    remote_log = os.environ.get(LOG_ENV)
    if not path and remote_log and isinstance(runner, WorkerRunner):
        _await_spec(env, runner, remote_log)
        return
    if not path:
        raise RuntimeError(f"set {RUN_SPEC_ENV} to the spec file written by loadtest.run_loadtest")
    _attach(env, Harness.from_spec(RunSpec.read(path)))
    if isinstance(runner, WorkerRunner):
        runner.send_message(READY, {"problem": None})


def _await_spec(env: Environment, runner: WorkerRunner, log_path: str) -> None:
    """A remote worker: say hello, take the spec, check the log, say whether it is ready."""

    def on_spec(environment: Environment, msg: Any, **_: Any) -> None:
        spec, expected = worker_spec(msg.data, log_path=log_path)
        spill = os.environ.get(SPILL_ENV)
        harness = Harness(  # no progress file here: the caller is on the master's host
            spec=spec,
            log=read_log(log_path),
            spill_dir=Path(spill) if spill else None,
            ships=True,
        )
        problem = digest_problem(
            log_path=log_path,
            got=log_digest(harness.log),
            expected=expected,
            worker=str(runner.worker_index + 1),
        )
        if problem is None:
            _attach(env, harness)
        else:
            error_file = os.environ.get(WORKER_ERROR_ENV)
            if error_file:
                Path(error_file).write_text(problem + "\n", encoding="utf-8")
            runner.register_message(_FLUSH, lambda *_, **__: None)  # nothing to report
        runner.send_message(READY, {"problem": problem})

    runner.register_message(SPEC, on_spec)
    runner.send_message(HELLO, None)


def _attach(env: Environment, harness: Harness) -> None:
    runner = env.runner
    env.ccbench = harness  # type: ignore[attr-defined]
    harness.process_index = process_index(env)  # names its spill file
    harness.spill_pool = ThreadPool(1)  # a real thread: batches in order, off the senders
    # the users' HTTP clients take their timeouts and host from the mapping
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
            report = harness.report()
            if harness.ships:
                _ship(runner, report)
            runner.send_message(_REPORT, report)

        runner.register_message(_FLUSH, on_flush, concurrent=True)
        return

    def on_stop_signal() -> None:
        # the shape's next tick (within a second) flushes; ingest stops at its next batch
        harness.stop_requested = True
        harness.stopping = True

    gevent.signal_handler(STOP_SIGNAL, on_stop_signal)
    if isinstance(runner, MasterRunner):
        master = runner

        def on_recording(environment: Environment, msg: Any, **_: Any) -> None:
            path = _shipped_path(harness, msg.data["process"])
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb" if msg.data["first"] else "ab") as out:
                out.write(msg.data["data"])

        def on_report(environment: Environment, msg: Any, **_: Any) -> None:
            if msg.data.get("recording") is None:  # shipped in pieces before the report
                msg.data["recording"] = str(_shipped_path(harness, msg.data["process"]))
            env.ccbench_reports.append(msg.data)  # type: ignore[attr-defined]

        def on_ingested(environment: Environment, msg: Any, **_: Any) -> None:
            harness.ingest_over_budget = bool(msg.data.get("over_budget"))
            harness.ingest_done = True

        def on_hello(environment: Environment, msg: Any, **_: Any) -> None:
            if harness.digest is None:  # once, when the first remote worker asks
                harness.digest = log_digest(harness.log)
            master.send_message(SPEC, spec_message(harness.spec, harness.digest), msg.node_id)

        def on_ready(environment: Environment, msg: Any, **_: Any) -> None:
            harness.workers[msg.node_id] = (msg.data or {}).get("problem")

        runner.register_message(RECORDING, on_recording)
        runner.register_message(_REPORT, on_report)
        runner.register_message(INGESTED_MESSAGE, on_ingested)
        runner.register_message(HELLO, on_hello)
        runner.register_message(READY, on_ready)
