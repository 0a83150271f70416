"""The dashboard's inputs of one account as numpy columns, read once per store version.

The seed 003 dashboard (backend/_dashboard.py) answers at any ``now`` from the
dashboard projection (backend/_dashboard_projection.py), ``segments``, the
routing/message/survey/presence events and ``roster_agents``. Reading and
joining those in SQL on every request cost 0.2-0.7 s on retail_day; this index
holds them in memory instead, made in one read transaction on the first request
after a committed write (:meth:`Store.version` changed, as for the frame,
backend/_frame.py), so a request costs binary searches and masks
(backend/_dashboard_facts.py). Conversations are codes into ``conv_ids`` (the
``dash_convs`` rows); nullable integer columns come with a ``*_ok`` mask; events
are grouped by conversation, log order ``(ts, seq)`` inside, so "visible at now" is a
prefix of each conversation's positions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ccbench.eventlog import CHANNELS, CLOSED_BY, Roster

from ._dashboard_latest import EVENT_KINDS, ROLES, Events, latest_facts
from ._dashboard_sql import AgentEvent
from ._store import Store, read_roster

__all__ = ["NEVER", "DashboardIndex", "Nullable", "load_index"]

T = TypeVar("T")
I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
_AGENT_KINDS = ("agent.login", "agent.logout", "agent.status")
NEVER = int(np.iinfo(np.int64).max)  # an instant after every event; no end


@dataclass(frozen=True, slots=True)
class Nullable:
    """An integer column: ``v`` its values (0 where null), ``ok`` where it is not null."""

    v: I64
    ok: B

    def get(self, i: int) -> int | None:
        return int(self.v[i]) if self.ok[i] else None


def _nullable(table: pa.Table, name: str) -> Nullable:
    col = table.column(name)
    ok = np.asarray(col.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    return Nullable(np.asarray(col.fill_null(0).to_numpy(), dtype=np.int64), ok)


def _ints(table: pa.Table, name: str) -> I64:
    return np.asarray(table.column(name).to_numpy(), dtype=np.int64)


def _codes(column: pa.ChunkedArray, values: tuple[str, ...] | pa.Array) -> I64:
    """Index of each value in ``values`` (-1: null or absent)."""
    found = pc.index_in(column, value_set=pa.array(values, pa.string()))
    return np.asarray(found.fill_null(-1).to_numpy(), dtype=np.int64)


def _sql_code(column: str, values: tuple[str, ...]) -> str:
    """SQL for the index of ``column``'s value in ``values`` (-1: null or absent): the
    codes come out of the query, not out of a string column matched again here."""
    cases = " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(values))
    return f"CASE {column} {cases} ELSE -1 END"


#: The conversation code (the ``dash_convs`` rows in conversation_id order) of a row
#: joined as ``code`` (-1: not in dash_convs); the queries' ``$account`` is the account.
_CODES = (
    "WITH code AS (SELECT conversation_id, row_number() OVER (ORDER BY conversation_id) - 1 "
    "AS conv FROM dash_convs WHERE account = $account) "
)


class DashboardIndex:
    """See the module doc. Events (``ev_*``), conversations (``dash_convs``), lives,
    closes, chat queue stays and segments of one account, plus its roster."""

    def __init__(self, cur: Any, *, account: str, roster: Roster) -> None:
        self.roster = roster
        p = {"account": account}
        # the final_* facts are not read: backend/_dashboard_latest.py has them per event
        convs = cur.sql(
            "SELECT conversation_id, opened_ts, channel, fh_ts, ttfr, ttfr_first_assign, "
            "fam_ts, fca_ts, fa_ts, last_event_ts FROM dash_convs WHERE account = $account "
            "ORDER BY conversation_id",
            params=p,
        ).to_arrow_table()
        self.conv_ids = convs.column("conversation_id").combine_chunks()
        self.conv_names: list[str] = self.conv_ids.to_pylist()
        self.n_conv = convs.num_rows
        self.channel = np.asarray(convs.column("channel").to_numpy(zero_copy_only=False))
        self.channel_code = _codes(convs.column("channel"), CHANNELS)  # -1: NULL
        self.last_event_ts = _ints(convs, "last_event_ts")
        self._events(cur, p)
        lives = cur.sql(
            _CODES + "SELECT coalesce(k.conv, -1) AS conv, l.ts, l.end_ts FROM dash_lives l "
            "LEFT JOIN code k ON k.conversation_id = l.conversation_id "
            "WHERE l.account = $account",
            params=p,
        ).to_arrow_table()
        self.life_conv = _ints(lives, "conv")
        self.life_ts = _ints(lives, "ts")
        self.life_end = _nullable(lives, "end_ts")
        self._closes(cur, p)
        stays = cur.sql(
            "SELECT skill_id, start_ts, end_ts, outcome FROM dash_stays WHERE account = $account",
            params=p,
        ).to_arrow_table()
        self.stay_skill = _nullable(stays, "skill_id")
        self.stay_start = _ints(stays, "start_ts")
        self.stay_end = _nullable(stays, "end_ts")
        self.stay_outcome = _codes(stays.column("outcome"), ("connected", "abandoned"))
        self._segments(cur, p)
        self.conv_table = _conv_table(convs, self)

    def _events(self, cur: Any, p: dict[str, str]) -> None:
        kinds = ", ".join(f"'{k}'" for k in EVENT_KINDS)
        ev = cur.sql(
            # NULLs as values no event has (ids >= 0, csat 1-5, mcs 0-100, flags -1-1):
            # plain integer columns convert without their validity; no ORDER BY, the
            # rows are ordered here (DuckDB's sort of the whole rows cost twice as much)
            _CODES + "SELECT c.conv, e.ts, e.seq, "
            f"({_sql_code('e.kind', EVENT_KINDS)})::TINYINT AS kind, "
            "coalesce(e.skill_id, -1) AS skill, "
            f"({_sql_code('e.sender_role', ROLES)})::TINYINT AS role, "
            "coalesce(e.csat, 0)::TINYINT AS csat, coalesce(e.mcs, -1)::SMALLINT AS mcs, "
            "coalesce(e.mcs_alerted, -2)::TINYINT AS alerted, "
            "coalesce(h.user_type = 'human', false)::TINYINT AS human "
            "FROM events e LEFT JOIN roster_agents h "
            "ON h.account = e.account AND h.agent_id = e.agent_id "
            "JOIN code c ON c.conversation_id = e.conversation_id "
            f"WHERE e.account = $account AND e.kind IN ({kinds}) "
            # a note is no message (docs/metrics.md, shared conventions)
            "AND e.visibility IS DISTINCT FROM 'internal'",
            params=p,
        ).to_arrow_table()
        # the conversations' events by conversation, log order inside: positions
        conv, ts = _ints(ev, "conv"), _ints(ev, "ts")
        order = np.lexsort((_ints(ev, "seq"), ts, conv))
        conv, self.pos_ts = conv[order], ts[order]
        self.bounds = np.searchsorted(conv, np.arange(self.n_conv + 1))  # per conversation

        def column(name: str) -> npt.NDArray[Any]:
            return np.asarray(ev.column(name).to_numpy())[order]

        skill, csat, mcs, alerted = (column(c) for c in ("skill", "csat", "mcs", "alerted"))
        events = Events(
            conv=conv, ts=self.pos_ts, kind=column("kind"), role=column("role"),
            human=column("human") != 0, skill=skill, skill_ok=skill >= 0, csat=csat,
            csat_ok=csat > 0, mcs=mcs, mcs_ok=mcs >= 0, alerted=alerted, alerted_ok=alerted > -2,
        )  # fmt: skip
        self.latest = latest_facts(events)
        # presence events by agent then log order, as the dashboard's AgentEvent rows; an
        # agent event carries agent_id (docs/eventlog.md), a NULL one stays None, as in SQL
        agents = ", ".join(f"'{k}'" for k in _AGENT_KINDS)
        self.presence_events = [
            AgentEvent(*row)
            for row in cur.execute(
                "SELECT agent_id, ts, kind, site, status FROM events "
                f"WHERE account = $account AND kind IN ({agents}) "
                "AND visibility IS DISTINCT FROM 'internal' "
                "ORDER BY agent_id NULLS LAST, ts, seq",
                p,
            ).fetchall()
        ]

    def _closes(self, cur: Any, p: dict[str, str]) -> None:
        closes = cur.sql(
            _CODES + "SELECT coalesce(k.conv, -1) AS conv, c.ts, "
            f"{_sql_code('c.closed_by', CLOSED_BY)} AS closed_by, c.agent_id, c.skill_id, "
            "coalesce(g.group_id, -1) AS group_id FROM dash_closes c "
            "LEFT JOIN roster_agents g ON g.account = c.account AND g.agent_id = c.agent_id "
            "LEFT JOIN code k ON k.conversation_id = c.conversation_id "
            "WHERE c.account = $account ORDER BY c.ts, c.seq",
            params=p,
        ).to_arrow_table()
        self.close_conv = _ints(closes, "conv")
        self.close_ts = _ints(closes, "ts")
        self.close_by = _ints(closes, "closed_by")
        self.close_agent = _nullable(closes, "agent_id")
        self.close_skill = _nullable(closes, "skill_id")
        self.close_group = _ints(closes, "group_id")
        # position of the conversation's next close (n: none), for "its last close before now"
        n = self.close_ts.shape[0]
        order = np.argsort(self.close_conv * (n + 1) + np.arange(n))  # by conv, then position
        same = np.zeros(n, dtype=bool)
        same[:-1] = self.close_conv[order[1:]] == self.close_conv[order[:-1]]
        self.close_next = np.full(n, n, dtype=np.int64)
        self.close_next[order[:-1][same[:-1]]] = order[1:][same[:-1]]

    def _segments(self, cur: Any, p: dict[str, str]) -> None:
        segs = cur.sql(
            _CODES + "SELECT coalesce(k.conv, -1) AS conv, s.agent_id, s.skill_id, "
            "s.channel = 'chat' AS chat, s.start_ts, s.end_ts, "
            "s.first_ts, s.start_kind IN ('new', 'transfer', 'back_to_queue') AS first_kind, "
            "s.msg_count > 0 AND s.consumer_after_first AS handled, "
            "coalesce(h.user_type = 'human', false) AS human, "
            "coalesce(h.group_id, -1) AS group_id FROM segments s "
            "LEFT JOIN roster_agents h ON h.account = s.account AND h.agent_id = s.agent_id "
            "LEFT JOIN code k ON k.conversation_id = s.conversation_id "
            "WHERE s.account = $account ORDER BY s.start_ts, s.segment_id",
            params=p,
        ).to_arrow_table()
        self.seg_conv = _ints(segs, "conv")
        self.seg_agent = _ints(segs, "agent_id")
        self.seg_skill = _ints(segs, "skill_id")
        self.seg_start = _ints(segs, "start_ts")
        self.seg_end = _nullable(segs, "end_ts")
        self.seg_first = _nullable(segs, "first_ts")

        def flag(name: str) -> B:
            col = segs.column(name).fill_null(False)
            return np.asarray(col.to_numpy(zero_copy_only=False), dtype=bool)

        self.seg_chat = flag("chat")
        self.seg_human = flag("human")
        self.seg_handled = flag("handled")
        self.seg_group = _ints(segs, "group_id")
        # human NEW/TRANSFER segments with a first message: ttfr_all_assign's samples
        fm = np.flatnonzero(
            self.seg_human & flag("first_kind") & self.seg_first.ok & (self.seg_conv >= 0)
        )
        fm = fm[np.argsort(self.seg_conv[fm])]  # by conversation (their sums: any order)
        self.fm_conv, self.fm_start = self.seg_conv[fm], self.seg_start[fm]
        self.fm_first = self.seg_first.v[fm]
        self.fm_ms = (self.fm_first - self.fm_start).astype(np.float64)
        self.fm_bounds = np.searchsorted(self.fm_conv, np.arange(self.n_conv + 1))


#: Columns of ``DashboardIndex.conv_table``: per conversation, its instants (NEVER:
#: none) and values (0 with ``*_OK`` 0: none) of the first-response family (docs/metrics.md
#: 3.4; TTFR_CONSUMER counts from FCA, seen with it; TTFA is FA - OPENED, seen with FA
#: when OPENED is), its ``conv_rows`` positions ``[FIRST, END)``, its first-message
#: samples ``[FM_LO, FM_HI)`` and the ts of its last event.
(OPENED, FH, TTFR, TTFR_OK, TFA, TFA_OK, FCA, TTFR_CONSUMER, FA, TTFA, FIRST, END, FM_LO,
 FM_HI, LAST_EVENT) = range(15)  # fmt: skip


def _conv_table(convs: pa.Table, x: DashboardIndex) -> I64:
    """The per-conversation columns a request gathers together (one row each: a request
    reads a few thousand scattered conversations, and one gather of rows misses the
    cache once per conversation where a gather per column misses it once per column)."""
    opened, fh, fam, fca, fa = (_nullable(convs, c) for c in ("opened_ts", "fh_ts", "fam_ts",
                                                             "fca_ts", "fa_ts"))  # fmt: skip
    ttfr, tfa = _nullable(convs, "ttfr"), _nullable(convs, "ttfr_first_assign")
    consumer = fca.ok & fam.ok
    both = fa.ok & opened.ok
    bounds = x.bounds

    def at(col: Nullable) -> I64:
        return np.where(col.ok, col.v, NEVER)

    return np.stack(
        [at(opened), at(fh), ttfr.v, ttfr.ok, tfa.v, tfa.ok, np.where(consumer, fca.v, NEVER),
         np.where(consumer, fca.v - fam.v, 0), at(fa), np.where(both, fa.v - opened.v, 0),
         bounds[:-1], bounds[1:], x.fm_bounds[:-1], x.fm_bounds[1:], x.last_event_ts],
        axis=1,
    ).astype(np.int64)  # fmt: skip


def load_index(store: Store, account: str) -> DashboardIndex | None:
    """The account's index read in one transaction (None while it has no roster)."""
    with store.reader() as base:
        cur = base.cursor()  # relational (Arrow) reads need a cursor of their own
        try:
            cur.execute("BEGIN TRANSACTION").fetchall()
            doc = read_roster(cur, account=account)
            if doc is None:
                return None
            return DashboardIndex(cur, account=account, roster=Roster.from_dict(doc))
        finally:
            cur.close()
