"""docs/eventlog.md describes every kind, field and validation rule the code has."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccbench.eventlog import FIELDS, KINDS, RULES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "eventlog.md").read_text()


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_every_field_is_documented(name: str) -> None:
    """Each field of the schema appears in the field table."""
    assert f"| `{name}` |" in DOC


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_is_documented(kind: str) -> None:
    """Each event kind appears in the kind table."""
    assert f"| `{kind}` |" in DOC


@pytest.mark.parametrize("rule", sorted(r for r in RULES if r != "schema.<field>"))
def test_every_rule_is_documented(rule: str) -> None:
    """Each validation rule id appears in the lifecycle section."""
    assert f"`{rule}`" in DOC
