"""Parameters of the agent-segments query (seed 004, msgagentsegments) as the oracle's value.

One validated value object, :class:`AgentSegmentsParams`, built either from
typed Python values (:meth:`AgentSegmentsParams.create`) or from the raw
strings of a vendor URL query (:func:`parse_agent_segments_query`). Both
apply the API contract (:data:`ccbench.api.MSGAGENTSEGMENTS`, docs/metrics.md
2.4): the first invalid parameter raises :class:`ccbench.ParameterError`
naming it; HTTP code maps that error to 400 with body
``{"error": {"parameter": ..., "message": ...}}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ccbench.api import (
    AGENT_SEGMENT_METRICS,
    MSGAGENTSEGMENTS,
    Query,
    RawQuery,
    check_values,
    parse_query,
)

__all__ = [
    "AGENT_SEGMENT_METRICS",
    "QUERY_PARAMETERS",
    "AgentSegmentsParams",
    "parse_agent_segments_query",
]

#: Query-string parameters in the contract's declared order (which decides the error named).
QUERY_PARAMETERS: tuple[str, ...] = MSGAGENTSEGMENTS.names

IdFilter = frozenset[int] | None  # None means "all"


def _ids(query: Query, name: str) -> frozenset[int] | str | None:
    ids = query.ids(name)
    return ids if ids is None or ids == "all" else frozenset(ids)


@dataclass(frozen=True, slots=True)
class AgentSegmentsParams:
    """A validated msgagentsegments request (everything but ``now``).

    ``timeframe`` and ``interval`` are minutes; the window is
    ``[now - timeframe, now)``. ``agent_ids``/``group_ids`` None means all;
    ``skill_ids`` None means no per-skill grouping, ``"all"`` every skill with
    data, a set those skills (and only their segments). ``user_type`` is
    human, bot or all; ``source`` None means all. ``metrics`` is the tuple of
    metric names to show, in response order, always with
    totalAgentConversationSegments.
    """

    timeframe: int
    v: int = 1
    interval: int | None = None
    agent_ids: IdFilter = None
    skill_ids: frozenset[int] | str | None = None
    group_ids: IdFilter = None
    user_type: str = "all"
    source: str | None = None
    metrics: tuple[str, ...] = AGENT_SEGMENT_METRICS

    @classmethod
    def create(
        cls,
        *,
        timeframe: int,
        v: int = 1,
        interval: int | None = None,
        agent_ids: Iterable[int] | str | None = None,
        skill_ids: Iterable[int] | str | None = None,
        group_ids: Iterable[int] | str | None = None,
        user_type: str | None = None,
        source: str | None = None,
        metrics: Iterable[str] | str | None = None,
    ) -> AgentSegmentsParams:
        """Validate typed values. Id lists take ints or ``"all"``; metrics names or ``"all"``."""
        values = {
            "timeframe": timeframe,
            "v": v,
            "interval": interval,
            "agentIds": agent_ids,
            "skillIds": skill_ids,
            "groupIds": group_ids,
            "userType": user_type,
            "source": source,
            "metrics": metrics,
        }
        return cls.from_query(check_values(MSGAGENTSEGMENTS, values))

    @classmethod
    def from_query(cls, query: Query) -> AgentSegmentsParams:
        """The params of a request the contract has checked."""
        agents, groups = _ids(query, "agentIds"), _ids(query, "groupIds")
        source = query.text("source")
        return cls(
            timeframe=query.integer_value("timeframe"),
            v=query.integer_value("v"),
            interval=query.integer("interval"),
            agent_ids=None if isinstance(agents, str) else agents,
            skill_ids=_ids(query, "skillIds"),
            group_ids=None if isinstance(groups, str) else groups,
            user_type=query.text_value("userType"),
            source=None if source == "all" else source,
            metrics=query.names("metrics") or AGENT_SEGMENT_METRICS,
        )


def parse_agent_segments_query(query: RawQuery) -> AgentSegmentsParams:
    """Validate raw URL query parameters (strings as they arrive, pairs in URL order or a
    mapping of name to one string or several) into params.

    Values are trimmed of surrounding white space; list items too. A
    parameter given more than once (a sequence of several strings) and an
    unknown parameter name are errors. The error names a parameter by the
    contract's rule (docs/metrics.md "Errors of every query API").
    """
    return AgentSegmentsParams.from_query(parse_query(MSGAGENTSEGMENTS, query))
