"""Realistic, internally consistent synthetic records, deterministic for a seed.

People come in chunks (`make_chunk`), written in order (`write_chunk`); with worker processes
(workers.py) a few chunks are made ahead, never more, so memory stays flat at national
scale. Everything a person has (circle,
allocations, conversations, steps, outcomes, checks, solutions, and — in casework.py —
reviews, SDS choices and budgets, unmet need, risks, and the access log those activities
would create) points at that person and their own items only.
"""

from __future__ import annotations

import contextlib
import datetime
import random
import uuid
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

from django.apps import apps
from django.utils import timezone

from goldenthread.accounts.models import (
    DATA_SET_UP_REASON,
    AccessStatus,
    Area,
    CaseworkAccess,
    Role,
    Team,
    User,
)
from goldenthread.audit import chain
from goldenthread.audit.models import AccessLog
from goldenthread.conversations.models import (
    Aspiration,
    Conversation,
    MattersItem,
    PositiveChange,
    Strength,
    WhoMatters,
    WorkingItem,
)
from goldenthread.outcomes.checker import check
from goldenthread.outcomes.checker.evaluate import DEV_SET, load
from goldenthread.outcomes.models import (
    CheckQuestion,
    Outcome,
    OutcomeCheckAnswer,
    OutcomeStatus,
    OutcomeWording,
)
from goldenthread.people.chi import check_digit
from goldenthread.people.models import Allocation, CircleMember, Person, SupportReason
from goldenthread.sds.models import DelegatedLimit
from goldenthread.support.models import (
    CostPeriod,
    ExplorationState,
    Solution,
    SolutionStatus,
    StepExploration,
    SupportStep,
)

from . import casework
from .casework import Casework, OutcomeInfo, PersonInfo, SolutionInfo
from .workers import chunks
from .writer import BulkWriter, copy_text, det_uuid

PRESETS = {"tiny": 300, "council": 50_000, "nation": 1_000_000}
# How many CHI numbers a worker offers for each person: the first is nearly always free (at
# the nation preset some 34 people share a birthday among ~900 numbers); if all are taken,
# write_chunk draws the person's stream again from its start.
CHI_CANDIDATES = 3
PEOPLE_PER_WORKER = 40
WORKERS_PER_TEAM = 10
CHUNK = 2_000
TEAMS_PER_PANEL_MEMBER = 10
# The delegated limits (a year's budget, Std 8.2) set for the roles when none are set yet:
# the same figures as the demo.
ROLE_LIMITS = {Role.PRACTITIONER: Decimal("8000.00"), Role.TEAM_LEADER: Decimal("35000.00")}

