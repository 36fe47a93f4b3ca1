import pytest

from toylib import graphs


def weight(x, y):
    return 1 + (x * 7 + y * 13) % 9


@pytest.mark.parametrize("size", [5, 12, 20])
def test_dijkstra_matches_bellman_ford(size):
    g = graphs.grid_graph(size, size, weight)
    fast = graphs.dijkstra(g, (0, 0))
    slow = graphs.bellman_ford(g, (0, 0))
    assert fast == slow


def test_bfs_visits_every_cell_once():
    g = graphs.grid_graph(60, 60, weight)
    order = graphs.bfs_order(g, (0, 0))
    assert len(order) == len(set(order)) == 3600
