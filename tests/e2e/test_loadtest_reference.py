"""The harness against the real reference backend (`ccbench serve` subprocess, 127.0.0.1)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from ccbench.api import REPORT_TABLES
from ccbench.serving import free_port
from loadtest import (
    EXIT_MISMATCH,
    LoadTestConfig,
    RunResult,
    Thresholds,
    print_summary,
    run_loadtest,
)
from tests.support.backend import serve_process

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunResult]:
    """One deterministic open-model run of 6 s at 20/s against a fresh `ccbench serve`, on the
    simulator's smoke scenario (about 6,700 events over 2 simulated hours), reports included."""
    from sim import load_scenario, simulate

    log = simulate(scenario=load_scenario(ROOT / "scenarios" / "smoke.toml"), seed=3).log
    # the reference target mapping's default bearer token (loadtest/targets/reference.toml)
    port = free_port()
    server = serve_process(":memory:", port, account=log.roster.account, token="ccbench-token")
    url = f"http://127.0.0.1:{port}"
    try:
        # msgagentsegments, 20 % dashboard and 40 % report requests (a quarter of the valid
        # reports ask for one of its CSV tables), 10 % invalid ones; no rate or send-lag
        # limits: the default suite holds no timing assertion
        cfg = LoadTestConfig(
            duration_s=6,
            rate=20,
            users=3,
            invalid_share=0.1,
            report_share=0.4,
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


def test_report_csv_tables_are_verified_and_counted_as_the_report(
    reference_run: RunResult,
) -> None:
    """Report queries asking for a CSV table were sent and checked cell by cell with no wrong
    value, and their values count in the report's row of the accuracy table."""
    by_metric = reference_run.summary["accuracy"]["by_metric"]
    tables = {m.split(".")[2].split("[")[0] for m in by_metric if m.startswith("report.csv.")}
    assert tables and tables <= set(REPORT_TABLES), by_metric.keys()
    for table in tables:  # every table sent has its shape and its cells checked
        assert by_metric[f"report.csv.{table}"]["checked"] > 0
        assert any(m.startswith(f"report.csv.{table}[].") for m in by_metric)
    csv_rows = [row for m, row in by_metric.items() if m.startswith("report.csv.")]
    assert sum(row["wrong"] for row in csv_rows) == 0
    report = [row for m, row in by_metric.items() if m.startswith("report.")]
    checked = sum(row["checked"] for row in report)
    assert checked > sum(row["checked"] for row in csv_rows) > 0  # JSON reports too
    buffer = io.StringIO()
    print_summary(reference_run.summary, console=Console(file=buffer, width=200))
    row = next(line for line in buffer.getvalue().splitlines() if line.split("│")[1:2] and
               line.split("│")[1].strip() == "report")  # fmt: skip
    assert [cell.strip() for cell in row.split("│")[2:4]] == [str(checked), "0"], row
