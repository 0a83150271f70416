"""backend/_segment_json.py: metrics objects written as JSON text are byte for byte
``orjson.dumps`` of the objects the definitions give (docs/metrics.md 2.2), for any sums
and any choice of metrics (Hypothesis), and a row worked out by hand."""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from backend._params import METRICS
from backend._rollup_segments import FIELDS
from backend._segment_json import SUMS, MetricTexts, sums_of, texts


def _reference(row: list[int], metric: str) -> Any:
    """The metric of one row of sums, straight from the definitions."""
    s = dict(zip(FIELDS, row, strict=True))

    def avg(total: str, n: str) -> int:
        return s[total] // s[n] if s[n] > 0 else -1

    if metric == "avgAgentMessagesinAgentSegment":
        q = s["msgs"] / s["seg"]
        return int(q) if q.is_integer() else q
    simple = {
        "totalAgentConversationSegments": "seg",
        "interactiveAgentSegments": "interactive",
        "agentSegmentsAbandonedByConsumers": "abandoned",
        "agentSegmentsWithNonResponsiveConsumers": "nr_consumers",
        "agentSegmentsWithNonResponsiveAgents": "nr_agents",
    }
    if metric in simple:
        return s[simple[metric]]
    total, n = {
        "avgAgentSegmentDuration": ("dur", "ended"),
        "avgTimetoFirstAgentMessageFromAgentAssignment": ("f_sum", "f_n"),
        "avgTimetoFirstAgentMessageFromAgentAssignment_AfterTransfer": ("ft_sum", "ft_n"),
        "avgTimetoFirstAgentMessageFromAgentAssignment_NewConversation": ("fn_sum", "fn_n"),
        "avgTimeToResponseFromAgentAssignment": ("r_sum", "r_n"),
    }[metric]
    return avg(total, n)


def test_texts_are_orjson_numbers() -> None:
    """Integers (int64 arrays) and doubles, tiny and huge, as orjson writes them."""
    ints = np.asarray([0, -1, 7, 2**62], dtype=np.int64)
    assert texts(ints) == [b"0", b"-1", b"7", b"4611686018427387904"]
    doubles = [0.5, 1e-05, 3.3333333333333335, 1e20, 2]
    assert b",".join(texts(doubles)) == orjson.dumps(doubles)[1:-1]
    assert texts(np.zeros(0, dtype=np.int64)) == []


def test_a_row_by_hand() -> None:
    """4 segments, 10 messages, 2 ended lasting 5001 ms, 3 responses summing 7 ms: 2.5
    messages per segment, 2500 ms (truncated), 2 ms; no first response: -1; metricsTotal
    without data: every metric 0."""
    row = dict.fromkeys(FIELDS, 0) | {"seg": 4, "msgs": 10, "ended": 2, "dur": 5001}
    row |= {"r_n": 3, "r_sum": 7}
    wanted = (
        "avgAgentMessagesinAgentSegment",
        "avgAgentSegmentDuration",
        "avgTimeToResponseFromAgentAssignment",
        "avgTimetoFirstAgentMessageFromAgentAssignment",
    )
    fields = sums_of(wanted)
    v = np.asarray([[row[FIELDS[k]] for k in fields]], dtype=np.int64)
    m = MetricTexts(v, wanted, fields)
    assert m.object(0) == (
        b'{"avgAgentMessagesinAgentSegment":2.5,"avgAgentSegmentDuration":2500,'
        b'"avgTimeToResponseFromAgentAssignment":2,'
        b'"avgTimetoFirstAgentMessageFromAgentAssignment":-1}'
    )
    assert orjson.loads(m.zero) == dict.fromkeys(wanted, 0)
    assert m.keyed([b"12"], 0, 1) == b'{"12":' + m.object(0) + b"}"
    assert m.keyed([b"12"], 0, 0) == b"{}"


def test_every_metric_has_its_sums() -> None:
    """Each metric of the contract names its sums, and "seg" always comes first."""
    assert set(SUMS) == set(METRICS)
    for metric in METRICS:
        assert sums_of((metric,))[0] == FIELDS.index("seg")


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 50), *[st.integers(0, 10**7)] * (len(FIELDS) - 1)),
        min_size=1,
        max_size=8,
    ),
    st.lists(st.sampled_from(METRICS), min_size=1, max_size=len(METRICS), unique=True),
)
def test_equals_orjson_of_the_definitions(rows: list[tuple[int, ...]], chosen: list[str]) -> None:
    """Random sums (at least one segment per row) and metrics: each object, and the rows
    keyed by id, are orjson.dumps of the dicts the definitions give."""
    wanted = tuple(chosen)
    fields = sums_of(wanted)
    full = np.asarray(rows, dtype=np.int64)
    m = MetricTexts(full[:, list(fields)], wanted, fields)
    want = [{metric: _reference(list(r), metric) for metric in wanted} for r in rows]
    for r, obj in enumerate(want):
        assert m.object(r) == orjson.dumps(obj)
    ids = [str(100 + r).encode() for r in range(len(rows))]
    keyed = {str(100 + r): obj for r, obj in enumerate(want)}
    assert m.keyed(ids, 0, len(rows)) == orjson.dumps(keyed)
