"""Automated performance report (seed 001) over a period ``[start, end)``.

docs/metrics.md section 5 is the specification. The report is the one a
vendor would mail at ``end``: it sees the events with ``ts < end``. Daily
series are per local calendar day of the roster time zone, each day cut to
the period. Every query slices the sorted arrays of :class:`ReportIndex`
(rows in the period are one contiguous range of the log), so its cost grows
with the period, not the log.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import numpy as np
import numpy.typing as npt

from ccbench.api import REPORT, check_values
from ccbench.arrays import take
from ccbench.eventlog import EventKind

from ._arith import mean_ms, percent
from ._columns import KIND_CODES, ROLE_CONSUMER
from ._report_index import ABANDONED, CLOSED, HANDLED, ReportIndex

__all__ = ["local_days", "report"]

I64 = npt.NDArray[np.int64]
K = KIND_CODES
DAY_MS = 86_400_000
MINUTE_MS = 60_000


def local_days(start: int, end: int, timezone: str) -> tuple[list[str], I64]:
    """Local calendar days meeting ``[start, end)``: ISO dates and the D + 1 bounds.

    ``bounds[0] = start``, ``bounds[-1] = end`` and the inner bounds are the
    local midnights in between (23 or 25 h apart across a DST change), so day
    ``d`` is ``[bounds[d], bounds[d + 1])``.
    """
    tz = zoneinfo.ZoneInfo(timezone)
    day = dt.datetime.fromtimestamp(start / 1000, tz).date()
    dates = [day.isoformat()]
    bounds = [start]
    while True:
        day += dt.timedelta(days=1)
        midnight = int(dt.datetime.combine(day, dt.time(0), tzinfo=tz).timestamp()) * 1000
        if midnight >= end:
            break
        dates.append(day.isoformat())
        bounds.append(midnight)
    bounds.append(end)
    return dates, np.asarray(bounds, dtype=np.int64)


def _distribution(
    codes: I64, names: tuple[str, ...], key: str, *, extra: I64 | None = None
) -> list[dict[str, Any]]:
    """Counts of ``codes`` (-1 = null) as rows sorted by count desc, then name."""
    counts = np.bincount(codes + 1, minlength=len(names) + 1)
    total = int(counts.sum())
    rows = [
        {key: None if i == 0 else names[i - 1], "conversations": int(n),
         "percent": percent(int(n), total)}
        for i, n in enumerate(counts.tolist())
        if n
    ]  # fmt: skip
    return sorted(rows, key=lambda r: (-r["conversations"], r[key] is None, r[key] or ""))


def _clipped(lo: I64, hi: I64, bounds: I64) -> npt.NDArray[np.int64]:
    """Overlap (ms) of each interval [lo, hi) with each day: a (intervals x days) matrix."""
    a = np.maximum(lo[:, None], bounds[None, :-1])
    b = np.minimum(hi[:, None], bounds[None, 1:])
    out: I64 = np.clip(b - a, 0, None).astype(np.int64)
    return out


def report(
    index: ReportIndex, *, start_ms: int, end_ms: int, top_intents: int | None = None
) -> dict[str, Any]:
    """The seed 001 report over ``[start_ms, end_ms)`` as a JSON-ready dict (docs/metrics.md 5)."""
    values = {"start_ms": start_ms, "end_ms": end_ms, "top_intents": top_intents}
    query = check_values(REPORT, values)
    start, end = query.integer_value("start_ms"), query.integer_value("end_ms")
    top_intents = query.integer("top_intents")
    dates, bounds = local_days(start, end, index.roster.timezone)
    c = index.cols
    lo, hi = (int(x) for x in np.searchsorted(c.ts, [start, end], side="left"))
    activity = _activity(index, lo, hi, start, end, bounds)
    chatbot = _chatbot(index, lo, hi, top_intents)
    contact = _contact_center(index, lo, hi, start, end, bounds)
    agents = _agents(index, start, end, bounds)
    # Each daily row leads with its day: date and [start, end) in ms.
    days = [{"date": d, "start": int(a), "end": int(b)}
            for d, a, b in zip(dates, bounds[:-1], bounds[1:], strict=True)]  # fmt: skip
    for section in (activity, contact):
        section["daily"] = [{**day, **row} for day, row in zip(days, section["daily"], strict=True)]
    for agent in agents:
        agent["daily"] = [{"date": d, **row} for d, row in zip(dates, agent["daily"], strict=True)]
    return {
        "period": {"start": start, "end": end, "timezone": index.roster.timezone,
                   "days": dates},
        "activity": activity,
        "chatbot": chatbot,
        "contact_center": contact,
        "agents": agents,
    }  # fmt: skip


def _day_of(ts: I64, bounds: I64) -> I64:
    return np.searchsorted(bounds, ts, side="right") - 1


def _activity(
    ix: ReportIndex, lo: int, hi: int, start: int, end: int, bounds: I64
) -> dict[str, Any]:
    c = ix.cols
    n_days = bounds.shape[0] - 1
    kind, conv, ts = c.kind[lo:hi], c.conv[lo:hi], c.ts[lo:hi]
    msg = (kind == K[EventKind.MESSAGE_SENT]) & (conv >= 0)
    incoming = msg & (c.role[lo:hi] == ROLE_CONSUMER)
    opened = kind == K[EventKind.CONVERSATION_OPENED]
    # Active users: a consumer opened, resumed or wrote (calls have no messages).
    acts = opened | (kind == K[EventKind.CONVERSATION_RESUMED]) | incoming
    users = ix.conv_consumer[conv[acts]]
    first = ix.consumer_first_open
    new = (first >= start) & (first < end)

    in_period = np.zeros(len(c.conversation_ids), dtype=bool)
    in_period[conv[opened]] = True
    # Every message of a conversation opened in the period is at or after its opening.
    depth = int(np.count_nonzero(msg & take(in_period, conv, missing=False)))
    n_conv = int(np.count_nonzero(opened))

    # Messages per calendar minute: ts is sorted, so equal minutes are runs.
    mts = ts[msg]
    minute = mts // MINUTE_MS
    run = np.flatnonzero(np.diff(minute, prepend=-1)) if minute.shape[0] else minute
    run_count = np.diff(np.append(run, minute.shape[0]))
    run_minute = minute[run] * MINUTE_MS
    run_day = _day_of(mts[run], bounds)
    day_max = np.zeros(n_days, dtype=np.int64)
    np.maximum.at(day_max, run_day, run_count)
    # Earliest minute reaching the day's max: reversed writes leave the earliest.
    at_max = np.flatnonzero(run_count == day_max[run_day])[::-1]
    day_peak = np.full(n_days, -1, dtype=np.int64)
    day_peak[run_day[at_max]] = run_minute[at_max]
    peak = int(run_count.max()) if run_count.shape[0] else 0
    peak_time = int(run_minute[int(np.argmax(run_count))]) if run_count.shape[0] else None

    def per_day(mask: npt.NDArray[np.bool_]) -> list[int]:
        return [int(x) for x in np.bincount(_day_of(ts[mask], bounds), minlength=n_days)]

    new_daily = np.bincount(_day_of(first[new], bounds), minlength=n_days).tolist()
    daily = [
        {"new_users": a, "messages": b, "incoming_messages": i, "conversations": d,
         "max_messages_per_minute": int(m), "max_minute": None if p < 0 else int(p)}
        for a, b, i, d, m, p in zip(new_daily, per_day(msg), per_day(incoming), per_day(opened),
                                    day_max.tolist(), day_peak.tolist(), strict=True)
    ]  # fmt: skip
    return {
        "new_users": int(np.count_nonzero(new)),
        "active_users": int(np.unique(users[users >= 0]).shape[0]),
        "total_messages": int(np.count_nonzero(msg)),
        "incoming_messages": int(np.count_nonzero(incoming)),
        "peak_rpm": peak,
        "peak_time": peak_time,
        "conversations": n_conv,
        "avg_messages_per_conversation": None if n_conv == 0 else depth / n_conv,
        "daily": daily,
    }


def _chatbot(ix: ReportIndex, lo: int, hi: int, top: int | None) -> dict[str, Any]:
    c = ix.cols
    a, b = np.searchsorted(ix.intent_rows, [lo, hi])
    code = ix.intent_code[a:b]
    conv = c.conv[ix.intent_rows[a:b]].astype(np.int64)
    n = len(ix.intents)
    detections = np.bincount(code, minlength=n)
    pairs = np.unique(conv * max(n, 1) + code)
    convs = np.bincount(pairs % max(n, 1), minlength=n) if pairs.shape[0] else np.zeros(n, int)
    ranked = sorted(
        (i for i in range(n) if detections[i]),
        key=lambda i: (-int(convs[i]), -int(detections[i]), ix.intents[i]),
    )
    intents = [
        {"intent": ix.intents[i], "conversations": int(convs[i]),
         "detections": int(detections[i])}
        for i in ranked
    ]  # fmt: skip
    a, b = np.searchsorted(ix.opened_rows, [lo, hi])
    opened = c.conv[ix.opened_rows[a:b]]
    return {
        "intents": intents if top is None else intents[:top],
        "languages": _distribution(ix.conv_language[opened], ix.languages, "language"),
        "start_flows": _distribution(ix.conv_flow[opened], ix.flows, "flow"),
    }


def _contact_center(
    ix: ReportIndex, lo: int, hi: int, start: int, end: int, bounds: I64
) -> dict[str, Any]:
    c, s, asg = ix.cols, ix.segs, ix.assignments
    n_days = bounds.shape[0] - 1
    a, b = np.searchsorted(asg.start_ts, [start, end])
    outcome = asg.outcome[a:b]
    seen = asg.end_ts[a:b] < end  # the report is made at `end`
    handled = (outcome == HANDLED) & seen
    abandoned = (outcome == ABANDONED) & seen
    closed = (outcome == CLOSED) & seen
    waiting = ~(handled | abandoned | closed)
    day = _day_of(asg.start_ts[a:b], bounds)
    reply = asg.first_reply_ts[a:b]
    # A wait ends when an agent replies: a human contact-center agent (a bot's reply is the
    # chatbot's), so bot-handled assignments have no wait sample.
    waited = handled & ~asg.takeover[a:b] & ~asg.bot[a:b] & (reply < end)
    wait = reply[waited] - asg.start_ts[a:b][waited]

    sa, sb = np.searchsorted(s.start_ts, [start, end])
    human = np.flatnonzero(ix.seg_human[sa:sb]) + sa
    done = human[s.end_ts[human] < end]
    users = ix.conv_consumer[s.conv[human]]

    msg = ix.msg_in_human_segment[lo:hi]
    ca, cb = np.searchsorted(ix.close_rows, [lo, hi])
    reasons = ix.close_reason[ca:cb][ix.close_cc[ca:cb]]
    counts = np.bincount(reasons, minlength=len(ix.reasons))
    ranked = sorted(np.flatnonzero(counts).tolist(), key=lambda i: (-counts[i], ix.reasons[i]))
    closing = [{"reason": ix.reasons[i], "count": int(counts[i])} for i in ranked]
    n_handled = int(np.count_nonzero(handled))
    daily_handled = np.bincount(day[handled], minlength=n_days).tolist()
    daily_missed = np.bincount(day[~handled], minlength=n_days).tolist()
    daily_msgs = np.bincount(_day_of(c.ts[lo:hi][msg], bounds), minlength=n_days).tolist()
    return {
        "total_conversations": int(outcome.shape[0]),
        "handled": n_handled,
        "handled_by_bot": int(np.count_nonzero(handled & asg.bot[a:b])),
        "missed": int(outcome.shape[0]) - n_handled,
        "missed_by_outcome": {
            "abandoned": int(np.count_nonzero(abandoned)),
            "closed": int(np.count_nonzero(closed)),
            "waiting": int(np.count_nonzero(waiting)),
        },
        "total_messages": int(np.count_nonzero(msg)),
        "unique_users": int(np.unique(users[users >= 0]).shape[0]),
        "closing_reasons": closing,
        "avg_conversation_time": mean_ms(int((s.end_ts[done] - s.start_ts[done]).sum()),
                                         done.shape[0]),
        "avg_wait_time": mean_ms(int(wait.sum()), wait.shape[0]),
        "wait_samples": int(wait.shape[0]),
        "daily": [
            {"handled": h, "missed": m, "messages": n}
            for h, m, n in zip(daily_handled, daily_missed, daily_msgs, strict=True)
        ],
    }  # fmt: skip


def _agents(ix: ReportIndex, start: int, end: int, bounds: I64) -> list[dict[str, Any]]:
    """Per human agent: segments started, segment time and logged-in time, per day."""
    s = ix.segs
    n_days = bounds.shape[0] - 1
    size = ix.is_human.shape[0]
    # Segments started in the period (conversations) and overlapping it (minutes).
    sb = int(np.searchsorted(s.start_ts, end))
    segs = np.flatnonzero(ix.seg_human[:sb] & (s.end_ts[:sb] > start))
    started = segs[s.start_ts[segs] >= start]
    day = _day_of(s.start_ts[started], bounds)
    conversations = np.bincount(s.agent[started] * n_days + day, minlength=size * n_days)
    seg_ms = _clipped(s.start_ts[segs], s.end_ts[segs], bounds)
    minutes = np.zeros((size, n_days), dtype=np.int64)
    np.add.at(minutes, s.agent[segs], seg_ms)
    p_agent, p_lo, p_hi = ix.presence
    live = (p_lo < end) & (p_hi > start)
    hours = np.zeros((size, n_days), dtype=np.int64)
    np.add.at(hours, p_agent[live], _clipped(p_lo[live], p_hi[live], bounds))
    conversations = conversations.reshape(size, n_days)
    out = []
    for agent in ix.human_ids:
        conv, mins, hrs = conversations[agent], minutes[agent], hours[agent]
        if not (conv.any() or mins.any() or hrs.any()):
            continue
        info = ix.roster.agent(agent)
        out.append(
            {
                "agent_id": agent,
                "name": info.name if info else "",
                "role": info.role if info else "",
                "conversations": int(conv.sum()),
                "conversation_minutes": int(mins.sum()) / MINUTE_MS,
                "connection_hours": int(hrs.sum()) / 3_600_000,
                "daily": [
                    {"conversations": int(n), "conversation_minutes": int(m) / MINUTE_MS,
                     "connection_hours": int(h) / 3_600_000}
                    for n, m, h in zip(conv, mins, hrs, strict=True)
                ],
            }
        )  # fmt: skip
    return out
