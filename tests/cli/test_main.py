"""The ccbench command line: help everywhere, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ccbench.cli import main
from ccbench.cli._main import _COMMANDS
from tests.support.cli import one_line_error


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ccbench", *args], capture_output=True, text=True, check=False
    )


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    """`ccbench --help` exits 0 and names every subcommand."""
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for name in _COMMANDS:
        assert name in out


@pytest.mark.parametrize("command", _COMMANDS)
def test_every_subcommand_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`ccbench COMMAND --help` exits 0 with a usage line."""
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert f"usage: ccbench {command}" in capsys.readouterr().out


def test_validate_valid_log(example_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A valid log exits 0 and says so."""
    assert main(["validate", str(example_path)]) == 0
    assert "valid (169 events)" in capsys.readouterr().err


def test_validate_reports_violations_as_json(
    tmp_path: Path, example_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Violations exit 1; --json prints one object per violation with rule and event id."""
    lines = example_path.read_text().splitlines()
    # drop e0013 (an accept): later events of that conversation become illegal
    accepted = next(
        i for i, line in enumerate(lines) if json.loads(line).get("kind") == "assignment.accepted"
    )
    broken = tmp_path / "broken.ndjson"
    broken.write_text("\n".join(lines[:accepted] + lines[accepted + 1 :]) + "\n")
    assert main(["validate", "--json", str(broken)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out
    first = json.loads(out[0])
    assert set(first) == {"row", "event_id", "rule", "message", "values"}


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    """A missing file gives exit 2 and a single line on stderr, no traceback."""
    result = _run("validate", str(tmp_path / "missing.parquet"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert "no such file" in result.stderr


def test_convert_round_trip(example_path: Path, tmp_path: Path) -> None:
    """convert writes Parquet and back; the result validates."""
    assert main(["convert", str(example_path), str(tmp_path / "x.parquet")]) == 0
    assert main(["convert", str(tmp_path / "x.parquet"), str(tmp_path / "y.jsonl")]) == 0
    assert main(["validate", str(tmp_path / "y.jsonl")]) == 0


def test_console_script_is_installed() -> None:
    """The `ccbench` console script exists in the venv and answers --version."""
    script = Path(sys.executable).parent / "ccbench"
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=True)
    assert result.stdout.startswith("ccbench ")


def test_a_reader_closing_the_pipe_early_is_not_an_error() -> None:
    """`ccbench ... | head`: the closed pipe ends the command quietly with 141 (as SIGPIPE)."""
    with subprocess.Popen(
        [sys.executable, "-m", "ccbench", "oracle", "catalog"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # the reader is gone before the command writes a byte
        err = proc.stderr.read().decode()
        assert proc.wait() == 141
    assert err == ""


def test_an_environment_error_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An OSError no command anticipated still gives exit 2 and one line, no traceback."""
    from ccbench.cli import _validate

    def refuse(args: object) -> int:
        raise PermissionError(13, "Permission denied", "/secret/log.parquet")

    monkeypatch.setattr(_validate, "run", refuse)
    line = one_line_error(capsys, "validate", "x.parquet")
    assert line == "ccbench validate: error: /secret/log.parquet: Permission denied"
