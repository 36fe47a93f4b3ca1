import pytest

from toylib.graphs import UnionFind
from toylib.rng import Lcg


@pytest.mark.parametrize("size", [100, 5000, 40000])
def test_chain_becomes_one_component(size):
    uf = UnionFind(size)
    for i in range(size - 1):
        uf.union(i, i + 1)
    assert uf.components() == 1


@pytest.mark.parametrize("seed", range(3))
def test_components_count_matches_naive(seed):
    rng = Lcg(seed)
    size = 3000
    uf = UnionFind(size)
    labels = list(range(size))
    for _ in range(3000):
        a, b = rng.below(size), rng.below(size)
        uf.union(a, b)
        la, lb = labels[a], labels[b]
        if la != lb:
            labels = [la if v == lb else v for v in labels]
    assert uf.components() == len(set(labels))
