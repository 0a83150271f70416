"""Locust users and the phase shape (imports Locust, hence gevent: load it only in Locust).

* :class:`IngestUser` (one per run) PUTs the roster, then replays the log in
  batches, paced by ``ingest_speed`` simulated seconds per wall second (or as
  fast as possible), recording each acknowledgement.
* :class:`QueryUser`: the closed model, each user sends one query, waits for
  it, thinks ``think_time_s``, repeats.
* :class:`OpenQueryUser`: the open model, each user is one arrival stream of
  ``rate / users`` requests/s (constant or Poisson), served by a pool of
  sender greenlets (``max_in_flight / users``): a sender takes the next
  arrival, sleeps until its INTENDED time and sends, so a stalled response
  holds one sender and later requests still leave on time. Latency counts
  from the intended time (no coordinated omission); when every sender is
  busy, arrivals leave late and the schedule lag is measured, never hidden.
* :class:`PhaseShape`: ingest, then queries for ``duration_s``, then flush:
  each worker stops sending, drains in-flight requests and sends its records
  and histograms to the master (``runner.send_message``), which merges them
  and writes the run spec's output file before the run ends.

Use them from a locustfile with ``from loadtest.locustfile import *`` and
``CCBENCH_LOADTEST_SPEC`` set (docs/loadtest.md).
"""

from __future__ import annotations

import itertools
import os
import random
import re
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import gevent
import orjson
from locust import LoadTestShape, constant, task
from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment
from locust.runners import MasterRunner, WorkerRunner

from ._feeds import adapted, replay_adapted, shifted
from ._harness import RUN_SPEC_ENV, Harness, RunSpec
from ._queries import PlannedQuery
from ._recording import QueryValue, Record

__all__ = ["IngestUser", "OpenQueryUser", "PhaseShape", "QueryUser", "install"]

_FLUSH = "ccbench_flush"
_REPORT = "ccbench_report"
_INGESTED = "ccbench_ingested"
_DRAIN_POLL_S = 0.02


def _harness(env: Environment) -> Harness:
    harness: Harness = env.ccbench  # type: ignore[attr-defined]
    return harness


def _process_index(env: Environment) -> int:
    # the master assigns worker indexes after the handshake, before any user starts
    runner = env.runner
    return int(runner.worker_index) + 1 if isinstance(runner, WorkerRunner) else 0


_PLAIN = re.compile(r"^[A-Za-z0-9_,.\-]*$")


def _query_string(query: Mapping[str, QueryValue]) -> str:
    # the mix's values are almost always plain (ids, names, commas): skip percent-encoding
    # them, which costs more than the rest of the request bookkeeping; a list is a
    # repeated parameter (the dashboard's threshold=...)
    if all(_PLAIN.match(k) and isinstance(v, str) and _PLAIN.match(v) for k, v in query.items()):
        return "&".join(f"{k}={v}" for k, v in query.items())
    return urlencode(query, doseq=True)


def _classify(exc: BaseException | None) -> str | None:
    if exc is None:
        return None
    text = f"{type(exc).__name__}: {exc}"
    lowered = text.lower()
    return "timeout: " + text if "timeout" in lowered or "timed out" in lowered else text


def _request_template(h: Harness, endpoint: str) -> tuple[str, dict[str, str], str]:
    """(method, headers, path) of ``endpoint``, built once per process: the sending loop
    only reads them (a request that adds a header copies the dict first)."""
    cached = h.templates.get(endpoint)
    if cached is None:
        spec = h.spec.mapping.endpoint(endpoint)
        headers = dict(h.spec.mapping.headers)
        if spec.content_type:
            headers["Content-Type"] = spec.content_type
        cached = h.templates[endpoint] = (spec.method, headers, spec.url_path(account=h.account))
    return cached


