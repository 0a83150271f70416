"""The agent performance family (ccbench/api/_performance_dashboard.py) matches the oracle's
answer: key order; its clock and data rules name the contract's parameters."""

from __future__ import annotations

import pytest

from ccbench import ParameterError
from ccbench.api import AGENT_PERFORMANCE, load_conformance
from oracle import Oracle
from tests.support.api_keys import assert_key_order

NOW = load_conformance().now_ms  # 11:50 Paris, during the example log
START = 1795165200000


def test_answer_follows_the_declared_key_order(example_oracle: Oracle) -> None:
    """Top level, range, every messages_sent bucket and satisfaction in declared order."""
    doc = example_oracle.agent_performance(
        agent_id=12, now_ms=NOW, start_ms=START, bucket_ms=600_000
    )
    assert assert_key_order(AGENT_PERFORMANCE, doc) >= 3 + len(doc["messages_sent"])


def test_default_bucket_is_the_contracts(example_oracle: Oracle) -> None:
    """Without bucket_ms the buckets are the contract's default (1 h): 110 min -> 2 buckets."""
    assert AGENT_PERFORMANCE.parameter("bucket_ms").default == 3_600_000
    doc = example_oracle.agent_performance(agent_id=12, now_ms=NOW, start_ms=START)
    assert [b["start"] for b in doc["messages_sent"]] == [START, START + 3_600_000]


def test_clock_rules_before_data_rules(example_oracle: Oracle) -> None:
    """An unknown agent and a start at now: the clock rule (start_ms) is named first."""
    with pytest.raises(ParameterError) as info:
        example_oracle.agent_performance(agent_id=999, now_ms=NOW, start_ms=NOW)
    assert info.value.parameter == "start_ms"
    with pytest.raises(ParameterError) as info:
        example_oracle.agent_performance(agent_id=999, now_ms=NOW, start_ms=START)
    assert info.value.parameter == "agent_id"
