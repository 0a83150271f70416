"""Reading a record field by field: the documented oddities tolerated, the rest reported.

Every accessor takes the JSON path of the value for its problem messages and returns
None when the value is absent. Absent means missing, JSON null, the strings
``"undefined"``, ``"null"`` and ``""``, or -1 for a time or an id: the vendor writes all
of them (docs/formats.md). A value of the wrong type is reported and read as absent; a
number written as a string where the tables say number is reported and read.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any, Final

from ._problems import Problems
from ._vocab import SECTION_ALIASES, format_time, parse_time

__all__ = ["ABSENT", "LAST_MS", "Fields", "clean", "listed", "valid_id"]

#: strings the vendor writes for "no value"
ABSENT: Final = frozenset({"", "undefined", "null", "None"})
_INTEGER: Final = re.compile(r"^-?\d+$")
#: the last epoch ms the readable form can show (9999-12-31 23:59:59.999): a later
#: ``L`` time is no time (formatting it, to compare with its twin, overflowed)
LAST_MS: Final = 253_402_300_799_999
#: skill and group ids are 64-bit integers in the log and the roster
_LARGEST_ID: Final = 2**63
#: readable and epoch-ms times may disagree by up to this much (the vendor rounds one)
_TIME_SLACK_MS: Final = 1000


class Fields:
    """Typed access to record values, reporting into ``problems``."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        #: ``yyyy-MM-dd HH:mm:`` of each minute met (:meth:`minute_prefix`), and
        #: ``ss.SSS+0000`` of each millisecond of a minute: a readable time is the two
        self.minutes: dict[int, str] = {}
        self.tails = _minute_tails()

    def same_time(self, stamp: int, text: Any) -> bool:
        """Whether ``text`` is exactly the readable form of ``stamp`` (the common case,
        checked without parsing: each minute is formatted once, ``yyyy-MM-dd HH:mm:``;
        a day's records have a million times in 1,440 minutes)."""
        minute = stamp // 60_000
        prefix = self.minutes.get(minute) or self.minute_prefix(minute)
        same: bool = text == prefix + self.tails[stamp - minute * 60_000]
        return same

    def minute_prefix(self, minute: int) -> str:
        """``yyyy-MM-dd HH:mm:`` of epoch minute ``minute``, kept in :attr:`minutes`."""
        prefix = self.minutes[minute] = format_time(minute * 60_000)[:17]
        return prefix

    def fast_time(self, item: Mapping[str, Any], base: str, path: str) -> int | None:
        """:meth:`time`, with the exporter's own form (an int twin and the exact
        readable text, or the twin alone) read without parsing."""
        stamp = item.get(base + "L")
        if type(stamp) is int and 0 <= stamp <= LAST_MS:
            text = item.get(base)
            if text is None or self.same_time(stamp, text):
                return stamp
        return self.time(item, base, path)

    def entries(self, record: Mapping[str, Any], name: str) -> tuple[str, list[Any]]:
        """(the name the section is given under, its raw list) of list section ``name``
        (or an alias); ``[]`` when absent or not a list (reported). A section given under
        several names is read from the first, the others reported."""
        found = [n for n in (name, *SECTION_ALIASES.get(name, ())) if n in record]
        if not found:
            return name, []
        for extra in found[1:]:
            self.problems.add(extra, "...", f"also given as {found[0]!r}; read {found[0]!r} only")
        value = record[found[0]]
        if value is None:
            return found[0], []
        if not isinstance(value, list):
            self.problems.add(found[0], value, "expected a list of objects; section ignored")
            return found[0], []
        return found[0], value

    def section(self, record: Mapping[str, Any], name: str) -> list[tuple[str, Mapping[str, Any]]]:
        """The items of list section ``name`` (or an alias) as (path, object), see
        :meth:`entries`; an item that is not an object is reported and left out."""
        key, value = self.entries(record, name)
        out = []
        for i, item in enumerate(value):
            if type(item) is dict or isinstance(item, Mapping):  # JSON gives dicts: no ABC check
                out.append((f"{key}[{i}]", item))
            else:
                self.problems.add(f"{key}[{i}]", item, "expected an object; item ignored")
        return out

    def obj(self, parent: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any] | None:
        value = parent.get(key)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self.problems.add(path, value, "expected an object; ignored")
            return None
        return value

    def integer(
        self, item: Mapping[str, Any], key: str, path: str, *, string_ok: bool = False
    ) -> int | None:
        """An integer; -1 and the absent strings are None. ``string_ok``: the tables say
        string (ids), so a numeric string is normal; otherwise it is reported."""
        value = item.get(key)
        if type(value) is int:  # the common case first (a bool is no int here)
            return None if value == -1 else value
        if value is None or (isinstance(value, str) and value.strip() in ABSENT):
            return None
        if isinstance(value, bool):
            self.problems.add(path, value, "expected an integer; read as absent")
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and _INTEGER.match(value.strip()):
            if not string_ok:
                self.problems.add(path, value, "expected a JSON number, got a numeric string; read")
            value = int(value.strip())
        if not isinstance(value, int):
            self.problems.add(path, value, "expected an integer; read as absent")
            return None
        return None if value == -1 else value

    def ident(
        self, item: Mapping[str, Any], key: str, path: str, *, string_ok: bool = True
    ) -> int | None:
        """A skill or group id: :meth:`integer`, and one no 64-bit column holds (below
        0 but the vendor's -1, or from 2^63) is reported and read as absent."""
        value = self.integer(item, key, path, string_ok=string_ok)
        if value is not None and not valid_id(value):
            self.problems.add(
                path, value, "expected an id from 0 to 2^63-1 (or -1); read as absent"
            )
            return None
        return value

    def text(self, item: Mapping[str, Any], key: str, path: str) -> str | None:
        """A string; the absent strings are None; a number is read as its decimal text."""
        value = item.get(key)
        if type(value) is str:  # the common case first
            return clean(value)
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.problems.add(path, value, "expected a string; read as absent")
            return None
        return clean(value)

    def time(self, item: Mapping[str, Any], base: str, path: str) -> int | None:
        """Epoch ms of time ``base``: its ``baseL`` twin when present, else the readable
        ``base`` parsed; a disagreement beyond a second is reported (the twin wins)."""
        stamp = self.integer(item, base + "L", f"{path}.{base}L")
        if stamp is not None and stamp < 0:
            self.problems.add(f"{path}.{base}L", stamp, "expected epoch ms >= 0; read as absent")
            stamp = None
        elif stamp is not None and stamp > LAST_MS:
            self.problems.add(
                f"{path}.{base}L",
                stamp,
                f"expected epoch ms <= {LAST_MS} (year 9999); read as absent",
            )
            stamp = None
        text = self.text(item, base, f"{path}.{base}")
        parsed = parse_time(text) if text is not None else None
        if text is not None and parsed is None:
            self.problems.add(f"{path}.{base}", text, "expected yyyy-MM-dd HH:mm:ss.SSS+0000")
        if stamp is None:
            return parsed
        if parsed is not None and abs(parsed - stamp) > _TIME_SLACK_MS:
            self.problems.add(
                f"{path}.{base}",
                text,
                f"disagrees with {base}L = {stamp} by {parsed - stamp} ms; {base}L read",
            )
        return stamp


@functools.cache
def _minute_tails() -> tuple[str, ...]:
    """``ss.SSS+0000`` of each millisecond of a minute, the end of a readable time."""
    seconds = [f"{s:02d}" for s in range(60)]
    millis = [f".{ms:03d}+0000" for ms in range(1000)]
    return tuple([second + tail for second in seconds for tail in millis])


def clean(text: str) -> str | None:
    """A string value as read: stripped, and None when it is one of the absent strings."""
    text = text.strip()
    return None if text in ABSENT else text


def valid_id(value: int) -> bool:
    """Whether a skill or group id fits the log's 64-bit columns (not below 0)."""
    return 0 <= value < _LARGEST_ID


def listed(value: Any) -> list[Any]:
    """``value`` when it is a list, else no entries: for free-form parts of a record
    (contextData), where any other value carries nothing the importer reads."""
    return value if isinstance(value, list) else []
