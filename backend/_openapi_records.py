"""OpenAPI operation and schemas of the records ingest route (backend/_records.py).

The body is the vendor's (LivePerson Messaging Interactions conversation records,
docs/formats.md), read by the importer, which reports oddities instead of refusing
them: the schemas say only what the route itself checks (JSON; a page's
``conversationHistoryRecords`` is a list), and the answer's keys are the route's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["records_operation", "records_schemas"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def records_schemas() -> dict[str, Any]:
    """A conversations-search page, one record, and the ingest answer."""
    count = {"type": "integer", "minimum": 0}
    return {
        "RecordsPage": {
            "type": "object",
            "description": "A conversations-search response page (docs/formats.md)",
            "required": ["conversationHistoryRecords"],
            "properties": {
                "_metadata": {"type": "object"},
                "conversationHistoryRecords": {"type": "array", "items": {}},
            },
        },
        "ConversationRecord": {
            "type": "object",
            "description": "One conversationHistoryRecords entry (info, messageRecords, "
            "agentParticipants, transfers, interactions...); a record without a usable "
            "info.conversationId or info.startTimeL is refused and counted, not an error",
            "properties": {"info": {"type": "object"}},
        },
        "RecordsResult": {
            "type": "object",
            "required": [
                "accepted",
                "duplicates",
                "conversations",
                "refused",
                "problems",
                "examples",
            ],
            "properties": {
                "accepted": {**count, "description": "Events stored"},
                "duplicates": {
                    **count,
                    "description": "Events already stored (a re-sent record's earlier ones)",
                },
                "conversations": {**count, "description": "Conversations read"},
                "refused": {**count, "description": "Records that stand for no conversation"},
                "problems": {**count, "description": "Oddities the importer reported"},
                "examples": {
                    "type": "array",
                    "maxItems": 20,
                    "items": {"type": "string"},
                    "description": "Up to 20 of them: conversation, field, value, expected",
                },
            },
            "additionalProperties": False,
        },
    }


def records_operation(
    account: dict[str, Any],
    errors: dict[str, Any],
    upload_errors: dict[str, Any],
    error: Callable[[str], dict[str, Any]],
) -> dict[str, Any]:
    """The POST operation; ``account`` the path parameter, ``errors`` the 401/403/429
    responses, ``upload_errors`` the 408/413 ones, ``error(description)`` an error."""
    one = {"oneOf": [_ref("RecordsPage"), _ref("ConversationRecord")]}
    return {
        "post": {
            "operationId": "postRecords",
            "summary": "Ingest LivePerson conversation records (idempotent per event)",
            "description": "Reads the records against the stored roster and stores the "
            "events they stand for (docs/backend.md, Records ingest). Event ids are "
            "<conversation>:<kind>:<ms>:<n>, so a record re-sent when its conversation "
            "changes adds only its new events. Records the importer cannot read are "
            "refused and counted in a 200, not rejected. At most 8 MiB.",
            "parameters": [account],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"oneOf": [*one["oneOf"], {"type": "array", "items": one}]}
                    },
                    "application/x-ndjson": {
                        "schema": {
                            "type": "string",
                            "description": "One page or record per line",
                        }
                    },
                },
            },
            "responses": {
                "200": {
                    "description": "Committed",
                    "content": {"application/json": {"schema": _ref("RecordsResult")}},
                },
                "400": error(
                    "The body is not JSON, or a page's conversationHistoryRecords is no list"
                ),
                "404": error("No roster stored for the account"),
                **upload_errors,
                "415": error("Unsupported Content-Type"),
                **errors,
            },
        }
    }
