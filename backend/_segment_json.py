"""msgagentsegments metrics objects written as JSON text, a column at a time.

An answer holds one metrics object per agent, per (skill, agent) and per
section total (docs/metrics.md 2.5): up to hundreds of thousands of small
objects. Building each as a Python dict costs far more than the sums behind
it, so :class:`MetricTexts` writes them directly: every number is written by
orjson itself, one column at a time (``orjson.dumps`` of the column, split at
its commas), and the objects are joined from those pieces and the constant
keys in C (``bytes.join`` over ``zip``). The text is byte for byte what
``orjson.dumps`` gives for the same objects (keys in order, no spaces).

The values follow backend/_agent_segments.py's definitions: averages from raw
sums and counts truncated toward zero, -1 without samples; the messages per
segment a double, an integral one written as an integer (1, as in seed 004).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import chain, repeat
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from ._rollup_segments import FIELDS

__all__ = ["SUMS", "MetricTexts", "sums_of", "texts"]

Array = npt.NDArray[np.int64]
_F = {name: i for i, name in enumerate(FIELDS)}


def texts(values: npt.NDArray[Any] | Sequence[object]) -> list[bytes]:
    """The JSON text of each number of ``values`` (an int64 array or a list), as orjson
    writes it anywhere."""
    if isinstance(values, np.ndarray):
        values = np.ascontiguousarray(values)
    text = orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY)
    return text[1:-1].split(b",") if len(text) > 2 else []


def _doubles(values: npt.NDArray[np.float64]) -> list[float | int]:
    """The values as JSON numbers: an integral double as an integer."""
    out = values.astype(object)
    integral = values == np.floor(values)
    out[integral] = values[integral].astype(np.int64)  # exact: each is below 2**63
    return out.tolist()  # type: ignore[no-any-return]


#: The sums each metric is made of ("seg" is always summed: it decides which rows exist).
SUMS: dict[str, tuple[str, ...]] = {
    "totalAgentConversationSegments": ("seg",),
    "avgAgentMessagesinAgentSegment": ("msgs", "seg"),
    "avgAgentSegmentDuration": ("dur", "ended"),
    "interactiveAgentSegments": ("interactive",),
    "agentSegmentsAbandonedByConsumers": ("abandoned",),
    "agentSegmentsWithNonResponsiveConsumers": ("nr_consumers",),
    "agentSegmentsWithNonResponsiveAgents": ("nr_agents",),
    "avgTimetoFirstAgentMessageFromAgentAssignment": ("f_sum", "f_n"),
    "avgTimetoFirstAgentMessageFromAgentAssignment_AfterTransfer": ("ft_sum", "ft_n"),
    "avgTimetoFirstAgentMessageFromAgentAssignment_NewConversation": ("fn_sum", "fn_n"),
    "avgTimeToResponseFromAgentAssignment": ("r_sum", "r_n"),
}


def sums_of(wanted: tuple[str, ...]) -> tuple[int, ...]:
    """The sums (indexes in FIELDS) the metrics ``wanted`` need, "seg" first."""
    needed = {_F[name] for m in wanted for name in SUMS[m]} - {_F["seg"]}
    return (_F["seg"], *sorted(needed))


def _columns(v: Array, fields: tuple[int, ...]) -> dict[str, Callable[[], Any]]:
    """Each metric's column over the rows of sums ``v`` (columns: ``fields``)."""
    at = {FIELDS[k]: i for i, k in enumerate(fields)}

    def f(name: str) -> Array:
        return v[:, at[name]]

    def avg(total: str, n: str) -> Array:
        # Sums of non-negative ms: floor division truncates toward zero; -1 without samples.
        return np.where(f(n) > 0, f(total) // np.maximum(f(n), 1), -1)

    # int64 / int64 is the IEEE double quotient, as Python's int / int below 2**53
    return {
        "totalAgentConversationSegments": lambda: f("seg"),
        "avgAgentMessagesinAgentSegment": lambda: _doubles(f("msgs") / f("seg")),
        "avgAgentSegmentDuration": lambda: avg("dur", "ended"),
        "interactiveAgentSegments": lambda: f("interactive"),
        "agentSegmentsAbandonedByConsumers": lambda: f("abandoned"),
        "agentSegmentsWithNonResponsiveConsumers": lambda: f("nr_consumers"),
        "agentSegmentsWithNonResponsiveAgents": lambda: f("nr_agents"),
        "avgTimetoFirstAgentMessageFromAgentAssignment": lambda: avg("f_sum", "f_n"),
        "avgTimetoFirstAgentMessageFromAgentAssignment_AfterTransfer": lambda: avg(
            "ft_sum", "ft_n"
        ),
        "avgTimetoFirstAgentMessageFromAgentAssignment_NewConversation": lambda: avg(
            "fn_sum", "fn_n"
        ),
        "avgTimeToResponseFromAgentAssignment": lambda: avg("r_sum", "r_n"),
    }


class MetricTexts:
    """The metrics objects of the rows of sums ``v`` (columns: the sums ``fields``, from
    :func:`sums_of`) with the metrics ``wanted`` (in that order): row ``r``'s object is
    :meth:`object`; :meth:`keyed` writes a run of rows as one JSON object keyed by their
    ids."""

    def __init__(self, v: Array, wanted: tuple[str, ...], fields: tuple[int, ...]) -> None:
        columns = _columns(v, fields)
        self.values = [texts(columns[m]()) for m in wanted]
        self.keys = [b'{"' + wanted[0].encode() + b'":'] + [
            b',"' + m.encode() + b'":' for m in wanted[1:]
        ]
        # No data: every requested metric is 0 (seed 004, metricsTotal).
        self.zero = b"{" + b",".join(b'"' + m.encode() + b'":0' for m in wanted) + b"}"

    def object(self, r: int) -> bytes:
        """Row ``r``'s metrics object."""
        return b"".join(k + v[r] for k, v in zip(self.keys, self.values, strict=True)) + b"}"

    def keyed(self, ids: list[bytes], lo: int, hi: int) -> bytes:
        """Rows ``[lo, hi)`` as ``{"<id>": <metrics object>, ...}`` (``ids[r]``: row r's
        id as a JSON number's text)."""
        if lo >= hi:
            return b"{}"
        parts: list[Any] = [repeat(b'"'), ids[lo:hi], repeat(b'":' + self.keys[0])]
        parts.append(self.values[0][lo:hi])
        for key, values in zip(self.keys[1:], self.values[1:], strict=True):
            parts += [repeat(key), values[lo:hi]]
        parts.append(repeat(b"},"))
        body = b"".join(chain.from_iterable(zip(*parts, strict=False)))  # up to the ids
        return b"{" + body[:-1] + b"}"
