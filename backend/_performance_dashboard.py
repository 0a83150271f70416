"""The agent performance dashboard (seed 000): one agent over ``[start_ms, now)``.

docs/metrics.md section 4 is the specification; the request's rules are the
API contract's (:data:`ccbench.api.AGENT_PERFORMANCE`). Everything is read
from the account's frame (backend/_frame.py: the events in log order and the
``segments`` projection kept at ingest); :class:`PerformanceIndex`
(backend/_performance_index.py) holds the now-independent facts, made once per
frame, and a request reads the agent's slices of them and its conversations'
facts, at its ``now`` and range. Means of ms are sums over counts truncated
toward zero; percentages ``100.0 * part / whole``, null when ``whole`` is 0
(docs/metrics.md section 4).
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
from ._frame import Frame, kind_code
from ._performance_index import PerformanceIndex, agent_slice

__all__ = ["agent_performance"]

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
_SNOOZED = kind_code(EventKind.CONVERSATION_SNOOZED)
_VIEW_STARTED = kind_code(EventKind.VIEW_STARTED)
_VIEW_ENDED = kind_code(EventKind.VIEW_ENDED)


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
    mine = x.agent_segments(a, now)
    open_segs = mine[s.end_ts[mine] >= now]
    last = x.snooze.last_before(s.conv[open_segs], limit)
    snoozed = int(np.count_nonzero(take(f.kind, last, missing=-1) == _SNOOZED))
    # the agent's closes before now (ascending rows, so ascending ts), those in the range
    lo, hi = agent_slice(x.close_agent, a)
    in_range, seen = (lo + int(i) for i in np.searchsorted(x.close_ts[lo:hi], [start, now]))
    assigned = np.unique(s.conv[mine])
    return {
        "agent_id": a,
        "now": now,
        "range": {"start": start, "end": now},
        "open": int(open_segs.shape[0]) - snoozed,
        "snoozed": snoozed,
        "marked_done": int(np.unique(x.close_conv[in_range:seen]).shape[0]),
        "average_handle_time": _handle_time(x, a, start, now),
        "response_times": _response_times(x, mine, a, start, now),
        "messages_sent": _messages(x, a, start, now, bucket),
        **_resolution(x, assigned, slice(lo, seen), start, now, limit),
        **_sla(x, assigned, start, now, limit),
        "satisfaction": _satisfaction(x, a, start, limit),
    }


def _range(agents: I64, ts: I64, a: int, start: int, now: int) -> slice:
    """The positions of agent ``a``'s items with ``start <= ts < now`` in arrays sorted by
    (agent, ts)."""
    lo, hi = agent_slice(agents, a)
    b, e = np.searchsorted(ts[lo:hi], [start, now])
    return slice(int(lo + b), int(lo + e))


def _handle_time(x: PerformanceIndex, a: int, start: int, now: int) -> int | None:
    """View sessions of the agent started in the range: each ``view.started`` ends at the
    next view event of the same conversation when that is a ``view.ended``, else at now."""
    f = x.frame
    lo, hi = agent_slice(x.view_agent, a)
    rows = x.view_rows[lo:hi]
    rows = rows[f.ts[rows] < now]
    started = np.flatnonzero(f.kind[rows] == _VIEW_STARTED)
    nxt = take(rows, started + 1, missing=-1)  # the next view event's log row, -1 if none
    ended = (take(f.kind, nxt, missing=-1) == _VIEW_ENDED) & (
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
    segs = mine[int(np.searchsorted(s.start_ts[mine], start)) :]  # mine is in start order
    first_ts = s.first_ts[segs]
    has_first = x.routed_start[segs] & (first_ts >= 0) & (first_ts < now)
    first_ch = x.channel[s.conv[segs[has_first]]]
    first_v = first_ts[has_first] - s.start_ts[segs[has_first]]
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
    counts = np.bincount((ts - start) // bucket, minlength=n).tolist()
    return [{"start": start + k * bucket, "count": counts[k]} for k in range(n)]


def _resolution(
    x: PerformanceIndex, assigned: I64, by_me: slice, start: int, now: int, limit: int
) -> dict[str, Any]:
    """First contact resolution over the agent's conversations (``assigned``: with a
    segment of the agent started before now); ``by_me``: the agent's closes before now."""
    f = x.frame
    # seed 000: "inbound conversations created in the selected time period" (section 4)
    opened = x.opened_ts[assigned]
    denominator = assigned[(opened >= start) & (opened < now) & ~x.outbound[assigned]]
    closed = x.close_conv[by_me]
    done, first = np.unique(closed, return_index=True)  # first: the first close by me
    resolved = denominator[np.isin(denominator, done, assume_unique=True)]
    dq, fm = x.disqualified[resolved], x.first_message[resolved]
    resolved = resolved[((dq < 0) | (dq >= limit)) & (fm >= 0) & (fm < limit)]
    n_resolved = int(resolved.shape[0]) - int(np.count_nonzero(x.open_at(resolved, now)))
    # first close by the agent - first consumer message, when that close is in the range
    first_done = x.close_ts[by_me][first]
    fc = x.first_consumer[done]
    sample = (fc >= 0) & (fc < limit) & (first_done >= start)
    total = int((first_done[sample] - f.ts[fc[sample]]).sum())
    return {
        "first_contact_resolution": percent(n_resolved, int(denominator.shape[0])),
        "fcr_resolved": n_resolved,
        "fcr_conversations": int(denominator.shape[0]),
        "average_first_resolution": mean_ms(total, int(np.count_nonzero(sample))),
    }


