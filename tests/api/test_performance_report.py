"""The report family (ccbench/api/_performance_report.py) matches the oracle's answer and
its period rules."""

from __future__ import annotations

import pytest

from ccbench import ParameterError
from ccbench.api import REPORT, load_conformance
from oracle import Oracle
from tests.support.api_keys import assert_key_order

NOW = load_conformance().now_ms  # 11:50 Paris, during the example log
START = 1795165200000
DAY = 86_400_000


def test_answer_follows_the_declared_key_order(example_oracle: Oracle) -> None:
    """The report's top level and period in declared order."""
    assert assert_key_order(REPORT, example_oracle.report(start_ms=START, end_ms=NOW)) == 2


def test_period_is_at_most_366_days(example_oracle: Oracle) -> None:
    """366 days is accepted, one ms more names end_ms (the contract's span rule)."""
    (span,) = [r for r in REPORT.rules if r.kind == "span_at_most"]
    assert span.limit == 366 * DAY
    example_oracle.report(start_ms=NOW - 366 * DAY, end_ms=NOW)
    with pytest.raises(ParameterError) as info:
        example_oracle.report(start_ms=NOW - 366 * DAY - 1, end_ms=NOW)
    assert info.value.parameter == "end_ms"
