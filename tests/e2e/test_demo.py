"""`make demo` (ccbench/demo.py): the contract check and the whole loop."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from ccbench.demo import check_contract, main
from loadtest import EXIT_LATENCY, EXIT_RATE


def test_contract_check_accepts_the_example(example_path: Path) -> None:
    """The example validates and round-trips losslessly."""
    buffer = io.StringIO()
    assert check_contract(log_path=example_path, console=Console(file=buffer, width=160)) == 0
    assert "valid" in buffer.getvalue() and "lossless" in buffer.getvalue()


def test_contract_check_fails_on_an_invalid_log(tmp_path: Path, example_path: Path) -> None:
    """An invalid log makes the check print the violations and return 1."""
    lines = example_path.read_text().splitlines()
    bad = tmp_path / "bad.ndjson"
    bad.write_text("\n".join([lines[0], *lines[2:]]) + "\n")  # drops the first login
    buffer = io.StringIO()
    assert check_contract(log_path=bad, console=Console(file=buffer, width=200)) == 1
    assert "violation" in buffer.getvalue()


@pytest.mark.slow
def test_demo_loop_is_accurate(tmp_path: Path) -> None:
    """Simulate, serve, load and verify for a few seconds: no wrong value, no error, no
    harness failure, a report.html, and every one of the five families queried (a latency
    row per endpoint). (The demo also applies the default latency and rate thresholds, which
    a loaded machine may break: those bits are not under test here.)"""
    buffer = io.StringIO()
    code = main(out_dir=tmp_path, duration_s=5, rate=20, console=Console(file=buffer, width=200))
    assert code & ~(EXIT_LATENCY | EXIT_RATE) == 0, buffer.getvalue()
    assert (tmp_path / "report.html").is_file()
    summary = json.loads((tmp_path / "summary.json").read_text())
    text = json.dumps(summary)
    for family in ("msgagentsegments", "dashboard", "agent_performance", "report", "supervision"):
        assert f'"{family}"' in text, family
