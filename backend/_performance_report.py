"""The automated performance report (seed 001) over ``[start_ms, end_ms)``, seen at end.

docs/metrics.md section 5 is the specification; the request's rules are the
API contract's (:data:`ccbench.api.REPORT`). The report is made at ``end_ms``
(it sees events with ``ts < end_ms``), so the test clock does not change it.
Daily series are per local day of the roster time zone, each cut to the
period. The period's events are one contiguous slice of the frame's rows; every
figure is read from the report index (backend/_report_index.py) by binary searches
over sorted instants and range counts made once per frame, so a request costs
O(days x agents + sqrt(events)), not a pass over the period's events.
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
from ._minute_peaks import MINUTE_MS
from ._report_index import ReportIndex

__all__ = ["local_days", "performance_report"]

I64 = npt.NDArray[np.int64]
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


def _per_day(ts: I64, bounds: I64) -> list[int]:
    """Count per day of ascending instants inside ``[bounds[0], bounds[-1])``: D binary
    searches, not one per instant."""
    out: list[int] = np.diff(np.searchsorted(ts, bounds, side="left")).tolist()
    return out


def _ranked(counts: I64, names: tuple[str, ...], key: str) -> list[dict[str, Any]]:
    """Conversations per code + 1 (index 0: null) with their percent, by count desc then
    name (null last)."""
    total = int(counts.sum())
    rows = [
        {key: None if i == 0 else names[i - 1], "conversations": c, "percent": percent(c, total)}
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
    days = [
        {"date": d, "start": a, "end": b}
        for d, a, b in zip(dates, bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)
    ]
    return {
        "period": {"start": start, "end": end, "timezone": frame.roster.timezone, "days": dates},
        "activity": _activity(x, lo, hi, bounds, days),
        "chatbot": _chatbot(x, lo, hi, top),
        "contact_center": _contact_center(x, lo, hi, bounds, days),
        "agents": _agents(x, bounds, dates),
    }


def _activity(
    x: ReportIndex, lo: int, hi: int, bounds: I64, days: list[dict[str, Any]]
) -> dict[str, Any]:
    start, end = int(bounds[0]), int(bounds[-1])
    ma, mb = (int(v) for v in np.searchsorted(x.msg_ts, [start, end], side="left"))
    oa, ob = (int(v) for v in np.searchsorted(x.open_ts, [start, end], side="left"))
    # messages of conversations opened in the period (a conversation opens once)
    top, bottom = x.msg_open.below((ma, mb), ob), x.msg_open.below((ma, mb), oa)
    depth = (top[1] - top[0]) - (bottom[1] - bottom[0])
    n_conv = ob - oa
    day_max, day_peak = x.minutes.peaks(bounds)
    peak = max(day_max)
    new = _per_day(x.first_open_ts, bounds)
    incoming = _per_day(x.incoming_ts, bounds)
    daily = [
        {**d, "new_users": a, "messages": b, "incoming_messages": c, "conversations": e,
         "max_messages_per_minute": m, "max_minute": None if p < 0 else p}
        for d, a, b, c, e, m, p in zip(
            days, new, _per_day(x.msg_ts, bounds), incoming, _per_day(x.open_ts, bounds),
            day_max, day_peak, strict=True)
    ]  # fmt: skip
    return {
        "new_users": sum(new),
        "active_users": x.active_users.count(*x.active_users.span(lo, hi)),
        "total_messages": mb - ma,
        "incoming_messages": sum(incoming),
        "peak_rpm": peak,
        # the earliest minute with the most messages: the first day's peak reaching it
        "peak_time": min(p for m, p in zip(day_max, day_peak, strict=True) if m == peak)
        if peak
        else None,
        "conversations": n_conv,
        "avg_messages_per_conversation": None if n_conv == 0 else depth / n_conv,
        "daily": daily,
    }


def _chatbot(x: ReportIndex, lo: int, hi: int, top: int | None) -> dict[str, Any]:
    a, b = np.searchsorted(x.intent_rows, [lo, hi])
    code = x.intent_code[a:b]
    n = len(x.intents)
    detections = np.bincount(code, minlength=n)
    first = x.intent_prev[a:b] < a  # the pair's first detection in the period
    convs = np.bincount(code[first], minlength=n)
    ranked = sorted(
        (i for i in range(n) if detections[i]),
        key=lambda i: (-int(convs[i]), -int(detections[i]), x.intents[i]),
    )
    intents = [
        {"intent": x.intents[i], "conversations": int(convs[i]), "detections": int(detections[i])}
        for i in ranked
    ]
    return {
        "intents": intents if top is None else intents[:top],
        "languages": _ranked(x.language_counts.counts(lo, hi), x.languages, "language"),
        "start_flows": _ranked(x.flow_counts.counts(lo, hi), x.flows, "flow"),
    }


def _contact_center(
    x: ReportIndex, lo: int, hi: int, bounds: I64, days: list[dict[str, Any]]
) -> dict[str, Any]:
    """Assignments started in the period, their outcome seen at its end (docs/metrics.md 5)."""
    s = x.frame.segs
    start, end = int(bounds[0]), int(bounds[-1])
    started = _per_day(x.assignments.start_ts, bounds)
    handled = x.handled.per_window(bounds, end)
    n_total, n_handled = sum(started), sum(handled)
    abandoned = x.abandoned.in_window(start, end, end)[0]
    closed = x.closed.in_window(start, end, end)[0]
    # a wait ends at the human accepting agent's first reply (bots' replies are the chatbot's)
    waits, wait_ms = x.waits.in_window(start, end, end)
    done, done_ms = x.segs_done.in_window(start, end, end)
    sa, sb = s.start_ts.searchsorted([start, end]).tolist()
    messages = _per_day(x.human_msg_ts, bounds)
    counts = x.cc_reasons.counts(lo, hi)[1:].tolist()
    order = sorted((i for i, c in enumerate(counts) if c), key=lambda i: (-counts[i], x.reasons[i]))
    daily = [
        {**d, "handled": h, "missed": t - h, "messages": m}
        for d, h, t, m in zip(days, handled, started, messages, strict=True)
    ]
    return {
        "total_conversations": n_total,
        "handled": n_handled,
        "handled_by_bot": x.bot_handled.in_window(start, end, end)[0],
        "missed": n_total - n_handled,
        "missed_by_outcome": {
            "abandoned": abandoned,
            "closed": closed,
            "waiting": n_total - n_handled - abandoned - closed,
        },
        "total_messages": sum(messages),
        "unique_users": x.segment_users.count(*x.segment_users.span(sa, sb)),
        "closing_reasons": [{"reason": x.reasons[i], "count": counts[i]} for i in order],
        "avg_conversation_time": mean_ms(done_ms, done),
        "avg_wait_time": mean_ms(wait_ms, waits),
        "wait_samples": waits,
        "daily": daily,
    }


def _agents(x: ReportIndex, bounds: I64, dates: list[str]) -> list[dict[str, Any]]:
    """Per human agent with activity: segments started, segment time and logged-in time,
    per local day and in total."""
    counts, seg_ms = x.seg_time.profile(bounds)
    logged_ms = x.presence_time.covered(bounds)
    active = np.flatnonzero(counts.any(axis=1) | seg_ms.any(axis=1) | logged_ms.any(axis=1))
    counts, seg_ms, logged_ms = counts[active], seg_ms[active], logged_ms[active]
    # the daily rows of every agent in one flat pass (agent-major), then a slice per agent
    n_days = len(dates)
    daily = [
        {"date": d, "conversations": c, "conversation_minutes": m, "connection_hours": h}
        for d, c, m, h in zip(
            dates * active.shape[0], counts.ravel().tolist(),
            (seg_ms.ravel() / MINUTE_MS).tolist(), (logged_ms.ravel() / HOUR_MS).tolist(),
            strict=True)
    ]  # fmt: skip
    ids, names, roles = x.human_ids, x.human_names, x.human_roles
    return [
        {"agent_id": ids[i], "name": names[i], "role": roles[i], "conversations": c,
         "conversation_minutes": m, "connection_hours": h, "daily": daily[k : k + n_days]}
        for k, i, c, m, h in zip(
            range(0, len(daily), n_days), active.tolist(), counts.sum(axis=1).tolist(),
            (seg_ms.sum(axis=1) / MINUTE_MS).tolist(), (logged_ms.sum(axis=1) / HOUR_MS).tolist(),
            strict=True)
    ]  # fmt: skip
