"""ccbench convert: an output it cannot write is one line, and nothing is half-written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import one_line_error


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("folder.parquet", "folder.parquet: is a folder; expected a file path"),
        ("plain/x.parquet", "plain: is a file; expected a folder"),
        ("folder", "expected a file ending in .parquet"),
    ],
)
def test_unwritable_target_is_one_line(
    name: str, needle: str, example_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """TARGET on a folder, under a file, without a log suffix: exit 2 and one line."""
    (tmp_path / "folder.parquet").mkdir()
    (tmp_path / "folder").mkdir()
    (tmp_path / "plain").write_text("")
    line = one_line_error(capsys, "convert", str(example_path), str(tmp_path / name))
    assert needle in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "folder.parquet", "plain"]


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_target_in_proc_is_one_line(example_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """TARGET in /proc: exit 2 and one line naming the folder."""
    line = one_line_error(capsys, "convert", str(example_path), "/proc/x.parquet")
    assert "/proc: cannot create a file in this folder" in line
