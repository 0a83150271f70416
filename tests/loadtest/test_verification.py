"""The verification tallies: values checked and wrong per metric, examples kept up to a cap."""

from __future__ import annotations

from loadtest import Record, Verification


def _record() -> Record:
    return Record("report", "query", {"csv": "agents"}, 5, 0, 0, 0, 200)


def test_counts_are_per_metric_in_first_seen_order() -> None:
    """Three values of one metric (one wrong) and one right value of another: [3, 1] and
    [1, 0], listed in the order first seen; only the wrong metric is mismatched."""
    v = Verification()
    for metric, wrong in (("b", False), ("b", True), ("a", False), ("b", False)):
        v.count(metric, wrong)
    assert v.by_metric == {"b": [3, 1], "a": [1, 0]}
    assert list(v.by_metric) == ["b", "a"]
    assert v.mismatched_metrics() == ["b"]


def test_examples_stop_at_the_detail_limit_while_the_count_goes_on() -> None:
    """With detail_limit 2, five wrong values keep the first two examples (with the
    request's endpoint, query and instant) and count all five."""
    v = Verification(detail_limit=2)
    for i in range(5):
        v.add_mismatch(_record(), f"$.csv.agents[{i}].name", "report.csv.agents[].name", "x", i)
    assert v.mismatch_count == 5
    assert [m.actual for m in v.mismatches] == [0, 1]
    first = v.mismatches[0].as_dict()
    assert first["endpoint"] == "report" and first["query"] == {"csv": "agents"}
    assert first["clock_ms"] == 5 and first["metric"] == "report.csv.agents[].name"
