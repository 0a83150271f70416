"""plan._requirement_config: a requirement TOML config reads, resolves and refuses bad keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccbench import ParameterError
from plan import REQUIREMENT_TARGETS, RequirementConfig, SkillSetup

ROOT = Path(__file__).resolve().parents[2]


def test_example_config_reads() -> None:
    """examples/requirement.toml: forecast beside it, 30% shrinkage, two teams, mean rule."""
    c = RequirementConfig.read(ROOT / "examples" / "requirement.toml")
    assert c.forecast == ROOT / "examples" / "forecast.csv"
    assert c.shrinkage == 0.3 and c.targets.confidence == 0.5 and c.targets.service_level == 0.8
    assert [s.group_name for s in c.skills] == ["voice", "voice", "chat"]
    assert c.skills[2] == SkillSetup(name="chat", channel="chat", max_slots=3)


def test_defaults_and_document_round_trip(tmp_path: Path) -> None:
    """A minimal config takes the defaults (confidence 0.5, 10 replications, 2 h warm-up)."""
    path = tmp_path / "c.toml"
    path.write_text('forecast = "f.csv"\ninterval_min = 15\n')
    c = RequirementConfig.read(path)
    assert c.targets == REQUIREMENT_TARGETS and c.replications == 10 and c.warmup_h == 2.0
    assert c.interval_s == 900
    doc = c.document(forecast_name="f.csv", forecast_sha256="ab", version="x")
    assert doc["command"] == "requirement" and doc["targets"]["confidence"] == 0.5


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('forecast = "f.csv"\nreplicatons = 3\n', "'config replicatons': unknown key"),
        ('forecast = "f.csv"\nseed = "0"\n', "'config seed': expected int"),
        ('forecast = "f.csv"\n[[skills]]\nname = "a"\nslots = 2\n', "'config skills[0].slots'"),
        ('forecast = "f.csv"\n[[skills]]\nname = "a"\nchannel = "fax"\n', "skills.a.channel"),
        ('forecast = "f.csv"\n[targets]\nservice_level = 2\n', "'service_level'"),
        ('command = "plan"\nforecast = "f.csv"\n', "'config command'"),
        ("seed = 1\n", "'config forecast': missing"),
    ],
)
def test_bad_configs_are_refused_by_key(tmp_path: Path, text: str, needle: str) -> None:
    """Unknown keys, wrong types, bad skills and targets, a sweep's config, no forecast."""
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ParameterError, match=needle.replace("[", r"\[").replace("]", r"\]")):
        RequirementConfig.read(path)
