"""The ccbench oracle: exact metrics computed from an event log (docs/metrics.md).

Build an :class:`Oracle` once from a valid :class:`ccbench.eventlog.EventLog`,
then query it; :meth:`Oracle.agent_segments` answers seed 004's
msgagentsegments in the vendor's exact response shape. Building blocks
(:class:`EventColumns`, :class:`Segments`) are public for the other metric
families. The oracle reads only the log: it never imports sim, backend or
loadtest.
"""

from ._columns import EventColumns
from ._oracle import Oracle
from ._params import (
    AGENT_SEGMENT_METRICS,
    QUERY_PARAMETERS,
    AgentSegmentsParams,
    parse_agent_segments_query,
)
from ._segments import END_KINDS, START_KINDS, EndKind, Feature, Segments, StartKind

__all__ = [
    "AGENT_SEGMENT_METRICS",
    "END_KINDS",
    "QUERY_PARAMETERS",
    "START_KINDS",
    "AgentSegmentsParams",
    "EndKind",
    "EventColumns",
    "Feature",
    "Oracle",
    "Segments",
    "StartKind",
    "parse_agent_segments_query",
]
