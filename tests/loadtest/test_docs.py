"""docs/loadtest.md stays true: its config example parses, its mapping is the shipped one,
its exit-code table matches the constants."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import loadtest
from loadtest import REFERENCE_MAPPING, LoadTestConfig

DOC = (Path(__file__).resolve().parents[2] / "docs" / "loadtest.md").read_text()


def _toml_blocks() -> list[dict[str, object]]:
    return [tomllib.loads(b) for b in re.findall(r"```toml\n(.*?)```", DOC, flags=re.S)]


def test_config_example_is_a_valid_loadtest_table() -> None:
    """The [loadtest] example validates and names every field of LoadTestConfig: set, or
    commented out when the example's workload model refuses it (think_time_s)."""
    (doc,) = [b for b in _toml_blocks() if "loadtest" in b]
    (text,) = [b for b in re.findall(r"```toml\n(.*?)```", DOC, flags=re.S) if "[loadtest]" in b]
    table = doc["loadtest"]
    assert isinstance(table, dict)
    cfg = LoadTestConfig.from_dict(table)
    assert cfg.thresholds.latency_ms == {"msgagentsegments": {"p99": 250.0}}
    commented = set(re.findall(r"^# (\w+) = ", text, flags=re.M))
    documented = set(table) | commented | {"thresholds", "tolerances"}
    assert documented == set(LoadTestConfig.__dataclass_fields__)


def test_mapping_example_is_the_shipped_reference_mapping() -> None:
    """The mapping shown in the docs is the file the harness uses by default."""
    (doc,) = [b for b in _toml_blocks() if "endpoints" in b]
    assert doc == tomllib.loads(REFERENCE_MAPPING.read_text())


def test_exit_code_table_matches_the_constants() -> None:
    """Each class row carries the value of its EXIT_ constant."""
    for name in ("HARNESS", "LATENCY", "ERRORS", "MISMATCH", "FRESHNESS", "RATE"):
        value = getattr(loadtest, f"EXIT_{name}")
        assert re.search(rf"^\| {value} \| \w+ \|", DOC, flags=re.M), name
