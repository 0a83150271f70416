"""Splitting an ingest body into its events without decoding it whole.

An NDJSON body is cut at newlines (a run of blank lines is skipped in one
scan). A JSON array body is walked item by item with regular expressions
(C-speed scans, no Python loop per byte); every item must be a flat JSON
object, since an event's values are strings, integers or null, so an item
holding ``{`` or ``[`` outside its strings is refused where it starts.
Each event may take at most :data:`MAX_EVENT_BYTES` bytes (an NDJSON line;
an array item with the whitespace before it). The caller decodes one chunk
of events at a time, so the Python objects a request holds are bounded by a
chunk, not by the body (docs/backend.md, "Memory").

A refused array item is decoded alone (at most :data:`MAX_EVENT_BYTES`) only
to name its problem: invalid JSON, not an object, or the field whose value
is not a string, an integer or null. Positions are reported as ``line``:
the physical NDJSON line (1-based), or the 1-based array item.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from ccbench import EventSchemaError, shown
from ccbench.eventlog import table_from_records

__all__ = ["MAX_EVENT_BYTES", "NDJSON_TYPES", "batch_items"]

NDJSON_TYPES = ("application/x-ndjson", "application/ndjson", "application/jsonl")
#: Largest event: an NDJSON line, or an array item with the whitespace before it (bytes).
#: A valid event is far smaller (8 free-text fields of at most 256 characters).
MAX_EVENT_BYTES = 64 * 1024

_NON_BLANK = re.compile(rb"\S")
# A JSON string (unrolled loop: linear, no backtracking between alternatives).
_STRING = rb'"[^"\\]*(?:\\.[^"\\]*)*"'
_FLAT = rb'[^"{}\[\]]*'
# A JSON object with no object or array inside: what every event is.
_OBJECT = re.compile(rb"\{" + _FLAT + rb"(?:" + _STRING + _FLAT + rb")*\}", re.DOTALL)
_OPEN = re.compile(rb"[ \t\n\r]*\[[ \t\n\r]*")
_WS = re.compile(rb"[ \t\n\r]*")
_SEP = re.compile(rb"[ \t\n\r]*([,\]])")
_END = re.compile(rb"[ \t\n\r]*\Z")


def _skip_ws(body: bytes | bytearray, pos: int) -> int:
    """The first position at or after ``pos`` that is not JSON whitespace."""
    found = _WS.match(body, pos)
    return pos if found is None else found.end()


def _snippet(body: bytes | bytearray, at: int) -> str:
    return shown(bytes(body[at : at + 40]).decode("utf-8", "replace"))


def _refused(window: bytes | bytearray, line: int, *, cut: bool) -> EventSchemaError:
    """Why the item at the start of ``window`` is no event (``cut``: the window ends at
    MAX_EVENT_BYTES, not at the body's end)."""
    text = bytes(window).decode("utf-8", "replace").lstrip(" \t\n\r")
    try:
        value, _ = json.JSONDecoder().raw_decode(text)
    except (ValueError, RecursionError) as exc:
        if cut:
            return EventSchemaError(
                f"expected an event of at most {MAX_EVENT_BYTES} bytes: a JSON object whose "
                f"values are strings, integers or null, got {shown(text[:40])}",
                line=line,
            )
        return EventSchemaError(f"not valid JSON: {exc}; got {shown(text[:40])}", line=line)
    try:
        table_from_records([value], first_line=line)
    except EventSchemaError as exc:
        return exc
    return EventSchemaError(  # valid, but nested where its own check does not look
        "expected an event: a JSON object whose values are strings, integers or null, "
        f"got {shown(text[:40])}",
        line=line,
    )


def _lines(body: bytes | bytearray) -> Iterator[tuple[int, bytes | bytearray]]:
    line, at, size = 1, 0, len(body)  # ``at`` starts physical line ``line``
    while at < size:
        end = body.find(b"\n", at)
        end = size if end < 0 else end
        raw = body[at:end]
        if not raw or raw.isspace():
            # skip a run of blank lines in one scan (a body of newlines is no loop per line)
            found = _NON_BLANK.search(body, end)
            if found is None:
                return
            start = body.rfind(b"\n", end, found.start()) + 1
            line += body.count(b"\n", at, start)
            at = start
            continue
        if end - at > MAX_EVENT_BYTES:
            raise EventSchemaError(
                f"the line holds {end - at} bytes; an event takes at most {MAX_EVENT_BYTES} bytes",
                line=line,
            )
        yield line, raw
        at, line = end + 1, line + 1


def _array_items(body: bytes | bytearray) -> Iterator[tuple[int, bytes | bytearray]]:
    opened = _OPEN.match(body)
    if opened is None:
        raise EventSchemaError(
            "expected a JSON array of events (or NDJSON with Content-Type "
            f"{NDJSON_TYPES[0]}), got {_snippet(body, _skip_ws(body, 0))}"
        )
    pos = opened.end()
    if body[pos : pos + 1] == b"]":
        _ends(body, pos + 1)
        return
    item = 0
    while True:
        item += 1
        start = _skip_ws(body, pos)
        found = _OBJECT.match(body, start, pos + MAX_EVENT_BYTES)
        if found is None:
            stop = pos + MAX_EVENT_BYTES
            raise _refused(body[start:stop], item, cut=stop < len(body))
        yield item, found.group()
        sep = _SEP.match(body, found.end())
        if sep is None:
            raise EventSchemaError(
                f"body is not valid JSON: expected ',' or ']' after the item, got "
                f"{_snippet(body, found.end())}",
                line=item,
            )
        pos = sep.end()
        if sep.group(1) == b"]":
            _ends(body, pos)
            return


def _ends(body: bytes | bytearray, pos: int) -> None:
    if _END.match(body, pos) is None:
        raise EventSchemaError(
            f"body is not valid JSON: data after the array's closing ']': {_snippet(body, pos)}"
        )


def batch_items(
    body: bytes | bytearray, *, ndjson: bool
) -> Iterator[tuple[int, bytes | bytearray]]:
    """Each event of ``body`` as (line, raw JSON text), in order; nothing is decoded.

    Raises EventSchemaError (with the line when known) for a body that is not
    a sequence of events: an over-long line or item, an array item that is not
    a flat object, malformed array punctuation.
    """
    return _lines(body) if ndjson else _array_items(body)
