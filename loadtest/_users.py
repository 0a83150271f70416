"""Locust users (imports Locust, hence gevent: load it only in Locust).

* :class:`IngestUser` (one per run) PUTs the roster, then replays the log in
  batches, paced by ``ingest_speed`` simulated seconds per wall second (or as
  fast as possible), recording each acknowledgement. It stops at the first
  batch boundary past its deadline (replay time plus ``ingest_budget_s``) and
  says so, rather than letting a slow backend stretch the run without end.
* :class:`QueryUser`: the closed model, each user sends one query, waits for
  it, thinks ``think_time_s``, repeats.
* :class:`OpenQueryUser`: the open model, each user is one arrival stream of
  ``rate / users`` requests/s (constant or Poisson), served by a pool of
  sender greenlets (``max_in_flight / users``): a sender takes the next
  arrival, sleeps until its INTENDED time and sends, so a stalled response
  holds one sender and later requests still leave on time. Latency counts
  from the intended time (no coordinated omission); when every sender is
  busy, arrivals leave late and the schedule lag is measured, never hidden.

Requests go straight through geventhttpclient's ``HTTPClient`` (one per user, as
many connections as the user has senders), not through Locust's FastHttpSession: the
harness times and records every request itself, so Locust's request event and
statistics (which cost a fifth of the sending loop) stay empty. Every request is sent
exactly once: the HTTP client's transparent retries are off and redirects are not
followed, so a reset connection is one ``connection`` error and a redirect is the answer
recorded; a keep-alive connection idle for over a second is not reused
(``_OneAttemptPool``). The phases (ingest, query, flush) are :mod:`loadtest._phases`.
"""

from __future__ import annotations

import itertools
import random
import re
import time
import weakref
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

import gevent
import orjson
from geventhttpclient.client import HTTPClient
from geventhttpclient.connectionpool import ConnectionPool
from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment
from locust.runners import WorkerRunner

from ._feeds import adapted, replay_adapted, shifted
from ._harness import Harness
from ._queries import PlannedQuery
from ._recording import QueryValue, Record
from ._status import NO_ANSWER

__all__ = [
    "INGESTED_MESSAGE",
    "IngestUser",
    "OpenQueryUser",
    "QueryUser",
    "harness_of",
    "process_index",
    "senders_per_stream",
]

#: Message a worker sends the master when its ingest user is done.
INGESTED_MESSAGE = "ccbench_ingested"
#: A keep-alive connection idle for longer than this (seconds) is not reused.
MAX_IDLE_S = 1.0


def harness_of(env: Environment) -> Harness:
    """The :class:`Harness` installed on this Locust process."""
    harness: Harness = env.ccbench  # type: ignore[attr-defined]
    return harness


class _OneAttemptPool:
    """A geventhttpclient connection pool seen through what ``HTTPClient`` uses of it, so
    that each request is sent once and never on a connection that may be closing.

    * ``HTTPClient.request`` sends an idempotent request again, up to ``pool.size + 1``
      times, when its connection breaks (reset, or closed with no answer), and the caller
      never learns of it: a backend resetting 2 % of its connections showed no error.
      ``size`` is -1 here, so it makes one attempt and a broken connection is one
      ``connection`` error.
    * Servers close keep-alive connections idle for a few seconds (uvicorn 5 s, gunicorn
      2 s); a request written at that moment is lost to the close, which is no fault of
      the backend (and what those retries papered over). A connection idle for more than
      ``MAX_IDLE_S`` is closed instead of reused; the wrapped pool already drops one the
      server has visibly closed.
    """

    size = -1

    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool
        self._idle_since: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()

    def get_socket(self) -> Any:
        while True:
            sock = self._pool.get_socket()
            since = self._idle_since.pop(sock, None)
            if since is None or time.monotonic() - since <= MAX_IDLE_S:
                return sock
            self._pool.release_socket(sock)  # closes it and frees its slot

    def return_socket(self, sock: Any) -> None:
        self._idle_since[sock] = time.monotonic()
        self._pool.return_socket(sock)

    def release_socket(self, sock: Any) -> None:
        self._idle_since.pop(sock, None)
        self._pool.release_socket(sock)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)


def _direct_client(user: FastHttpUser) -> HTTPClient:
    """The user's HTTP client, straight on geventhttpclient: Locust's FastHttpSession and
    geventhttpclient's UserAgent parse the URL again, build compatibility objects and fire
    Locust's request event on every request, which the harness does not use (it times and
    records every request itself; docs/loadtest.md "Performance")."""
    assert user.host is not None  # loadtest._phases sets it from the mapping
    client = HTTPClient.from_url(
        user.host,
        concurrency=user.concurrency,
        connection_timeout=user.connection_timeout,
        network_timeout=user.network_timeout,
        insecure=user.insecure,
    )
    # HTTPClient reads its pool from this attribute only (geventhttpclient 2.x);
    # tests/loadtest/test_users.py proves that resets are counted one for one
    client._connection_pool = _OneAttemptPool(client._connection_pool)  # type: ignore[assignment]
    return client


