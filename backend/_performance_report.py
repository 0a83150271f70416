"""The automated performance report (seed 001) over ``[start_ms, end_ms)``, seen at end.

docs/metrics.md section 5 is the specification; the request's rules are the
API contract's (:data:`ccbench.api.REPORT`). The report is made at ``end_ms``
(it sees events with ``ts < end_ms``), so the test clock does not change it.
Daily series are per local day of the roster time zone, each cut to the
period. The period's events are one contiguous slice of the frame's rows.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

from ccbench.api import REPORT, parse_query

from ._dashboard_core import mean_ms, percent
from ._frame import Frame
from ._report_index import ABANDONED, CLOSED, HANDLED, ReportIndex

__all__ = ["local_days", "performance_report"]

I64 = npt.NDArray[np.int64]
MINUTE_MS = 60_000
HOUR_MS = 3_600_000


def local_days(start: int, end: int, timezone: str) -> tuple[list[str], I64]:
    """ISO dates of the local days meeting ``[start, end)`` and the D + 1 day bounds
    (``start``, the local midnights in between, ``end``)."""
    tz = zoneinfo.ZoneInfo(timezone)
    day = dt.datetime.fromtimestamp(start / 1000, tz).date()
    dates, bounds = [day.isoformat()], [start]
    while True:
        day += dt.timedelta(days=1)
        midnight = int(dt.datetime.combine(day, dt.time(0), tzinfo=tz).timestamp()) * 1000
        if midnight >= end:
            break
        dates.append(day.isoformat())
        bounds.append(midnight)
    bounds.append(end)
    return dates, np.asarray(bounds, dtype=np.int64)


def _day(ts: I64, bounds: I64) -> I64:
    return np.searchsorted(bounds, ts, side="right") - 1


def _per_day(ts: I64, bounds: I64) -> list[int]:
    """Count per day of ascending instants inside ``[bounds[0], bounds[-1])``: D binary
    searches, not one per instant."""
    return [int(v) for v in np.diff(np.searchsorted(ts, bounds, side="left"))]


def _overlap(lo: I64, hi: I64, bounds: I64) -> I64:
    """ms of each interval [lo, hi) inside each day: (intervals x days)."""
    a = np.maximum(lo[:, None], bounds[None, :-1])
    b = np.minimum(hi[:, None], bounds[None, 1:])
    out: I64 = np.clip(b - a, 0, None).astype(np.int64)
    return out


def _ranked(codes: I64, names: tuple[str, ...], key: str) -> list[dict[str, Any]]:
    """Conversations per code (-1: null) with their percent, by count desc then name
    (null last)."""
    counts = np.bincount(codes + 1, minlength=len(names) + 1)
    total = int(counts.sum())
    rows = [
        {key: None if i == 0 else names[i - 1], "conversations": int(c),
         "percent": percent(int(c), total)}
        for i, c in enumerate(counts.tolist()) if c
    ]  # fmt: skip
    return sorted(rows, key=lambda r: (-r["conversations"], r[key] is None, r[key] or ""))


def performance_report(
    frame: Frame, *, items: Iterable[tuple[str, str]], now_ms: int
) -> dict[str, Any]:
    """The report of a query string's period (docs/metrics.md 5); ``now_ms`` is unused:
    a report is seen at its end."""
    q = parse_query(REPORT, list(items))
    start, end = q.integer_value("start_ms"), q.integer_value("end_ms")
    top = q.integer("top_intents")
    x = frame.memo("report", ReportIndex)
    dates, bounds = local_days(start, end, frame.roster.timezone)
    lo, hi = (int(v) for v in np.searchsorted(frame.ts, [start, end], side="left"))
    activity = _activity(x, lo, hi, start, end, bounds)
    contact = _contact_center(x, lo, hi, start, end, bounds)
    days = [
        {"date": d, "start": int(a), "end": int(b)}
        for d, a, b in zip(dates, bounds[:-1], bounds[1:], strict=True)
    ]
    for section in (activity, contact):
        section["daily"] = [{**d, **row} for d, row in zip(days, section["daily"], strict=True)]
    agents = _agents(x, start, end, bounds)
    for agent in agents:
        agent["daily"] = [{"date": d, **row} for d, row in zip(dates, agent["daily"], strict=True)]
    return {
        "period": {"start": start, "end": end, "timezone": frame.roster.timezone, "days": dates},
        "activity": activity,
        "chatbot": _chatbot(x, lo, hi, top),
        "contact_center": contact,
        "agents": agents,
    }


def _activity(
    x: ReportIndex, lo: int, hi: int, start: int, end: int, bounds: I64
) -> dict[str, Any]:
    f = x.frame
    n_days = bounds.shape[0] - 1
    ma, mb = np.searchsorted(x.msg_rows, [lo, hi], side="left")
    oa, ob = np.searchsorted(x.opened_rows, [lo, hi], side="left")
    msg_ts = f.ts[x.msg_rows[ma:mb]]
    in_ts = msg_ts[x.msg_incoming[ma:mb]]
    open_ts = f.ts[x.opened_rows[oa:ob]]
    new = (x.consumer_first_open >= start) & (x.consumer_first_open < end)
    # messages of conversations opened in the period (a conversation opens once)
    opened_at = x.msg_open_row[ma:mb]
    depth = int(np.count_nonzero((opened_at >= lo) & (opened_at < hi)))
    n_conv = int(open_ts.shape[0])
    # messages per calendar minute: ts is sorted, so a minute is a run of rows
    mts = msg_ts
    minute = mts // MINUTE_MS
    heads = np.flatnonzero(np.diff(minute, prepend=-1)) if minute.shape[0] else minute
    count = np.diff(np.append(heads, minute.shape[0]))
    at = minute[heads] * MINUTE_MS
    day = _day(mts[heads], bounds)
    day_max = np.zeros(n_days, dtype=np.int64)
    np.maximum.at(day_max, day, count)
    day_peak = np.full(n_days, -1, dtype=np.int64)
    peaks = np.flatnonzero(count == day_max[day])[::-1]  # reversed: the earliest is kept
    day_peak[day[peaks]] = at[peaks]
    daily = [
        {"new_users": a, "messages": b, "incoming_messages": c, "conversations": d,
         "max_messages_per_minute": int(m), "max_minute": None if p < 0 else int(p)}
        for a, b, c, d, m, p in zip(
            _per_day(np.sort(x.consumer_first_open[new]), bounds), _per_day(msg_ts, bounds),
            _per_day(in_ts, bounds), _per_day(open_ts, bounds),
            day_max.tolist(), day_peak.tolist(), strict=True)
    ]  # fmt: skip
    return {
        "new_users": int(np.count_nonzero(new)),
        "active_users": x.active_users.count(*x.active_users.span(lo, hi)),
        "total_messages": int(msg_ts.shape[0]),
        "incoming_messages": int(in_ts.shape[0]),
        "peak_rpm": int(count.max()) if count.shape[0] else 0,
        "peak_time": int(at[int(np.argmax(count))]) if count.shape[0] else None,
        "conversations": n_conv,
        "avg_messages_per_conversation": None if n_conv == 0 else depth / n_conv,
        "daily": daily,
    }


def _chatbot(x: ReportIndex, lo: int, hi: int, top: int | None) -> dict[str, Any]:
    f = x.frame
    a, b = np.searchsorted(x.intent_rows, [lo, hi])
    code = x.intent_code[a:b]
    n = len(x.intents)
    detections = np.bincount(code, minlength=n)
    first = x.intent_pairs.prev[a:b] < a  # the pair's first detection in the period
    convs = np.bincount(code[first], minlength=n)
    ranked = sorted(
        (i for i in range(n) if detections[i]),
        key=lambda i: (-int(convs[i]), -int(detections[i]), x.intents[i]),
    )
    intents = [
        {"intent": x.intents[i], "conversations": int(convs[i]), "detections": int(detections[i])}
        for i in ranked
    ]
    a, b = np.searchsorted(x.opened_rows, [lo, hi])
    opened = f.conv[x.opened_rows[a:b]]
    return {
        "intents": intents if top is None else intents[:top],
        "languages": _ranked(x.conv_language[opened], x.languages, "language"),
        "start_flows": _ranked(x.conv_flow[opened], x.flows, "flow"),
    }


def _contact_center(
    x: ReportIndex, lo: int, hi: int, start: int, end: int, bounds: I64
) -> dict[str, Any]:
    f, s, asg = x.frame, x.frame.segs, x.assignments
    a, b = np.searchsorted(asg.start_ts, [start, end])
    outcome, seen = asg.outcome[a:b], asg.end_ts[a:b] < end  # made at end
    handled = (outcome == HANDLED) & seen
    abandoned = (outcome == ABANDONED) & seen
    closed = (outcome == CLOSED) & seen
    starts = asg.start_ts[a:b]
    # a wait ends at the human accepting agent's first reply (bots' replies are the chatbot's)
    waited = handled & ~asg.takeover[a:b] & ~asg.bot[a:b] & (asg.reply_ts[a:b] < end)
    wait = asg.reply_ts[a:b][waited] - starts[waited]
    sa, sb = np.searchsorted(s.start_ts, [start, end])
    human = sa + np.flatnonzero(x.seg_human[sa:sb])
    done = human[s.end_ts[human] < end]
    ha, hb = np.searchsorted(x.human_msg_rows, [lo, hi], side="left")
    msg_ts = f.ts[x.human_msg_rows[ha:hb]]
    ca, cb = np.searchsorted(x.close_rows, [lo, hi])
    reasons = x.close_reason[ca:cb][x.close_cc[ca:cb]]
    counts = np.bincount(reasons, minlength=len(x.reasons))
    order = sorted(np.flatnonzero(counts).tolist(), key=lambda i: (-counts[i], x.reasons[i]))
    n_handled = int(np.count_nonzero(handled))
    daily = [
        {"handled": h, "missed": m, "messages": n}
        for h, m, n in zip(
            _per_day(starts[handled], bounds),
            _per_day(starts[~handled], bounds),
            _per_day(msg_ts, bounds),
            strict=True,
        )
    ]
    return {
        "total_conversations": int(outcome.shape[0]),
        "handled": n_handled,
        "handled_by_bot": int(np.count_nonzero(handled & asg.bot[a:b])),
        "missed": int(outcome.shape[0]) - n_handled,
        "missed_by_outcome": {
            "abandoned": int(np.count_nonzero(abandoned)),
            "closed": int(np.count_nonzero(closed)),
            "waiting": int(np.count_nonzero(~(handled | abandoned | closed))),
        },
        "total_messages": int(msg_ts.shape[0]),
        "unique_users": x.segment_users.count(*x.segment_users.span(sa, sb)),
        "closing_reasons": [{"reason": x.reasons[i], "count": int(counts[i])} for i in order],
        "avg_conversation_time": mean_ms(
            int((s.end_ts[done] - s.start_ts[done]).sum()), int(done.shape[0])
        ),
        "avg_wait_time": mean_ms(int(wait.sum()), int(wait.shape[0])),
        "wait_samples": int(wait.shape[0]),
        "daily": daily,
    }


def _agents(x: ReportIndex, start: int, end: int, bounds: I64) -> list[dict[str, Any]]:
    """Per human agent with activity: segments started, segment time and logged-in time."""
    s, roster = x.frame.segs, x.frame.roster
    sb = int(np.searchsorted(s.start_ts, end))
    segs = np.flatnonzero(x.seg_human[:sb] & (s.end_ts[:sb] > start))
    started = segs[s.start_ts[segs] >= start]
    seg_ms = _overlap(s.start_ts[segs], s.end_ts[segs], bounds)
    _, p_lo, p_hi = x.presence
    live = (p_lo < end) & (p_hi > start)
    # per human agent (row = index in human_ids) and day, summed by bincount over the
    # flattened (agent, day) cells: a cell holds one agent's time inside one local day
    # (at most 25 h per segment or interval), so its float64 sum of integer ms stays far
    # below 2**53 and is exact
    n_humans, n_days = len(x.human_ids), bounds.shape[0] - 1
    cells = n_humans * n_days

    def per_cell(agent_index: I64, ms: I64) -> I64:
        index = agent_index[:, None] * n_days + np.arange(n_days)
        sums = np.bincount(index.ravel(), weights=ms.ravel(), minlength=cells)
        return sums.astype(np.int64).reshape(n_humans, n_days)

    day = _day(s.start_ts[started], bounds)
    counts = np.bincount(x.seg_human_index[started] * n_days + day, minlength=cells)
    counts = counts.reshape(n_humans, n_days)
    minutes = per_cell(x.seg_human_index[segs], seg_ms)
    hours = per_cell(x.presence_human_index[live], _overlap(p_lo[live], p_hi[live], bounds))
    out = []
    active = np.flatnonzero(counts.any(axis=1) | minutes.any(axis=1) | hours.any(axis=1))
    for i in active.tolist():
        agent = x.human_ids[i]
        conv, mins, hrs = counts[i].tolist(), minutes[i].tolist(), hours[i].tolist()
        info = roster.agent(agent)
        out.append(
            {
                "agent_id": agent,
                "name": info.name if info else "",
                "role": info.role if info else "",
                "conversations": sum(conv),
                "conversation_minutes": sum(mins) / MINUTE_MS,
                "connection_hours": sum(hrs) / HOUR_MS,
                "daily": [
                    {"conversations": c, "conversation_minutes": m / MINUTE_MS,
                     "connection_hours": h / HOUR_MS}
                    for c, m, h in zip(conv, mins, hrs, strict=True)
                ],
            }
        )  # fmt: skip
    return out
