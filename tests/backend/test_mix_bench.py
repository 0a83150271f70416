"""Benchmark: every endpoint's p50/p99 at 100 requests/s of the five-family mix (``make bench``).

The retail_day log (about 1.11M events, cached between runs with its ingested
store: tests/support/bench_cache.py) is served by ``ccbench serve`` in its own
process, as in production. After one warm-up request per endpoint (the rollup,
the frame and each family's index are built on the first request after a
write), an open-model client sends the harness's seeded query mix
(:class:`loadtest.QueryMix`, the draws ``ccbench loadtest`` sends, test clock
instants over the log's day) at a fixed 100 requests/s for 30 s: 40 %
msgagentsegments, 20 % dashboard, 15 % agent performance, 10 % report, 15 %
supervision, 2 % of each invalid (``make demo``'s mix: the loadtest defaults give
the seed 000-002 families no share); then the same without the dashboard (its
share to msgagentsegments). Latency is measured from each request's intended
send time, so queueing counts (no coordinated omission); requests a saturated
server has not started 30 s after the last send are dropped and counted. The
server's CPU time per answered request is printed too: unlike latency it hardly
depends on what else runs on the machine, and 500 requests of the mix are sent one at
a time for each endpoint's CPU time per request (``/proc`` ticks: a mean over many
requests, not one request's). Then the one-week report: 20 requests
of the whole week on the 7-day log of tests/oracle/test_report_bench.py, one at
a time. Prints p50/p99 per endpoint; no timing assertions (targets: p99 < 100 ms
per endpoint, < 1 s for the week).
"""

from __future__ import annotations

import gc
import os
import subprocess
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from ccbench.api import FAMILIES, REPORT
from ccbench.eventlog import EventLog, read_log
from ccbench.serving import free_port
from loadtest import PlannedQuery, QueryMix
from tests.support.backend import auth, serve_process
from tests.support.bench_cache import cached_log, cached_store, retail_day_path

pytestmark = pytest.mark.bench
RATE_PER_S = 100
DURATION_S = 30
WORKERS = 48
TIMEOUT_S = 60
DRAIN_S = 30  # after the last send, s; then the requests not yet sent are dropped
SHARES = {"agent_performance": 0.15, "report": 0.1, "supervision": 0.15}
DASHBOARD_SHARE = 0.2
PATHS = {f.name: str(f.path) for f in FAMILIES}
DAY_MS = 86_400_000


@dataclass
class _Tally:
    """Latencies (ms, from the intended send time) and statuses per endpoint."""

    ms: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, list[int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, endpoint: str, ms: float, status: int) -> None:
        with self.lock:
            self.ms.setdefault(endpoint, []).append(ms)
            self.statuses.setdefault(endpoint, []).append(status)


def _send(client: httpx.Client, account: str, q: PlannedQuery) -> int:
    headers = auth(f"bench-{account}")
    if q.clock_ms is not None:
        headers["X-Clock-Now"] = str(q.clock_ms)
    path = PATHS[q.endpoint].format(account=account)
    try:
        return client.get(path, params=dict(q.params), headers=headers).status_code
    except httpx.TimeoutException:
        return 0  # counted, never silently dropped


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) the process ``pid`` has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _serve(db: Path, account: str) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    proc = serve_process(db, port, account=account, token=f"bench-{account}")
    return f"http://127.0.0.1:{port}", proc


@pytest.mark.parametrize("dashboard_share", [DASHBOARD_SHARE, 0.0], ids=["five", "no-dashboard"])
def test_bench_mix_at_100_per_s_retail_day(
    tmp_path: Path,
    benchmark: Any,
    retail_day_log: EventLog,
    capsys: pytest.CaptureFixture[str],
    dashboard_share: float,
) -> None:
    """Per-endpoint p50/p99 of the five-family mix at 100 req/s on retail_day, and of the
    same mix with the dashboard's share sent to msgagentsegments (printed)."""
    benchmark.pedantic(
        _mix, args=(tmp_path, retail_day_log, capsys, dashboard_share), rounds=1, iterations=1
    )