def process_index(env: Environment) -> int:
    """0 on a single process or the master, the worker's index + 1 on a worker."""
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
    max_redirects = 0  # a redirect is the answer, not a detour

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        self.direct = _direct_client(self)
        # the base URL's own path, if any, comes before every endpoint's (as Locust joins them)
        self.prefix = urlsplit(self.host or "").path

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
        h = harness_of(self.environment)
        method, headers, _ = _request_template(h, endpoint)
        clock_header = h.spec.mapping.clock_header
        if clock_ms is not None and clock_header:
            headers = {**headers, clock_header: str(clock_ms)}
        uri = self.prefix + path + ("?" + _query_string(query) if query else "")
        sent = time.time_ns()
        status, text, error = 0, "", None
        try:
            response = self.direct.request(method, uri, body=body, headers=headers)
            try:
                raw = response.read()
            finally:
                response.release()
            status = int(response.status_code or 0)
            text = raw.decode("utf-8", errors="replace")
        except (Exception, gevent.Timeout) as exc:  # a broken backend never crashes the harness
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
        h = harness_of(self.environment)
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
        h = harness_of(self.environment)
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
                runner.send_message(INGESTED_MESSAGE, {"over_budget": h.ingest_over_budget})

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
                {
                    "endpoint": "roster",
                    "status": rec.status,
                    "events": 0,
                    "body": _ack_text(rec)[:500],
                }
            )
        path = mapping.endpoint("ingest").url_path(account=account)
        speed = h.spec.config.ingest_speed
        start_ns = time.time_ns()
        deadline_ns = start_ns + h.ingest_allowance_ns()
        origin: list[int] = []
        numbers = itertools.count()

        def pace(first_ms: int) -> bool:
            """Sleep until a batch starting at ``first_ms`` is due; False once the run ended
            or the ingest ran out of its budget."""
            if h.stopping:  # the run ended first (live replay, or stopped): stop here
                return False
            if time.time_ns() > deadline_ns:
                h.ingest_over_budget = True
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
            return rec.status, _ack_text(rec)

        if adapted(mapping.ingest):  # records, files or a plugin (loadtest._feeds)
            log = shifted(h.log, h.spec.time_shift_ms)
            size = h.spec.config.ingest_batch
            for ack in replay_adapted(log, spec=mapping.ingest, size=size, post=post, pace=pace):
                h.acknowledged(ack)
            return
        for first_ms, body, count in h.ingest_batches():
            if not pace(first_ms):
                break
            status, text = post(body)
            h.acknowledged(
                {"endpoint": "ingest", "status": status, "events": count, "body": text[:500]}
            )


def _ack_text(rec: Record) -> str:
    """What an acknowledgement keeps of an answer: its body, or why none came, which
    classifies it (``no answer: timeout...``, loadtest._status)."""
    return rec.body if rec.status else NO_ANSWER + (rec.error or "")


class QueryUser(_Client):
    """Closed model: one query at a time per user, ``think_time_s`` between them."""

    wait_time = constant(0)

    def on_start(self) -> None:
        h = harness_of(self.environment)
        h.freeze_heap()
        self.mix = h.query_mix(process=process_index(self.environment))
        self.think_s = h.spec.config.think_time_s

    @task
    def query(self) -> None:
        h = harness_of(self.environment)
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
        h = harness_of(self.environment)
        h.freeze_heap()
        self.mix = h.query_mix(process=process_index(self.environment))
        self.rng = random.Random(self.mix.seed ^ 0x5EED)

    @task
    def stream(self) -> None:
        h = harness_of(self.environment)
        cfg = h.spec.config
        self.per_user = cfg.rate / max(1, cfg.users)
        self.poisson = cfg.arrival == "poisson"
        # start at a random phase so that constant streams do not send in lockstep
        self.next_ns = time.time_ns() + int(self.rng.random() * 1e9 / self.per_user)
        senders = [
            gevent.spawn(self._sender)
            for _ in range(senders_per_stream(cfg.max_in_flight, cfg.users))
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
        h = harness_of(self.environment)
        while not h.stopping:
            intended = self._arrival()
            wait = intended - time.time_ns()
            if wait > 0:
                gevent.sleep(wait / 1e9)
                if h.stopping:
                    return
            h.scheduled += 1
            self._query(self.mix.next(), intended)


def senders_per_stream(max_in_flight: int, users: int) -> int:
    """Sender greenlets per stream: the process's in-flight cap shared by its streams."""
    return max(1, max_in_flight // max(1, users))
