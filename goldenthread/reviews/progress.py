"""Progress of one outcome across reviews (REV-1): plain data built from rows already read,
so it costs no queries. An outcome rewritten at a review carries the progress of its
earlier wordings, so the history reads from the first wording to now."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from goldenthread.core.formatting import date_text

from . import presenters
from .models import OutcomeReview, PersonView, ReviewStatus


@dataclass
class ViewLine:
    """The person's own view at a review, shown as theirs."""

    attribution: str
    rating: str
    rating_text: str
    words: str
    at: datetime.datetime
    # The view itself (a PersonView, or the golden thread's value row of it): the person's
    # comments on it are shown beside it (#12).
    view: PersonView | Any = None


@dataclass
class ProgressPoint:
    review_id: object
    outcome_id: object
    held_on: datetime.date
    rating: str
    rating_text: str
    rating_colour: str
    measure_value: Decimal | None
    measure_text: str
    evidence: str
    decision_text: str
    statement: str
    earlier_wording: bool
    views: list[ViewLine] = field(default_factory=list)

    @property
    def held_on_text(self) -> str:
        """ "3 Mar 2026", as the progress table writes it."""
        return date_text(self.held_on, short_month=True)

    @property
    def their_rating_text(self) -> str:
        rated = [v for v in self.views if v.rating]
        return rated[-1].rating_text if rated else ""


def chain_of(outcome, outcomes_by_id: dict) -> list:
    """The outcome and every earlier wording it was rewritten from, oldest first."""
    chain = [outcome]
    seen = {outcome.pk}
    while (
        chain[0].replaces_id
        and chain[0].replaces_id in outcomes_by_id
        and chain[0].replaces_id not in seen
    ):
        earlier = outcomes_by_id[chain[0].replaces_id]
        seen.add(earlier.pk)
        chain.insert(0, earlier)
    return chain


def view_lines(views: Iterable[Any], person) -> list[ViewLine]:
    """`views`: PersonViews, or rows with their rating, in_their_words, whose_words,
    speaker_name and at."""
    return [
        ViewLine(
            attribution=presenters.view_attribution(v, person),
            rating=v.rating,
            rating_text=presenters.rating_text(v.rating) if v.rating else "",
            words=v.in_their_words,
            at=v.at,
            view=v,
        )
        for v in views
    ]


def _loaded_review(row: OutcomeReview) -> tuple[str, datetime.date]:
    return row.review.status, row.review.held_on


def progress_points(
    chain: list,
    outcome_reviews: Iterable[Any],
    views: Iterable[Any],
    person,
    *,
    completed_only: bool = True,
    review_of: Callable[[Any], tuple[str, datetime.date]] = _loaded_review,
) -> list[ProgressPoint]:
    """One point per review of the outcome or its earlier wordings, oldest first.
    `outcome_reviews`: OutcomeReviews with `review` loaded, or rows (review_id, outcome_id,
    rating, new_measure_value, evidence, decision) whose review's status and date
    `review_of(row)` gives (the golden thread's value rows, #19); `views` as view_lines
    takes them. `chain`: outcomes or rows with pk and statement."""
    ids = [o.pk for o in chain]
    current = chain[-1].pk
    statements = {o.pk: o.statement for o in chain}
    views_by_key: dict[tuple, list[Any]] = {}
    for view in views:
        if view.outcome_id in statements:
            views_by_key.setdefault((view.review_id, view.outcome_id), []).append(view)
    points = []
    for row in outcome_reviews:
        if row.outcome_id not in statements:
            continue
        status, held_on = review_of(row)
        if completed_only and status != ReviewStatus.COMPLETED:
            continue
        points.append(
            ProgressPoint(
                review_id=row.review_id,
                outcome_id=row.outcome_id,
                held_on=held_on,
                rating=row.rating,
                rating_text=presenters.rating_text(row.rating),
                rating_colour=presenters.RATING_TAG_COLOUR.get(row.rating, "grey"),
                measure_value=row.new_measure_value,
                measure_text=presenters.measure_text(row.new_measure_value),
                evidence=row.evidence,
                decision_text=presenters.DECISION_TEXT.get(row.decision, ""),
                statement=statements[row.outcome_id],
                earlier_wording=row.outcome_id != current,
                views=view_lines(views_by_key.get((row.review_id, row.outcome_id), []), person),
            )
        )
    points.sort(key=lambda p: (p.held_on, ids.index(p.outcome_id)))
    return points
