"""The demo's `person` and `proxy` sign-ins (OPS-1, #12)."""

from __future__ import annotations

from django.urls import reverse

from conftest import sign_in
from goldenthread.accounts.models import Role, User
from goldenthread.portal.demo import load_portal_demo
from goldenthread.portal.models import AboutMeMedia, CorrectionRequest, ItemComment


def test_the_demo_person_and_proxy_see_the_record(pinned_clock, client, full_record, practitioner):
    practitioner.username = "practitioner"
    practitioner.save()
    assert load_portal_demo() is True
    assert load_portal_demo() is False  # idempotent
    person, proxy = User.objects.get(username="person"), User.objects.get(username="proxy")
    assert (person.role, proxy.role) == (Role.PERSON, Role.PROXY)
    assert (
        ItemComment.objects.exists() and CorrectionRequest.objects.filter(asked_by=proxy).exists()
    )
    assert AboutMeMedia.objects.get(added_by=person).kind == "image"
    for user in (person, proxy):
        sign_in(client, user)
        assert (
            client.get(reverse("portal:record", args=[full_record["person_id"]])).status_code == 200
        )
