"""msgagentsegments (seed 004): select segments, aggregate features, shape the response.

docs/metrics.md ("Agent segment metrics") is the specification. A segment
belongs to the window (and to an interval) by its start time; it is judged
from the events visible at ``now`` (``ts < now``). Aggregation sums integer
feature columns per group, and every metric is computed from those raw sums:
long averages truncate toward zero, the message average is a double, an
average without a sample is -1, and a group without segments is absent
(agents, skills) or all zeros (metricsTotal).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ccbench.arrays import take

from ._params import AgentSegmentsParams
from ._segment_table import Feature, Segments

__all__ = ["AgentDirectory", "agent_segments_response"]

I64 = npt.NDArray[np.int64]
MINUTE_MS = 60_000

F = Feature
# metric -> (sum column, count column) for long averages truncated toward zero
_AVERAGES = {
    "avgAgentSegmentDuration": (F.DURATION_SUM, F.DURATION_N),
    "avgTimetoFirstAgentMessageFromAgentAssignment": (F.FIRST_SUM, F.FIRST_N),
    "avgTimetoFirstAgentMessageFromAgentAssignment_AfterTransfer": (
        F.FIRST_TRANSFER_SUM,
        F.FIRST_TRANSFER_N,
    ),
    "avgTimetoFirstAgentMessageFromAgentAssignment_NewConversation": (
        F.FIRST_NEW_SUM,
        F.FIRST_NEW_N,
    ),
    "avgTimeToResponseFromAgentAssignment": (F.RESPONSE_SUM, F.RESPONSE_N),
}
_COUNTS = {
    "totalAgentConversationSegments": F.SEGMENTS,
    "interactiveAgentSegments": F.INTERACTIVE,
    "agentSegmentsAbandonedByConsumers": F.ABANDONED,
    "agentSegmentsWithNonResponsiveConsumers": F.NONRESPONSIVE_CONSUMER,
    "agentSegmentsWithNonResponsiveAgents": F.NONRESPONSIVE_AGENT,
}


@dataclass(frozen=True, slots=True)
class AgentDirectory:
    """Roster facts the filters need, as lookup arrays indexed by agent id.

    ``group[a]``/``is_bot[a]`` for agent id ``a``; ids beyond the arrays (or
    absent from the roster) have group -1 and count as human. ``agent_ids`` and
    ``skill_ids`` give dense group indexes without sorting the segments.
    """

    group: I64
    is_bot: npt.NDArray[np.bool_]
    agent_ids: I64  # roster agent ids, ascending
    skill_ids: I64  # roster skill ids and 0, ascending

    def lookup_group(self, agent: I64) -> I64:
        return take(self.group, agent, missing=-1)

    def lookup_bot(self, agent: I64) -> npt.NDArray[np.bool_]:
        return take(self.is_bot, agent, missing=False)


def _metric_columns(sums: I64, metrics: tuple[str, ...]) -> dict[str, list[Any]]:
    """Metric values of each row of ``sums`` (rows with at least one segment)."""
    out: dict[str, list[Any]] = {}
    for name in metrics:
        if name in _COUNTS:
            out[name] = sums[:, _COUNTS[name]].tolist()
        elif name in _AVERAGES:
            s, n = _AVERAGES[name]
            # Sums and counts are non-negative, so floor division truncates toward zero.
            out[name] = np.where(
                sums[:, n] > 0, sums[:, s] // np.maximum(sums[:, n], 1), -1
            ).tolist()
        else:  # avgAgentMessagesinAgentSegment: IEEE double; integral values as JSON ints
            ratio = sums[:, F.MESSAGES] / sums[:, F.SEGMENTS]
            out[name] = [int(x) if x.is_integer() else x for x in ratio.tolist()]
    return out


def _rows(sums: I64, metrics: tuple[str, ...]) -> list[dict[str, Any]]:
    cols = _metric_columns(sums, metrics)
    return [
        dict(zip(metrics, values, strict=True))
        for values in zip(*(cols[m] for m in metrics), strict=True)
    ]


def _total(sums: I64, metrics: tuple[str, ...]) -> dict[str, Any]:
    if sums[F.SEGMENTS] == 0:  # no data at all: every metric 0, averages included
        return dict.fromkeys(metrics, 0)
    return _rows(sums[None, :], metrics)[0]


def _group(keys: I64, feats: I64, n_keys: int | None = None) -> tuple[I64, I64]:
    """(distinct keys ascending, per-key feature sums); keys must lie in [0, n_keys)."""
    if keys.shape[0] == 0:
        return keys, np.zeros((0, feats.shape[1]), dtype=np.int64)
    if n_keys is not None and n_keys <= 4 * keys.shape[0]:
        # Few possible keys: counting beats sorting. float64 sums are exact below 2^53 ms.
        dense = np.stack(
            [
                np.bincount(keys, weights=feats[:, j], minlength=n_keys)
                for j in range(feats.shape[1])
            ],
            axis=1,
        ).astype(np.int64)
        present = np.flatnonzero(dense[:, Feature.SEGMENTS])
        return present.astype(np.int64), dense[present]
    order = np.argsort(keys, kind="stable")
    k = keys[order]
    starts = np.flatnonzero(np.concatenate(([True], k[1:] != k[:-1])))
    return k[starts], np.add.reduceat(feats[order], starts, axis=0)


def _dense(values: I64, known: I64) -> tuple[I64, I64]:
    """(sorted distinct ids, index of each value in them), by lookup in the roster's ids."""
    ix = np.searchsorted(known, values)
    if (take(known, ix, missing=-1) == values).all():
        return known, ix.astype(np.int64)
    ids, ix = np.unique(values, return_inverse=True)  # ids outside the roster
    return ids, ix.astype(np.int64)