FIRST = (
    "Jean Morag Isla Ailsa Fiona Mhairi Agnes Ewa Amira Priya Grace Chloe Sophie Eilidh "
    "Margaret Ann Catherine Joan Iain Angus Calum Hamish Euan Tam Jamie Liam Ravi Kofi "
    "Piotr David John Robert William James Andrew Thomas Hugh Alasdair Ruaridh"
).split()
LAST = (
    "Macdonald Campbell Stewart Robertson Thomson Anderson Reid Murray Taylor Clark Ross "
    "Young Mitchell Watson Morrison Paterson Fraser Kerr Scott Grant Hamilton Kowalski "
    "Nowak Ahmed Khan Singh Okafor Mensah Boyle Docherty Gallacher Sinclair Munro"
).split()
AREAS = (
    "Northfield Riverside Kirkton Easthaven Westburn Southmuir Hillhead Bridgend "
    "Craigton Lochside Portsoy Glenview"
).split()
RELATIONSHIPS = (
    "Daughter Son Wife Husband Neighbour Friend Brother Sister Niece Nephew Grandson Granddaughter"
).split()
WHAT_MATTERS = [
    "Seeing my grandchildren",
    "Staying in my own home",
    "My garden",
    "Going to church on Sundays",
    "Football with my friends",
    "My dog, Bess",
    "Cooking my own meals",
    "Having my own money",
    "Music and singing",
    "Getting out of the house every day",
]
WHERE_MATTERS = [
    "The bowling club",
    "The library",
    "My daughter's house",
    "The park",
    "The community café",
    "The swimming pool",
    "The mosque",
    "The allotment",
]
ASPIRATIONS = [
    "To get a paid job",
    "To go on holiday with my sister",
    "To live in my own flat",
    "To sing in the choir again",
    "To learn to drive",
    "To go to college",
]
WORKING = [
    "My neighbour checks on me every day",
    "I manage my own medicines",
    "I enjoy the lunch club",
    "My son visits at weekends",
    "I can get about the house",
]
NOT_WORKING = [
    "I can't get up the stairs since my fall",
    "I am lonely during the week",
    "I can't carry my shopping home",
    "The bus steps are too high for me",
    "My carer has no break",
    "I don't know how to apply for jobs",
    "I can't manage the bath on my own",
]
STRENGTHS = [
    "Determined",
    "Good sense of humour",
    "Excellent cook",
    "Good with computers",
    "Owns a car",
    "Lives near the shops",
]
CHANGES = [
    "Getting out more",
    "Being safe at home",
    "Having a break from caring",
    "Starting work",
    "Doing my own shopping again",
    "Seeing friends again",
]
PERSPECTIVES = ["person", "person", "family", "worker", "other"]
SOLUTIONS = {
    SupportStep.YOURSELF: ["Practise the bus route with a friend", "Use a pill organiser"],
    SupportStep.TECHNOLOGY: ["Video calls on a tablet", "A reminder app on her phone"],
    SupportStep.EQUIPMENT: ["A perching stool in the kitchen", "A second stair rail"],
    SupportStep.FAMILY_FRIENDS: [
        "Her daughter drives her on Thursdays",
        "Neighbour checks in each morning",
    ],
    SupportStep.COMMUNITY: [
        "The Thursday lunch club",
        "A befriending volunteer",
        "The walking group",
    ],
    SupportStep.SERVICES: ["Physiotherapy at the health centre", "Adult learning class"],
    SupportStep.SUPPORT: ["A personal assistant 4 hours a week", "Home support at mornings"],
}
STEP_ORDER = list(SupportStep)
# Enum members and values read once: reading a member through its class is a descriptor
# call, some seventy thousand of them at 2,000 people (#14). The same members, so the
# same rows.
QUESTIONS = tuple(q.value for q in CheckQuestion)
PAID_STEPS = (SupportStep.SUPPORT, SupportStep.SERVICES)
SOLUTION_STATUSES = (SolutionStatus.AGREED, SolutionStatus.IN_PLACE, SolutionStatus.IDEA)
_OPEN, _WEEK, _EXPLORED = OutcomeStatus.OPEN, CostPeriod.WEEK, ExplorationState.EXPLORED
_PRACTITIONER = Role.PRACTITIONER


class Stream(random.Random):
    """random.Random with `choice` and `randrange` made without the standard library's
    extra call and argument checks: the same draws of `getrandbits`, so the same numbers
    for a seed (Python 3.11's `_randbelow_with_getrandbits`, inlined; tests/test_synth.py
    checks the two agree). Some 135 draws a person made these a fifth of the generator's
    time (cProfile, #14). Anything but whole numbers with a step of 1 goes to
    random.Random as before."""

    def choice(self, seq):
        n = len(seq)
        if not n:
            raise IndexError("Cannot choose from an empty sequence")
        getrandbits = self.getrandbits
        k = n.bit_length()
        r = getrandbits(k)
        while r >= n:
            r = getrandbits(k)
        return seq[r]

    def randrange(self, start, stop=None, step=1):
        if stop is None:
            low, width = 0, start
        else:
            low, width = start, stop - start
        if step != 1 or type(width) is not int or type(low) is not int or width <= 0:
            return super().randrange(start, stop, step)
        getrandbits = self.getrandbits
        k = width.bit_length()
        r = getrandbits(k)
        while r >= width:
            r = getrandbits(k)
        return low + r


