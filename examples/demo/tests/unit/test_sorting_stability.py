import pytest

from toylib import sorting
from toylib.rng import Lcg


@pytest.mark.parametrize("seed", range(6))
def test_counting_sort_matches_builtin(seed):
    data = Lcg(seed).ints(100000, 1000)
    assert sorting.counting_sort(data, 1000) == sorted(data)


@pytest.mark.parametrize("seed", range(4))
def test_merge_sort_on_sorted_and_reversed(seed):
    data = sorted(Lcg(seed).ints(20000, 10 ** 9))
    assert sorting.merge_sort(data) == data
    assert sorting.merge_sort(data[::-1]) == data


def test_is_sorted():
    assert sorting.is_sorted([1, 2, 2, 3])
    assert not sorting.is_sorted([2, 1])
