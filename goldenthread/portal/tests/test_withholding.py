"""P-1: withholding is the exception and itself a record: a named worker, the grounds, a
reason, a review date and a team leader's agreement; the person sees that something is
withheld and when it will be reconsidered; nothing else is hidden."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from goldenthread.audit.models import ChangeRecord
from goldenthread.conversations.factories import ConversationFactory
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.portal import services
from goldenthread.portal.factories import RecordLinkFactory


@pytest.fixture
def outcomes(person):
    conversation = ConversationFactory(person=person)
    return (
        OutcomeFactory(
            person=person,
            positive_change__conversation=conversation,
            statement="Jean sees her neighbour Tam every Sunday",
        ),
        OutcomeFactory(
            person=person,
            positive_change__conversation=conversation,
            statement="Jean walks to the shop twice a week",
        ),
    )


def propose(worker, person, outcome, **kwargs):
    return services.withholding_propose(
        actor=worker,
        person=person,
        label="outcomes.Outcome",
        item_id=str(outcome.pk),
        **{
            "grounds": "third_party",
            "reason": "Names Tam, who has not agreed",
            "review_on": timezone.localdate() + datetime.timedelta(days=60),
            **kwargs,
        },
    )


def test_withheld_only_with_a_team_leaders_agreement(
    client, person, outcomes, practitioner, team_leader
):
    me = RecordLinkFactory(person=person).user
    hidden, shown = outcomes
    row = propose(practitioner, person, hidden)
    sign_in(client, me)
    page = client.get(reverse("portal:record", args=[person.pk])).content.decode()
    assert "Tam every Sunday" in page  # not yet agreed: nothing is hidden
    with pytest.raises(PermissionDenied):
        services.withholding_agree(actor=practitioner, withholding=row)
    services.withholding_agree(actor=team_leader, withholding=row)
    assert ChangeRecord.objects.filter(object_id=str(row.pk), actor=team_leader).exists()
    page = client.get(reverse("portal:record", args=[person.pk])).content.decode()
    assert "Tam every Sunday" not in page
    assert "Jean walks to the shop" in page  # nothing else is hidden
    assert "has been withheld from you" in page
    assert (timezone.localdate() + datetime.timedelta(days=60)).strftime("%B") in page
    plan = client.get(reverse("portal:plan", args=[person.pk])).content.decode()
    assert "Tam every Sunday" not in plan and "Jean walks to the shop" in plan
    assert "Part of this plan has been withheld" in plan
    easy = client.get(reverse("portal:plan_easy_read", args=[person.pk])).content.decode()
    assert "Tam every Sunday" not in easy
    # Nor can it be reached by its address to comment on it.
    url = reverse("portal:comment", args=[person.pk]) + f"?item=outcomes.Outcome:{hidden.pk}"
    assert client.get(url).status_code == 404
    # Staff still see it.
    sign_in(client, practitioner)
    staff = client.get(reverse("support:plan", args=[person.pk])).content.decode()
    assert "Tam every Sunday" in staff
    # Reconsidered: shown again.
    services.withholding_end(actor=practitioner, withholding=row)
    sign_in(client, me)
    assert (
        "Tam every Sunday"
        in client.get(reverse("portal:record", args=[person.pk])).content.decode()
    )


def test_withholding_needs_grounds_a_reason_and_a_future_review_date(
    person, outcomes, practitioner
):
    with pytest.raises(ValidationError) as refused:
        propose(
            practitioner,
            person,
            outcomes[0],
            grounds="dislike",
            reason="",
            review_on=timezone.localdate(),
        )
    assert set(refused.value.error_dict) == {"grounds", "reason", "review_on"}


def test_only_workers_for_the_person_withhold(person, outcomes, other_practitioner):
    me = RecordLinkFactory(person=person).user
    for actor in (other_practitioner, me):
        with pytest.raises(PermissionDenied):
            propose(actor, person, outcomes[0])


def test_the_staff_pages_for_withholding(client, person, outcomes, practitioner, team_leader):
    sign_in(client, practitioner)
    url = reverse("portal_staff:withhold", args=[person.pk]) + (
        f"?item=outcomes.Outcome:{outcomes[0].pk}"
    )
    assert "Tam every Sunday" in client.get(url).content.decode()
    review_on = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(
        url,
        {"grounds": "serious_harm", "reason": "Upsetting now", "review_on": review_on.isoformat()},
    )
    assert response.status_code == 302
    row = person.withholdings.get()
    sign_in(client, team_leader)
    client.post(
        reverse("portal_staff:withholding_decide", args=[person.pk, row.pk]), {"action": "agree"}
    )
    row.refresh_from_db()
    assert row.agreed_by == team_leader


def test_pending_withholdings_wait_on_the_team_leaders_worklist(
    client, person, outcomes, practitioner, team_leader, other_team_leader
):
    from goldenthread.audit.models import AccessLog

    worklist = reverse("portal_staff:worklist")
    sign_in(client, team_leader)
    assert "Withholdings waiting for your agreement" in client.get(worklist).content.decode()
    row = propose(practitioner, person, outcomes[0])
    body = client.get(worklist).content.decode()
    waiting = body[body.index('id="withholdings"') :]
    assert person.display_name in waiting and practitioner.get_full_name() in waiting
    assert reverse("portal_staff:overview", args=[person.pk]) + "#withholdings" in waiting
    listed = AccessLog.objects.get(reason="Withholdings waiting for a team leader's agreement")
    assert [str(p) for p in listed.people_shown] == [str(person.pk)]
    # Another team's leader does not see it; once agreed it waits no more.
    sign_in(client, other_team_leader)
    other = client.get(worklist).content.decode()
    assert person.display_name not in other[other.index('id="withholdings"') :]
    services.withholding_agree(actor=team_leader, withholding=row)
    sign_in(client, team_leader)
    body = client.get(worklist).content.decode()
    assert person.display_name not in body[body.index('id="withholdings"') :]


def test_a_team_leader_does_not_wait_on_their_own_withholding(
    client, person, outcomes, team_leader
):
    from goldenthread.portal.selectors import waiting_withholdings

    propose(team_leader, person, outcomes[0])
    assert list(waiting_withholdings(team_leader)) == []


def test_each_decision_about_a_withholding_is_taken_once(
    client, person, outcomes, practitioner, team_leader
):
    """#12: agreeing twice, ending twice, or agreeing once ended is refused by the service
    (whichever page or API caller asks), on the stored row; the page says why."""
    from goldenthread.portal.models import Withholding

    row = propose(practitioner, person, outcomes[0])
    services.withholding_agree(actor=team_leader, withholding=row)
    again = Withholding.objects.get(pk=row.pk)
    with pytest.raises(ValidationError, match="already agreed"):
        services.withholding_agree(actor=team_leader, withholding=again)
    services.withholding_end(actor=practitioner, withholding=again)
    ended = Withholding.objects.get(pk=row.pk)
    with pytest.raises(ValidationError, match="has ended"):
        services.withholding_end(actor=practitioner, withholding=ended)
    with pytest.raises(ValidationError, match="has ended"):
        services.withholding_agree(actor=team_leader, withholding=ended)
    # Proposed, agreed, ended: nothing more was written.
    assert ChangeRecord.objects.filter(object_id=str(row.pk)).count() == 3
    assert Withholding.objects.get(pk=row.pk).version == ended.version
    sign_in(client, practitioner)
    url = reverse("portal_staff:withholding_decide", args=[person.pk, row.pk])
    page = client.post(url, {"action": "end"}, follow=True).content.decode()
    assert "This withholding has ended: the person sees the item." in page
    assert ChangeRecord.objects.filter(object_id=str(row.pk)).count() == 3


def test_a_withheld_item_is_left_out_of_the_plan_by_what_it_is_not_only_its_words(
    client, person, practitioner, team_leader
):
    """P-1 (#12): the plan's rows name their item (words_ref), so a withheld move is left
    out of the person's plan though the plan says it in other words than the record."""
    from goldenthread.accountability.factories import TransitionFactory

    hidden = TransitionFactory(person=person, notes="Moving nearer to Tam in Oak House")
    TransitionFactory(person=person, notes="Moving to a flat with a lift")
    me = RecordLinkFactory(person=person).user
    row = services.withholding_propose(
        actor=practitioner,
        person=person,
        label="accountability.Transition",
        item_id=str(hidden.pk),
        grounds="third_party",
        reason="Names Tam, who has not agreed",
        review_on=timezone.localdate() + datetime.timedelta(days=60),
    )
    services.withholding_agree(actor=team_leader, withholding=row)
    sign_in(client, me)
    plan = client.get(reverse("portal:plan", args=[person.pk])).content.decode()
    assert "Oak House" not in plan
    assert "a flat with a lift" in plan
    assert "Part of this plan has been withheld" in plan
    sign_in(client, practitioner)
    assert "Oak House" in client.get(reverse("support:plan", args=[person.pk])).content.decode()
