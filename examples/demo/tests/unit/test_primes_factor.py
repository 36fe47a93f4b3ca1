import math

import pytest

from toylib import primes


@pytest.mark.parametrize("block", range(8))
def test_factorisation_multiplies_back(block):
    for n in range(1 + block * 6000, 1 + (block + 1) * 6000):
        factors = primes.factorize(n)
        assert math.prod(factors) == n
        assert all(primes.is_prime(f) for f in factors)


@pytest.mark.parametrize("n, expected", [
    (2 ** 31 - 1, [2147483647]),
    (600851475143, [71, 839, 1471, 6857]),
    (2 ** 10 * 3 ** 5, [2] * 10 + [3] * 5),
])
def test_known_factorisations(n, expected):
    assert primes.factorize(n) == expected


class TestMillerRabin:
    def test_agrees_with_trial_division(self):
        for n in range(0, 200000):
            assert primes.is_prime(n) == primes.is_prime_trial(n), n

    @pytest.mark.parametrize("n", [561, 1105, 1729, 2465, 2821, 6601, 8911])
    def test_carmichael_numbers_are_composite(self, n):
        assert not primes.is_prime(n)
