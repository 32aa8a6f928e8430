"""Duration samplers built once from a `Distribution`, so the hot path only calls a closure."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from server_stub.centre.schema import Distribution

Sampler = Callable[[], float]


def make_sampler(dist: Distribution, rng: random.Random) -> Sampler:
    """A zero-argument function drawing one duration (seconds, never below `min_s`) from `rng`."""
    mean = dist.mean_s
    low = dist.min_s
    if dist.dist == "fixed":
        value = max(low, mean)
        return lambda: value
    if dist.dist == "exponential":
        rate = 1.0 / mean
        # random.expovariate's own formula, inlined: the same draws, bit for bit, a call less
        draw = rng.random
        if low <= 0:
            return lambda: -math.log(1.0 - draw()) / rate
        return lambda: max(low, -math.log(1.0 - draw()) / rate)
    if dist.dist == "lognormal":
        sd = dist.sd_s if dist.sd_s is not None else mean
        # Moment matching: lognormal with the given arithmetic mean and standard deviation.
        sigma2 = math.log(1.0 + (sd * sd) / (mean * mean))
        mu = math.log(mean) - sigma2 / 2.0
        sigma = math.sqrt(sigma2)
        lognorm = rng.lognormvariate
        if low <= 0:
            return lambda: lognorm(mu, sigma)
        return lambda: max(low, lognorm(mu, sigma))
    # uniform: mean ± sd (sd defaults to the mean, i.e. 0 .. 2·mean)
    half = dist.sd_s if dist.sd_s is not None else mean
    uniform = rng.uniform
    a, b = mean - half, mean + half
    return lambda: max(low, 0.0, uniform(a, b))
