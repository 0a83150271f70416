"""Now-independent facts for the supervision page (seed 002), made once per frame.

docs/metrics.md section 6: a conversation's site and channel are those of its
``conversation.opened``; presence per agent is the walk of its login, logout
and status events (the state after an event holds until the agent's next
one); a sale belongs to its agent's last segment in its conversation that
starts before it (log order); a survey to the agent of its conversation's
last accept before it.

A page asks about one site at one instant, so the facts are laid out per
site (:class:`SiteFacts`): its segments, sales and surveys in log order, each
with what a request needs already looked up (roster index of the agent,
discussion, currency, the next survey of the conversation), so a request only
cuts ranges by binary search and counts per agent.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat

import numpy as np
import numpy.typing as npt

from ccbench.arrays import take
from ccbench.eventlog import CHANNELS, EventKind

from ._frame import NEVER, ROLES, Frame, kind_code
from ._frame_lookup import PerConversation
from ._supervision_presence import PresenceTimeline

__all__ = ["Presence", "SiteFacts", "SupervisionIndex"]

I64 = npt.NDArray[np.int64]
_CSAT = ("csat", "csat_welcome", "csat_response_time", "csat_quality")


@dataclass(frozen=True, slots=True)
class Presence:
    """An agent's sites and status after one of its presence events (status None: out)."""

    sites: frozenset[str]
    status: str | None


_OUT = Presence(frozenset(), None)


@dataclass(frozen=True, slots=True)
class SiteFacts:
    """One site's segments, sales and surveys, each kind in log order.

    Agents are roster indexes (``m``, the roster size, for an agent not on it).
    A discussion is an (agent, conversation) pair: ``seg_pair`` is the same
    number for the segments of one pair.
    """

    seg_start: I64
    seg_end: I64  # NEVER while no end event is stored
    seg_pair: I64
    seg_agent: I64
    seg_won_ts: I64  # ts of the segment's first sale (NEVER: none)
    sale_ts: I64
    sale_agent: I64
    sale_currency: I64  # index in SupervisionIndex.currencies
    sale_amount: I64
    survey_ts: I64
    survey_next_ts: I64  # ts of the conversation's next survey (NEVER: none)
    survey_agent: I64
    survey_csat: I64  # (4, surveys): csat, then the criteria (-1: not rated)


def _codes(n: int, conv: I64, values: npt.NDArray[np.object_], names: tuple[str, ...]) -> I64:
    """Per conversation, the index in ``names`` of its value (-1: none of them)."""
    code = {name: i for i, name in enumerate(names)}
    out = np.full(n, -1, dtype=np.int64)
    out[conv] = np.fromiter(map(code.get, values.tolist(), repeat(-1)), np.int64, len(conv))
    return out


class Waiting:
    """Whether a conversation's visitor waits at a row limit, and since when (section 6.5).

    The consumer and company-side (agent, bot, manager, participant) messages of each
    conversation in log order: a visitor waits when the last of them before the limit
    is the consumer's, since the first consumer message after the last company-side one
    (kept per message: the head of its run of consumer messages).
    """

    def __init__(self, frame: Frame) -> None:
        f = frame
        message = (f.kind == kind_code(EventKind.MESSAGE_SENT)) & (f.conv >= 0)
        consumer = message & (f.role == ROLES.index("consumer"))
        rows = np.flatnonzero(message & (f.role != ROLES.index("system"))).astype(np.int64)
        self.width = f.ts.shape[0] + 1
        # by conversation, then row (timsort: ids are numbered in order of first appearance)
        self.keys = np.sort(f.conv[rows] * self.width + rows, kind="stable")
        conv, rows = np.divmod(self.keys, self.width)
        self.consumer = consumer[rows]
        head = self.consumer.copy()  # a consumer message after a company-side one, or first
        head[1:] &= ~(self.consumer[:-1] & (conv[1:] == conv[:-1]))
        first = np.maximum.accumulate(np.where(head, np.arange(rows.shape[0]), 0))
        self.since = f.ts[rows[first]] if rows.shape[0] else rows

    def at(self, conv: I64, limit: int) -> tuple[npt.NDArray[np.bool_], I64]:
        """Per conversation: whether its visitor waits with rows below ``limit`` visible,
        and the ts of the first consumer message it waits since (0 where it does not)."""
        i = np.searchsorted(self.keys, conv * self.width + limit, side="left") - 1
        found = i >= 0
        found[found] = self.keys[i[found]] // self.width == conv[found]
        waits = found & take(self.consumer, i, missing=False)
        return waits, np.where(waits, take(self.since, i, missing=0), 0)


