"""Log validation: schema, order, references and the lifecycle state machines."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccbench.eventlog import (
    RULES,
    EventLog,
    Roster,
    read_log,
    table_from_records,
    validate,
)
from tests.support.validate_reference import (
    DIFFERENTIAL_SETTINGS,
    mutated_records,
    reference_validate,
)


@pytest.fixture
def roster(example_path: Path) -> Roster:
    return Roster.from_dict(json.loads(example_path.read_text().splitlines()[0])["roster"])


def _log(records: list[dict[str, Any]], roster: Roster) -> EventLog:
    """A log in the given (file) order: seq = position, account acme unless set."""
    full = []
    for i, r in enumerate(records):
        full.append({"event_id": f"e{i}", "seq": i, "account": "acme", **r})
    return EventLog.from_table(table_from_records(full), roster=roster, sort=False)


def test_example_is_valid(example_path: Path) -> None:
    """The checked-in example log has no violation."""
    assert validate(read_log(example_path, sort=False)) == []


def _open(cid: str, ts: int, site: str = "paris", channel: str = "messaging") -> dict[str, Any]:
    return {
        "ts": ts,
        "kind": "conversation.opened",
        "conversation_id": cid,
        "site": site,
        "channel": channel,
        "source": "WEB",
        "consumer_id": "u",
    }


def _ev(ts: int, kind: str, cid: str | None = None, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"ts": ts, "kind": kind, **fields}
    if cid is not None:
        record["conversation_id"] = cid
    return record


def test_every_violation_is_reported(roster: Roster) -> None:
    """A log with eighteen different violations gets each one reported, with its event id."""
    records = [
        _ev(0, "agent.login", agent_id=12, site="paris"),  # e0 ok
        _ev(0, "agent.login", agent_id=14, site="lyon"),  # e1 ok
        _open("a", 10),  # e2 ok
        _ev(11, "conversation.queued", "a", skill_id=333),  # e3 ok
        # e4: Alice accepts without any offer -> lifecycle.accept-without-offer
        _ev(12, "assignment.accepted", "a", agent_id=12, skill_id=333, reason="new"),
        # e5: Bruno is not the assigned agent -> lifecycle.not-assigned
        _ev(13, "conversation.transferred", "a", agent_id=13, to_skill_id=444),
        _ev(14, "conversation.closed", "a", closed_by="consumer", reason="bye"),  # e6 ok
        # e7: an agent message in a closed conversation -> lifecycle.message-ended
        _ev(15, "message.sent", "a", sender_role="agent", agent_id=12),
        # e8: an assignment of a closed conversation -> lifecycle.assign-state
        _ev(16, "assignment.accepted", "a", agent_id=12, skill_id=333, reason="new"),
        _open("b", 20),  # e9 ok
        _ev(21, "conversation.queued", "b", skill_id=333),  # e10 ok
        _ev(22, "assignment.offered", "b", agent_id=13, skill_id=333, reason="new"),  # e11 ok
        # e12: Bruno never logged in -> agent.logged-out
        _ev(23, "assignment.accepted", "b", agent_id=13, skill_id=333, reason="new"),
        # e13: an agent id nobody knows -> ref.agent
        _ev(24, "message.sent", "b", sender_role="participant", agent_id=999),
        # e14: a conversation never opened -> ref.conversation
        _ev(25, "message.sent", "zzz", sender_role="consumer"),
        # e15: abandon of an assigned conversation -> lifecycle.abandon-state
        _ev(26, "conversation.abandoned", "b"),
        # e16: the same event id as e15 -> unique.event_id (set below)
        _ev(27, "view.ended", "b", agent_id=13),  # also view.unmatched
        # e17: ts goes backwards -> order
        _ev(5, "agent.logout", agent_id=20, site="paris"),  # also agent.logout-without-login
        # e18: missing required field 'site' -> schema.required
        _ev(30, "agent.login", agent_id=20),
        # e19: wrong account -> account
        {**_ev(31, "agent.status", agent_id=12, status="away"), "account": "other"},
        _open("c", 40, site="lyon"),  # e20 ok
        _ev(41, "conversation.queued", "c", skill_id=444),  # e21 ok
        _ev(42, "assignment.offered", "c", agent_id=14, skill_id=444, reason="new"),  # e22
        _ev(43, "assignment.accepted", "c", agent_id=14, skill_id=444, reason="new"),  # e23
        _open("d", 44, site="lyon"),  # e24 ok
        _ev(45, "conversation.queued", "d", skill_id=444),  # e25 ok
        _ev(46, "assignment.offered", "d", agent_id=14, skill_id=444, reason="new"),  # e26
        # e27: Chloe (max_slots 1) already holds c -> agent.max-slots
        _ev(47, "assignment.accepted", "d", agent_id=14, skill_id=444, reason="new"),
        # e28: Chloe (human) sends as a bot -> message.role
        _ev(48, "message.sent", "d", sender_role="bot", agent_id=14),
        _ev(49, "agent.status", agent_id=12, status="away"),  # e29 ok
        _open("e", 50),  # e30 ok
        _ev(51, "conversation.queued", "e", skill_id=333),  # e31 ok
        _ev(52, "assignment.offered", "e", agent_id=12, skill_id=333, reason="new"),  # e32
        # e33: Alice is away -> agent.unavailable
        _ev(53, "assignment.accepted", "e", agent_id=12, skill_id=333, reason="new"),
        # e34: opened twice -> lifecycle.duplicate-open
        _open("e", 54),
        # e35: offer for skill 444 while queued to 333 -> routing.offer-skill
        _open("f", 55),
        _ev(56, "conversation.queued", "f", skill_id=333),
        _ev(57, "assignment.offered", "f", agent_id=12, skill_id=444, reason="new"),
    ]
    log_records = list(records)
    log_records[16] = {**log_records[16], "event_id": "e15"}
    log = _log(log_records, roster)
    violations = validate(log)
    found = {(v.rule, v.event_id) for v in violations}
    expected = {
        ("lifecycle.accept-without-offer", "e4"),
        ("lifecycle.not-assigned", "e5"),
        ("lifecycle.message-ended", "e7"),
        ("lifecycle.assign-state", "e8"),
        ("agent.logged-out", "e12"),
        ("ref.agent", "e13"),
        ("ref.conversation", "e14"),
        ("lifecycle.abandon-state", "e15"),
        ("unique.event_id", "e15"),
        ("view.unmatched", "e15"),
        ("order", "e17"),
        ("agent.logout-without-login", "e17"),
        ("schema.required", "e18"),
        ("account", "e19"),
        ("agent.max-slots", "e27"),
        ("message.role", "e28"),
        ("agent.unavailable", "e33"),
        ("lifecycle.duplicate-open", "e34"),
        ("routing.offer-skill", "e37"),
    }
    assert expected <= found, sorted(expected - found)
    assert len({rule for rule, _ in expected}) >= 10
    # nothing unexpected: every reported violation is one we planted
    assert found == expected
    for v in violations:
        assert v.rule in RULES or v.rule.startswith("schema.")
        assert v.message


def test_violation_values_name_the_offending_values(roster: Roster) -> None:
    """A violation carries the values involved, for machine-readable reports."""
    log = _log([_ev(0, "agent.login", agent_id=14, site="paris")], roster)
    (v,) = validate(log)
    assert (v.rule, v.values) == ("ref.site", {"agent_id": 14, "site": "paris"})
    assert str(v) == (
        "row 0 event e0 [ref.site] agent 14 logs in to site 'paris', not one of its sites ['lyon']"
    )


def test_takeover_needs_the_taken_over_event(roster: Roster) -> None:
    """A takeover accept without conversation.taken_over is illegal; with it, legal."""
    base = [
        _ev(0, "agent.login", agent_id=12, site="paris"),
        _ev(0, "agent.login", agent_id=20, site="paris"),
        _open("a", 1),
        _ev(2, "conversation.queued", "a", skill_id=333),
        _ev(3, "assignment.offered", "a", agent_id=12, skill_id=333, reason="new"),
        _ev(4, "assignment.accepted", "a", agent_id=12, skill_id=333, reason="new"),
    ]
    take = _ev(6, "assignment.accepted", "a", agent_id=20, skill_id=333, reason="takeover")
    rules = [v.rule for v in validate(_log([*base, take], roster))]
    assert rules == ["lifecycle.takeover-accept"]
    over = _ev(5, "conversation.taken_over", "a", agent_id=20, from_agent_id=12)
    assert validate(_log([*base, over, take], roster)) == []


def test_schema_rules(roster: Roster) -> None:
    """Per-event schema: forbidden field, bad choice, out-of-range int, bad reason."""
    log = _log(
        [
            _ev(0, "agent.status", agent_id=12, status="asleep"),
            _ev(1, "agent.status", agent_id=12, status="away", csat=3),
            _ev(2, "survey.answered", "x", csat=9),
            _ev(3, "assignment.offered", "x", agent_id=12, skill_id=333, reason="because"),
        ],
        roster,
    )
    rules = [(v.rule, v.event_id) for v in validate(log)]
    assert rules == [
        ("schema.status", "e0"),
        ("schema.forbidden", "e1"),
        ("schema.csat", "e2"),
        ("schema.reason", "e3"),
    ]


def test_unrecorded_offers_and_agent_states_are_not_required(roster: Roster) -> None:
    """A source that records no offers nor agent states (roster.unrecorded_kinds) is not
    held to their rules: an accept needs no offer, no login, no online status, no free
    slot; an event of an unrecorded kind is itself a violation."""
    records = [
        _open("a", 10),
        _ev(11, "conversation.queued", "a", skill_id=333),
        _ev(12, "assignment.accepted", "a", agent_id=12, skill_id=333, reason="new"),
        _open("b", 13),
        _ev(14, "conversation.queued", "b", skill_id=444),
        _ev(15, "assignment.accepted", "b", agent_id=14, skill_id=444, reason="new"),
    ]
    strict = validate(_log(records, roster))
    assert {v.rule for v in strict} == {"lifecycle.accept-without-offer", "agent.logged-out"}
    unrecorded = ("agent.login", "agent.logout", "agent.status", "assignment.offered")
    lenient = replace(roster, unrecorded_kinds=unrecorded)
    assert validate(_log(records, lenient)) == []
    with_login = [_ev(0, "agent.login", agent_id=12, site="paris"), *records]
    assert [v.rule for v in validate(_log(with_login, lenient))] == ["unrecorded"]


def test_sla_policy_must_be_a_roster_policy(roster: Roster) -> None:
    """conversation.opened naming an sla_policy the roster lacks breaks ref.sla_policy;
    naming the example roster's policy is valid."""
    known = roster.sla_policies[0].id
    log = _log([{**_open("a", 0), "sla_policy": known}, {**_open("b", 1), "sla_policy": "gold"}],
               roster)  # fmt: skip
    (v,) = validate(log)
    assert (v.rule, v.row, v.values) == ("ref.sla_policy", 1, {"sla_policy": "gold"})
    assert v.message == "sla_policy 'gold' is not in roster.sla_policies"


