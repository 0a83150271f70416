"""The msgagentsegments family (seed 004): parameters, rules, metric names, response shape.

docs/metrics.md sections 2.3 (response) and 2.4 (parameters) state these rules in words.
"""

from __future__ import annotations

from ._spec import Family, Parameter, Rule

__all__ = ["AGENT_SEGMENT_METRICS", "MSGAGENTSEGMENTS"]

#: The 11 metrics of seed 004, in response key order (the seed's example order).
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
_DATA = ("metricsPerSkill", "agentsMetrics", "metricsTotal")
MAX_TIMEFRAME_MIN = 1440
MIN_INTERVAL_MIN = 5

MSGAGENTSEGMENTS = Family(
    name="msgagentsegments",
    seed="004",
    summary="Agent-segment metrics of messaging conversations over [now - timeframe, now)",
    path="/operations/api/account/{account}/msgagentsegments",
    operation_id="getMsgAgentSegments",
    parameters=(
        Parameter(
            "timeframe",
            "integer",
            "Minutes back from now: the window is [now - timeframe, now).",
            required=True,
            low=1,
            high=MAX_TIMEFRAME_MIN,
            unit="minutes",
        ),
        Parameter("v", "integer", "API version.", required=True, low=1, high=1),
        Parameter(
            "interval",
            "integer",
            "Split the window into intervals of this many minutes.",
            low=MIN_INTERVAL_MIN,
            high=MAX_TIMEFRAME_MIN,
            unit="minutes",
        ),
        Parameter(
            "agentIds",
            "ids",
            "Only these agents.",
            all_keyword=True,
            keyword="agent_ids",
        ),
        Parameter(
            "skillIds",
            "ids",
            "Group by these skills (all: every skill with data) in metricsPerSkill; "
            "absent: no metricsPerSkill.",
            all_keyword=True,
            keyword="skill_ids",
        ),
        Parameter(
            "groupIds",
            "ids",
            "Only agents of these roster groups.",
            all_keyword=True,
            keyword="group_ids",
        ),
        Parameter(
            "userType",
            "choice",
            "Only agents of this user type.",
            default="all",
            choices=("human", "bot", "all"),
            keyword="user_type",
        ),
        Parameter(
            "source",
            "pattern",
            "Only conversations of this source (APP, WEB, SMS...), compared exactly.",
            default="all",
            all_keyword=True,
            pattern="[A-Z][A-Z0-9_]*",
        ),
        Parameter(
            "metrics",
            "names",
            "Metrics to return (totalAgentConversationSegments always is); all inside a "
            "list selects every metric.",
            default="all",
            all_keyword=True,
            choices=AGENT_SEGMENT_METRICS,
            always=AGENT_SEGMENT_METRICS[:1],
        ),
    ),
    rules=(
        Rule(
            "divides",
            "interval",
            "an interval <= timeframe that divides it (timeframe % interval == 0)",
            other="timeframe",
        ),
    ),
    # With interval the top level is metricsByIntervals and timeframeSummary, each holding
    # the metrics data the top level holds without it; metricsPerSkill only with skillIds.
    response_keys=(
        ("", _DATA + ("metricsByIntervals", "timeframeSummary")),
        ("metricsByIntervals[]", ("timestamp", "metricsData")),
        ("metricsByIntervals[].metricsData", _DATA),
        ("timeframeSummary", _DATA),
        ("metricsTotal", AGENT_SEGMENT_METRICS),
        ("timeframeSummary.metricsTotal", AGENT_SEGMENT_METRICS),
    ),
)
