"""`goldenthread bench disclosure`: disclosure control of one table's cube at any number of
teams, without a database (#14, AGG-2, OPS-3).

Leaf counts come from a seeded RNG shaped like the `nation` synth preset: a few units per
team in the period (unmet need: some 15% of people, ~400 people a team, a third of their
needs in a year), spread over age groups and main reasons for support weighted as the
synthetic people are, and over the table's rows (and columns) — mostly zeros and ones,
which is what makes a national cube hard. The dimensions are the real table's: the page's
filters (`selectors.FilterAxes`: teams in areas, age group, reason) and the `Measure`'s row
and column axes. `protect_counts` is run on them as `selectors._build` runs it, and the
bench prints CPU seconds, the process's peak memory (`resource.getrusage` maxrss), the
cube's cells, and a digest of `snapshots.to_json` (the stored figures) so that two
versions of the code can be shown to publish the same thing."""

from __future__ import annotations

import datetime
import hashlib
import json
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable

from goldenthread.nonprod.synth.casework import FIRST_CHOICE_NEEDS, UNMET, UNMET_REASONS
from goldenthread.reports import selectors, snapshots
from goldenthread.reports.disclosure import Dim, Key, ProtectedCube, protect_counts
from goldenthread.reports.periods import AGE_GROUPS, parse_period

# The rolling twelve months the bench's tables are for (pinned: the month axis depends on
# it, and the digests must not change with the day the bench is run).
TODAY = datetime.date(2026, 12, 5)
# Age groups as the synthetic people's (older people are most of those supported).
AGE_WEIGHTS = (4, 1, 30, 20, 25, 20)
# Units per team in the period, on average, for each table (the nation preset: 1,000,000
# people in 2,500 teams; unmet need identified in a year is a few dozen a team).
PER_TEAM = {"unmet-need": 24, "unmet-need-trend": 24, "unmet-need-time-to-met": 24}
DEFAULT_PER_TEAM = 40


def measure(table: str) -> selectors.Measure:
    for m in selectors.MEASURES:
        if m.key == table:
            return m
    raise ValueError(f"No table {table!r}")


def table_dims(table: str, teams: int, areas: int) -> list[Dim]:
    """The cube's dimensions for `table` with `teams` teams spread over `areas` areas."""
    m = measure(table)
    codes = tuple(f"{n:05d}" for n in range(teams))
    area_codes = tuple(f"{n:04d}" for n in range(areas))
    axes = selectors.FilterAxes(
        teams=codes,
        areas=area_codes,
        team_area={t: selectors.area_code(area_codes[n % areas]) for n, t in enumerate(codes)},
    )
    period = parse_period("rolling", TODAY)
    dims = [*axes.dims(), m.row_axis(period).dim()]
    if m.columns is not None:
        dims.append(m.columns.dim())
    return dims


def leaf_counts(dims: list[Dim], seed: int, per_team: int) -> Counter[Key]:
    """Seeded counts of the finest cells: for each team a number of units around
    `per_team`, each with an age group, a main reason and a row (and column)."""
    rng = random.Random(seed)
    team, age, reason, *rest = dims
    reason_weights = [1 + (n % 4) * 2 for n in range(len(reason.categories))]
    rest_weights = [[1 / (n + 1) for n in range(len(d.categories))] for d in rest]
    # The unmet need table's kind of need goes with its reason, as in the synth
    # (casework.UNMET): most of its rows and columns are zero everywhere.
    paired = [d.name for d in rest] == ["category", "unmet_reason"]
    counts: Counter[Key] = Counter()
    for t in team.categories:
        for _ in range(rng.randint(per_team // 2, per_team * 3 // 2)):
            filters = (
                t,
                rng.choices(AGE_GROUPS, AGE_WEIGHTS)[0],
                rng.choices(reason.categories, reason_weights)[0],
            )
            if paired:
                why = "first_choice" if rng.random() < 0.15 else str(rng.choice(UNMET_REASONS))
                needs = FIRST_CHOICE_NEEDS if why == "first_choice" else UNMET[why]
                tail: tuple[str, ...] = (rng.choice(needs)[0], why)
            else:
                tail = tuple(
                    rng.choices(d.categories, w)[0] for d, w in zip(rest, rest_weights, strict=True)
                )
            counts[(*filters, *tail)] += 1
    return counts


def digest(cube: ProtectedCube) -> str:
    """What would be stored (`snapshots.to_json`), hashed: equal digests, equal figures."""
    text = json.dumps(snapshots.to_json(cube), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def protect_table(
    table: str, teams: int, areas: int, seed: int, per_team: int | None = None, threshold=5
) -> ProtectedCube:
    dims = table_dims(table, teams, areas)
    counts = leaf_counts(dims, seed, per_team or PER_TEAM.get(table, DEFAULT_PER_TEAM))
    return protect_counts(
        dims, counts, threshold, apart=selectors.APART, selectable=selectors.FILTERS
    )


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run(
    say: Callable[[str], object],
    *,
    table: str,
    teams: int,
    areas: int,
    seed: int = 1,
    per_team: int | None = None,
) -> dict:
    """Protect one seeded cube and say what it took."""
    dims = table_dims(table, teams, areas)
    per_team = per_team or PER_TEAM.get(table, DEFAULT_PER_TEAM)
    counts = leaf_counts(dims, seed, per_team)
    cells = 1
    for d in dims:
        cells *= len(d.coords)
    started, cpu = time.perf_counter(), time.process_time()
    cube = protect_counts(dims, counts, 5, apart=selectors.APART, selectable=selectors.FILTERS)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    stored = time.process_time()
    code = digest(cube)
    slices = len(snapshots.slice_cells(cube))
    stored = time.process_time() - stored
    figures = {
        "table": table,
        "teams": teams,
        "areas": areas,
        "seed": seed,
        "cells": cells,
        "leaves": len(counts),
        "units": sum(counts.values()),
        "small": len(cube.small),
        "hidden": len(cube.hidden),
        "withheld": cube.withheld,
        "withheld_selections": len(cube.withheld_selections),
        "cpu": cpu,
        "wall": wall,
        "store_cpu": stored,
        "slices": slices,
        "peak_mb": _peak_mb(),
        "digest": code,
    }
    say(
        f"{table}: {teams:,} teams in {areas:,} areas, seed {seed}: {cells:,} cells, "
        f"{len(counts):,} non-zero leaves ({figures['units']:,} units); "
        f"small {len(cube.small):,}, hidden {len(cube.hidden):,}, "
        f"withheld {'the whole cube' if cube.withheld else 'no'}, "
        f"withheld selections {len(cube.withheld_selections):,}"
    )
    say(
        f"  protect_counts: CPU {cpu:.1f} s (wall {wall:.1f} s); to_json + slice_cells "
        f"({slices:,} selections): CPU {stored:.1f} s; peak memory {figures['peak_mb']:,.0f} MB;"
        f" digest {code}"
    )
    return figures
