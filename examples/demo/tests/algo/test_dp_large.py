import pytest

from toylib import dp
from toylib.rng import Lcg


@pytest.mark.parametrize("n, count", [(10, 42), (50, 204226), (100, 190569292), (400, None)])
def test_partitions(n, count):
    value = dp.partitions(n)
    if count is not None:
        assert value == count
    else:
        assert value == 6727090051741041926


@pytest.mark.parametrize("seed", range(4))
def test_lis_of_permutation(seed):
    values = Lcg(seed).shuffle(list(range(60000)))
    length = dp.lis_length(values)
    assert 300 < length < 700
    assert dp.lis_length(sorted(values)) == 60000


def test_large_knapsack():
    rng = Lcg(77)
    weights = [1 + rng.below(100) for _ in range(120)]
    values = [1 + rng.below(1000) for _ in range(120)]
    best = dp.knapsack(weights, values, 10000)
    assert best <= sum(values)
    assert best == dp.knapsack(weights[::-1], values[::-1], 10000)