@dataclass
class Chunk:
    """One chunk of people's rows (`make_chunk`), as a worker process hands it over."""

    start: int  # the first person's number
    rows: dict[type, list]  # model: rows in its columns' order (CHUNK_TABLES)
    chi: list[tuple[str, ...]]  # each person's first CHI numbers, for write_chunk to pick
    digests: list[str]  # each access-log row's content digest (audit.chain)
    # Tables sent as PostgreSQL COPY text instead of rows (model: (text, number of rows)):
    # cheaper to hand from a worker to the writer than pickled rows (#14).
    text: dict[type, tuple[bytes, int]] = field(default_factory=dict)

    # Pickled with models by label: the many-to-many tables' models, made by Django, cannot
    # be found by their class name.
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        for name in ("rows", "text"):
            state[name] = {model._meta.label: value for model, value in state[name].items()}
        return state

    def __setstate__(self, state: dict) -> None:
        for name in ("rows", "text"):
            state[name] = {apps.get_model(label): value for label, value in state[name].items()}
        self.__dict__.update(state)


@dataclass
class Context:
    rng: random.Random
    today: datetime.date
    now: datetime.datetime
    tz: datetime.tzinfo = datetime.UTC
    teams: list = field(default_factory=list)  # (team_id, area_id, [worker ids])
    statements: list = field(default_factory=list)  # (text, flag codes)
    users: dict = field(default_factory=dict)  # user id: (full name, username, role)
    leaders: dict = field(default_factory=dict)  # team id: its team leader's id
    panel: list = field(default_factory=list)  # decision panel members' ids
    limits: dict = field(default_factory=dict)  # role: delegated limit (Decimal) or None
    seed: int = 0

    def stream(self, *parts: object) -> random.Random:
        """A random stream of its own for one part of one person's record. Decisions that
        depend on the clock (is this date past yet?) change how many numbers a part draws;
        with a stream per part, that never shifts what any other part or person gets, so a
        seed makes the same people whatever the date and time of day (#11)."""
        return Stream(":".join(str(p) for p in (self.seed, *parts)))


_R = SupportReason
# Main reasons for support by age (made-up weights for synthetic people, not national
# figures); one in twelve has none recorded yet (#14).
_REASONS_BY_AGE = (
    (
        75,
        ((_R.FRAILTY, 5), (_R.DEMENTIA, 3), (_R.PHYSICAL_AND_SENSORY, 3))
        + ((_R.PALLIATIVE_CARE, 1), (_R.CARER, 1), (_R.MENTAL_HEALTH, 1)),
    ),
    (
        65,
        ((_R.PHYSICAL_AND_SENSORY, 4), (_R.DEMENTIA, 2), (_R.FRAILTY, 2), (_R.MENTAL_HEALTH, 1))
        + ((_R.NEUROLOGICAL, 1), (_R.CARER, 1), (_R.PALLIATIVE_CARE, 1)),
    ),
    (
        0,
        ((_R.LEARNING_DISABILITY, 4), (_R.PHYSICAL_AND_SENSORY, 3), (_R.MENTAL_HEALTH, 3))
        + ((_R.AUTISM, 2), (_R.NEUROLOGICAL, 1), (_R.DRUGS, 1), (_R.ALCOHOL, 1))
        + ((_R.CARER, 1), (_R.OTHER, 1)),
    ),
)


def support_reason(rng: random.Random, age_years: int) -> str:
    """A synthetic person's main reason for support, likely for their age."""
    if rng.randrange(12) == 0:
        return ""
    weights = next(w for least, w in _REASONS_BY_AGE if age_years >= least)
    return str(rng.choices([r for r, _ in weights], [n for _, n in weights])[0])


def _ts(ctx: Context, days_ago: int) -> datetime.datetime:
    return ctx.now - datetime.timedelta(days=days_ago, seconds=ctx.rng.randrange(86_400))


def _chi_numbers(rng: random.Random, dob: datetime.date) -> Iterator[str]:
    """The valid CHI numbers for `dob` a person's stream offers, in the order it offers them."""
    born = dob.strftime("%d%m%y")
    while True:
        first = born + f"{rng.randrange(1000):03d}"
        digit = check_digit(first)
        if digit is not None:
            yield first + str(digit)


def _chi(rng: random.Random, dob: datetime.date, used: set) -> str:
    """The first CHI number the stream offers that nobody has yet (it is then taken)."""
    for chi in _chi_numbers(rng, dob):
        if chi not in used:
            used.add(chi)
            return chi
    raise AssertionError("unreachable: the stream never ends")  # pragma: no cover


