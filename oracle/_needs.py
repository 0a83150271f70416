"""Which event kinds each metric needs, and what a log that lacks them can answer.

A log whose source cannot record some kinds says so in ``roster.unrecorded_kinds``
(docs/eventlog.md); conversation records, for instance, carry no agent login or status
(docs/formats.md). A metric that needs such a kind is **unavailable** on that log:
its values are null, never 0, and the response names it with the reason under a
top-level ``"unavailable"`` object (path of the value -> reason). The paths are the
registry's (``computed_by``): ``a.b`` a key, ``a[].b`` every element of a list,
``a.<x>.b`` every key of an object.

``conversation.resumed`` stands for "a closed conversation came back" where a metric
treats resumes and reopens alike (the records importer writes reopens as resumes);
a metric that tells them apart needs ``conversation.reopened`` as well.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ccbench.eventlog import Roster

from ._registry import CATALOG

__all__ = ["CSV_ROWS", "NEEDS", "apply_unavailable", "csv_unavailable", "needs", "unavailable"]

_OPENED, _QUEUED, _ACCEPTED = "conversation.opened", "conversation.queued", "assignment.accepted"
_MESSAGE, _CLOSED = "message.sent", "conversation.closed"
_SEGMENTS = (_OPENED, _ACCEPTED, "conversation.transferred", "conversation.back_to_queue",
             "conversation.taken_over", _CLOSED, _MESSAGE)  # fmt: skip
_STATE = (*_SEGMENTS, _QUEUED, "conversation.resumed", "conversation.abandoned")
_AGENTS = ("agent.login", "agent.logout", "agent.status")
_STAYS = (_OPENED, _QUEUED, _ACCEPTED, "conversation.abandoned", _CLOSED)
_SURVEY, _MCS, _SALE = "survey.answered", "mcs.scored", "sale.recorded"
_SNOOZES = ("conversation.snoozed", "conversation.unsnoozed")
_OFFERS = ("assignment.offered", "assignment.declined")

# fmt: off
_BY_FAMILY: dict[str, tuple[str, ...]] = {
    "agent_segments": _SEGMENTS,
}
_BY_METRIC: dict[str, tuple[str, ...]] = {
    "dashboard.active": _STATE,
    "dashboard.load": (*_STATE, *_AGENTS),
    "dashboard.load_online": (*_STATE, *_AGENTS),
    "dashboard.load_other": (*_STATE, *_AGENTS),
    "dashboard.mcs": (*_STATE, _MCS),
    "dashboard.mcs_positive": (*_STATE, _MCS),
    "dashboard.mcs_negative": (*_STATE, _MCS),
    "dashboard.chat_in_queue": _STAYS,
    "dashboard.chat_entered": _STAYS,
    "dashboard.chat_abandoned": _STAYS,
    "dashboard.chat_abandon_rate": _STAYS,
    "dashboard.chat_avg_time_to_abandon": _STAYS,
    "dashboard.chat_connected": _STAYS,
    "dashboard.chat_service_level": _STAYS,
    "dashboard.chat_avg_time_to_answer": _STAYS,
    "dashboard.chat_occupancy": (*_SEGMENTS, *_AGENTS),
    "dashboard.closed_csat": (*_STATE, _SURVEY),
    "dashboard.closed_mcs": (*_STATE, _MCS),
    "dashboard.agent_csat": (*_STATE, _SURVEY, *_AGENTS),
    "dashboard.skill_csat": (*_STATE, _SURVEY),
    "dashboard.skill_load": (*_STATE, *_AGENTS),
    "dashboard.skill_online_agents": _AGENTS,
    "dashboard.skill_away_agents": _AGENTS,
    "dashboard.skill_back_soon_agents": _AGENTS,
    "dashboard.skill_max_slots": _AGENTS,
    "agent_performance.open": (*_STATE, *_SNOOZES),
    "agent_performance.snoozed": (*_STATE, *_SNOOZES),
    "agent_performance.marked_done": (_CLOSED,),
    "agent_performance.aht": ("view.started", "view.ended"),
    "agent_performance.messages_sent": (_MESSAGE,),
    "agent_performance.avg_first_resolution": (_OPENED, _MESSAGE, _CLOSED),
    "agent_performance.fcr": (*_STATE, *_SNOOZES, "conversation.reopened",
                              "conversation.merged"),
    "agent_performance.satisfaction": (_ACCEPTED, _SURVEY),
    "report.new_users": (_OPENED,),
    "report.active_users": (_OPENED, "conversation.resumed", "conversation.reopened", _MESSAGE),
    "report.total_messages": (_MESSAGE,),
    "report.peak_rpm": (_MESSAGE,),
    "report.peak_time": (_MESSAGE,),
    "report.incoming_messages": (_MESSAGE,),
    "report.conversations": (_OPENED,),
    "report.avg_messages_per_conversation": (_OPENED, _MESSAGE),
    "report.max_messages_per_minute": (_MESSAGE,),
    "report.intents": ("intent.detected",),
    "report.languages": (_OPENED, "intent.detected"),
    "report.start_flows": (_OPENED,),
    "report.cc_total_conversations": (*_STATE, *_OFFERS),
    "report.cc_missed": (*_STATE, *_OFFERS),
    "report.cc_handled_vs_missed": (*_STATE, *_OFFERS),
    "report.cc_avg_wait_time": (*_STATE, *_OFFERS),
    "report.agent_connection_hours": _AGENTS,
    "report.agent_connection_hours_daily": _AGENTS,
    "supervision.agents_by_status": (*_STATE, *_AGENTS),
    "supervision.satisfaction": (_OPENED, _SURVEY),
    "supervision.satisfaction_criteria": (_OPENED, _SURVEY),
    "supervision.objectives": (*_STATE, _SURVEY, _SALE, *_AGENTS),
    "supervision.available_slots": (*_STATE, *_AGENTS),
    "supervision.presence": _AGENTS,
    "supervision.contacts_per_hour": (*_SEGMENTS, *_AGENTS),
    "supervision.turnover": (_SALE,),
    "supervision.transactions": (_SALE,),
    "supervision.conversion_rate": (*_SEGMENTS, _SALE),
    "supervision.agent_satisfaction": (_ACCEPTED, _SURVEY),
}
# fmt: on
#: the dashboard's agents table lists the logged-in agents: every column needs logins,
#: and so does the table's very list of rows; the supervision page's per-agent table
#: lists the agents connected to the site (docs/metrics.md 6.7)
_AGENT_ROWS = "dashboard.agent_"
_TABLES: dict[str, dict[str, tuple[str, ...]]] = {
    "dashboard": {"agents.rows": _AGENTS, "agents.total": _AGENTS, "agents.pages": _AGENTS},
    "supervision": {"agents": _AGENTS},
}
#: values of a metric beyond its registry path (``computed_by``): its split by outcome,
#: its other half, its sample count (a direct offer starts an assignment too)
_ALSO: dict[str, tuple[str, ...]] = {
    "report.cc_missed": ("contact_center.missed_by_outcome",),
    "report.cc_handled_vs_missed": ("contact_center.handled", "contact_center.daily[].missed"),
    "report.cc_avg_wait_time": ("contact_center.wait_samples",),
}
#: metrics of the conversation state, closes and segments need the state's kinds
_DEFAULT = _STATE


def needs(name: str) -> tuple[str, ...]:
    """The event kinds metric ``name`` is computed from, sorted."""
    family = next(m.family for m in CATALOG if m.name == name)
    kinds = _BY_METRIC.get(name) or _BY_FAMILY.get(family) or _DEFAULT
    if name.startswith(_AGENT_ROWS):
        kinds = (*kinds, *_AGENTS)
    return tuple(sorted(set(kinds)))


#: metric name -> the event kinds it needs (the catalog's "needs" column)
NEEDS: Mapping[str, tuple[str, ...]] = {m.name: needs(m.name) for m in CATALOG}


def unavailable(roster: Roster, *, family: str) -> dict[str, str]:
    """Path (``computed_by``'s, after ``->``) -> reason, for every metric of ``family``
    that needs a kind ``roster.unrecorded_kinds`` lists."""
    missing = set(roster.unrecorded_kinds)
    out: dict[str, str] = {}
    if not missing:
        return out
    for path, kinds in _TABLES.get(family, {}).items():
        lacking = sorted(missing.intersection(kinds))
        if lacking:
            out[path] = f"the table lists logged-in agents: needs {', '.join(lacking)}{_WHY}"
    for m in CATALOG:
        lacking = sorted(missing.intersection(NEEDS[m.name]))
        if m.family == family and lacking and m.computed_by:
            path = m.computed_by.split("->", 1)[1].strip()
            for p in (path, *_ALSO.get(m.name, ())):
                out[p] = f"{m.name} needs {', '.join(lacking)}{_WHY}"
    return out


#: (family, CSV table) -> where its rows are in the family's response, with the prefix
#: its columns take from there (the report's daily table joins two series)
CSV_ROWS: Mapping[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("dashboard", "agents"): (("agents.rows", ""),),
    ("dashboard", "skills"): (("skills.rows", ""),),
    ("supervision", "agents"): (("agents", ""),),
    ("report", "daily"): (("activity.daily", ""), ("contact_center.daily", "cc_")),
    ("report", "agents"): (("agents", ""),),
    ("report", "agents_daily"): (("agents[].daily", ""),),
}


def csv_unavailable(roster: Roster, *, family: str, table: str) -> dict[str, str]:
    """CSV column of ``family``'s ``table`` (:data:`CSV_ROWS`) -> why its values are
    unavailable on this log (their cells are empty); the key ``""`` when the table's
    very list of rows is (docs/metrics.md, "Unavailable metrics")."""
    reasons = unavailable(roster, family=family)
    out: dict[str, str] = {}
    for rows, prefix in CSV_ROWS[family, table]:
        if rows in reasons:
            out.setdefault("", reasons[rows])
        head = f"{rows}[]."
        for path, why in reasons.items():
            column = path[len(head) :] if path.startswith(head) else ""
            if column and "." not in column and "[" not in column:
                out[prefix + column] = why
    return out


_WHY = ", which this log's source does not record (roster.unrecorded_kinds)"


def apply_unavailable(body: dict[str, Any], roster: Roster, *, family: str) -> dict[str, Any]:
    """``body`` with every unavailable value set to null and the reasons under
    ``"unavailable"`` (unchanged when the log records every kind the family needs)."""
    reasons = unavailable(roster, family=family)
    if not reasons:
        return body
    for path in reasons:
        _null(body, path.replace("[]", ".[]").split("."))
    body["unavailable"] = reasons
    return body


def _null(node: Any, parts: Iterable[str]) -> None:
    parts = list(parts)
    head, rest = parts[0], parts[1:]
    if head == "[]":
        for item in node if isinstance(node, list) else ():
            _null(item, rest) if rest else None
        return
    if not isinstance(node, dict):
        return
    keys = list(node) if head.startswith("<") else [head] if head in node else []
    for key in keys:
        if rest:
            _null(node[key], rest)
        else:
            node[key] = None
