"""Recording quality per worker, for a team leader (AGG-5): outcomes with open checker
flags, support checklists not completed, plans the person has never agreed, reviews
overdue — for the people each worker is
allocated to now, within what the team leader may open (`Person.objects.visible_to`).

This is the one report that names people: it is for the team leader of those people,
links only to records they may open, and the page logs the list it shows."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from goldenthread.accounts.models import Role, User
from goldenthread.outcomes.models import Agreed, Agreement, Outcome, OutcomeStatus
from goldenthread.people.models import Allocation, Person, active_on
from goldenthread.reviews.models import ReviewSchedule
from goldenthread.support.models import ChecklistQuestion

ISSUES = (
    ("flagged", "Open outcomes with checker flags"),
    ("checklist", "Open outcomes with the support checklist not completed"),
    ("unagreed", "Plans the person has never agreed"),
    ("overdue", "Reviews overdue"),
)


@dataclass
class WorkerQuality:
    worker: User
    people: dict[str, list[Person]] = field(default_factory=dict)

    def count(self, issue: str) -> int:
        return len(self.people.get(issue, []))

    @property
    def sections(self) -> list[tuple[str, list[Person]]]:
        return [(label, self.people.get(issue, [])) for issue, label in ISSUES]

    @property
    def counts(self) -> list[int]:
        return [self.count(issue) for issue, _ in ISSUES]


def recording_quality(user, today: datetime.date) -> list[WorkerQuality]:
    visible = Person.objects.visible_to(user)
    workers = list(
        User.objects.filter(
            team_id=user.team_id, is_active=True, role__in=[Role.PRACTITIONER, Role.TEAM_LEADER]
        ).order_by("last_name", "first_name")
    )
    allocations = Allocation.objects.filter(
        active_on(today), person__in=visible, worker__in=workers
    ).values_list("worker_id", "person_id")
    workers_of: dict = defaultdict(set)
    for worker_id, person_id in allocations:
        workers_of[person_id].add(worker_id)
    people = {p.pk: p for p in visible.filter(pk__in=list(workers_of))}
    open_outcomes = Outcome.objects.filter(person_id__in=list(people), status=OutcomeStatus.OPEN)
    flagged = set(open_outcomes.exclude(checker_codes=[]).values_list("person_id", flat=True))
    answered = Count(
        "support_checklist_answers", filter=~Q(support_checklist_answers__answer=""), distinct=True
    )
    checklist = set(
        open_outcomes.annotate(answered=answered)
        .filter(answered__lt=len(ChecklistQuestion.values))
        .values_list("person_id", flat=True)
    )
    # A plan (open outcomes) with no agreement of the plan as a whole (ACC-4) that says
    # "Agreed" or "Agreed with some of it", by the person, their family or a proxy.
    with_plan = set(open_outcomes.values_list("person_id", flat=True))
    agreed = set(
        Agreement.objects.filter(
            person_id__in=list(with_plan),
            outcome__isnull=True,
            agreed__in=[Agreed.YES, Agreed.PARTLY],
        ).values_list("person_id", flat=True)
    )
    unagreed = with_plan - agreed
    overdue = set(
        ReviewSchedule.objects.filter(
            person_id__in=list(people), next_review_on__lt=today
        ).values_list("person_id", flat=True)
    )
    rows = {w.pk: WorkerQuality(w, {issue: [] for issue, _ in ISSUES}) for w in workers}
    found_by_issue = {
        "flagged": flagged,
        "checklist": checklist,
        "unagreed": unagreed,
        "overdue": overdue,
    }
    for issue, found in found_by_issue.items():
        for person_id in sorted(found, key=lambda pid: people[pid].display_name):
            for worker_id in workers_of[person_id]:
                rows[worker_id].people[issue].append(people[person_id])
    return list(rows.values())
