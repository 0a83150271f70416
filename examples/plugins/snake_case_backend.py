"""Worked example of target-adapter plugins (docs/loadtest.md, "Target adapters").

A backend under test that neither takes ccbench's NDJSON nor answers in the vendor's
shape needs two small functions, named in its mapping TOML:

    [ingest]
    python = "snake_case_backend:send_events"     # how a batch reaches the backend

    [translate]
    python = "snake_case_backend:to_vendor"       # its answer -> the vendor's shape

Here the backend takes a JSON array of events at ``$CCBENCH_PLUGIN_TARGET`` (a URL; its
bearer token in ``$CCBENCH_PLUGIN_TOKEN``) and answers msgagentsegments with snake_case
keys (``metrics_total``, ``avg_agent_segment_duration``). Put this directory on
``PYTHONPATH`` so that the Locust processes can import the module.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

import httpx

from loadtest import IngestAck, IngestBatch

_WORD = re.compile(r"_([a-z0-9])")
#: where the vendor's names are not plain camelCase (seed 004: a lower-case "in" and
#: "to", and an underscore before the variant of the first-message metric)
_VENDOR = (
    ("avgAgentMessagesInAgentSegment", "avgAgentMessagesinAgentSegment"),
    ("avgTimeToFirstAgentMessage", "avgTimetoFirstAgentMessage"),
    ("AssignmentAfterTransfer", "Assignment_AfterTransfer"),
    ("AssignmentNewConversation", "Assignment_NewConversation"),
)


def send_events(batch: IngestBatch) -> IngestAck:
    """POST the batch's events as one JSON array; the backend answers
    ``{"accepted": n, "duplicates": m}``. Raises on any HTTP error: the harness reports
    the failure with this plugin's name and the batch, and goes on."""
    target = os.environ["CCBENCH_PLUGIN_TARGET"].replace("{account}", batch.account)
    token = os.environ.get("CCBENCH_PLUGIN_TOKEN", "ccbench-token")
    response = httpx.post(
        target,
        json=list(batch.events),
        headers={"Authorization": f"Bearer {token}"},
        timeout=30.0,
    )
    response.raise_for_status()
    body = response.json()
    return IngestAck(accepted=int(body["accepted"]), duplicates=int(body["duplicates"]))


def _camel(key: str) -> str:
    if key.isdigit():  # agent and skill ids stay as they are
        return key
    name = _WORD.sub(lambda m: m.group(1).upper(), key)
    for plain, vendor in _VENDOR:
        name = name.replace(plain, vendor)
    return name


def to_vendor(*, endpoint: str, query: Mapping[str, Any], body: Any) -> Any:
    """msgagentsegments answers with snake_case keys -> the vendor's camelCase; other
    endpoints' answers (and 400 errors, which are not translated) pass unchanged."""
    if endpoint != "msgagentsegments":
        return body

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {_camel(k): walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(body)
