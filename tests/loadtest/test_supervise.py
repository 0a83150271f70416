"""Supervising Locust: the run's time bound, and SIGTERM/SIGINT stopping the whole process
group while the reports are still written, marked interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import orjson
import pytest

from loadtest import (
    EXIT_HARNESS,
    LoadTestConfig,
    oracle_target_app,
    run_loadtest,
    serve_app,
)
from loadtest._supervise import run_bound_s
from tests.support.loadtest_runs import EXAMPLE, UNTIMED

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def test_run_bound_adds_start_ingest_duration_and_flush() -> None:
    """Worked by hand (docs/loadtest.md "Time bounds"), network timeout 30 s:
    start-up 60 + duration 10 + flush (30 + 35) = 135 without ingest; ingest as fast as
    possible adds budget 120 + one request 30 = 285; paced at 60x over a 1 h log it also adds
    the 60 s replay = 345; a live replay runs beside the queries and adds nothing."""
    cfg = LoadTestConfig(duration_s=10, ingest_budget_s=120)
    hour = 3_600_000
    assert run_bound_s(cfg, network_timeout_s=30, log_span_ms=hour, ingest=False) == 135
    assert run_bound_s(cfg, network_timeout_s=30, log_span_ms=hour, ingest=True) == 285
    paced = LoadTestConfig(duration_s=10, ingest_budget_s=120, ingest_speed=60)
    assert run_bound_s(paced, network_timeout_s=30, log_span_ms=hour, ingest=True) == 345
    live = LoadTestConfig(mode="live", duration_s=10, ingest_budget_s=120, ingest_speed=60)
    assert run_bound_s(live, network_timeout_s=30, log_span_ms=hour, ingest=True) == 135


def test_a_run_past_its_bound_is_stopped_and_still_reported(tmp_path: Path) -> None:
    """A 60 s run under a 6 s bound: Locust is asked to flush, the queries sent until then
    are verified and reported, and the harness class says the bound stopped it."""
    cfg = LoadTestConfig(duration_s=60, rate=20, users=2, thresholds=UNTIMED)
    with serve_app(oracle_target_app()) as url:
        r = run_loadtest(log=EXAMPLE, out_dir=tmp_path, target=url, config=cfg, timeout_s=6)
    s = r.summary
    assert r.exit_code == EXIT_HARNESS, s["breaches"]
    assert [b["message"] for b in s["breaches"]] == [
        "stopped at the run's time bound of 6 s; the figures cover what was recorded until then"
    ]
    assert s["processes_reported"] == 1  # the flush delivered the records
    assert s["accuracy"]["verified"] == s["requests"]["queries"] > 0
    assert (tmp_path / "junit.xml").exists() and s["interrupted"] is None


class _Counting:
    """ASGI wrapper counting the GET requests that reach ``app``."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.gets = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            self.gets += 1
        await self.app(scope, receive, send)


def _processes_naming(marker: bytes) -> list[int]:
    """Pids of this user's processes whose environment contains ``marker``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                environ = Path(f"/proc/{entry}/environ").read_bytes()
            except OSError:
                continue
            if marker in environ:
                found.append(int(entry))
    return found


def _wait_for(predicate: Any, timeout_s: float, what: str) -> None:
    end = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_the_process_group_and_writes_reports(
    signum: signal.Signals, tmp_path: Path
) -> None:
    """`ccbench loadtest` of 60 s gets the signal once queries flow: it exits 128 + signal,
    its reports say interrupted (harness error in junit.xml), no process of the run is left
    and the target gets no request afterwards (SIGTERM used to leave Locust sending)."""
    out = tmp_path / "out"
    target = _Counting(oracle_target_app())
    with serve_app(target) as url:
        cmd = [sys.executable, "-m", "ccbench", "loadtest", "--log", str(EXAMPLE)]
        cmd += ["--target", url, "--duration", "60", "--rate", "20", "--users", "2"]
        proc = subprocess.Popen(
            [*cmd, "--out", str(out)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _wait_for(lambda: target.gets >= 20, 120, "queries at the target")
            proc.send_signal(signum)
            code = proc.wait(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        stderr = proc.stderr.read().decode() if proc.stderr else ""
        marker = str(out / "run_spec.json").encode()
        assert _processes_naming(marker) == []
        sent = target.gets
        time.sleep(1.0)  # a Locust left behind would still be sending
        assert target.gets == sent
    assert code == 128 + signum, stderr
    summary = orjson.loads((out / "summary.json").read_bytes())
    name = signal.Signals(signum).name
    assert summary["interrupted"] == name
    assert summary["checks"]["harness"]["status"] == "failed"
    assert summary["requests"]["queries"] > 0 and summary["processes_reported"] == 1
    suite = ET.parse(out / "junit.xml").getroot()
    assert suite.attrib["errors"] == "1"
    assert name in (out / "report.html").read_text()
