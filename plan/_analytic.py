"""Erlang C / Erlang A values for scenarios simple enough to have them.

A scenario document qualifies when it is an M/M/c queue (+M for Erlang A): one human
skill, no bots, flat Poisson arrivals (no profile, no surge) of one channel with times
not scaled by time of day (no handle or patience profile), one-slot
agents on a shift covering the horizon without breaks, exponential handle times,
exponential or no patience, instant accepts and no segment-ending behaviours.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ccbench import ParameterError
from sim import SEGMENT_ENDINGS
from sim.erlang import erlang_a, erlang_c

__all__ = ["analytic_metrics", "erlang_model"]

# Behaviours that change how long a slot is held or send a conversation round again.
_NEUTRAL_BEHAVIOUR = (*SEGMENT_ENDINGS, "resume", "reopen")


def _is_exponential(dist: Mapping[str, Any]) -> bool:
    return bool(dist.get("kind") == "exponential")


def erlang_model(document: Mapping[str, Any], *, horizon_s: float) -> str | None:
    """ "Erlang C", "Erlang A" or None (the scenario is not an M/M/c(+M) queue)."""
    streams = [s for s in document["streams"] if s["rate_per_hour"] > 0]
    pools = [p for p in document["pools"] if p.get("role") != "manager"]
    channels = {s["channel"] for s in streams}
    skills = {p_skill for p in pools for p_skill in p.get("skills", [])}
    if (
        document.get("bots")
        or document.get("surges")
        or len(channels) != 1
        or len(skills) != 1
        or any(
            s.get(key)
            for s in streams
            for key in ("profile", "bot_flow", "handle_profile", "patience_profile")
        )
        or any(
            p.get("max_slots", 1) != 1
            or p.get("shift_starts_h", [0.0]) != [0.0]
            or min(p.get("shift_hours", 24.0), 24.0) * 3600.0 < min(horizon_s, 86400.0)
            or p.get("breaks_per_shift", 0.0) != 0
            for p in pools
        )
    ):
        return None
    mode = document.get("modes", {}).get(next(iter(channels)), {})
    routing = document.get("routing", {})
    behaviour = document.get("behaviour", {})
    delay = routing.get("accept_delay", {})
    if (
        not _is_exponential(mode.get("handle", {}))
        or routing.get("decline_prob", 0.0) != 0
        or delay.get("kind") != "constant"
        or delay.get("mean_s", 1.0) != 0
        or any(behaviour.get(name, 0.0) for name in _NEUTRAL_BEHAVIOUR)
    ):
        return None
    patience = mode.get("patience", {"kind": "none"})
    if patience.get("kind") == "none":
        return "Erlang C"
    if _is_exponential(patience):
        return "Erlang A"
    return None


def analytic_metrics(
    document: Mapping[str, Any], *, horizon_s: float, threshold_s: float
) -> dict[str, float] | None:
    """Steady-state service_level, abandon_rate, occupancy (and asa_s for Erlang C).

    None when the scenario is not M/M/c(+M) or an Erlang C queue is unstable (load >= c).
    The service level is P(answered within threshold_s) over all arrivals, as measured.
    """
    model = erlang_model(document, horizon_s=horizon_s)
    if model is None:
        return None
    streams = [s for s in document["streams"] if s["rate_per_hour"] > 0]
    servers = sum(p["count"] for p in document["pools"] if p.get("role") != "manager")
    rate = sum(s["rate_per_hour"] for s in streams) / 3600.0
    mode = document["modes"][streams[0]["channel"]]
    handle = float(mode["handle"]["mean_s"])
    try:
        if model == "Erlang C":
            m = erlang_c(servers=servers, arrival_rate=rate, mean_handle_s=handle)
        else:
            m = erlang_a(
                servers=servers,
                arrival_rate=rate,
                mean_handle_s=handle,
                mean_patience_s=float(mode["patience"]["mean_s"]),
            )
    except ParameterError:  # an unstable Erlang C queue has no steady state
        return None
    out = {
        "service_level": m.service_level(threshold_s),
        "abandon_rate": m.p_abandon,
        # Carried load per agent: answered arrivals x mean handle time / agents.
        "occupancy": rate * (1.0 - m.p_abandon) * handle / servers,
    }
    out["load"] = out["occupancy"]
    if model == "Erlang C":
        # Without abandonment E[W] over all arrivals is the mean wait of the answered.
        out["asa_s"] = m.mean_wait_s
    return out
