"""The message rules (ccbench/eventlog/_message_checks.py): notes and outbound conversations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ccbench.eventlog import EventLog, Roster, table_from_records, validate


@pytest.fixture
def roster(example_path: Path) -> Roster:
    return Roster.from_dict(json.loads(example_path.read_text().splitlines()[0])["roster"])


def _rules(records: list[dict[str, Any]], roster: Roster) -> list[tuple[str, str]]:
    full = [
        {"event_id": f"e{i}", "seq": i, "ts": i, "account": "acme", **r}
        for i, r in enumerate(records)
    ]
    log = EventLog.from_table(table_from_records(full), roster=roster)
    return [(v.rule, v.message) for v in validate(log)]


def _opened(channel: str = "messaging", **extra: Any) -> dict[str, Any]:
    return {
        "kind": "conversation.opened",
        "conversation_id": "c",
        "site": "paris",
        "channel": channel,
        "source": "WEB",
        "consumer_id": "u",
        **extra,
    }


def _assigned(channel: str = "messaging", **extra: Any) -> list[dict[str, Any]]:
    """Alice (12) logged in and assigned to conversation c (no queue: an outbound start)."""
    c = {"conversation_id": "c"}
    return [
        {"kind": "agent.login", "agent_id": 12, "site": "paris"},
        _opened(channel, **extra),
        {**c, "kind": "assignment.offered", "agent_id": 12, "skill_id": 333, "reason": "new"},
        {**c, "kind": "assignment.accepted", "agent_id": 12, "skill_id": 333, "reason": "new"},
    ]


def _msg(role: str, agent: int | None = None, **extra: Any) -> dict[str, Any]:
    record = {"kind": "message.sent", "conversation_id": "c", "sender_role": role, **extra}
    return record if agent is None else {**record, "agent_id": agent}


@pytest.mark.parametrize("role", ["consumer", "system"])
def test_note_from_consumer_or_system_is_refused(roster: Roster, role: str) -> None:
    """An internal note by the consumer or the system breaks message.note-sender, one line
    naming the field's value and what was expected."""
    got = _rules([*_assigned(), _msg(role, visibility="internal")], roster)
    assert got == [
        (
            "message.note-sender",
            f"internal note in 'c' from sender_role {role!r}; expected a company user "
            "(agent, bot, manager or participant)",
        )
    ]


def test_notes_by_company_users_are_valid(roster: Roster) -> None:
    """Notes by the assigned agent and by a participant are valid; the role rules still
    hold for notes (a participant note from the assigned agent is a message.role)."""
    ok = [*_assigned(), _msg("agent", 12, visibility="internal"), _msg("participant", 13,
          visibility="internal")]  # fmt: skip
    assert _rules(ok, roster) == []
    bad = [*_assigned(), _msg("participant", 12, visibility="internal")]
    assert [r for r, _ in _rules(bad, roster)] == ["message.role"]


def test_note_in_a_call_is_valid_but_a_message_is_not(roster: Roster) -> None:
    """A note may be written on a call; a public message may not (lifecycle.call-message)."""
    note = _msg("agent", 12, visibility="internal")
    assert _rules([*_assigned("call", source="PHONE"), note], roster) == []
    got = _rules([*_assigned("call", source="PHONE"), _msg("agent", 12)], roster)
    assert [r for r, _ in got] == ["lifecycle.call-message"]


def test_outbound_conversation_starting_with_the_consumer_is_refused(roster: Roster) -> None:
    """An outbound conversation whose first public message is the consumer's breaks
    message.outbound-first; a note before it does not count as the company writing."""
    got = _rules(
        [
            *_assigned(direction="outbound"),
            _msg("agent", 12, visibility="internal"),
            _msg("consumer"),
        ],
        roster,
    )
    assert got == [
        (
            "message.outbound-first",
            "outbound 'c' starts with a consumer message; expected the company to write "
            "first (an agent, bot, manager, participant or the system)",
        )
    ]


def test_outbound_conversation_where_the_company_writes_first_is_valid(roster: Roster) -> None:
    """The agent writes first, then the consumer answers: valid; an inbound conversation
    may start with the consumer (direction inbound is the default)."""
    outbound = [*_assigned(direction="outbound"), _msg("agent", 12), _msg("consumer")]
    assert _rules(outbound, roster) == []
    inbound = [*_assigned(direction="inbound"), _msg("consumer"), _msg("agent", 12)]
    assert _rules(inbound, roster) == []
    system_first = [*_assigned(direction="outbound"), _msg("system"), _msg("consumer")]
    assert _rules(system_first, roster) == []
