"""docs/metrics.md states each family's parameters in the contract's declared order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ccbench.api import DASHBOARD, FAMILIES, MSGAGENTSEGMENTS, SUPERVISION, Family

METRICS_MD = (Path(__file__).resolve().parents[2] / "docs" / "metrics.md").read_text()


def _table_names(heading: str, family: Family) -> list[str]:
    """Parameter names of the first column of the table under ``heading``, in order."""
    section = METRICS_MD.split(heading, 1)[1].split("\n#", 1)[0]
    names = []
    for line in section.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            cell = line.split("|")[1]
            names += [n for n in re.findall(r"[A-Za-z_]+", cell) if n in family.names]
    return names


@pytest.mark.parametrize(
    ("heading", "family"),
    [
        ("### 2.4 Parameters", MSGAGENTSEGMENTS),
        ("### 3.1 Parameters", DASHBOARD),
        ("### 6.1 Parameters", SUPERVISION),
    ],
    ids=["msgagentsegments", "dashboard", "supervision"],
)
def test_parameter_tables_follow_the_declared_order(heading: str, family: Family) -> None:
    """Each family's parameter table lists every parameter once, in declared order (the
    order that decides which parameter an error names)."""
    assert _table_names(heading, family) == list(family.names)


def test_every_family_and_parameter_is_named() -> None:
    """Every family constant and every parameter name appears in docs/metrics.md."""
    section = METRICS_MD.split("### Errors of every query API", 1)[1]
    for family in FAMILIES:
        assert f"ccbench.api.{family.name.upper()}" in METRICS_MD or (
            family.name.upper() in section
        ), family.name
        for name in family.names:
            assert f"`{name}`" in METRICS_MD or f"| {name} |" in METRICS_MD, name
