"""plan._requirement_outputs and _requirement_plots: the files of a small requirement run."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from plan import (
    RequirementConfig,
    RequirementResult,
    SerialExecutor,
    ServiceTargets,
    SkillSetup,
    read_forecast,
    run_requirement,
    write_requirement,
    write_requirement_plots,
)
from plan._requirement_plots import requirement_figure

HEAD = "interval_start,skill,volume,aht_s,patience_s\n"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[RequirementResult, RequirementConfig]:
    """Two call skills pooled in one team, open 09:00-10:00 (two 30 min intervals)."""
    path = tmp_path_factory.mktemp("f") / "f.csv"
    path.write_text(
        HEAD
        + "2026-03-02 09:00,a,20,200,\n2026-03-02 09:30,a,10,200,\n"
        + "2026-03-02 09:00,b,5,300,\n2026-03-02 09:30,b,0,,\n"
    )
    config = RequirementConfig(
        forecast=path,
        skills=(SkillSetup(name="a", group="t"), SkillSetup(name="b", group="t")),
        shrinkage=0.2,
        replications=2,
    )
    result = run_requirement(
        forecast=read_forecast(path), targets=ServiceTargets(confidence=0.5),
        executor=SerialExecutor(), setups=config.skills, shrinkage=0.2, replications=2,
    )  # fmt: skip
    return result, config


def test_tables_and_json_agree(
    run: tuple[RequirementResult, RequirementConfig], tmp_path: Path
) -> None:
    """requirement.csv's 09:00 row sums both skills' volume and Erlang agents; intervals.csv
    lists each skill; results.json carries the same integers; the forecast is copied."""
    result, config = run
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


def test_plots_draw_both_requirements(
    run: tuple[RequirementResult, RequirementConfig], tmp_path: Path
) -> None:
    """The requirement figure's top panel steps through the Erlang, simulated and headcount
    agents; two PNGs per team and day."""
    result, _ = run
    (g,) = result.groups
    fig = requirement_figure(result, g)
    top = fig.axes[0]
    assert [t.get_text() for t in top.get_legend().get_texts()] == [
        "Erlang C/A, one conversation per agent", "simulated requirement",
        "headcount at shrinkage 0.2",
    ]  # fmt: skip
    names = sorted(p.path.name for p in write_requirement_plots(result, tmp_path))
    assert names == ["requirement_2026-03-02_t.png", "time_of_day_2026-03-02_t.png"]
