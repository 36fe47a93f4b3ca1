import pytest

from toylib import sorting
from toylib.rng import Lcg


@pytest.mark.parametrize("name", sorted(sorting.ALGORITHMS))
@pytest.mark.parametrize("values", [[], [1], [2, 1], [1, 1, 1], [3, -1, 2, -1]],
                         ids=["empty", "one", "two", "dupes", "negative"])
def test_edge_cases(name, values):
    assert sorting.ALGORITHMS[name](values) == sorted(values)


@pytest.mark.parametrize("name", sorted(sorting.ALGORITHMS))
def test_random_input(name):
    data = Lcg(7).ints(1500, 10 ** 6)
    assert sorting.ALGORITHMS[name](data) == sorted(data)


def test_does_not_modify_input():
    data = [5, 4, 3, 2, 1]
    for algorithm in sorting.ALGORITHMS.values():
        algorithm(data)
    assert data == [5, 4, 3, 2, 1]
