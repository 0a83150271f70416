"""docs/formats.md stays true: its examples run as written, its mapping names every kind."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from ccbench.eventlog import KINDS
from ccbench.records import UNRECORDED_KINDS

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "formats.md").read_text()


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, flags=re.S)


def test_python_example_runs_and_prints_what_it_says() -> None:
    """The Python example prints the counts its last comment shows."""
    (code,) = _blocks("python")
    expected = code.strip().splitlines()[-1].lstrip("# ")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == expected


@pytest.mark.parametrize("block", _blocks("sh"))
def test_shell_examples_run(block: str) -> None:
    """Each shell example exits 0 (with the project's ccbench first on PATH)."""
    bin_dir = str(Path(sys.executable).parent)
    run = subprocess.run(
        ["bash", "-ec", f'PATH="{bin_dir}:$PATH"\n{block}'],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr


def test_the_mapping_names_every_kind() -> None:
    """Every kind is in the mapping table or the table of what records cannot carry."""
    for kind in KINDS:
        assert f"`{kind}`" in DOC, kind
    for kind in UNRECORDED_KINDS:
        assert f"`{kind}`" in DOC.split("## What a record cannot carry")[1], kind
