"""sim/_dists.py: vectorised samples, scalar draws in blocks, the messaging timings."""

from __future__ import annotations

import math

import numpy as np

from sim._dists import DrawBank, Draws, MessagingTimes, sample
from sim._sections import DistSpec, MessagingSpec


def _const(seconds: float) -> DistSpec:
    return DistSpec(kind="constant", mean_s=seconds)


def test_lognormal_is_parametrised_by_its_own_mean_and_sd() -> None:
    """200,000 lognormal draws with mean 300 s and sd 180 s: sample mean and sd within 1 %."""
    x = sample(
        DistSpec(kind="lognormal", mean_s=300.0, sd_s=180.0), np.random.default_rng(1), 200_000
    )
    assert abs(x.mean() / 300.0 - 1) < 0.01
    assert abs(x.std() / 180.0 - 1) < 0.01


def test_scalar_draws_repeat_the_vectorised_stream() -> None:
    """Draws takes blocks of ``block`` values from its generator in order: the first 10
    scalar draws equal sample(..., 4) twice then part of a third block of 4."""
    d = DistSpec(kind="exponential", mean_s=5.0)
    draws = Draws(d, np.random.default_rng(3), block=4)
    rng = np.random.default_rng(3)
    expected = np.concatenate([sample(d, rng, 4) for _ in range(3)])[:10]
    assert [draws() for _ in range(10)] == expected.tolist()
    bank = DrawBank(np.random.default_rng(3))
    assert bank(d) == expected[0]  # one Draws per distribution, same stream


def test_turns_are_geometric_with_the_configured_mean() -> None:
    """turns_mean 4: over 100,000 conversations the mean is 4 (sd of the mean about 0.011)
    and P(K = 1) = 1/4."""
    times = MessagingTimes(MessagingSpec(turns_mean=4.0), np.random.default_rng(2))
    k = np.asarray([times.turns() for _ in range(100_000)])
    assert k.min() == 1
    assert abs(k.mean() - 4.0) < 0.05
    assert abs((k == 1).mean() - 0.25) < 0.006
    assert MessagingTimes(MessagingSpec(turns_mean=1.0), np.random.default_rng(2)).turns() == 1


def test_agent_delays_scale_with_held_conversations() -> None:
    """Elasticity 0.5 with constant delays: first response 10 s and answer 20 s holding one
    conversation; 10 x 4 ** 0.5 = 20 s and 20 x 9 ** 0.5 = 60 s holding 4 and 9."""
    spec = MessagingSpec(first_response=_const(10.0), agent_reply=_const(20.0))
    times = MessagingTimes(spec, np.random.default_rng(0))
    assert (times.first_response(1), times.reply(1)) == (10.0, 20.0)
    assert (times.first_response(4), times.reply(9)) == (20.0, 60.0)


def test_consumer_gaps_mix_walk_aways_silences_and_think_times() -> None:
    """walk_away 0.1, silence_share 0.5, constant 7,000 s silences and 30 s think times:
    over 50,000 gaps, 10 % are infinite, 45 % silences and 45 % think times (4 sd bands)."""
    spec = MessagingSpec(
        walk_away=0.1, silence_share=0.5, silence=_const(7000.0), consumer_reply=_const(30.0)
    )
    times = MessagingTimes(spec, np.random.default_rng(5))
    gaps = np.asarray([times.consumer_gap() for _ in range(50_000)])
    for value, share in ((math.inf, 0.1), (7000.0, 0.45), (30.0, 0.45)):
        sd = math.sqrt(share * (1 - share) / len(gaps))
        assert abs((gaps == value).mean() - share) < 4 * sd
