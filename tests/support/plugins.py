"""Misbehaving target-adapter plugins, for the harness's error reports."""

from __future__ import annotations

from typing import Any

from loadtest import IngestAck, IngestBatch


def raising(batch: IngestBatch) -> IngestAck:
    """An ingest plugin that fails on its second batch."""
    if batch.number == 1:
        raise ConnectionError("backend unreachable")
    return IngestAck(accepted=len(batch.events))


def wrong_type(batch: IngestBatch) -> Any:
    """An ingest plugin that returns a dict instead of an IngestAck."""
    return {"accepted": len(batch.events)}


def translate_to_text(*, endpoint: str, query: Any, body: Any) -> Any:
    """A translation plugin that returns no JSON document."""
    return "not a body"
