import pytest

from toylib import sorting
from toylib.rng import Lcg


@pytest.mark.parametrize("seed", range(12))
def test_all_algorithms_agree(seed):
    rng = Lcg(seed)
    data = rng.ints(1 + rng.below(4000), 1 + rng.below(1000))
    results = [algo(data) for algo in sorting.ALGORITHMS.values()]
    assert all(r == results[0] for r in results)
    assert sorting.is_sorted(results[0])
