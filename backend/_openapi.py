"""The OpenAPI 3.0 document of the backend (served at /openapi.json, copied to docs/).

Written from the routes in _app.py; the query operations' parameters, names
and rules come from the API contract (ccbench.api, via _openapi_params.py).
tests/backend/test_openapi.py checks that docs/openapi.json is exactly this
document, and the fuzz test checks the server against it.
"""

from __future__ import annotations

from typing import Any

from ccbench.api import AGENT_SEGMENT_METRICS, DASHBOARD, MSGAGENTSEGMENTS

from ._openapi_dashboard import dashboard_operation, dashboard_schemas
from ._openapi_families import family_operations, family_schemas
from ._openapi_params import clock_parameter, error_rule, query_parameters
from ._openapi_records import records_operation, records_schemas
from ._records import RECORDS_PATH

__all__ = ["openapi_document"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


_AUTH_ERRORS = {
    "401": _error_response("No bearer token, or an unknown one"),
    "403": _error_response("The token belongs to another account"),
    "429": _error_response(
        "More requests (or uploads) in flight than the server's limit, in all or for the account"
    ),
}
_UPLOAD_ERRORS = {
    "408": _error_response("The body did not arrive within the server's body timeout"),
    "413": _error_response("Body over the size limit"),
}
_ACCOUNT = {
    "name": "account",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "minLength": 1},
}


def _schemas() -> dict[str, Any]:
    metric_props: dict[str, Any] = {}
    for name in AGENT_SEGMENT_METRICS:
        if name == "avgAgentMessagesinAgentSegment":
            metric_props[name] = {"type": "number", "minimum": 0}
        elif name.startswith("avg"):
            metric_props[name] = {"type": "integer", "minimum": -1}
        else:
            metric_props[name] = {"type": "integer", "minimum": 0}
    metrics = {
        "type": "object",
        "properties": metric_props,
        "required": ["totalAgentConversationSegments"],
        "additionalProperties": False,
    }
    per_agent = {"type": "object", "additionalProperties": _ref("Metrics")}
    data = {
        "type": "object",
        "properties": {
            "metricsPerSkill": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "properties": {"metricsPerAgent": per_agent},
                    "required": ["metricsPerAgent"],
                    "additionalProperties": False,
                },
            },
            "agentsMetrics": {
                "type": "object",
                "properties": {"metricsPerAgent": per_agent},
                "required": ["metricsPerAgent"],
                "additionalProperties": False,
            },
            "metricsTotal": _ref("Metrics"),
        },
        "required": ["agentsMetrics", "metricsTotal"],
        "additionalProperties": False,
    }
    intervals = {
        "type": "object",
        "properties": {
            "metricsByIntervals": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "timestamp": {"type": "integer"},
                        "metricsData": _ref("MetricsData"),
                    },
                    "required": ["timestamp", "metricsData"],
                    "additionalProperties": False,
                },
            },
            "timeframeSummary": _ref("MetricsData"),
        },
        "required": ["metricsByIntervals", "timeframeSummary"],
        "additionalProperties": False,
    }
    error = {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["message"],
                "properties": {
                    "message": {"type": "string"},
                    "parameter": {"type": "string"},
                    "line": {"type": "integer", "nullable": True},
                    "field": {"type": "string", "nullable": True},
                },
            }
        },
    }
    return {
        "Metrics": metrics,
        "MetricsData": data,
        "MetricsByIntervals": intervals,
        "Error": error,
        "IngestResult": {
            "type": "object",
            "required": ["accepted", "duplicates"],
            "properties": {
                "accepted": {"type": "integer", "minimum": 0},
                "duplicates": {"type": "integer", "minimum": 0},
            },
            "additionalProperties": False,
        },
        "Status": {
            "type": "object",
            "required": ["status"],
            "properties": {"status": {"type": "string"}},
        },
        "Readiness": {
            "type": "object",
            "required": ["status", "requests", "uploads", "saturated", "accounts_at_limit"],
            "properties": {
                "status": {"type": "string", "enum": ["ready", "saturated", "not ready"]},
                "requests": _ref("InFlight"),
                "uploads": _ref("InFlight"),
                "saturated": {
                    "type": "array",
                    "items": {"type": "string", "enum": ["requests", "uploads"]},
                    "description": "Global limits reached: requests (every request gets 429), "
                    "uploads (ingest and roster requests get 429)",
                },
                "accounts_at_limit": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Accounts at their own request or upload limit",
                },
            },
            "additionalProperties": False,
        },
        "InFlight": {
            "type": "object",
            "required": ["in_flight", "limit"],
            "properties": {
                "in_flight": {"type": "integer", "minimum": 0},
                "limit": {"type": "integer", "minimum": 1},
            },
            "additionalProperties": False,
        },
        "Roster": {
            "type": "object",
            "required": ["account"],
            "description": "The roster JSON document of the event-log contract "
            "(ccbench.eventlog.Roster, docs/eventlog.md)",
            "properties": {"account": {"type": "string"}},
        },
    }


