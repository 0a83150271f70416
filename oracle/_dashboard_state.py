"""The seed 003 dashboard's state at one ``now``: what every KPI and table reads.

:meth:`oracle.Dashboard.state_at` computes it once per request with the
request's filters applied; the KPI families (oracle/_dashboard.py) and the
agents and skills tables (oracle/_dashboard_tables.py) only read it.
docs/metrics.md sections 3.1-3.3 define open, assigned, active and the filters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._agent_state import AgentPresence

__all__ = ["DashboardState"]

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class DashboardState:
    """Per-conversation and per-segment state at ``now`` (events with ts < now visible).

    Conversation arrays are indexed by conversation code (length
    ``Conversations.n``); ``seg_open`` lists the segments open at now and
    ``seg_active`` says, per entry of ``seg_open``, whether its conversation
    is active. ``keep`` is the mode's channel and the skill and group filters on
    conversations; ``agent_ids`` the roster agents the filters keep, ascending.
    """

    now: int  # epoch ms
    pos_now: int  # log rows < pos_now are visible
    open: B
    assigned: B
    active: B
    keep: B
    conv_agent: I64  # agent of the open segment, -1 when unassigned
    conv_skill: I64  # skill at now (last queued/accepted), -1 when none
    seg_open: I64
    seg_active: B
    presence: Mapping[int, AgentPresence]  # every roster agent's presence at now
    agent_ids: tuple[int, ...]
    last_close: B  # per close (Closes order): the last visible close of its conversation