def test_busy_agent_takes_no_new_conversation(roster: Roster) -> None:
    """An accept by an agent whose status is busy breaks agent.unavailable (as away does);
    back online, the same accept is valid."""
    records = [
        _ev(0, "agent.login", agent_id=12, site="paris"),
        _ev(1, "agent.status", agent_id=12, status="busy"),
        _open("a", 2),
        _ev(3, "conversation.queued", "a", skill_id=333),
        _ev(4, "assignment.offered", "a", agent_id=12, skill_id=333, reason="new"),
        _ev(5, "assignment.accepted", "a", agent_id=12, skill_id=333, reason="new"),
    ]
    (v,) = validate(_log(records, roster))
    assert (v.rule, v.values) == ("agent.unavailable", {"agent_id": 12, "status": "busy"})
    records[1] = _ev(1, "agent.status", agent_id=12, status="online")
    assert validate(_log(records, roster)) == []


def test_survey_sent_needs_only_an_opened_conversation(roster: Roster) -> None:
    """survey.sent is valid in any state after opened, with or without an answer after it;
    before the conversation is opened it breaks ref.conversation."""
    records = [
        _ev(0, "survey.sent", "a"),
        _open("a", 1),
        _ev(2, "conversation.closed", "a", closed_by="consumer", reason="bye"),
        _ev(3, "survey.sent", "a"),
        _ev(4, "survey.answered", "a", csat=4),
    ]
    assert [(v.rule, v.row) for v in validate(_log(records, roster))] == [("ref.conversation", 0)]


