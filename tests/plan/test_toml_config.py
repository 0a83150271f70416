"""plan._toml_config: TOML without nulls round-trips; bad keys and types are named."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from ccbench import InputError, ParameterError
from plan._toml_config import check_keys, dump_toml, read_toml, typed


def test_dump_drops_none_and_round_trips_floats() -> None:
    """None values vanish (TOML has no null); 0.1 + 0.2 reads back bit for bit."""
    text = dump_toml({"a": None, "b": 0.1 + 0.2, "t": {"x": None, "y": [1, 2]}}, comment="hi")
    assert text.startswith("# hi\n")
    assert tomllib.loads(text) == {"b": 0.1 + 0.2, "t": {"y": [1, 2]}}


def test_read_names_the_file(tmp_path: Path) -> None:
    """Unreadable or invalid TOML is one InputError naming the file."""
    with pytest.raises(InputError, match="cannot read file"):
        read_toml(tmp_path / "none.toml", what="config")
    bad = tmp_path / "bad.toml"
    bad.write_text("a = = 1\n")
    with pytest.raises(InputError, match="not valid TOML"):
        read_toml(bad, what="config")


def test_keys_and_types_are_checked() -> None:
    """An unknown key and a bool where a number belongs are refused by name."""
    with pytest.raises(ParameterError, match="'config seeds': unknown key"):
        check_keys({"seeds": 1}, ("seed",), where="config ")
    with pytest.raises(ParameterError, match="'config seed': expected int, got True"):
        typed({"seed": True}, "seed", int, where="config ")
    assert typed({"x": 2}, "x", (int, float), where="") == 2
