"""loadtest._progress: how far a run is, from the Locust processes to the caller's display."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccbench.eventlog import read_log
from loadtest import (
    LoadTestConfig,
    RunSpec,
    load_mapping,
    oracle_target_app,
    run_loadtest,
    serve_app,
)
from loadtest._harness import Harness
from loadtest._progress import (
    INGEST,
    QUERIES,
    VERIFICATION,
    ProgressFile,
    progress_path,
    read_progress,
)

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def test_file_round_trip_and_throttle(tmp_path: Path) -> None:
    """A write lands; a second one within the interval is skipped unless it is the last."""
    path = progress_path(tmp_path / "locust-results.json")
    assert path == tmp_path / "progress.json" and read_progress(path) is None
    writer = ProgressFile(path)
    writer.write(INGEST, 500, 2000)
    assert read_progress(path) == (INGEST, 500.0, 2000.0)
    writer.write(INGEST, 1000, 2000)  # within WRITE_INTERVAL_S of the last write: skipped
    assert read_progress(path) == (INGEST, 500.0, 2000.0)
    writer.write(INGEST, 2000, 2000)  # the last one always lands
    assert read_progress(path) == (INGEST, 2000.0, 2000.0)
    path.write_text("{not json")
    assert read_progress(path) is None


def test_harness_counts_acknowledged_events(tmp_path: Path, example_path: Path) -> None:
    """Each ingest acknowledgement adds its events; the file says events out of the log's."""
    spec = RunSpec(
        mapping=load_mapping(None),
        config=LoadTestConfig(),
        log_path=str(example_path),
        output=str(tmp_path / "locust-results.json"),
    )
    h = Harness(spec=spec, log=read_log(example_path), progress=ProgressFile(tmp_path / "p.json"))
    h.acknowledged({"endpoint": "roster", "status": 200, "events": 0, "body": ""})
    h.acknowledged({"endpoint": "ingest", "status": 200, "events": 169, "body": ""})
    assert h.ingested == 169 and len(h.acks) == 2
    assert read_progress(tmp_path / "p.json") == (INGEST, 169.0, 169.0)  # the example's 169


def test_a_run_reports_its_phases(tmp_path: Path, example_path: Path) -> None:
    """A short run tells its caller the phases it went through; the verification, in the
    caller's process, always ends at every record checked."""
    heard: list[tuple[str, float, float | None]] = []
    with serve_app(oracle_target_app()) as url:
        result = run_loadtest(
            log=example_path,
            out_dir=tmp_path,
            target=url,
            config=LoadTestConfig(duration_s=2, rate=10, users=1, dashboard_share=0.0),
            progress=lambda phase, done, total: heard.append((phase, done, total)),
        )
    phases = {phase for phase, _, _ in heard}
    assert phases <= {INGEST, QUERIES, VERIFICATION, "building the oracle"}
    assert all(total is None or 0 <= done <= total for _, done, total in heard)
    checked = [(done, total) for phase, done, total in heard if phase == VERIFICATION]
    # every record goes through the verification, which judges the queries and skips the rest
    records = len(result.records)
    assert checked[0] == (0, records) and checked[-1] == (records, records)
    assert all(total == 2 for phase, _, total in heard if phase == QUERIES)
