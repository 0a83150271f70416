"""Parameters of the agent-segments query (seed 004, msgagentsegments) and their validation.

One validated value object, :class:`AgentSegmentsParams`, built either from
typed Python values (:meth:`AgentSegmentsParams.create`) or from the raw
strings of a vendor URL query (:func:`parse_agent_segments_query`). Both
paths raise :class:`ccbench.ParameterError` naming the parameter, with the
rules of docs/metrics.md ("Parameters"); HTTP code maps that error to 400
with body ``{"error": {"parameter": ..., "message": ...}}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ccbench import ParameterError, describe

__all__ = [
    "AGENT_SEGMENT_METRICS",
    "QUERY_PARAMETERS",
    "AgentSegmentsParams",
    "parse_agent_segments_query",
]

#: The 11 metrics of seed 004, in response key order.
AGENT_SEGMENT_METRICS: tuple[str, ...] = (
    "totalAgentConversationSegments",
    "avgAgentMessagesinAgentSegment",
    "avgAgentSegmentDuration",
    "interactiveAgentSegments",
    "agentSegmentsAbandonedByConsumers",
    "agentSegmentsWithNonResponsiveConsumers",
    "agentSegmentsWithNonResponsiveAgents",
    "avgTimetoFirstAgentMessageFromAgentAssignment",
    "avgTimetoFirstAgentMessageFromAgentAssignment_AfterTransfer",
    "avgTimetoFirstAgentMessageFromAgentAssignment_NewConversation",
    "avgTimeToResponseFromAgentAssignment",
)
#: Query-string parameters in validation order (the first invalid one is reported).
QUERY_PARAMETERS: tuple[str, ...] = (
    "timeframe",
    "v",
    "interval",
    "agentIds",
    "skillIds",
    "groupIds",
    "userType",
    "source",
    "metrics",
)
MAX_TIMEFRAME = 1440
MIN_INTERVAL = 5
USER_TYPES = ("human", "bot", "all")
_DIGITS = re.compile(r"^[0-9]+$")
_SOURCE = re.compile(r"^[A-Z][A-Z0-9_]*$")
_MAX_ID = 2**63 - 1

IdFilter = frozenset[int] | None  # None means "all"


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
        timeframe = _check_timeframe(_int("timeframe", timeframe))
        _check_v(_int("v", v))
        if interval is not None:
            interval = _check_interval(_int("interval", interval), timeframe)
        agents = _ids("agentIds", agent_ids)
        skills: frozenset[int] | str | None
        if skill_ids is None:
            skills = None
        else:
            skills = _ids("skillIds", skill_ids)
            if skills is None:
                skills = "all"
        groups = _ids("groupIds", group_ids)
        if user_type is None:
            user_type = "all"
        if user_type not in USER_TYPES:
            raise ParameterError(
                "userType", f"expected one of human, bot, all, got {describe(user_type)}"
            )
        if source not in (None, "all") and (
            not isinstance(source, str) or not _SOURCE.match(source)
        ):
            raise ParameterError(
                "source",
                "expected all or a source name such as APP "
                f"(upper case, digits, _), got {describe(source)}",
            )
        return cls(
            timeframe=timeframe,
            v=1,
            interval=interval,
            agent_ids=agents,
            skill_ids=skills,
            group_ids=groups,
            user_type=user_type,
            source=None if source in (None, "all") else source,
            metrics=_metrics(metrics),
        )


def _check_timeframe(timeframe: int) -> int:
    if not 1 <= timeframe <= MAX_TIMEFRAME:
        raise ParameterError(
            "timeframe", f"expected minutes in 1..{MAX_TIMEFRAME}, got {timeframe}"
        )
    return timeframe


def _check_v(v: int) -> int:
    if v != 1:
        raise ParameterError("v", f"expected API version 1, got {v}")
    return v


def _check_interval(interval: int, timeframe: int) -> int:
    if interval < MIN_INTERVAL or interval > timeframe or timeframe % interval:
        raise ParameterError(
            "interval",
            f"expected minutes >= {MIN_INTERVAL}, <= timeframe "
            f"({timeframe}) and dividing it, got {interval}",
        )
    return interval


def _int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(name, f"expected an integer, got {describe(value)}")
    return value


def _ids(name: str, value: Iterable[int] | str | None) -> IdFilter:
    if value is None or value == "all":
        return None
    if isinstance(value, str):
        raise ParameterError(name, f"expected all or a list of ids, got {describe(value)}")
    ids = list(value)
    if not ids:
        raise ParameterError(name, "expected all or at least one id, got an empty list")
    for item in ids:
        if isinstance(item, bool) or not isinstance(item, int) or not 0 <= item <= _MAX_ID:
            raise ParameterError(name, f"expected ids that are integers >= 0, got {describe(item)}")
    return frozenset(ids)


def _metrics(value: Iterable[str] | str | None) -> tuple[str, ...]:
    if value is None or value == "all":
        return AGENT_SEGMENT_METRICS
    if isinstance(value, str):
        value = [value]
    names = set(value)
    if not names:
        raise ParameterError("metrics", "expected all or at least one metric name")
    if "all" in names:
        return AGENT_SEGMENT_METRICS
    unknown = sorted(n for n in names if n not in AGENT_SEGMENT_METRICS)
    if unknown:
        raise ParameterError(
            "metrics",
            f"unknown metric {unknown[0]!r}; expected all or "
            f"names from {', '.join(AGENT_SEGMENT_METRICS)}",
        )
    names.add(AGENT_SEGMENT_METRICS[0])
    return tuple(m for m in AGENT_SEGMENT_METRICS if m in names)


def _one(query: Mapping[str, str | Sequence[str]], name: str) -> str | None:
    value = query.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        values = list(value)
        if len(values) != 1:
            raise ParameterError(name, f"expected the parameter once, got it {len(values)} times")
        value = values[0]
    if not isinstance(value, str):
        raise ParameterError(name, f"expected a string, got {describe(value)}")
    return value.strip()


def _number(name: str, text: str) -> int:
    if not _DIGITS.match(text) or int(text) > _MAX_ID:
        raise ParameterError(name, f"expected a non-negative decimal integer, got {text!r}")
    return int(text)


def _list(name: str, text: str) -> list[str]:
    items = [item.strip() for item in text.split(",")]
    if any(not item for item in items):
        raise ParameterError(
            name, f"expected a comma-separated list without empty items, got {text!r}"
        )
    return items


def _id_list(name: str, text: str | None) -> list[int] | str | None:
    if text is None or text == "all":
        return text
    return [_number(name, item) for item in _list(name, text)]


def parse_agent_segments_query(query: Mapping[str, str | Sequence[str]]) -> AgentSegmentsParams:
    """Validate raw URL query parameters (strings as they arrive) into params.

    Values are trimmed of surrounding white space; list items too. A
    parameter given more than once (a sequence of several strings) and an
    unknown parameter name are errors. Parameters are checked in
    :data:`QUERY_PARAMETERS` order and the first invalid one raises
    ParameterError naming it.
    """
    unknown = sorted(k for k in query if k not in QUERY_PARAMETERS)
    if unknown:
        raise ParameterError(
            unknown[0], "unknown parameter; expected only " + ", ".join(QUERY_PARAMETERS)
        )
    raw = {name: _one(query, name) for name in QUERY_PARAMETERS}
    numbers: dict[str, int] = {}
    for name in ("timeframe", "v"):
        text = raw[name]
        if text is None:
            raise ParameterError(name, "required parameter is missing")
        numbers[name] = _number(name, text)
        if name == "timeframe":
            _check_timeframe(numbers[name])
        else:
            _check_v(numbers[name])
    timeframe, v = numbers["timeframe"], numbers["v"]
    interval = (
        None
        if raw["interval"] is None
        else _check_interval(_number("interval", raw["interval"]), timeframe)
    )
    metrics = raw["metrics"]
    return AgentSegmentsParams.create(
        timeframe=timeframe,
        v=v,
        interval=interval,
        agent_ids=_id_list("agentIds", raw["agentIds"]),
        skill_ids=_id_list("skillIds", raw["skillIds"]),
        group_ids=_id_list("groupIds", raw["groupIds"]),
        user_type=raw["userType"],
        source=raw["source"],
        metrics=None if metrics is None or metrics == "all" else _list("metrics", metrics),
    )
