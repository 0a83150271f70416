"""The agent performance dashboard (seed 000): one agent over ``[start_ms, now)``.

docs/metrics.md section 4 is the specification; the request's rules are the
API contract's (:data:`ccbench.api.AGENT_PERFORMANCE`). Everything is read
from the account's frame (backend/_frame.py: the events in log order and the
``segments`` projection kept at ingest); :class:`PerformanceIndex` holds the
now-independent per-conversation facts, made once per frame, and a request
masks them with its ``now`` and range. Means of ms are sums over counts
truncated toward zero; percentages ``100.0 * part / whole``, null when
``whole`` is 0 (docs/metrics.md section 4).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

from ccbench import ParameterError
from ccbench.api import AGENT_PERFORMANCE, check_clock, parse_query
from ccbench.arrays import take
from ccbench.eventlog import EventKind

from ._business_time import business_elapsed
from ._dashboard_core import mean_ms, percent
from ._frame import CLOSERS, ROLES, Frame, kind_code
from ._frame_lookup import PerConversation, Responses, human_mask, human_responses

__all__ = ["PerformanceIndex", "agent_performance"]

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
_FIRST_RESPONSE_STARTS = ("new", "transfer", "back_to_queue")  # NEW and TRANSFER (1.1)


def _rows(frame: Frame, *kinds: EventKind) -> B:
    return np.isin(frame.kind, [kind_code(k) for k in kinds])


class PerformanceIndex:
    """Now-independent facts of one frame for seed 000 (arrays by conversation code)."""

    def __init__(self, frame: Frame) -> None:
        f, n = frame, frame.n_conv
        self.frame = f
        opened = f.rows(EventKind.CONVERSATION_OPENED)
        self.channel = np.full(n, "", dtype=object)
        self.channel[f.conv[opened]] = f.text("channel")[opened]
        self.opened_ts = np.full(n, -1, dtype=np.int64)
        self.opened_ts[f.conv[opened]] = f.ts[opened]
        # direction absent = inbound (format 1 logs; docs/eventlog.md)
        self.outbound = np.zeros(n, dtype=bool)
        self.outbound[f.conv[opened]] = f.text("direction")[opened] == "outbound"
        # the SLA policy a conversation names, "" when it names none
        self.policy = np.full(n, "", dtype=object)
        self.policy[f.conv[opened]] = [p or "" for p in f.text("sla_policy")[opened]]
        self.snooze = PerConversation(
            f,
            _rows(
                f,
                EventKind.CONVERSATION_SNOOZED,
                EventKind.CONVERSATION_UNSNOOZED,
                EventKind.ASSIGNMENT_ACCEPTED,
            ),
        )
        self.disqualified = PerConversation(
            f,
            _rows(
                f,
                EventKind.CONVERSATION_SNOOZED,
                EventKind.CONVERSATION_REOPENED,
                EventKind.CONVERSATION_RESUMED,
                EventKind.CONVERSATION_MERGED,
            ),
        ).first()
        self.first_message = PerConversation(f, _rows(f, EventKind.MESSAGE_SENT)).first()
        message = f.kind == kind_code(EventKind.MESSAGE_SENT)
        consumer = message & (f.role == ROLES.index("consumer"))
        self.first_consumer = PerConversation(f, consumer).first()
        self.accepts = PerConversation(f, _rows(f, EventKind.ASSIGNMENT_ACCEPTED))
        self.surveys = PerConversation(f, _rows(f, EventKind.SURVEY_ANSWERED))
        # closes: row, conversation, closed by an agent (and which)
        self.close_rows = f.rows(EventKind.CONVERSATION_CLOSED)
        self.close_conv = f.conv[self.close_rows]
        self.close_agent = np.where(
            f.closed_by[self.close_rows] == CLOSERS.index("agent"),
            f.integer("agent_id")[self.close_rows],
            -1,
        )
        # open periods: opened/resumed/reopened to the next closed/abandoned (3.2)
        life = _rows(
            f,
            EventKind.CONVERSATION_OPENED,
            EventKind.CONVERSATION_RESUMED,
            EventKind.CONVERSATION_REOPENED,
            EventKind.CONVERSATION_CLOSED,
            EventKind.CONVERSATION_ABANDONED,
        )
        starts = _rows(
            f,
            EventKind.CONVERSATION_OPENED,
            EventKind.CONVERSATION_RESUMED,
            EventKind.CONVERSATION_REOPENED,
        )
        rows = np.flatnonzero(life & (f.conv >= 0))
        rows = rows[np.argsort(f.conv[rows], kind="stable")]
        is_start = starts[rows]
        nxt_end = np.zeros(rows.shape[0], dtype=bool)
        nxt_end[:-1] = ~is_start[1:] & (f.conv[rows[1:]] == f.conv[rows[:-1]])
        s = np.flatnonzero(is_start)
        self.period_conv = f.conv[rows[s]]
        self.period_start = f.ts[rows[s]]
        end_row = take(rows, np.where(nxt_end[s], s + 1, -1), missing=-1)
        self.period_end = take(f.ts, end_row, missing=np.iinfo(np.int64).max)
        # first human message (role agent or manager, a human roster user; section 3.4)
        human = message & np.isin(f.role, [ROLES.index("agent"), ROLES.index("manager")])
        self.first_human = PerConversation(f, human & human_mask(f)).first()
        self.responses: Responses = human_responses(f)
        view = _rows(f, EventKind.VIEW_STARTED, EventKind.VIEW_ENDED)
        v = np.flatnonzero(view)
        agent = f.integer("agent_id")
        self.view_rows = v[np.lexsort((v, f.conv[v], agent[v]))]
        self.view_agent = agent[self.view_rows]
        # messages and response samples by (agent, ts): one agent's range is two binary
        # searches, not a mask over every message of the log
        messages = np.flatnonzero(f.kind == kind_code(EventKind.MESSAGE_SENT))
        by_agent = np.lexsort((messages, agent[messages]))
        self.message_agent = agent[messages][by_agent]
        self.message_ts = f.ts[messages][by_agent]
        r = self.responses
        by_agent = np.lexsort((r.ts, r.agent))
        self.resp_agent, self.resp_ts = r.agent[by_agent], r.ts[by_agent]
        self.resp_conv, self.resp_value = r.conv[by_agent], r.value[by_agent]

    def open_at(self, now: int) -> B:
        live = (self.period_start < now) & (self.period_end >= now)
        out = np.zeros(self.frame.n_conv, dtype=bool)
        out[self.period_conv[live]] = True
        return out


def agent_performance(
    frame: Frame, *, items: Iterable[tuple[str, str]], now_ms: int
) -> dict[str, Any]:
    """The seed 000 dashboard for a query string's ``items`` at ``now_ms`` (section 4)."""
    query = parse_query(AGENT_PERFORMANCE, list(items))
    check_clock(query, now_ms=now_ms)
    a = query.integer_value("agent_id")
    start = query.integer_value("start_ms")
    bucket = query.integer_value("bucket_ms")
    if frame.roster.agent(a) is None:
        raise ParameterError("agent_id", f"expected an agent id of the roster, got {a!r}")
    x = frame.memo("agent_performance", PerformanceIndex)
    return _answer(x, a=a, start=start, now=now_ms, bucket=bucket)


