import pytest

from toylib import graphs


@pytest.mark.parametrize("size", [100, 160, 220])
def test_shortest_path_to_corner(size):
    g = graphs.grid_graph(size, size, lambda x, y: 1)
    dist = graphs.dijkstra(g, (0, 0))
    assert dist[(size - 1, size - 1)] == 2 * (size - 1)
    assert len(dist) == size * size


def test_topological_sort_of_divisibility_dag():
    nodes = list(range(1, 1500))
    edges = [(a, b) for a in nodes for b in range(2 * a, 1500, a)]
    order = graphs.topological_sort(nodes, edges)
    position = {n: i for i, n in enumerate(order)}
    assert all(position[a] < position[b] for a, b in edges)


def test_cycle_is_rejected():
    with pytest.raises(ValueError):
        graphs.topological_sort([1, 2, 3], [(1, 2), (2, 3), (3, 1)])
