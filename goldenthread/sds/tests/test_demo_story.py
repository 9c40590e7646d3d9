"""The demo tells a coherent story (#16): budgets asked for are within sight of the likely
budget each person was told; a young adult's circle fits their age; and the plan of every
demo person with an agreed budget never says its support costs nothing."""

from __future__ import annotations

from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone

from goldenthread.people.models import CircleMember, Person
from goldenthread.record.plan import build_plan
from goldenthread.sds.models import RequestStatus


def test_the_demo_story_holds_together(db, pinned_clock):
    from goldenthread.nonprod.demo import load_demo_data

    load_demo_data()
    today = timezone.localdate()
    checked = 0
    for person in Person.objects.filter(indicative_budgets__isnull=False).distinct():
        likely = person.indicative_budgets.order_by("-told_on").first().amount
        for budget_request in person.budget_requests.all():
            ratio = budget_request.total_per_year / likely
            assert Decimal("0.4") <= ratio <= Decimal("1.6"), (
                person.pk,
                budget_request.total_per_year,
                likely,
            )
            checked += 1
    assert checked >= 5
    for member in CircleMember.objects.select_related("person"):
        born = member.person.date_of_birth
        age = (today - born).days // 365
        if age < 35:
            assert member.relationship not in {"Daughter", "Son", "Wife", "Husband"}, (
                age,
                member.relationship,
            )
    agreed = Person.objects.filter(budget_requests__status=RequestStatus.APPROVED).distinct()
    assert agreed.exists()
    for person in agreed:
        plan = build_plan(person)
        html = render_to_string("support/_plan_body.html", {"plan": plan, "person": person})
        easy = render_to_string("support/_plan_easy_body.html", {"plan": plan})
        assert "None of the agreed support costs money" not in html
        assert "does not cost money" not in easy
