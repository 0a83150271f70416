"""`make demo` (ccbench/demo.py) on the example log."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from ccbench.demo import main


def test_demo_validates_and_summarises(example_path: Path) -> None:
    """The demo accepts the example, reports a lossless round trip and prints the summary."""
    buffer = io.StringIO()
    assert main(log_path=example_path, console=Console(file=buffer, width=120)) == 0
    text = buffer.getvalue()
    assert "valid" in text and "lossless" in text
    assert "conversation.opened" in text


def test_demo_fails_on_an_invalid_log(tmp_path: Path, example_path: Path) -> None:
    """An invalid log makes the demo print the violations and return 1."""
    lines = example_path.read_text().splitlines()
    bad = tmp_path / "bad.ndjson"
    bad.write_text("\n".join([lines[0], *lines[2:]]) + "\n")  # drops the first login
    buffer = io.StringIO()
    assert main(log_path=bad, console=Console(file=buffer, width=200)) == 1
    assert "violation" in buffer.getvalue()
