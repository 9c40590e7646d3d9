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
    published, and for each cell of a withheld selection (#14) whose count is small: the
    attacker learns nothing from a withheld cell but may work it out from the rest (its
    team's "all ages" minus the other age groups). Leaf values are searched from 0 to
    `cap`."""
    everything = cube.published()
    # A withheld selection's cells say nothing (not even "at least the threshold").
    published = {k: c for k, c in everything.items() if c.status is not Status.WITHHELD}
    targets = [
        k
        for k, c in everything.items()
        if c.status is Status.WITHHELD and 1 <= cube.values[k] < cube.threshold
    ]
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
    for key in targets:  # no constraint: a sum followed, to see the values it takes
        constraints.append((_leaves_under(cube, key), "range", 0, None))
    # Each constraint's sum is kept up to date as leaves are assigned (a leaf's value
    # added to the sums of the constraints over it), so a check is one comparison.
    order = {k: i for i, k in enumerate(unknown)}
    sums = [sum(known.get(k, 0) for k in c[0]) for c in constraints]
    over: list[list[int]] = [[] for _ in unknown]  # the constraints over each unknown leaf
    by_last: dict[int, list[int]] = {}
    partial: dict[int, list[int]] = {}
    for n, c in enumerate(constraints):
        idx = [order[k] for k in c[0] if k in order]
        for i in idx:
            over[i].append(n)
        last = max(idx) if idx else -1
        by_last.setdefault(last, []).append(n)
        if c[1] == "eq" or c[3] is not None:
            for i in set(idx):
                if i != last:
                    partial.setdefault(i, []).append(n)
    # The check that stops raising a leaf: the bounded constraints it is in.
    bounded = {
        i: [
            n
            for n in partial.get(i, []) + by_last.get(i, [])
            if constraints[n][1] == "eq" or constraints[n][3] is not None
        ]
        for i in range(len(unknown))
    }
    small_keys = [k for k, cell in published.items() if cell.status is Status.SMALL] + targets
    own = {key: n for n, key in enumerate([*published, *targets])}  # each cell's constraint
    seen: dict = {k: set() for k in small_keys}
    value = [0] * len(unknown)

    def ok(n, complete):
        _, kind, a, b = constraints[n]
        s = sums[n]
        if kind == "eq":
            return s == a if complete else s <= a
        if complete:
            return s >= a and (b is None or s <= b)
        return b is None or s <= b

    def assign(i, v):
        delta = v - value[i]
        if delta:
            value[i] = v
            for n in over[i]:
                sums[n] += delta

    for n in by_last.get(-1, []):
        assert ok(n, True), "what is shown does not agree with itself"

    def done():
        return stop_when_two and all(len(v) >= 2 for v in seen.values())

    def dfs(i):
        if done():
            return True
        if i == len(unknown):
            for k in small_keys:
                seen[k].add(sums[own[k]])
            return done()
        for v in range(cap + 1):
            assign(i, v)
            if all(ok(n, True) for n in by_last.get(i, [])) and all(
                ok(n, False) for n in partial.get(i, [])
            ):
                if dfs(i + 1):
                    return True
            # partial sums only grow with v: stop once an upper bound is passed
            if not all(ok(n, False) for n in bounded[i]):
                break
        assign(i, 0)
        return False

    dfs(0)
    return seen