def pick_chi(
    ctx: Context, n: int, dob: datetime.date, candidates: tuple[str, ...], used: set
) -> str:
    """Person `n`'s CHI number, as `_chi` picks it from their own stream ("chi", n): the
    first of `candidates` (the first numbers that stream offers) nobody has yet, or, if all
    are taken, the stream drawn again from its start."""
    for chi in candidates:
        if chi not in used:
            used.add(chi)
            return chi
    return _chi(ctx.stream("chi", n), dob, used)


def organisation(writer: BulkWriter, ctx: Context, people: int) -> None:
    """Areas, teams, workers (team leaders and practitioners) for `people` people."""
    rng = ctx.rng
    workers = max(WORKERS_PER_TEAM, people // PEOPLE_PER_WORKER)
    teams = max(1, workers // WORKERS_PER_TEAM)
    area_ids = []
    area_rows = []
    for n in range(max(len(AREAS), teams // 8)):
        name = AREAS[n % len(AREAS)] + ("" if n < len(AREAS) else f" {n // len(AREAS) + 1}")
        area_ids.append(n + 1_000_000)
        area_rows.append((n + 1_000_000, f"{name} (synthetic)"))
    writer.write(Area, ["id", "name"], area_rows)
    password = "!synthetic-no-sign-in"  # noqa: S105 - unusable: "!" never matches
    team_rows, user_rows = [], []
    joined = ctx.now - datetime.timedelta(days=800)

    def user(username: str, role: str, team_id, job_title: str):
        user_id, first, last = det_uuid(rng), rng.choice(FIRST), rng.choice(LAST)
        user_rows.append(
            (
                user_id,
                password,
                False,
                username,
                first,
                last,
                "",
                False,
                True,
                joined,
                role,
                team_id,
                job_title,
            )
        )
        ctx.users[user_id] = (f"{first} {last}", username, role)
        return user_id

    for t in range(teams):
        team_id, area_id = det_uuid(rng), area_ids[t % len(area_ids)]
        team_rows.append((team_id, f"Synthetic team {t + 1:04d}", area_id))
        worker_ids = []
        for w in range(WORKERS_PER_TEAM):
            username = f"synth-{t + 1:04d}-{w:02d}"
            if w == 0:
                ctx.leaders[team_id] = user(username, Role.TEAM_LEADER, team_id, "Team leader")
            else:
                worker_ids.append(user(username, Role.PRACTITIONER, team_id, "Social worker"))
        ctx.teams.append((team_id, area_id, worker_ids))
    for n in range(max(2, teams // TEAMS_PER_PANEL_MEMBER)):
        ctx.panel.append(
            user(f"synth-panel-{n + 1:03d}", Role.PANEL_MEMBER, None, "Resource panel member")
        )
    writer.write(Team, ["id", "name", "area"], team_rows)
    writer.write(
        User,
        [
            "id",
            "password",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "role",
            "team",
            "job_title",
            "session_generation",
        ],
        [(*row, 0) for row in user_rows],
    )
    # Casework access approved as data set-up, as the factories do (no random draw: the
    # rest of the data stays the same whatever the accounts app records).
    writer.write(
        CaseworkAccess,
        [
            "id",
            "user",
            "role",
            "team",
            "status",
            "reason",
            "granted_by",
            "granted_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "ended_by",
            "ended_at",
            "end_reason",
        ],
        [
            (
                uuid.uuid5(user_id, "casework-access"),
                user_id,
                row[10],
                row[11],
                AccessStatus.APPROVED,
                DATA_SET_UP_REASON,
                None,
                joined,
                None,
                joined,
                "",
                None,
                None,
                "",
            )
            for row in user_rows
            for user_id in (row[0],)
            if row[10] in (Role.PRACTITIONER, Role.TEAM_LEADER) and row[11] is not None
        ],
    )
    # Delegated limits for the roles (SDS-4), unless an administrator has set them already:
    # the synthetic approvals follow whatever limits the database holds.
    ctx.limits = dict(writer.role_limits())
    missing = [
        (det_uuid(rng), ctx.now, ctx.now, role, None, amount, "Synthetic data: the demo's limits")
        for role, amount in ROLE_LIMITS.items()
        if role not in ctx.limits
    ]
    writer.write(
        DelegatedLimit,
        ["id", "created_at", "updated_at", "role", "user", "amount_per_year", "note"],
        missing,
    )
    for row in missing:
        ctx.limits[row[3]] = row[5]


def make_chunk(ctx: Context, start: int, count: int, *, as_text: bool = False) -> Chunk:
    """The rows of people `start` to `start + count - 1`, ready to write but for what runs in
    order across people (`write_chunk`): each person's CHI number is left blank, with the first
    few numbers their own stream offers beside it, and the access log's rows carry no place in
    its hash chain yet, only each row's content digest. Everything else comes from the
    people's own streams, so any process can make any chunk (#14).

    With `as_text`, every table but those two comes as PostgreSQL COPY text (`Chunk.text`,
    writer.copy_text: the bytes the writer's COPY would send for the same rows)."""
    rng, today = ctx.rng, ctx.today
    rows: dict[type, list] = {
        m: []
        for m in (
            Person,
            CircleMember,
            Allocation,
            Conversation,
            MattersItem,
            WhoMatters,
            Aspiration,
            WorkingItem,
            Strength,
            PositiveChange,
            Outcome,
            OutcomeWording,
            OutcomeCheckAnswer,
            AccessLog,
            Solution,
            StepExploration,
            *casework.MODELS,
        )
    }
    later = Casework(ctx, rows)
    change_links: list[tuple] = []
    chi: list[tuple[str, ...]] = []
    aspiration_links: list[tuple] = []

    def base(days_ago: int) -> tuple:
        created = _ts(ctx, days_ago)
        return det_uuid(rng), created, created, 1

    for n in range(start, start + count):
        rng = ctx.rng = ctx.stream("person", n)
        team_id, area_id, worker_ids = ctx.teams[n % len(ctx.teams)]
        worker = worker_ids[(n // len(ctx.teams)) % len(worker_ids)]
        age_days = rng.randrange(17 * 365, 97 * 365)
        dob = today - datetime.timedelta(days=age_days)
        pid, created, _, _ = base(rng.randrange(30, 730))
        given, family = rng.choice(FIRST), rng.choice(LAST)
        rows[Person].append(
            (
                pid,
                created,
                created,
                1,
                given,
                family,
                "",
                dob,
                "",  # the CHI number: picked in person order (write_chunk)
                "",
                area_id,
                team_id,
                support_reason(ctx.stream("support-reason", n), age_days // 365),
            )
        )
        chi.append(tuple(islice(_chi_numbers(ctx.stream("chi", n), dob), CHI_CANDIDATES)))
        circle, circle_names = [], []
        for _ in range(rng.choice((1, 2, 2, 3, 4))):
            cid = det_uuid(rng)
            rel = rng.choice(RELATIONSHIPS)
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            circle.append(cid)
            circle_names.append((name, rel))
            rows[CircleMember].append(
                (
                    cid,
                    created,
                    created,
                    1,
                    pid,
                    name,
                    rel,
                    rel in ("Daughter", "Son", "Wife", "Husband"),
                    "",
                    "",
                )
            )
        person = PersonInfo(
            id=pid,
            name=f"{given} {family}",
            team=team_id,
            worker=worker,
            first_conversation=None,
            first_held=today,
            circle=circle_names,
        )
        start_date = created.date()
        rows[Allocation].append(
            (det_uuid(rng), created, created, 1, pid, worker, "Allocated worker", start_date, None)
        )
        if rng.random() < 0.15:
            other = worker_ids[(n + 1) % len(worker_ids)]
            rows[Allocation].append(
                (
                    det_uuid(rng),
                    created,
                    created,
                    1,
                    pid,
                    other,
                    "Occupational therapist",
                    start_date,
                    start_date + datetime.timedelta(days=60),
                )
            )
        for _ in range(rng.choice((1, 1, 2))):
            conv_id = det_uuid(rng)
            held = start_date + datetime.timedelta(days=rng.randrange(0, 20))
            held = min(held, today)
            at = created + datetime.timedelta(days=(held - start_date).days)
            rows[Conversation].append(
                (
                    conv_id,
                    at,
                    at,
                    1,
                    pid,
                    held,
                    "At home",
                    True,
                    "I want to stay in my own home and see my friends.",
                    worker,
                )
            )
            if person.first_conversation is None or held < person.first_held:
                person.first_conversation, person.first_held = conv_id, held

            def item(model, text, *extra, _conv=conv_id, _at=at, _pid=pid, _rng=rng):
                iid = det_uuid(_rng)
                rows[model].append((iid, _at, _at, 1, _pid, _conv, text, *extra))
                return iid

            item(MattersItem, rng.choice(WHAT_MATTERS), "what")
            item(MattersItem, rng.choice(WHERE_MATTERS), "where")
            item(WhoMatters, "Someone they see often", rng.choice(circle))
            asp = item(Aspiration, rng.choice(ASPIRATIONS)) if rng.random() < 0.5 else None
            item(WorkingItem, rng.choice(WORKING), True, rng.choice(PERSPECTIVES))
            nw = item(WorkingItem, rng.choice(NOT_WORKING), False, rng.choice(PERSPECTIVES))
            item(Strength, rng.choice(STRENGTHS), "strength")
            change = item(PositiveChange, rng.choice(CHANGES))
            change_links.append((change, nw))
            if asp:
                aspiration_links.append((change, asp))
            for _ in range(rng.choice((1, 2, 2, 3))):
                text, codes = rng.choice(ctx.statements)
                oid = det_uuid(rng)
                target = held + datetime.timedelta(days=rng.randrange(60, 365))
                baseline = "" if "no_baseline" in codes else "At the moment this happens rarely"
                outcome = OutcomeInfo(
                    id=oid,
                    row=len(rows[Outcome]),
                    conversation=conv_id,
                    change=change,
                    opened=held,
                    statement=text,
                )
                person.outcomes.append(outcome)
                rows[Outcome].append(
                    (
                        oid,
                        at,
                        at,
                        1,
                        pid,
                        conv_id,
                        change,
                        text,
                        baseline,
                        "Seen at review",
                        target,
                        "",
                        _OPEN,
                        None,
                        sorted(codes),
                    )
                )
                rows[OutcomeWording].append(
                    (
                        det_uuid(rng),
                        at,
                        at,
                        oid,
                        1,
                        text,
                        baseline,
                        "Seen at review",
                        target,
                        worker,
                    )
                )
                for step in rng.sample(STEP_ORDER, rng.choice((1, 2, 3))):
                    paid = step in PAID_STEPS
                    cost = money(rng.uniform(20, 400)) if paid and rng.random() < 0.7 else None
                    sid, what = det_uuid(rng), rng.choice(SOLUTIONS[step])
                    status = rng.choice(SOLUTION_STATUSES)
                    outcome.solutions.append(
                        SolutionInfo(
                            id=sid,
                            row=len(rows[Solution]),
                            step=step.value,
                            cost=cost,
                            status=status.value,
                            what=what,
                        )
                    )
                    rows[Solution].append(
                        (
                            sid,
                            at,
                            at,
                            1,
                            pid,
                            oid,
                            step,
                            what,
                            "",
                            cost,
                            _WEEK if cost is not None else "",
                            status,
                            None,
                            "",
                        )
                    )
                    rows[StepExploration].append(
                        (
                            det_uuid(rng),
                            at,
                            at,
                            1,
                            pid,
                            oid,
                            step,
                            _EXPLORED,
                            "",
                            worker,
                        )
                    )
                if rng.random() < 0.3:
                    rows[StepExploration].append(
                        (det_uuid(rng), at, at, 1, pid, oid, "nothing", "", "", worker)
                    )
                for question in QUESTIONS:
                    rows[OutcomeCheckAnswer].append(
                        (
                            det_uuid(rng),
                            at,
                            at,
                            1,
                            oid,
                            question,
                            rng.choice(("yes", "yes", "no", "not_sure")),
                            "",
                            "",
                            "",
                            worker,
                        )
                    )
        # The access log those activities would create: a handful of reads and changes.
        full, username, _ = ctx.users[worker]
        for _ in range(rng.randrange(3, 9)):
            at = _ts(ctx, rng.randrange(0, (today - start_date).days + 1))
            action = rng.choice(("view", "view", "change"))
            rows[AccessLog].append(
                (
                    det_uuid(rng),
                    at,
                    worker,
                    f"{full} ({username})",
                    _PRACTITIONER,
                    action,
                    pid,
                    "people:detail" if action == "view" else "people:edit",
                    "GET" if action == "view" else "POST",
                    "Allocated worker",
                    False,
                    None,
                )
            )
        # What happened next: reviews, SDS choices and budgets, unmet need, risks.
        later.person(person, n)
    explored: dict = {}
    explorations: list = []
    for row in rows[StepExploration]:
        if row[6] == "nothing":  # the first step not already explored: nothing suitable
            taken = explored.setdefault(row[5], set())
            next_step = next((s for s in STEP_ORDER if s not in taken), None)
            if next_step is None:
                continue
            row = (
                *row[:6],
                next_step,
                ExplorationState.NOTHING_SUITABLE,
                "No group near enough",
                row[9],
            )
        explored.setdefault(row[5], set()).add(row[6])
        explorations.append(row)
    rows[StepExploration] = explorations
    rows[PositiveChange.from_not_working.through] = change_links
    rows[PositiveChange.from_aspirations.through] = aspiration_links
    made = Chunk(
        start=start,
        rows=rows,
        chi=chi,
        digests=chain.content_digests(AccessLog, ACCESS_COLUMNS, rows[AccessLog]),
    )
    if as_text:
        for model, columns in CHUNK_TABLES:
            if model is not Person and model is not AccessLog:
                made.text[model] = (copy_text(model, columns, rows[model]), len(rows[model]))
                rows[model] = []
    return made


def write_chunk(writer: BulkWriter, ctx: Context, chunk: Chunk, used_chi: set) -> None:
    """Write a chunk made by `make_chunk`, in person order: each person gets the first of
    their CHI numbers nobody has yet (as `_chi` picks it), and the access log's rows join
    its hash chain from their content digests. Tables a worker sent as COPY text
    (`Chunk.text`) go to the database as they are."""
    rows = chunk.rows
    people = rows[Person]
    for i, (row, candidates) in enumerate(zip(people, chunk.chi, strict=True)):
        number = pick_chi(ctx, chunk.start + i, row[7], candidates, used_chi)
        people[i] = (*row[:8], number, *row[9:])
    for model, columns in CHUNK_TABLES:
        if model in chunk.text:
            writer.write_text(model, columns, *chunk.text[model])
        elif model is AccessLog:
            writer.write(model, columns, rows[model], digests=chunk.digests)
        else:
            writer.write(model, columns, rows[model])
    for extend in EXTENSIONS:
        extend(writer, ctx, rows)


ACCESS_COLUMNS = [
    "id",
    "at",
    "actor",
    "actor_name",
    "actor_role",
    "action",
    "person_id",
    "what",
    "method",
    "reason",
    "break_glass",
    "ip_address",
]

_ITEM_COLUMNS = ["id", "created_at", "updated_at", "version", "person", "conversation", "text"]

# The tables of a chunk in the order they are written (parents first), with their columns.
CHUNK_TABLES: list[tuple[type, list[str]]] = [
    (
        Person,
        [
            "id",
            "created_at",
            "updated_at",
            "version",
            # In the order of make_chunk's rows (not PERSON_FIELDS, which may change order).
            "given_name",
            "family_name",
            "preferred_name",
            "date_of_birth",
            "chi_number",
            "communication_needs",
            "area",
            "team",
            "support_reason",
        ],
    ),
    (
        CircleMember,
        [
            "id",
            "created_at",
            "updated_at",
            "version",
            "person",
            "name",
            "relationship",
            "is_unpaid_carer",
            "contact",
            "notes",
        ],
    ),
    (
        Allocation,
        [
            "id",
            "created_at",
            "updated_at",
            "version",
            "person",
            "worker",
            "description",
            "start_date",
            "end_date",
        ],
    ),
    (
        Conversation,
        [
            "id",
            "created_at",
            "updated_at",
            "version",
            "person",
            "held_on",
            "place",
            "person_took_part",
            "narrative",
            "recorded_by",
        ],
    ),
    (MattersItem, [*_ITEM_COLUMNS, "kind"]),
    (WhoMatters, [*_ITEM_COLUMNS, "circle_member"]),
    (Aspiration, _ITEM_COLUMNS),
    (WorkingItem, [*_ITEM_COLUMNS, "is_working", "perspective"]),
    (Strength, [*_ITEM_COLUMNS, "kind"]),
    (PositiveChange, _ITEM_COLUMNS),
    (PositiveChange.from_not_working.through, ["positivechange", "workingitem"]),
    (PositiveChange.from_aspirations.through, ["positivechange", "aspiration"]),
    (
        Outcome,
        [
            "id",
            "created_at",
            "updated_at",
            "version",
            "person",
            "conversation",
            "positive_change",
            "statement",
            "baseline",
            "measure",
            "target_date",
            "assessed_need",
            "status",
            "replaces",
            "checker_codes",
        ],
    ),
    (
        OutcomeWording,
        [
            "id",
            "created_at",
            "updated_at",
            "outcome",
            "number",
            "statement",
            "baseline",
            "measure",
            "target_date",
            "written_by",
        ],
    ),
    (
        OutcomeCheckAnswer,
        [
            "id",
            "created_at",
            "updated_at",
            "version",
            "outcome",
            "question",
            "answer",
            "note",
            "suggested",
            "suggestion_reason",
            "answered_by",
        ],
    ),
    (
        Solution,
        [
            "id",
            "created_at",
            "updated_at",
            "version",
            "person",
            "outcome",
            "step",
            "what",
            "who",
            "cost",
            "cost_period",
            "status",
            "community_resource",
            "notes",
        ],
    ),
    (
        StepExploration,
        [
            "id",
            "created_at",
            "updated_at",
            "version",
            "person",
            "outcome",
            "step",
            "state",
            "note",
            "changed_by",
        ],
    ),
    *((model, columns) for model, columns in casework.COLUMNS.items()),
    (AccessLog, ACCESS_COLUMNS),
]

# Other parts of the product add their synthetic rows here: each gets the chunk's rows.
EXTENSIONS: list[Callable[[BulkWriter, Context, dict], None]] = []


def statement_bank() -> list[tuple[str, frozenset[str]]]:
    """Outcome wording: the checker's labelled development set — a realistic mix of well
    and poorly written outcomes — with the codes the checker finds in each."""
    return [(ex.text, frozenset(f.code for f in check(ex.text).flags)) for ex in load(DEV_SET)]


def new_context(seed: int) -> Context:
    """The context of a run for `seed`, before the organisation is made."""
    # Everything made happened by the end of yesterday: the time of day never decides
    # whether an event is in the past yet, so only the date moves what is made (#11).
    tz = timezone.get_current_timezone()
    midnight = datetime.datetime.combine(timezone.localdate(), datetime.time(0), tzinfo=tz)
    ctx = Context(
        rng=Stream(seed),
        today=midnight.date() - datetime.timedelta(days=1),
        now=midnight,
        tz=tz,
        seed=seed,
    )
    ctx.statements = statement_bank()
    return ctx


def generate(
    writer: BulkWriter,
    *,
    people: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
    workers: int = 0,
) -> None:
    """Make `people` synthetic people for `seed` and write them with `writer`. With
    `workers` > 0 the chunks are made by that many worker processes (nonprod/synth/
    workers.py) while this one writes; the rows are the same whatever the number."""
    ctx = new_context(seed)
    organisation(writer, ctx, people)
    used_chi: set[str] = set()
    spans = [(start, min(CHUNK, people - start)) for start in range(0, people, CHUNK)]
    # From worker processes, on PostgreSQL, the chunks after the first (whose rows the
    # writer keeps samples of) come as COPY text; any extension needs the rows themselves.
    as_text = writer.takes_text() and not EXTENSIONS
    made: Generator[Chunk, None, None] = (
        chunks(
            ctx, spans, min(workers, len(spans)), as_text=as_text
        )  # no more processes than chunks
        if workers > 0 and spans
        else (make_chunk(ctx, start, count) for start, count in spans)
    )
    with contextlib.closing(made):
        for chunk in made:
            write_chunk(writer, ctx, chunk, used_chi)
            if progress:
                progress(chunk.start + len(chunk.chi))


def money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")
