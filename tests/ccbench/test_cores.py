"""usable_cores counts the cores the affinity mask allows, not the machine's."""

from __future__ import annotations

import os

import pytest

from ccbench.cores import usable_cores


def test_usable_cores_follows_the_affinity_mask(monkeypatch: pytest.MonkeyPatch) -> None:
    """A mask of 3 cores gives 3 whatever the machine has; no mask support falls back
    to the CPU count, and an unknown count to 1."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 2, 5}, raising=False)
    assert usable_cores() == 3
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    assert usable_cores() == 6
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert usable_cores() == 1
