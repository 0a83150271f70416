"""The metric catalog: the registry with the event kinds each metric needs.

docs/metrics.md embeds :func:`catalog_markdown` verbatim (a test keeps them
identical); ``ccbench oracle catalog`` prints either form.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from ._needs import NEEDS
from ._registry import CATALOG, FAMILIES

__all__ = ["catalog_json", "catalog_markdown"]


def catalog_json() -> str:
    """The registry as a JSON array of objects (field order of :class:`Metric`, then
    ``needs``: the event kinds the metric is computed from)."""
    return json.dumps([{**asdict(m), "needs": list(NEEDS[m.name])} for m in CATALOG], indent=2)


def catalog_markdown() -> str:
    """The registry as one Markdown table per family (embedded in docs/metrics.md). A
    metric whose needed kinds a log's ``roster.unrecorded_kinds`` lists is unavailable
    on that log (null, with the reason), never 0."""
    lines: list[str] = []
    for family, seed in FAMILIES.items():
        lines += [
            f"### {family} (seed {seed})",
            "",
            "| metric | seed label | unit | definition | empty | rounding | computed by | needs |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for m in CATALOG:
            if m.family == family:
                where = m.computed_by or "not computed yet"
                kinds = ", ".join(NEEDS[m.name])
                lines.append(
                    f"| `{m.name}` | {m.label} | {m.unit} | {m.definition} | {m.empty} "
                    f"| {m.rounding} | {where} | {kinds} |"
                )
        lines.append("")
    return "\n".join(lines)
