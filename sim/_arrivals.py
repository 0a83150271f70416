"""Arrivals and per-conversation attributes, drawn in bulk before the event loop.

Each stream is a non-homogeneous Poisson process whose rate is piecewise
constant: base rate x profile bin x active surge multipliers. Over each
constant piece the count is Poisson(rate x length) and the times are uniform,
which is exactly the NHPP (no thinning needed). Everything a conversation
needs that does not depend on the queue (channel, site, language, intent,
skill, bot, consumer, patience, first chat or call handle time) is drawn here,
vectorised; a stream's ``handle_profile``/``patience_profile`` bins multiply its
handle and patience times by the arrival's time of day (a forecast's
per-interval AHT; messaging has no handle time: its segments follow its turns).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ccbench.eventlog import CHANNELS

from ._dists import sample
from ._scenario import Scenario
from ._sections import StreamSpec

__all__ = ["Arrivals", "draw_arrivals", "expected_arrivals"]

DAY_S = 86_400.0


@dataclass(frozen=True)
class Arrivals:
    """One row per conversation, sorted by arrival time ``t`` (s from the horizon start).

    ``bot`` and ``intent`` are -1 when absent; ``patience`` is +inf when the
    consumer never abandons; ``handle`` is the first human segment's length (s;
    NaN for messaging without a handle time, whose segments last as long as their turns).
    """

    t: np.ndarray
    stream: np.ndarray
    channel: np.ndarray  # index into CHANNELS
    site: np.ndarray  # index into scenario.sites
    language: np.ndarray  # index into languages
    intent: np.ndarray  # index into scenario.intents
    skill: np.ndarray  # human skill id
    bot: np.ndarray  # index into scenario.bots
    consumer: np.ndarray  # consumer number (ids are u<number>)
    patience: np.ndarray
    handle: np.ndarray
    languages: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.t)


def _edges(scenario: Scenario, stream: StreamSpec, horizon: float) -> tuple[np.ndarray, np.ndarray]:
    """Piece edges over [0, horizon) and the rate (1/s) on each piece."""
    bins = scenario.profiles.get(stream.profile, [1.0]) if stream.profile else [1.0]
    width = DAY_S / len(bins)
    edges = [np.arange(0.0, horizon, width)]
    surges = [s for s in scenario.surges if not s.streams or stream.name in s.streams]
    windows = [(s.day * DAY_S + s.start_h * 3600.0, s.hours * 3600.0, s.multiplier) for s in surges]
    for start, length, _ in windows:
        edges.append(np.array([start, start + length]))
    cut = np.unique(np.clip(np.concatenate([*edges, [horizon]]), 0.0, horizon))
    left, right = cut[:-1], cut[1:]
    mid = (left + right) / 2
    rate = np.asarray(bins, dtype=float)[((mid % DAY_S) // width).astype(np.int64)]
    for start, length, mult in windows:
        rate = np.where((mid >= start) & (mid < start + length), rate * mult, rate)
    return left, np.column_stack([right - left, rate * stream.rate_per_hour / 3600.0])


def expected_arrivals(scenario: Scenario, hours: int) -> dict[str, np.ndarray]:
    """Per channel, the expected number of arrivals in each hour [h, h + 1) of the
    horizon (profiles and surges included): the integral of the rate."""
    horizon = scenario.horizon_s
    edges = np.arange(hours + 1, dtype=float) * 3600.0
    out = {name: np.zeros(hours) for name in CHANNELS}
    for stream in scenario.streams:
        left, pieces = _edges(scenario, stream, horizon)
        knots = np.append(left, left[-1] + pieces[-1, 0]) if len(left) else np.zeros(1)
        cumulative = np.concatenate([[0.0], np.cumsum(pieces[:, 0] * pieces[:, 1])])
        out[stream.channel] += np.diff(np.interp(edges, knots, cumulative))
    return out


def _bin_values(bins: list[float], t: np.ndarray) -> np.ndarray:
    """The value of the daily profile bin each time ``t`` (s from the start) falls in."""
    width = DAY_S / len(bins)
    return np.asarray(bins, dtype=float)[((t % DAY_S) // width).astype(np.int64)]


def _categorical(rng: np.random.Generator, weights: list[float], n: int) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def draw_arrivals(
    scenario: Scenario,
    *,
    arrivals: np.random.Generator,
    attributes: np.random.Generator,
    patience: np.random.Generator,
    handle: np.random.Generator,
) -> Arrivals:
    """Draw every conversation of the horizon (see :class:`Arrivals`)."""
    horizon = scenario.horizon_s
    times, streams = [], []
    for i, spec in enumerate(scenario.streams):
        left, pieces = _edges(scenario, spec, horizon)
        counts = arrivals.poisson(pieces[:, 0] * pieces[:, 1])
        which = np.repeat(np.arange(len(left)), counts)
        t = left[which] + arrivals.random(len(which)) * pieces[which, 0]
        times.append(t)
        streams.append(np.full(len(t), i, dtype=np.int64))
    t = np.concatenate(times) if times else np.zeros(0)
    stream = np.concatenate(streams) if streams else np.zeros(0, dtype=np.int64)
    order = np.argsort(t, kind="stable")
    t, stream = t[order], stream[order]
    n = len(t)

    site_index = {s.id: j for j, s in enumerate(scenario.sites)}
    intent_index = {x.name: j for j, x in enumerate(scenario.intents)}
    bot_of_flow = {f: j for j, b in enumerate(scenario.bots) for f in b.flows}
    languages = tuple(sorted({lang for s in scenario.streams for lang in s.languages}))
    channel = np.zeros(n, dtype=np.int64)
    site = np.zeros(n, dtype=np.int64)
    language = np.zeros(n, dtype=np.int64)
    intent = np.full(n, -1, dtype=np.int64)
    skill = np.zeros(n, dtype=np.int64)
    bot = np.full(n, -1, dtype=np.int64)
    for i, st in enumerate(scenario.streams):
        rows = np.nonzero(stream == i)[0]
        m = len(rows)
        channel[rows] = CHANNELS.index(st.channel)
        site[rows] = site_index[st.site]
        langs = list(st.languages)
        language[rows] = np.asarray([languages.index(x) for x in langs])[
            _categorical(attributes, list(st.languages.values()), m)
        ]
        if st.intents:
            names = list(st.intents)
            picked = np.asarray([intent_index[x] for x in names])[
                _categorical(attributes, list(st.intents.values()), m)
            ]
            intent[rows] = picked
            skill[rows] = np.asarray([x.skill for x in scenario.intents])[picked]
        else:
            skill[rows] = -1 if st.skill is None else st.skill
        if st.bot_flow:
            bot[rows] = bot_of_flow[st.bot_flow]

    # Returning consumers: with probability returning_share a conversation reuses a
    # consumer drawn uniformly from those seen before it; otherwise a new consumer.
    is_new = attributes.random(n) >= scenario.consumers.returning_share
    if n:
        is_new[0] = True
    seen = np.cumsum(is_new)
    pick = np.floor(attributes.random(n) * seen).astype(np.int64)
    consumer = np.where(is_new, seen - 1, pick)

    pat = np.full(n, np.inf)
    hdl = np.full(n, np.nan)
    for c, name in enumerate(CHANNELS):
        rows = np.nonzero(channel == c)[0]
        mode = getattr(scenario.modes, name)
        pat[rows] = sample(mode.patience, patience, len(rows))
        if mode.handle is not None:  # none: messaging segments last as long as their turns
            hdl[rows] = sample(mode.handle, handle, len(rows))
    for i, st in enumerate(scenario.streams):
        rows = np.nonzero(stream == i)[0]
        if st.handle_profile:  # NaN (messaging) stays NaN
            hdl[rows] *= _bin_values(scenario.profiles[st.handle_profile], t[rows])
        if st.patience_profile:
            # Only finite patience is scaled (inf x 0 would be NaN): never abandoning stays so.
            finite = rows[np.isfinite(pat[rows])]
            pat[finite] *= _bin_values(scenario.profiles[st.patience_profile], t[finite])
    return Arrivals(
        t=t,
        stream=stream,
        channel=channel,
        site=site,
        language=language,
        intent=intent,
        skill=skill,
        bot=bot,
        consumer=consumer,
        patience=pat,
        handle=hdl,
        languages=languages,
    )
