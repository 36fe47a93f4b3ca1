import pytest

from toylib.rng import Lcg


def test_same_seed_same_sequence():
    assert Lcg(42).ints(1000, 100) == Lcg(42).ints(1000, 100)


@pytest.mark.parametrize("bound", [2, 6, 10, 100])
def test_roughly_uniform(bound):
    counts = [0] * bound
    for v in Lcg(bound).ints(150000, bound):
        counts[v] += 1
    expected = 150000 / bound
    assert all(abs(c - expected) < expected * 0.1 for c in counts)


def test_shuffle_is_permutation():
    values = list(range(5000))
    assert sorted(Lcg(1).shuffle(values[:])) == values
