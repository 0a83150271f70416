"""What an answer's status means to the harness: an answer to judge, or an error of a class.

A correct backend answers 200 to a valid query and 400 to an invalid one, so
those two statuses are judged against the expected answer: a 400 to a valid
query or a 200 to an invalid one is a ``status`` mismatch (wrong values). Any
other outcome says that the backend did not serve the request, whatever the
request was, and is an error of a class, counted with its status code and
never a mismatch (docs/loadtest.md "Errors and mismatches"):

* ``timeout``: no answer within the mapping's network timeout;
* ``connection``: no answer, the connection failed (refused, reset, closed);
* ``http_4xx``: a 4xx other than 400 (401, 403, 404, 429, ...);
* ``http_5xx``: 500 to 599;
* ``http_other``: any other status (1xx, a 2xx other than 200, 3xx: redirects
  are not followed);
* ``invalid_json``: a 200 or 400 whose body is not JSON (found by verification);
* ``plugin``: the mapping's response translator failed on a 200 (loadtest._adapters);
* ``ingest_rejected``: a roster or event batch answered 400 (the log is valid), or a
  batch an adapter could not deliver (loadtest._feeds: a plugin that raised, a file not
  written).

Roster and ingest requests succeed with any 2xx. An acknowledgement of a request that got
no answer says so in its text, which starts with :data:`NO_ANSWER`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ERROR_CLASSES",
    "NO_ANSWER",
    "ErrorTally",
    "describe_errors",
    "ingest_error_class",
    "query_error_class",
]

#: Error classes, in report order.
ERROR_CLASSES = (
    "timeout",
    "connection",
    "http_4xx",
    "http_5xx",
    "http_other",
    "invalid_json",
    "plugin",
    "ingest_rejected",
)
#: How an acknowledgement's text starts when its request got no answer (then the error).
NO_ANSWER = "no answer: "
#: The statuses a correct backend gives a query: judged, never errors.
JUDGED_STATUSES = (200, 400)


def _unanswered(error: str | None) -> str:
    return "timeout" if (error or "").startswith("timeout") else "connection"


def _by_status(status: int) -> str:
    if 400 <= status < 500:
        return "http_4xx"
    if 500 <= status < 600:
        return "http_5xx"
    return "http_other"


def query_error_class(status: int, error: str | None) -> str | None:
    """The error class of a query's answer; None for 200 and 400 (judged).

    ``status`` 0 means no answer arrived; ``error`` then starts with
    ``timeout`` when the network timeout expired.
    """
    if status == 0:
        return _unanswered(error)
    if status in JUDGED_STATUSES:
        return None
    return _by_status(status)


def ingest_error_class(status: int, text: str) -> str | None:
    """The error class of a roster or ingest acknowledgement (status and text); None for
    any 2xx. Status 0 is a request with no answer when ``text`` starts with
    :data:`NO_ANSWER`, else a batch an adapter could not deliver."""
    if status == 0:
        if text.startswith(NO_ANSWER):
            return _unanswered(text[len(NO_ANSWER) :])
        return "ingest_rejected"
    if 200 <= status < 300:
        return None
    if status == 400:
        return "ingest_rejected"
    return _by_status(status)


@dataclass
class ErrorTally:
    """Errors counted by class, and by status code within each class that has one."""

    by_class: Counter[str] = field(default_factory=Counter)
    status_codes: dict[str, Counter[int]] = field(default_factory=dict)

    def add(self, kind: str, status: int) -> None:
        """Count one error of class ``kind`` (``status`` 0: no answer, no code)."""
        self.by_class[kind] += 1
        if status:
            self.status_codes.setdefault(kind, Counter())[status] += 1

    def merge(self, other: ErrorTally) -> None:
        """Add ``other``'s counts to these."""
        self.by_class.update(other.by_class)
        for kind, codes in other.status_codes.items():
            self.status_codes.setdefault(kind, Counter()).update(codes)

    @property
    def count(self) -> int:
        """Errors of every class."""
        return sum(self.by_class.values())

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: ``by_class`` and ``status_codes`` (class -> {code: count}), classes in
        :data:`ERROR_CLASSES` order, codes ascending."""
        order = {k: i for i, k in enumerate(ERROR_CLASSES)}
        classes = sorted(self.by_class, key=lambda k: (order.get(k, len(order)), k))
        return {
            "by_class": {k: self.by_class[k] for k in classes if self.by_class[k]},
            "status_codes": {
                k: {str(code): n for code, n in sorted(self.status_codes[k].items())}
                for k in classes
                if k in self.status_codes
            },
        }


def describe_errors(doc: Mapping[str, Any]) -> str:
    """Errors as :meth:`ErrorTally.as_dict` gives them, in one line:
    ``http_4xx: 12 (429: 12), timeout: 2``."""
    parts = []
    for kind, n in doc["by_class"].items():
        codes = doc["status_codes"].get(kind)
        detail = f" ({', '.join(f'{c}: {m}' for c, m in codes.items())})" if codes else ""
        parts.append(f"{kind}: {n}{detail}")
    return ", ".join(parts)
