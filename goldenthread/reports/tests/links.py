"""What a reader can know between cells of different report tables and periods (#14, AGG-2),
as data: every table of the reports is classified here, linked to others or listed as
independent with the reason (`test_links.py` fails on a table that is not).

The disclosure control protects each table and period as its own cube; a reader who opens
several can combine them. These are the facts they can combine — each one something the
tables' own titles and notes say (the same outcomes recorded, the needs identified in a
month), not something the data happens to show. `attacker.attack_database` turns them
into equations and inequalities over the cells; `exact.py` bounds the hidden cells over
all of them at once. A link that the true counts do not satisfy is reported by the
attacker (`Attacker.inconsistent`), so a wrong link here cannot pass unnoticed.

A *tail* is a cell's coordinates after the three filters (team or area, age group, main
reason for support): `(TOTAL,)` is the table's total; `("option_4",)` its option 4 row.
Every link holds for every selection of the filters and every period, unless its
`when` says otherwise."""

from __future__ import annotations

from dataclasses import dataclass

from goldenthread.reports.disclosure import TOTAL

Tail = tuple[str, ...]
Cell = tuple[str, Tail]  # (table key, tail)

# -- Over periods --------------------------------------------------------------------
# How a table's cells behave from one period to another. The age group is the person's
# age at the end of each period, so sums over periods hold at all ages only; periods
# that end on the same day share the age groups.
EVENTS = "events"
"""Things dated in the period, sorted by what they are today (or by what they were when
dated): at all ages a period is the sum of the offered periods that tile it (a year its
months, its quarters; a quarter its months; the rolling 12 months its months), every
cell; a period that ends with another that it contains has at least that one's count in
every cell, at every age."""
EVENTS_AS_AT_END = "events-as-at-end"
"""Things dated in the period, sorted by what they were at the end of the period (unmet
need: met by the end of the period or not): as EVENTS at the total of the sorting
column; at a column, a later end counts at least as many met (and the two agree where
both ends are today)."""
CUMULATIVE = "cumulative"
"""Everything by the end of the period (people with a record): a later end counts at
least as many at all ages; periods ending on the same day agree in every cell."""
AS_AT_END = "as-at-end"
"""Everything as it stood at the end of the period, by a state that comes and goes
(review timeliness: a person reviewed on time can be overdue a month later): periods
ending on the same day agree in every cell; at the total of the state, a later end
counts at least as many (people with an outcome by then)."""

OVER_PERIODS: dict[str, str] = {
    "people": CUMULATIVE,
    "what-matters-domains": EVENTS,
    "outcome-domains": EVENTS,
    "outcome-quality": EVENTS,
    "outcome-flags": EVENTS,
    "support-steps": EVENTS,
    "met-without-paid-support": EVENTS,
    "sds-explained": EVENTS,
    "sds-chosen": EVENTS,
    "sds-mixes": EVENTS,
    "first-choice-not-delivered": EVENTS,
    "unmet-need": EVENTS,
    "unmet-need-trend": EVENTS_AS_AT_END,
    "unmet-need-time-to-met": EVENTS,  # "as they stand today": the same in every period
    "review-progress": EVENTS,
    "review-timeliness": AS_AT_END,
    "budget-decisions": EVENTS,
    "budget-amounts": EVENTS,
    "panel-waits": EVENTS,
    "advocacy": EVENTS,  # each stage reached so far (today), for needs identified in the period
    "challenges": EVENTS,  # stage and answer as they are today
    "transitions": EVENTS,  # happened by today or not
    "transitions-outcomes": EVENTS,
    "outcome-agreement": EVENTS,  # the newest answer, today
}

# -- Across tables, in one period ------------------------------------------------------


@dataclass(frozen=True)
class Equal:
    """These cells count the same things, for every selection of the filters."""

    cells: tuple[Cell, ...]
    why: str
    when: str = ""  # "" always; "to-today": only for periods that end today or later


@dataclass(frozen=True)
class AtMost:
    """`small` counts some of what `large` counts, for every selection of the filters."""

    small: Cell
    large: Cell
    why: str


