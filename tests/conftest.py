"""Shared fixtures: paths to the checked-in example log and the repository root."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def example_path() -> Path:
    """The hand-written example log (examples/README.md tells each conversation's story)."""
    return ROOT / "examples" / "example.ndjson"
