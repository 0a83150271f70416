"""Expected answers: the extension point verification asks, with the oracle as default.

A provider implements :class:`ExpectedProvider`: ``expected(endpoint, query,
now_ms=...) -> Expected`` (status 200 and the JSON body; for a report asked for
one of its CSV tables, status 200 and the table's text with ``csv_table``
naming it; or status 400 and the parameter the request must be rejected for)
and ``change_instants(endpoint, query, lo_ms=..., hi_ms=...)``: the instants in
``[lo_ms, hi_ms]`` where the answer may change, which live-mode verification
checks one by one. :class:`OracleProvider` answers msgagentsegments, the
dashboard and the seed 000-002 families from :class:`oracle.Oracle`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from ccbench import ParameterError
from ccbench.api import MSGAGENTSEGMENTS, REPORT, parse_query, report_csv
from ccbench.eventlog import EventLog

from ._dashboard_queries import DASHBOARD_ENDPOINT, dashboard_answer
from ._family_queries import FAMILY_ENDPOINTS, family_answer, report_table
from ._recording import QueryValue

__all__ = ["Expected", "ExpectedProvider", "OracleProvider"]

_MINUTE_MS = 60_000


@dataclass(frozen=True, slots=True)
class Expected:
    """What a correct backend answers: ``status`` plus ``body`` (200) or ``parameter`` (400).

    ``unavailable``: JSON paths (``current.load``, ``agents.rows[].load``) whose values the
    log cannot support, with the reason; verification leaves them out and reports them.
    ``csv_table``: the report table (``ccbench.api.REPORT_TABLES``) the answer is as
    text/csv, ``body`` then being its text (:func:`ccbench.api.report_csv`) and
    ``unavailable`` its columns the log cannot support (``""``: its very rows).
    """

    status: int
    body: Any = None
    parameter: str | None = None
    #: values the log cannot support (path -> reason, oracle/_needs.py): not compared
    unavailable: Mapping[str, str] = field(default_factory=dict)
    #: the report table the answer is as text/csv (None: a JSON answer)
    csv_table: str | None = None


class ExpectedProvider(Protocol):
    """Computes the correct answer of a request (see the module docstring)."""

    def expected(self, endpoint: str, query: Mapping[str, QueryValue], *, now_ms: int) -> Expected:
        """The answer to ``query`` on ``endpoint`` at instant ``now_ms`` (epoch ms)."""
        ...

    def change_instants(
        self, endpoint: str, query: Mapping[str, QueryValue], *, lo_ms: int, hi_ms: int
    ) -> list[int]:
        """Sorted instants in ``[lo_ms, hi_ms]`` at which the answer may change, ``lo_ms`` first."""
        ...


class OracleProvider:
    """Expected msgagentsegments and dashboard answers from the oracle built once from ``log``.

    The msgagentsegments answer at ``now`` counts events with ``ts < now`` in
    the window ``[now - timeframe, now)``, so it can change only at ``ts + 1``
    (an event becomes visible) and ``ts + timeframe + 1`` (it leaves the
    window). The dashboard's changes every millisecond (it states ``now``
    and durations up to now), so only the window's ends are listed; live
    verification checks a dashboard answer at the instant it states.
    ``time_shift_ms`` is added to every instant the provider is asked about
    in reverse: use it when the log was sent with timestamps shifted by that
    amount (live mode moves the log to the present).
    """

    def __init__(self, log: EventLog, *, time_shift_ms: int = 0) -> None:
        # imported here so that the harness can be used (and unit-tested) with
        # another provider without building the oracle
        from oracle import Oracle

        self.oracle = Oracle(log)
        self.shift = time_shift_ms
        self.ts = np.unique(log.table.column("ts").to_numpy())

    def expected(self, endpoint: str, query: Mapping[str, QueryValue], *, now_ms: int) -> Expected:
        """200 and the oracle's body (a report's CSV table: ``report_csv`` of the oracle's
        report), or 400 naming the invalid parameter."""
        if endpoint not in (DASHBOARD_ENDPOINT, "msgagentsegments", *FAMILY_ENDPOINTS):
            raise ParameterError("endpoint", f"no expected answers for {endpoint!r}")
        now = now_ms - self.shift
        try:
            if endpoint in FAMILY_ENDPOINTS:
                # deterministic runs only (loadtest._run refuses a live mix with them)
                body = family_answer(self.oracle, endpoint, query, now_ms=now)
                table = report_table(endpoint, query)
                if table is not None:
                    # the contract encodes a table once, from the answer (docs/metrics.md 5.6)
                    columns = self.oracle.unavailable_columns(family=REPORT.name, table=table)
                    text = report_csv(body, table)
                    return Expected(status=200, body=text, unavailable=columns, csv_table=table)
            elif endpoint == DASHBOARD_ENDPOINT:
                body = dashboard_answer(self.oracle, query, now_ms=now)
                if self.shift:
                    body = _shift_dashboard(body, self.shift)
            else:
                body = self.oracle.agent_segments_query(dict(query), now_ms=now)
        except ParameterError as exc:
            return Expected(status=400, parameter=exc.parameter)
        unavailable = body.pop("unavailable", None) if isinstance(body, dict) else None
        return Expected(status=200, body=body, unavailable=unavailable or {})

    def change_instants(
        self, endpoint: str, query: Mapping[str, QueryValue], *, lo_ms: int, hi_ms: int
    ) -> list[int]:
        """``lo_ms`` and every ``ts + 1`` / ``ts + timeframe + 1`` inside ``(lo_ms, hi_ms]``
        (dashboard: ``lo_ms`` and ``hi_ms``; an invalid request: ``lo_ms``)."""
        if endpoint == DASHBOARD_ENDPOINT or endpoint in FAMILY_ENDPOINTS:
            return sorted({lo_ms, hi_ms})
        try:
            timeframe_ms = parse_query(MSGAGENTSEGMENTS, query).integer_value("timeframe")
        except ParameterError:
            return [lo_ms]  # an invalid request's answer is the same 400 at every instant
        timeframe_ms *= _MINUTE_MS
        lo, hi = lo_ms - self.shift, hi_ms - self.shift
        found = [lo_ms]
        for offset in {1, timeframe_ms + 1}:
            a = np.searchsorted(self.ts, lo - offset, side="right")
            b = np.searchsorted(self.ts, hi - offset, side="right")
            found.extend(int(t) + offset + self.shift for t in self.ts[a:b])
        return sorted(set(found))


def _shift_dashboard(body: dict[str, Any], shift_ms: int) -> dict[str, Any]:
    """A dashboard answer computed on the unshifted log, with its instants moved by ``shift_ms``.

    Only ``now`` and the window are instants; every other value is a count,
    a percentage or a duration, which the shift does not change.
    """
    window = body["window"]
    return {
        **body,
        "now": body["now"] + shift_ms,
        "window": {"start": window["start"] + shift_ms, "end": window["end"] + shift_ms},
    }
