"""Every roster agent's presence at once: status and site at now, time connected to a site.

The supervision index walks each agent's login, logout and status events into
:class:`~backend._supervision_index.Presence` states (the state after an event
holds until the agent's next one, docs/metrics.md section 6). This module lays
those walks out as flat arrays, agent by agent (roster order: ascending id), so
a page asks for all agents with a few binary searches instead of one bisect
per agent:

- the state *at* ``now`` is the one after the agent's last event with
  ``ts < now`` (events at now are not visible);
- the ms connected to a site within ``[start, end)`` is ``F(end) - F(start)``,
  ``F(t)`` the ms connected before ``t`` (the state after an event counts from
  its ts on), kept as a running total per site at each event.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

__all__ = ["BUSY", "ONLINE", "PresenceTimeline", "Walked"]

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

#: Status codes of :attr:`PresenceTimeline.status`: out (no session), online, busy, other.
OUT, ONLINE, BUSY, OTHER = 0, 1, 2, 3


class Walked(Protocol):
    """A state of the walk: the agent's sites and status (None: logged out)."""

    @property
    def sites(self) -> frozenset[str]: ...

    @property
    def status(self) -> str | None: ...


def _status_code(status: str | None) -> int:
    if status is None:
        return OUT
    return ONLINE if status == "online" else BUSY if status == "busy" else OTHER


@dataclass(frozen=True, slots=True)
class PresenceTimeline:
    """The walks of the agents ``ids`` (ascending) over the sites ``sites``.

    Events of agent ``i`` are ``[first[i], first[i + 1])``, in log order;
    ``rank`` is each event's ts as its rank among the distinct event ts, so
    (agent, rank) keys sort the whole layout and never overflow.
    """

    sites: tuple[str, ...]
    first: I64  # (agents + 1,)
    times: I64  # distinct event ts, ascending
    keys: I64  # agent * (len(times) + 1) + rank, ascending
    ts: I64
    status: npt.NDArray[np.int8]  # status code after each event
    in_site: B  # (events, sites): the agent is logged in to the site after the event
    before: I64  # (events, sites): ms connected to the site before the event's ts

    @classmethod
    def of(
        cls,
        ids: Sequence[int],
        times: Mapping[int, Sequence[int]],
        states: Mapping[int, Sequence[Walked]],
        sites: Sequence[str],
    ) -> PresenceTimeline:
        """The layout of per-agent walks (``times[a][k]``: ts of agent a's k-th state)."""
        counts = [len(times.get(a, ())) for a in ids]
        first = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(counts, out=first[1:])
        ts = np.fromiter(
            (t for a in ids for t in times.get(a, ())), dtype=np.int64, count=int(first[-1])
        )
        walked = [s for a in ids for s in states.get(a, ())]
        status = np.array([_status_code(s.status) for s in walked], dtype=np.int8)
        in_site = np.zeros((len(walked), len(sites)), dtype=bool)
        for j, site in enumerate(sites):
            in_site[:, j] = [site in s.sites for s in walked]
        agent = np.repeat(np.arange(len(ids), dtype=np.int64), counts)
        distinct = np.unique(ts)
        keys = agent * (len(distinct) + 1) + np.searchsorted(distinct, ts)
        # connected ms accrued between an event and the agent's next one, summed before each
        step = np.zeros((len(walked), len(sites)), dtype=np.int64)
        if len(walked) > 1:
            same = agent[1:] == agent[:-1]
            gap = np.where(same, ts[1:] - ts[:-1], 0)
            step[1:] = gap[:, None] * in_site[:-1]
        before = np.cumsum(step, axis=0)
        if len(walked):
            before -= before[first[agent]]  # restart at each agent's first event
        return cls(
            sites=tuple(sites),
            first=first,
            times=distinct,
            keys=keys,
            ts=ts,
            status=status,
            in_site=in_site,
            before=before,
        )

    def _last(self, t: int, *, side: str) -> I64:
        """Per agent, its last event with ts < t (side left) or ts <= t (right); -1: none."""
        n = self.first.shape[0] - 1
        rank = int(np.searchsorted(self.times, t, side=side))  # type: ignore[call-overload]
        span = self.times.shape[0] + 1
        at = np.searchsorted(self.keys, np.arange(n, dtype=np.int64) * span + rank) - 1
        return np.where(at >= self.first[:-1], at, -1)

    def at(self, now: int, site: int) -> tuple[npt.NDArray[np.int8], B]:
        """Per agent at ``now``: its status code and whether it is connected to ``site``
        (index in ``sites``)."""
        e = self._last(now, side="left")
        found = e >= 0
        if not self.ts.shape[0]:  # no presence event at all: everyone is out
            return np.zeros(e.shape[0], dtype=np.int8), found
        status = np.where(found, self.status[e], OUT).astype(np.int8)
        return status, found & self.in_site[e, site]

    def connected_ms(self, site: int, start: int, end: int) -> I64:
        """Per agent, ms of ``[start, end)`` logged in to ``site`` (``start <= end``)."""
        return self._accrued(site, end) - self._accrued(site, start)

    def _accrued(self, site: int, t: int) -> I64:
        e = self._last(t, side="right")
        found = e >= 0
        if not self.ts.shape[0]:
            return np.zeros(e.shape[0], dtype=np.int64)
        since = np.where(self.in_site[e, site], t - self.ts[e], 0)
        return np.where(found, self.before[e, site] + since, 0)
