"""Agent performance dashboard (seed 000) for one agent over ``[start, now)``.

docs/metrics.md section 4 is the specification. Built on the dashboard's
building blocks (segments, conversation index, closes, response samples);
everything here is masks over their arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ccbench import ParameterError
from ccbench.api import AGENT_PERFORMANCE, check_clock, check_now, check_values
from ccbench.arrays import take
from ccbench.eventlog import EventKind, EventLog

from ._arith import mean_ms, percent
from ._business_time import BusinessClock
from ._columns import CLOSED_BY_AGENT, KIND_CODES
from ._conversations import NONE, ByConversation
from ._dashboard import Dashboard
from ._segment_table import Feature

__all__ = ["AgentPerformance"]

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
K = KIND_CODES


class AgentPerformance:
    """Seed 000 metrics; :meth:`report` answers one agent and range."""

    def __init__(self, dash: Dashboard, log: EventLog) -> None:
        self.d = dash
        c = dash.cols
        opened = np.flatnonzero(c.kind == K[EventKind.CONVERSATION_OPENED])

        def per_conversation(name: str) -> npt.NDArray[np.object_]:
            """The opened event's ``name`` per conversation code ("" when absent)."""
            values = log.table.column(name).fill_null("").to_numpy(zero_copy_only=False)
            out = np.full(dash.conv.n, "", dtype=object)
            out[c.conv[opened]] = np.asarray(values, dtype=object)[opened]
            return out

        self.channel = per_conversation("channel")
        # FCR counts inbound conversations only; absent direction is inbound (section 4)
        self.inbound = per_conversation("direction") != "outbound"
        self.sla_policy = per_conversation("sla_policy")
        self.snooze = ByConversation.build(
            c,
            np.isin(
                c.kind,
                [
                    K[EventKind.CONVERSATION_SNOOZED],
                    K[EventKind.CONVERSATION_UNSNOOZED],
                    K[EventKind.ASSIGNMENT_ACCEPTED],
                ],
            ),
        )
        # Conversations ever snoozed, reopened, resumed or merged, with the first such row.
        self.disqualified_row = np.full(dash.conv.n, NONE, dtype=np.int64)
        bad = np.flatnonzero(
            np.isin(
                c.kind,
                [
                    K[EventKind.CONVERSATION_SNOOZED],
                    K[EventKind.CONVERSATION_REOPENED],
                    K[EventKind.CONVERSATION_RESUMED],
                    K[EventKind.CONVERSATION_MERGED],
                ],
            )
        )
        self.disqualified_row[c.conv[bad[::-1]]] = bad[::-1]
        msg = np.flatnonzero((c.kind == K[EventKind.MESSAGE_SENT]) & (c.conv >= 0))
        self.first_message_row = np.full(dash.conv.n, NONE, dtype=np.int64)
        self.first_message_row[c.conv[msg[::-1]]] = msg[::-1]
        v = np.flatnonzero(np.isin(c.kind, [K[EventKind.VIEW_STARTED], K[EventKind.VIEW_ENDED]]))
        self.view_rows = v[np.lexsort((v, c.conv[v], c.agent[v]))]

    def report(
        self, *, agent_id: int, now_ms: int, start_ms: int, bucket_ms: int | None = None
    ) -> dict[str, Any]:
        """The seed 000 dashboard of ``agent_id`` over ``[start_ms, now_ms)``; the
        contract's rules (:data:`ccbench.api.AGENT_PERFORMANCE`), then the roster's."""
        now = check_now(now_ms)
        values = {"agent_id": agent_id, "start_ms": start_ms, "bucket_ms": bucket_ms}
        query = check_values(AGENT_PERFORMANCE, values)
        check_clock(query, now_ms=now)
        a, start = query.integer_value("agent_id"), query.integer_value("start_ms")
        bucket = query.integer_value("bucket_ms")
        if self.d.roster.agent(a) is None:
            raise ParameterError("agent_id", f"expected an agent id of the roster, got {a!r}")
        d, c, s = self.d, self.d.cols, self.d.segs
        limit = int(np.searchsorted(c.ts, now, side="left"))

        # Open / snoozed: the agent's segments open at now; snoozed when the last
        # snooze/unsnooze/accept event of the conversation is a snooze.
        mine_open = np.flatnonzero((s.agent == a) & (s.start_ts < now) & (s.end_ts >= now))
        convs = s.conv[mine_open].astype(np.int64)
        last = self.snooze.last_row_before(convs, limit)
        snoozed = take(c.kind, last, missing=-1) == K[EventKind.CONVERSATION_SNOOZED]

        cl = d.closes
        by_me = (cl.closed_by == CLOSED_BY_AGENT) & (c.agent[cl.row] == a) & (cl.ts < now)
        done_in_range = by_me & (cl.ts >= start)

        return {
            "agent_id": a,
            "now": now,
            "range": {"start": start, "end": now},
            "open": int(np.count_nonzero(~snoozed)),
            "snoozed": int(np.count_nonzero(snoozed)),
            "marked_done": int(np.unique(cl.conv[done_in_range]).shape[0]),
            "average_handle_time": self._aht(a, start, now),
            "response_times": self._response_times(a, start, now),
            "messages_sent": self._messages(a, start, now, bucket),
            **self._resolution(a, start, now, limit, by_me),
            **self._sla(a, start, now, limit),
            "satisfaction": self._satisfaction(a, start, now),
        }

    def _aht(self, a: int, start: int, now: int) -> int | None:
        """Viewing time of sessions started in the range / distinct conversations viewed."""
        c, rows = self.d.cols, self.view_rows
        rows = rows[(c.agent[rows] == a) & (c.ts[rows] < now)]
        started = np.flatnonzero(c.kind[rows] == K[EventKind.VIEW_STARTED])
        nxt = started + 1
        ended = nxt < rows.shape[0]
        ended[ended] = (c.kind[rows[nxt[ended]]] == K[EventKind.VIEW_ENDED]) & (
            c.conv[rows[nxt[ended]]] == c.conv[rows[started[ended]]]
        )
        s_ts = c.ts[rows[started]]
        # still viewing: now
        e_ts = take(c.ts, take(rows, np.where(ended, nxt, -1), missing=-1), missing=now)
        keep = s_ts >= start
        n_conv = np.unique(c.conv[rows[started[keep]]]).shape[0]
        return mean_ms(int((e_ts - s_ts)[keep].sum()), n_conv)

    def _response_times(self, a: int, start: int, now: int) -> dict[str, dict[str, Any]]:
        """First routed response time and average response time per channel."""
        s, d = self.d.segs, self.d
        segs = np.flatnonzero((s.agent == a) & (s.start_ts >= start) & (s.start_ts < now))
        f = s.features_at(segs, now)
        seg_channel = self.channel[s.conv[segs]]
        r = d.conv.agent_responses
        keep = (r.agent == a) & (r.ts >= start) & (r.ts < now)
        r_channel = self.channel[r.conv[keep]]
        values = r.value[keep]
        out = {}
        for ch in sorted(set(seg_channel.tolist()) | set(r_channel.tolist())):
            fs = f[seg_channel == ch]
            rv = values[r_channel == ch]
            if fs[:, Feature.FIRST_N].sum() == 0 and rv.shape[0] == 0:
                continue  # a channel is listed when it has a sample (section 4)
            out[ch] = {
                "first_routed_response_time": mean_ms(
                    int(fs[:, Feature.FIRST_SUM].sum()), int(fs[:, Feature.FIRST_N].sum())
                ),
                "average_response_time": mean_ms(int(rv.sum()), rv.shape[0]),
                "responses": int(rv.shape[0]),
            }
        return out

    def _messages(self, a: int, start: int, now: int, bucket: int) -> list[dict[str, int]]:
        c = self.d.cols
        # Every message the agent sent, as the assigned agent or as a participant (seed 000:
        # "the number of outbound messages you sent"); only these roles carry an agent_id.
        m = (c.kind == K[EventKind.MESSAGE_SENT]) & (c.agent == a) & (c.ts >= start) & (c.ts < now)
        n = -(-(now - start) // bucket)
        counts = np.bincount((c.ts[m] - start) // bucket, minlength=n)
        return [{"start": start + k * bucket, "count": int(counts[k])} for k in range(n)]

    def _resolution(self, a: int, start: int, now: int, limit: int, by_me: B) -> dict[str, Any]:
        """First contact resolution and average first resolution (section 4)."""
        d, s, cl = self.d, self.d.segs, self.d.closes
        created = (d.conv.opened_ts >= start) & (d.conv.opened_ts < now)
        assigned = np.zeros(d.conv.n, dtype=bool)
        assigned[s.conv[(s.agent == a) & (s.start_ts < now)]] = True
        # seed 000: "inbound conversations created in the selected time period ... over
        # total inbound conversations assigned to you": outbound ones count in neither
        denominator = created & assigned & self.inbound
        closed_by_me = np.zeros(d.conv.n, dtype=bool)
        closed_by_me[cl.conv[by_me]] = True
        ended = ~d.conv.open_at(now) & np.isin(np.arange(d.conv.n), cl.conv[cl.ts < now])
        numerator = (
            denominator
            & (self.first_message_row < limit)
            & closed_by_me
            & ended
            & ~(self.disqualified_row < limit)
        )
        # Average first resolution: first close by the agent - first consumer message.
        first_done = np.full(d.conv.n, np.iinfo(np.int64).max, dtype=np.int64)
        order = np.flatnonzero(by_me)[::-1]
        first_done[cl.conv[order]] = cl.ts[order]
        fc = d.conv.first_consumer_msg
        fc_ts = take(d.cols.ts, np.where(fc < limit, fc, -1), missing=-1)
        sample = (first_done >= start) & (first_done < now) & (fc_ts >= 0)
        return {
            "first_contact_resolution": percent(int(numerator.sum()), int(denominator.sum())),
            "fcr_resolved": int(numerator.sum()),
            "fcr_conversations": int(denominator.sum()),
            "average_first_resolution": mean_ms(
                int((first_done - fc_ts)[sample].sum()), int(sample.sum())
            ),
        }

    def _sla(self, a: int, start: int, now: int, limit: int) -> dict[str, Any]:
        """Breached conversations and SLA achieved against the roster policies."""
        d, s = self.d, self.d.segs
        ts = d.cols.ts
        convs = np.unique(s.conv[(s.agent == a) & (s.start_ts < now)]).astype(np.int64)
        convs = convs[(d.conv.opened_ts[convs] >= start) & (d.conv.opened_ts[convs] < now)]
        opened = d.conv.opened_ts[convs]
        fh = d.conv.first_human_msg[convs]
        first_reply = take(ts, np.where(fh < limit, fh, -1), missing=-1)
        cl = d.closes
        first_close = np.full(d.conv.n, -1, dtype=np.int64)
        visible = np.flatnonzero(cl.ts < now)[::-1]
        first_close[cl.conv[visible]] = cl.ts[visible]
        closed_at = first_close[convs]
        r = d.conv.agent_responses
        # Next responses: every human response except the conversation's first reply.
        fh_all = d.conv.first_human_msg[r.conv]
        seen = (r.ts < now) & (r.ts != take(ts, fh_all, missing=NONE))
        breached = np.zeros(convs.shape[0], dtype=bool)
        achieved = np.zeros(convs.shape[0], dtype=bool)
        policy = self._policies(convs)
        for i, p in enumerate(d.roster.sla_policies):
            sel = policy == i
            met = sel.copy()
            for target, done_at in (
                (p.first_response_ms, first_reply),
                (p.resolution_ms, closed_at),
            ):
                if target is None:
                    continue
                until = np.where(done_at >= 0, done_at, now)
                late = self._elapsed(p.clock, opened, until, sel) > target
                breached |= sel & late
                met &= (done_at >= 0) & ~late
            if p.next_response_ms is not None:
                worst = self._worst_next(p.clock, seen, now)
                late = worst[convs] > p.next_response_ms
                breached |= sel & late
                met &= ~late
            achieved |= met
        has_policy = policy >= 0
        return {
            "breached_conversations": int(breached.sum()),
            "sla_achieved": percent(int(achieved.sum()), int(has_policy.sum())),
            "sla_conversations": int(has_policy.sum()),
        }

    def _policies(self, convs: I64) -> I64:
        """Index in roster.sla_policies of each conversation's policy, -1 for none: the
        one its opened event names, else the first listing its channel (docs/eventlog.md,
        "SLA policies and business hours")."""
        out = np.full(convs.shape[0], -1, dtype=np.int64)
        named = self.sla_policy[convs]
        for i, p in enumerate(self.d.roster.sla_policies):
            by_channel = (named == "") & (out < 0) & np.isin(self.channel[convs], p.channels)
            out[(named == p.id) | by_channel] = i
        return out

    def _elapsed(self, clock: str, start: I64, end: I64, sel: B) -> I64:
        """``end - start`` (ms) on the policy's clock; business time only for ``sel``."""
        if clock == "calendar":
            return end - start
        bc = BusinessClock(self.d.roster)
        pairs = zip(start.tolist(), end.tolist(), sel.tolist(), strict=True)
        return np.asarray([bc.elapsed_ms(a, b) if s else 0 for a, b, s in pairs], dtype=np.int64)

    def _worst_next(self, clock: str, seen: B, now: int) -> I64:
        """Per conversation, the longest visible next response (ms) on the clock."""
        r = self.d.conv.agent_responses
        value = r.value[seen]
        if clock == "business":
            end = r.ts[seen]
            value = self._elapsed(clock, end - value, end, np.ones(end.shape[0], dtype=bool))
        worst = np.zeros(self.d.conv.n, dtype=np.int64)
        np.maximum.at(worst, r.conv[seen], value)
        return worst

    def _satisfaction(self, a: int, start: int, now: int) -> dict[str, Any]:
        """100 * mean csat / 5 over the surveys attributed to the agent: each conversation's
        latest visible answer (docs/eventlog.md, survey.answered), when answered in the range."""
        d, c = self.d, self.d.cols
        rows = d.latest(d.conv.surveys, np.ones(d.conv.n, dtype=bool), now)
        rows = rows[c.ts[rows] >= start]
        who = d.assignees.last_accepted(rows)
        mine = d.csat[rows[who == a]]
        return {
            "score": None if mine.shape[0] == 0 else 100.0 * float(mine.mean()) / 5,
            "surveys": int(mine.shape[0]),
        }
