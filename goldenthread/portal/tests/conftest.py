import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The set-up page counts wrong codes per address in the cache: start each test clean."""
    cache.clear()
    yield
    cache.clear()


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
    # Agreement to the outcome and to the plan, and advocacy under way (#13): in the
    # plan, so beside the person's words there too (#12).
    from goldenthread.accountability.models import Advocacy
    from goldenthread.outcomes.factories import AgreementFactory

    AgreementFactory(outcome=outcome, recorded_by=worker)
    AgreementFactory(
        outcome=None,
        person=person,
        recorded_by=worker,
        name="Jean",
        agreed="partly",
        not_agreed="The Sunday visits",
    )
    Advocacy.objects.filter(pk=full_record["advocacy_id"]).update(
        answer="accepted",
        offered_on=timezone.localdate(),
        referred_on=timezone.localdate(),
        provider_name="Speak Up Advocacy",
    )
    return full_record