def _segments_operation() -> dict[str, Any]:
    return {
        "operationId": MSGAGENTSEGMENTS.operation_id,
        "summary": "Agent-segment metrics of messaging conversations (LivePerson-compatible)",
        "description": "Window [now - timeframe, now); segments attributed by start time. "
        "See docs/backend.md for every metric's definition. " + error_rule(MSGAGENTSEGMENTS),
        "parameters": [_ACCOUNT, *query_parameters(MSGAGENTSEGMENTS), clock_parameter()],
        "responses": {
            "200": {
                "description": "Metrics; with interval, per interval plus a summary",
                "content": {
                    "application/json": {
                        "schema": {"oneOf": [_ref("MetricsData"), _ref("MetricsByIntervals")]}
                    }
                },
            },
            "400": _error_response("A parameter is invalid; error.parameter names it"),
            **_AUTH_ERRORS,
        },
    }


def openapi_document() -> dict[str, Any]:
    """The backend's OpenAPI 3.0.3 document as a JSON-ready dict."""
    ok_status = {"content": {"application/json": {"schema": _ref("Status")}}}
    ready = {"content": {"application/json": {"schema": _ref("Readiness")}}}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "ccbench reference metrics backend",
            "version": "1",
            "description": "Ingests ccbench event logs and answers vendor-compatible "
            "metric queries from DuckDB (docs/backend.md). A method a path does not serve "
            "gives 405 with an Allow header.",
        },
        "security": [{"bearer": []}],
        "paths": {
            "/healthz": {
                "get": {
                    "operationId": "getHealthz",
                    "summary": "Liveness",
                    "security": [],
                    "responses": {
                        "200": {"description": "The process serves requests", **ok_status}
                    },
                }
            },
            "/readyz": {
                "get": {
                    "operationId": "getReadyz",
                    "summary": "Readiness",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "The database answers and a request would be admitted",
                            **ready,
                        },
                        "503": {
                            "description": "The database is not open, or every request slot is "
                            "taken (status saturated)",
                            **ready,
                        },
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This document (no token needed: it holds no account data)",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "The OpenAPI 3.0 document",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
            "/api/v1/accounts/{account}/roster": {
                "put": {
                    "operationId": "putRoster",
                    "summary": "Store (replace) the account's roster",
                    "parameters": [_ACCOUNT],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("Roster")}},
                    },
                    "responses": {
                        "200": {
                            "description": "Stored",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "object", "required": ["account", "agents"]}
                                }
                            },
                        },
                        "400": _error_response("Not a valid roster, or another account's"),
                        **_UPLOAD_ERRORS,
                        **_AUTH_ERRORS,
                    },
                },
                "get": {
                    "operationId": "getRoster",
                    "summary": "The stored roster",
                    "parameters": [_ACCOUNT],
                    "responses": {
                        "200": {
                            "description": "The roster document",
                            "content": {"application/json": {"schema": _ref("Roster")}},
                        },
                        "404": _error_response("No roster stored"),
                        **_AUTH_ERRORS,
                    },
                },
            },
            "/api/v1/accounts/{account}/events": {
                "post": {
                    "operationId": "postEvents",
                    "summary": "Ingest a batch of events (idempotent on event_id)",
                    "description": "The whole batch is validated first; any bad event rejects "
                    "it whole (400 with line, field, message). 200 only after "
                    "the batch is committed.",
                    "parameters": [_ACCOUNT],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/x-ndjson": {"schema": {"type": "string"}},
                            "application/json": {
                                "schema": {"type": "array", "items": {"type": "object"}}
                            },
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "Committed",
                            "content": {"application/json": {"schema": _ref("IngestResult")}},
                        },
                        "400": _error_response("A bad event; error.line and error.field say where"),
                        **_UPLOAD_ERRORS,
                        "415": _error_response("Unsupported Content-Type"),
                        **_AUTH_ERRORS,
                    },
                }
            },
            RECORDS_PATH: records_operation(
                _ACCOUNT, _AUTH_ERRORS, _UPLOAD_ERRORS, _error_response
            ),
            str(MSGAGENTSEGMENTS.path): {"get": _segments_operation()},
            str(DASHBOARD.path): {
                "get": dashboard_operation(_ACCOUNT, _AUTH_ERRORS, _error_response)
            },
            **family_operations(_ACCOUNT, _AUTH_ERRORS, _error_response),
        },
        "components": {
            "schemas": {
                **_schemas(),
                **records_schemas(),
                **dashboard_schemas(),
                **family_schemas(),
            },
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
