"""Problems of an import: every oddity of the input, named, never dropped silently.

Real exports are messy (docs/formats.md, "What the importer tolerates"). Each oddity
becomes one :class:`Problem` naming where it is (the input and the conversation), the
field (a JSON path inside the record), the value and what was expected, and what the
importer did about it. ``ccbench import --strict`` turns any problem into a failure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .._errors import shown_with_type

__all__ = ["Problem", "Problems"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One oddity: ``source`` (file and record), ``conversation_id`` (None when the record
    has none), ``field`` (JSON path in the record), ``value`` and ``message`` (what was
    expected and what the importer did)."""

    source: str
    conversation_id: str | None
    field: str
    value: Any
    message: str

    def __str__(self) -> str:
        where = f"conversation {self.conversation_id}" if self.conversation_id else "record"
        return (
            f"{self.source}: {where}: {self.field} = {shown_with_type(self.value)}: {self.message}"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the value as its repr when it is not plain JSON)."""
        value = self.value
        if not isinstance(value, str | int | float | bool | type(None)):
            value = repr(value)
        return {
            "source": self.source,
            "conversation_id": self.conversation_id,
            "field": self.field,
            "value": value,
            "message": self.message,
        }


@dataclass
class Problems:
    """Collects problems; ``source`` and ``conversation_id`` are the current context."""

    items: list[Problem] = field(default_factory=list)
    source: str = ""
    conversation_id: str | None = None

    def add(self, path: str, value: Any, message: str) -> None:
        """Record a problem at ``path`` of the current record."""
        self.items.append(Problem(self.source, self.conversation_id, path, value, message))

    def __len__(self) -> int:
        return len(self.items)