# -- the fast validator against the plain reference (tests/support/validate_reference.py) --


@DIFFERENTIAL_SETTINGS
@given(data=st.data())
def test_validate_matches_the_reference_on_mutated_logs(example_path: Path, data: Any) -> None:
    """On the example log after random edits (any roster's unrecorded kinds, the table in
    one or several chunks), validate gives exactly the reference's violations: same rules,
    rows, ids, messages and values, in the same order."""
    example = read_log(example_path, sort=False)
    records = data.draw(mutated_records(list(example.records())))
    unrecorded = data.draw(
        st.sampled_from([(), ("assignment.offered",), ("agent.login", "agent.logout")])
    )
    roster = replace(example.roster, unrecorded_kinds=unrecorded)
    table = table_from_records(records)
    cut = data.draw(st.integers(0, table.num_rows))
    table = pa.concat_tables([table.slice(0, cut), table.slice(cut)])  # two chunks
    log = EventLog.from_table(table, roster=roster, sort=False)
    expected = reference_validate(log)
    assert validate(log) == expected
    assert [str(v) for v in validate(log)] == [str(v) for v in expected]


def test_validate_matches_the_reference_on_the_empty_log(roster: Roster) -> None:
    """An empty log has no violation, for validate and the reference alike."""
    log = EventLog.from_table(table_from_records([]), roster=roster, sort=False)
    assert validate(log) == reference_validate(log) == []
