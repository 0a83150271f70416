"""ccbench plan: the command writes its files and rejects bad input with exit code 2."""

from __future__ import annotations

import csv
import json
import tomllib
from pathlib import Path

import pytest

from ccbench.cli import main
from tests.support.cli import forbid, one_line_error


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
        # a run's bounds (docs/scenarios.md), refused before any replication
        (["--days", "1e6"], "parameter 'days': 1000000.0 days: scenario .scenario.hours"),
        (["--days", "300", "--vary", "scale.arrivals=1:100:99"], "expected at most 2,000,000"),
    ],
)
def test_plan_bad_input_exits_2(
    args: list[str], needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unknown paths, empty/inverted ranges, zero replications, invalid points, runs past
    the simulator's bounds: exit 2."""
    code = main(["plan", "erlang_c", *args, "-j", "1", "-q", "--out", str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("ccbench plan: error: ") and needle in err


def test_docs_cover_every_option_and_metric() -> None:
    """docs/plan.md has a row for each `ccbench plan` and `ccbench requirement` option and
    each metric."""
    import argparse

    from ccbench.cli._main import build_parser
    from plan import CAPACITY_METRICS

    doc = (Path(__file__).resolve().parents[2] / "docs" / "plan.md").read_text()
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for command in ("plan", "requirement"):
        for action in sub.choices[command]._actions:
            for flag in action.option_strings:
                if flag not in ("-h", "--help"):
                    assert f"`{flag}" in doc, (command, flag)
    for metric in CAPACITY_METRICS:
        assert f"| `{metric}` |" in doc, metric


def test_plan_without_vary_evaluates_the_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`ccbench plan erlang_c -r 2` is one point (10 agents, rho 0.85: SL far below 0.8)
    whose recommendation says it does not meet the targets; only the time-of-day plot."""
    out = tmp_path / "one"
    code = main(
        ["plan", "erlang_c", "-r", "2", "--days", "0.25", "-j", "1", "-q", "--out", str(out)]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "recommendation: none (no grid point meets the targets" in printed
    rows = list(csv.DictReader((out / "summary.csv").read_text().splitlines()))
    assert [(r["staff"], r["scope"]) for r in rows] == [("10", "all"), ("10", "1")]
    assert sorted(p.name for p in (out / "plots").iterdir()) == ["time_of_day.png"]
    tod = list(csv.DictReader((out / "time_of_day.csv").read_text().splitlines()))
    # 6 h horizon minus 36 min warm-up and cool-down: 24 hourly rows per scope; hours
    # outside the window offer nothing and have no service level (empty, not 0).
    assert len(tod) == 48 and tod[0]["interval_start"] == "00:00"
    assert tod[10]["offered_mean"] == "0.00" and tod[10]["service_level_mean"] == ""
    assert tod[2]["service_level_mean"] != ""


def test_plan_config_reruns_to_identical_tables(tmp_path: Path) -> None:
    """`ccbench plan --config <out>/config.toml` reproduces summary, replications and
    time-of-day tables byte for byte, and results.json exactly."""
    first, second = tmp_path / "a", tmp_path / "b"
    argv = ["--vary", "pools.agent.count=11:12:1", "-r", "2", "--days", "0.25", "--seed", "5"]
    assert (
        main(["plan", "erlang_c", *argv, "-j", "1", "-q", "--no-plots", "--out", str(first)]) == 0
    )
    config = str(first / "config.toml")
    assert (
        main(["plan", "--config", config, "-j", "1", "-q", "--no-plots", "--out", str(second)]) == 0
    )
    for name in (
        "summary.csv",
        "replications.csv",
        "time_of_day.csv",
        "results.json",
        "config.toml",
    ):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_csv_numbers_are_rounded_to_their_meaning(tmp_path: Path) -> None:
    """Fractions have 4 decimals, seconds 1, counts 2 (docs/plan.md, Outputs)."""
    out = tmp_path / "r"
    argv = ["plan", "erlang_c", "-r", "2", "--days", "0.25", "-j", "1", "-q", "--no-plots"]
    assert main([*argv, "--out", str(out)]) == 0
    row = next(csv.DictReader((out / "summary.csv").read_text().splitlines()))
    assert len(row["service_level_mean"].split(".")[1]) == 4
    assert len(row["asa_s_mean"].split(".")[1]) == 1
    assert len(row["offered_mean"].split(".")[1]) == 2 and row["offered_n"] == "2"


def test_out_under_a_file_is_refused_before_any_replication(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--out under a regular file: exit 2 and one line, and no replication ran."""
    import plan

    forbid(monkeypatch, plan, "run_sweep", "replications ran")
    (tmp_path / "plain").write_text("")
    out = str(tmp_path / "plain" / "p")
    line = one_line_error(capsys, "plan", "erlang_c", "-r", "2", "--out", out)
    assert "plain is a file; expected a folder there" in line
