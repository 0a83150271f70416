"""loadtest._config: values of the wrong type and keys the workload ignores are refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ccbench import InputError
from loadtest import LoadTestConfig, load_config


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"rate": "100"}, r"loadtest\.rate: expected a finite number, got '100' \(str\)"),
        ({"rate": float("inf")}, r"loadtest\.rate: expected a finite number, got inf"),
        ({"duration_s": float("nan")}, r"loadtest\.duration_s: expected a finite number"),
        ({"users": 2.5}, r"loadtest\.users: expected an integer, got 2\.5"),
        ({"users": True}, r"loadtest\.users: expected an integer, got True"),
        ({"mode": 1}, r"loadtest\.mode: expected a string, got 1"),
        ({"ingest_speed": "fast"}, r"loadtest\.ingest_speed: expected a finite number \(or no"),
        (
            {"thresholds": {"max_mismatches": "0"}},
            r"loadtest\.thresholds\.max_mismatches: expected an integer \(or no key\), got '0'",
        ),
        (
            {"thresholds": {"max_error_rate": float("nan")}},
            r"loadtest\.thresholds\.max_error_rate: expected a finite number",
        ),
    ],
)
def test_wrong_types_are_named_not_compared(doc: dict[str, Any], message: str) -> None:
    """A TOML string where a number goes (a Python comparison error before), a bool, NaN or
    an infinity: InputError naming the key, the value and the type expected."""
    with pytest.raises(InputError, match=message):
        LoadTestConfig.from_dict(doc)


@pytest.mark.parametrize(
    ("text", "overrides", "message"),
    [
        ("", {"workload": "closed", "rate": 10.0}, r"loadtest\.rate: only the open workload"),
        ('workload = "closed"\nrate = 10.0\n', {}, r"loadtest\.rate: only the open workload"),
        ("rate = 10.0\n", {"workload": "closed"}, r"loadtest\.rate: only the open workload"),
        ('workload = "closed"\narrival = "poisson"\n', {}, r"loadtest\.arrival: only the open"),
        ("think_time_s = 0.5\n", {}, r"loadtest\.think_time_s: only the closed workload"),
    ],
)
def test_keys_the_workload_ignores_are_refused(
    text: str, overrides: dict[str, Any], message: str, tmp_path: Path
) -> None:
    """`--workload closed --rate 10` (the rate was ignored) and its file forms are refused."""
    path = tmp_path / "loadtest.toml"
    path.write_text("[loadtest]\n" + text)
    with pytest.raises(InputError, match=message):
        load_config(path, **overrides)


def test_each_workload_keeps_its_own_keys(tmp_path: Path) -> None:
    """The open model with a rate and the closed model with a think time load as given."""
    assert load_config(rate=10.0).rate == 10.0
    closed = load_config(workload="closed", think_time_s=0.5, users=3)
    assert (closed.workload, closed.think_time_s, closed.users) == ("closed", 0.5, 3)
    # the harness round-trips a whole config (every key) without the user-input rule
    assert LoadTestConfig.from_dict(closed.to_dict()) == closed