def _mix(
    tmp_path: Path, log: EventLog, capsys: pytest.CaptureFixture[str], dashboard_share: float
) -> None:
    account = log.roster.account
    db = cached_store(retail_day_path(), into=tmp_path / "retail.duckdb")
    mix = QueryMix.from_log(log, seed=14, dashboard_share=dashboard_share, family_shares=SHARES)
    queries = [mix.next() for _ in range(RATE_PER_S * DURATION_S)]
    url, proc = _serve(db, account)
    tally = _Tally()
    local = threading.local()
    clients: list[httpx.Client] = []
    try:
        with httpx.Client(base_url=url, timeout=TIMEOUT_S) as c:
            warm = {}
            for endpoint in PATHS:
                valid = [x for x in queries if x.endpoint == endpoint and not x.invalid_parameter]
                if not valid:
                    continue  # not in this mix
                q = valid[0]
                t = time.perf_counter()
                status = _send(c, account, q)
                warm[endpoint] = (time.perf_counter() - t) * 1e3
                assert status == 200, (endpoint, status)

        def client() -> httpx.Client:
            c = getattr(local, "client", None)
            if c is None:
                c = local.client = httpx.Client(base_url=url, timeout=TIMEOUT_S)
                clients.append(c)
            return c

        def one(intended: float, q: PlannedQuery) -> None:
            status = _send(client(), account, q)
            tally.add(q.endpoint, (time.perf_counter() - intended) * 1e3, status)

        gc.collect()
        gc.freeze()  # the log in this process: no full collection pauses the senders
        load = os.getloadavg()[0]
        cpu = _cpu_s(proc.pid)
        lag = 0.0
        futures: list[Future[None]] = []
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            for f in [pool.submit(lambda: client().get("/healthz")) for _ in range(WORKERS)]:
                f.result()
            t0 = time.perf_counter() + 0.5
            for i, q in enumerate(queries):
                intended = t0 + i / RATE_PER_S
                delay = intended - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                lag = max(lag, -delay)
                futures.append(pool.submit(one, intended, q))
            # bounded: a saturated server's backlog is counted as unsent, not waited for
            wait(futures, timeout=DRAIN_S)
            unsent = sum(f.cancel() for f in futures)
        cpu = _cpu_s(proc.pid) - cpu
        gc.unfreeze()
    finally:
        for c in clients:
            c.close()
        proc.terminate()
        proc.wait(timeout=60)
    with capsys.disabled():
        saturated = (
            f"; {unsent} requests not sent within {DRAIN_S} s of the end: server saturated"
            if unsent
            else ""
        )
        answered = sum(len(v) for v in tally.ms.values())
        print(
            f"\nretail_day ({len(log):,} events), {RATE_PER_S} req/s for {DURATION_S} s, "
            f"dashboard share {dashboard_share:.0%}, open model (latency from the intended "
            f"send time; max send lag {lag * 1e3:.0f} ms{saturated}); load average "
            f"{load:.1f} at the start; server CPU {cpu * 1e3 / max(answered, 1):.1f} ms per "
            "request (one process: about 1000 / that requests/s per core it gets)"
        )
        print(f"  {'endpoint':<18} {'requests':>8} {'non-2xx/4xx':>11} {'p50 ms':>8} "
              f"{'p99 ms':>8} {'max ms':>8} {'first ms':>9}")  # fmt: skip
        for endpoint in PATHS:
            ms = np.asarray(tally.ms.get(endpoint, []))
            bad = sum(s not in (200, 400) for s in tally.statuses.get(endpoint, []))
            if ms.shape[0] == 0:
                continue
            p50, p99 = np.percentile(ms, [50, 99])
            print(f"  {endpoint:<18} {ms.shape[0]:>8} {bad:>11} {p50:>8.1f} {p99:>8.1f} "
                  f"{ms.max():>8.1f} {warm[endpoint]:>9.0f}")  # fmt: skip
    assert sum(len(v) for v in tally.ms.values()) + unsent == len(queries)


