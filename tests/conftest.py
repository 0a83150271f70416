"""Shared fixtures: paths to the checked-in example log and the repository root, and the
retail_day log the benchmarks share."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccbench.eventlog import EventLog

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def example_path() -> Path:
    """The hand-written example log (examples/README.md tells each conversation's story)."""
    return ROOT / "examples" / "example.ndjson"


@pytest.fixture(scope="session")
def retail_day_log() -> EventLog:
    """retail_day with seed 1 (~1.11M events): the benchmarks' common one-day log,
    simulated once and then read from the benchmark cache (tests/support/bench_cache.py)."""
    from ccbench.eventlog import read_log
    from tests.support.bench_cache import retail_day_path

    return read_log(retail_day_path())
