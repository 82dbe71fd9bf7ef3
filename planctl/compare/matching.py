"""Optimal one-to-one assignment (maximum total weight) for sparse bipartite graphs.

Edges below a threshold are dropped first; each connected component is then solved exactly
with the Hungarian algorithm (Kuhn–Munkres, O(n²m) per component). Components are small in
practice, so this stays fast in pure Python.

Example::

    >>> sorted(max_weight_matching({(0, 0): 0.9, (0, 1): 0.8, (1, 0): 0.85}, threshold=0.5))
    [(0, 1), (1, 0)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

Edge = tuple[int, int]


def _hungarian(cost: list[list[float]]) -> list[int]:
    """Minimum-cost assignment of every row (rows ≤ columns); returns the column of each row."""
    n, m = len(cost), len(cost[0])
    inf = float("inf")
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    p = [0] * (m + 1)  # p[j]: row (1-based) assigned to column j
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], inf, 0
            row = cost[i0 - 1]
            ui0 = u[i0]
            for j in range(1, m + 1):
                if not used[j]:
                    cur = row[j - 1] - ui0 - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    result = [0] * n
    for j in range(1, m + 1):
        if p[j]:
            result[p[j] - 1] = j - 1
    return result


def _components(edges: list[Edge]) -> list[list[Edge]]:
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in edges:
        a, b = find(("l", i)), find(("r", j))
        if a != b:
            parent[a] = b
    groups: dict[tuple[str, int], list[Edge]] = defaultdict(list)
    for i, j in edges:
        groups[find(("l", i))].append((i, j))
    return list(groups.values())


def max_weight_matching(weights: Mapping[Edge, float], threshold: float = 0.0) -> set[Edge]:
    """Pairs (left, right) maximising the total weight, each index used at most once.

    Only edges with weight ≥ ``threshold`` are considered.
    """
    edges = sorted(e for e, w in weights.items() if w >= threshold)
    kept = {e: weights[e] for e in edges}
    chosen: set[Edge] = set()
    for comp in _components(edges):
        rows = sorted({i for i, _ in comp})
        cols = sorted({j for _, j in comp})
        if len(comp) == 1:
            chosen.add(comp[0])
            continue
        transpose = len(rows) > len(cols)
        if transpose:
            rows, cols = cols, rows
        cost = [
            [-kept.get((c, r) if transpose else (r, c), 0.0) for c in cols]
            for r in rows
        ]
        for r_index, c_index in enumerate(_hungarian(cost)):
            r, c = rows[r_index], cols[c_index]
            edge = (c, r) if transpose else (r, c)
            if edge in kept:
                chosen.add(edge)
    return chosen