def test_bench_one_at_a_time_cpu(
    tmp_path: Path,
    benchmark: Any,
    retail_day_log: EventLog,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Per endpoint, the server's CPU time and the latency of 500 requests of the five-family
    mix sent one at a time (printed): what each answer costs, whatever the machine's load."""
    benchmark.pedantic(_one_at_a_time, args=(tmp_path, retail_day_log, capsys), rounds=1)


def _one_at_a_time(tmp_path: Path, log: EventLog, capsys: pytest.CaptureFixture[str]) -> None:
    account = log.roster.account
    db = cached_store(retail_day_path(), into=tmp_path / "retail.duckdb")
    mix = QueryMix.from_log(log, seed=14, dashboard_share=DASHBOARD_SHARE, family_shares=SHARES)
    queries = [mix.next() for _ in range(500)]
    url, proc = _serve(db, account)
    per: dict[str, list[tuple[float, float]]] = {}
    try:
        with httpx.Client(base_url=url, timeout=TIMEOUT_S) as c:
            for endpoint in PATHS:  # warm-up: the frame and the indexes are built once
                valid = [x for x in queries if x.endpoint == endpoint and not x.invalid_parameter]
                assert _send(c, account, valid[0]) == 200
            for q in queries:
                cpu, t = _cpu_s(proc.pid), time.perf_counter()
                assert _send(c, account, q) in (200, 400)
                wall = time.perf_counter() - t
                per.setdefault(q.endpoint, []).append((wall * 1e3, (_cpu_s(proc.pid) - cpu) * 1e3))
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    total = sum(cpu for v in per.values() for _, cpu in v)
    with capsys.disabled():
        print(
            f"\nretail_day, 500 requests of the five-family mix one at a time (load average "
            f"{os.getloadavg()[0]:.1f}); server CPU {total / len(queries):.1f} ms per request"
        )
        for endpoint in PATHS:
            a = np.asarray(per.get(endpoint, []))
            if a.shape[0]:
                p50, p99 = np.percentile(a[:, 0], [50, 99])
                print(f"  {endpoint:<18} {a.shape[0]:>4} requests: CPU mean {a[:, 1].mean():5.1f} "
                      f"ms, latency p50 {p50:6.1f} ms, p99 {p99:6.1f} ms")  # fmt: skip


def test_bench_week_report_p99(
    tmp_path: Path, benchmark: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """p50/p99 of 20 whole-week reports on the 7-day log, one at a time (printed)."""
    benchmark.pedantic(_week, args=(tmp_path, capsys), rounds=1, iterations=1)


def _week(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.oracle.test_report_bench import WEEK_DAYS, scaled_week

    path = cached_log(scaled_week(), label="retail_week", seed=5, days=WEEK_DAYS)
    log = read_log(path)
    account = log.roster.account
    db = cached_store(path, into=tmp_path / "week.duckdb")
    first, _ = log.time_range()  # type: ignore[misc]
    query = {"start_ms": str(first), "end_ms": str(first + WEEK_DAYS * DAY_MS)}
    url, proc = _serve(db, account)
    q = PlannedQuery(REPORT.name, query, first)
    try:
        with httpx.Client(base_url=url, timeout=TIMEOUT_S) as c:
            times = []
            for _ in range(21):
                t = time.perf_counter()
                assert _send(c, account, q) == 200
                times.append((time.perf_counter() - t) * 1e3)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    p50, p99 = np.percentile(times[1:], [50, 99])
    with capsys.disabled():
        print(
            f"\none-week report ({len(log):,} events over {WEEK_DAYS} days): first "
            f"{times[0]:,.0f} ms (builds the frame and index), then p50 {p50:.0f} ms, "
            f"p99 {p99:.0f} ms over 20 requests"
        )