def _answer(x: PerformanceIndex, *, a: int, start: int, now: int, bucket: int) -> dict[str, Any]:
    f, s = x.frame, x.frame.segs
    limit = f.visible(now)
    mine = np.flatnonzero((s.agent == a) & (s.start_ts < now))
    open_segs = mine[s.end_ts[mine] >= now]
    last = x.snooze.last_before(s.conv[open_segs], limit)
    snoozed = int(
        np.count_nonzero(
            take(f.kind, last, missing=-1) == kind_code(EventKind.CONVERSATION_SNOOZED)
        )
    )
    close_ts = f.ts[x.close_rows]
    by_me = (x.close_agent == a) & (close_ts < now)
    done_in_range = by_me & (close_ts >= start)
    return {
        "agent_id": a,
        "now": now,
        "range": {"start": start, "end": now},
        "open": int(open_segs.shape[0]) - snoozed,
        "snoozed": snoozed,
        "marked_done": int(np.unique(x.close_conv[done_in_range]).shape[0]),
        "average_handle_time": _handle_time(x, a, start, now),
        "response_times": _response_times(x, mine, a, start, now),
        "messages_sent": _messages(x, a, start, now, bucket),
        **_resolution(x, mine, by_me, start, now, limit),
        **_sla(x, mine, start, now, limit),
        "satisfaction": _satisfaction(x, a, start, now, limit),
    }


