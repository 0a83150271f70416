"""OpenAPI pieces of the dashboard endpoint (operation and response schemas).

Kept apart from backend/_openapi.py so each endpoint's document lives next to
its concept; _openapi.py adds the path and the schemas to the document.
"""

from __future__ import annotations

from typing import Any

from ccbench.api import DASHBOARD, DASHBOARD_AGENT_COLUMNS, DASHBOARD_KPIS, DASHBOARD_SKILL_COLUMNS

from ._openapi_params import clock_parameter, error_rule, query_parameters

__all__ = ["dashboard_operation", "dashboard_schemas"]

_INT = {"type": "integer"}
_NULL_INT = {"type": "integer", "nullable": True}
_NULL_NUM = {"type": "number", "nullable": True}
_RESPONSE_FAMILY = (
    "response_time", "response_time_consumer", "ttfr_all_assign", "ttfr", "ttfr_consumer",
    "ttfr_first_assign", "wait_time", "time_to_first_assign",
)  # fmt: skip


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(props: dict[str, Any], *, nullable: bool = False) -> dict[str, Any]:
    out = {
        "type": "object",
        "required": list(props),
        "properties": props,
        "additionalProperties": False,
    }
    return {**out, "nullable": True} if nullable else out


def _table(row: str, columns: tuple[str, ...]) -> dict[str, Any]:
    return _object(
        {
            "total": _INT,
            "page": _INT,
            "page_size": _INT,
            "pages": _INT,
            "sort": {"type": "string", "enum": list(columns)},
            "order": {"type": "string", "enum": ["asc", "desc"]},
            "rows": {"type": "array", "items": _ref(row)},
        }
    )


def dashboard_schemas() -> dict[str, Any]:
    """Component schemas of the dashboard snapshot (docs/metrics.md section 3.8)."""
    family = dict.fromkeys(_RESPONSE_FAMILY, _NULL_INT)
    closed_stats = {
        "closed": _INT,
        "closed_by": _object({"consumer": _INT, "agent": _INT, "system": _INT}),
        "csat": _NULL_NUM,
        "csat_answered": _INT,
        "avg_resolution_time": _NULL_INT,
    }
    table_close = {k: closed_stats[k] for k in ("closed", "avg_resolution_time", "csat")}
    return {
        "DashboardMcs": _object(
            {"average": _NULL_NUM, "scored": _INT, "positive": _INT, "negative": _INT}
        ),
        "DashboardAgentRow": _object(
            {
                "agent_id": _INT,
                "name": {"type": "string"},
                "status": {"type": "string", "enum": ["online", "away", "back_soon"]},
                "status_time_ms": _INT,
                "open": _INT,
                "active": _INT,
                "load": _NULL_NUM,
                **table_close,
                "csat_answered": _INT,
            }
        ),
        "DashboardSkillRow": _object(
            {
                "skill_id": _INT,
                "name": {"type": "string"},
                **dict.fromkeys(("open", "unassigned", "assigned"), _INT),
                "load": _NULL_NUM,
                **dict.fromkeys(("online", "away", "back_soon", "max_slots"), _INT),
                **table_close,
                "csat_answered": _INT,
            }
        ),
        "Dashboard": _object(
            {
                "now": _INT,
                "mode": {"type": "string", "enum": list(DASHBOARD.parameter("mode").choices)},
                "window": _object({"start": _INT, "end": _INT}),
                "filters": _object(
                    {
                        "skill_ids": {"type": "array", "items": _INT, "nullable": True},
                        "group_ids": {"type": "array", "items": _INT, "nullable": True},
                    }
                ),
                "current": _object(
                    {
                        **dict.fromkeys(("open", "unassigned", "assigned", "active"), _INT),
                        **dict.fromkeys(("load", "load_online", "load_other"), _NULL_NUM),
                        **family,
                        "mcs": _ref("DashboardMcs"),
                    },
                    nullable=True,  # null in the chat mode
                ),
                "chat": _object(
                    {
                        **dict.fromkeys(("in_queue", "entered", "abandoned"), _INT),
                        "abandon_rate": _NULL_NUM,
                        "avg_time_to_abandon": _NULL_INT,
                        "connected": _INT,
                        "service_level": _NULL_NUM,
                        "occupancy": _NULL_NUM,
                        "avg_time_to_answer": _NULL_INT,
                        "aht": _NULL_INT,
                    },
                    nullable=True,  # null in the messaging mode
                ),
                "closed": _object({**closed_stats, **family, "mcs": _ref("DashboardMcs")}),
                "agents": _table("DashboardAgentRow", DASHBOARD_AGENT_COLUMNS),
                "skills": _table("DashboardSkillRow", DASHBOARD_SKILL_COLUMNS),
                "alerts": {
                    "type": "array",
                    "items": _object(
                        {
                            "kpi": {"type": "string", "enum": list(DASHBOARD_KPIS)},
                            "value": {"type": "number"},
                            "threshold": {"type": "number"},
                        }
                    ),
                },
            }
        ),
    }


def dashboard_operation(
    account: dict[str, Any], errors: dict[str, Any], error: Any
) -> dict[str, Any]:
    """The GET operation; ``account`` the path parameter, ``errors`` the 401/403/429
    responses, ``error(description)`` an error response."""
    return {
        "operationId": DASHBOARD.operation_id,
        "summary": "Real-time messaging dashboard (seed 003) at now",
        "description": "One snapshot of the mode's channel: current KPIs (messaging mode) or "
        "chat KPIs (chat mode), closed conversations of the window, agents and skills tables "
        "(paged), alerts. Definitions: docs/metrics.md "
        "section 3; encoding: docs/backend.md. " + error_rule(DASHBOARD),
        "parameters": [account, *query_parameters(DASHBOARD), clock_parameter()],
        "responses": {
            "200": {
                "description": "The snapshot",
                "content": {"application/json": {"schema": _ref("Dashboard")}},
            },
            "400": error("A parameter is invalid; error.parameter names it"),
            "404": error("No roster stored for the account"),
            **errors,
        },
    }
