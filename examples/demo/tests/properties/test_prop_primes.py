import pytest

from toylib import primes
from toylib.rng import Lcg


@pytest.mark.parametrize("seed", range(8))
def test_products_of_two_primes_are_composite(seed):
    rng = Lcg(seed)
    ps = primes.sieve(50000)
    for _ in range(300):
        a, b = ps[rng.below(len(ps))], ps[rng.below(len(ps))]
        assert not primes.is_prime(a * b)
        assert sorted(primes.factorize(a * b)) == sorted([a, b])