def _section(agent: I64, skill: I64, feats: I64, params: AgentSegmentsParams) -> dict[str, Any]:
    """One response body: [metricsPerSkill,] agentsMetrics, metricsTotal."""
    metrics = params.metrics
    body: dict[str, Any] = {}
    if params.skill_ids is not None:
        skills, skill_ix = np.unique(skill, return_inverse=True)
        agents, agent_ix = np.unique(agent, return_inverse=True)
        # dense (skill, agent) key: sorting it orders by skill id, then agent id
        pair, sums = _group(skill_ix.astype(np.int64) * max(agents.shape[0], 1) + agent_ix, feats)
        rows = _rows(sums, metrics)
        sk_ids, ag_ids = skills.tolist(), agents.tolist()
        per_skill: dict[str, Any] = {}
        for key, row in zip(pair.tolist(), rows, strict=True):
            sk, ag = divmod(key, max(agents.shape[0], 1))
            per_skill.setdefault(str(sk_ids[sk]), {"metricsPerAgent": {}})["metricsPerAgent"][
                str(ag_ids[ag])
            ] = row
        body["metricsPerSkill"] = per_skill
    agents, sums = _group(agent, feats)
    body["agentsMetrics"] = {
        "metricsPerAgent": dict(
            zip((str(a) for a in agents.tolist()), _rows(sums, metrics), strict=True)
        )
    }
    body["metricsTotal"] = _total(feats.sum(axis=0), metrics)
    return body


def agent_segments_response(
    segments: Segments,
    directory: AgentDirectory,
    source_code: int | None,
    params: AgentSegmentsParams,
    *,
    now_ms: int,
) -> dict[str, Any]:
    """The msgagentsegments response for ``params`` at ``now_ms`` (epoch ms).

    ``source_code`` is the conversation-source code ``params.source`` maps to
    (-2 when the log has no such source; None when not filtering).
    """
    start = now_ms - params.timeframe * MINUTE_MS
    lo, hi = np.searchsorted(segments.start_ts, [start, now_ms], side="left")
    index = np.arange(lo, hi, dtype=np.int64)
    agent = segments.agent[index]
    keep = np.ones(index.shape[0], dtype=bool)
    if params.agent_ids is not None:
        keep &= np.isin(agent, np.fromiter(params.agent_ids, dtype=np.int64))
    if isinstance(params.skill_ids, frozenset):
        keep &= np.isin(segments.skill[index], np.fromiter(params.skill_ids, dtype=np.int64))
    if params.group_ids is not None:
        keep &= np.isin(
            directory.lookup_group(agent), np.fromiter(params.group_ids, dtype=np.int64)
        )
    if params.user_type != "all":
        keep &= directory.lookup_bot(agent) == (params.user_type == "bot")
    if source_code is not None:
        keep &= segments.source[index] == source_code
    index = index[keep]
    agent = agent[keep]
    # Without skill grouping the skill plays no role: one pseudo-skill keeps groups coarse.
    skill = segments.skill[index] if params.skill_ids is not None else np.zeros_like(agent)
    feats = segments.features_at(index, now_ms)
    width = (params.interval or params.timeframe) * MINUTE_MS
    n = params.timeframe * MINUTE_MS // width
    slot = (segments.start_ts[index] - start) // width
    # One pass over the segments: sums per (interval, skill, agent). Every section below
    # is built from these few rows, never from the segments again (sums are additive).
    agents, agent_ix = _dense(agent, directory.agent_ids)
    skills, skill_ix = _dense(skill, directory.skill_ids)
    n_ag, n_sk = max(agents.shape[0], 1), max(skills.shape[0], 1)
    key, sums = _group((slot * n_sk + skill_ix) * n_ag + agent_ix, feats, n * n_sk * n_ag)
    row_slot, rest = np.divmod(key, n_sk * n_ag)
    row_skill, row_agent = skills[rest // n_ag], agents[rest % n_ag]
    summary = _section(row_agent, row_skill, sums, params)
    if params.interval is None:
        return summary
    bounds = np.searchsorted(row_slot, np.arange(n + 1), side="left")  # keys ascend by slot
    intervals = []
    for k in range(n):
        a, b = bounds[k], bounds[k + 1]
        data = _section(row_agent[a:b], row_skill[a:b], sums[a:b], params)
        intervals.append({"timestamp": start + k * width, "metricsData": data})
    return {"metricsByIntervals": intervals, "timeframeSummary": summary}
