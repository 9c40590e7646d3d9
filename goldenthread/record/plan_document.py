"""The support plan (SPEC SS-6, P-5) as plain data: what `record.plan.build_plan` returns and
every copy of the plan renders (on screen, as a PDF, in easy read).

What it holds: the person's name and "About me" basics (how to communicate with them);
what matters, where matters, who matters and their hopes (Outcome Sequence step 1, from
every conversation); each open outcome with its starting point, how we will know, by when,
what they have tried already and their ideas, and its solutions grouped by Support
Sequence step with who does what and the cost; and the costs added up (Decimal).

Sections from the other domain apps, `None` or empty when nothing is recorded, each a
`PlanSection` so every rendering shows them without new templates (build_plan reads them
from each app directly: record/plan_sds.py, plan_risk.py, plan_accountability.py):
    `risks`        RISK-1: what could go wrong, what good it brings, what was agreed
    `sds_choices`  SDS-1/2: the options explained, the person's choice and why
    `budget`       SDS-3: indicative and agreed budget, the person's contribution
    `decisions`    SDS-5: decisions that affect the person's choices, support or budget
    `sections`     any further PlanSection, shown after those, in order (needs not met
                   yet, moves, advocacy, what was agreed)
    `funding`      the agreed budget in numbers, for the sentences about money
    `about_me_media`  About me's pictures, sound and video (record/plan_about_me.py)

A PlanSection has a standard title (for example "Risks we talked about") and an easy-read
title written as a question ("What could go wrong?"); each item has a `label`, the `text`
and an optional `easy_text` (short sentences, everyday words) used in the easy-read
version. Text is data: templates escape it, so the person's own words always appear
literally, never as markup.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from goldenthread.support.models import CURRENT_STATUSES

from .presenters import MoneyWords, plan_money_words

# The plan's own words about the person: one text for every reader, or (to the person, about
# them by name) where the second names the person with `{name}`.
PlanWords = str | tuple[str, str]


class PlanReader(Protocol):
    """Whom the plan's own words (its titles, labels and sentences, never what anyone
    recorded) speak to: the person, as "you", or a proxy, to whom the person is named
    (portal.reader_words.Reader is one)."""

    @property
    def is_person(self) -> bool: ...

    def say(self, words: PlanWords) -> str: ...


class _ToThePerson:
    is_person = True

    def say(self, words: PlanWords) -> str:
        return words if isinstance(words, str) else words[0]


# The plan as written (staff's pages and PDF): it speaks to the person ("you", "your
# budget"), and a few fixed words speak of "the person" (`in_persons_copy`).
TO_THE_PERSON: PlanReader = _ToThePerson()


def in_persons_copy(reader: PlanReader) -> bool:
    """Whether the plan is the person's own copy (or a proxy's), read in the portal: then
    even the words written about "the person" are to its reader."""
    return reader is not TO_THE_PERSON


@dataclass(frozen=True)
class PlanRef:
    """Names the item of the record a part of the plan shows, (app_label.Model, pk), so the
    person's own words about it are shown beside it (#12, P-2)."""

    words_ref: tuple[str, Any]


class PlanText(str):
    """A line of the plan in the words recorded (it is the string), naming its item."""

    words_ref: tuple[str, Any] | None

    def __new__(cls, text: str, words_ref: tuple[str, Any] | None = None) -> PlanText:
        made = super().__new__(cls, text)
        made.words_ref = words_ref
        return made


@dataclass(frozen=True)
class PlanItem:
    label: str
    text: str
    easy_text: str = ""
    # Which item it shows (not part of what it says, so not compared).
    words_ref: tuple[str, Any] | None = field(default=None, compare=False)


@dataclass
class PlanSection:
    key: str
    title: str
    easy_title: str
    items: list[PlanItem] = field(default_factory=list)
    intro: str = ""
    easy_intro: str = ""


@dataclass(frozen=True)
class PlanSolution:
    what: str
    who: str
    step: str
    step_label: str
    status: str
    status_label: str
    easy_status: str
    cost: Decimal | None
    cost_period: str
    cost_text: str
    community_resource: str
    notes: str
    pk: Any = None
    # Set when an agreed budget pays for it: "£80.00 a week from your budget".
    funded_text: str = ""

    @property
    def words_ref(self) -> tuple[str, Any] | None:
        return ("support.Solution", self.pk) if self.pk is not None else None

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STATUSES


