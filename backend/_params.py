"""Parameters of ``msgagentsegments`` (seed 004) as the backend's query value.

The rules are the API contract's (:data:`ccbench.api.MSGAGENTSEGMENTS`,
docs/metrics.md 2.4): every problem raises :class:`ccbench.ParameterError`
naming the parameter, the value received and what was expected; the app
turns it into a 400 with ``{"error": {"parameter": ..., "message": ...}}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ccbench.api import AGENT_SEGMENT_METRICS, MSGAGENTSEGMENTS, parse_query

__all__ = ["METRICS", "SegmentQuery", "parse_segment_query"]

#: Response order of the metrics (the contract's AGENT_SEGMENT_METRICS).
METRICS: tuple[str, ...] = AGENT_SEGMENT_METRICS


@dataclass(frozen=True, slots=True)
class SegmentQuery:
    """A validated request; times in minutes, ids as sorted unique tuples.

    ``agent_ids``/``group_ids`` None mean "all". ``skill_ids`` None with
    ``skills_all`` False means no metricsPerSkill section; ``skills_all`` True
    means one entry per skill with data. ``user_type``/``source`` None mean "all".
    """

    timeframe_min: int
    interval_min: int | None
    agent_ids: tuple[int, ...] | None
    group_ids: tuple[int, ...] | None
    skill_ids: tuple[int, ...] | None
    skills_all: bool
    user_type: str | None
    source: str | None
    metrics: tuple[str, ...]

    @property
    def by_skill(self) -> bool:
        """Whether the response has a metricsPerSkill section."""
        return self.skills_all or self.skill_ids is not None


def _some(ids: tuple[int, ...] | str | None) -> tuple[int, ...] | None:
    return None if ids is None or isinstance(ids, str) else ids


def parse_segment_query(items: Iterable[tuple[str, str]]) -> SegmentQuery:
    """Validate the query string's (name, value) pairs (docs/metrics.md section 2.4).

    Values are trimmed of surrounding white space. The error names the
    parameter by the contract's rule (docs/metrics.md "Errors of every query
    API").
    """
    q = parse_query(MSGAGENTSEGMENTS, items)
    skills = q.ids("skillIds")
    user_type, source = q.text("userType"), q.text("source")
    return SegmentQuery(
        timeframe_min=q.integer_value("timeframe"),
        interval_min=q.integer("interval"),
        agent_ids=_some(q.ids("agentIds")),
        group_ids=_some(q.ids("groupIds")),
        skill_ids=_some(skills),
        skills_all=skills == "all",
        user_type=None if user_type == "all" else user_type,
        source=None if source == "all" else source,
        metrics=q.names("metrics") or METRICS,
    )