class _Client(FastHttpUser):
    """Shared request path: send, time, record; never raises on a broken backend."""

    abstract = True
    host = "http://127.0.0.1"

    def _send(
        self,
        *,
        endpoint: str,
        kind: str,
        path: str,
        query: Mapping[str, QueryValue],
        clock_ms: int | None,
        intended_ns: int,
        body: bytes | None = None,
    ) -> Record:
        h = _harness(self.environment)
        method, headers, _ = _request_template(h, endpoint)
        clock_header = h.spec.mapping.clock_header
        if clock_ms is not None and clock_header:
            headers = {**headers, clock_header: str(clock_ms)}
        url = path + ("?" + _query_string(query) if query else "")
        sent = time.time_ns()
        status, text, error = 0, "", None
        try:
            # geventhttpclient sends bytes bodies as they are (Locust's hint says str)
            response = self.client.request(
                method,
                url,
                data=body,  # type: ignore[arg-type]
                headers=headers,
                name=endpoint,
            )
            status = int(response.status_code or 0)
            raw = response.content or b""
            text = raw.decode("utf-8", errors="replace")
            error = _classify(getattr(response, "error", None)) if status == 0 else None
        except Exception as exc:  # a broken backend must never crash the harness
            error = _classify(exc)
        received = time.time_ns()
        record = Record(
            endpoint,
            kind,
            query,
            clock_ms,
            intended_ns,
            sent,
            received,
            status,
            error if status == 0 else None,
            text,
        )
        h.keep(record)
        return record

    def _query(self, planned: PlannedQuery, intended_ns: int) -> None:
        h = _harness(self.environment)
        h.in_flight += 1
        try:
            path = _request_template(h, planned.endpoint)[2]
            self._send(
                endpoint=planned.endpoint,
                kind="query",
                path=path,
                query=planned.params,
                clock_ms=planned.clock_ms,
                intended_ns=intended_ns,
            )
        finally:
            h.in_flight -= 1


class IngestUser(_Client):
    """Uploads the roster and replays the event log once (see the module docstring)."""

    fixed_count = 1
    wait_time = constant(1)

    @task
    def ingest(self) -> None:
        h = _harness(self.environment)
        if h.ingest_done:
            gevent.sleep(1.0)  # idle: the shape keeps this user so user counts stay exact
            return
        try:
            self._replay(h)
        finally:
            # also after an unexpected error: the shape must never wait for ingest forever
            h.ingest_done = True
            runner = self.environment.runner
            if isinstance(runner, WorkerRunner):
                runner.send_message(_INGESTED, {"batches": len(h.acks)})

    def _replay(self, h: Harness) -> None:
        mapping, account = h.spec.mapping, h.account
        roster = mapping.endpoints.get("roster")
        if roster is not None:
            rec = self._send(
                endpoint="roster",
                kind="roster",
                path=roster.url_path(account=account),
                query={},
                clock_ms=None,
                intended_ns=time.time_ns(),
                body=orjson.dumps(h.log.roster.to_dict()),
            )
            h.acks.append(
                {"endpoint": "roster", "status": rec.status, "events": 0, "body": rec.body[:500]}
            )
        path = mapping.endpoint("ingest").url_path(account=account)
        speed = h.spec.config.ingest_speed
        start_ns = time.time_ns()
        origin: list[int] = []
        numbers = itertools.count()

        def pace(first_ms: int) -> bool:
            """Sleep until a batch starting at ``first_ms`` is due; False once the run ended."""
            if h.stopping:  # the run ended first (live replay): stop where we are
                return False
            origin.append(first_ms)
            if speed is not None:
                intended = start_ns + int((first_ms - origin[0]) * 1_000_000 / speed)
                delay = (intended - time.time_ns()) / 1e9
                if delay > 0:
                    gevent.sleep(delay)
            return True

        def post(body: bytes) -> tuple[int, str]:
            rec = self._send(
                endpoint="ingest",
                kind="ingest",
                path=path,
                query={"batch": str(next(numbers))},
                clock_ms=None,
                intended_ns=time.time_ns(),
                body=body,
            )
            return rec.status, rec.body

        if adapted(mapping.ingest):  # records, files or a plugin (loadtest._feeds)
            log = shifted(h.log, h.spec.time_shift_ms)
            size = h.spec.config.ingest_batch
            h.acks.extend(replay_adapted(log, spec=mapping.ingest, size=size, post=post, pace=pace))
            return
        for first_ms, body, count in h.ingest_batches():
            if not pace(first_ms):
                break
            status, text = post(body)
            h.acks.append(
                {"endpoint": "ingest", "status": status, "events": count, "body": text[:500]}
            )


