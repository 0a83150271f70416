"""The rules an event breaks by itself against the roster: its account, the agents and
skills it names, and a kind the roster says the source does not record.

:func:`check_event_refs` is the rule (docs/eventlog.md, "Validation": account,
ref.agent, ref.skill, unrecorded), run by :class:`EventChecker`
(ccbench/eventlog/_conversation_checks.py) before the lifecycle checks of the
same event. :func:`suspect_rows` finds, column-wise, every row that might break
one of them (a superset: a row outside it breaks none), so that on a valid
one-day log (about 1.1M events) the rule runs for the few rows that need it
instead of for every event.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from ._agent_checks import Fail
from ._lifecycle_event import LifecycleEvent
from ._roster import Roster

__all__ = ["check_event_refs", "suspect_rows"]

_AGENT_FIELDS = ("agent_id", "from_agent_id", "to_agent_id")
_SKILL_FIELDS = ("skill_id", "to_skill_id")
_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1


def check_event_refs(roster: Roster, fail: Fail, e: LifecycleEvent) -> None:
    """Report each rule ``e`` breaks by itself, in this order: account, the agent fields
    (agent_id, from_agent_id, to_agent_id), the skill fields (skill_id, to_skill_id),
    an unrecorded kind."""
    if e.account != roster.account:
        fail(
            "account",
            f"account {e.account!r} differs from the roster's {roster.account!r}",
            account=e.account,
        )
    for what, agent in zip(
        _AGENT_FIELDS, (e.agent_id, e.from_agent_id, e.to_agent_id), strict=True
    ):
        if agent is not None and roster.agent(agent) is None:
            fail("ref.agent", f"{what} {agent} is not in roster.agents", **{what: agent})
    for what, skill in zip(_SKILL_FIELDS, (e.skill_id, e.to_skill_id), strict=True):
        if skill is not None and roster.skill(skill) is None:
            fail("ref.skill", f"{what} {skill} is not in roster.skills", **{what: skill})
    if e.kind in roster.unrecorded_kinds:
        fail(
            "unrecorded",
            f"{e.kind} event, but roster.unrecorded_kinds says the source records none",
            kind=e.kind,
        )


def suspect_rows(table: pa.Table, roster: Roster) -> set[int]:
    """Rows of a conformed table where :func:`check_event_refs` may report something:
    another account, an agent or skill id the roster lacks, an unrecorded kind."""
    suspect = pc.fill_null(pc.not_equal(table.column("account"), roster.account), True)
    for fields, known in (
        (_AGENT_FIELDS, [a.id for a in roster.agents]),
        (_SKILL_FIELDS, [s.id for s in roster.skills]),
    ):
        known = [i for i in known if _I64_MIN <= i <= _I64_MAX]  # no column holds another
        for name in fields:
            column = table.column(name)
            if column.null_count == len(column):
                continue
            unknown = pc.invert(pc.is_in(column, value_set=pa.array(known, pa.int64())))
            suspect = pc.or_(suspect, pc.and_(pc.is_valid(column), unknown))
    if roster.unrecorded_kinds:
        unrecorded = pa.array(list(roster.unrecorded_kinds), pa.string())
        suspect = pc.or_(suspect, pc.is_in(table.column("kind"), value_set=unrecorded))
    if not pc.any(suspect).as_py():
        return set()
    return set(pc.indices_nonzero(suspect).to_pylist())
