"""plan._grid: --vary parsing, grid expansion and applying a point to a scenario document."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccbench import ParameterError
from plan import Vary, apply_point, expand_grid, parse_vary
from sim import Scenario, load_scenario


def test_parse_integer_range_includes_stop() -> None:
    """Integer START:STOP:STEP gives integers from START to STOP inclusive."""
    assert parse_vary("pools.agent.count=9:13:2") == Vary("pools.agent.count", (9, 11, 13))


def test_parse_float_range_survives_binary_rounding() -> None:
    """0.1:0.3:0.1 has three values although 0.1 + 0.1 + 0.1 != 0.3 in binary."""
    assert parse_vary("scale.arrivals=0.1:0.3:0.1").values == (0.1, 0.2, 0.3)


def test_parse_single_value_and_stop_off_grid() -> None:
    """KEY=VALUE is one value; a STOP between grid points is not reached (1, 3 for 1:4:2)."""
    assert parse_vary("bots.0.containment=0.4").values == (0.4,)
    assert parse_vary("x=1:4:2").values == (1, 3)


@pytest.mark.parametrize(
    ("spec", "needle"),
    [
        ("pools.agent.count", "expected KEY=START:STOP:STEP"),
        ("=1:2:1", "expected KEY=START:STOP:STEP"),
        ("k=", "expected KEY=START:STOP:STEP"),
        ("k=1:2", "expected KEY=START:STOP:STEP"),
        ("k=a:2:1", "START of 'k=a:2:1': expected a number, got 'a'"),
        ("k=1:inf:1", "expected a finite number"),
        ("k=1:5:0", "the range is empty"),
        ("k=1:5:-1", "the range is empty"),
        ("k=5:1:1", "inverted: STOP 1 < START 5"),
    ],
)
def test_parse_errors_name_the_problem(spec: str, needle: str) -> None:
    """Malformed, empty and inverted ranges raise ParameterError('vary') saying what is wrong."""
    with pytest.raises(ParameterError, match="vary") as info:
        parse_vary(spec)
    assert needle in str(info.value)


@given(
    start=st.integers(-1000, 1000),
    length=st.integers(0, 1000),
    step=st.integers(1, 50),
)
def test_parse_integer_ranges_invariants(start: int, length: int, step: int) -> None:
    """Values start at START, rise by STEP, never pass STOP, and the next one would."""
    stop = start + length
    values = parse_vary(f"k={start}:{stop}:{step}").values
    assert values[0] == start
    assert all(b - a == step for a, b in itertools.pairwise(values))
    assert values[-1] <= stop < values[-1] + step


def test_expand_grid_first_key_slowest_and_duplicates_rejected() -> None:
    """The grid is the product in order, first key slowest; a key twice is an error; no
    key is the one point of the scenario as it is (`ccbench plan SCENARIO` without --vary)."""
    grid = expand_grid([Vary("a", (1, 2)), Vary("b", (10, 20))])
    assert grid == [{"a": 1, "b": 10}, {"a": 1, "b": 20}, {"a": 2, "b": 10}, {"a": 2, "b": 20}]
    with pytest.raises(ParameterError, match="varied twice"):
        expand_grid([Vary("a", (1,)), Vary("a", (2,))])
    assert expand_grid([]) == [{}]


@pytest.fixture(scope="module")
def erlang_doc() -> dict[str, object]:
    return load_scenario("erlang_c").to_dict()


def test_apply_point_by_name_index_and_nested(erlang_doc: dict[str, object]) -> None:
    """Arrays of tables are entered by name or index; the base document is not modified."""
    out = apply_point(
        erlang_doc,
        {"pools.agent.count": 12, "streams.0.rate_per_hour": 90, "modes.chat.handle.mean_s": 240},
    )
    assert out["pools"][0]["count"] == 12  # type: ignore[index]
    assert out["streams"][0]["rate_per_hour"] == 90.0  # type: ignore[index]
    assert out["modes"]["chat"]["handle"]["mean_s"] == 240.0  # type: ignore[index]
    assert erlang_doc["pools"][0]["count"] == 10  # type: ignore[index]
    Scenario.from_dict(out)


@pytest.mark.parametrize(
    ("path", "needle"),
    [
        ("pool.agent.count", "the scenario has no 'pool'"),
        ("pools.nobody.count", "pools has no element 'nobody'"),
        ("pools.agent.cnt", "pools.agent has no 'cnt' (expected one of"),
        ("pools.agent.skills", "not a number"),
        ("pools.agent", "ends at an array element"),
        ("scale.speed", "expected scale.arrivals, scale.handle"),
    ],
)
def test_apply_point_unknown_paths(erlang_doc: dict[str, object], path: str, needle: str) -> None:
    """Unknown or non-numeric paths raise ParameterError naming the path and what exists."""
    with pytest.raises(ParameterError, match="vary") as info:
        apply_point(erlang_doc, {path: 1})
    assert needle in str(info.value)


def test_apply_point_integer_parameter_rejects_fractions(erlang_doc: dict[str, object]) -> None:
    """A pool count only takes integers."""
    with pytest.raises(ParameterError, match=r"expected integer values, got 10\.5"):
        apply_point(erlang_doc, {"pools.agent.count": 10.5})


def test_scales_multiply_base_values() -> None:
    """scale.* multiply base rates, handle and patience times, and non-manager pool counts."""
    doc = load_scenario("smoke").to_dict()
    out = apply_point(
        doc,
        {"scale.arrivals": 2.0, "scale.handle": 0.5, "scale.patience": 3.0, "scale.staff": 0.5},
    )
    # smoke: streams at 70, 50, 30, 20 per hour; pools support 6, sales 4, tech 3, manager 2.
    assert [s["rate_per_hour"] for s in out["streams"]] == [140.0, 100.0, 60.0, 40.0]
    # round(1.5) = 2 (banker's rounding), managers untouched.
    assert [p["count"] for p in out["pools"]] == [3, 2, 2, 2]
    assert out["modes"]["chat"]["handle"] == {
        "kind": "lognormal",
        "mean_s": 200.0,
        "sd_s": 100.0,
        "values_s": [],
        "weights": [],
    }
    assert out["modes"]["chat"]["patience"]["values_s"] == [90.0, 180.0, 360.0, 900.0]
    Scenario.from_dict(out)
    with pytest.raises(ParameterError, match="expected a factor > 0"):
        apply_point(doc, {"scale.arrivals": 0})