def _range(agents: I64, ts: I64, a: int, start: int, now: int) -> slice:
    """The positions of agent ``a``'s items with ``start <= ts < now`` in arrays sorted by
    (agent, ts)."""
    lo, hi = np.searchsorted(agents, [a, a + 1])
    b, e = np.searchsorted(ts[lo:hi], [start, now])
    return slice(int(lo + b), int(lo + e))


def _handle_time(x: PerformanceIndex, a: int, start: int, now: int) -> int | None:
    """View sessions of the agent started in the range: each ``view.started`` ends at the
    next view event of the same conversation when that is a ``view.ended``, else at now."""
    f = x.frame
    lo, hi = np.searchsorted(x.view_agent, [a, a + 1])
    rows = x.view_rows[lo:hi]
    rows = rows[f.ts[rows] < now]
    started = np.flatnonzero(f.kind[rows] == kind_code(EventKind.VIEW_STARTED))
    nxt = take(rows, started + 1, missing=-1)  # the next view event's log row, -1 if none
    ended = (take(f.kind, nxt, missing=-1) == kind_code(EventKind.VIEW_ENDED)) & (
        take(f.conv, nxt, missing=-1) == f.conv[rows[started]]
    )
    s_ts = f.ts[rows[started]]
    e_ts = np.where(ended, take(f.ts, nxt, missing=now), now)
    keep = s_ts >= start
    viewed = np.unique(f.conv[rows[started[keep]]]).shape[0]
    return mean_ms(int((e_ts - s_ts)[keep].sum()), viewed)


def _response_times(
    x: PerformanceIndex, mine: I64, a: int, start: int, now: int
) -> dict[str, dict[str, Any]]:
    """Per channel with a sample: first routed response time and average response time."""
    s = x.frame.segs
    segs = mine[s.start_ts[mine] >= start]
    has_first = (
        np.isin(s.start_kind[segs], _FIRST_RESPONSE_STARTS)
        & (s.first_ts[segs] >= 0)
        & (s.first_ts[segs] < now)
    )
    first_ch = x.channel[s.conv[segs[has_first]]]
    first_v = (s.first_ts - s.start_ts)[segs[has_first]]
    keep = _range(x.resp_agent, x.resp_ts, a, start, now)
    resp_ch = x.channel[x.resp_conv[keep]]
    resp_v = x.resp_value[keep]
    out: dict[str, dict[str, Any]] = {}
    for ch in sorted(set(first_ch.tolist()) | set(resp_ch.tolist())):
        fv, rv = first_v[first_ch == ch], resp_v[resp_ch == ch]
        out[ch] = {
            "first_routed_response_time": mean_ms(int(fv.sum()), fv.shape[0]),
            "average_response_time": mean_ms(int(rv.sum()), rv.shape[0]),
            "responses": int(rv.shape[0]),
        }
    return out


