"""OpenAPI operations and response schemas of the seed 000-002 endpoints.

Parameters, rules, operation ids and response key order are the API
contract's (:data:`ccbench.api.AGENT_PERFORMANCE`, ``REPORT``, ``SUPERVISION``);
the definitions of every key are docs/metrics.md sections 4-6.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ccbench.api import AGENT_PERFORMANCE, REPORT, SUPERVISION, Family

from ._openapi_params import clock_parameter, error_rule, query_parameters

__all__ = ["family_operations", "family_schemas"]

# family -> (schema name, docs/metrics.md section, what a 200 holds)
_FAMILIES: tuple[tuple[Family, str, str, str], ...] = (
    (AGENT_PERFORMANCE, "AgentPerformance", "4", "The agent's dashboard over [start_ms, now)"),
    (REPORT, "Report", "5", "The report of [start_ms, end_ms), seen at end_ms"),
    (SUPERVISION, "Supervision", "6", "The site's supervision page at now"),
)


def family_schemas() -> dict[str, Any]:
    """One response schema per family: an object with the contract's top-level keys."""
    return {
        name: {
            "type": "object",
            "description": f"docs/metrics.md section {section}; keys in this order.",
            "required": list(family.keys("")),
            "properties": {key: {} for key in family.keys("")},
        }
        for family, name, section, _ in _FAMILIES
    }


def _content(family: Family, name: str) -> dict[str, Any]:
    """JSON, and for a family with a ``csv`` parameter the table it names as text/csv."""
    out: dict[str, Any] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}
    if "csv" in family.names:
        out["text/csv"] = {
            "schema": {"type": "string"},
            "example": "agent_id,name,role,conversations,conversation_minutes,connection_hours\n",
        }
    return out


def family_operations(
    account: dict[str, Any],
    errors: dict[str, Any],
    error: Callable[[str], dict[str, Any]],
) -> dict[str, Any]:
    """The paths of the three families with their GET operations; ``account`` the path
    parameter, ``errors`` the 401/403/429 responses, ``error(description)`` an error."""
    out: dict[str, Any] = {}
    for family, name, section, ok in _FAMILIES:
        out[str(family.path)] = {
            "get": {
                "operationId": family.operation_id,
                "summary": f"{family.summary} (seed {family.seed})",
                "description": f"Definitions: docs/metrics.md section {section}; encoding: "
                "docs/backend.md. " + error_rule(family),
                "parameters": [account, *query_parameters(family), clock_parameter()],
                "responses": {
                    "200": {"description": ok, "content": _content(family, name)},
                    "400": error("A parameter is invalid; error.parameter names it"),
                    "404": error("No roster stored for the account"),
                    **errors,
                },
            }
        }
    return out
