"""P-1, SDS-5: everything a worker writes about the person appears in the person's view,
through the one list of item kinds (portal/items.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from conftest import sign_in
from goldenthread.core.scoped_queries import person_data_models
from goldenthread.portal.factories import RecordLinkFactory
from goldenthread.portal.items import ITEM_TYPES, NOT_SHOWN_SEPARATELY, item_rows


def test_every_model_of_a_persons_data_is_shown_or_says_where():
    labels = {m._meta.label for m in person_data_models()}
    listed = {t.label for t in ITEM_TYPES}
    missing = labels - listed - set(NOT_SHOWN_SEPARATELY)
    assert not missing, f"add {sorted(missing)} to portal/items.py ITEM_TYPES (or say why not)"
    assert not (listed & set(NOT_SHOWN_SEPARATELY))
    assert listed | set(NOT_SHOWN_SEPARATELY) <= labels | {"people.Person"}


@pytest.fixture
def every_item(full_record, person):
    """The full record plus one of each kind of item the fixture does not make."""
    from goldenthread.conversations.factories import (
        AspirationFactory,
        MattersItemFactory,
        StrengthFactory,
        WhoMattersFactory,
    )
    from goldenthread.outcomes.models import Outcome
    from goldenthread.reviews.factories import (
        OutcomeReviewFactory,
        PersonViewFactory,
        SolutionReviewFactory,
    )
    from goldenthread.reviews.models import Review
    from goldenthread.sds.factories import IndicativeBudgetFactory
    from goldenthread.sds.models import SdsChoice
    from goldenthread.support.factories import StepExplorationFactory, SupportPlanningFactory
    from goldenthread.support.models import Solution

    person.communication_needs = "Uses a hearing aid"
    person.save()
    outcome = Outcome.objects.get(pk=full_record["outcome_id"])
    conversation = outcome.positive_change.conversation
    member = person.circle.get()
    for make in (MattersItemFactory, AspirationFactory, StrengthFactory):
        make(conversation=conversation)
    WhoMattersFactory(conversation=conversation, circle_member=member)
    SupportPlanningFactory(outcome=outcome, person=person)
    StepExplorationFactory(outcome=outcome, person=person, note="Nothing nearby")
    IndicativeBudgetFactory(person=person)
    if not SdsChoice.objects.filter(person=person).exists():
        SdsChoice.objects.create(
            person=person,
            chosen_option="option_2",
            chosen_on=person.allocations.get().start_date,
            recorded_by=person.allocations.get().worker,
            reasons="Jean wants to choose her own assistant",
        )
    review = Review.objects.get(pk=full_record["review_id"])
    OutcomeReviewFactory(review=review, outcome=outcome, person=person)
    PersonViewFactory(review=review, outcome=outcome, person=person)
    SolutionReviewFactory(
        review=review, solution=Solution.objects.get(pk=full_record["solution_id"]), person=person
    )
    # A challenge with its steps, and a check of understanding (#13).
    from django.utils import timezone

    from goldenthread.accountability import services as accountability
    from goldenthread.accountability.working_days import add_working_days
    from goldenthread.sds.services import understanding_check_record

    worker = person.allocations.get().worker
    challenge = accountability.challenge_raise(
        actor=worker,
        person=person,
        raised_by="person",
        raised_by_name="Jean Macdonald",
        raised_on=timezone.localdate(),
        about="budget",
        details="The budget leaves out Thursday afternoons.",
        wanted="Thursdays covered",
    )
    accountability.challenge_extend(
        actor=worker,
        challenge=challenge,
        expected_version=challenge.version,
        due_on=add_working_days(challenge.due_on, 1),
        reason="The provider is away this week.",
        agreed_by="Lee Smith, service manager",
    )
    understanding_check_record(
        actor=worker,
        person=person,
        about="sds_options",
        checked_on=timezone.localdate(),
        how_checked="Jean told me in her own words what option 2 means.",
        understood="partly",
        help_given="easy_read",
        what_done="An easy read leaflet about option 2",
    )
    return full_record


def test_every_kind_of_item_appears_in_the_persons_view(client, every_item, person):
    me = RecordLinkFactory(person=person).user
    sign_in(client, me)
    page = client.get(reverse("portal:record", args=[person.pk])).content.decode()
    shown_kinds = set()
    for kind in ITEM_TYPES:
        objects = list(kind.queryset(person))
        assert objects, f"the test record has no {kind.label}: add one to every_item"
        for obj in objects:
            assert f'id="item-{obj.pk}"' in page, kind.label
            for _label, text in item_rows(kind, obj):
                assert escape(text).replace("\n", "<br>") in page, (kind.label, text)
        shown_kinds.add(kind.label)
    assert shown_kinds == {k.label for k in ITEM_TYPES}


def test_the_record_page_costs_a_fixed_number_of_queries(
    client, every_item, person, django_assert_max_num_queries
):
    me = RecordLinkFactory(person=person).user
    sign_in(client, me)
    with django_assert_max_num_queries(len(ITEM_TYPES) + 20):
        assert client.get(reverse("portal:record", args=[person.pk])).status_code == 200