SAME = (
    Equal(
        (
            ("outcome-quality", (TOTAL,)),
            ("outcome-domains", (TOTAL,)),
            ("outcome-agreement", (TOTAL,)),
        ),
        "outcomes recorded in the period (not replaced), by checker result, domain, agreement",
    ),
    Equal(
        (
            ("unmet-need", (TOTAL, TOTAL)),
            ("unmet-need-trend", (TOTAL, TOTAL)),
            ("unmet-need-time-to-met", (TOTAL,)),
        ),
        "needs identified in the period: by kind and reason, by month, by time to met",
    ),
    Equal(
        (("unmet-need-trend", (TOTAL, "not_met")), ("unmet-need-time-to-met", ("not_met",))),
        "not met by the end of the period is not met today, when the period ends today",
        when="to-today",
    ),
    Equal(
        (("sds-chosen", ("option_4",)), ("sds-mixes", (TOTAL,))),
        "people who chose option 4 in the period, and their mixes",
    ),
    Equal(
        (("transitions", (TOTAL, TOTAL)), ("transitions-outcomes", (TOTAL,))),
        "moves planned for the period, by kind and state, and by link to an outcome",
    ),
    # Budget decisions' column totals (every wait) are the money table's counts; the
    # decision axis's coordinates (answers and their subtotals) are matched one to one.
    *(
        Equal(
            (("budget-decisions", (TOTAL, d)), ("budget-amounts", (d, "count"))),
            "requests decided in the period, by answer (Measure.counts_as)",
        )
        for d in ("approved", "agreed_different", "declined", "agreed", "not_agreed", TOTAL)
    ),
)

FLAG_CODES_FOR_LINKS = "*flags*"  # expanded to every checker flag code (selectors.FLAG_CODES)
ADVOCACY_LATER = ("offered", "accepted", "referred", "started")

AT_MOST = (
    AtMost(
        ("outcome-flags", (FLAG_CODES_FOR_LINKS,)),
        ("outcome-quality", ("flagged",)),
        "an outcome with a given flag has at least one flag",
    ),
    AtMost(
        ("met-without-paid-support", (TOTAL,)),
        ("outcome-quality", (TOTAL,)),
        "outcomes achieved are some of the outcomes recorded in the period",
    ),
    AtMost(
        ("first-choice-not-delivered", (TOTAL, TOTAL)),
        ("unmet-need", (TOTAL, "first_choice")),
        "a first choice not delivered is recorded with one unmet need identified in the period, "
        'for the same person, its reason "first choice not available"',
    ),
    *(
        AtMost(
            ("advocacy", (stage,)),
            ("advocacy", ("identified",)),
            "every need for advocacy counted at a later stage was identified",
        )
        for stage in ADVOCACY_LATER
    ),
    AtMost(
        ("advocacy", ("accepted",)),
        ("advocacy", ("offered",)),
        "an offer accepted was made",
    ),
)

INDEPENDENT: dict[str, str] = {
    "people": "people with a record by the end of the period: no table counts them again "
    "(review timeliness counts people with an outcome, which may be dated before the record "
    "was made); linked over periods only",
    "what-matters-domains": "what matters items: no other table counts them",
    "support-steps": "solutions: an outcome has any number, so no outcome count bounds them",
    "sds-explained": "options explained: a person is told of several; no table counts them",
    "review-progress": "outcomes reviewed at reviews held in the period: a review reviews any "
    "number, and an outcome may be reviewed more than once",
    "review-timeliness": "people with an outcome by the end of the period, as they stood then: "
    "no table counts them; linked over periods only",
    "panel-waits": "requests the panel decided in the period whatever the answer (a decision "
    "date may be recorded on a request later returned): not bounded by budget decisions",
    "challenges": "challenges and complaints: no other table counts them",
}


def linked_tables() -> set[str]:
    out: set[str] = set()
    for e in SAME:
        out |= {k for k, _ in e.cells}
    for a in AT_MOST:
        out |= {a.small[0], a.large[0]}
    return out


def groups() -> list[set[str]]:
    """The tables that links join (connected through SAME and AT_MOST), each table once:
    a whole database's audit can run group by group, since no fact joins two groups."""
    parent: dict[str, str] = {k: k for k in OVER_PERIODS}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    pairs = [(e.cells[0][0], c[0]) for e in SAME for c in e.cells[1:]]
    pairs += [(a.small[0], a.large[0]) for a in AT_MOST]
    for a, b in pairs:
        parent[find(a)] = find(b)
    out: dict[str, set[str]] = {}
    for k in OVER_PERIODS:
        out.setdefault(find(k), set()).add(k)
    return sorted(out.values(), key=lambda g: sorted(g))
