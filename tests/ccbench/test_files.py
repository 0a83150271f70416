"""ccbench.files: a file is replaced whole or not at all; unwritable outputs are one error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ccbench import CCBenchError, OutputError
from ccbench.files import replace_atomically, writable_file, writable_folder


def test_replaces_and_creates_folders(tmp_path: Path) -> None:
    """The content lands under the name, in a folder made for it, with open()'s permissions."""
    target = tmp_path / "a" / "b.txt"
    assert replace_atomically(target, lambda p: p.write_text("x")) == target
    umask = os.umask(0)
    os.umask(umask)
    assert target.read_text() == "x" and target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_failure_keeps_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    """A writer failing half-way leaves the previous content and nothing else."""
    target = tmp_path / "t.txt"
    target.write_text("old")

    def half(p: Path) -> None:
        p.write_text("ne")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        replace_atomically(target, half)
    assert target.read_text() == "old" and list(tmp_path.iterdir()) == [target]


def test_a_folder_in_the_way_is_one_output_error(tmp_path: Path) -> None:
    """Replacing a path that is a folder raises OutputError naming it; nothing is left behind."""
    (tmp_path / "x.parquet").mkdir()
    with pytest.raises(OutputError, match=r"x.parquet: is a folder; expected a file path"):
        replace_atomically(tmp_path / "x.parquet", lambda p: p.write_text("x"))
    with pytest.raises(OutputError, match="is a folder"):
        writable_file(tmp_path / "x.parquet")
    assert [p.name for p in tmp_path.iterdir()] == ["x.parquet"]


def test_a_file_where_a_folder_goes_is_named(tmp_path: Path) -> None:
    """A path under a regular file names that file as the obstacle (file and folder checks)."""
    (tmp_path / "plain").write_text("")
    for check in (writable_file, writable_folder):
        with pytest.raises(OutputError, match=r"plain is a file; expected a folder there"):
            check(tmp_path / "plain" / "sub" / "out.csv")
    with pytest.raises(OutputError, match="plain is a file"):
        replace_atomically(tmp_path / "plain" / "x.txt", lambda p: p.write_text("x"))


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_a_folder_that_takes_no_files_is_refused() -> None:
    """/proc exists but takes no new files: the probe finds it before any work is done."""
    with pytest.raises(OutputError, match=r"/proc: cannot create a file in this folder"):
        writable_file(Path("/proc/x.parquet"))


def test_writable_checks_create_nothing(tmp_path: Path) -> None:
    """A folder that does not exist yet passes without being created; the probe is gone."""
    assert writable_folder(tmp_path / "a" / "b") == tmp_path / "a" / "b"
    assert writable_file(tmp_path / "c" / "d.txt") == tmp_path / "c" / "d.txt"
    (tmp_path / "e").mkdir()
    assert writable_folder(tmp_path / "e") == tmp_path / "e"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["e"]
    (tmp_path / "f").write_text("")
    with pytest.raises(OutputError, match=r"f: is a file; expected a folder"):
        writable_folder(tmp_path / "f")


def test_output_error_is_an_oserror_and_a_ccbench_error() -> None:
    """OutputError is caught as OSError by callers and as CCBenchError by the CLI."""
    assert issubclass(OutputError, OSError) and issubclass(OutputError, CCBenchError)
