"""The run spec: everything a Locust process needs, except header values, which travel by
environment so that no file holds them."""

from __future__ import annotations

from pathlib import Path

import pytest

from loadtest import REDACTED, RUN_HEADERS_ENV, LoadTestConfig, RunSpec, load_mapping


def _spec(tmp_path: Path) -> RunSpec:
    mapping = load_mapping(env={"CCBENCH_TOKEN": "s3cret"})
    return RunSpec(
        mapping=mapping, config=LoadTestConfig(), log_path="log.parquet", output="out.json"
    )


def test_spec_file_redacts_and_environment_restores(tmp_path: Path) -> None:
    """The file shows the header redacted; read with header_env() the spec is whole again."""
    spec = _spec(tmp_path)
    path = tmp_path / "run_spec.json"
    path.write_bytes(spec.to_json())
    assert b"s3cret" not in path.read_bytes() and REDACTED.encode() in path.read_bytes()
    assert RunSpec.read(path, environ=spec.header_env()) == spec
    assert spec.header_env() == {RUN_HEADERS_ENV: '{"Authorization":"Bearer s3cret"}'}


@pytest.mark.parametrize("environ", [{}, {RUN_HEADERS_ENV: "{}"}, {RUN_HEADERS_ENV: "[1]"}])
def test_missing_header_values_name_the_variable(tmp_path: Path, environ: dict[str, str]) -> None:
    """A redacted header with no value in the environment is an error naming the variable,
    never a request sent with '<redacted>' as its token."""
    path = tmp_path / "run_spec.json"
    path.write_bytes(_spec(tmp_path).to_json())
    with pytest.raises(RuntimeError, match=RUN_HEADERS_ENV):
        RunSpec.read(path, environ=environ)
