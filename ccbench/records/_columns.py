"""What a record is built from: the log's columns and the roster facts it repeats.

:class:`Columns` reads the log once (``ts``, ``kind`` and readable times as lists, the
other columns as ``{row: value}`` over their non-null rows, most being null in most
rows); :class:`Directory` holds the agent and skill facts every record repeats in the
vendor's field names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from ..eventlog import Roster
from ._vocab import USER_TYPE_NAMES, format_times

__all__ = ["COLUMNS", "Columns", "Directory"]


#: the log's columns a record is built from
COLUMNS = (
    "event_id",
    "ts",
    "kind",
    "channel",
    "source",
    "consumer_id",
    "language",
    "skill_id",
    "agent_id",
    "from_agent_id",
    "to_skill_id",
    "to_agent_id",
    "reason",
    "closed_by",
    "sender_role",
    "csat",
    "csat_welcome",
    "csat_response_time",
    "csat_quality",
    "mcs",
    "mcs_alerted",
    "intent",
    "amount_minor",
    "currency",
    "visibility",
)


@dataclass(frozen=True, slots=True)
class Columns:
    """The log's :data:`COLUMNS`, read once for every record: ``ts``, ``kind`` and each
    row's readable ``time`` as lists, the other columns as ``{row: value}`` over their
    non-null rows (most of them are null in most rows)."""

    ts: Sequence[int]
    kind: Sequence[str]
    time: Sequence[str] | Mapping[int, str]
    event_id: Mapping[int, Any]
    channel: Mapping[int, Any]
    source: Mapping[int, Any]
    consumer_id: Mapping[int, Any]
    language: Mapping[int, Any]
    skill_id: Mapping[int, Any]
    agent_id: Mapping[int, Any]
    from_agent_id: Mapping[int, Any]
    to_skill_id: Mapping[int, Any]
    to_agent_id: Mapping[int, Any]
    reason: Mapping[int, Any]
    closed_by: Mapping[int, Any]
    sender_role: Mapping[int, Any]
    csat: Mapping[int, Any]
    csat_welcome: Mapping[int, Any]
    csat_response_time: Mapping[int, Any]
    csat_quality: Mapping[int, Any]
    mcs: Mapping[int, Any]
    mcs_alerted: Mapping[int, Any]
    intent: Mapping[int, Any]
    amount_minor: Mapping[int, Any]
    currency: Mapping[int, Any]
    visibility: Mapping[int, Any]

    @classmethod
    def from_table(
        cls,
        table: pa.Table,
        *,
        keep: npt.NDArray[np.bool_] | None = None,
        timed: npt.NDArray[np.bool_] | None = None,
    ) -> Columns:
        """Read ``table``; the sparse columns only over the rows ``keep`` marks, the
        readable times only for the rows ``timed`` marks (all by default: the bulk export
        builds messages apart, and a process exporting a share of the conversations reads
        only its rows)."""
        sparse = {}
        for name in COLUMNS:
            if name not in ("ts", "kind"):
                column = table.column(name)
                valid = np.asarray(column.is_valid())
                if keep is not None:
                    valid &= keep
                rows = np.flatnonzero(valid)
                values = column.take(pa.array(rows)).to_pylist()
                sparse[name] = dict(zip(rows.tolist(), values, strict=True))
        ts = table.column("ts")
        stamps = ts.to_numpy()
        if timed is None:
            time: Sequence[str] | Mapping[int, str] = format_times(stamps)
        else:
            rows = np.flatnonzero(timed)
            time = dict(zip(rows.tolist(), format_times(stamps[rows]), strict=True))
        return cls(
            ts=ts.to_pylist(),
            kind=table.column("kind").to_pylist(),
            time=time,
            **sparse,
        )


@dataclass(frozen=True, slots=True)
class Directory:
    """Roster facts a record repeats: names, user types, roles and groups of agents,
    names of skills."""

    agents: Mapping[int, dict[str, Any]]
    skills: Mapping[int, str]

    @classmethod
    def from_roster(cls, roster: Roster) -> Directory:
        groups = {g.id: g.name for g in roster.groups}
        agents = {}
        for a in roster.agents:
            user_type = "2" if a.user_type == "bot" else "1"
            agents[a.id] = {
                "agentId": str(a.id),
                "agentLoginName": a.name,
                "agentNickname": a.name,
                "agentFullName": a.name,
                "userType": user_type,
                "userTypeName": USER_TYPE_NAMES[user_type],
                "role": "MANAGER" if a.role == "manager" else "AGENT",
                "agentGroupId": a.group_id,
                "agentGroupName": groups.get(a.group_id, ""),
            }
        return cls(agents=agents, skills={s.id: s.name for s in roster.skills})

    def agent(self, agent_id: int) -> dict[str, Any]:
        found = self.agents.get(agent_id)
        if found is None:  # a valid log names roster agents only; keep the id anyway
            return {"agentId": str(agent_id), "userType": "1", "userTypeName": "Human"}
        return found

    def names(self, agent_id: int, prefix: str) -> dict[str, Any]:
        """``{prefix}Id`` and the three names, as transfers and interactions write them."""
        a = self.agent(agent_id)
        out: dict[str, Any] = {f"{prefix}Id": str(agent_id)}
        for suffix in ("FullName", "LoginName", "Nickname"):
            if f"agent{suffix}" in a:
                out[f"{prefix}{suffix}"] = a[f"agent{suffix}"]
        return out
