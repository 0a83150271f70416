"""The open conversations of the dashboard's mode kept by the filters, summed (section 3.3).

From the conversations open at now (backend/_dashboard_facts.py): those of the
request's channel whose current skill is kept and (with a group filter) whose
assigned agent's group is kept; whether each assigned one is active (its last
non-system message is the consumer's or younger than the inactivity timeout);
its load weight (``load=active``: 1 if active else 0; else the roster's active
or inactive weight times its segment skill's intensity, 1 for a skill not on
the roster); and per roster agent and skill the counts and weights the
messaging section and the tables show. Weights are summed with ``math.fsum``
(correctly rounded, so independent of the order), never by a running float sum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ccbench.arrays import take
from ccbench.eventlog import CHANNELS

from ._dashboard_facts import FAMILY, Facts, OpenConvs
from ._dashboard_latest import ROLES
from ._dashboard_params import DashboardQuery
from ._dashboard_roster import RosterArrays, kept_ids
from ._dashboard_summary import FamilySums

__all__ = ["Current", "current", "weight_sum"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]
CONSUMER = ROLES.index("consumer")


@dataclass(frozen=True, slots=True)
class Current:
    """The kept open conversations: ``open``/``assigned``/``active`` counts, the weight
    and agent (roster index, -1 off the roster) of each assigned one, per roster agent
    its assigned and active counts and summed weight, per roster skill (by current
    skill) its open and assigned counts, and the response-time family of the sample
    (opened within ``opened_within_ms``)."""

    open: int
    assigned: int
    active: int
    weight: F64
    weight_agent: I64
    agent_open: I64
    agent_active: I64
    agent_weight: F64
    skill_open: I64
    skill_assigned: I64
    sample: FamilySums


def weight_sum(weight: F64, owner: I64, n: int) -> F64:
    """Per owner ``0..n-1``, ``math.fsum`` of its weights (owners -1 are dropped)."""
    out = np.zeros(n, dtype=np.float64)
    keep = owner >= 0
    owner, weight = owner[keep], weight[keep]
    count = np.bincount(owner, minlength=n)
    single = count[owner] == 1
    out[owner[single]] = weight[single] + 0.0  # fsum of one float: itself, -0.0 made 0.0
    many = np.flatnonzero(count > 1)
    if many.shape[0]:
        order = np.argsort(owner)  # fsum is correctly rounded: any order
        w = weight[order]
        starts = np.cumsum(count) - count
        # k equal weights sum to k * w, one correctly rounded product as fsum's sum (a
        # -0.0 made 0.0); any other mix, an overflow or a NaN goes through math.fsum
        low = np.minimum.reduceat(w, starts[many])
        high = np.maximum.reduceat(w, starts[many])
        product = count[many] * low + 0.0
        equal = (low == high) & np.isfinite(product)
        out[many[equal]] = product[equal]
        values = w.tolist()
        for a in many[~equal].tolist():
            out[a] = math.fsum(values[starts[a] : starts[a] + count[a]])
    return out


def _family(f: Facts, sample: B) -> FamilySums:
    """The sample's family sums; its alert flags count among MCS-scored ones only."""
    t = f.family[sample].sum(axis=0).tolist()
    scored = f.family[sample & (f.family[:, FAMILY.index("mcs_ok")] != 0)]
    t[-2:] = scored[:, -2:].sum(axis=0).tolist()
    return FamilySums(*t)


def current(
    o: OpenConvs,
    *,
    r: RosterArrays,
    query: DashboardQuery,
    now: int,
    active_weight: float,
    inactive_weight: float,
    timeout_ms: int,
) -> Current:
    """The kept open conversations of ``o`` at ``now`` summed (see the module doc);
    ``timeout_ms``: the inactivity timeout in force."""
    f = o.facts
    kept = o.channel == CHANNELS.index(query.mode)
    if query.skill_ids is not None:
        kept &= f.cur_skill.ok & kept_ids(f.cur_skill.v, query.skill_ids)
    agent = np.where(o.seg_agent.ok, r.agent_index(o.seg_agent.v), -1)
    if query.group_ids is not None:
        group = np.where(agent >= 0, r.group[np.maximum(agent, 0)], -1)
        kept &= kept_ids(group, query.group_ids)
    assigned = kept & o.seg_agent.ok
    said = o.last_role >= 0
    active = assigned & said & ((o.last_role == CONSUMER) | (now - f.last_ts.v < timeout_ms))
    chosen = np.flatnonzero(assigned)
    act = active[chosen]
    if query.load == "active":
        weight = np.where(act, 1.0, 0.0)
    else:
        factor = take(r.intensity, r.skill_index(o.seg_skill.v[chosen]), missing=1.0)
        weight = np.where(act, active_weight, inactive_weight) * factor
    owner = agent[chosen]
    n_agents = r.agent_ids.shape[0]
    mine = owner >= 0
    sample = kept
    if query.opened_within_ms is not None:
        sample = kept & (f.opened.v >= now - query.opened_within_ms)
    cur = np.where(f.cur_skill.ok & kept, r.skill_index(f.cur_skill.v), -1)
    n_skills = r.skill_ids.shape[0]
    return Current(
        open=int(np.count_nonzero(kept)),
        assigned=int(chosen.shape[0]),
        active=int(np.count_nonzero(act)),
        weight=weight,
        weight_agent=owner,
        agent_open=np.bincount(owner[mine], minlength=n_agents),
        agent_active=np.bincount(owner[mine & act], minlength=n_agents),
        agent_weight=weight_sum(weight, owner, n_agents),
        skill_open=np.bincount(cur[cur >= 0], minlength=n_skills),
        skill_assigned=np.bincount(cur[(cur >= 0) & o.seg_agent.ok], minlength=n_skills),
        sample=_family(f, sample),
    )