class SupervisionIndex:
    """Per-conversation site/channel codes, presence timelines, and each site's facts."""

    def __init__(self, frame: Frame) -> None:
        f = self.frame = frame
        n = f.n_conv
        opened = f.rows(EventKind.CONVERSATION_OPENED)
        s = f.segs
        self.sites = tuple(site.id for site in f.roster.sites)
        # site and channel codes (index in sites, CHANNELS; -1: other or none)
        self.conv_site_code = _codes(n, f.conv[opened], f.text("site")[opened], self.sites)
        self.conv_channel_code = _codes(n, f.conv[opened], f.text("channel")[opened], CHANNELS)
        self.seg_site = self.conv_site_code[s.conv]
        self.seg_takeover = s.start_kind == "takeover"
        # the roster in ascending id order: a request counts per roster index
        agents = sorted(f.roster.agents, key=lambda a: a.id)
        self.ids = np.array([a.id for a in agents], dtype=np.int64)
        self.names = [a.name for a in agents]
        self.human = np.array([a.user_type == "human" for a in agents], dtype=bool)
        self.bot = np.array([a.user_type == "bot" for a in agents], dtype=bool)
        self.max_slots = np.array([a.max_slots for a in agents], dtype=np.int64)
        self.seg_agent = self.agent_index(s.agent)
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
        self.sale_amount = f.integer("amount_minor")[sale]
        # currencies by name (section 6.7: sums never cross them), sorted as in the answer
        names = np.asarray([str(c) for c in f.text("currency")[sale].tolist()], dtype=str)
        self.currencies = tuple(str(c) for c in np.unique(names))
        self.sale_currency = np.searchsorted(np.asarray(self.currencies, dtype=str), names)
        self.sale_segment = self._sale_segments()
        self.waiting = Waiting(f)
        self.times, self.states = self._presence()
        self.presence = PresenceTimeline.of(self.ids.tolist(), self.times, self.states, self.sites)
        self.site_facts = self._site_facts()

    def agent_index(self, agents: I64) -> I64:
        """Roster index of each agent id (``len(ids)``: not on the roster)."""
        m = self.ids.shape[0]
        i = np.searchsorted(self.ids, agents)
        return np.where(take(self.ids, i, missing=-1) == agents, i, m)

    def _sale_segments(self) -> I64:
        """Per sale, the segment it belongs to (-1: its agent had none in the conversation)."""
        f = self.frame
        prefix = self.sale_agent * max(f.n_conv, 1) + self.sale_conv
        i = np.searchsorted(self.seg_keys, prefix * self.width + self.sale_row, side="left") - 1
        ok = i >= 0
        ok[ok] = self.seg_keys[i[ok]] // self.width == prefix[ok]
        return take(self.seg_order, np.where(ok, i, -1), missing=-1)

    def _site_facts(self) -> tuple[SiteFacts, ...]:
        f, s = self.frame, self.frame.segs
        # each segment's first sale (sales are in log order: the first write wins)
        won_ts = np.full(s.agent.shape[0], NEVER, dtype=np.int64)
        attributed = np.flatnonzero(self.sale_segment >= 0)[::-1]
        won_ts[self.sale_segment[attributed]] = self.sale_ts[attributed]
        # a discussion is one (agent, conversation) pair (all agents not on the roster: one)
        pair = self.seg_agent * max(f.n_conv, 1) + s.conv
        survey_site, row, nxt, agent, csat = self._surveys()
        sale_site = take(self.conv_site_code, self.sale_conv, missing=-1)
        out = []
        for k in range(len(self.sites)):
            segs = np.flatnonzero(self.seg_site == k)
            sales = np.flatnonzero(sale_site == k)
            here = survey_site == k
            out.append(
                SiteFacts(
                    seg_start=s.start_ts[segs],
                    seg_end=s.end_ts[segs],
                    seg_pair=pair[segs],
                    seg_agent=self.seg_agent[segs],
                    seg_won_ts=won_ts[segs],
                    sale_ts=self.sale_ts[sales],
                    sale_agent=self.agent_index(self.sale_agent[sales]),
                    sale_currency=self.sale_currency[sales],
                    sale_amount=self.sale_amount[sales],
                    survey_ts=f.ts[row[here]],
                    survey_next_ts=take(f.ts, nxt[here], missing=NEVER),
                    survey_agent=agent[here],
                    survey_csat=csat[:, here],
                )
            )
        return tuple(out)

    def _surveys(self) -> tuple[I64, I64, I64, I64, I64]:
        """Every conversation survey in log order: site, row, the conversation's next
        survey row, the agent of its last accept before it (roster index), csat columns."""
        f = self.frame
        by_conv = PerConversation(f, f.kind == kind_code(EventKind.SURVEY_ANSWERED))
        rows, conv = by_conv.rows, by_conv.keys // by_conv.width
        nxt = np.full(rows.shape[0], self.width - 1, dtype=np.int64)
        same = conv[1:] == conv[:-1]
        nxt[:-1][same] = rows[1:][same]
        order = np.argsort(rows, kind="stable")
        rows, conv, nxt = rows[order], conv[order], nxt[order]
        accepts = PerConversation(f, f.kind == kind_code(EventKind.ASSIGNMENT_ACCEPTED))
        accept = accepts.last_before(conv, rows)
        agent = self.agent_index(take(f.integer("agent_id"), accept, missing=-1))
        csat = np.stack([f.integer(c)[rows] for c in _CSAT]).reshape(len(_CSAT), -1)
        return self.conv_site_code[conv], rows, nxt, agent, csat

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
