import pytest

from toylib import primes


@pytest.mark.parametrize("limit, count", [(10, 4), (100, 25), (1000, 168), (10000, 1229),
                                          (100000, 9592), (300000, 25997), (1000000, 78498)])
def test_prime_count(limit, count):
    assert primes.prime_count(limit) == count


@pytest.mark.parametrize("start", [0, 1000, 50000, 200000])
def test_sieve_agrees_with_trial_division(start):
    window = range(start, start + 4000)
    expected = [n for n in window if primes.is_prime_trial(n)]
    assert [p for p in primes.sieve(start + 4000) if p >= start] == expected


class TestNthPrime:
    @pytest.mark.parametrize("index, value", [(1, 2), (10, 29), (100, 541), (1000, 7919),
                                              (10000, 104729)])
    def test_known_values(self, index, value):
        assert primes.nth_prime(index) == value
