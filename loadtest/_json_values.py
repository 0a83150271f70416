"""Values from a backend: decoding any body, comparing numbers, rendering any value.

A backend may answer anything. :func:`decode_body` turns every valid JSON
text into a value (integers of any length included) and everything else into
"not JSON", never an exception; :func:`within` compares two numbers of any
size within a tolerance, never raising either; :func:`reportable` bounds what
a value may put into a report and :func:`visible` what a string may: control
characters, lone surrogates and the non-characters U+FFFE/U+FFFF (which XML,
UTF-8 output or a terminal cannot take) become backslash escapes.
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Any

import orjson

__all__ = ["decode_body", "is_number", "reportable", "visible", "visible_json", "within"]

_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every character XML 1.0, UTF-8 or a terminal cannot show as itself
    (C0 and C1 controls but tab, LF and CR; DEL; lone surrogates; U+FFFE, U+FFFF)
    written as ``\\xNN`` or ``\\uNNNN``."""
    return _INVISIBLE.sub(_escape, text)


def visible_json(value: Any) -> Any:
    """A JSON-ready ``value`` with :func:`visible` applied to every string, keys included
    (the last pass before a summary is printed or written)."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {visible_json(k): visible_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [visible_json(v) for v in value]
    return value


def _long_integer(text: str) -> int | str:
    # Python refuses to parse integers past sys.get_int_max_str_digits(); such a number
    # stays its text, which equals no expected number and still renders in reports
    limit = sys.get_int_max_str_digits()
    return int(text) if limit == 0 or len(text.lstrip("-")) <= limit else text


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def decode_body(text: str) -> tuple[bool, Any]:
    """(True, value) for a JSON body, (False, None) otherwise; never raises.

    orjson first (fast, 64-bit integers, nesting up to 1024); a valid body beyond
    those limits (larger integers) goes through the standard parser, whose own
    limits (nesting past the recursion limit, NaN and Infinity, which JSON has
    not) make it invalid.
    """
    try:
        return True, orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    try:
        value = json.loads(text, parse_int=_long_integer, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return False, None
    return True, value


def is_number(x: Any) -> bool:
    """An int or float that is not a boolean (JSON's ``true`` is not the number 1)."""
    return isinstance(x, int | float) and not isinstance(x, bool)


def within(e: int | float, a: int | float, tolerance: float) -> bool:
    """``|e - a| <= tolerance``, False for NaN and when the difference overflows a float
    (an integer of hundreds of digits against a float)."""
    try:
        return bool(abs(e - a) <= tolerance)
    except OverflowError:
        return False


_REPORT_DEPTH = 16
_REPORT_ITEMS = 50
_REPORT_CHARS = 1000


def reportable(value: Any, *, depth: int = 0) -> Any:
    """``value`` as a report can show it (summary.json, report.html, junit.xml).

    Integers beyond 64 bits and non-finite floats become their text, strings
    longer than 1000 characters, containers of more than 50 items and nesting
    deeper than 16 levels are cut with a note saying what was left out: a
    mismatch example never makes a report fail or grow without bound.
    """
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        if len(value) <= _REPORT_CHARS:
            return visible(value)
        cut = len(value) - _REPORT_CHARS
        return visible(value[:_REPORT_CHARS]) + f"... ({cut} more characters)"
    if isinstance(value, int):
        return value if -(2**63) <= value < 2**64 else reportable(str(value))
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict | list | tuple) and depth >= _REPORT_DEPTH:
        return f"<{type(value).__name__} nested deeper than {_REPORT_DEPTH} levels>"
    if isinstance(value, dict):
        items = list(value.items())
        out: dict[str, Any] = {
            reportable(str(k)): reportable(v, depth=depth + 1) for k, v in items[:_REPORT_ITEMS]
        }
        if len(items) > _REPORT_ITEMS:
            out["..."] = f"{len(items) - _REPORT_ITEMS} more keys"
        return out
    if isinstance(value, list | tuple):
        shown = [reportable(v, depth=depth + 1) for v in value[:_REPORT_ITEMS]]
        if len(value) > _REPORT_ITEMS:
            shown.append(f"... {len(value) - _REPORT_ITEMS} more items")
        return shown
    return reportable(str(value))
