import pytest

from toylib import dp, graphs


@pytest.mark.parametrize("size", [20, 40])
def test_route_report(size):
    g = graphs.grid_graph(size, size, lambda x, y: 1 + (x ^ y) % 5)
    dist = graphs.dijkstra(g, (0, 0))
    lines = [f"{x},{y}:{d}" for (x, y), d in sorted(dist.items())]
    assert len(lines) == size * size
    assert dp.lcs_length(lines[0], lines[-1]) >= 1
