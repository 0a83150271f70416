"""ccbench simulate: an output it cannot write is refused in one line before simulating."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import forbid, one_line_error


@pytest.fixture
def no_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any simulation fail the test: the output must be refused before one starts."""
    import sim

    forbid(monkeypatch, sim, "simulate", "a simulation ran")


@pytest.mark.usefixtures("no_simulation")
@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("folder.parquet", "folder.parquet: is a folder; expected a file path"),
        ("plain/x.parquet", "plain: is a file; expected a folder"),
        ("folder", "expected a file ending in .parquet, .pq, .ndjson, .jsonl"),
    ],
)
def test_unwritable_out_is_one_line_before_simulating(
    name: str, needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--out on a folder, under a file, without a log suffix: exit 2, one line, no run."""
    (tmp_path / "folder.parquet").mkdir()
    (tmp_path / "folder").mkdir()
    (tmp_path / "plain").write_text("")
    line = one_line_error(capsys, "simulate", "smoke", "--out", str(tmp_path / name))
    assert needle in line


@pytest.mark.usefixtures("no_simulation")
@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_out_in_proc_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """--out in /proc (exists, takes no files): exit 2, one line, no run."""
    line = one_line_error(capsys, "simulate", "smoke", "--out", "/proc/x.parquet")
    assert "/proc: cannot create a file in this folder" in line


def test_days_past_the_bound_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--days 1e6 (a hang before) is refused in one line naming days and the bound."""
    out = str(tmp_path / "x.parquet")
    line = one_line_error(capsys, "simulate", "erlang_c", "--days", "1e6", "--out", out)
    assert "parameter 'days'" in line and "at most 366 days" in line
