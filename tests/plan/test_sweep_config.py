"""plan._sweep_config: a sweep's resolved config.toml reads back to the same sweep."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccbench import ParameterError
from plan import SerialExecutor, SweepConfig, parse_vary, run_sweep
from plan._toml_config import dump_toml
from sim import load_scenario


def test_written_config_reads_back_to_the_same_settings(tmp_path: Path) -> None:
    """of_result -> TOML -> read gives the scenario, grid, seed, horizon and targets."""
    result = run_sweep(
        scenario=load_scenario("erlang_c"),
        varies=[parse_vary("pools.agent.count=11:12:1")],
        replications=2,
        executor=SerialExecutor(),
        seed=9,
        days=0.1,
    )
    config = SweepConfig.of_result(result)
    path = tmp_path / "config.toml"
    path.write_text(dump_toml(config.document(version="x", seeds=result.seeds)))
    back = SweepConfig.read(path)
    assert back == config
    assert back.varies[0].values == (11, 12) and back.seed == 9 and back.days == 0.1


def test_a_requirement_config_is_not_a_sweep(tmp_path: Path) -> None:
    """ccbench plan --config refuses a config another command wrote."""
    path = tmp_path / "c.toml"
    path.write_text('command = "requirement"\nforecast = "f.csv"\n')
    with pytest.raises(ParameterError, match="config command"):
        SweepConfig.read(path)
