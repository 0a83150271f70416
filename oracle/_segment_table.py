"""Agent segments: one assignment of a conversation to an agent, and what happened in it.

A segment starts at an ``assignment.accepted`` event and ends at the next
``conversation.transferred``, ``conversation.back_to_queue``,
``conversation.taken_over`` or ``conversation.closed`` of the same
conversation (log order, (ts, seq)); without one it is open. docs/metrics.md
("Agent segments") is the specification; this module is its vectorised
implementation. Building touches every event once through numpy (sorts and
binary searches), never a per-event Python loop.

Each segment carries its *message stream*: the consumer messages and the
assigned agent's own messages strictly between its start and end events.
Per-segment features (message counts, first-response times, outcome) are a
pure function of that stream and a visibility cutoff ``now`` (only events
with ``ts < now`` are seen), so the same code serves the precomputed
"everything visible" features and the re-evaluation of segments still open
at a query's ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from ccbench.arrays import take
from ccbench.eventlog import ASSIGN_REASONS, CLOSED_BY, EventKind

from ._columns import AGENT_SIDE_ROLES, KIND_CODES, OPEN_END, ROLE_CONSUMER, EventColumns

__all__ = ["END_KINDS", "START_KINDS", "EndKind", "Feature", "Segments", "StartKind"]

I64 = npt.NDArray[np.int64]
I8 = npt.NDArray[np.int8]
B = npt.NDArray[np.bool_]


class StartKind(IntEnum):
    """How a segment started (from the accept's reason; back_to_queue counts as transfer)."""

    NEW = 0
    TRANSFER = 1
    TAKEOVER = 2
    RESUME = 3


class EndKind(IntEnum):
    """How a segment ended; OPEN when no end event is visible."""

    TRANSFER = 0
    BACK_TO_QUEUE = 1
    TAKEOVER = 2
    CLOSE_CONSUMER = 3
    CLOSE_AGENT = 4
    CLOSE_SYSTEM = 5
    OPEN = 6


START_KINDS = tuple(k.name.lower() for k in StartKind)
END_KINDS = tuple(k.name.lower() for k in EndKind)

# How each assignment reason starts a segment (back_to_queue counts as transfer), indexed
# by the reason's code (its position in ASSIGN_REASONS).
_START_OF_REASON = {
    "new": StartKind.NEW,
    "transfer": StartKind.TRANSFER,
    "back_to_queue": StartKind.TRANSFER,
    "takeover": StartKind.TAKEOVER,
    "resume": StartKind.RESUME,
}
_REASON_TO_START = np.array([_START_OF_REASON[r] for r in ASSIGN_REASONS], dtype=np.int8)
_ACCEPT = KIND_CODES[EventKind.ASSIGNMENT_ACCEPTED]
_MESSAGE = KIND_CODES[EventKind.MESSAGE_SENT]
_CLOSED = KIND_CODES[EventKind.CONVERSATION_CLOSED]
_ENDS = {
    KIND_CODES[EventKind.CONVERSATION_TRANSFERRED]: EndKind.TRANSFER,
    KIND_CODES[EventKind.CONVERSATION_BACK_TO_QUEUE]: EndKind.BACK_TO_QUEUE,
    KIND_CODES[EventKind.CONVERSATION_TAKEN_OVER]: EndKind.TAKEOVER,
}
# How a close ends a segment, indexed by the closed_by code (its position in CLOSED_BY).
_END_OF_CLOSE = {
    "consumer": EndKind.CLOSE_CONSUMER,
    "agent": EndKind.CLOSE_AGENT,
    "system": EndKind.CLOSE_SYSTEM,
}
_CLOSE_KIND = np.array([_END_OF_CLOSE[c] for c in CLOSED_BY], dtype=np.int8)


class Feature(IntEnum):
    """Columns of the per-segment feature matrix (int64 sums; docs/metrics.md)."""

    SEGMENTS = 0  # 1 per segment
    MESSAGES = 1  # counted agent messages |M(s)|
    DURATION_SUM = 2  # end - start, ended segments only (ms)
    DURATION_N = 3
    INTERACTIVE = 4
    ABANDONED = 5
    NONRESPONSIVE_CONSUMER = 6
    NONRESPONSIVE_AGENT = 7
    FIRST_SUM = 8  # first agent message - start, NEW and TRANSFER segments (ms)
    FIRST_N = 9
    FIRST_TRANSFER_SUM = 10
    FIRST_TRANSFER_N = 11
    FIRST_NEW_SUM = 12
    FIRST_NEW_N = 13
    RESPONSE_SUM = 14  # response times (ms)
    RESPONSE_N = 15


N_FEATURES = len(Feature)


@dataclass(frozen=True, slots=True)
class Segments:
    """Every agent segment of a log, sorted by start (ts, seq); one entry per segment.

    ``conv`` and ``source`` are codes into EventColumns.conversation_ids and
    .sources. ``start_ts``/``end_ts`` are epoch ms (``end_ts`` is :data:`OPEN_END` when
    the log has no end event). ``features`` holds the per-segment
    :class:`Feature` values as seen with every event visible; use
    :meth:`features_at` for the values as seen at a given ``now``. The message
    stream (``stream_*``) lists, per segment, its consumer messages and the
    assigned agent's messages in log order; segment ``i`` owns stream rows
    ``stream_lo[i]:stream_hi[i]``.
    """

    conv: npt.NDArray[np.int32]
    source: npt.NDArray[np.int32]
    agent: I64
    skill: I64
    start_ts: I64
    start_seq: I64
    start_kind: I8
    end_ts: I64
    end_kind: I8
    features: I64
    stream_lo: I64
    stream_hi: I64
    stream_seg: I64
    stream_ts: I64
    stream_agent: B

    def __len__(self) -> int:
        return int(self.start_ts.shape[0])

    @classmethod
    def build(cls, cols: EventColumns) -> Segments:
        """Find every segment and its message stream in ``cols`` (vectorised)."""
        end_codes = [*_ENDS, _CLOSED]
        relevant = np.flatnonzero(
            (cols.conv >= 0)
            & ((cols.kind == _ACCEPT) | (cols.kind == _MESSAGE) | np.isin(cols.kind, end_codes))
        )
        # Group by conversation, log order inside: rows are already in log order, so a
        # stable sort on the conversation code alone is enough.
        rows = relevant[np.argsort(cols.conv[relevant], kind="stable")]
        conv = cols.conv[rows]
        kind = cols.kind[rows]

        acc = np.flatnonzero(kind == _ACCEPT)  # positions in `rows`
        ends = np.flatnonzero(np.isin(kind, end_codes))
        # The segment ends at the first end event after its accept in the same conversation.
        j = np.searchsorted(ends, acc, side="right")
        has_end = j < ends.shape[0]
        end_pos = np.full(acc.shape[0], np.iinfo(np.int64).max, dtype=np.int64)
        end_pos[has_end] = ends[j[has_end]]
        has_end[has_end] = conv[end_pos[has_end]] == conv[acc[has_end]]
        end_pos[~has_end] = np.iinfo(np.int64).max

        acc_rows = rows[acc]
        end_rows = take(rows, np.where(has_end, end_pos, -1), missing=0)
        end_kind = np.full(acc.shape[0], EndKind.OPEN, dtype=np.int8)
        ek = cols.kind[end_rows]
        for code, ekind in _ENDS.items():
            end_kind[has_end & (ek == code)] = ekind
        closed = has_end & (ek == _CLOSED)
        end_kind[closed] = _CLOSE_KIND[cols.closed_by[end_rows[closed]]]
        seg_agent = cols.agent[acc_rows]

        # Messages: owner = the last accept before it in the same conversation, if that
        # segment has not ended yet (position-wise, i.e. in (ts, seq) order).
        msg = np.flatnonzero(kind == _MESSAGE)
        owner = np.searchsorted(acc, msg, side="right") - 1  # -1: no accept before it
        owner_conv = take(conv, take(acc, owner, missing=-1), missing=-1)
        inside = (owner_conv == conv[msg]) & (msg < take(end_pos, owner, missing=-1))
        owner_agent = take(seg_agent, owner, missing=-2)  # -2: nobody's id
        mrows = rows[msg]
        role = cols.role[mrows]
        is_consumer = role == ROLE_CONSUMER
        is_agent = np.isin(role, AGENT_SIDE_ROLES) & (cols.agent[mrows] == owner_agent)
        keep = inside & (is_consumer | is_agent)

        # Order segments by start (ts, seq) for window queries; renumber the stream.
        order = np.lexsort((cols.seq[acc_rows], cols.ts[acc_rows]))
        rank = np.empty_like(order)
        rank[order] = np.arange(order.shape[0])
        stream_seg = rank[owner[keep]].astype(np.int64)
        sorder = np.argsort(stream_seg, kind="stable")  # keeps log order inside a segment
        stream_seg = stream_seg[sorder]
        stream_ts = cols.ts[mrows[keep]][sorder]
        stream_agent = is_agent[keep][sorder]
        n = order.shape[0]
        ids = np.arange(n)

        start_ts = cols.ts[acc_rows][order]
        start_kind = _REASON_TO_START[cols.reason[acc_rows][order]]
        end_ts = np.where(has_end, cols.ts[end_rows], OPEN_END)[order]
        end_kind = end_kind[order]
        features = segment_features(
            start_ts=start_ts,
            start_kind=start_kind,
            end_ts=end_ts,
            end_kind=end_kind,
            stream_seg=stream_seg,
            stream_ts=stream_ts,
            stream_agent=stream_agent,
            now=None,
        )
        return cls(
            conv=cols.conv[acc_rows][order],
            source=cols.conv_source[cols.conv[acc_rows][order]],
            agent=seg_agent[order],
            skill=cols.skill[acc_rows][order],
            start_ts=start_ts,
            start_seq=cols.seq[acc_rows][order],
            start_kind=start_kind,
            end_ts=end_ts,
            end_kind=end_kind,
            features=features,
            stream_lo=np.searchsorted(stream_seg, ids, side="left").astype(np.int64),
            stream_hi=np.searchsorted(stream_seg, ids, side="right").astype(np.int64),
            stream_seg=stream_seg,
            stream_ts=stream_ts,
            stream_agent=stream_agent,
        )

    def features_at(self, index: I64, now: int) -> I64:
        """Feature rows of the segments ``index`` as seen at ``now`` (events with ts < now).

        Segments whose end event is at or after ``now`` are re-evaluated from
        their visible stream (they are open at ``now``); the others keep
        their precomputed row.
        """
        out = self.features[index]
        cut = np.flatnonzero(self.end_ts[index] >= now)
        if cut.shape[0] == 0:
            return out
        segs = index[cut]
        lo, hi = self.stream_lo[segs], self.stream_hi[segs]
        lengths = hi - lo
        # stream rows of the cut segments, concatenated, and their local segment number
        local = np.repeat(np.arange(segs.shape[0]), lengths)
        starts = np.repeat(lo - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
        srows = starts + np.arange(local.shape[0])
        out[cut] = segment_features(
            start_ts=self.start_ts[segs],
            start_kind=self.start_kind[segs],
            end_ts=self.end_ts[segs],
            end_kind=self.end_kind[segs],
            stream_seg=local,
            stream_ts=self.stream_ts[srows],
            stream_agent=self.stream_agent[srows],
            now=now,
        )
        return out


def segment_features(
    *,
    start_ts: I64,
    start_kind: I8,
    end_ts: I64,
    end_kind: I8,
    stream_seg: I64,
    stream_ts: I64,
    stream_agent: B,
    now: int | None,
) -> I64:
    """Feature matrix (segments x :class:`Feature`) from the segments' message streams.

    ``stream_seg`` must be sorted (segment-major, log order inside). With
    ``now`` set, stream rows with ``ts >= now`` are invisible and a segment
    whose end is at or after ``now`` is open. docs/metrics.md defines every
    feature; the comments below name the rule each step implements.
    """
    n = start_ts.shape[0]
    if now is not None:
        visible = stream_ts < now
        stream_seg, stream_ts, stream_agent = (
            stream_seg[visible],
            stream_ts[visible],
            stream_agent[visible],
        )
        end_kind = np.where(end_ts < now, end_kind, EndKind.OPEN).astype(np.int8)
    f = np.zeros((n, N_FEATURES), dtype=np.int64)
    f[:, Feature.SEGMENTS] = 1
    m = stream_seg.shape[0]
    idx = np.arange(m)

    # Rank of each agent message among its segment's agent messages (R = a1, a2, ...).
    a_pos = np.flatnonzero(stream_agent)
    a_seg = stream_seg[a_pos]
    a_rank = np.arange(a_pos.shape[0]) - np.searchsorted(a_seg, a_seg, side="left")
    n_real = np.bincount(a_seg, minlength=n)
    # The first message after a takeover or resume is omitted from every calculation.
    skips_first = (start_kind == StartKind.TAKEOVER) | (start_kind == StartKind.RESUME)
    counted = n_real - (skips_first & (n_real > 0))
    f[:, Feature.MESSAGES] = counted

    ended = end_kind != EndKind.OPEN
    f[:, Feature.DURATION_SUM] = np.where(ended, end_ts - start_ts, 0)
    f[:, Feature.DURATION_N] = ended

    # first(s): first counted agent message = a1 (NEW/TRANSFER) or a2 (TAKEOVER/RESUME).
    first_rank = skips_first[a_seg].astype(np.int64)
    first_stream = np.full(n, m, dtype=np.int64)
    is_first = a_rank == first_rank
    first_stream[a_seg[is_first]] = a_pos[is_first]
    # Interactive: a consumer message after first(s) in the segment.
    c_pos = np.flatnonzero(~stream_agent)
    c_seg = stream_seg[c_pos]
    last_c = np.full(n, -1, dtype=np.int64)
    k = np.searchsorted(c_seg, np.arange(n), side="right") - 1
    has_c = take(c_seg, k, missing=-1) == np.arange(n)
    last_c[has_c] = c_pos[k[has_c]]
    replied = last_c > first_stream
    has_msg = counted > 0
    f[:, Feature.INTERACTIVE] = ended & has_msg & replied
    f[:, Feature.NONRESPONSIVE_CONSUMER] = ended & has_msg & ~replied
    f[:, Feature.ABANDONED] = ended & ~has_msg & (end_kind == EndKind.CLOSE_CONSUMER)
    f[:, Feature.NONRESPONSIVE_AGENT] = ended & ~has_msg & (end_kind != EndKind.CLOSE_CONSUMER)

    # Time to first agent message, NEW and TRANSFER segments only (a1 - start).
    a1 = a_rank == 0
    a1_seg = a_seg[a1]
    a1_time = stream_ts[a_pos[a1]] - start_ts[a1_seg]
    a1_kind = start_kind[a1_seg]
    for kinds, s_col, n_col in (
        ((StartKind.NEW, StartKind.TRANSFER), Feature.FIRST_SUM, Feature.FIRST_N),
        ((StartKind.TRANSFER,), Feature.FIRST_TRANSFER_SUM, Feature.FIRST_TRANSFER_N),
        ((StartKind.NEW,), Feature.FIRST_NEW_SUM, Feature.FIRST_NEW_N),
    ):
        sel = np.isin(a1_kind, kinds)
        f[a1_seg[sel], s_col] = a1_time[sel]
        f[a1_seg[sel], n_col] = 1

    # Responses: a1 of a NEW/TRANSFER segment (measured from the start), and every later
    # agent message that directly follows a consumer message, measured from the first
    # consumer message of that unanswered run. The omitted a1 of a TAKEOVER/RESUME
    # segment still ends the run it answers.
    prev_c = np.zeros(m, dtype=bool)
    prev_c[1:] = (~stream_agent[:-1]) & (stream_seg[1:] == stream_seg[:-1])
    run_start = ~stream_agent & ~prev_c
    run_from = np.maximum.accumulate(np.where(run_start, idx, 0)) if m else idx
    later = a_rank >= 1
    resp_pos = a_pos[later & prev_c[a_pos]]
    resp_time = stream_ts[resp_pos] - stream_ts[run_from[resp_pos - 1]]
    firsts = np.isin(a1_kind, (StartKind.NEW, StartKind.TRANSFER))
    resp_seg = np.concatenate((a1_seg[firsts], stream_seg[resp_pos]))
    resp_all = np.concatenate((a1_time[firsts], resp_time))
    f[:, Feature.RESPONSE_SUM] = np.bincount(resp_seg, weights=resp_all, minlength=n).astype(
        np.int64
    )
    f[:, Feature.RESPONSE_N] = np.bincount(resp_seg, minlength=n)
    return f
