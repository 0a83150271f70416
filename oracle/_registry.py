"""The metric registry: every metric the seeds name, with its unit and definition.

One :class:`Metric` per seed metric. ``computed_by`` says where the oracle
answers it (the Oracle method and the JSON path in its response); ``None``
marks a metric that is specified here but not computed yet, so the catalog
is honest about coverage. The catalog (:mod:`._catalog`) renders it, with the
event kinds each metric needs (:mod:`._needs`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ._metric_definitions import DEFINITIONS

__all__ = ["CATALOG", "FAMILIES", "Metric", "metric"]

#: family name -> seed file number it comes from
FAMILIES: dict[str, str] = {
    "agent_performance": "000",
    "report": "001",
    "supervision": "002",
    "dashboard": "003",
    "agent_segments": "004",
}


@dataclass(frozen=True, slots=True)
class Metric:
    """One metric: ``name`` is the project's id, ``label`` the seed's own wording.

    ``unit`` is one of count, ms, percent, ratio, score, minutes, hours,
    minor_units, timestamp_ms, distribution. ``empty`` is the value when the
    metric has no sample; ``rounding`` how the value is rounded.
    """

    name: str
    seed: str
    family: str
    label: str
    unit: str
    definition: str
    empty: str
    rounding: str
    computed_by: str | None


#: Every registered metric, by family then seed order.
CATALOG: tuple[Metric, ...] = tuple(
    Metric(name, FAMILIES[family], family, label, unit, definition, empty, rounding, where)
    for family, rows in DEFINITIONS.items()
    for name, label, unit, definition, empty, rounding, where in rows
)


def metric(name: str) -> Metric:
    """The registered metric called ``name``; KeyError if there is none."""
    for m in CATALOG:
        if m.name == name:
            return m
    raise KeyError(name)
