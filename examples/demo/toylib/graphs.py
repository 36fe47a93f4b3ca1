"""Graph algorithms over adjacency dicts {node: [(neighbour, weight), ...]}."""

import heapq
from collections import deque


def grid_graph(width, height, weight_of):
    """A 4-connected grid; weight_of(x, y) is the cost of entering cell (x, y)."""
    graph = {}
    for y in range(height):
        for x in range(width):
            edges = []
            for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                nx, ny = x + dx, y + dy
                if 0 <= nx < width and 0 <= ny < height:
                    edges.append(((nx, ny), weight_of(nx, ny)))
            graph[(x, y)] = edges
    return graph


def dijkstra(graph, source):
    dist = {source: 0}
    heap = [(0, source)]
    while heap:
        d, node = heapq.heappop(heap)
        if d > dist[node]:
            continue
        for nxt, w in graph[node]:
            nd = d + w
            if nd < dist.get(nxt, nd + 1):
                dist[nxt] = nd
                heapq.heappush(heap, (nd, nxt))
    return dist


def bellman_ford(graph, source):
    dist = {node: None for node in graph}
    dist[source] = 0
    for _ in range(len(graph) - 1):
        changed = False
        for node, edges in graph.items():
            if dist[node] is None:
                continue
            for nxt, w in edges:
                if dist[nxt] is None or dist[node] + w < dist[nxt]:
                    dist[nxt] = dist[node] + w
                    changed = True
        if not changed:
            break
    return dist


def bfs_order(graph, source):
    seen, order, queue = {source}, [], deque([source])
    while queue:
        node = queue.popleft()
        order.append(node)
        for nxt, _ in graph[node]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return order


def topological_sort(nodes, edges):
    """Kahn's algorithm; ties broken by the smallest node. Raises ValueError on a cycle."""
    indegree = {n: 0 for n in nodes}
    out = {n: [] for n in nodes}
    for a, b in edges:
        out[a].append(b)
        indegree[b] += 1
    ready = [n for n in nodes if indegree[n] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        n = heapq.heappop(ready)
        order.append(n)
        for m in out[n]:
            indegree[m] -= 1
            if indegree[m] == 0:
                heapq.heappush(ready, m)
    if len(order) != len(nodes):
        raise ValueError("graph has a cycle")
    return order


class UnionFind:
    def __init__(self, size):
        self.parent = list(range(size))
        self.rank = [0] * size

    def find(self, x):
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.rank[ra] < self.rank[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        if self.rank[ra] == self.rank[rb]:
            self.rank[ra] += 1
        return True

    def components(self):
        return len({self.find(x) for x in range(len(self.parent))})
