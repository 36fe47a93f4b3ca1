import math

import pytest

from toylib import primes


@pytest.mark.parametrize("base", [10 ** 9, 10 ** 12, 10 ** 15, 10 ** 18])
def test_segment_density(base):
    count = sum(1 for n in range(base, base + 20000) if primes.is_prime(n))
    # Prime number theorem: about 20000 / ln(base) primes, within a generous band.
    expected = 20000 / math.log(base)
    assert 0.6 * expected < count < 1.4 * expected


@pytest.mark.parametrize("limit", [200000, 600000])
def test_twin_primes_counts(limit):
    ps = primes.sieve(limit)
    twins = sum(1 for a, b in zip(ps, ps[1:]) if b - a == 2)
    assert twins == {200000: 2160, 600000: 5331}[limit]
