"""Shared by the contract's tests: the oracle of the example log the conformance cases use."""

from __future__ import annotations

import pytest

from ccbench.api import load_conformance
from ccbench.eventlog import read_log
from oracle import Oracle
from tests.conftest import ROOT


@pytest.fixture(scope="session")
def example_oracle() -> Oracle:
    """The oracle of examples/example.ndjson (the log conformance.json names)."""
    return Oracle(read_log(ROOT / load_conformance().log))
