import pytest

from toylib import sorting
from toylib.rng import Lcg


class TestLargeInputs:
    @pytest.mark.parametrize("name", ["merge", "quick", "heap"])
    @pytest.mark.parametrize("size", [10000, 40000])
    def test_random(self, name, size):
        data = Lcg(size).ints(size, 10 ** 9)
        assert sorting.ALGORITHMS[name](data) == sorted(data)

    @pytest.mark.parametrize("name", ["merge", "quick", "heap"])
    def test_many_duplicates(self, name):
        data = Lcg(5).ints(20000, 10)
        assert sorting.ALGORITHMS[name](data) == sorted(data)


def test_insertion_sort_nearly_sorted():
    data = list(range(3000))
    rng = Lcg(9)
    for _ in range(50):
        i, j = rng.below(3000), rng.below(3000)
        data[i], data[j] = data[j], data[i]
    assert sorting.insertion_sort(data) == sorted(data)
