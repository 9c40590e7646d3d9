"""Never lose a word (#16, OS-9, SEC-5): what a worker types into a box on a person's
record is kept for them on the server (people.Draft), given back on the page, never to
anyone else, forgotten once saved, and kept through a session that ends."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from goldenthread.accounts.middleware import LAST_SEEN_AT
from goldenthread.accounts.models import FormStash
from goldenthread.audit.models import AccessLog
from goldenthread.people import services
from goldenthread.people.models import Draft

pytestmark = pytest.mark.django_db


def urls(person):
    page = reverse("people:circle_add", kwargs={"person_id": person.pk})
    return reverse("people:drafts", kwargs={"person_id": person.pk}), page


def keep(client, person, text, *, key=None, page=None):
    drafts, circle_page = urls(person)
    page = page or circle_page
    return client.post(
        drafts,
        {
            "page": page,
            "draft_key": key or f"{page}|0|0|notes",
            "draft_text": text,
        },
        headers={"X-GT-Draft": "1"},
    )


def listed(client, person, page=None):
    drafts, circle_page = urls(person)
    response = client.get(drafts, {"page": page or circle_page}, headers={"X-GT-Draft": "1"})
    assert response.status_code == 200
    return [(d["key"], d["text"]) for d in response.json()["drafts"]]


def test_typed_text_is_kept_and_given_back_to_its_author(practitioner_client, person):
    _, page = urls(person)
    response = keep(practitioner_client, person, "Ann visits on Sundays")
    assert response.json() == {"kept": 1}
    assert listed(practitioner_client, person) == [(f"{page}|0|0|notes", "Ann visits on Sundays")]
    # Typing on: the same box's draft is replaced, not added to.
    keep(practitioner_client, person, "Ann visits on Sundays and Wednesdays")
    assert listed(practitioner_client, person) == [
        (f"{page}|0|0|notes", "Ann visits on Sundays and Wednesdays")
    ]
    assert Draft.objects.count() == 1
    # Emptying the box forgets it.
    keep(practitioner_client, person, "  ")
    assert listed(practitioner_client, person) == []


def test_each_read_and_write_of_drafts_is_in_the_access_log(practitioner_client, person):
    before = AccessLog.objects.filter(person_id=person.pk).count()
    keep(practitioner_client, person, "Ann visits on Sundays")
    listed(practitioner_client, person)
    assert AccessLog.objects.filter(person_id=person.pk).count() == before + 2


def test_drafts_are_never_shown_to_another_worker(client, practitioner, other_practitioner, person):
    sign_in(client, practitioner)
    keep(client, person, "Private words")
    # A colleague allocated to the same person sees only their own drafts.
    person.allocations.create(worker=other_practitioner, start_date=timezone.localdate())
    client.logout()
    sign_in(client, other_practitioner)
    assert listed(client, person) == []


def test_a_worker_who_may_not_see_the_person_gets_nothing(
    client, practitioner, other_team_leader, person
):
    sign_in(client, practitioner)
    keep(client, person, "Private words")
    client.logout()
    sign_in(client, other_team_leader)
    drafts, page = urls(person)
    response = client.get(drafts, {"page": page}, headers={"X-GT-Draft": "1"})
    assert response.status_code in (403, 404)
    assert b"Private words" not in response.content
    response = keep(client, person, "Other words")
    assert response.status_code in (403, 404)
    assert list(Draft.objects.values_list("text", flat=True)) == ["Private words"]


def test_services_refuse_nobody_and_strangers(practitioner, other_team_leader, person):
    for actor in (None, other_team_leader):
        with pytest.raises(PermissionDenied):
            services.draft_save(
                actor=actor,
                person=person,
                page="/people/x/",
                boxes=[("/people/x/|0|0|notes", "words")],
            )
        with pytest.raises(PermissionDenied):
            services.draft_list(actor=actor, person=person, page="/people/x/")
    assert not Draft.objects.exists()


def test_a_page_outside_this_persons_record_is_refused(practitioner_client, person):
    drafts, _ = urls(person)
    for page in ("/people/", "https://example.com/", drafts, "/account/"):
        response = keep(practitioner_client, person, "words", page=page, key="/x|0|0|notes")
        assert response.status_code == 400, page
    assert not Draft.objects.exists()


def test_saving_the_form_forgets_its_drafts_and_only_its_own(practitioner_client, person):
    _, page = urls(person)
    keep(practitioner_client, person, "Ann is my daughter", key=f"{page}|0|0|notes")
    keep(practitioner_client, person, "Words in another box", key=f"{page}|1|0|notes")
    response = practitioner_client.post(
        page,
        {
            "name": "Ann Macdonald",
            "relationship": "Daughter",
            "notes": "Ann is my daughter",
            "gt_draft_key": f"{page}|0|0|notes",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert listed(practitioner_client, person) == [(f"{page}|1|0|notes", "Words in another box")]


def test_a_form_refused_keeps_its_drafts(practitioner_client, person):
    _, page = urls(person)
    keep(practitioner_client, person, "Half a sentence", key=f"{page}|0|0|notes")
    response = practitioner_client.post(
        page, {"name": "", "notes": "Half a sentence", "gt_draft_key": f"{page}|0|0|notes"}
    )
    assert response.status_code == 200
    assert listed(practitioner_client, person) == [(f"{page}|0|0|notes", "Half a sentence")]


def test_drafts_lapse(practitioner_client, person):
    keep(practitioner_client, person, "Old words")
    Draft.objects.update(saved_at=timezone.now() - datetime.timedelta(days=31))
    assert listed(practitioner_client, person) == []
    assert not Draft.objects.exists()


def test_words_typed_as_the_session_ends_come_back_after_signing_in(client, practitioner, person):
    """The script's save after the session ended is kept by the sign-in (FormStash); sent
    again after signing in, the words are a draft again and the page shows them."""
    sign_in(client, practitioner)
    session = client.session
    session[LAST_SEEN_AT] = timezone.now().timestamp() - 24 * 3600
    session.save()
    drafts, page = urls(person)
    response = keep(client, person, "Typed as the session ended")
    assert response.status_code == 302
    assert "/account/sign-in/" in response["Location"]
    stash = FormStash.objects.get(user=practitioner)
    assert stash.path == drafts
    sign_in(client, practitioner)
    restore = client.get(reverse("accounts:restore"))
    text = restore.content.decode()
    assert "Typed as the session ended" in text
    assert "What you typed" in text and "Draft key" not in text
    # "Send it again": the ordinary form post, without the script's header.
    response = client.post(
        drafts,
        {
            "page": page,
            "draft_key": f"{page}|0|0|notes",
            "draft_text": "Typed as the session ended",
        },
    )
    assert response.status_code == 302 and response["Location"] == page
    assert listed(client, person) == [(f"{page}|0|0|notes", "Typed as the session ended")]


def test_words_sent_after_another_request_found_the_session_ended_are_kept(
    client, practitioner, person
):
    """The live checker's htmx request (never kept) may be the first to find the session
    ended; the script's save that follows is still kept for the person who was signed in."""
    sign_in(client, practitioner)
    session = client.session
    session[LAST_SEEN_AT] = timezone.now().timestamp() - 24 * 3600
    session.save()
    drafts, page = urls(person)
    first = client.post(page, {"name": "x"}, headers={"HX-Request": "true"})
    assert first.status_code == 302 and not FormStash.objects.exists()
    response = keep(client, person, "Typed after the check")
    assert response.status_code == 302
    stash = FormStash.objects.get(user=practitioner)
    assert stash.fields["draft_text"] == ["Typed after the check"]
    # Signing in again ends it: a later anonymous post in this browser is nobody's.
    sign_in(client, practitioner)
    client.get(reverse("people:caseload"))
    client.logout()
    FormStash.objects.all().delete()
    keep(client, person, "Nobody's")
    assert not FormStash.objects.exists()


def test_the_drafts_address_as_a_page_goes_to_the_record(practitioner_client, person):
    drafts, _ = urls(person)
    response = practitioner_client.get(drafts)
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk])
