"""A master and workers as separate processes on 127.0.0.1: the spec exchange, the log
check by digest, and the merged result against the target's own count."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ccbench.eventlog import read_log, write_log
from ccbench.serving import free_port, stop_group
from loadtest import (
    EXIT_HARNESS,
    LoadTestConfig,
    OracleProvider,
    RunSpec,
    load_mapping,
    oracle_target_app,
    run_loadtest,
    serve_app,
    verify_records,
)
from loadtest._distributed import (
    digest_problem,
    log_digest,
    spec_message,
    worker_spec,
)
from loadtest._run import _read_results
from tests.support.loadtest_runs import EXAMPLE, UNTIMED

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def _renamed(tmp_path: Path) -> Path:
    """The example log with one agent's name changed: a valid log that is not the same."""
    text = EXAMPLE.read_text(encoding="utf-8").replace('"Alice"', '"Alicia"', 1)
    path = tmp_path / "renamed.ndjson"
    path.write_text(text, encoding="utf-8")
    return path


def test_digest_is_of_the_events_not_the_file(tmp_path: Path) -> None:
    """A Parquet copy of the NDJSON log has the same digest; a renamed agent changes it,
    and the problem line names the worker, its log and both digests' starts."""
    log = read_log(EXAMPLE)
    parquet = write_log(log, tmp_path / "copy.parquet")
    assert log_digest(read_log(parquet)) == log_digest(log)
    other = log_digest(read_log(_renamed(tmp_path)))
    assert other != log_digest(log)
    line = digest_problem(log_path="x.ndjson", got=other, expected=log_digest(log), worker="2")
    assert line is not None and "\n" not in line
    assert line.startswith("worker 2: event log x.ndjson differs from the master's")
    assert other[:12] in line and log_digest(log)[:12] in line
    assert digest_problem(log_path="x", got="a", expected="a", worker="1") is None


def test_the_spec_reaches_a_worker_with_its_header_values() -> None:
    """The spec message carries the header values the file redacts; the worker's spec is
    the master's with its own log path."""
    mapping = load_mapping(None)
    spec = RunSpec(
        mapping=mapping, config=LoadTestConfig(), log_path="/master/log", output="/m/out.json"
    )
    got, digest = worker_spec(spec_message(spec, "abc"), log_path="/worker/log")
    assert digest == "abc" and got.log_path == "/worker/log"
    assert got.mapping.headers == mapping.headers and got.config == spec.config
    assert (got.output, got.time_shift_ms, got.ingest) == (spec.output, 0, True)


def _counting(app: Any, seen: Counter[str]) -> Callable[..., Any]:
    """``app`` counting each HTTP request of the load generator by path (the pre-run
    check's requests, sent with httpx, are left out)."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            agent = dict(scope["headers"]).get(b"user-agent", b"")
            if not agent.startswith(b"python-httpx"):
                seen[scope["path"]] += 1
        await app(scope, receive, send)

    return wrapped


def _worker(port: int, log: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ccbench",
            "loadtest-worker",
            "--master-host",
            "127.0.0.1",
            "--master-port",
            str(port),
            "--log",
            str(log),
            "--out",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Worker processes started by a test; stopped (with what they forked) if still alive."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        stop_group(proc, timeout_s=10)
        proc.communicate()  # closes the pipes


def test_master_and_two_workers_account_for_every_request(
    tmp_path: Path, workers: list[subprocess.Popen[bytes]]
) -> None:
    """Two workers (one with a Parquet copy of the log) and a master: the target counts
    exactly the requests the merged result holds, both workers recorded some, and the
    verification of the merged recordings equals the serial one in this process."""
    port = free_port()
    copy = write_log(read_log(EXAMPLE), tmp_path / "copy.parquet")
    workers += [_worker(port, EXAMPLE, tmp_path / "w1"), _worker(port, copy, tmp_path / "w2")]
    seen: Counter[str] = Counter()
    config = LoadTestConfig(duration_s=3, rate=40, users=2, thresholds=UNTIMED)
    with serve_app(_counting(oracle_target_app(), seen)) as url:
        result = run_loadtest(
            log=EXAMPLE,
            out_dir=tmp_path / "master",
            target=url,
            config=config,
            expect_workers=2,
            master_bind_host="127.0.0.1",
            master_bind_port=port,
        )
    for proc in workers:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    s = result.summary
    assert result.exit_code == 0, s["breaches"]
    assert s["processes"] == 2 and s["processes_reported"] == 2
    by_endpoint = Counter(r.endpoint for r in result.records)
    assert sum(seen.values()) == s["requests"]["total"] == len(result.records)
    assert by_endpoint["roster"] == seen["/api/v1/accounts/acme/roster"] == 1
    merged = _read_results(tmp_path / "master" / "locust-results.json")
    reports = [r for r in merged["records"] if r.kind == "query"]
    assert len(reports) == s["requests"]["queries"] > 0
    serial = verify_records(reports, provider=OracleProvider(read_log(EXAMPLE)))
    assert serial == result.verification and serial.mismatch_count == 0
    assert s["accuracy"]["verified"] == serial.verified == len(reports) - serial.errors.count
    assert sum(p.get_total_count() for p in merged["latency"].response.values()) == len(
        result.records
    )


def test_a_worker_with_another_log_is_refused_in_one_line(
    tmp_path: Path, workers: list[subprocess.Popen[bytes]]
) -> None:
    """A worker whose log differs exits 2 with one line saying so; the master sends no
    request and fails the run (harness bit) with the same line."""
    port = free_port()
    workers.append(_worker(port, _renamed(tmp_path), tmp_path / "w1"))
    seen: Counter[str] = Counter()
    with serve_app(_counting(oracle_target_app(), seen)) as url:
        result = run_loadtest(
            log=EXAMPLE,
            out_dir=tmp_path / "master",
            target=url,
            config=LoadTestConfig(duration_s=2, rate=10, users=1, thresholds=UNTIMED),
            expect_workers=1,
            master_bind_host="127.0.0.1",
            master_bind_port=port,
        )
    proc = workers[0]
    err = proc.communicate(timeout=60)[1].decode()
    assert proc.returncode == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("ccbench loadtest-worker: error: worker 1: event log ")
    assert "differs from the master's" in err
    assert result.exit_code & EXIT_HARNESS and not seen and not result.records
    assert any("differs from the master's" in b.message for b in result.breaches)
