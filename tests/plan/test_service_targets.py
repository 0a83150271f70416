"""plan._service_targets: targets from a scenario with overrides; bad values named."""

from __future__ import annotations

import pytest

from ccbench import ParameterError
from plan import ServiceTargets
from sim import load_scenario


def test_scenario_targets_with_overrides() -> None:
    """erlang_c's [targets] (80% in 20 s, 95%) with the occupancy cap overridden."""
    t = ServiceTargets.of(load_scenario("erlang_c"), max_occupancy=0.85, max_asa_s=None)
    assert (t.service_level, t.threshold_s, t.confidence) == (0.8, 20.0, 0.95)
    assert t.max_occupancy == 0.85 and t.max_asa_s is None


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"max_occupancy": 1.5}, "max_occupancy"), ({"confidence": 1.0}, "confidence"),
     ({"threshold_s": 0}, "threshold_s"), ({"max_asa_s": -1}, "max_asa_s")],
)  # fmt: skip
def test_out_of_range_values_are_refused(kwargs: dict[str, float], name: str) -> None:
    """Fractions outside [0, 1], confidence not in (0, 1), non-positive times."""
    with pytest.raises(ParameterError, match=f"'{name}'"):
        ServiceTargets(**kwargs)  # type: ignore[arg-type]


def test_from_dict_names_unknown_keys_and_non_numbers() -> None:
    """A config's [targets] table: a typo and a string are refused by key."""
    with pytest.raises(ParameterError, match=r"'targets\.service_levle': unknown key"):
        ServiceTargets.from_dict({"service_levle": 0.8})
    with pytest.raises(ParameterError, match=r"'targets\.threshold_s': expected a number"):
        ServiceTargets.from_dict({"threshold_s": "20"})
