"""The harness against the real reference backend (`ccbench serve` subprocess, 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ccbench.serving import free_port
from loadtest import EXIT_MISMATCH, LoadTestConfig, RunResult, Thresholds, run_loadtest
from tests.support.backend import serve_process

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunResult]:
    """One deterministic open-model run of 6 s at 20/s against a fresh `ccbench serve`, on the
    simulator's smoke scenario (about 6,700 events over 2 simulated hours)."""
    from sim import load_scenario, simulate

    log = simulate(scenario=load_scenario(ROOT / "scenarios" / "smoke.toml"), seed=3).log
    # the reference target mapping's default bearer token (loadtest/targets/reference.toml)
    port = free_port()
    server = serve_process(":memory:", port, account=log.roster.account, token="ccbench-token")
    url = f"http://127.0.0.1:{port}"
    try:
        # the default mix: msgagentsegments and 20 % dashboard requests, 10 % invalid ones
        # no rate or send-lag limits: the default suite holds no timing assertion
        cfg = LoadTestConfig(
            duration_s=6,
            rate=20,
            users=3,
            invalid_share=0.1,
            thresholds=Thresholds(latency_ms={}, min_rate_ratio=None, max_schedule_lag_ms=None),
        )
        yield run_loadtest(log=log, out_dir=tmp_path_factory.mktemp("ref"), target=url, config=cfg)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_reference_backend_ingests_validates_and_answers(reference_run: RunResult) -> None:
    """Every event acknowledged, no transport error, every invalid request rejected for the
    oracle's parameter; only the accuracy bit may be set."""
    s = reference_run.summary
    assert s["ingest"]["accepted"] == s["ingest"]["events_sent"] > 0
    assert s["errors"]["count"] == 0, s["errors"]
    assert s["accuracy"]["by_metric"]["error.parameter"]["wrong"] == 0
    assert reference_run.exit_code & ~EXIT_MISMATCH == 0, s["breaches"]


def test_reference_backend_has_zero_mismatches(reference_run: RunResult) -> None:
    """Every answer of the reference backend equals the oracle's."""
    assert reference_run.summary["accuracy"]["mismatches"] == 0, (
        reference_run.verification.mismatched_metrics()
    )
