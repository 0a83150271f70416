"""Now-independent facts for the supervision page (seed 002), made once per frame.

docs/metrics.md section 6: a conversation's site and channel are those of its
``conversation.opened``; presence per agent is the walk of its login, logout
and status events (the state after an event holds until the agent's next
one); a sale belongs to its agent's last segment in its conversation that
starts before it (log order).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ccbench.arrays import take
from ccbench.eventlog import EventKind

from ._frame import ROLES, Frame, kind_code
from ._frame_lookup import PerConversation

__all__ = ["Presence", "SupervisionIndex"]

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Presence:
    """An agent's sites and status after one of its presence events (status None: out)."""

    sites: frozenset[str]
    status: str | None


_OUT = Presence(frozenset(), None)


class SupervisionIndex:
    """Per-conversation site/channel, presence timelines, sales and their segments."""

    def __init__(self, frame: Frame) -> None:
        f = self.frame = frame
        n = f.n_conv
        opened = f.rows(EventKind.CONVERSATION_OPENED)
        self.conv_site = np.full(n, "", dtype=object)
        self.conv_site[f.conv[opened]] = f.text("site")[opened]
        self.conv_channel = np.full(n, "", dtype=object)
        self.conv_channel[f.conv[opened]] = f.text("channel")[opened]
        s = f.segs
        self.seg_site = self.conv_site[s.conv]
        self.seg_takeover = s.start_kind == "takeover"
        # segments keyed by (agent, conversation, start row) for the sales' attribution
        self.width = f.ts.shape[0] + 1
        key = (s.agent * max(n, 1) + s.conv) * self.width + s.start_row
        self.seg_order = np.argsort(key, kind="stable")
        self.seg_keys = key[self.seg_order]
        sale = f.rows(EventKind.SALE_RECORDED)
        self.sale_row = sale
        self.sale_ts = f.ts[sale]
        self.sale_agent = f.integer("agent_id")[sale]
        self.sale_conv = f.conv[sale]
        self.sale_site = self.conv_site[self.sale_conv]
        self.sale_amount = f.integer("amount_minor")[sale]
        self.sale_currency = f.text("currency")[sale]
        self.sale_segment = self._sale_segments()
        message = f.kind == kind_code(EventKind.MESSAGE_SENT)
        consumer = message & (f.role == ROLES.index("consumer"))
        self.consumer_msgs = PerConversation(f, consumer)
        self.company_msgs = PerConversation(
            f, message & ~consumer & (f.role != ROLES.index("system"))
        )
        self.surveys = PerConversation(f, f.kind == kind_code(EventKind.SURVEY_ANSWERED))
        self.accepts = PerConversation(f, f.kind == kind_code(EventKind.ASSIGNMENT_ACCEPTED))
        self.times, self.states = self._presence()

    def _sale_segments(self) -> I64:
        """Per sale, the segment it belongs to (-1: its agent had none in the conversation)."""
        f = self.frame
        prefix = self.sale_agent * max(f.n_conv, 1) + self.sale_conv
        i = np.searchsorted(self.seg_keys, prefix * self.width + self.sale_row, side="left") - 1
        ok = i >= 0
        ok[ok] = self.seg_keys[i[ok]] // self.width == prefix[ok]
        return take(self.seg_order, np.where(ok, i, -1), missing=-1)

    def _presence(self) -> tuple[dict[int, list[int]], dict[int, list[Presence]]]:
        f = self.frame
        kinds = [kind_code(k) for k in (EventKind.AGENT_LOGIN, EventKind.AGENT_LOGOUT)]
        status_kind = kind_code(EventKind.AGENT_STATUS)
        rows = np.flatnonzero(np.isin(f.kind, [*kinds, status_kind]))
        times: dict[int, list[int]] = {}
        states: dict[int, list[Presence]] = {}
        agents, sites, statuses = f.integer("agent_id"), f.text("site"), f.text("status")
        for r in rows.tolist():
            agent, kind = int(agents[r]), int(f.kind[r])
            prev = states[agent][-1] if agent in states else _OUT
            if kind == kinds[0]:
                # a session starts online; one more site keeps the status
                now_sites = prev.sites | {str(sites[r])}
                new = Presence(now_sites, prev.status if prev.sites else "online")
            elif kind == kinds[1]:
                now_sites = prev.sites - {str(sites[r])}
                new = Presence(now_sites, prev.status) if now_sites else _OUT
            else:
                new = Presence(prev.sites, str(statuses[r]))
            times.setdefault(agent, []).append(int(f.ts[r]))
            states.setdefault(agent, []).append(new)
        return times, states

    def presence_at(self, agent: int, now: int) -> Presence:
        """The agent's presence as seen at ``now`` (events with ts < now)."""
        times = self.times.get(agent)
        if not times:
            return _OUT
        i = bisect.bisect_left(times, now) - 1
        return self.states[agent][i] if i >= 0 else _OUT

    def connected_ms(self, agent: int, site: str, start: int, end: int) -> int:
        """ms of [start, end) during which ``agent`` is logged in to ``site``."""
        times, states = self.times.get(agent, []), self.states.get(agent, [])
        total = 0
        for i in range(max(bisect.bisect_right(times, start) - 1, 0), len(times)):
            lo = max(times[i], start)
            hi = min(times[i + 1] if i + 1 < len(times) else end, end)
            if site in states[i].sites and lo < hi:
                total += hi - lo
        return total
