"""The Oracle: built once from an event log, then answers metric queries exactly."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ccbench import ParameterError
from ccbench.api import (
    AGENT_PERFORMANCE,
    REPORT,
    SUPERVISION,
    RawQuery,
    check_now,
    parse_query,
)
from ccbench.eventlog import EventLog

from ._agent_performance import AgentPerformance
from ._agent_segments import AgentDirectory, agent_segments_response
from ._columns import EventColumns
from ._dashboard import Dashboard
from ._dashboard_params import DashboardParams
from ._needs import apply_unavailable, csv_unavailable
from ._params import AgentSegmentsParams, parse_agent_segments_query
from ._report import report
from ._report_index import ReportIndex
from ._segment_table import Segments
from ._supervision import Supervision
from ._supervision_params import SupervisionParams

__all__ = ["Oracle"]


class Oracle:
    """Exact metrics of one event log (docs/metrics.md).

    Building encodes the log's columns and finds every agent segment with
    its features (vectorised, once); each query then only selects and sums.
    The log must be valid (``ccbench validate``): the oracle does not check
    the lifecycle again. Times are epoch milliseconds, UTC.
    """

    def __init__(self, log: EventLog) -> None:
        self.log = log
        self.columns = EventColumns.from_log(log)
        self.segments = Segments.build(self.columns)
        size = max((a.id for a in log.roster.agents), default=0) + 1
        group = np.full(size, -1, dtype=np.int64)
        is_bot = np.zeros(size, dtype=bool)
        for a in log.roster.agents:
            group[a.id] = a.group_id
            is_bot[a.id] = a.user_type == "bot"
        self.directory = AgentDirectory(
            group=group,
            is_bot=is_bot,
            agent_ids=np.array(sorted(a.id for a in log.roster.agents), dtype=np.int64),
            skill_ids=np.array(sorted({0} | {s.id for s in log.roster.skills}), dtype=np.int64),
        )
        self._source_codes = {s: i for i, s in enumerate(self.columns.sources)}
        self._dashboard: Dashboard | None = None
        self._performance: AgentPerformance | None = None
        self._supervision: Supervision | None = None
        self._report: ReportIndex | None = None

    @property
    def dashboard_index(self) -> Dashboard:
        """The seed 003 dashboard's precomputed state, built on first use."""
        if self._dashboard is None:
            self._dashboard = Dashboard(log=self.log, columns=self.columns, segments=self.segments)
        return self._dashboard

    def dashboard(self, **params: Any) -> dict[str, Any]:
        """Real-time messaging dashboard (seed 003) snapshot; keyword parameters of
        :meth:`DashboardParams.create` (``now_ms`` required). docs/metrics.md section 3."""
        return self._dashboard_snapshot(DashboardParams.create(**params))

    def dashboard_query(self, query: RawQuery, *, now_ms: int) -> dict[str, Any]:
        """Same as :meth:`dashboard` from a raw URL query (``threshold`` repeatable)."""
        return self._dashboard_snapshot(DashboardParams.parse(query, now_ms=now_ms))

    def _dashboard_snapshot(self, params: DashboardParams) -> dict[str, Any]:
        body = self.dashboard_index.snapshot(params)
        return apply_unavailable(body, self.log.roster, family="dashboard")

    def agent_performance(
        self, *, agent_id: int, now_ms: int, start_ms: int, bucket_ms: int | None = None
    ) -> dict[str, Any]:
        """Agent performance dashboard (seed 000) of one agent over ``[start_ms, now_ms)``;
        ``bucket_ms`` sizes the messages-sent chart. docs/metrics.md section 4."""
        if self._performance is None:
            self._performance = AgentPerformance(self.dashboard_index, self.log)
        body = self._performance.report(
            agent_id=agent_id, now_ms=now_ms, start_ms=start_ms, bucket_ms=bucket_ms
        )
        return apply_unavailable(body, self.log.roster, family="agent_performance")

    def agent_performance_query(self, query: RawQuery, *, now_ms: int) -> dict[str, Any]:
        """Same as :meth:`agent_performance` from a raw URL query (docs/metrics.md 4)."""
        q = parse_query(AGENT_PERFORMANCE, query)
        return self.agent_performance(
            agent_id=q.integer_value("agent_id"),
            now_ms=now_ms,
            start_ms=q.integer_value("start_ms"),
            bucket_ms=q.integer("bucket_ms"),
        )

    def supervision(self, *, now_ms: int, site_id: str, **params: Any) -> dict[str, Any]:
        """Supervision page (seed 002) of ``site_id`` at ``now_ms``; further keyword
        parameters of :meth:`SupervisionParams.create`. docs/metrics.md section 6."""
        request = SupervisionParams.create(self.log.roster, now_ms=now_ms, site_id=site_id,
                                           **params)  # fmt: skip
        return self._supervision_snapshot(request)

    def supervision_query(self, query: RawQuery, *, now_ms: int) -> dict[str, Any]:
        """Same as :meth:`supervision` from a raw URL query (``objectives`` as JSON text)."""
        q = parse_query(SUPERVISION, query)
        request = SupervisionParams.from_query(q, self.log.roster, now_ms=check_now(now_ms))
        return self._supervision_snapshot(request)

    def _supervision_snapshot(self, request: SupervisionParams) -> dict[str, Any]:
        if self._supervision is None:
            self._supervision = Supervision(log=self.log, dash=self.dashboard_index)
        body = self._supervision.snapshot(request)
        return apply_unavailable(body, self.log.roster, family="supervision")

    @property
    def report_index(self) -> ReportIndex:
        """The seed 001 report's period-independent arrays, built on first use."""
        if self._report is None:
            self._report = ReportIndex(log=self.log, columns=self.columns, segments=self.segments)
        return self._report

    def report(
        self, *, start_ms: int, end_ms: int, top_intents: int | None = None
    ) -> dict[str, Any]:
        """Automated performance report (seed 001) over ``[start_ms, end_ms)``, as seen at
        ``end_ms``; daily series per local day of the roster time zone. ``top_intents``
        keeps the N most frequent intents (all by default). docs/metrics.md section 5."""
        body = report(self.report_index, start_ms=start_ms, end_ms=end_ms, top_intents=top_intents)
        return apply_unavailable(body, self.log.roster, family="report")

    def report_query(self, query: RawQuery) -> dict[str, Any]:
        """Same as :meth:`report` from a raw URL query (docs/metrics.md 5)."""
        q = parse_query(REPORT, query)
        return self.report(
            start_ms=q.integer_value("start_ms"),
            end_ms=q.integer_value("end_ms"),
            top_intents=q.integer("top_intents"),
        )

    def dashboard_table(self, table: str, **params: Any) -> list[dict[str, Any]]:
        """Every row of the dashboard's ``agents`` or ``skills`` table, sorted (CSV export);
        a column unavailable on this log (:meth:`unavailable_columns`) is None."""
        return self._table(table, DashboardParams.create(**params))

    def dashboard_table_query(
        self, table: str, query: RawQuery, *, now_ms: int
    ) -> list[dict[str, Any]]:
        """Same as :meth:`dashboard_table` from a raw URL query."""
        return self._table(table, DashboardParams.parse(query, now_ms=now_ms))

    def _table(self, table: str, params: DashboardParams) -> list[dict[str, Any]]:
        if table not in ("agents", "skills"):
            raise ParameterError("table", f"expected agents or skills, got {table!r}")
        rows = self.dashboard_index.table(params, table)
        nulled = [c for c in csv_unavailable(self.log.roster, family="dashboard", table=table) if c]
        for row in rows:
            row.update(dict.fromkeys(nulled))
        return rows

    def unavailable_columns(self, *, family: str, table: str) -> dict[str, str]:
        """Column of a CSV table (``dashboard`` agents/skills, ``supervision`` agents,
        ``report`` daily/agents/agents_daily) -> why its cells are empty on this log;
        ``""`` when the table's rows themselves are unavailable (docs/metrics.md)."""
        return csv_unavailable(self.log.roster, family=family, table=table)

    def agent_segments(
        self,
        *,
        now_ms: int,
        timeframe: int,
        v: int = 1,
        interval: int | None = None,
        agent_ids: Iterable[int] | str | None = None,
        skill_ids: Iterable[int] | str | None = None,
        group_ids: Iterable[int] | str | None = None,
        user_type: str | None = None,
        source: str | None = None,
        metrics: Iterable[str] | str | None = None,
    ) -> dict[str, Any]:
        """msgagentsegments (seed 004) at ``now_ms`` over ``[now - timeframe min, now)``.

        Parameters mirror the vendor's (docs/metrics.md, "Parameters"); id
        lists take ints or ``"all"``. Raises ParameterError naming the
        invalid parameter. Returns the response as a JSON-ready dict.
        """
        params = AgentSegmentsParams.create(
            timeframe=timeframe,
            v=v,
            interval=interval,
            agent_ids=agent_ids,
            skill_ids=skill_ids,
            group_ids=group_ids,
            user_type=user_type,
            source=source,
            metrics=metrics,
        )
        return self.answer_agent_segments(params, now_ms=now_ms)

    def agent_segments_query(self, query: RawQuery, *, now_ms: int) -> dict[str, Any]:
        """Same as :meth:`agent_segments` from raw URL query strings (vendor names)."""
        return self.answer_agent_segments(parse_agent_segments_query(query), now_ms=now_ms)

    def answer_agent_segments(self, params: AgentSegmentsParams, *, now_ms: int) -> dict[str, Any]:
        """The response for already validated ``params`` at ``now_ms``."""
        now = check_now(now_ms)
        source = None if params.source is None else self._source_codes.get(params.source, -2)
        body = agent_segments_response(self.segments, self.directory, source, params, now_ms=now)
        return apply_unavailable(body, self.log.roster, family="agent_segments")