class QueryUser(_Client):
    """Closed model: one query at a time per user, ``think_time_s`` between them."""

    wait_time = constant(0)

    def on_start(self) -> None:
        h = _harness(self.environment)
        h.freeze_heap()
        self.mix = h.query_mix(process=_process_index(self.environment))
        self.think_s = h.spec.config.think_time_s

    @task
    def query(self) -> None:
        h = _harness(self.environment)
        if h.stopping:
            gevent.sleep(0.1)
            return
        h.scheduled += 1
        self._query(self.mix.next(), time.time_ns())
        if self.think_s:
            gevent.sleep(self.think_s)


class OpenQueryUser(_Client):
    """Open model: one arrival stream per user (see the module docstring)."""

    wait_time = constant(0)
    concurrency = 20

    def on_start(self) -> None:
        h = _harness(self.environment)
        h.freeze_heap()
        self.mix = h.query_mix(process=_process_index(self.environment))
        self.rng = random.Random(self.mix.seed ^ 0x5EED)

    @task
    def stream(self) -> None:
        h = _harness(self.environment)
        cfg = h.spec.config
        self.per_user = cfg.rate / max(1, cfg.users)
        self.poisson = cfg.arrival == "poisson"
        # start at a random phase so that constant streams do not send in lockstep
        self.next_ns = time.time_ns() + int(self.rng.random() * 1e9 / self.per_user)
        senders = [
            gevent.spawn(self._sender) for _ in range(_senders(cfg.max_in_flight, cfg.users))
        ]
        try:
            gevent.joinall(senders)
        finally:
            gevent.killall(senders, block=False)
        gevent.sleep(0.1)

    def _arrival(self) -> int:
        """Take the stream's next intended send time (epoch ns) off the schedule."""
        intended = self.next_ns
        gap = self.rng.expovariate(self.per_user) if self.poisson else 1.0 / self.per_user
        self.next_ns += int(gap * 1e9)
        return intended

    def _sender(self) -> None:
        # Each sender takes the next arrival, sleeps until its intended time, sends and
        # records latency from that time. A stalled response holds one sender only; when
        # every sender is busy, arrivals go out late and the lag is measured, never hidden.
        h = _harness(self.environment)
        while not h.stopping:
            intended = self._arrival()
            wait = intended - time.time_ns()
            if wait > 0:
                gevent.sleep(wait / 1e9)
                if h.stopping:
                    return
            h.scheduled += 1
            self._query(self.mix.next(), intended)


def _senders(max_in_flight: int, users: int) -> int:
    """Sender greenlets per stream: the process's in-flight cap shared by its streams."""
    return max(1, max_in_flight // max(1, users))


class PhaseShape(LoadTestShape):
    """Ingest, query for ``duration_s``, then flush and merge (see the module docstring)."""

    phase = "start"
    query_until = 0.0

    def tick(self) -> tuple[int, float, list[type[Any]]] | None:
        runner = self.runner
        assert runner is not None  # Locust sets it before the first tick
        h = _harness(runner.environment)
        spec, cfg = h.spec, h.spec.config
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
                self.phase = "query" if spec.query else "flush"
        if self.phase == "query":
            if not self.query_until:
                self.query_until = time.monotonic() + cfg.duration_s
                h.query_started_ns = time.time_ns()
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
    h = _harness(env)
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
    """Attach a :class:`Harness` to ``env`` and register the flush/report messages."""
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
    OpenQueryUser.concurrency = _senders(
        harness.spec.config.max_in_flight, harness.spec.config.users
    )
    if isinstance(runner, WorkerRunner):

        def on_flush(environment: Environment, msg: Any, **_: Any) -> None:
            _drain(harness)
            runner.send_message(_REPORT, harness.report())

        runner.register_message(_FLUSH, on_flush, concurrent=True)
    elif isinstance(runner, MasterRunner):

        def on_report(environment: Environment, msg: Any, **_: Any) -> None:
            env.ccbench_reports.append(msg.data)  # type: ignore[attr-defined]

        def on_ingested(environment: Environment, msg: Any, **_: Any) -> None:
            harness.ingest_done = True

        runner.register_message(_REPORT, on_report)
        runner.register_message(_INGESTED, on_ingested)
