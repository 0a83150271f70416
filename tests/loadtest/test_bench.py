"""Generator benchmark: verified requests/s of the harness vs plain Locust, same run, same target.

`make bench` prints both rates and their ratio for three rounds, and the median ratio. The
target is a trivial keep-alive server in its own process on 127.0.0.1; every harness response
is recorded and verified after the run. No rate is asserted (a shared machine varies).
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
import pytest

from loadtest import Expected, LoadTestConfig, QueryValue, Thresholds, run_loadtest

SUPPORT = Path(__file__).resolve().parents[1] / "support"
EXAMPLE = SUPPORT.parents[1] / "examples" / "example.ndjson"
SECONDS = 10
ROUNDS = 3
pytestmark = pytest.mark.bench


class FixedProvider:
    """The trivial server's one answer is the expected answer to every query."""

    body = orjson.loads(b'{"metricsTotal":{"totalAgentConversationSegments":0}}')

    def expected(self, endpoint: str, query: Mapping[str, QueryValue], *, now_ms: int) -> Expected:
        return Expected(status=200, body=self.body)

    def change_instants(
        self, endpoint: str, query: Mapping[str, QueryValue], *, lo_ms: int, hi_ms: int
    ) -> list[int]:
        return [lo_ms]


@pytest.fixture(scope="module")
def trivial() -> Iterator[str]:
    """The trivial server (tests/support/loadtest_trivial_server.py) on a free port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, str(SUPPORT / "loadtest_trivial_server.py"), str(port)]
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _plain_rate(url: str, users: int) -> float:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(SUPPORT / "loadtest_plain_locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            "1000",
            "-t",
            f"{SECONDS}s",
            "--host",
            url,
            "--json",
            "--only-summary",
            "--loglevel",
            "ERROR",
        ],
        capture_output=True,
        check=True,
        timeout=SECONDS + 60,
    ).stdout
    stats = orjson.loads(out)[0]
    return float(stats["num_requests"]) / (stats["last_request_timestamp"] - stats["start_time"])


def _harness_rate(mapping_file: Path, out: Path, users: int) -> float:
    """Verified requests/s of the harness's closed model (every answer recorded, spilled,
    histogrammed and verified); no wrong answer and no error, or the rate means nothing."""
    cfg = LoadTestConfig(
        workload="closed",
        users=users,
        duration_s=SECONDS,
        invalid_share=0.0,
        dashboard_share=0.0,  # the trivial server answers msgagentsegments only
        thresholds=Thresholds(latency_ms={}, min_rate_ratio=None, max_schedule_lag_ms=None),
    )
    r = run_loadtest(
        log=EXAMPLE,
        out_dir=out,
        mapping=mapping_file,
        config=cfg,
        provider=FixedProvider(),
        ingest=False,
        write=False,
    )
    s = r.summary
    assert s["accuracy"]["mismatches"] == 0 and s["errors"]["count"] == 0
    return float(s["accuracy"]["verified"] / s["query_seconds"])


def test_generator_rate_vs_plain_locust(
    trivial: str, tmp_path: Path, benchmark: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Three rounds of plain Locust and the harness (closed model, 20 users) against the
    same trivial server, alternating which goes first; prints each round's rates and the
    median ratio, then the open model at 5,000/s. No rate is asserted: the machine may be
    shared (the figures go to the README with the command)."""
    mapping_file = tmp_path / "trivial.toml"
    mapping_file.write_text(f'base_url = "{trivial}"\n[endpoints.msgagentsegments]\npath = "/q"\n')
    users = 20
    rounds: list[tuple[float, float]] = []

    def three_rounds() -> None:
        for i in range(ROUNDS):
            if i % 2:
                harness = _harness_rate(mapping_file, tmp_path / f"closed-{i}", users)
                plain = _plain_rate(trivial, users)
            else:
                plain = _plain_rate(trivial, users)
                harness = _harness_rate(mapping_file, tmp_path / f"closed-{i}", users)
            rounds.append((plain, harness))

    benchmark.pedantic(three_rounds, rounds=1, iterations=1)
    # 20 streams sharing 200 senders: enough for the trivial server's sub-ms answers
    open_cfg = LoadTestConfig(
        workload="open",
        users=users,
        rate=5000,
        duration_s=SECONDS,
        invalid_share=0.0,
        dashboard_share=0.0,  # the trivial server answers msgagentsegments only
        max_in_flight=200,
    )
    o = run_loadtest(
        log=EXAMPLE,
        out_dir=tmp_path / "open",
        mapping=mapping_file,
        config=open_cfg,
        provider=FixedProvider(),
        ingest=False,
        write=False,
    )
    gen = o.summary["generator"]
    ratios = [harness / plain for plain, harness in rounds]
    lines = [
        f"round {i + 1}: plain Locust FastHttpUser {plain:,.0f} req/s, harness closed model "
        f"{harness:,.0f} verified req/s, ratio {harness / plain:.2f}"
        for i, (plain, harness) in enumerate(rounds)
    ]
    lines.append(f"median ratio harness / plain Locust: {statistics.median(ratios):.2f}")
    lines.append(
        f"open model at 5000/s: sent {o.summary['rate']['achieved']:,.0f}/s, completed "
        f"{o.summary['rate']['completed_per_s']:,.0f}/s, p99 send lag "
        f"{gen['send_lag_p99_ms']:.1f} ms, exit {o.exit_code}"
    )
    with capsys.disabled():  # make bench shows the comparison without -s
        print("\n" + "\n".join(lines))
    benchmark.extra_info.update(median_ratio=round(statistics.median(ratios), 3))
