"""Changes still to come to close rows (backend/_dashboard_pending.py), on a hand log.

Agent 1 is human (skill 1). Times are seconds after T0:

    B: opened 200, consumer 220, accepted by 1 at 230, agent 260, closed 300 by the
       agent, survey csat 5 at 310, mcs 80 (alert +1) at 310. Settled at its close:
       only its latest facts change after it (CSAT, MCS).
    X: opened 100, consumer 100, closed 150 by the system, reopened 200, accepted by 1
       at 210, agent 220, closed 300. Its first human accept (210) and first human
       answer (220) come after its first close: ttfa (210 - 100 = 110 s), ttfr (220 -
       100 = 120 s) and ttfr_first_assign (220 - 210 = 10 s) change that close's row,
       until its next close at 300.

A change pending at now is the row at now less the final row (CHANGING and TIMED
column orders of backend/_dashboard_facts.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from backend._dashboard_data import DashboardData
from backend._dashboard_facts import CHANGING, TIMED
from ccbench.eventlog import EventLog, Roster
from tests.support.backend import stored_dashboard
from tests.support.hand_logs import HandLog

T0 = 1_700_000_000_000
S = 1000
ROSTER = Roster.from_dict(
    {
        "account": "a",
        "sites": [{"id": "s"}],
        "groups": [{"id": 1}],
        "skills": [{"id": 1, "name": "care"}],
        "agents": [
            {"id": 1, "name": "Ann", "group_id": 1, "skills": [1], "sites": ["s"], "max_slots": 4}
        ],
    }
)


def _log() -> EventLog:
    log = HandLog(T0)
    add = log.add

    def accept(sec: int, cid: str) -> None:
        for kind in ("assignment.offered", "assignment.accepted"):
            add(sec, kind, cid, agent_id=1, skill_id=1, reason="new")

    for cid, sec in (("B", 200), ("X", 100)):
        add(sec, "conversation.opened", cid, site="s", channel="messaging", source="WEB",
            consumer_id="u" + cid)  # fmt: skip
        add(sec, "conversation.queued", cid, skill_id=1)
    add(220, "message.sent", "B", sender_role="consumer")
    accept(230, "B")
    add(260, "message.sent", "B", sender_role="agent", agent_id=1)
    add(300, "conversation.closed", "B", closed_by="agent", reason="done", agent_id=1)
    add(310, "survey.answered", "B", csat=5)
    add(310, "mcs.scored", "B", mcs=80, mcs_alerted=1)
    add(100, "message.sent", "X", sender_role="consumer")
    add(150, "conversation.closed", "X", closed_by="system", reason="idle")
    add(200, "conversation.reopened", "X")
    accept(210, "X")
    add(220, "message.sent", "X", sender_role="agent", agent_id=1)
    add(300, "conversation.closed", "X", closed_by="agent", reason="done", agent_id=1)
    return EventLog.from_records(log.records(), roster=ROSTER)


@pytest.fixture(scope="module")
def data() -> Iterator[DashboardData]:
    with stored_dashboard(_log(), account="a") as d:
        yield d


def _pending(d: DashboardData, close: int, *, sec: int, cut: int = 0) -> dict[str, list[int]]:
    """The changes pending at T0 + sec s of close ``close``'s cell, closes from cut s on,
    both column groups."""
    cells = np.asarray([d.closes.cell[close]])
    kept = np.zeros(d.closes.channel.shape[0], dtype=bool)
    kept[cells] = True
    now, cuts = T0 + sec * S, (T0 + cut * S,)
    return {
        "changing": d.closes.changing.changes(cells, kept, now=now, cuts=cuts)[0][0].tolist(),
        "timed": d.closes.timed.changes(cells, kept, now=now, cuts=cuts)[0][0].tolist(),
    }


def _close(d: DashboardData, cid: str, sec: int) -> int:
    x = d.index
    conv = x.conv_names.index(cid)
    return int(np.flatnonzero((x.close_conv == conv) & (x.close_ts == T0 + sec * S))[0])


def test_a_settled_close_waits_for_its_survey_and_mcs(data: DashboardData) -> None:
    """At 305 s B's survey and MCS (310 s) are to come: CSAT answered, good and sum
    (5), MCS sum (80) and count and the positive alert are one less; nothing timed."""
    got = _pending(data, _close(data, "B", 300), sec=305)
    assert dict(zip(CHANGING.tolist(), got["changing"], strict=True)) == {
        5: -1, 6: -1, 7: -5, 8: 0, 9: 0, 10: 0, 11: 0, 22: -80, 23: -1, 24: -1, 25: 0,
    }  # fmt: skip
    assert got["timed"] == [0] * len(TIMED)


def test_nothing_pending_once_seen(data: DashboardData) -> None:
    """At 311 s B's row is its final row; a cut after the close leaves it out at 305 s."""
    close = _close(data, "B", 300)
    assert _pending(data, close, sec=311)["changing"] == [0] * len(CHANGING)
    assert _pending(data, close, sec=305, cut=301)["changing"] == [0] * len(CHANGING)


def test_a_first_close_waits_for_the_first_answers(data: DashboardData) -> None:
    """At 205 s X's close at 150 s is its last: ttfa (accept at 210 s), ttfr and
    ttfr_first_assign (answer at 220 s) are to come; at 215 s only the answer's."""
    close = _close(data, "X", 150)
    timed = dict(zip(TIMED.tolist(), _pending(data, close, sec=205)["timed"], strict=True))
    assert (timed[14], timed[15], timed[18], timed[19]) == (-120 * S, -1, -10 * S, -1)
    assert (timed[20], timed[21]) == (-110 * S, -1)
    timed = dict(zip(TIMED.tolist(), _pending(data, close, sec=215)["timed"], strict=True))
    assert (timed[14], timed[18], timed[20], timed[21]) == (-120 * S, -10 * S, 0, 0)


def test_a_close_closed_again_has_nothing_pending(data: DashboardData) -> None:
    """From X's second close (300 s) on, its first close no longer counts: at 301 s
    nothing of the first is pending (the second's changes are all seen by then)."""
    assert _pending(data, _close(data, "X", 150), sec=301)["timed"] == [0] * len(TIMED)
