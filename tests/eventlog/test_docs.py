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


def test_ranges_are_documented_as_the_code_has_them() -> None:
    """The time, seq and free-text limits in the doc are the contract's constants."""
    from ccbench.eventlog import MAX_SEQ, MAX_TEXT_LENGTH, MAX_TS_MS

    assert f"to **{MAX_TS_MS}**" in DOC and f"0 to {MAX_TS_MS}, ms since epoch UTC" in DOC
    assert MAX_SEQ == 2**53 - 1 and f"to **{MAX_SEQ}**" in DOC
    assert f"**1 to {MAX_TEXT_LENGTH} characters**" in DOC
    # 9999-12-31T23:59:59.999Z, as the doc says
    from datetime import UTC, datetime

    assert datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC).timestamp() * 1000 == MAX_TS_MS
    assert 2**15 * MAX_TS_MS < 2**63  # the doc's "2^15 differences fit int64"
