"""Roster parsing and cross-checks (ccbench/eventlog/_roster.py)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from ccbench import RosterError
from ccbench.eventlog import Roster


@pytest.fixture
def doc(example_path: Path) -> dict[str, Any]:
    return json.loads(example_path.read_text().splitlines()[0])["roster"]


def test_example_roster_round_trips(doc: dict[str, Any]) -> None:
    """from_dict(to_dict(r)) == r, and lookups find agents and skills by id."""
    roster = Roster.from_dict(doc)
    assert Roster.from_dict(roster.to_dict()) == roster
    alice = roster.agent(12)
    assert alice is not None and alice.max_slots == 3 and alice.skills == (333, 444)
    assert roster.skill(444) is not None and roster.skill(444).intensity == 1.5  # type: ignore[union-attr]
    assert roster.agent(99) is None
    assert roster.bot_flows() == {"welcome", "order_status"}


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (
            ("agents", 0, "max_slots"),
            -1,
            r"roster.agents\[0\].max_slots: expected an integer >= 0, got -1 \(int\)",
        ),
        (
            ("agents", 0, "user_type"),
            "robot",
            r"roster.agents\[0\].user_type: expected one of human, bot, got 'robot'",
        ),
        (("agents", 0, "group_id"), 77, r"roster.agents\[0\].group_id: expected a group id"),
        (("agents", 0, "skills"), [333, 1], r"roster.agents\[0\].skills: expected skill ids"),
        (("agents", 0, "sites"), ["rome"], r"roster.agents\[0\].sites: expected site ids"),
        (("timezone",), "Mars/Olympus", r"roster.timezone: expected an IANA time zone"),
        (("skills", 0, "intensity"), "high", r"roster.skills\[0\].intensity: expected a number"),
        (
            ("bots", 0, "agent_id"),
            12,
            r"roster.bots\[0\].agent_id: expected the id of an agent "
            "with user_type bot, got 12",
        ),
        (("load", "inactive_weight"), -0.5, r"roster.load.inactive_weight: expected a number >= 0"),
        (
            ("objectives", 0, "metric"),
            "happiness",
            r"roster.objectives\[0\].metric: expected one of",
        ),
    ],
)
def test_errors_name_path_value_and_expectation(
    doc: dict[str, Any], path: tuple[Any, ...], value: Any, message: str
) -> None:
    """Each invalid value is reported with its JSON path, what arrived and what was expected."""
    broken = copy.deepcopy(doc)
    target = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(RosterError, match=message):
        Roster.from_dict(broken)


def test_unknown_key(doc: dict[str, Any]) -> None:
    """An unknown key is an error naming it."""
    doc["agents"][1]["colour"] = "red"
    with pytest.raises(RosterError, match=r"roster.agents\[1\]: unknown field 'colour'"):
        Roster.from_dict(doc)


def test_duplicate_ids(doc: dict[str, Any]) -> None:
    """Two agents with the same id are refused."""
    doc["agents"][1]["id"] = 12
    with pytest.raises(RosterError, match=r"roster.agents\[1\].id: duplicate 12"):
        Roster.from_dict(doc)


def test_sla_policy_needs_a_target(doc: dict[str, Any]) -> None:
    """An SLA policy without any target is refused."""
    doc["sla_policies"] = [{"id": "empty"}]
    with pytest.raises(RosterError, match="at least one of first_response_ms"):
        Roster.from_dict(doc)


def test_defaults() -> None:
    """A minimal roster gets UTC, the vendor's load weights and default signal thresholds."""
    roster = Roster.from_dict({"account": "a"})
    assert roster.timezone == "UTC"
    assert (
        roster.load.active_weight,
        roster.load.inactive_weight,
        roster.load.inactivity_timeout_ms,
    ) == (1.0, 0.1, 240_000)
    assert roster.signals.max_response_ms == 120_000


def test_unrecorded_kinds_are_event_kinds_sorted_and_omitted_when_empty(
    doc: dict[str, Any],
) -> None:
    """unrecorded_kinds lists kinds (sorted, deduplicated); an empty list is not written, so a
    complete source's roster documents stay as they were; an unknown kind names its path."""
    assert "unrecorded_kinds" not in Roster.from_dict(doc).to_dict()
    roster = Roster.from_dict({**doc, "unrecorded_kinds": ["agent.status", "agent.login"] * 2})
    assert roster.unrecorded_kinds == ("agent.login", "agent.status")
    assert Roster.from_dict(roster.to_dict()) == roster
    with pytest.raises(RosterError, match=r"roster.unrecorded_kinds\[1\]: expected an event kind"):
        Roster.from_dict({**doc, "unrecorded_kinds": ["agent.login", "agent.nap"]})
