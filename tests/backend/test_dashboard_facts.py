"""The dashboard's open conversations and their facts (backend/_dashboard_facts.py, over
the index of backend/_dashboard_index.py) equal the SQL reading they replace
(backend/_dashboard_sql.py).

The smoke log (tests/backend/conftest.py) is stored once; at random instants (before
the first event, inside the day and after the last one) the conversations open at now,
with every fact, and the visible presence events of the index must be the SQL's
exactly. The SQL is the direct statement of docs/metrics.md 3.3-3.7, so any
difference is a bug of the faster path. The end-to-end answers are checked against
the oracle in tests/e2e/test_differential_dashboard.py.
"""

from __future__ import annotations

from backend import Store
from backend import _dashboard_facts as fast
from backend._dashboard_data import dashboard_data
from backend._dashboard_index import DashboardIndex, Nullable
from backend._dashboard_latest import ROLES
from backend._dashboard_sql import ConvFacts, agent_events, open_conversations
from ccbench.eventlog import EventLog
from tests.support.dashboard_pieces import requests

INSTANTS = 60


def _values(col: Nullable) -> list[int | None]:
    return [v if ok else None for v, ok in zip(col.v.tolist(), col.ok.tolist(), strict=True)]


def _as_rows(x: DashboardIndex, o: fast.OpenConvs) -> dict[str, ConvFacts]:
    """The arrays of ``o`` as the SQL's rows."""
    f = o.facts
    n = f.convs.shape[0]

    def family(name: str) -> list[int]:
        return f.family[:, fast.FAMILY.index(name)].tolist()  # type: ignore[no-any-return]

    def present(name: str) -> list[int | None]:
        ok = f.family[:, fast.FAMILY.index(f"{name}_ok")] != 0
        return _values(Nullable(f.family[:, fast.FAMILY.index(name)], ok))

    columns = zip(
        [x.conv_names[c] for c in f.convs.tolist()], f.opened.v.tolist(), [True] * n,
        x.channel[f.convs].tolist(), _values(f.cur_skill), _values(o.seg_agent),
        _values(o.seg_skill), [None if r < 0 else ROLES[r] for r in o.last_role.tolist()],
        _values(f.last_ts), _values(f.csat), present("mcs"), _values(f.alerted),
        family("a_sum"), family("a_n"), family("c_sum"), family("c_n"), present("ttfr"),
        present("ttfr_consumer"), present("ttfr_first_assign"), present("ttfa"),
        family("f_sum"), family("f_n"), strict=True,
    )  # fmt: skip
    return {c[0]: ConvFacts(*c) for c in columns}


def test_open_conversations_and_presence_equal_the_sql(
    dashboard_smoke: tuple[Store, EventLog],
) -> None:
    """60 random instants: open conversations with all their facts and the visible
    presence events from the index are the SQL's."""
    store, log = dashboard_smoke
    account = log.roster.account
    d = dashboard_data(store, account=account)
    assert d is not None
    x = d.index
    seen = 0
    for _, now, _ in requests(log, count=INSTANTS, seed=20260412):
        with store.snapshot() as cur:
            want = {c.cid: c for c in open_conversations(cur, account=account, now=now)}
            want_events = agent_events(cur, account=account, now=now)
        assert _as_rows(x, fast.open_conversations(x, d.openings, now=now)) == want, now
        assert [e for e in x.presence_events if e.ts < now] == want_events, now
        seen += len(want)
    assert seen > 100  # they saw real traffic
