"""Reads about outcomes, starting from a person already opened through the scoped door."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Outcome, OutcomeCheckAnswer


def outcome_for_person(person, outcome_id) -> Outcome | None:
    return (
        person.outcomes.select_related("positive_change", "conversation")
        .prefetch_related("check_answers")
        .filter(pk=outcome_id)
        .first()
    )


def check_answers(outcome: Outcome) -> dict[str, OutcomeCheckAnswer]:
    """The saved step-5 answers of an outcome, by question, read fresh."""
    return {
        a.question: a
        for a in OutcomeCheckAnswer.objects.filter(outcome=outcome).select_related("answered_by")
    }


def check_answers_for(outcome_ids) -> dict:
    """The step-5 answers of several outcomes, by outcome id: one query."""
    found: dict = {}
    for answer in OutcomeCheckAnswer.objects.filter(outcome_id__in=list(outcome_ids)):
        found.setdefault(answer.outcome_id, []).append(answer)
    return found


def outcomes_summary(person):
    return (
        person.outcomes.select_related("conversation")
        .with_check_progress()
        .order_by("status", "created_at")
    )


@dataclass
class Thread:
    """One outcome's golden thread back to what matters (OS-6)."""

    positive_change: object
    not_working: list
    aspirations: list
    what_matters: list
    who_matters: list


def thread_for_outcome(outcome: Outcome) -> Thread:
    change = outcome.positive_change
    conversation = outcome.conversation
    return Thread(
        positive_change=change,
        not_working=list(change.from_not_working.all()),
        aspirations=list(change.from_aspirations.all()),
        what_matters=list(conversation.mattersitem_set.all()),
        who_matters=list(conversation.whomatters_set.select_related("circle_member")),
    )