def _messages(x: PerformanceIndex, a: int, start: int, now: int, bucket: int) -> list[Any]:
    """Messages carrying the agent's id (as assignee or participant) per bucket."""
    ts = x.message_ts[_range(x.message_agent, x.message_ts, a, start, now)]
    n = -(-(now - start) // bucket)
    counts = np.bincount((ts - start) // bucket, minlength=n)
    return [{"start": start + k * bucket, "count": int(counts[k])} for k in range(n)]


def _resolution(
    x: PerformanceIndex, mine: I64, by_me: B, start: int, now: int, limit: int
) -> dict[str, Any]:
    f, s, n = x.frame, x.frame.segs, x.frame.n_conv
    assigned = np.zeros(n, dtype=bool)
    assigned[s.conv[mine]] = True
    # seed 000: "inbound conversations created in the selected time period" (section 4)
    denominator = assigned & (x.opened_ts >= start) & (x.opened_ts < now) & ~x.outbound
    closed_by_me = np.zeros(n, dtype=bool)
    closed_by_me[x.close_conv[by_me]] = True
    closed_seen = np.zeros(n, dtype=bool)
    closed_seen[x.close_conv[f.ts[x.close_rows] < now]] = True
    clean = (x.disqualified < 0) | (x.disqualified >= limit)
    messaged = (x.first_message >= 0) & (x.first_message < limit)
    numerator = denominator & messaged & closed_by_me & closed_seen & ~x.open_at(now) & clean
    # first close by the agent - first consumer message, when that close is in the range
    first_done = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    order = np.flatnonzero(by_me)[::-1]
    first_done[x.close_conv[order]] = f.ts[x.close_rows[order]]
    fc = x.first_consumer
    seen = (fc >= 0) & (fc < limit)
    sample = seen & (first_done >= start) & (first_done < now)
    total = int((first_done[sample] - f.ts[fc[sample]]).sum())
    return {
        "first_contact_resolution": percent(int(numerator.sum()), int(denominator.sum())),
        "fcr_resolved": int(numerator.sum()),
        "fcr_conversations": int(denominator.sum()),
        "average_first_resolution": mean_ms(total, int(sample.sum())),
    }


def _sla(x: PerformanceIndex, mine: I64, start: int, now: int, limit: int) -> dict[str, Any]:
    f, s = x.frame, x.frame.segs
    convs = np.unique(s.conv[mine])
    convs = convs[(x.opened_ts[convs] >= start) & (x.opened_ts[convs] < now)]
    opened = x.opened_ts[convs]
    fh = x.first_human[convs]
    first_reply = take(f.ts, np.where(fh < limit, fh, -1), missing=-1)
    close_ts = f.ts[x.close_rows]
    first_close = np.full(f.n_conv, -1, dtype=np.int64)
    seen = np.flatnonzero(close_ts < now)[::-1]
    first_close[x.close_conv[seen]] = close_ts[seen]
    closed_at = first_close[convs]
    # next responses: every visible human response but the one sent with the first reply;
    # the samples are sorted by conversation, so those of ``convs`` are their ranges
    r = x.responses
    lo = np.searchsorted(r.conv, convs, side="left")
    n = np.searchsorted(r.conv, convs, side="right") - lo
    owner = np.repeat(np.arange(convs.shape[0]), n)
    idx = np.repeat(lo, n) + np.arange(owner.shape[0]) - np.repeat(np.cumsum(n) - n, n)
    fh_r, ts_r = x.first_human[r.conv[idx]], r.ts[idx]
    nxt = (ts_r < now) & (ts_r != take(f.ts, fh_r, missing=-1))
    owner_n, ts_n, value_n = owner[nxt], ts_r[nxt], r.value[idx][nxt]
    breached = np.zeros(convs.shape[0], dtype=bool)
    achieved = np.zeros(convs.shape[0], dtype=bool)
    covered = np.zeros(convs.shape[0], dtype=bool)
    channel, named = x.channel[convs], x.policy[convs]
    for policy in f.roster.sla_policies:
        # the policy the conversation names; without one, the first for its channel
        sel = (named == policy.id) | (
            (named == "") & ~covered & np.isin(channel, list(policy.channels))
        )
        covered |= sel

        def clock(a: I64, b: I64, business: bool = policy.clock == "business") -> I64:
            return business_elapsed(f.roster, a, b) if business else b - a

        met = sel.copy()
        for target, done in (
            (policy.first_response_ms, first_reply),
            (policy.resolution_ms, closed_at),
        ):
            if target is None:
                continue
            late = clock(opened, np.where(done >= 0, done, now)) > target
            breached |= sel & late
            met &= (done >= 0) & ~late
        if policy.next_response_ms is not None:
            worst = np.zeros(convs.shape[0], dtype=np.int64)
            np.maximum.at(worst, owner_n, clock(ts_n - value_n, ts_n))
            late = worst > policy.next_response_ms
            breached |= sel & late
            met &= ~late
        achieved |= met
    return {
        "breached_conversations": int(breached.sum()),
        "sla_achieved": percent(int(achieved.sum()), int(covered.sum())),
        "sla_conversations": int(covered.sum()),
    }


def _satisfaction(x: PerformanceIndex, a: int, start: int, now: int, limit: int) -> dict[str, Any]:
    """Each conversation's latest visible survey answered in the range, attributed to the
    agent of the conversation's last accept before it; score 100 * mean(csat) / 5."""
    f = x.frame
    convs = np.arange(f.n_conv, dtype=np.int64)
    rows = x.surveys.last_before(convs, limit)
    rows = rows[rows >= 0]
    rows = rows[f.ts[rows] >= start]
    accept = x.accepts.last_before(f.conv[rows], rows)
    who = take(f.integer("agent_id"), accept, missing=-1)
    csat = f.integer("csat")[rows[who == a]]
    return {
        "score": None if csat.shape[0] == 0 else 100.0 * float(csat.mean()) / 5,
        "surveys": int(csat.shape[0]),
    }
