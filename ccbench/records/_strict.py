"""Reading a typed record without reporting: where the tolerant reader would report a
problem, the fast path (:mod:`._fast`) raises :class:`Unclean` and leaves the record to
that reader. :class:`StrictFields` is the tolerant accessors themselves with problems
that raise; the functions read a typed value (:mod:`._typed`) by the same rules.
"""

from __future__ import annotations

from typing import Any

from ._facts import Ids, decimal_id
from ._fields import LAST_MS, Fields, clean, valid_id
from ._problems import Problems

__all__ = ["StrictFields", "Unclean", "read_id", "read_ms", "read_text"]


class Unclean(Exception):
    """The tolerant reader would report something at ``path``."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


class _Raising(Problems):
    def add(self, path: str, value: Any, message: str) -> None:
        raise Unclean(path)


class _StrictIds(Ids):
    """Decimal ids only: another one would be reported (and remembered) by :class:`Ids`."""

    def agent(self, text: str, path: str, problems: Problems) -> int:
        number = decimal_id(text)
        if number is None:
            raise Unclean(path)
        return number


class StrictFields(Fields):
    """The tolerant accessors, raising :class:`Unclean` where they would report."""

    def __init__(self) -> None:
        super().__init__(_Raising())
        self.ids = _StrictIds()
        #: info.source and info.language texts already read (a few values repeat)
        self.sources: dict[str, str | None] = {}
        self.languages: dict[str, bool] = {}
        #: agentParticipants entries already read: their values -> (the id as read, the
        #: agent or None for the system, the group or None) (:func:`._fast._participants`)
        self.participants: dict[tuple[Any, ...], tuple[str, int | None, int | None]] = {}


def read_text(value: str | None) -> str | None:
    """A string as :meth:`Fields.text` reads it (stripped; None for the absent ones)."""
    return None if value is None else clean(value)


def read_id(value: int | None, path: str) -> int | None:
    """A skill or group id as :meth:`Fields.ident` reads it (-1 is none)."""
    if value is None or value == -1:
        return None
    if not valid_id(value):
        raise Unclean(path)
    return value


def read_ms(f: Fields, stamp: int | None, text: str | None, base: str, path: str) -> int | None:
    """:meth:`Fields.fast_time` of a typed time pair."""
    if stamp is not None and 0 <= stamp <= LAST_MS and (text is None or f.same_time(stamp, text)):
        return stamp
    return f.time({base + "L": stamp, base: text}, base, path)
