"""The ccbench oracle: exact metrics computed from an event log (docs/metrics.md).

Build an :class:`Oracle` once from a valid :class:`ccbench.eventlog.EventLog`,
then query it; :meth:`Oracle.agent_segments` answers seed 004's
msgagentsegments in the vendor's exact response shape, :meth:`Oracle.report`
seed 001's automated performance report. Building blocks
(:class:`EventColumns`, :class:`Segments`) are public for the other metric
families. The oracle reads only the log: it never imports sim, backend or
loadtest.
"""

from ccbench.api import REPORT_TABLES, report_csv

from ._catalog import catalog_json, catalog_markdown
from ._columns import EventColumns
from ._dashboard_params import AGENT_COLUMNS, DASHBOARD_KPIS, SKILL_COLUMNS, DashboardParams
from ._dashboard_tables import table_csv
from ._oracle import Oracle
from ._params import (
    AGENT_SEGMENT_METRICS,
    QUERY_PARAMETERS,
    AgentSegmentsParams,
    parse_agent_segments_query,
)
from ._registry import CATALOG, FAMILIES, Metric, metric
from ._segment_table import END_KINDS, START_KINDS, EndKind, Feature, Segments, StartKind
from ._supervision import supervision_csv
from ._supervision_params import SUPERVISION_AGENT_COLUMNS, SupervisionParams

__all__ = [
    "AGENT_COLUMNS",
    "AGENT_SEGMENT_METRICS",
    "CATALOG",
    "DASHBOARD_KPIS",
    "END_KINDS",
    "FAMILIES",
    "QUERY_PARAMETERS",
    "REPORT_TABLES",
    "SKILL_COLUMNS",
    "START_KINDS",
    "SUPERVISION_AGENT_COLUMNS",
    "AgentSegmentsParams",
    "DashboardParams",
    "EndKind",
    "EventColumns",
    "Feature",
    "Metric",
    "Oracle",
    "Segments",
    "StartKind",
    "SupervisionParams",
    "catalog_json",
    "catalog_markdown",
    "metric",
    "parse_agent_segments_query",
    "report_csv",
    "supervision_csv",
    "table_csv",
]
