"""The metric registry: every metric the seeds name, with its unit and definition.

One :class:`Metric` per seed metric. ``computed_by`` says where the oracle
answers it (the Oracle method and the JSON path in its response); ``None``
marks a metric that is specified here but not computed yet, so the catalog
is honest about coverage. The catalog (:mod:`._catalog`) renders it, with the
event kinds each metric needs (:mod:`._needs`).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FAMILIES", "METRICS", "Metric", "metric"]

#: family name -> seed file number it comes from
FAMILIES: dict[str, str] = {
    "agent_performance": "000",
    "report": "001",
    "supervision": "002",
    "dashboard": "003",
    "agent_segments": "004",
}


@dataclass(frozen=True, slots=True)
class Metric:
    """One metric: ``name`` is the project's id, ``label`` the seed's own wording.

    ``unit`` is one of count, ms, percent, ratio, score, minutes, hours,
    minor_units, timestamp_ms, distribution. ``empty`` is the value when the
    metric has no sample; ``rounding`` how the value is rounded.
    """

    name: str
    seed: str
    family: str
    label: str
    unit: str
    definition: str
    empty: str
    rounding: str
    computed_by: str | None


_COUNT = ("0", "none (integer)")
_MS_TRUNC = ("null", "truncated toward zero to integer ms")
_PCT = ("null", "none (IEEE double)")


def _m(
    name: str,
    label: str,
    unit: str,
    definition: str,
    empty_rounding: tuple[str, str],
    computed_by: str | None,
) -> tuple[str, str, str, str, str, str, str | None]:
    return (name, label, unit, definition, empty_rounding[0], empty_rounding[1], computed_by)


_SEG = "Oracle.agent_segments -> metricsTotal / metricsPerAgent"
_SEG_TRUNC = ("-1 (0 in an empty metricsTotal)", "truncated toward zero to integer ms")
_D = "Oracle.dashboard -> "
_AP = "Oracle.agent_performance -> "
_S = "Oracle.supervision -> "
_R = "Oracle.report -> "
_SUM = ("0.0 (only agents with activity are listed)", "none (IEEE double)")

# The table is kept one metric per call, hand-aligned: the formatter would spread each
# call over eight lines and make the catalog unreadable.
# fmt: off
_TABLE: dict[str, list[tuple[str, str, str, str, str, str, str | None]]] = {
    "agent_segments": [
        _m("totalAgentConversationSegments", "totalAgentConversationSegments", "count",
           "segments starting in [now - timeframe, now), open ones included (section 2)",
           _COUNT, _SEG),
        _m("avgAgentMessagesinAgentSegment", "avgAgentMessagesinAgentSegment", "ratio",
           "sum |M(s)| / segments (section 2.2)",
           ("0 in an empty metricsTotal", "none (IEEE double)"), _SEG),
        _m("avgAgentSegmentDuration", "avgAgentSegmentDuration", "ms",
           "mean end - start over ended segments", _SEG_TRUNC, _SEG),
        _m("interactiveAgentSegments", "interactiveAgentSegments", "count",
           "ended segments with M(s) non-empty and a consumer message after first(s)",
           _COUNT, _SEG),
        _m("agentSegmentsAbandonedByConsumers", "agentSegmentsAbandonedByConsumers", "count",
           "ended segments with M(s) empty closed by the consumer", _COUNT, _SEG),
        _m("agentSegmentsWithNonResponsiveConsumers",
           "agentSegmentsWithNonResponsiveConsumers", "count",
           "ended segments with M(s) non-empty and no consumer message after first(s)",
           _COUNT, _SEG),
        _m("agentSegmentsWithNonResponsiveAgents", "agentSegmentsWithNonResponsiveAgents",
           "count", "ended segments with M(s) empty not closed by the consumer", _COUNT, _SEG),
        _m("avgTimetoFirstAgentMessageFromAgentAssignment",
           "avgTimetoFirstAgentMessageFromAgentAssignment", "ms",
           "mean a1 - start over NEW and TRANSFER segments with a1", _SEG_TRUNC, _SEG),
        _m("avgTimetoFirstAgentMessageFromAgentAssignment_AfterTransfer",
           "avgTimetoFirstAgentMessageFromAgentAssignment_AfterTransfer", "ms",
           "same over TRANSFER segments", _SEG_TRUNC, _SEG),
        _m("avgTimetoFirstAgentMessageFromAgentAssignment_NewConversation",
           "avgTimetoFirstAgentMessageFromAgentAssignment_NewConversation", "ms",
           "same over NEW segments", _SEG_TRUNC, _SEG),
        _m("avgTimeToResponseFromAgentAssignment", "avgTimeToResponseFromAgentAssignment",
           "ms", "mean response time over all responses of the segments (section 1.4)",
           _SEG_TRUNC, _SEG),
    ],
    "dashboard": [
        _m("dashboard.open", "OPEN", "count",
           "conversations open at now (opened/resumed/reopened, not yet closed, abandoned "
           "or merged); = unassigned + assigned", _COUNT, _D + "current.open"),
        _m("dashboard.unassigned", "UNASSIGNED", "count",
           "open conversations with no open agent segment at now", _COUNT,
           _D + "current.unassigned"),
        _m("dashboard.assigned", "ASSIGNED", "count",
           "open conversations with an open agent segment at now", _COUNT,
           _D + "current.assigned"),
        _m("dashboard.active", "ACTIVE", "count",
           "assigned conversations that are active at now (section 3.2)", _COUNT,
           _D + "current.active"),
        _m("dashboard.load", "LOAD", "percent",
           "100 * sum of assigned conversations' weights / sum of max_slots of logged-in "
           "agents (section 3.3)", _PCT, _D + "current.load"),
        _m("dashboard.load_online", "LOAD - online", "percent",
           "LOAD restricted to agents whose status is online (conversations and slots)",
           _PCT, _D + "current.load_online"),
        _m("dashboard.load_other", "LOAD - other", "percent",
           "LOAD restricted to logged-in agents not online (away, back_soon)", _PCT,
           _D + "current.load_other"),
        _m("dashboard.response_time", "RESPONSE TIME", "ms",
           "mean human-agent response time (section 3.4) over the sample conversations",
           _MS_TRUNC, _D + "current.response_time"),
        _m("dashboard.response_time_consumer", "RESPONSE TIME - Consumer", "ms",
           "mean consumer response time to human-agent messages (section 3.4)", _MS_TRUNC,
           _D + "current.response_time_consumer"),
        _m("dashboard.ttfr_all_assign", "TTFR FROM ALL ASSIGN", "ms",
           "mean first human-agent message - assignment over human NEW/TRANSFER segments",
           _MS_TRUNC, _D + "current.ttfr_all_assign"),
        _m("dashboard.ttfr", "TIME TO FIRST RESPONSE (TTFR)", "ms",
           "mean first human-agent message - first consumer message, per conversation",
           _MS_TRUNC, _D + "current.ttfr"),
        _m("dashboard.ttfr_consumer", "TIME TO FIRST RESPONSE (TTFR) - Consumer", "ms",
           "mean first consumer message after the first human-agent message - that message",
           _MS_TRUNC, _D + "current.ttfr_consumer"),
        _m("dashboard.ttfr_first_assign", "TTFR FROM FIRST ASSIGN", "ms",
           "mean first human-agent message - first human assignment, per conversation",
           _MS_TRUNC, _D + "current.ttfr_first_assign"),
        _m("dashboard.wait_time", "WAIT TIME", "ms",
           "TTFR - TTFR FROM FIRST ASSIGN (difference of the two averages; may be negative)",
           ("null if either is null", "difference of the truncated averages"),
           _D + "current.wait_time"),
        _m("dashboard.time_to_first_assign", "TIME TO FIRST ASSIGN", "ms",
           "mean first human assignment - conversation opened, per conversation", _MS_TRUNC,
           _D + "current.time_to_first_assign"),
        _m("dashboard.mcs", "MCS", "score",
           "mean of each conversation's latest visible mcs.scored value", _PCT,
           _D + "current.mcs.average"),
        _m("dashboard.mcs_positive", "MCS - Positive", "count",
           "conversations whose latest mcs.scored has mcs_alerted = 1", _COUNT,
           _D + "current.mcs.positive"),
        _m("dashboard.mcs_negative", "MCS - Negative", "count",
           "conversations whose latest mcs.scored has mcs_alerted = -1", _COUNT,
           _D + "current.mcs.negative"),
        _m("dashboard.chat_in_queue", "IN QUEUE", "count",
           "chat conversations in a queue stay at now (section 3.6)", _COUNT,
           _D + "chat.in_queue"),
        _m("dashboard.chat_entered", "ENTERED QUEUE", "count",
           "chat queue stays starting in the window", _COUNT, _D + "chat.entered"),
        _m("dashboard.chat_abandoned", "ABANDONED", "count",
           "chat queue stays ending abandoned in the window", _COUNT, _D + "chat.abandoned"),
        _m("dashboard.chat_abandon_rate", "ABANDON RATE", "percent",
           "100 * abandoned / entered (option abandon_rate=handled: abandoned / "
           "(abandoned + connected))", _PCT, _D + "chat.abandon_rate"),
        _m("dashboard.chat_avg_time_to_abandon", "AVG. TIME TO ABANDON", "ms",
           "mean stay duration of the abandoned stays", _MS_TRUNC,
           _D + "chat.avg_time_to_abandon"),
        _m("dashboard.chat_connected", "CONNECTED", "count",
           "chat queue stays ending connected (accepted) in the window", _COUNT,
           _D + "chat.connected"),
        _m("dashboard.chat_service_level", "SERVICE LEVEL", "percent",
           "100 * connected stays with wait <= sl_threshold_ms / connected stays", _PCT,
           _D + "chat.service_level"),
        _m("dashboard.chat_occupancy", "OCCUPANCY", "percent",
           "100 * agent time online with >= 1 chat segment / agent time online, in the "
           "window, human agents", _PCT, _D + "chat.occupancy"),
        _m("dashboard.chat_avg_time_to_answer", "AVG. TIME TO ANSWER", "ms",
           "mean wait of the connected stays", _MS_TRUNC, _D + "chat.avg_time_to_answer"),
        _m("dashboard.chat_aht", "AHT", "ms",
           "mean end - start of interactive chat segments ending in the window", _MS_TRUNC,
           _D + "chat.aht"),
        _m("dashboard.closed_by", "Closed conversation graph", "count",
           "close events in the window by closed_by (consumer, agent, system)", _COUNT,
           _D + "closed.closed_by"),
        _m("dashboard.closed_csat", "CSAT", "percent",
           "100 * answers 4 or 5 / answers, latest survey of each closed conversation "
           "(section 3.5), with the number answered", _PCT, _D + "closed.csat"),
        _m("dashboard.closed_resolution_time", "Average resolution time", "ms",
           "mean close ts - opened ts over the closes in the window", _MS_TRUNC,
           _D + "closed.avg_resolution_time"),
        _m("dashboard.closed_response_time", "Response time", "ms",
           "RESPONSE TIME over the conversations closed in the window", _MS_TRUNC,
           _D + "closed.response_time"),
        _m("dashboard.closed_assign_to_response", "Assign to response time", "ms",
           "TTFR FROM ALL ASSIGN over the conversations closed in the window", _MS_TRUNC,
           _D + "closed.ttfr_all_assign"),
        _m("dashboard.closed_first_response", "First response time", "ms",
           "TTFR over the conversations closed in the window", _MS_TRUNC,
           _D + "closed.ttfr"),
        _m("dashboard.closed_first_assignment", "First assignment time", "ms",
           "TIME TO FIRST ASSIGN over the conversations closed in the window", _MS_TRUNC,
           _D + "closed.time_to_first_assign"),
        _m("dashboard.closed_wait_time", "Wait time", "ms",
           "WAIT TIME over the conversations closed in the window",
           ("null if either is null", "difference of the truncated averages"),
           _D + "closed.wait_time"),
        _m("dashboard.closed_mcs", "MCS (closed)", "score",
           "MCS average and positive/negative counts over the conversations closed in the "
           "window", _PCT, _D + "closed.mcs"),
        _m("dashboard.agent_status_time", "Status time", "ms",
           "now - ts of the agent's last status change (login or agent.status)", _COUNT,
           _D + "agents.rows[].status_time_ms"),
        _m("dashboard.agent_open", "Open (agent)", "count",
           "open segments of the agent at now", _COUNT, _D + "agents.rows[].open"),
        _m("dashboard.agent_active", "Active (agent)", "count",
           "open segments of the agent whose conversation is active", _COUNT,
           _D + "agents.rows[].active"),
        _m("dashboard.agent_load", "Load (agent)", "percent",
           "100 * sum of the agent's conversation weights / its max_slots", _PCT,
           _D + "agents.rows[].load"),
        _m("dashboard.agent_closed", "Closed (agent)", "count",
           "closes in the window of conversations whose last segment was the agent's",
           _COUNT, _D + "agents.rows[].closed"),
        _m("dashboard.agent_avg_resolution_time", "Average resolution time (agent)", "ms",
           "mean resolution time of the agent's closes in the window", _MS_TRUNC,
           _D + "agents.rows[].avg_resolution_time"),
        _m("dashboard.agent_csat", "CSAT (agent)", "percent",
           "CSAT of the agent's closes in the window", _PCT, _D + "agents.rows[].csat"),
        _m("dashboard.skill_open", "Open (skill)", "count",
           "open conversations whose current skill is the skill", _COUNT,
           _D + "skills.rows[].open"),
        _m("dashboard.skill_unassigned", "Unassigned (skill)", "count",
           "unassigned open conversations of the skill", _COUNT,
           _D + "skills.rows[].unassigned"),
        _m("dashboard.skill_assigned", "Assigned (skill)", "count",
           "assigned open conversations of the skill", _COUNT, _D + "skills.rows[].assigned"),
        _m("dashboard.skill_load", "Load (skill)", "percent",
           "mean agent load over logged-in agents having the skill", _PCT,
           _D + "skills.rows[].load"),
        _m("dashboard.skill_online_agents", "Online agents", "count",
           "logged-in agents with the skill whose status is online", _COUNT,
           _D + "skills.rows[].online"),
        _m("dashboard.skill_away_agents", "Away", "count",
           "logged-in agents with the skill whose status is away", _COUNT,
           _D + "skills.rows[].away"),
        _m("dashboard.skill_back_soon_agents", "Back soon agents", "count",
           "logged-in agents with the skill whose status is back_soon", _COUNT,
           _D + "skills.rows[].back_soon"),
        _m("dashboard.skill_max_slots", "Max slots", "count",
           "sum of max_slots of the logged-in agents having the skill", _COUNT,
           _D + "skills.rows[].max_slots"),
        _m("dashboard.skill_closed", "Closed (skill)", "count",
           "closes in [now - 12 h, now) of conversations whose current skill is the skill",
           _COUNT, _D + "skills.rows[].closed"),
        _m("dashboard.skill_avg_resolution_time", "Average resolution time (skill)", "ms",
           "mean resolution time of the skill's closes in the skill window", _MS_TRUNC,
           _D + "skills.rows[].avg_resolution_time"),
        _m("dashboard.skill_csat", "CSAT (skill)", "percent",
           "CSAT of the skill's closes in the skill window", _PCT, _D + "skills.rows[].csat"),
    ],
    "agent_performance": [
        _m("agent_performance.open", "Open conversations", "count",
           "the agent's segments open at now whose conversation is not snoozed", _COUNT,
           _AP + "open"),
        _m("agent_performance.snoozed", "Snoozed Conversations", "count",
           "the agent's segments open at now whose conversation is snoozed", _COUNT,
           _AP + "snoozed"),
        _m("agent_performance.marked_done", "Marked Done", "count",
           "distinct conversations closed by the agent (closed_by agent) in the range",
           _COUNT, _AP + "marked_done"),
        _m("agent_performance.aht", "Average Handle Time", "ms",
           "sum of the agent's view sessions started in the range (end or now - start) / "
           "distinct conversations viewed", _MS_TRUNC, _AP + "average_handle_time"),
        _m("agent_performance.first_routed_response_time", "First Routed Response Time",
           "ms", "mean a1 - accept over the agent's NEW/TRANSFER segments started in the "
           "range, per channel", _MS_TRUNC,
           _AP + "response_times.<channel>.first_routed_response_time"),
        _m("agent_performance.avg_response_time", "Average Response Time", "ms",
           "mean of the agent's responses (section 3.4) sent in the range, per channel",
           _MS_TRUNC, _AP + "response_times.<channel>.average_response_time"),
        _m("agent_performance.messages_sent", "Messages Sent", "count",
           "the agent's messages per bucket [start + k * bucket_ms, ...) of the range",
           _COUNT, _AP + "messages_sent[].count"),
        _m("agent_performance.fcr", "First Contact Resolution", "percent",
           "conversations opened in the range, assigned to the agent, with a message, closed "
           "by the agent, closed now, never snoozed/reopened/resumed/merged / conversations "
           "opened in the range assigned to the agent", _PCT,
           _AP + "first_contact_resolution"),
        _m("agent_performance.avg_first_resolution", "Average First Resolution", "ms",
           "mean first close by the agent - first consumer message, closes in the range",
           _MS_TRUNC, _AP + "average_first_resolution"),
        _m("agent_performance.breached", "Breached Conversations", "count",
           "the agent's conversations opened in the range that missed a target of their "
           "SLA policy (section 4)", _COUNT, _AP + "breached_conversations"),
        _m("agent_performance.sla_achieved", "SLA Achieved", "percent",
           "100 * conversations that met every target / conversations with a policy",
           _PCT, _AP + "sla_achieved"),
        _m("agent_performance.satisfaction", "Satisfaction Score", "percent",
           "100 * mean csat / 5 over surveys in the range whose conversation's last "
           "assignment before the survey is the agent's", _PCT, _AP + "satisfaction.score"),
    ],
    "report": [
        _m("report.new_users", "New Users", "count",
           "consumers whose first conversation.opened in the whole log is in the period",
           _COUNT, _R + "activity.new_users"),
        _m("report.active_users", "Active Users", "count",
           "distinct consumers who opened, resumed or wrote (consumer message) in the period",
           _COUNT, _R + "activity.active_users"),
        _m("report.total_messages", "Total Messages", "count",
           "message.sent events of every role in the period", _COUNT,
           _R + "activity.total_messages"),
        _m("report.peak_rpm", "Peak Volume (RPM)", "count",
           "max messages in one calendar minute (ts // 60000) of the period", _COUNT,
           _R + "activity.peak_rpm"),
        _m("report.peak_time", "Peak Time", "timestamp_ms",
           "start of the earliest minute with the peak volume", ("null", "minute start"),
           _R + "activity.peak_time"),
        _m("report.incoming_messages", "Incoming Messages", "count",
           "consumer messages, total and per local day", _COUNT,
           _R + "activity.daily[].incoming_messages"),
        _m("report.conversations", "Conversations", "count",
           "conversations opened in the period, total and per local day", _COUNT,
           _R + "activity.conversations"),
        _m("report.avg_messages_per_conversation", "Average Messages per Conversation",
           "ratio", "messages (ts < end) of the conversations opened in the period / those "
           "conversations", _PCT, _R + "activity.avg_messages_per_conversation"),
        _m("report.max_messages_per_minute", "Max Messages per Minute", "count",
           "per local day, the max messages in one calendar minute (and its earliest "
           "minute)", _COUNT, _R + "activity.daily[].max_messages_per_minute"),
        _m("report.intents", "Most Frequent Intents", "distribution",
           "intent.detected in the period by intent: distinct conversations and "
           "detections, ranked by conversations", ("[]", "none (integer counts)"),
           _R + "chatbot.intents"),
        _m("report.languages", "Language Distribution", "distribution",
           "conversations opened in the period by language (opened event's, else the first "
           "intent.detected's, else null), with percent", ("[]", "percent not rounded"),
           _R + "chatbot.languages"),
        _m("report.start_flows", "Conversation Start Flows", "distribution",
           "conversations opened in the period by their opened bot_flow (null: no bot "
           "flow), with percent", ("[]", "percent not rounded"), _R + "chatbot.start_flows"),
        _m("report.cc_total_conversations", "Total Conversations", "count",
           "human assignments starting in the period: waits for a human (queue or direct "
           "offer; each transfer, back-to-queue and resume starts one) and takeovers",
           _COUNT, _R + "contact_center.total_conversations"),
        _m("report.cc_missed", "Missed Conversations", "count",
           "those not accepted by a human before end (abandoned, closed while waiting, "
           "still waiting)", _COUNT, _R + "contact_center.missed"),
        _m("report.cc_total_messages", "Total Messages (contact center)", "count",
           "messages of every role in the period sent while a human agent segment runs",
           _COUNT, _R + "contact_center.total_messages"),
        _m("report.cc_unique_users", "Unique Users", "count",
           "distinct consumers of conversations with a human segment started in the period",
           _COUNT, _R + "contact_center.unique_users"),
        _m("report.cc_handled_vs_missed", "Handled vs. Missed", "count",
           "handled and missed assignments, total and per local day of their start",
           _COUNT, _R + "contact_center.daily[].handled"),
        _m("report.cc_closing_reasons", "Closing Reasons", "distribution",
           "closes in the period of conversations a human had been assigned, by reason",
           ("[]", "none (integer counts)"), _R + "contact_center.closing_reasons"),
        _m("report.cc_avg_conversation_time", "Average Conversation Time", "ms",
           "mean end - start of human segments started in the period and ended before end",
           _MS_TRUNC, _R + "contact_center.avg_conversation_time"),
        _m("report.cc_avg_wait_time", "Average Wait Time", "ms",
           "mean first reply of the accepting agent - wait start, handled assignments "
           "(takeovers excepted) replied before end", _MS_TRUNC,
           _R + "contact_center.avg_wait_time"),
        _m("report.agent_conversations", "Conversations per Agent", "count",
           "human segments started in the period, per agent", _COUNT,
           _R + "agents[].conversations"),
        _m("report.agent_conversations_daily", "Evolution of Number of Conversations",
           "count", "the same per local day of the start", _COUNT,
           _R + "agents[].daily[].conversations"),
        _m("report.agent_minutes", "Total Conversation Minutes", "minutes",
           "the agent's segment time inside the period (open segments up to end) / 60000",
           _SUM, _R + "agents[].conversation_minutes"),
        _m("report.agent_minutes_daily", "Conversation Minutes Evolution", "minutes",
           "the same cut to each local day", _SUM,
           _R + "agents[].daily[].conversation_minutes"),
        _m("report.agent_connection_hours", "Total Connection Hours", "hours",
           "time logged in to at least one site inside the period / 3600000", _SUM,
           _R + "agents[].connection_hours"),
        _m("report.agent_connection_hours_daily", "Connection Hours Evolution", "hours",
           "the same cut to each local day", _SUM,
           _R + "agents[].daily[].connection_hours"),
    ],
    "supervision": [
        _m("supervision.agents_by_status", "Online agents", "count",
           "human agents logged in to the site at now by state: available (online, a free "
           "slot), busy (online, slots full), unavailable (away, back_soon)", _COUNT,
           _S + "agents_by_status"),
        _m("supervision.satisfaction", "Satisfaction", "percent",
           "100 * answers 4-5 / answers over the latest survey of each site conversation, "
           "answered today; band good/average/poor", _PCT, _S + "satisfaction.score"),
        _m("supervision.satisfaction_criteria", "Satisfaction by criterion", "percent",
           "the same for welcome, response time, quality, over the surveys rating each",
           _PCT, _S + "satisfaction.criteria.<criterion>.score"),
        _m("supervision.objectives", "Goals to be achieved", "percent",
           "100 * actual / target of each objective (default: roster objectives); actual = "
           "the agent's value today, or the human team's", _PCT,
           _S + "objectives[].progress"),
        _m("supervision.visitors", "Visitors connected to chat or call", "count",
           "site conversations in the visitor channels (default chat, call) with a segment "
           "open at now", _COUNT, _S + "visitors.total"),
        _m("supervision.visitors_signalled", "Visitors shown in red", "count",
           "those whose handling (now - segment start) or wait exceeds its maximum",
           _COUNT, _S + "visitors.signalled"),
        _m("supervision.available_slots", "Available slots", "count",
           "sum over online agents and bots logged in to the site of max(0, max_slots - "
           "open segments on all sites)", _COUNT, _S + "available_slots.total"),
        _m("supervision.presence", "Presence", "ms",
           "time logged in to the site in [local midnight, now)", _COUNT,
           _S + "agents[].presence_ms"),
        _m("supervision.contacts", "Contacts", "count",
           "segments of the agent on the site started today", _COUNT,
           _S + "agents[].contacts"),
        _m("supervision.aht", "AHT", "ms", "mean end - start of the agent's contacts ended "
           "before now", _MS_TRUNC, _S + "agents[].aht"),
        _m("supervision.contacts_per_hour", "Contacts/H", "ratio",
           "contacts / presence hours", _PCT, _S + "agents[].contacts_per_hour"),
        _m("supervision.turnover", "T/O", "minor_units",
           "sum of amount_minor of the agent's sale.recorded today on the site", _COUNT,
           _S + "agents[].turnover_minor"),
        _m("supervision.conversion_rate", "Conv. Rate", "percent",
           "100 * contacts followed by a sale of the agent in the conversation / contacts",
           _PCT, _S + "agents[].conversion_rate"),
        _m("supervision.transactions", "Transactions", "count",
           "sale.recorded events of the agent today on the site", _COUNT,
           _S + "agents[].transactions"),
        _m("supervision.agent_satisfaction", "Satisfaction (agent)", "percent",
           "satisfaction of today's site surveys whose conversation's last accept before "
           "the survey is the agent's", _PCT, _S + "agents[].satisfaction"),
        _m("supervision.in_progress", "In progress", "count",
           "segments of the agent open at now in conversations of the site", _COUNT,
           _S + "agents[].in_progress"),
        _m("supervision.status_all_sites", "Status", "count",
           "segments of the agent open at now on all sites", _COUNT,
           _S + "agents[].ongoing_all_sites"),
    ],
}
# fmt: on

#: Every registered metric, by family then seed order.
METRICS: tuple[Metric, ...] = tuple(
    Metric(name, FAMILIES[family], family, label, unit, definition, empty, rounding, where)
    for family, rows in _TABLE.items()
    for name, label, unit, definition, empty, rounding, where in rows
)


def metric(name: str) -> Metric:
    """The registered metric called ``name``; KeyError if there is none."""
    for m in METRICS:
        if m.name == name:
            return m
    raise KeyError(name)