@dataclass
class PlanStep:
    step: str
    number: int
    label: str
    easy_label: str
    state: str
    status_text: str
    nothing_suitable_note: str
    solutions: list[PlanSolution]


@dataclass
class PlanOutcome:
    statement: str
    baseline: str
    measure: str
    target_date: datetime.date | None
    target_date_text: str
    tried_already: str
    own_ideas: str
    plan_type_label: str
    steps: list[PlanStep]
    pk: Any = None
    # What they have tried and their ideas (support.SupportPlanning), when recorded.
    planning: PlanRef | None = None

    @property
    def words_ref(self) -> tuple[str, Any] | None:
        return ("outcomes.Outcome", self.pk) if self.pk is not None else None

    @property
    def current_solutions(self) -> list[PlanSolution]:
        return [s for step in self.steps for s in step.solutions if s.is_current]

    @property
    def earlier_solutions(self) -> list[PlanSolution]:
        """Tried and stopped, or declined: kept so the person sees the whole story."""
        return [s for step in self.steps for s in step.solutions if not s.is_current]

    @property
    def steps_with_solutions(self) -> list[PlanStep]:
        return [s for s in self.steps if any(x.is_current for x in s.solutions)]


@dataclass(frozen=True)
class CostLine:
    period: str
    label: str
    amount: Decimal
    amount_text: str


@dataclass
class PlanCosts:
    """Costs of agreed and in-place solutions, per period and as an estimate for a year
    (a week x 52, a month x 12, a year x 1, one-off costs once). Ideas not yet agreed are
    counted separately: they are not part of the plan's cost until agreed."""

    lines: list[CostLine]
    year_total: Decimal
    year_total_text: str
    ideas_year_total: Decimal
    ideas_year_total_text: str
    costed_count: int
    # Paid each time it is used: shown, never guessed into the year's estimate.
    per_session: Decimal = Decimal("0.00")

    @property
    def has_costs(self) -> bool:
        return bool(self.costed_count)


@dataclass(frozen=True)
class PlanFunding:
    """The agreed budget, in numbers, read from the SDS app (SDS-3, plan_sds.funding): what
    it is a year, and what each budget line pays for a solution ({solution pk: (amount,
    period)}).
    The plan's sentences about money are worked out from this and PlanCosts together."""

    agreed_per_year: Decimal
    by_solution: dict[Any, list[tuple[Decimal, str]]] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanMedia:
    """A picture, sound recording or video from the person's About me (P-4, Std 4.3), for
    the plan: what it shows in their words, its checked type (set at upload from its
    content), and `read`, which returns its bytes through the storage API (never a URL
    or a path), at most `limit` bytes, or None when it is larger or gone."""

    kind: str  # "image", "audio" or "video"
    description: str
    content_type: str
    read: Callable[[int], bytes | None] = field(compare=False, repr=False)
    # Its id on the record, for the record's own permission-checked, logged file view.
    media_id: Any = None


@dataclass
class PlanDocument:
    person_name: str
    full_name: str
    communication_needs: str
    prepared_on: datetime.date
    what_matters: list[str]
    where_matters: list[str]
    who_matters: list[PlanItem]
    aspirations: list[str]
    outcomes: list[PlanOutcome]
    costs: PlanCosts
    helpers: list[str]
    # From the other domain apps: see the module docstring.
    risks: PlanSection | None = None
    sds_choices: PlanSection | None = None
    budget: PlanSection | None = None
    decisions: PlanSection | None = None
    sections: list[PlanSection] = field(default_factory=list)
    funding: PlanFunding | None = None
    # The person's details (how to communicate with them): their words about it beside it.
    details: PlanRef | None = None
    # About me's pictures, sound and video (record/plan_about_me.py, #12).
    about_me_media: list[PlanMedia] = field(default_factory=list)
    # Whom its own words speak to (build_plan's `reader`).
    reader: PlanReader = field(default=TO_THE_PERSON, compare=False, repr=False)

    @property
    def money(self) -> MoneyWords:
        return plan_money_words(self.costs, self.funding, self.reader)

    @property
    def extra_sections(self) -> list[PlanSection]:
        named = [self.risks, self.sds_choices, self.budget, self.decisions]
        return [s for s in named if s is not None] + list(self.sections)

    @property
    def solution_count(self) -> int:
        return sum(len(s.solutions) for o in self.outcomes for s in o.steps)
