"""The reports by topic (AGG-1..3, OPS-3, #14): `/reports/` is an index of topics, each
topic a page of its own at `/reports/<topic>/` with a few tables.

A page reads only its own tables' stored figures, so a request stays cheap at council and
national size; every table is still a slice of its one protected cube (disclosure.py), and
its CSV and the bundle are unchanged (`/reports/<table>.csv`, `/reports/all.zip`)."""

from __future__ import annotations

from dataclasses import dataclass

from . import selectors
from .selectors import Measure


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    summary: str
    measures: tuple[Measure, ...]


TOPICS: tuple[Topic, ...] = (
    Topic(
        "what-matters",
        "What matters and outcomes, by national domain",
        "What matters to people and their outcomes, coded to the Talking Points domains "
        "for adults and the SHANARRI wellbeing indicators for children and young people.",
        (selectors.WHAT_MATTERS_DOMAINS, selectors.OUTCOME_DOMAINS),
    ),
    Topic(
        "outcomes",
        "Outcomes and recording quality",
        "Outcomes recorded, what the outcome checker found, and outcomes agreed with the person.",
        (selectors.OUTCOME_QUALITY, selectors.OUTCOME_FLAGS, selectors.OUTCOME_AGREEMENT),
    ),
    Topic(
        "support-sequence",
        "The Support Sequence",
        "Which steps of the Support Sequence the solutions came from, and outcomes achieved "
        "without paid support.",
        (selectors.SUPPORT_STEPS, selectors.MET_WITHOUT_PAID),
    ),
    Topic(
        "sds",
        "Self-directed Support options",
        "SDS options explained and chosen, the mixes chosen under option 4, and first "
        "choices not delivered.",
        (
            selectors.SDS_EXPLAINED,
            selectors.SDS_CHOSEN,
            selectors.SDS_MIXES,
            selectors.FIRST_CHOICE,
        ),
    ),
    Topic(
        "unmet-need",
        "Unmet need",
        "Unmet need by kind and reason, each month, and how long it took to be met.",
        (selectors.UNMET_NEED, selectors.UNMET_TREND, selectors.UNMET_TIME),
    ),
    Topic(
        "reviews",
        "Reviews",
        "Outcome progress at review, the person's rating beside the worker's, and whether "
        "reviews are on time.",
        (selectors.REVIEW_PROGRESS, selectors.REVIEW_TIMELINESS),
    ),
    Topic(
        "budgets",
        "Budgets and the decision panel",
        "How long budget decisions took and the answer, budgets agreed against those "
        "requested, and waits for the decision panel.",
        (selectors.BUDGET_DECISIONS, selectors.BUDGET_AMOUNTS, selectors.PANEL_WAITS),
    ),
    Topic(
        "advocacy-challenges",
        "Advocacy, challenges and complaints",
        "Independent advocacy from identified to started, and challenges and complaints by "
        "stage and outcome.",
        (selectors.ADVOCACY, selectors.CHALLENGES),
    ),
    Topic(
        "moves",
        "Moves and transitions",
        "Moves planned around outcomes: into adult services, into care homes and to other areas.",
        (selectors.TRANSITIONS, selectors.TRANSITIONS_LINKED),
    ),
)

BY_SLUG = {t.slug: t for t in TOPICS}
TOPIC_OF = {m.key: t for t in TOPICS for m in t.measures}
