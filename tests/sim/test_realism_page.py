"""sim/_realism_page.py and sim/_realism_plots.py: the written report, and the
``ccbench describe`` command on imported and simulated logs."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from ccbench.cli import main
from ccbench.eventlog import read_log
from sim import (
    load_scenario,
    manifest_scenario,
    realism_report,
    simulate,
    write_realism_report,
    write_result,
)
from sim._realism_plots import FIGURES
from tests.sim.test_realism import _log


def test_report_files_hold_the_report(tmp_path: Path) -> None:
    """realism.json is the report's data, realism.html shows every plot, each plot is a PNG,
    and no temporary file is left behind."""
    report = realism_report(_log())
    paths = write_realism_report(report, tmp_path / "out", title="hand log")
    names = sorted(p.relative_to(tmp_path / "out").as_posix() for p in paths)
    assert names == sorted(["realism.html", "realism.json", *(f"plots/{n}.png" for n in FIGURES)])
    assert json.loads((tmp_path / "out" / "realism.json").read_text()) == json.loads(
        json.dumps(dataclasses.asdict(report))
    )
    page = (tmp_path / "out" / "realism.html").read_text()
    assert all(f'src="plots/{n}.png"' in page for n in FIGURES)
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in paths if p.suffix == ".png")
    assert not list((tmp_path / "out").rglob(".*"))


def test_describe_the_example_log(
    example_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`ccbench describe` works on the hand-written example log (no manifest): exit 0, the
    report written, one summary line per channel on stdout."""
    assert main(["describe", str(example_path), "--out", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert [line.split(":")[0] for line in out.splitlines()[:3]] == ["messaging", "chat", "call"]
    assert json.loads((tmp_path / "r" / "realism.json").read_text())["conversations"] == 12


def test_a_simulated_logs_manifest_gives_the_expected_arrivals(tmp_path: Path) -> None:
    """Next to a simulated log, the manifest's scenario gives the expected arrivals per hour:
    over the smoke scenario's 2 h they add up to its streams' 170 conversations per hour."""
    log_path, _ = write_result(
        simulate(scenario=load_scenario("smoke"), seed=3), tmp_path / "s.parquet"
    )
    scenario = manifest_scenario(log_path)
    assert scenario is not None and scenario.scenario.name == "smoke"
    report = realism_report(read_log(log_path), scenario=scenario)
    expected = sum(sum(c.expected_by_hour or []) for c in report.channels)
    assert expected == pytest.approx(2 * (70 + 50 + 30 + 20))
    assert manifest_scenario(tmp_path / "no-manifest.parquet") is None


def test_describe_reports_a_broken_manifest_in_one_line(
    example_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A manifest that is not JSON: exit 2 and one line naming the manifest."""
    log = tmp_path / "x.ndjson"
    log.write_bytes(example_path.read_bytes())
    (tmp_path / "x.manifest.json").write_text("{not json")
    assert main(["describe", str(log)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "x.manifest.json" in err
