"""ccbench.files: a file is replaced whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ccbench.files import replace_atomically


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
