"""ccbench plan: the command writes its files and rejects bad input with exit code 2."""

from __future__ import annotations

import csv
import json
import tomllib
from pathlib import Path

import pytest

from ccbench.cli import main


def test_plan_writes_tables_config_and_plots(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 2-point erlang_c sweep writes the CSVs, JSON, config with seeds and 8 PNGs."""
    out = tmp_path / "plan"
    argv = ["plan", "erlang_c", "--vary", "pools.agent.count=11:12:1", "-r", "2"]
    code = main([*argv, "--days", "0.25", "-j", "1", "--seed", "3", "--out", str(out), "-q"])
    assert code == 0
    printed = capsys.readouterr()
    # 5 tables + 8 metric plots + time_of_day.png
    assert "recommendation: " in printed.out and "wrote 14 files" in printed.err
    rows = list(csv.DictReader((out / "summary.csv").read_text().splitlines()))
    assert [(r["pools.agent.count"], r["scope"]) for r in rows] == [
        ("11", "all"), ("11", "1"), ("12", "all"), ("12", "1")
    ]  # fmt: skip
    reps = list(csv.DictReader((out / "replications.csv").read_text().splitlines()))
    assert len(reps) == 2 * 2 * 2  # points x replications x scopes
    config = tomllib.loads((out / "config.toml").read_text())
    assert config["seed"] == 3 and len(config["replication_seeds"]) == 2
    assert config["vary"] == [{"key": "pools.agent.count", "values": [11, 12]}]
    # 6 h horizon: auto warm-up = cool-down = 6 h / 10 = 2160 s (flat, always-on scenario).
    assert config["warmup_s"] == config["cooldown_s"] == 2160.0
    assert config["targets"]["service_level"] == 0.8  # from erlang_c.toml [targets]
    results = json.loads((out / "results.json").read_text())
    assert len(results["points"]) == 2 and len(results["recommendations"]) == 1
    assert sorted(p.name for p in (out / "plots").iterdir())[0] == "abandon_rate.png"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--vary", "pools.nobody.count=1:2:1"], "pools has no element 'nobody'"),
        (["--vary", "pools.agent.count=12:10:1"], "inverted"),
        (["--vary", "pools.agent.count=10:12:0"], "the range is empty"),
        (
            ["--vary", "pools.agent.count=10:12:1", "-r", "0"],
            "'replications': expected an integer >= 1",
        ),
        (["--vary", "pools.agent.count=0:1:1"], "grid point {'pools.agent.count': 0}"),
        (["--vary", "scale.arrivals=1", "--confidence", "1"], "'confidence'"),
    ],
)
def test_plan_bad_input_exits_2(
    args: list[str], needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unknown paths, empty/inverted ranges, zero replications, invalid points: exit 2."""
    code = main(["plan", "erlang_c", *args, "-j", "1", "-q", "--out", str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("ccbench plan: error: ") and needle in err


def test_docs_cover_every_option_and_metric() -> None:
    """docs/plan.md has a row for each `ccbench plan` option and each metric."""
    import argparse

    from ccbench.cli._main import build_parser
    from plan import CAPACITY_METRICS

    doc = (Path(__file__).resolve().parent.parent / "docs" / "plan.md").read_text()
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for action in sub.choices["plan"]._actions:
        for flag in action.option_strings:
            if flag not in ("-h", "--help"):
                assert f"`{flag}" in doc, flag
    for metric in CAPACITY_METRICS:
        assert f"| `{metric}` |" in doc, metric
