"""plan._recommend: the smallest staffing whose one-sided bounds meet the targets."""

from __future__ import annotations

from plan import OVERALL, ServiceTargets, SweepResult, estimate, meets_targets, recommend
from plan._metrics import CAPACITY_METRICS
from sim import load_scenario


def _result(
    points: list[dict[str, float]], staff: list[int], sl: list[list[float]], targets: ServiceTargets
) -> SweepResult:
    """A sweep whose overall service level per point has the given replication values."""
    estimates = [
        {
            OVERALL: {
                m: estimate(v if m == "service_level" else [0.0] * len(v)) for m in CAPACITY_METRICS
            }
        }
        for v in sl
    ]
    return SweepResult(
        scenario=load_scenario("erlang_c"),
        keys=tuple(points[0]),
        points=points,  # type: ignore[arg-type]
        staff=staff,
        seeds=list(range(len(sl[0]))),
        replications=[],
        estimates=estimates,
        targets=targets,
        root_seed=0,
        days=None,
        warmup_s=0.0,
        cooldown_s=0.0,
        interval_s=3600,
        time_of_day=[{} for _ in sl],
    )


def test_meets_targets_uses_one_sided_lower_bound() -> None:
    """SL [0.80, 0.84, 0.82, 0.86, 0.83]: mean 0.83, sem 0.01, t(0.95, 4) = 2.131847 gives a
    lower bound 0.80868: it meets 0.80 but not 0.81."""
    est = {m: estimate([0.0] * 5) for m in CAPACITY_METRICS}
    est["service_level"] = estimate([0.80, 0.84, 0.82, 0.86, 0.83])
    ok, why = meets_targets(est, ServiceTargets(service_level=0.80))
    assert ok and "SL lower bound 0.8087" in why
    assert not meets_targets(est, ServiceTargets(service_level=0.81))[0]
    # Abandon target: upper bound of 0 with zero spread is 0 <= 0.05.
    assert meets_targets(est, ServiceTargets(service_level=0.80, max_abandon_rate=0.05))[0]


def test_recommend_smallest_staff_per_condition() -> None:
    """Per arrival scale, the cheapest staffing whose bound clears 0.8 is picked."""
    good, bad = [0.90, 0.91, 0.92], [0.70, 0.72, 0.71]
    points = [
        {"scale.arrivals": 1.0, "pools.agent.count": 12},
        {"scale.arrivals": 1.0, "pools.agent.count": 11},
        {"scale.arrivals": 1.5, "pools.agent.count": 11},
        {"scale.arrivals": 1.5, "pools.agent.count": 12},
    ]
    result = _result(points, [12, 11, 11, 12], [good, good, bad, bad], ServiceTargets())
    first, second = recommend(result)
    assert first.condition == {"scale.arrivals": 1.0}
    assert (first.staff, first.index) == (11, 1)  # 11 agents, although listed second
    assert second.condition == {"scale.arrivals": 1.5} and second.index is None
    assert second.reason.startswith("no grid point meets the targets")


def test_one_replication_recommends_nothing() -> None:
    """With R = 1 there is no confidence bound, so no staffing is recommended."""
    result = _result([{"pools.agent.count": 12}], [12], [[0.99]], ServiceTargets())
    (rec,) = recommend(result)
    assert rec.index is None and "n/a" in rec.reason
