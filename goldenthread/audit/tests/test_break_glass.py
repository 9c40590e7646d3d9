"""SEC-3 break-glass (#11): a practitioner or team leader with no relationship opens a record
only by stating a reason; it lasts a set time, for them and that person only, every read is
flagged, and the person's team leader reviews it. Other roles never break glass."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from goldenthread.accounts.factories import PractitionerFactory
from goldenthread.audit.models import AccessAction, AccessLog, BreakGlassAccess, ChangeRecord
from goldenthread.audit.selectors import access_for_person
from goldenthread.people.access import break_glass_token
from goldenthread.people.factories import AllocationFactory, PersonFactory
from goldenthread.people.models import Person

REASON = "The allocated worker is off sick and Jean has phoned the office in distress."


@pytest.fixture
def stranger(other_team):
    """A practitioner in another team: no relationship to `person`."""
    return PractitionerFactory(username="val", first_name="Val", last_name="Reid", team=other_team)


def token_from(response) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, "the refusal page offers the break-glass form"
    return match.group(1)


def break_glass(client, person, reason=REASON, path=None):
    path = path or reverse("people:detail", args=[person.pk])
    refused = client.get(path)
    assert refused.status_code == 403
    return client.post(
        reverse("audit:break_glass"), {"token": token_from(refused), "reason": reason}
    )


@pytest.mark.django_db
def test_refusal_page_offers_break_glass_and_nothing_else(client, stranger, person):
    sign_in(client, stranger)
    response = client.get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 403
    body = response.content.decode()
    assert "You do not work with this person" in body
    assert "If you need to see this record now, say why" in body
    assert person.family_name not in body
    row = AccessLog.objects.get(actor=stranger)
    assert row.action == AccessAction.DENIED and not row.break_glass


@pytest.mark.django_db
def test_a_reason_opens_the_record_flagged_for_that_worker_and_person_only(
    client, stranger, person, team, other_practitioner
):
    sign_in(client, stranger)
    url = reverse("outcomes:list", args=[person.pk])
    response = break_glass(client, person, path=url)
    assert response.status_code == 302 and response["Location"] == url
    use = BreakGlassAccess.objects.get(actor=stranger)
    assert use.person_id == person.pk and use.reason == REASON
    assert use.until - use.at == datetime.timedelta(hours=4)
    # Every scoped page now opens, and each read is flagged with the reason.
    for name in ("people:detail", "outcomes:list", "audit:changes"):
        assert client.get(reverse(name, args=[person.pk])).status_code == 200, name
    rows = AccessLog.objects.filter(actor=stranger).exclude(action=AccessAction.DENIED)
    assert rows.count() == 3
    assert all(r.break_glass and r.reason == REASON for r in rows)
    assert Person.objects.visible_to(stranger).filter(pk=person.pk).exists()
    # That person only...
    elsewhere = PersonFactory(team=team)
    assert client.get(reverse("people:detail", args=[elsewhere.pk])).status_code == 403
    # ...and that worker only (other_practitioner has no relationship to `person` either).
    person.allocations.update(end_date=None)
    assert not Person.objects.visible_to(other_practitioner).filter(pk=person.pk).exists()
    # The creation is in the (hash-chained) change history of the record.
    assert ChangeRecord.objects.filter(
        person_id=person.pk, object_type="audit.BreakGlassAccess"
    ).exists()
    # Ready for the person's own "who looked at my record": flagged rows with the reason.
    flagged = [r for r in access_for_person(person.pk) if r.break_glass]
    assert len(flagged) == 3 and {r.actor_name for r in flagged} == {"Val Reid (val)"}


@pytest.mark.django_db
def test_access_ends_after_the_set_time(client, stranger, person, settings):
    settings.GOLDENTHREAD_BREAK_GLASS_HOURS = 2
    url = reverse("people:detail", args=[person.pk])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, stranger)
        break_glass(client, person)
        clock.shift(datetime.timedelta(hours=1, minutes=59))
        sign_in(client, stranger)  # (a fresh session: the idle timeout is not under test)
        assert client.get(url).status_code == 200
        clock.shift(datetime.timedelta(minutes=2))
        sign_in(client, stranger)
        assert client.get(url).status_code == 403
        assert not Person.objects.visible_to(stranger).filter(pk=person.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "because", "   short  reason   "])
def test_a_reason_is_required_and_must_say_enough(client, stranger, person, reason):
    sign_in(client, stranger)
    response = break_glass(client, person, reason=reason)
    assert response.status_code == 403
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Say why you need to see this record" in body or "at least 20 characters" in body
    assert not BreakGlassAccess.objects.exists()
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 403


@pytest.mark.django_db
def test_a_worker_with_a_relationship_gets_no_break_glass_row(client, practitioner, person):
    sign_in(client, practitioner)
    token = break_glass_token(person.pk, f"/people/{person.pk}/")
    response = client.post(reverse("audit:break_glass"), {"token": token, "reason": REASON})
    assert response.status_code == 302
    assert not BreakGlassAccess.objects.exists()
    client.get(reverse("people:detail", args=[person.pk]))
    row = AccessLog.objects.filter(actor=practitioner).latest("seq")
    assert not row.break_glass and row.reason == "Allocated worker"


@pytest.mark.django_db
@pytest.mark.parametrize("role_user", ["commissioner", "panel_member", "administrator"])
def test_other_roles_can_never_break_glass(request, client, person, role_user):
    user = request.getfixturevalue(role_user)
    sign_in(client, user)
    refused = client.get(reverse("people:detail", args=[person.pk]))
    assert refused.status_code == 403
    assert 'name="token"' not in refused.content.decode()
    # Even with a well-formed form they are refused, and the attempt is logged.
    token = break_glass_token(person.pk, f"/people/{person.pk}/")
    response = client.post(reverse("audit:break_glass"), {"token": token, "reason": REASON})
    assert response.status_code == 403
    assert not BreakGlassAccess.objects.exists()
    denied = AccessLog.objects.filter(actor=user, person_id=person.pk, action=AccessAction.DENIED)
    assert denied.filter(what="audit:break_glass").exists()
    assert not Person.objects.visible_to(user).exists()


@pytest.mark.django_db
def test_a_superuser_practitioner_cannot_break_glass(client, stranger, person):
    stranger.is_superuser = True
    stranger.save()
    sign_in(client, stranger)
    token = break_glass_token(person.pk, f"/people/{person.pk}/")
    assert (
        client.post(reverse("audit:break_glass"), {"token": token, "reason": REASON}).status_code
        == 403
    )
    assert not BreakGlassAccess.objects.exists()


@pytest.mark.django_db
def test_a_tampered_or_foreign_token_opens_nothing(client, stranger, person):
    sign_in(client, stranger)
    response = client.post(
        reverse("audit:break_glass"), {"token": "forged:value", "reason": REASON}
    )
    assert response.status_code == 400
    assert not BreakGlassAccess.objects.exists()
    # A token may only send the worker back into the record it was issued for.
    token = break_glass_token(person.pk, "/admin/")
    response = client.post(reverse("audit:break_glass"), {"token": token, "reason": REASON})
    assert response["Location"] == f"/people/{person.pk}/"


@pytest.mark.django_db
def test_team_leader_reviews_break_glass_uses_on_their_team(
    client, stranger, person, team_leader, other_team_leader
):
    sign_in(client, stranger)
    break_glass(client, person)
    use = BreakGlassAccess.objects.get()
    client.get(reverse("people:detail", args=[person.pk]))
    sign_in(client, team_leader)
    url = reverse("audit:break_glass_review")
    body = client.get(url).content.decode()
    assert "1 use to review" in body
    assert REASON in body and "Val Reid (val)" in body and person.display_name in body
    # The list shows a name: it is access-logged like any list.
    listed = AccessLog.objects.get(actor=team_leader, action=AccessAction.LIST)
    assert listed.people_shown == [str(person.pk)]
    # Another team's leader sees nothing of it and cannot review it.
    sign_in(client, other_team_leader)
    assert REASON not in client.get(url).content.decode()
    assert client.post(url, {"use": str(use.pk)}).status_code == 403
    # The person's team leader marks it reviewed, with a note.
    sign_in(client, team_leader)
    response = client.post(url, {"use": str(use.pk), f"{use.pk}-note": "Checked with Val."})
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert "Nothing to review" in body and "Checked with Val." in body
    assert use.review.reviewer == team_leader


@pytest.mark.django_db
def test_break_glass_is_offered_on_record_pages_for_get(client, stranger, full_record):
    sign_in(client, stranger)
    person_id = full_record["person_id"]
    for url in (
        reverse("people:detail", args=[person_id]),
        reverse("outcomes:detail", args=[person_id, full_record["outcome_id"]]),
        reverse("conversations:detail", args=[person_id, full_record["conversation_id"]]),
    ):
        response = client.get(url)
        assert response.status_code == 403 and 'name="token"' in response.content.decode()
    # A refused POST (an action) is refused without the offer.
    response = client.post(reverse("people:edit", args=[person_id]), {})
    assert response.status_code == 403 and 'name="token"' not in response.content.decode()


@pytest.mark.django_db
def test_team_leader_outside_the_team_may_break_glass(client, other_team_leader, person):
    sign_in(client, other_team_leader)
    assert break_glass(client, person).status_code == 302
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 200
    row = AccessLog.objects.filter(actor=other_team_leader).latest("seq")
    assert row.break_glass


@pytest.mark.django_db
def test_allocation_during_break_glass_ends_the_flag(client, stranger, person):
    sign_in(client, stranger)
    break_glass(client, person)
    AllocationFactory(person=person, worker=stranger)
    client.get(reverse("people:detail", args=[person.pk]))
    row = AccessLog.objects.filter(actor=stranger).latest("seq")
    assert not row.break_glass and row.reason == "Allocated worker"


@pytest.mark.django_db
def test_break_glass_for_a_record_that_does_not_exist_is_refused_and_logged(client, stranger):
    """A signed token for a record that is not there (deleted since, or never was): refused,
    nothing opened, and the attempt stays in the access log (it was written inside the block
    the refusal left, so it was rolled back with it)."""
    import uuid

    missing = uuid.uuid4()
    sign_in(client, stranger)
    token = break_glass_token(missing, f"/people/{missing}/")
    response = client.post(reverse("audit:break_glass"), {"token": token, "reason": REASON})
    assert response.status_code == 403
    assert not BreakGlassAccess.objects.exists()
    denied = AccessLog.objects.get(actor=stranger, person_id=missing)
    assert denied.action == AccessAction.DENIED and denied.what == "audit:break_glass"
    assert denied.reason.startswith("Break-glass for a record that does not exist")
