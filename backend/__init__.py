"""The reference metrics backend: an ASGI service on DuckDB (docs/backend.md).

It ingests event-log batches over HTTP and answers vendor-compatible metric
queries with SQL. It uses the event-log contract (ccbench.eventlog) and never
the oracle: two independent implementations that agree are the evidence.
"""

from ._agent_segments import agent_segment_metrics
from ._app import ServerConfig, create_app
from ._dashboard import dashboard_snapshot
from ._dashboard_params import DashboardQuery, parse_dashboard_query
from ._database import check_database
from ._openapi import openapi_document
from ._params import METRICS, SegmentQuery, parse_segment_query
from ._store import IngestResult, Store
from ._testing import serve

__all__ = [
    "METRICS",
    "DashboardQuery",
    "IngestResult",
    "SegmentQuery",
    "ServerConfig",
    "Store",
    "agent_segment_metrics",
    "check_database",
    "create_app",
    "dashboard_snapshot",
    "openapi_document",
    "parse_dashboard_query",
    "parse_segment_query",
    "serve",
]
