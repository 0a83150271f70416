"""The metric registry: every metric the seeds name, with its unit and definition.

One :class:`Metric` per seed metric. ``computed_by`` says where the oracle
answers it (the Oracle method and the JSON path in its response); ``None``
marks a metric that is specified here but not computed yet, so the catalog
is honest about coverage. docs/metrics.md embeds :func:`catalog_markdown`
verbatim (a test keeps them identical).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from ._metric_definitions import DEFINITIONS

__all__ = ["CATALOG", "FAMILIES", "Metric", "catalog_json", "catalog_markdown", "metric"]

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


def catalog_json() -> str:
    """The registry as a JSON array of objects (field order of :class:`Metric`)."""
    return json.dumps([asdict(m) for m in CATALOG], indent=2)


def catalog_markdown() -> str:
    """The registry as one Markdown table per family (embedded in docs/metrics.md)."""
    lines: list[str] = []
    for family, seed in FAMILIES.items():
        lines += [
            f"### {family} (seed {seed})",
            "",
            "| metric | seed label | unit | definition | empty | rounding | computed by |",
            "|---|---|---|---|---|---|---|",
        ]
        for m in CATALOG:
            if m.family == family:
                where = m.computed_by or "not computed yet"
                lines.append(
                    f"| `{m.name}` | {m.label} | {m.unit} | {m.definition} | {m.empty} "
                    f"| {m.rounding} | {where} |"
                )
        lines.append("")
    return "\n".join(lines)
