"""Strict reading of the roster's JSON objects: every error names the JSON path.

:class:`FieldReader` reads one object key by key (type, bounds, choices,
defaults) and rejects keys nobody asked for; the roster's dataclasses
(ccbench/eventlog/_roster.py) are parsed with it. Messages follow the
project's rule: the path, what was expected, and what came
(:func:`ccbench.shown_with_type`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .._errors import RosterError, shown_with_type

__all__ = ["FieldReader", "choice_item", "int_item", "str_item"]

T = TypeVar("T")


class FieldReader:
    """Reads one JSON object, checking keys and types, naming the path on error."""

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, Mapping):
            raise RosterError(f"{path}: expected an object, got {shown_with_type(data)}")
        self.data = data
        self.path = path
        self.seen: set[str] = set()

    def _get(self, key: str, required: bool) -> Any:
        self.seen.add(key)
        if key not in self.data or self.data[key] is None:
            if required:
                raise RosterError(f"{self.path}.{key}: required field is missing")
            return None
        return self.data[key]

    def fail(self, key: str, expected: str, value: Any) -> RosterError:
        """The error for ``value`` of ``key``: its path, what was expected, what came."""
        return RosterError(f"{self.path}.{key}: expected {expected}, got {shown_with_type(value)}")

    def integer(self, key: str, *, default: int | None = None, low: int = 0) -> Any:
        """An integer >= ``low``; required unless a default is given."""
        value = self._get(key, default is None)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise self.fail(key, f"an integer >= {low}", value)
        return value

    def opt_int(self, key: str, *, low: int = 0) -> int | None:
        """An optional integer >= ``low`` (None when absent)."""
        value = self._get(key, False)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < low
        ):
            raise self.fail(key, f"an integer >= {low}", value)
        return value

    def number(self, key: str, *, default: float, low: float = 0.0) -> float:
        """An int or float >= ``low``, as float; ``default`` when absent."""
        value = self._get(key, False)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float) or value < low:
            raise self.fail(key, f"a number >= {low}", value)
        return float(value)

    def string(
        self, key: str, *, default: str | None = None, choices: tuple[str, ...] | None = None
    ) -> Any:
        """A non-empty string (one of ``choices`` if given); required unless defaulted."""
        value = self._get(key, default is None)
        if value is None:
            return default
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "a non-empty string", value)
        if choices is not None and value not in choices:
            raise self.fail(key, "one of " + ", ".join(choices), value)
        return value

    def name(self) -> str:
        """A display name: any string, empty by default."""
        value = self._get("name", False)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self.fail("name", "a string", value)
        return value

    def items(self, key: str, item: Callable[[Any, str], T], *, required: bool = False) -> list[T]:
        """A list, each element read by ``item(value, path)``; empty when absent."""
        value = self._get(key, required)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, "a list", value)
        return [item(v, f"{self.path}.{key}[{i}]") for i, v in enumerate(value)]

    def done(self) -> None:
        """Reject any key of the object that no read asked for."""
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            raise RosterError(
                f"{self.path}: unknown field {unknown[0]!r}; "
                f"expected only {', '.join(sorted(self.seen))}"
            )


def int_item(value: Any, path: str) -> int:
    """A list element that must be an integer >= 0."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RosterError(f"{path}: expected an integer >= 0, got {shown_with_type(value)}")
    return value


def str_item(value: Any, path: str) -> str:
    """A list element that must be a non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise RosterError(f"{path}: expected a non-empty string, got {shown_with_type(value)}")
    return value


def choice_item(choices: tuple[str, ...]) -> Callable[[Any, str], str]:
    """A list-element reader that accepts only one of ``choices``."""

    def item(value: Any, path: str) -> str:
        if value not in choices:
            raise RosterError(
                f"{path}: expected one of {', '.join(choices)}, got {shown_with_type(value)}"
            )
        return str(value)

    return item
