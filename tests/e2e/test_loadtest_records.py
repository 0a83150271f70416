"""The harness feeding the reference backend LivePerson records, in live mode."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ccbench.serving import free_port
from loadtest import LoadTestConfig, RunResult, load_mapping, run_loadtest
from tests.support.backend import serve_process

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "loadtest" / "targets" / "reference-records.toml"


@pytest.fixture(scope="module")
def records_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunResult]:
    """One live run of 5 s at 20/s: the smoke log (seed 4) sent as records pages in
    batches of 400 events, each batch re-sending the conversations it changed."""
    from sim import load_scenario, simulate

    log = simulate(scenario=load_scenario(ROOT / "scenarios" / "smoke.toml"), seed=4).log
    port = free_port()
    server = serve_process(":memory:", port, account=log.roster.account, token="ccbench-token")
    try:
        mapping = load_mapping(MAPPING, base_url=f"http://127.0.0.1:{port}")
        cfg = LoadTestConfig(
            mode="live",
            duration_s=5,
            rate=20,
            users=2,
            invalid_share=0.1,
            ingest_batch=400,
            staleness_ms=0,
        )
        yield run_loadtest(
            log=log, out_dir=tmp_path_factory.mktemp("records"), mapping=mapping, config=cfg
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_records_reach_the_backend(records_run: RunResult) -> None:
    """Every batch acknowledged (re-sent records count as duplicates), no error."""
    s = records_run.summary
    assert s["ingest"]["failed_batches"] == 0 and s["ingest"]["accepted"] > 0, s["ingest"]
    assert s["errors"]["count"] == 0, s["errors"]


def test_records_dialect_has_zero_mismatches(records_run: RunResult) -> None:
    """Every answer equals the oracle's on what the records carry; what they cannot carry
    (LOAD, the agents table) is reported as unavailable, not compared."""
    s = records_run.summary
    assert s["accuracy"]["mismatches"] == 0, records_run.verification.mismatched_metrics()
    assert s["accuracy"]["verified"] > 0
    if any(k.startswith("dashboard.") for k in s["accuracy"]["by_metric"]):
        assert "current.load" in s["accuracy"]["unavailable"]
