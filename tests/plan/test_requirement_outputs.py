"""plan._requirement_outputs: the tables, JSON and forecast copy of a small requirement run."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from plan import (
    RequirementConfig,
    RequirementResult,
    write_requirement,
)


def test_tables_and_json_agree(
    small_requirement: tuple[RequirementResult, RequirementConfig], tmp_path: Path
) -> None:
    """requirement.csv's 09:00 row sums both skills' volume and Erlang agents; intervals.csv
    lists each skill; results.json carries the same integers; the forecast is copied."""
    result, config = small_requirement
    write_requirement(result, config, tmp_path)
    rows = {
        r["interval_start"]: r
        for r in csv.DictReader((tmp_path / "requirement.csv").read_text().splitlines())
    }
    nine = rows["09:00"]
    erlang_a, erlang_b = result.erlang[0][0][18].agents, result.erlang[0][1][18].agents
    assert nine["volume"] == "25.00" and int(nine["erlang_agents"]) == erlang_a + erlang_b
    assert nine["skills"] == "a+b" and int(nine["headcount"]) == result.headcount(
        int(nine["simulated_agents"])
    )
    skills = [
        r
        for r in csv.DictReader((tmp_path / "intervals.csv").read_text().splitlines())
        if r["interval_start"] == "09:30"
    ]
    assert [(r["skill"], r["volume"], r["erlang_agents"]) for r in skills] == [
        ("a", "10.00", str(result.erlang[0][0][19].agents)), ("b", "0.00", "0"),
    ]  # fmt: skip
    doc = json.loads((tmp_path / "results.json").read_text())
    (team,) = doc["groups"]
    assert team["intervals"][18]["erlang_agents"] == erlang_a + erlang_b
    assert team["intervals"][18]["skills"]["b"]["erlang"]["agents"] == erlang_b
    assert (tmp_path / "forecast.csv").read_text() == config.forecast.read_text()
