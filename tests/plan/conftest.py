"""Shared plan fixtures: a small requirement run (two pooled call skills, one open hour)."""

from __future__ import annotations

import pytest

from plan import (
    RequirementConfig,
    RequirementResult,
    SerialExecutor,
    ServiceTargets,
    SkillSetup,
    read_forecast,
    run_requirement,
)

HEAD = "interval_start,skill,volume,aht_s,patience_s\n"


@pytest.fixture(scope="session")
def small_requirement(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[RequirementResult, RequirementConfig]:
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
