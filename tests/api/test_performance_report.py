"""The report family (ccbench/api/_performance_report.py) matches the oracle's answer and
its period rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccbench import ParameterError
from ccbench.api import REPORT
from ccbench.eventlog import read_log
from oracle import Oracle
from tests.support.api_keys import assert_key_order

NOW = 1795171800000
START = 1795165200000
DAY = 86_400_000


@pytest.fixture(scope="module")
def example(request: pytest.FixtureRequest) -> Oracle:
    return Oracle(read_log(Path(request.config.rootpath) / "examples" / "example.ndjson"))


def test_answer_follows_the_declared_key_order(example: Oracle) -> None:
    """The report's top level and period in declared order."""
    assert assert_key_order(REPORT, example.report(start_ms=START, end_ms=NOW)) == 2


def test_period_is_at_most_366_days(example: Oracle) -> None:
    """366 days is accepted, one ms more names end_ms (the contract's span rule)."""
    (span,) = [r for r in REPORT.rules if r.kind == "span_at_most"]
    assert span.limit == 366 * DAY
    example.report(start_ms=NOW - 366 * DAY, end_ms=NOW)
    with pytest.raises(ParameterError) as info:
        example.report(start_ms=NOW - 366 * DAY - 1, end_ms=NOW)
    assert info.value.parameter == "end_ms"
