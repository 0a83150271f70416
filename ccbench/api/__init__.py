"""The API contract: what a request to each query API may say, and which error it gets.

Beside the event-log contract (:mod:`ccbench.eventlog`), this package holds,
as data, every endpoint family's parameters (names, kinds, bounds, choices,
defaults, declared order), cross-parameter rules, metric/KPI/column names and
response key order (:class:`Family`), plus the one set of decoding and
checking rules every implementation uses (:func:`parse_query` for query
strings, :func:`check_values` for typed Python values) and the conformance
cases all implementations must pass (:func:`load_conformance`). The oracle,
the reference backend, the load harness, the CLI and the OpenAPI document
derive their rules from it (docs/metrics.md "Errors of every query API").
It imports only the standard library and the exception tree.
"""

from ._conformance import Conformance, ConformanceCase, load_conformance
from ._msgagentsegments import AGENT_SEGMENT_METRICS, MSGAGENTSEGMENTS
from ._performance_dashboard import AGENT_PERFORMANCE
from ._performance_report import REPORT, REPORT_TABLES, report_csv
from ._query import (
    CLOCK_HEADER,
    CLOCK_MAX_DIGITS,
    Query,
    RawQuery,
    check_clock,
    check_now,
    check_values,
    parse_clock,
    parse_query,
)
from ._realtime_dashboard import (
    DASHBOARD,
    DASHBOARD_AGENT_COLUMNS,
    DASHBOARD_KPIS,
    DASHBOARD_MODE_SECTIONS,
    DASHBOARD_SKILL_COLUMNS,
)
from ._spec import MAX_INTEGER, Family, Parameter, Rule
from ._supervision_page import SUPERVISION, SUPERVISION_AGENT_COLUMNS

#: Every endpoint family, by seed.
FAMILIES: tuple[Family, ...] = (AGENT_PERFORMANCE, REPORT, SUPERVISION, DASHBOARD, MSGAGENTSEGMENTS)

__all__ = [
    "AGENT_PERFORMANCE",
    "AGENT_SEGMENT_METRICS",
    "CLOCK_HEADER",
    "CLOCK_MAX_DIGITS",
    "DASHBOARD",
    "DASHBOARD_AGENT_COLUMNS",
    "DASHBOARD_KPIS",
    "DASHBOARD_MODE_SECTIONS",
    "DASHBOARD_SKILL_COLUMNS",
    "FAMILIES",
    "MAX_INTEGER",
    "MSGAGENTSEGMENTS",
    "REPORT",
    "REPORT_TABLES",
    "SUPERVISION",
    "SUPERVISION_AGENT_COLUMNS",
    "Conformance",
    "ConformanceCase",
    "Family",
    "Parameter",
    "Query",
    "RawQuery",
    "Rule",
    "check_clock",
    "check_now",
    "check_values",
    "load_conformance",
    "parse_clock",
    "parse_query",
    "report_csv",
]
