"""`ccbench loadtest`: a thin layer over run_loadtest that returns its exit code."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from ccbench.cli import main
from loadtest import oracle_target_app, serve_app
from tests.support.cli import one_line_error

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "example.ndjson"
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def test_cli_run_writes_reports_and_returns_the_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A config file's threshold and the command-line overrides both apply; --json prints the
    summary; a p50 limit of 0.001 ms cannot hold, so the exit code is the latency bit (4)."""
    config = tmp_path / "scenario.toml"
    config.write_text(
        "[loadtest]\nrate = 10.0\n[loadtest.thresholds.latency_ms.msgagentsegments]\np50 = 0.001\n"
    )
    with serve_app(oracle_target_app()) as url:
        code = main(
            [
                "loadtest",
                "--log",
                str(EXAMPLE),
                "--target",
                url,
                "--config",
                str(config),
                "--duration",
                "2",
                "--rate",
                "30",
                "--users",
                "2",
                "--dashboard-share",
                "0.5",
                "--out",
                str(tmp_path / "out"),
                "--json",
            ]
        )
    summary = orjson.loads(capsys.readouterr().out)
    assert code == 4 == summary["exit_code"]
    assert summary["rate"]["target"] == 30.0  # the command line beat the file's 10
    assert summary["accuracy"]["mismatches"] == 0
    assert summary["latency_ms"]["dashboard"]["count"] > 0  # --dashboard-share 0.5 applied
    assert {p.name for p in (tmp_path / "out").iterdir()} >= {
        "summary.json",
        "junit.xml",
        "report.html",
    }


def test_cli_bad_config_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An invalid [loadtest] value exits 2 with one line naming the key."""
    config = tmp_path / "bad.toml"
    config.write_text('[loadtest]\nworkload = "sideways"\n')
    assert main(["loadtest", "--log", str(EXAMPLE), "--config", str(config)]) == 2
    assert "loadtest.workload" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--workload", "closed", "--rate", "10"], "loadtest.rate: only the open workload"),
        (["--rate", "inf"], "loadtest.rate: expected a finite number, got inf"),
        (["--duration", "inf"], "loadtest.duration_s: expected a finite number, got inf"),
        (
            ["--master", "--processes", "2"],
            "expect_workers: expected 0, or an integer >= 1 with processes = 1, got 2",
        ),
        (["--master", "--master-bind-port", "0"], "master_bind_port: expected 1..65535, got 0"),
        (["--verify-workers", "0"], "verify_workers: expected an integer >= 1, got 0"),
        (["--expect-workers", "3"], "--expect-workers: only a --master run uses it"),
        (
            ["--master", "--expect-workers", "0"],
            "--expect-workers: expected an integer >= 1, got 0",
        ),
    ],
)
def test_cli_ignored_or_infinite_settings_are_one_line(
    argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rate the closed model would ignore and infinite values: exit 2 before any run."""
    line = one_line_error(capsys, "loadtest", "--log", str(EXAMPLE), *argv)
    assert needle in line


def test_cli_string_rate_in_the_config_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`rate = "100"` in the [loadtest] table: one line naming the key and the type."""
    config = tmp_path / "loadtest.toml"
    config.write_text('[loadtest]\nrate = "100"\n')
    line = one_line_error(capsys, "loadtest", "--log", str(EXAMPLE), "--config", str(config))
    assert "loadtest.rate: expected a finite number, got '100' (str)" in line


def test_cli_worker_with_an_unreadable_log_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`ccbench loadtest-worker` reads its log before connecting: a missing one is one line."""
    missing = tmp_path / "nope.ndjson"
    line = one_line_error(
        capsys, "loadtest-worker", "--master-host", "127.0.0.1", "--log", str(missing)
    )
    assert "nope.ndjson" in line
