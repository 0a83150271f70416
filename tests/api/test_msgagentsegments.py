"""The msgagentsegments family (ccbench/api/_msgagentsegments.py) matches what the oracle
and the backend answer and build: response key order, metric names, defaults."""

from __future__ import annotations

import json

import backend
import oracle
from ccbench.api import AGENT_SEGMENT_METRICS, MSGAGENTSEGMENTS
from tests.support.api_keys import assert_key_order
from tests.support.seed004_logs import DATA


def test_seed_example_responses_follow_the_declared_key_order() -> None:
    """Seed 004's three example responses (golden files) have the contract's key order at
    every level: top, intervals, interval items, each metrics object."""
    expected = json.loads((DATA / "seed004_expected.json").read_text())
    checked = 0
    for doc in expected.values():
        checked += assert_key_order(MSGAGENTSEGMENTS, doc)
        for metrics in _metrics_objects(doc):
            assert list(metrics) == [m for m in AGENT_SEGMENT_METRICS if m in metrics]
            checked += 1
    assert checked > 10


def _metrics_objects(doc: object) -> list[dict[str, object]]:
    if isinstance(doc, dict):
        if "totalAgentConversationSegments" in doc:
            return [doc]
        return [m for v in doc.values() for m in _metrics_objects(v)]
    if isinstance(doc, list):
        return [m for v in doc for m in _metrics_objects(v)]
    return []


def test_implementations_use_the_contracts_names() -> None:
    """The oracle's and the backend's metric tuples and parameter order are the contract's
    objects (one source), and their query values' defaults are the contract's."""
    assert oracle.AGENT_SEGMENT_METRICS is AGENT_SEGMENT_METRICS
    assert backend.METRICS is AGENT_SEGMENT_METRICS
    assert MSGAGENTSEGMENTS.names == oracle.QUERY_PARAMETERS
    params = oracle.AgentSegmentsParams.create(timeframe=60)
    assert (params.user_type, params.source, params.metrics) == ("all", None, AGENT_SEGMENT_METRICS)
    query = backend.parse_segment_query([("timeframe", "60"), ("v", "1")])
    assert (query.user_type, query.source, query.metrics) == (None, None, AGENT_SEGMENT_METRICS)
