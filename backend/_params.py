"""Parameters of ``msgagentsegments`` (seed 004): parsing and validation.

Every rule raises :class:`ccbench.ParameterError` naming the parameter, the
value received and what was expected; the app turns it into a 400 with
``{"error": {"parameter": ..., "message": ...}}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ccbench import ParameterError

__all__ = ["METRICS", "SegmentQuery", "parse_segment_query"]

# Response order of the metrics (seed 004's example order).
METRICS: tuple[str, ...] = (
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
PARAMETERS = (
    "timeframe",
    "v",
    "agentIds",
    "skillIds",
    "groupIds",
    "interval",
    "userType",
    "source",
    "metrics",
)
MAX_TIMEFRAME_MIN = 1440
MIN_INTERVAL_MIN = 5
USER_TYPES = ("human", "bot", "all")
_MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"^[0-9]+$")
_SOURCE = re.compile(r"^[A-Z][A-Z0-9_]*$")


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


def _number(raw: str) -> int | None:
    # Decimal digits only (no sign or point; leading zeros allowed), at most 2^63 - 1.
    if not _DIGITS.match(raw) or int(raw) > _MAX_ID:
        return None
    return int(raw)


def _integer(name: str, raw: str) -> int:
    value = _number(raw)
    if value is None:
        raise ParameterError(name, f"expected a whole number, got {raw!r}")
    return value


def _ids(name: str, raw: str) -> tuple[int, ...] | None:
    if raw == "all":
        return None
    out: list[int] = []
    for item in raw.split(","):
        value = _number(item.strip())
        if value is None:
            raise ParameterError(
                name,
                f"expected 'all' or comma-separated numeric ids, got {raw!r} (bad item {item!r})",
            )
        out.append(value)
    return tuple(sorted(set(out)))


def _metrics(raw: str) -> tuple[str, ...]:
    wanted = set()
    for item in raw.split(","):
        name = item.strip()
        if name == "all":
            return METRICS
        if name not in METRICS:
            raise ParameterError(
                "metrics",
                f"expected 'all' or comma-separated metric names ({', '.join(METRICS)}), "
                f"got unknown {item!r}",
            )
        wanted.add(name)
    # totalAgentConversationSegments is always returned (seed 004).
    return tuple(m for m in METRICS if m in wanted or m == METRICS[0])


def parse_segment_query(items: Iterable[tuple[str, str]]) -> SegmentQuery:
    """Validate the query string's (name, value) pairs (docs/metrics.md section 2.4).

    Values are trimmed of surrounding white space. Raises ParameterError for
    the first problem, in this order: an unknown or repeated parameter, then
    timeframe, v, interval, agentIds, skillIds, groupIds, userType, source,
    metrics.
    """
    raw: dict[str, str] = {}
    for name, value in items:
        if name not in PARAMETERS:
            raise ParameterError(
                name, f"unknown parameter; expected one of {', '.join(PARAMETERS)}"
            )
        if name in raw:
            raise ParameterError(name, "given more than once; expected at most one value")
        raw[name] = value.strip()
    if "timeframe" not in raw:
        raise ParameterError("timeframe", "required parameter is missing")
    timeframe = _integer("timeframe", raw["timeframe"])
    if not 1 <= timeframe <= MAX_TIMEFRAME_MIN:
        raise ParameterError(
            "timeframe", f"expected minutes from 1 to {MAX_TIMEFRAME_MIN}, got {timeframe}"
        )
    if "v" not in raw:
        raise ParameterError("v", "required parameter is missing")
    if _number(raw["v"]) != 1:
        raise ParameterError("v", f"expected 1 (the only API version), got {raw['v']!r}")
    interval = None
    if "interval" in raw:
        interval = _integer("interval", raw["interval"])
        if interval < MIN_INTERVAL_MIN:
            raise ParameterError(
                "interval", f"expected at least {MIN_INTERVAL_MIN} minutes, got {interval}"
            )
        if interval > timeframe or timeframe % interval:
            raise ParameterError(
                "interval",
                f"expected a divisor of timeframe ({timeframe}) no larger than it, got {interval}",
            )
    agent_ids = _ids("agentIds", raw["agentIds"]) if "agentIds" in raw else None
    skills = raw.get("skillIds")
    skill_ids = _ids("skillIds", skills) if skills is not None else None
    group_ids = _ids("groupIds", raw["groupIds"]) if "groupIds" in raw else None
    user_type = raw.get("userType", "all")
    if user_type not in USER_TYPES:
        raise ParameterError(
            "userType", f"expected one of {', '.join(USER_TYPES)}, got {user_type!r}"
        )
    source = raw.get("source", "all")
    if source != "all" and not _SOURCE.match(source):
        raise ParameterError(
            "source",
            "expected 'all' or an integration source such as APP, WEB, SMS, FACEBOOK "
            f"(upper case), got {source!r}",
        )
    return SegmentQuery(
        timeframe_min=timeframe,
        interval_min=interval,
        agent_ids=agent_ids,
        group_ids=group_ids,
        skill_ids=skill_ids,
        skills_all=skills == "all",
        user_type=None if user_type == "all" else user_type,
        source=None if source == "all" else source,
        metrics=_metrics(raw["metrics"]) if "metrics" in raw else METRICS,
    )
