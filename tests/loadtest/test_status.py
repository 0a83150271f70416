"""What a status means: 200 and 400 are judged, everything else is an error with its code."""

from __future__ import annotations

import pytest

from loadtest._status import (
    NO_ANSWER,
    ErrorTally,
    describe_errors,
    ingest_error_class,
    query_error_class,
)


@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [
        (200, None, None),
        (400, None, None),
        (0, "timeout: ConnectionTimeout", "timeout"),
        (0, "ConnectionResetError: [Errno 104]", "connection"),
        (0, None, "connection"),
        (401, None, "http_4xx"),
        (404, None, "http_4xx"),
        (422, None, "http_4xx"),
        (429, None, "http_4xx"),
        (500, None, "http_5xx"),
        (503, None, "http_5xx"),
        (599, None, "http_5xx"),
        (201, None, "http_other"),
        (204, None, "http_other"),
        (302, None, "http_other"),
        (101, None, "http_other"),
        (600, None, "http_other"),
    ],
)
def test_query_statuses(status: int, error: str | None, expected: str | None) -> None:
    """Only 200 and 400 reach verification; 429 and 5xx are errors whatever the request."""
    assert query_error_class(status, error) == expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (200, None),
        (201, None),
        (204, None),
        (400, "ingest_rejected"),
        (413, "http_4xx"),
        (429, "http_4xx"),
        (502, "http_5xx"),
        (302, "http_other"),
    ],
)
def test_ingest_statuses(status: int, expected: str | None) -> None:
    """Roster and ingest succeed with any 2xx; a 400 rejects the (valid) log."""
    assert ingest_error_class(status, "{}") == expected


def test_ingest_without_answer_or_undelivered() -> None:
    """Status 0: no answer (timeout or connection, as the harness wrote it) or a batch an
    adapter could not deliver (a plugin that raised: rejected)."""
    assert ingest_error_class(0, NO_ANSWER + "timeout: ConnectionTimeout") == "timeout"
    assert ingest_error_class(0, NO_ANSWER + "HTTPConnectionClosed: closed") == "connection"
    assert ingest_error_class(0, "plugin feed:send raised ValueError: no") == "ingest_rejected"


def test_tally_counts_codes_per_class_in_report_order() -> None:
    """by_class in ERROR_CLASSES order, codes ascending, unanswered requests without a code."""
    tally = ErrorTally()
    for kind, status in [("http_5xx", 503), ("http_4xx", 429), ("http_4xx", 401)]:
        tally.add(kind, status)
    tally.add("http_4xx", 429)
    tally.add("timeout", 0)
    other = ErrorTally()
    other.add("http_5xx", 500)
    tally.merge(other)
    doc = tally.as_dict()
    assert list(doc["by_class"].items()) == [("timeout", 1), ("http_4xx", 3), ("http_5xx", 2)]
    assert doc["status_codes"] == {
        "http_4xx": {"401": 1, "429": 2},
        "http_5xx": {"500": 1, "503": 1},
    }
    assert tally.count == 6
    assert describe_errors(doc) == (
        "timeout: 1, http_4xx: 3 (401: 1, 429: 2), http_5xx: 2 (500: 1, 503: 1)"
    )
