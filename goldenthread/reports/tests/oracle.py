"""An attacker, for the tests: every table of whole numbers that agrees with what a
cube publishes (and with what the labels say of hidden cells), found by search."""

from __future__ import annotations

import itertools

from goldenthread.reports.disclosure import TOTAL, ProtectedCube, Status


def _under(dim, coord):
    if coord == TOTAL:
        return dim.categories
    groups = dict(dim.groups)
    return groups.get(coord, (coord,))


def _leaves_under(cube: ProtectedCube, key):
    return list(
        itertools.product(*(_under(dim, coord) for dim, coord in zip(cube.dims, key, strict=True)))
    )


def possible_values(cube: ProtectedCube, *, cap: int, stop_when_two: bool = True):
    """{key: set of values seen} for each SMALL cell over tables consistent with what is
    published. Leaf values are searched from 0 to `cap`."""
    published = cube.published()
    # Every finest cell, published or not (cells of dimensions kept apart are never
    # published: the attacker knows only that they are not negative).
    leaves = [
        k
        for k in cube.values
        if all(c in dim.categories for c, dim in zip(k, cube.dims, strict=True))
    ]
    unknown = [k for k in leaves if k not in published or not published[k].shown]
    known = {k: published[k].value for k in leaves if k in published and published[k].shown}
    constraints = []  # (leaves, kind, a, b)
    for key, cell in published.items():
        under = _leaves_under(cube, key)
        if cell.shown:
            constraints.append((under, "eq", cell.value, None))
        elif cell.status is Status.SMALL:
            constraints.append((under, "range", 1, cube.threshold - 1))
        else:
            constraints.append((under, "range", cube.threshold, None))
    # Constraints by the last unknown leaf they need (checked when it is assigned).
    order = {k: i for i, k in enumerate(unknown)}
    by_last: dict[int, list] = {}
    partial: dict[int, list] = {}
    for c in constraints:
        idx = [order[k] for k in c[0] if k in order]
        last = max(idx) if idx else -1
        by_last.setdefault(last, []).append(c)
        if c[1] == "eq" or c[3] is not None:
            for i in set(idx):
                if i != last:
                    partial.setdefault(i, []).append(c)
    small_keys = [k for k, cell in published.items() if cell.status is Status.SMALL]
    seen: dict = {k: set() for k in small_keys}
    assignment: dict = dict(known)

    def total(under):
        return sum(assignment.get(k, 0) for k in under)

    def ok(c, complete):
        under, kind, a, b = c
        s = total(under)
        if kind == "eq":
            return s == a if complete else s <= a
        if complete:
            return s >= a and (b is None or s <= b)
        return b is None or s <= b

    for c in by_last.get(-1, []):
        assert ok(c, True), "what is shown does not agree with itself"

    def done():
        return stop_when_two and all(len(v) >= 2 for v in seen.values())

    def dfs(i):
        if done():
            return True
        if i == len(unknown):
            for k in small_keys:
                seen[k].add(total(_leaves_under(cube, k)))
            return done()
        key = unknown[i]
        for v in range(cap + 1):
            assignment[key] = v
            if all(ok(c, True) for c in by_last.get(i, [])) and all(
                ok(c, False) for c in partial.get(i, [])
            ):
                if dfs(i + 1):
                    return True
            # partial sums only grow with v: stop once an upper bound is passed
            if not all(
                ok(c, False)
                for c in partial.get(i, []) + by_last.get(i, [])
                if c[1] == "eq" or c[3] is not None
            ):
                break
        del assignment[key]
        return False

    dfs(0)
    return seen