def _sla(x: PerformanceIndex, assigned: I64, start: int, now: int, limit: int) -> dict[str, Any]:
    """SLA breaches and achievement over the agent's conversations opened in the range,
    each under the policy it names, else the first of the roster's for its channel."""
    f = x.frame
    policies = f.roster.sla_policies
    convs = assigned[(x.opened_ts[assigned] >= start) & (x.opened_ts[assigned] < now)]
    breached = np.zeros(convs.shape[0], dtype=bool)
    achieved = np.zeros(convs.shape[0], dtype=bool)
    covered = np.zeros(convs.shape[0], dtype=bool)
    if policies:
        opened = x.opened_ts[convs]
        fh = x.first_human[convs]
        first_reply = take(f.ts, np.where(fh < limit, fh, -1), missing=-1)
        # rows are in ts order: a conversation's first close is before now or none is
        closed_at = take(f.ts, x.first_close[convs], missing=-1)
        closed_at = np.where(closed_at < now, closed_at, -1)
        channel, named = x.channel[convs], x.policy[convs]
    for policy in policies:
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
            owner, ts, value = _next_responses(x, convs, now)
            worst = np.zeros(convs.shape[0], dtype=np.int64)
            np.maximum.at(worst, owner, clock(ts - value, ts))
            late = worst > policy.next_response_ms
            breached |= sel & late
            met &= ~late
        achieved |= met
    return {
        "breached_conversations": int(breached.sum()),
        "sla_achieved": percent(int(achieved.sum()), int(covered.sum())),
        "sla_conversations": int(covered.sum()),
    }


def _next_responses(x: PerformanceIndex, convs: I64, now: int) -> tuple[I64, I64, I64]:
    """(index into ``convs``, ts, value) of every visible human response but the one sent
    with the first reply; the samples are sorted by conversation, so those of ``convs``
    are their ranges."""
    f, r = x.frame, x.responses
    lo = np.searchsorted(r.conv, convs, side="left")
    n = np.searchsorted(r.conv, convs, side="right") - lo
    owner = np.repeat(np.arange(convs.shape[0]), n)
    idx = np.repeat(lo, n) + np.arange(owner.shape[0]) - np.repeat(np.cumsum(n) - n, n)
    fh_r, ts_r = x.first_human[r.conv[idx]], r.ts[idx]
    nxt = (ts_r < now) & (ts_r != take(f.ts, fh_r, missing=-1))
    return owner[nxt], ts_r[nxt], r.value[idx][nxt]


def _satisfaction(x: PerformanceIndex, a: int, start: int, limit: int) -> dict[str, Any]:
    """Each conversation's latest visible survey answered in the range, attributed to the
    agent of the conversation's last accept before it; score 100 * mean(csat) / 5. The
    agent's attributed surveys are in row order; one is its conversation's latest visible
    one when the next is not visible."""
    lo, hi = agent_slice(x.survey_agent, a)
    b, e = (
        lo + int(i) for i in np.searchsorted(x.survey_row[lo:hi], [x.frame.visible(start), limit])
    )
    csat = x.survey_csat[b:e][x.survey_next[b:e] >= limit]
    return {
        "score": None if csat.shape[0] == 0 else 100.0 * float(csat.mean()) / 5,
        "surveys": int(csat.shape[0]),
    }
