"""``msgagentsegments``: agent-segment metrics from the prefix-sum rollup of the projection.

Window: the half-open range [now - timeframe, now) in ms; a segment belongs to
the window (and to an interval of it) by its start time. Everything is judged
from events with ts < now: a segment is ended only if its end event is before
now, and only messages before now count. The rollup (backend/_rollup.py) gives
exact sums and counts per (interval, agent, skill); they are added up per
response section (per agent, per skill and agent, the total; per interval and
for the timeframe summary) and the averages derived (truncated toward zero),
so totals come from raw sums and counts, never from rounded per-agent values.
Every section's rows are derived at once, column by column, and only then
split into the response's objects. docs/backend.md lists the definitions.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from ._params import SegmentQuery
from ._rollup import RollupCache
from ._rollup_cells import cells, sum_by
from ._rollup_view import Filters
from ._segment_json import MetricTexts, sums_of, texts
from ._store import Store

__all__ = [
    "agent_segment_json",
    "agent_segment_metrics",
    "prepare_segment_rollup",
    "segment_rollup_ready",
]

_MS_PER_MIN = 60_000

Array = npt.NDArray[np.int64]


def _runs(*keys: Array) -> tuple[Array, Array]:
    """Starts of the runs of equal ``keys`` tuples (rows sorted by them), and each row's
    run."""
    n = keys[0].shape[0]
    change = np.zeros(n, dtype=bool)
    change[:1] = True
    for k in keys:
        change[1:] |= k[1:] != k[:-1]
    return np.flatnonzero(change), np.cumsum(change) - 1


def _sections(
    section: Array, agent: Array, skill: Array, v: Array, count: int, query: SegmentQuery
) -> list[bytes]:
    """``count`` metricsData objects (JSON) from sums ``v`` per (section, agent, skill),
    rows sorted by them, each with at least one segment.

    Every value comes from raw sums and counts, never from other rows' averages.
    """
    a, agent_run = _runs(section, agent)
    t, section_run = _runs(section)
    rows = [sum_by(agent_run, v, len(a)), sum_by(section_run, v, len(t))]
    ids = [agent[a]]
    if query.by_skill:
        order = np.lexsort((agent, skill, section))  # by skill, then agent: ascending ids
        rows.append(np.take(v, order, axis=0))
        ids += [np.zeros(len(t), dtype=np.int64), agent[order]]
    m = MetricTexts(np.concatenate(rows), query.metrics, sums_of(query.metrics))
    names = texts(np.concatenate(ids))  # each row's agent (totals: unused)
    agent_cut = np.searchsorted(section[a], np.arange(count + 1)).tolist()
    total_at = dict(zip(section[t].tolist(), range(len(a), len(a) + len(t)), strict=True))
    runs: list[int] = []
    if query.by_skill:
        base = len(a) + len(t)  # the (skill, agent) rows' first
        s_section, s_skill = section[order], skill[order]
        skill_cut = (base + np.searchsorted(s_section, np.arange(count + 1))).tolist()
        runs = (base + _runs(s_section, s_skill)[0]).tolist() + [len(names)]
        skill_names = texts(s_skill)
    out = []
    r = 0  # the next (skill) run
    for k in range(count):
        parts = [b"{"]
        if query.by_skill:
            per_skill = []
            while runs[r] < skill_cut[k + 1]:
                lo, hi = runs[r], runs[r + 1]
                name = skill_names[lo - base]
                agents = m.keyed(names, lo, hi)
                per_skill.append(b'"' + name + b'":{"metricsPerAgent":' + agents + b"}")
                r += 1
            parts += [b'"metricsPerSkill":{', b",".join(per_skill), b"},"]
        agents = m.keyed(names, agent_cut[k], agent_cut[k + 1])
        total = m.object(total_at[k]) if k in total_at else m.zero
        parts += [b'"agentsMetrics":{"metricsPerAgent":', agents, b'},"metricsTotal":', total, b"}"]
        out.append(b"".join(parts))
    return out


def agent_segment_json(store: Store, *, account: str, query: SegmentQuery, now_ms: int) -> bytes:
    """The msgagentsegments response for ``account`` at ``now_ms`` (epoch ms), as JSON
    (backend/_segment_json.py: the bytes ``orjson.dumps`` gives for the answer's dict).

    Window [now_ms - timeframe, now_ms); with an interval, intervals are
    anchored at now (oldest first, timestamp = interval start in ms).
    """
    window_ms = query.timeframe_min * _MS_PER_MIN
    step_ms = (query.interval_min or query.timeframe_min) * _MS_PER_MIN
    lo = now_ms - window_ms
    n = window_ms // step_ms
    rollup = _rollups(store).view(store, account=account)
    c = cells(
        rollup,
        lo=lo,
        now=now_ms,
        step=step_ms,
        n=n,
        filters=Filters(
            agents=query.agent_ids,
            skills=query.skill_ids,
            source=query.source,
            groups=query.group_ids,
            user_type=query.user_type,
        ),
        fields=sums_of(query.metrics),
    )
    if query.interval_min is None:
        return _sections(c.interval, c.agent, c.skill, c.sums, 1, query)[0]
    # the timeframe summary: each (agent, skill)'s sums over the intervals, as section n
    summary = sum_by(c.pair, c.sums, c.pairs.shape[0])
    counted = np.flatnonzero(summary[:, 0] > 0)  # ascending pairs: by agent, then skill
    sections = _sections(
        np.concatenate((c.interval, np.full(len(counted), n, dtype=np.int64))),
        np.concatenate((c.agent, c.pairs[counted, 0])),
        np.concatenate((c.skill, c.pairs[counted, 1])),
        np.concatenate((c.sums, summary[counted])),
        n + 1,
        query,
    )
    intervals = b",".join(
        b'{"timestamp":%d,"metricsData":%s}' % (lo + i * step_ms, sections[i]) for i in range(n)
    )
    return b'{"metricsByIntervals":[%s],"timeframeSummary":%s}' % (intervals, sections[n])


def agent_segment_metrics(
    store: Store, *, account: str, query: SegmentQuery, now_ms: int
) -> dict[str, Any]:
    """:func:`agent_segment_json`'s answer as Python objects (what its JSON decodes to)."""
    answer: dict[str, Any] = orjson.loads(
        agent_segment_json(store, account=account, query=query, now_ms=now_ms)
    )
    return answer


def segment_rollup_ready(store: Store, *, account: str) -> bool:
    """Whether the account's rollup is current (a query would not refresh it); never blocks."""
    return _rollups(store).ready(store, account=account)


def prepare_segment_rollup(store: Store, *, account: str) -> None:
    """Bring the account's rollup up to date (what the next query would otherwise do)."""
    _rollups(store).view(store, account=account)


def _rollups(store: Store) -> RollupCache:
    return store.cached(name="segment_rollup", factory=RollupCache)
